/* ccakit-bench: shared vocabulary of the benchmarks. */
#ifndef CCAKIT_BENCH_H
#define CCAKIT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ccakit/abi/rmi.h"
#include "ccakit/machine.h"

/* ---- samples and their order statistics (stats.c) ---- */

struct samples {
	double *v;
	size_t n, cap;
};

struct summary {
	double median, p10, p90;
	size_t n;
};

void samples_add(struct samples *s, double v);
void samples_free(struct samples *s);
struct summary summarize(struct samples *s);

static inline double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* ---- the table (main.c) ---- */

enum target_kind {
	TARGET_NONE,
	TARGET_AT_MOST,  /* pass if median <= target */
	TARGET_AT_LEAST, /* pass if median >= target */
};

struct row {
	const char *name;
	const char *unit;     /* "us", "MB/s", "%" */
	struct summary s;
	enum target_kind kind;
	double target;
	bool indent;          /* a part of the row above */
};

void report(const struct row *r);

/* ---- the benchmarks ---- */

struct bench {
	struct ccakit_machine *m;
	struct ccakit_memory_map map;
	uint64_t next;        /* bump allocator of NS granules */
	bool quick;
};

/* n fresh contiguous NS granules, filled with `fill`. */
uint64_t bench_granules(struct bench *b, size_t n, int fill);

/* An RMI call from PE 0 that must succeed; results X1..X4 in res (may be
 * NULL). Exits the process, naming the call, if it does not. */
void rmi_ok(struct bench *b, uint64_t res[4], uint32_t fid, unsigned nargs, ...);

void bench_version(struct bench *b);
void bench_granule_pairs(struct bench *b);
void bench_realm_cycle(struct bench *b);
void bench_data_throughput(struct bench *b);
void bench_vcpu(struct bench *b);
void bench_realm_exits(struct bench *b);
void bench_realm_throughput(struct bench *b);
void bench_start_to_off(struct bench *b);
void bench_realm_token(struct bench *b);

/* argv (argv[0] a path) as a child process, its stdout discarded: from fork
 * to its exit, in ms; exits the bench if it fails (run_bench.c). */
double bench_spawn_ms(char *const argv[]);

/* `ccakit measure` and `ccakit token verify` (tool_bench.c). */
void bench_tools(struct bench *b);

#endif
