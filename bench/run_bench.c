/* Whole realms through the VMM (src/vmm): an RSI call answered in the RMM,
 * a host-call exit and an MMIO exit, each as the round trip the guest sees,
 * and `ccakit run -k hello.elf` from process start to SYSTEM_OFF.
 *
 * A guest cannot be told how many calls to make, so each bench_* image
 * (guest/examples) makes a fixed number; its run, less the run of
 * bench_null (the same realm doing nothing) in the same repetition, over
 * that number is one call's cost. vmm_run maps guest DRAM at its physical
 * address in this process: main.c destroys its own machine before these run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "vmm/run.h"

#ifndef CCAKIT_GUEST_ELF_DIR
#error "CCAKIT_GUEST_ELF_DIR: the directory of the guest images (bench/CMakeLists.txt)"
#endif
#ifndef CCAKIT_TOOL
#error "CCAKIT_TOOL: the path of the ccakit binary (bench/CMakeLists.txt)"
#endif

/* The calls each image makes: as in guest/examples/bench_*.c. The host-call
 * and MMIO counts are checked against what the VMM saw. */
#define BENCH_RSI_CALLS 200000u
#define BENCH_HOST_CALLS 50000u
#define BENCH_MMIO_READS 50000u

#define RSI_TARGET_US 1.0
#define HOST_CALL_TARGET_US 5.0
#define MMIO_TARGET_US 5.0
#define START_TO_OFF_TARGET_MS 100.0
#define THROUGHPUT_TARGET_PCT 90.0
#define ATTEST_TARGET_US 2000.0

struct guest_run {
	double us;
	uint64_t host_calls, mmio;
};

/* One run of the image NAME.elf (a realm, or with VMM_MODE_NORMAL a normal
 * VM), in this process. A run that fails, or whose guest exits with a
 * status other than 0, is told on stderr and gives us < 0: its row is left
 * out, the others go on. */
static struct guest_run run_guest_as(const char *name, enum vmm_mode mode)
{
	char path[4096], err[VMM_RUN_ERR_MAX];
	snprintf(path, sizeof(path), "%s/%s.elf", CCAKIT_GUEST_ELF_DIR, name);
	struct vmm_options o = {
		.mode = mode, .kernel = path, .mem_size = VMM_MEM_DEFAULT, .cpus = 1,
		.hash_algo = 0,
	};
	struct vmm_io io = { .console = NULL };
	struct vmm_run_result res;
	double t = now_us();
	int rc = vmm_run(&o, &io, &res, err, sizeof(err));
	double us = now_us() - t;
	if (rc != 0) {
		fprintf(stderr, "ccakit-bench: running %s: %s\n", path, err);
		return (struct guest_run){ -1 };
	}
	struct guest_run g = { us, res.host_calls, res.mmio };
	if (!res.status_reported || res.status != 0) {
		fprintf(stderr, "ccakit-bench: %s exited with status %u%s\n", path,
			(unsigned)res.status, res.status_reported ? "" : " (none reported)");
		g.us = -1;
	}
	vmm_run_result_free(&res);
	return g;
}

static struct guest_run run_guest(const char *name)
{
	return run_guest_as(name, VMM_MODE_REALM);
}

static void check_count(const char *name, uint64_t got, unsigned want, const char *what)
{
	if (got != want) {
		fprintf(stderr, "ccakit-bench: %s made %llu %s, not %u: rebuild the guest images\n",
			name, (unsigned long long)got, what, want);
		exit(1);
	}
}

double bench_spawn_ms(char *const argv[])
{
	double t = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("ccakit-bench: fork");
		exit(1);
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		execv(argv[0], argv);
		fprintf(stderr, "ccakit-bench: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("ccakit-bench: waitpid");
			exit(1);
		}
	double ms = (now_us() - t) / 1e3;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "ccakit-bench: %s %s failed (wait status 0x%x)\n", argv[0],
			argv[1] ? argv[1] : "", status);
		exit(1);
	}
	return ms;
}

/* `ccakit run -k hello.elf`, from fork to its exit, in ms. */
static double run_tool(void)
{
	static char *const argv[] = { CCAKIT_TOOL, "run", "-k", CCAKIT_GUEST_ELF_DIR "/hello.elf",
				      NULL };
	return bench_spawn_ms(argv);
}

/* A row whose guest failed in some repetitions: said so, and left out of
 * the targets if it never ran through. */
static void report_if_measured(const struct row *r, unsigned runs)
{
	if (r->s.n == 0) {
		printf("%-46s   not measured: its guest failed (see above)\n", r->name);
		return;
	}
	if (r->s.n < runs)
		fprintf(stderr, "ccakit-bench: %s: %zu of %u runs\n", r->name, r->s.n, runs);
	report(r);
}

