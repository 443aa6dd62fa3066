/* RMI latencies: RMI_VERSION, granule delegation, and one realm's whole
 * cycle command by command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static unsigned reps(const struct bench *b, unsigned full, unsigned quick)
{
	return b->quick ? quick : full;
}

static inline uint64_t smc1(struct bench *b, uint32_t fid, uint64_t a1)
{
	struct ccakit_smc_regs r = { .x = { fid, a1 } };
	ccakit_smc(b->m, 0, &r);
	return r.x[0];
}

static void check(uint64_t x0, const char *what)
{
	if (x0 != RMI_SUCCESS) {
		fprintf(stderr, "ccakit-bench: %s failed with 0x%llx\n", what, (unsigned long long)x0);
		exit(1);
	}
}

void bench_version(struct bench *b)
{
	struct samples s = { 0 };
	unsigned runs = reps(b, 31, 11), calls = reps(b, 20000, 5000);
	for (unsigned i = 0; i < 1000; i++)
		check(smc1(b, RMI_VERSION, RMI_ABI_VERSION), "RMI_VERSION");
	for (unsigned run = 0; run < runs; run++) {
		double t = now_us();
		for (unsigned i = 0; i < calls; i++)
			smc1(b, RMI_VERSION, RMI_ABI_VERSION);
		samples_add(&s, (now_us() - t) / calls);
	}
	report(&(struct row){ "RMI_VERSION round trip", "us", summarize(&s) });
	samples_free(&s);
}

#define PAIR_TARGET_US 8.0
#define CYCLE_GRANULES 4096

void bench_granule_pairs(struct bench *b)
{
	struct samples same = { 0 }, cycling = { 0 }, bulk = { 0 };
	unsigned runs = reps(b, 31, 11), pairs = reps(b, 1000, 200);
	uint64_t g = bench_granules(b, 1, 0);
	uint64_t base = bench_granules(b, CYCLE_GRANULES, 0);

	for (unsigned i = 0; i < 100; i++) {
		check(smc1(b, RMI_GRANULE_DELEGATE, g), "GRANULE_DELEGATE");
		check(smc1(b, RMI_GRANULE_UNDELEGATE, g), "GRANULE_UNDELEGATE");
	}
	for (unsigned run = 0; run < runs; run++) {
		double t = now_us();
		for (unsigned i = 0; i < pairs; i++) {
			smc1(b, RMI_GRANULE_DELEGATE, g);
			smc1(b, RMI_GRANULE_UNDELEGATE, g);
		}
		samples_add(&same, (now_us() - t) / pairs);
	}
	report(&(struct row){ "GRANULE_DELEGATE + UNDELEGATE, same granule", "us", summarize(&same),
			      TARGET_AT_MOST, PAIR_TARGET_US });

	runs = reps(b, 15, 5);
	for (unsigned run = 0; run <= runs; run++) {
		double t = now_us();
		for (uint64_t pa = base; pa < base + CYCLE_GRANULES * GRANULE_SIZE; pa += GRANULE_SIZE) {
			check(smc1(b, RMI_GRANULE_DELEGATE, pa), "GRANULE_DELEGATE");
			check(smc1(b, RMI_GRANULE_UNDELEGATE, pa), "GRANULE_UNDELEGATE");
		}
		if (run) /* run 0 warms up */
			samples_add(&cycling, (now_us() - t) / CYCLE_GRANULES);
	}
	report(&(struct row){ "GRANULE_DELEGATE + UNDELEGATE, cycling 4096", "us",
			      summarize(&cycling), TARGET_AT_MOST, PAIR_TARGET_US });

	for (unsigned run = 0; run <= runs; run++) {
		double t = now_us();
		for (uint64_t pa = base; pa < base + CYCLE_GRANULES * GRANULE_SIZE; pa += GRANULE_SIZE)
			check(smc1(b, RMI_GRANULE_DELEGATE, pa), "GRANULE_DELEGATE");
		for (uint64_t pa = base; pa < base + CYCLE_GRANULES * GRANULE_SIZE; pa += GRANULE_SIZE)
			check(smc1(b, RMI_GRANULE_UNDELEGATE, pa), "GRANULE_UNDELEGATE");
		if (run)
			samples_add(&bulk, (now_us() - t) / CYCLE_GRANULES);
	}
	report(&(struct row){ "4096 delegated, then undelegated (per pair)", "us", summarize(&bulk),
			      .indent = true });
	samples_free(&same);
	samples_free(&cycling);
	samples_free(&bulk);
}

