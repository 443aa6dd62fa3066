/* DATA_CREATE throughput: a realm's 256 MiB populated with measured DATA
 * (RTTs and delegation done beforehand, not timed), against the raw SHA-256
 * throughput of the same 4 KiB source granules through OpenSSL EVP, measured
 * in the same run.
 *
 * The two take turns in 16 MiB chunks, so that whatever else the machine is
 * doing slows both alike; the raw hash always works on a chunk half the
 * population away from the one DATA_CREATE copies next, so neither finds the
 * other's source granules in the cache. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define POP_BYTES (UINT64_C(256) << 20)
#define POP_GRANULES (POP_BYTES / GRANULE_SIZE)
#define L3_TABLES (POP_BYTES >> 21)
#define CHUNKS 16
#define CHUNK_GRANULES (POP_GRANULES / CHUNKS)
#define RATIO_TARGET 75.0

struct population {
	struct bench *b;
	uint64_t rd, data, src;
	EVP_MD_CTX *ctx;
	EVP_MD *md;
};

static double mb_per_s(uint64_t bytes, double us)
{
	return (double)bytes / us; /* bytes per µs = MB/s */
}

/* Raw SHA-256 of one chunk of source granules, one digest each with one
 * reused context (as the RMM does). With desc, also a 256-byte descriptor
 * per granule: all the hashing DATA_CREATE itself must do. Returns µs. */
static double sha_chunk(struct population *p, unsigned chunk, bool desc)
{
	static uint8_t descriptor[256];
	uint8_t out[64];
	unsigned n;
	uint64_t first = (uint64_t)chunk * CHUNK_GRANULES;
	double t = now_us();
	for (uint64_t i = first; i < first + CHUNK_GRANULES; i++) {
		const void *g = ccakit_pa_to_ptr(p->b->m, p->src + i * GRANULE_SIZE);
		if (!EVP_DigestInit_ex2(p->ctx, p->md, NULL) ||
		    !EVP_DigestUpdate(p->ctx, g, GRANULE_SIZE) ||
		    !EVP_DigestFinal_ex(p->ctx, out, &n))
			abort();
		if (desc) {
			memcpy(descriptor + 0x60, out, 32);
			if (!EVP_DigestInit_ex2(p->ctx, p->md, NULL) ||
			    !EVP_DigestUpdate(p->ctx, descriptor, sizeof(descriptor)) ||
			    !EVP_DigestFinal_ex(p->ctx, out, &n))
				abort();
		}
	}
	return now_us() - t;
}

/* DATA_CREATE of one chunk of [0, 256 MiB). Returns µs. */
static double create_chunk(struct population *p, unsigned chunk, uint64_t flags)
{
	uint64_t first = (uint64_t)chunk * CHUNK_GRANULES;
	double t = now_us();
	for (uint64_t i = first; i < first + CHUNK_GRANULES; i++) {
		struct ccakit_smc_regs r = { .x = { RMI_DATA_CREATE, p->rd,
						    p->data + i * GRANULE_SIZE, i * GRANULE_SIZE,
						    p->src + i * GRANULE_SIZE, flags } };
		ccakit_smc(p->b->m, 0, &r);
		if (r.x[0] != RMI_SUCCESS) {
			fprintf(stderr, "ccakit-bench: DATA_CREATE failed with 0x%llx\n",
				(unsigned long long)r.x[0]);
			exit(1);
		}
	}
	return now_us() - t;
}

/* Not timed: every DATA granule back to DELEGATED. */
static void destroy_all(struct population *p)
{
	for (uint64_t i = 0; i < POP_GRANULES; i++)
		rmi_ok(p->b, NULL, RMI_DATA_DESTROY, 2, p->rd, i * GRANULE_SIZE);
}

/* One population with flags, taking turns with raw hashing (desc as in
 * sha_chunk). Returns the µs of each in *t_create and *t_sha. */
static void populate(struct population *p, uint64_t flags, bool desc, double *t_create,
		     double *t_sha)
{
	*t_create = *t_sha = 0;
	for (unsigned c = 0; c < CHUNKS; c++) {
		*t_sha += sha_chunk(p, (c + CHUNKS / 2) % CHUNKS, desc);
		*t_create += create_chunk(p, c, flags);
	}
	destroy_all(p);
}

