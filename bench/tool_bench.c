/* The relying party's tools: `ccakit measure` predicting a 256 MiB realm's
 * RIM (the process, start to exit: image loaded, device tree and plan
 * built, 128 RIPAS descriptors and the image's DATA hashed), and `ccakit
 * token verify` on a public CCA token, both in this process through
 * include/ccakit/token.h and as a process. In-process, two cases: the
 * steady state of a relying party, whose CPAK object has seen this
 * platform's token before (every realm token of a platform carries the
 * same one), so one ECDSA P-384 verification (the realm's) and the binding
 * hash; and a fresh CPAK object per token, both signatures. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "ccakit/token.h"

#ifndef CCAKIT_TOKEN_FIXTURES
#error "CCAKIT_TOKEN_FIXTURES: the attestation test vectors (bench/CMakeLists.txt)"
#endif

/* A pair PAIRS.tsv says passes: an ES384 platform token and realm token. */
#define VERIFY_TOKEN CCAKIT_TOKEN_FIXTURES "/trustee/cca-example-token.cbor"
#define VERIFY_CPAK CCAKIT_TOKEN_FIXTURES "/trustee/cpak-pub.json"
#define VERIFY_TARGET_US 1000.0 /* 1 ms */
/* Verifications per in-process sample: each one is well above the clock's
 * resolution, a sample a few ms. */
#define VERIFY_BATCH 20

static void bench_measure(struct bench *b)
{
	static char *const argv[] = { CCAKIT_TOOL, "measure", "-m", "256M", "-k",
				      CCAKIT_GUEST_ELF_DIR "/hello.elf", NULL };
	struct samples s = { 0 };
	unsigned runs = b->quick ? 5 : 15;
	bench_spawn_ms(argv); /* the binary and the image into the page cache */
	for (unsigned i = 0; i < runs; i++)
		samples_add(&s, bench_spawn_ms(argv));
	report(&(struct row){ "ccakit measure -m 256M -k hello.elf", "ms", summarize(&s) });
	samples_free(&s);
}

static void verify_or_exit(const struct ccakit_token *t, const struct ccakit_cpak *k)
{
	char err[256];
	if (ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)) != CCAKIT_TOKEN_OK) {
		fprintf(stderr, "ccakit-bench: %s does not verify: %s\n", VERIFY_TOKEN, err);
		exit(1);
	}
}

static void bench_verify(struct bench *b)
{
	static char *const argv[] = { CCAKIT_TOOL, "token", "verify", VERIFY_TOKEN, "--cpak",
				      VERIFY_CPAK, NULL };
	struct ccakit_token *t;
	struct ccakit_cpak *k;
	char err[256];
	if (ccakit_token_load(VERIFY_TOKEN, &t, err, sizeof(err)) ||
	    ccakit_cpak_load(VERIFY_CPAK, &k, err, sizeof(err))) {
		fprintf(stderr, "ccakit-bench: %s\n", err);
		exit(1);
	}
	struct samples in = { 0 }, fresh = { 0 }, proc = { 0 };
	unsigned runs = b->quick ? 11 : 31;
	for (unsigned i = 0; i <= runs; i++) {
		double t0 = now_us();
		for (unsigned j = 0; j < VERIFY_BATCH; j++)
			verify_or_exit(t, k);
		if (i > 0) /* the first batch warms up */
			samples_add(&in, (now_us() - t0) / VERIFY_BATCH);
	}
	for (unsigned i = 0; i < runs; i++) {
		struct ccakit_cpak *k1;
		if (ccakit_cpak_load(VERIFY_CPAK, &k1, err, sizeof(err))) {
			fprintf(stderr, "ccakit-bench: %s\n", err);
			exit(1);
		}
		double t0 = now_us();
		verify_or_exit(t, k1);
		samples_add(&fresh, now_us() - t0);
		ccakit_cpak_free(k1);
	}
	ccakit_token_free(t);
	ccakit_cpak_free(k);
	runs = b->quick ? 5 : 15;
	bench_spawn_ms(argv);
	for (unsigned i = 0; i < runs; i++)
		samples_add(&proc, bench_spawn_ms(argv));
	report(&(struct row){ "Token verify, in-process, platform token seen before", "us",
			      summarize(&in), TARGET_AT_MOST, VERIFY_TARGET_US });
	report(&(struct row){ "Token verify, in-process, first token of a platform", "us",
			      summarize(&fresh) });
	report(&(struct row){ "ccakit token verify, as a process", "ms", summarize(&proc) });
	samples_free(&in);
	samples_free(&fresh);
	samples_free(&proc);
}

void bench_tools(struct bench *b)
{
	bench_measure(b);
	bench_verify(b);
}
