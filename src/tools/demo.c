/* `ccakit demo`: one realm's life through the host library, with every RMI
 * call traced, a malicious host stopped by the granule protection check, and
 * a teardown that gives every granule back to the normal world. */
#include <errno.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccakit/token.h"
#include "host/host.h"
#include "tools/tools.h"
#include "vmm/rim.h"
#include "vmm/run.h"

#define DEMO_DRAM (UINT64_C(64) << 20)
#define DEMO_PES 2
#define DEMO_S2SZ 40
#define DEMO_RAM (UINT64_C(2) << 20)

static bool bold;

static void demo_usage(FILE *f)
{
	fprintf(f, "Usage: ccakit demo\n"
		   "\n"
		   "Builds a realm on a %llu MiB machine with %d PEs, activates it, plays a\n"
		   "malicious host against it and tears it down, printing every RMI call the\n"
		   "host makes: command(arguments) = status -> results.\n",
		(unsigned long long)(DEMO_DRAM >> 20), DEMO_PES);
}

static void heading(struct host *h, int n, const char *title)
{
	host_trace_flush(h);
	printf("\n%s%d. %s%s\n", bold ? "\033[1m" : "", n, title, bold ? "\033[0m" : "");
}

/* Notes between trace lines: "  > ...". */
static void note(struct host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct host *h, const char *fmt, ...)
{
	va_list ap;
	host_trace_flush(h);
	fputs("  > ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Granules of DRAM in each PAS, as the GPT says now. */
static void census(struct host *h, size_t count[4])
{
	struct ccakit_memory_map *map = &h->map;
	memset(count, 0, 4 * sizeof(count[0]));
	for (uint64_t pa = map->dram.base; pa < map->dram.base + map->dram.size; pa += GRANULE_SIZE)
		count[ccakit_pas_of(host_machine(h), pa)]++;
}

static void print_census(struct host *h, const size_t c[4], const char *tail)
{
	note(h, "granules by PAS: %s %zu, %s %zu, %s %zu, %s %zu%s", ccakit_pas_name(CCAKIT_PAS_NS),
	     c[CCAKIT_PAS_NS], ccakit_pas_name(CCAKIT_PAS_REALM), c[CCAKIT_PAS_REALM],
	     ccakit_pas_name(CCAKIT_PAS_SECURE), c[CCAKIT_PAS_SECURE],
	     ccakit_pas_name(CCAKIT_PAS_ROOT), c[CCAKIT_PAS_ROOT], tail);
}

struct peek {
	const volatile uint64_t *ptr;
	uint64_t value;
};

static void peek(void *arg)
{
	struct peek *p = arg;
	p->value = *p->ptr;
}

static int fail(struct host *h, const char *what)
{
	host_trace_flush(h);
	fprintf(stderr, "ccakit demo: %s failed: %s\n", what, host_error(h));
	host_destroy(h);
	return 1;
}

static int demo(void)
{
	static const char code[] = "the realm's first instructions would be here";
	static const char scratch[] = "a page the host loads without measuring it";
	const struct host_image images[] = {
		{ .ipa = 0x0, .data = code, .len = sizeof(code), .measure = true },
		{ .ipa = 0x1000, .data = scratch, .len = sizeof(scratch), .measure = false },
	};
	const struct host_region unknown[] = { { .ipa = 0x2000, .len = GRANULE_SIZE } };
	struct host_realm_layout layout = {
		.realm = { .s2sz = DEMO_S2SZ, .hash_algo = RMI_HASH_SHA_256 },
		.ram = { .ipa = 0, .len = DEMO_RAM },
		.images = images,
		.nimages = 2,
		.unknown = unknown,
		.nunknown = 1,
		.nrecs = 1,
		.pc = 0x0,
		.gprs = { 0x1000 },
	};
	memcpy(layout.realm.rpv, "ccakit demo", sizeof("ccakit demo"));
	struct host_config cfg = {
		.machine = { .dram_size = DEMO_DRAM, .pe_count = DEMO_PES },
		.pe = 0,
		.trace = stdout,
	};
	struct host *h;
	struct host_realm *r;
	char err[256];
	int rc;

	bold = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	printf("ccakit demo: a realm on a CCA machine with %llu MiB of DRAM and %d PEs.\n"
	       "The host (normal world) drives the RMM with RMI calls, each an SMC through\n"
	       "the monitor; every call is shown as command(arguments) = status -> results.\n",
	       (unsigned long long)(DEMO_DRAM >> 20), DEMO_PES);

	/* host_create checks RMI_VERSION and reads RMI_FEATURES: print the
	 * heading first so those calls land under it. */
	printf("\n%s1. build the realm%s\n", bold ? "\033[1m" : "", bold ? "\033[0m" : "");
	if (host_create(&cfg, &h, err, sizeof(err)) != 0) {
		fprintf(stderr, "ccakit demo: cannot start the machine: %s\n", err);
		return 1;
	}
	note(h, "a %u-bit IPA space (SHA-256) with %llu MiB of RAM at IPA 0x0: one page loaded and",
	     DEMO_S2SZ, (unsigned long long)(DEMO_RAM >> 20));
	note(h, "measured, one loaded unmeasured, one left zero (UNKNOWN); REC 0 starts at 0x0");
	size_t boot[4], now[4];
	census(h, boot);
	rc = host_realm_build(h, &layout, &r);
	if (rc)
		return fail(h, "building the realm");
	note(h, "the realm holds RD, %u start RTT%s, %zu RTTs, %zu DATA, %zu REC + %llu aux granules",
	     r->rtt_num_start, r->rtt_num_start == 1 ? "" : "s", r->nrtts, r->ndata, r->nrecs,
	     (unsigned long long)(r->nrecs * r->rec_aux_count));
	census(h, now);
	print_census(h, now, "");

	heading(h, 2, "activate");
	if (host_realm_activate(h, r))
		return fail(h, "activating the realm");
	note(h, "the realm's measurement (RIM) is sealed; its RECs may now run");

	heading(h, 3, "a malicious host");
	uint64_t res[4];
	note(h, "the host asks where the realm's code lives ...");
	if (host_rmi(h, res, RMI_RTT_READ_ENTRY, 3, r->rd, UINT64_C(0), UINT64_C(3)))
		return fail(h, "reading the RTT entry of IPA 0x0");
	uint64_t data_pa = res[2];
	note(h, "... and reads PA 0x%llx through its own mapping of DRAM:", (unsigned long long)data_pa);
	struct peek p = { .ptr = ccakit_pa_to_ptr(host_machine(h), data_pa) };
	struct ccakit_gpf gpf;
	bool faulted = ccakit_nw_guard(host_machine(h), peek, &p, &gpf);
	if (faulted)
		note(h, "granule protection fault: %s PA 0x%llx, a granule in the %s PAS",
		     gpf.write ? "write to" : "read of", (unsigned long long)gpf.pa,
		     ccakit_pas_name(gpf.pas));
	else
		note(h, "NO FAULT: the host read 0x%016llx from realm memory",
		     (unsigned long long)p.value);
	note(h, "it then tries to take the granule back from under the realm:");
	rc = host_rmi(h, NULL, RMI_GRANULE_UNDELEGATE, 1, data_pa);
	bool refused = host_rmi_status(rc) == RMI_ERROR_INPUT;
	if (refused)
		note(h, "refused: the granule holds the realm's DATA, it is not merely delegated");
	else
		note(h, "UNEXPECTED: %s", rc ? host_error(h) : "the undelegate succeeded");

	heading(h, 4, "tear down");
	if (host_realm_destroy(h, r))
		return fail(h, "tearing down the realm");
	census(h, now);
	bool ok = !memcmp(now, boot, sizeof(now)) && h->granules_in_use == 0;
	bool isolated = faulted && refused;
	print_census(h, now, ok ? " (as at boot)" : " (NOT as at boot)");
	if (ok)
		note(h, "every granule the realm used is back in the Non-secure PAS and the host's "
			"allocator");
	else
		note(h, "LEAK: %zu granules still out of the host's allocator", h->granules_in_use);
	host_destroy(h);
	return ok && isolated ? 0 : 1;
}

/* A guest example, built next to this binary (build/guest/NAME.elf). */
static bool example_path(const char *name, char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + strlen("/guest/.elf") + strlen(name) + 1 > len)
		return false;
	sprintf(slash, "/guest/%s.elf", name);
	return access(buf, R_OK) == 0;
}

/* 5: hello, run as a realm by the VMM, its console and its REC exits. */
static int demo_run(void)
{
	char path[4096], err[VMM_RUN_ERR_MAX];
	printf("\n%s5. a realm that runs: `ccakit run -k hello.elf`%s\n", bold ? "\033[1m" : "",
	       bold ? "\033[0m" : "");
	if (!example_path("hello", path, sizeof(path))) {
		printf("  > the guest examples are not built next to this binary: run `make demo`\n");
		return 1;
	}
	char *trace = NULL;
	size_t trace_len = 0;
	FILE *tf = open_memstream(&trace, &trace_len);
	struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = path,
				 .mem_size = VMM_MEM_DEFAULT, .cpus = 1, .trace = true };
	struct vmm_io io = { .console = NULL, .trace = tf, .capture = 4096 };
	struct vmm_run_result res;
	int rc = vmm_run(&o, &io, &res, err, sizeof(err));
	fclose(tf);
	if (rc) {
		printf("  > FAILED: %s\n", err);
		free(trace);
		return 1;
	}
	printf("  > the realm's console:\n");
	for (char *line = res.console; line && *line;) {
		char *end = strchr(line, '\n');
		printf("  | %.*s\n", (int)(end ? end - line : (long)strlen(line)), line);
		line = end ? end + 1 : line + strlen(line);
	}
	printf("  > its REC exits that were not MMIO (of %llu REC_ENTERs, %llu MMIO accesses):\n",
	       (unsigned long long)res.entries, (unsigned long long)res.mmio);
	for (char *line = trace; line && *line;) {
		char *end = strchr(line, '\n');
		if (!strncmp(line, "REC_EXIT", 8) && !strstr(line, "reason=SYNC"))
			printf("  %.*s\n", (int)(end ? end - line : (long)strlen(line)), line);
		line = end ? end + 1 : line + strlen(line);
	}
	printf("  > exit status %u; the realm was torn down, every granule undelegated\n",
	       res.status);
	bool ok = res.status_reported && res.status == 0;
	vmm_run_result_free(&res);
	free(trace);
	return ok ? 0 : 1;
}