static void setup(struct bench *b, struct population *p)
{
	/* A realm (s2sz 48, start level 0) with RTTs down to level 3 over
	 * [0, 256 MiB). */
	uint64_t params = bench_granules(b, 1, 0);
	uint64_t rtt0 = bench_granules(b, 1, 0);
	uint64_t rtts = bench_granules(b, 2 + L3_TABLES, 0);
	p->b = b;
	p->rd = bench_granules(b, 1, 0);
	struct rmi_realm_params *rp = ccakit_pa_to_ptr(b->m, params);
	rp->s2sz = 48;
	rp->num_bps = 1;
	rp->num_wps = 1;
	rp->hash_algo = RMI_HASH_SHA_256;
	rp->vmid = 2;
	rp->rtt_base = rtt0;
	rp->rtt_level_start = 0;
	rp->rtt_num_start = 1;
	rmi_ok(b, NULL, RMI_GRANULE_DELEGATE, 1, p->rd);
	rmi_ok(b, NULL, RMI_GRANULE_DELEGATE, 1, rtt0);
	rmi_ok(b, NULL, RMI_REALM_CREATE, 2, p->rd, params);
	for (uint64_t i = 0; i < 2 + L3_TABLES; i++)
		rmi_ok(b, NULL, RMI_GRANULE_DELEGATE, 1, rtts + i * GRANULE_SIZE);
	rmi_ok(b, NULL, RMI_RTT_CREATE, 4, p->rd, rtts, UINT64_C(0), UINT64_C(1));
	rmi_ok(b, NULL, RMI_RTT_CREATE, 4, p->rd, rtts + GRANULE_SIZE, UINT64_C(0), UINT64_C(2));
	for (uint64_t i = 0; i < L3_TABLES; i++)
		rmi_ok(b, NULL, RMI_RTT_CREATE, 4, p->rd, rtts + (2 + i) * GRANULE_SIZE, i << 21,
		       UINT64_C(3));

	/* DATA granules delegated once; sources filled with a pseudo-random
	 * pattern (which also faults their pages in). */
	p->data = bench_granules(b, POP_GRANULES, 0);
	for (uint64_t i = 0; i < POP_GRANULES; i++)
		rmi_ok(b, NULL, RMI_GRANULE_DELEGATE, 1, p->data + i * GRANULE_SIZE);
	p->src = bench_granules(b, POP_GRANULES, 0);
	uint64_t *w = ccakit_pa_to_ptr(b->m, p->src), x = 0x9e3779b97f4a7c15;
	for (uint64_t i = 0; i < POP_BYTES / 8; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		w[i] = x;
	}

	p->ctx = EVP_MD_CTX_new();
	p->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!p->ctx || !p->md) {
		fprintf(stderr, "ccakit-bench: no SHA-256 from OpenSSL\n");
		exit(1);
	}
}

void bench_data_throughput(struct bench *b)
{
	struct population p;
	struct samples measured = { 0 }, unmeasured = { 0 }, raw = { 0 }, raw_desc = { 0 },
		       ratio = { 0 };
	unsigned runs = b->quick ? 3 : 9;
	double t_create, t_sha;

	setup(b, &p);
	/* Warm up, not timed: the first population also maps the sources into
	 * the RMM's view of memory (page faults a steady state has not). */
	populate(&p, RMI_MEASURE_CONTENT, false, &t_create, &t_sha);
	for (unsigned run = 0; run < runs; run++) {
		populate(&p, RMI_MEASURE_CONTENT, false, &t_create, &t_sha);
		samples_add(&measured, mb_per_s(POP_BYTES, t_create));
		samples_add(&raw, mb_per_s(POP_BYTES, t_sha));
		samples_add(&ratio, 100.0 * t_sha / t_create);
		populate(&p, RMI_NO_MEASURE_CONTENT, true, &t_create, &t_sha);
		samples_add(&unmeasured, mb_per_s(POP_BYTES, t_create));
		samples_add(&raw_desc, mb_per_s(POP_BYTES, t_sha));
	}
	report(&(struct row){ "DATA_CREATE measured, 256 MiB", "MB/s", summarize(&measured) });
	report(&(struct row){ "unmeasured (copy + RIM extend only)", "MB/s", summarize(&unmeasured),
			      .indent = true });
	report(&(struct row){ "raw SHA-256 (EVP) of the same 4 KiB granules", "MB/s",
			      summarize(&raw) });
	report(&(struct row){ "+ a 256-byte descriptor each (RIM extend)", "MB/s",
			      summarize(&raw_desc), .indent = true });
	report(&(struct row){ "DATA_CREATE / raw SHA-256", "%", summarize(&ratio), TARGET_AT_LEAST,
			      RATIO_TARGET });

	EVP_MD_free(p.md);
	EVP_MD_CTX_free(p.ctx);
	samples_free(&measured);
	samples_free(&unmeasured);
	samples_free(&raw);
	samples_free(&raw_desc);
	samples_free(&ratio);
}
