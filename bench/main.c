/* ccakit-bench: RMI round trips, granule delegation, a whole realm's cycle
 * and DATA_CREATE throughput, each as the median (p10, p90) of repeated
 * runs, against the targets the project set. */
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ccakit/abi/smccc.h"
#include "bench.h"
#include "ccakit/rmi.h"

#ifndef CCAKIT_BUILD_TYPE
#define CCAKIT_BUILD_TYPE "unknown"
#endif

/* 256 MiB of DATA, as many NS source granules, and room for the rest. */
#define BENCH_DRAM (UINT64_C(640) << 20)

static unsigned rows_with_target, rows_missed;

uint64_t bench_granules(struct bench *b, size_t n, int fill)
{
	uint64_t pa = b->next;
	if (pa + n * GRANULE_SIZE > b->map.secure.base) {
		fprintf(stderr, "ccakit-bench: the machine is out of NS granules\n");
		exit(1);
	}
	b->next += n * GRANULE_SIZE;
	memset(ccakit_pa_to_ptr(b->m, pa), fill, n * GRANULE_SIZE);
	return pa;
}

void rmi_ok(struct bench *b, uint64_t res[4], uint32_t fid, unsigned nargs, ...)
{
	struct ccakit_smc_regs r = { .x = { fid } };
	uint64_t in[18];
	va_list ap;
	va_start(ap, nargs);
	for (unsigned i = 0; i < nargs; i++)
		r.x[1 + i] = va_arg(ap, uint64_t);
	va_end(ap);
	memcpy(in, r.x, sizeof(in));
	if (ccakit_smc(b->m, 0, &r) != 0 || r.x[0] != RMI_SUCCESS) {
		char line[512];
		ccakit_rmi_format(line, sizeof(line), in, r.x);
		fprintf(stderr, "ccakit-bench: setup call failed: %s\n", line);
		exit(1);
	}
	if (res)
		memcpy(res, &r.x[1], 4 * sizeof(uint64_t));
}

/* printf's width counts bytes; "µ" is two bytes and one column. */
static void put_padded(const char *s, int width, bool right)
{
	int cols = 0;
	for (const char *p = s; *p; p++)
		cols += ((unsigned char)*p & 0xc0) != 0x80;
	int pad = width > cols ? width - cols : 0;
	printf("%*s%s%*s", right ? pad : 0, "", s, right ? 0 : pad, "");
}

static void format_value(char *buf, size_t len, double v, const char *unit)
{
	if (!strcmp(unit, "us"))
		snprintf(buf, len, v < 10 ? "%.2f µs" : v < 100 ? "%.1f µs" : "%.0f µs", v);
	else if (!strcmp(unit, "%"))
		snprintf(buf, len, "%.1f %%", v);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
}

void report(const struct row *r)
{
	char med[32], p10[32], p90[32], target[40] = "";
	format_value(med, sizeof(med), r->s.median, r->unit);
	format_value(p10, sizeof(p10), r->s.p10, r->unit);
	format_value(p90, sizeof(p90), r->s.p90, r->unit);
	if (r->kind != TARGET_NONE) {
		char t[32];
		format_value(t, sizeof(t), r->target, r->unit);
		snprintf(target, sizeof(target), "%s %s", r->kind == TARGET_AT_MOST ? "≤" : "≥", t);
	}
	printf("%s", r->indent ? "    " : "");
	put_padded(r->name, r->indent ? 42 : 46, false);
	put_padded(med, 11, true);
	put_padded(p10, 11, true);
	put_padded(p90, 11, true);
	printf("   ");
	if (r->kind == TARGET_NONE) {
		printf("\n");
	} else {
		bool pass = r->kind == TARGET_AT_MOST ? r->s.median <= r->target
						      : r->s.median >= r->target;
		put_padded(target, 12, false);
		printf("%s\n", pass ? "PASS" : "MISS");
		rows_with_target++;
		rows_missed += !pass;
	}
	fflush(stdout);
}

static void environment(void)
{
	char model[128] = "unknown CPU";
	bool sha = false;
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = 0;
		}
		/* x86 SHA extensions, or the Armv8 SHA-256 instructions. */
		if ((!strncmp(line, "flags", 5) && strstr(line, " sha_ni")) ||
		    (!strncmp(line, "Features", 8) && strstr(line, " sha2")))
			sha = true;
	}
	if (f)
		fclose(f);
	struct utsname u;
	uname(&u);
	printf("ccakit-bench: %ld CPUs (%s, SHA-256 instructions: %s), Linux %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), model, sha ? "yes" : "no", u.release);
	printf("              %s, %s build, clock_gettime(CLOCK_MONOTONIC)\n",
	       OpenSSL_version(OPENSSL_VERSION), CCAKIT_BUILD_TYPE);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ccakit-bench [--quick] [--strict]\n"
		   "\n"
		   "  --quick   fewer repetitions (a few seconds instead of about half a minute)\n"
		   "  --strict  exit with status 1 if a target is missed\n");
}

int main(int argc, char **argv)
{
	struct bench b = { 0 };
	bool strict = false;
	char err[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			b.quick = true;
		} else if (!strcmp(argv[i], "--strict")) {
			strict = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "ccakit-bench: unknown argument '%s'\n\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}

	struct ccakit_machine_config cfg = { .dram_size = BENCH_DRAM, .pe_count = 2 };
	if (ccakit_machine_create(&cfg, &b.m, err, sizeof(err)) != 0) {
		fprintf(stderr, "ccakit-bench: cannot create the machine: %s\n", err);
		return 1;
	}
	ccakit_memory_map(b.m, &b.map);
	b.next = b.map.dram.base;

	double t0 = now_us();
	environment();
	printf("              machine: %llu MiB of DRAM, %u PEs; %s repetitions\n\n",
	       (unsigned long long)(cfg.dram_size >> 20), cfg.pe_count, b.quick ? "quick" : "full");
	put_padded("", 46, false);
	put_padded("median", 11, true);
	put_padded("p10", 11, true);
	put_padded("p90", 11, true);
	printf("   target\n");

	bench_version(&b);
	bench_granule_pairs(&b);
	bench_realm_cycle(&b);
	bench_data_throughput(&b);
	bench_vcpu(&b);
	/* A whole realm's run maps DRAM at its physical address in this process,
	 * as this machine does: one at a time. */
	ccakit_machine_destroy(b.m);
	b.m = NULL;
	bench_realm_exits(&b);
	bench_realm_throughput(&b);
	bench_start_to_off(&b);
	bench_tools(&b);
	bench_realm_token(&b);

	printf("\n%u of %u targets met; %.1f s\n", rows_with_target - rows_missed, rows_with_target,
	       (now_us() - t0) / 1e6);
	return strict && rows_missed ? 1 : 0;
}