/* ---- one realm's cycle ---- */

enum cycle_cmd {
	C_DELEGATE,
	C_REALM_CREATE,
	C_RTT_CREATE,
	C_INIT_RIPAS,
	C_DATA_CREATE,
	C_DATA_CREATE_UNKNOWN,
	C_REC_AUX_COUNT,
	C_REC_CREATE,
	C_REALM_ACTIVATE,
	C_REC_DESTROY,
	C_DATA_DESTROY,
	C_RTT_DESTROY,
	C_REALM_DESTROY,
	C_UNDELEGATE,
	C_COUNT,
};

static const struct {
	const char *name;
	enum target_kind kind;
	double target;
} cycle_rows[C_COUNT] = {
	[C_DELEGATE] = { "GRANULE_DELEGATE (x26)" },
	[C_REALM_CREATE] = { "REALM_CREATE", TARGET_AT_MOST, 30 },
	[C_RTT_CREATE] = { "RTT_CREATE (x3, levels 1-3)" },
	[C_INIT_RIPAS] = { "RTT_INIT_RIPAS (4 pages)" },
	[C_DATA_CREATE] = { "DATA_CREATE (measured)" },
	[C_DATA_CREATE_UNKNOWN] = { "DATA_CREATE_UNKNOWN (x3)" },
	[C_REC_AUX_COUNT] = { "REC_AUX_COUNT" },
	[C_REC_CREATE] = { "REC_CREATE (16 aux)", TARGET_AT_MOST, 60 },
	[C_REALM_ACTIVATE] = { "REALM_ACTIVATE" },
	[C_REC_DESTROY] = { "REC_DESTROY" },
	[C_DATA_DESTROY] = { "DATA_DESTROY (x4)" },
	[C_RTT_DESTROY] = { "RTT_DESTROY (x3)" },
	[C_REALM_DESTROY] = { "REALM_DESTROY" },
	[C_UNDELEGATE] = { "GRANULE_UNDELEGATE (x26)" },
};

/* The granules of one realm: RD, one start-level RTT (s2sz 48, level 0),
 * RTTs for levels 1-3, 4 DATA, a REC and its 16 aux = 26, plus NS parameter
 * and source granules. */
struct cycle_realm {
	uint64_t delegated; /* 26 contiguous granules */
	uint64_t rd, rtt0, rtt[3], data[4], rec, aux[RMI_MAX_REC_AUX_GRANULES];
	uint64_t realm_params, rec_params, src;
};
#define CYCLE_REALM_GRANULES 26

