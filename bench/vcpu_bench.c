/* The vCPU engine on its own (src/cpu): the costs the execution issue's
 * latency targets will be built from. No targets here: an RSI round trip or
 * a host-call exit adds the RMM's and the host's work on top of these. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cpu/vcpu.h"

#define ENGINE_DRAM (8u << 20)
#define ENGINE_BASE UINT64_C(0x40000000)
#define PTE_PAGE (UINT64_C(3) | UINT64_C(1) << 10 | UINT64_C(3) << 8 | UINT64_C(3) << 6 | UINT64_C(6) << 2)

struct engine_fx {
	uint8_t *dram;
	uint64_t next;
	struct vcpu *v;
	unsigned smc_left;
};

static uint64_t *at(struct engine_fx *f, uint64_t pa)
{
	return (uint64_t *)(f->dram + (pa - ENGINE_BASE));
}

static uint64_t page(struct engine_fx *f)
{
	uint64_t pa = f->next;
	f->next += 4096;
	return pa;
}

/* IPA ENGINE_BASE -> a page holding `smc #0; b .-4`, tables for a 39-bit
 * IPA space starting at level 1. */
static void engine_open(struct engine_fx *f)
{
	char err[256];
	f->dram = aligned_alloc(4096, ENGINE_DRAM);
	memset(f->dram, 0, ENGINE_DRAM);
	f->next = ENGINE_BASE + 4096;
	uint64_t l2 = page(f), l3 = page(f), code = page(f);
	at(f, ENGINE_BASE)[1] = l2 | 3;
	at(f, l2)[0] = l3 | 3;
	at(f, l3)[0] = code | PTE_PAGE;
	const uint32_t prog[] = { 0xd4000003u /* smc #0 */, 0x17ffffffu /* b .-4 */ };
	memcpy(at(f, code), prog, sizeof(prog));
	struct vcpu_memory mem = { .dram = f->dram, .dram_base = ENGINE_BASE, .dram_size = ENGINE_DRAM };
	if (vcpu_create(&mem, &f->v, err, sizeof(err)) != 0) {
		fprintf(stderr, "ccakit-bench: %s\n", err);
		exit(1);
	}
	struct vcpu_stage2 s2 = { .rtt_base = ENGINE_BASE, .s2sz = 39, .start_level = 1, .vmid = 1 };
	vcpu_set_stage2(f->v, &s2);
	struct vcpu_regs r = { .pc = ENGINE_BASE, .pstate = 0x3c5 };
	vcpu_load(f->v, &r);
}

static void engine_close(struct engine_fx *f)
{
	vcpu_destroy(f->v);
	free(f->dram);
}

/* Answers SMCs in place until smc_left reaches zero. */
static bool answer_in_place(void *ctx, struct vcpu *v)
{
	struct engine_fx *f = ctx;
	vcpu_set_x(v, 0, 0);
	return --f->smc_left != 0;
}

void bench_vcpu(struct bench *b)
{
	struct engine_fx f;
	struct samples inplace = { 0 }, reentry = { 0 }, state = { 0 }, create = { 0 };
	unsigned runs = b->quick ? 5 : 15, n = b->quick ? 20000 : 100000;
	struct vcpu_exit e;
	struct vcpu_regs r;

	engine_open(&f);
	for (unsigned run = 0; run < runs; run++) {
		vcpu_set_smc_handler(f.v, answer_in_place, &f);
		f.smc_left = n;
		double t = now_us();
		vcpu_run(f.v, 1000000, &e);
		samples_add(&inplace, (now_us() - t) / n);
		vcpu_set_smc_handler(f.v, NULL, NULL);
		t = now_us();
		for (unsigned i = 0; i < n / 10; i++)
			vcpu_run(f.v, 1000000, &e);
		samples_add(&reentry, (now_us() - t) / (n / 10));
		t = now_us();
		for (unsigned i = 0; i < n / 100; i++) {
			vcpu_save(f.v, &r);
			vcpu_load(f.v, &r);
		}
		samples_add(&state, (now_us() - t) / (n / 100));
	}
	/* Creation alone, on the same memory: vcpu_create and its stage 2. */
	struct vcpu_memory mem = { .dram = f.dram, .dram_base = ENGINE_BASE, .dram_size = ENGINE_DRAM };
	struct vcpu_stage2 s2 = { .rtt_base = ENGINE_BASE, .s2sz = 39, .start_level = 1, .vmid = 1 };
	for (unsigned run = 0; run < runs; run++) {
		struct vcpu *v;
		char err[256];
		double t = now_us();
		if (vcpu_create(&mem, &v, err, sizeof(err)) != 0) {
			fprintf(stderr, "ccakit-bench: %s\n", err);
			exit(1);
		}
		vcpu_set_stage2(v, &s2);
		samples_add(&create, now_us() - t);
		vcpu_destroy(v);
	}
	engine_close(&f);
	report(&(struct row){ "vCPU engine: SMC answered in its hook", "us", summarize(&inplace) });
	report(&(struct row){ "vCPU engine: exit and re-entry, slice armed", "us", summarize(&reentry) });
	report(&(struct row){ "vCPU engine: full register save + load", "us", summarize(&state) });
	report(&(struct row){ "vCPU engine: creation (with its stage 2)", "us", summarize(&create) });
	samples_free(&inplace);
	samples_free(&reentry);
	samples_free(&state);
	samples_free(&create);
}