static void print_console(const char *console)
{
	for (const char *line = console; line && *line;) {
		const char *end = strchr(line, '\n');
		printf("  | %.*s\n", (int)(end ? end - line : (long)strlen(line)), line);
		line = end ? end + 1 : line + strlen(line);
	}
}

/* 6: attest, run as a realm: its token verified with the platform's CPAK
 * and appraised against what `ccakit measure` predicts, RIM included. */
static int demo_attest(void)
{
	char path[4096], cpak_path[4096], token_path[] = "/tmp/ccakit-demo-token-XXXXXX";
	char err[VMM_RUN_ERR_MAX];
	printf("\n%s6. a realm that attests: `ccakit run -k attest.elf --challenge HEX "
	       "--token-out FILE`,\n   then `ccakit token appraise FILE --cpak KEY --ref "
	       "<(ccakit measure -k attest.elf --json)`%s\n",
	       bold ? "\033[1m" : "", bold ? "\033[0m" : "");
	if (!example_path("attest", path, sizeof(path))) {
		printf("  > the guest examples are not built next to this binary: run `make demo`\n");
		return 1;
	}
	if (vmm_default_cpak_path(cpak_path, sizeof(cpak_path), err, sizeof(err)) != 0) {
		printf("  > FAILED: %s\n", err);
		return 1;
	}
	int fd = mkstemp(token_path);
	if (fd < 0) {
		printf("  > FAILED: cannot make a temporary file: %s\n", strerror(errno));
		return 1;
	}
	close(fd);

	/* The relying party's challenge: fresh, so the token cannot be a
	 * replay. */
	struct vmm_attest_config attest = { .challenge_given = true, .token_out = token_path };
	if (RAND_bytes(attest.challenge, sizeof(attest.challenge)) != 1) {
		printf("  > FAILED: no random challenge\n");
		unlink(token_path);
		return 1;
	}
	struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = path,
				 .mem_size = VMM_MEM_DEFAULT, .cpus = 1, .cpak = cpak_path };
	struct vmm_io io = { .console = NULL, .capture = 4096, .attest = &attest };
	struct vmm_run_result res;
	struct vmm_measurement m;
	struct ccakit_token *t = NULL;
	struct ccakit_cpak *k = NULL;
	struct ccakit_refvals *rv = NULL;
	struct ccakit_appraisal *a = NULL;
	char *json = NULL;
	bool ran = false, ok = false;
	if (vmm_run(&o, &io, &res, err, sizeof(err)) != 0) {
		printf("  > FAILED: %s\n", err);
		goto out;
	}
	ran = true;
	printf("  > the realm's console:\n");
	print_console(res.console);
	if (!res.status_reported || res.status != 0) {
		printf("  > FAILED: the realm exited with status %u\n", res.status);
		goto out;
	}
	if (vmm_measure(&o, &m, err, sizeof(err)) != 0) {
		printf("  > FAILED: measure: %s\n", err);
		goto out;
	}
	if (!(json = vmm_measurement_refvals_json(&m))) {
		printf("  > FAILED: measure: out of memory\n");
		goto out;
	}
	printf("  > `ccakit measure` predicts the RIM ");
	for (size_t i = 0; i < m.rim_len; i++)
		printf("%02x", m.rim[i]);
	printf("\n");
	if (ccakit_token_load(token_path, &t, err, sizeof(err)) ||
	    ccakit_cpak_load(cpak_path, &k, err, sizeof(err)) ||
	    ccakit_refvals_parse(json, strlen(json), &rv, err, sizeof(err))) {
		printf("  > FAILED: %s\n", err);
		goto out;
	}
	struct stat st_token;
	printf("  > the token: %lld bytes, handed over by the guest (host call 0xCC04)\n",
	       stat(token_path, &st_token) == 0 ? (long long)st_token.st_size : -1LL);
	if (ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err))) {
		printf("  > NOT VERIFIED: %s\n", err);
		goto out;
	}
	printf("  > verified: the platform signature with the CPAK in %s, the realm's with\n"
	       "    its RAK, and the binding between them\n", cpak_path);
	if (memcmp(t->realm.challenge.ptr, attest.challenge, sizeof(attest.challenge)) != 0) {
		printf("  > FAILED: the token answers another challenge\n");
		goto out;
	}
	printf("  > the token carries our challenge\n");
	int st = ccakit_token_appraise(t, rv, &a, err, sizeof(err));
	const struct ccakit_appraisal_part *parts[2] = { a ? &a->platform : NULL,
							 a ? &a->realm : NULL };
	for (unsigned p = 0; p < 2 && a; p++)
		for (size_t i = 0; i < parts[p]->item_count; i++)
			printf("    %-6s %s%s%s\n", parts[p]->items[i].matched ? "ok" : "DIFFER",
			       parts[p]->items[i].claim, parts[p]->items[i].matched ? "" : ": ",
			       parts[p]->items[i].detail);
	if (st != CCAKIT_TOKEN_OK) {
		printf("  > NOT APPRAISED: %s\n", err);
		goto out;
	}
	printf("  > appraised: the RIM in the token is the one `ccakit measure` predicted\n");
	ok = true;
out:
	ccakit_appraisal_free(a);
	ccakit_refvals_free(rv);
	ccakit_cpak_free(k);
	ccakit_token_free(t);
	free(json);
	if (ran)
		vmm_run_result_free(&res);
	unlink(token_path);
	return ok ? 0 : 1;
}

int cmd_demo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			demo_usage(stdout);
			return 0;
		}
		fprintf(stderr, "ccakit demo: unexpected %s '%s'\n\n",
			argv[i][0] == '-' ? "option" : "argument", argv[i]);
		demo_usage(stderr);
		return EXIT_USAGE;
	}
	int rc = demo();
	rc |= demo_run();
	return demo_attest() || rc;
}