static void cycle_setup(struct bench *b, struct cycle_realm *c)
{
	uint64_t pa = c->delegated = bench_granules(b, CYCLE_REALM_GRANULES, 0);
	c->rd = pa;
	c->rtt0 = pa += GRANULE_SIZE;
	for (int i = 0; i < 3; i++)
		c->rtt[i] = pa += GRANULE_SIZE;
	for (int i = 0; i < 4; i++)
		c->data[i] = pa += GRANULE_SIZE;
	c->rec = pa += GRANULE_SIZE;
	for (int i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		c->aux[i] = pa += GRANULE_SIZE;

	c->realm_params = bench_granules(b, 1, 0);
	struct rmi_realm_params *rp = ccakit_pa_to_ptr(b->m, c->realm_params);
	rp->s2sz = 48;
	rp->num_bps = 1;
	rp->num_wps = 1;
	rp->hash_algo = RMI_HASH_SHA_256;
	rp->vmid = 1;
	rp->rtt_base = c->rtt0;
	rp->rtt_level_start = 0;
	rp->rtt_num_start = 1;

	c->rec_params = bench_granules(b, 1, 0);
	struct rmi_rec_params *cp = ccakit_pa_to_ptr(b->m, c->rec_params);
	cp->flags = RMI_REC_FLAG_RUNNABLE;
	cp->num_aux = RMI_MAX_REC_AUX_GRANULES;
	memcpy(cp->aux, c->aux, sizeof(c->aux));

	c->src = bench_granules(b, 1, 0x5a);
}

/* One call, timed into t[cmd] when t is given. */
#define STEP(cmd, ...)                                                                      \
	do {                                                                                \
		double _t0 = t ? now_us() : 0;                                              \
		rmi_ok(b, res, __VA_ARGS__);                                                \
		if (t)                                                                      \
			samples_add(&t[cmd], now_us() - _t0);                                  \
	} while (0)

static void cycle_run(struct bench *b, const struct cycle_realm *c, struct samples *t)
{
	uint64_t res[4];
	for (int i = 0; i < CYCLE_REALM_GRANULES; i++)
		STEP(C_DELEGATE, RMI_GRANULE_DELEGATE, 1, c->delegated + i * GRANULE_SIZE);
	STEP(C_REALM_CREATE, RMI_REALM_CREATE, 2, c->rd, c->realm_params);
	for (int l = 1; l <= 3; l++)
		STEP(C_RTT_CREATE, RMI_RTT_CREATE, 4, c->rd, c->rtt[l - 1], UINT64_C(0), (uint64_t)l);
	STEP(C_INIT_RIPAS, RMI_RTT_INIT_RIPAS, 3, c->rd, UINT64_C(0), 4 * GRANULE_SIZE);
	STEP(C_DATA_CREATE, RMI_DATA_CREATE, 5, c->rd, c->data[0], UINT64_C(0), c->src,
	     (uint64_t)RMI_MEASURE_CONTENT);
	for (int i = 1; i < 4; i++)
		STEP(C_DATA_CREATE_UNKNOWN, RMI_DATA_CREATE_UNKNOWN, 3, c->rd, c->data[i],
		     i * GRANULE_SIZE);
	STEP(C_REC_AUX_COUNT, RMI_REC_AUX_COUNT, 1, c->rd);
	STEP(C_REC_CREATE, RMI_REC_CREATE, 3, c->rd, c->rec, c->rec_params);
	STEP(C_REALM_ACTIVATE, RMI_REALM_ACTIVATE, 1, c->rd);

	STEP(C_REC_DESTROY, RMI_REC_DESTROY, 1, c->rec);
	for (int i = 0; i < 4; i++)
		STEP(C_DATA_DESTROY, RMI_DATA_DESTROY, 2, c->rd, i * GRANULE_SIZE);
	for (int l = 3; l >= 1; l--)
		STEP(C_RTT_DESTROY, RMI_RTT_DESTROY, 3, c->rd, UINT64_C(0), (uint64_t)l);
	STEP(C_REALM_DESTROY, RMI_REALM_DESTROY, 1, c->rd);
	for (int i = 0; i < CYCLE_REALM_GRANULES; i++)
		STEP(C_UNDELEGATE, RMI_GRANULE_UNDELEGATE, 1, c->delegated + i * GRANULE_SIZE);
}

void bench_realm_cycle(struct bench *b)
{
	struct cycle_realm c;
	struct samples per_cmd[C_COUNT] = { 0 }, whole = { 0 };
	unsigned cycles = reps(b, 401, 61);

	cycle_setup(b, &c);
	for (unsigned i = 0; i < 10; i++)
		cycle_run(b, &c, NULL);
	/* Whole cycles untimed inside, and cycles timed call by call, taking
	 * turns so both see the same conditions. */
	for (unsigned i = 0; i < cycles; i++) {
		double t0 = now_us();
		cycle_run(b, &c, NULL);
		samples_add(&whole, now_us() - t0);
		cycle_run(b, &c, per_cmd);
	}
	report(&(struct row){ "realm cycle: 26 granules, create to destroy", "us", summarize(&whole),
			      TARGET_AT_MOST, 300 });
	for (int i = 0; i < C_COUNT; i++) {
		report(&(struct row){ cycle_rows[i].name, "us", summarize(&per_cmd[i]),
				      cycle_rows[i].kind, cycle_rows[i].target, true });
		samples_free(&per_cmd[i]);
	}
	samples_free(&whole);
}