void bench_realm_exits(struct bench *b)
{
	struct samples null = { 0 }, rsi = { 0 }, hc = { 0 }, mmio = { 0 };
	unsigned runs = b->quick ? 3 : 9;

	run_guest("bench_null"); /* warms up the allocator and the caches */
	for (unsigned run = 0; run < runs; run++) {
		struct guest_run base = run_guest("bench_null");
		struct guest_run r = run_guest("bench_rsi");
		struct guest_run h = run_guest("bench_hostcall");
		struct guest_run m = run_guest("bench_mmio");
		if (base.us < 0) {
			fprintf(stderr, "ccakit-bench: no baseline, no realm exit rows\n");
			exit(1);
		}
		samples_add(&null, base.us / 1e3);
		if (r.us >= 0)
			samples_add(&rsi, (r.us - base.us) / BENCH_RSI_CALLS);
		if (h.us >= 0) {
			check_count("bench_hostcall", h.host_calls - base.host_calls,
				    BENCH_HOST_CALLS, "host calls");
			samples_add(&hc, (h.us - base.us) / BENCH_HOST_CALLS);
		}
		if (m.us >= 0) {
			check_count("bench_mmio", m.mmio - base.mmio, BENCH_MMIO_READS,
				    "MMIO accesses");
			samples_add(&mmio, (m.us - base.us) / BENCH_MMIO_READS);
		}
	}
	report(&(struct row){ "Realm run, guest doing nothing (in-process)", "ms", summarize(&null) });
	report_if_measured(&(struct row){ "RSI_VERSION round trip from the guest", "us",
					  summarize(&rsi), TARGET_AT_MOST, RSI_TARGET_US },
			   runs);
	report_if_measured(&(struct row){ "Host-call exit round trip", "us", summarize(&hc),
					  TARGET_AT_MOST, HOST_CALL_TARGET_US },
			   runs);
	report_if_measured(&(struct row){ "MMIO exit round trip (32-bit read)", "us",
					  summarize(&mmio), TARGET_AT_MOST, MMIO_TARGET_US },
			   runs);
	samples_free(&null);
	samples_free(&rsi);
	samples_free(&hc);
	samples_free(&mmio);
}

void bench_start_to_off(struct bench *b)
{
	struct samples s = { 0 };
	unsigned runs = b->quick ? 5 : 15;

	run_tool(); /* brings the binary and the image into the page cache */
	for (unsigned run = 0; run < runs; run++)
		samples_add(&s, run_tool());
	report(&(struct row){ "ccakit run -k hello.elf, start to SYSTEM_OFF", "ms", summarize(&s),
			      TARGET_AT_MOST, START_TO_OFF_TARGET_MS });
	samples_free(&s);
}

/* Guest instruction throughput in a realm against the same image as a
 * normal VM: bench_compute's run less bench_null's, each mode against its
 * own baseline, normal time over realm time. */
void bench_realm_throughput(struct bench *b)
{
	struct samples realm = { 0 }, normal = { 0 }, ratio = { 0 };
	unsigned runs = b->quick ? 3 : 9;

	run_guest_as("bench_compute", VMM_MODE_NORMAL); /* warms the caches */
	for (unsigned run = 0; run < runs; run++) {
		struct guest_run rb = run_guest_as("bench_null", VMM_MODE_REALM);
		struct guest_run r = run_guest_as("bench_compute", VMM_MODE_REALM);
		struct guest_run nb = run_guest_as("bench_null", VMM_MODE_NORMAL);
		struct guest_run n = run_guest_as("bench_compute", VMM_MODE_NORMAL);
		if (rb.us < 0 || r.us < 0 || nb.us < 0 || n.us < 0)
			continue;
		double realm_ms = (r.us - rb.us) / 1e3, normal_ms = (n.us - nb.us) / 1e3;
		samples_add(&realm, realm_ms);
		samples_add(&normal, normal_ms);
		if (realm_ms > 0)
			samples_add(&ratio, 100.0 * normal_ms / realm_ms);
	}
	report_if_measured(&(struct row){ "bench_compute as a realm", "ms", summarize(&realm) },
			   runs);
	report_if_measured(&(struct row){ "bench_compute as a normal VM", "ms",
					  summarize(&normal) },
			   runs);
	report_if_measured(&(struct row){ "Realm throughput / normal VM's", "%", summarize(&ratio),
					  TARGET_AT_LEAST, THROUGHPUT_TARGET_PCT },
			   runs);
	samples_free(&realm);
	samples_free(&normal);
	samples_free(&ratio);
}

/* The realm token as the guest times it: bench_attest prints one line
 * "attest TICKS HZ BYTES" per token (INIT to the last CONTINUE, by the
 * virtual counter); every token of every run is one sample. */
void bench_realm_token(struct bench *b)
{
	struct samples s = { 0 };
	unsigned runs = b->quick ? 1 : 3;
	char path[4096], err[VMM_RUN_ERR_MAX];
	unsigned long long bytes = 0;

	snprintf(path, sizeof(path), "%s/bench_attest.elf", CCAKIT_GUEST_ELF_DIR);
	for (unsigned run = 0; run < runs; run++) {
		struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = path,
					 .mem_size = VMM_MEM_DEFAULT, .cpus = 1 };
		struct vmm_io io = { .console = NULL, .capture = 64 * 1024 };
		struct vmm_run_result res;
		if (vmm_run(&o, &io, &res, err, sizeof(err)) != 0) {
			fprintf(stderr, "ccakit-bench: running %s: %s\n", path, err);
			continue;
		}
		if (!res.status_reported || res.status != 0)
			fprintf(stderr, "ccakit-bench: bench_attest exited with status %u\n",
				(unsigned)res.status);
		else
			for (const char *l = res.console; l && l < res.console + res.console_len;) {
				unsigned long long ticks, hz, len;
				if (sscanf(l, "attest %llu %llu %llu", &ticks, &hz, &len) == 3 && hz) {
					samples_add(&s, 1e6 * (double)ticks / (double)hz);
					bytes = len;
				}
				const char *nl = memchr(l, '\n', res.console_len - (size_t)(l - res.console));
				l = nl ? nl + 1 : NULL;
			}
		vmm_run_result_free(&res);
	}
	if (bytes)
		printf("(realm token: %llu bytes)\n", bytes);
	report_if_measured(&(struct row){ "realm token, INIT to last CONTINUE", "us", summarize(&s),
					  TARGET_AT_MOST, ATTEST_TARGET_US },
			   1);
	samples_free(&s);
}
