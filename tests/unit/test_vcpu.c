/* The vCPU engine on its own: EL1 code behind a stage-2 table built here,
 * every kind of exit, the NS alias window, preemption and register state. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/vcpu.h"

#define DRAM_BASE UINT64_C(0x40000000)
#define DRAM_SIZE (8 * MIB)
#define RAM_IPA UINT64_C(0x40000000) /* the realm's RAM, as the SDK links it */
#define S2SZ 39                      /* start level 1, one table */
#define NS_IPA (UINT64_C(1) << (S2SZ - 1))
#define PTE_PAGE (UINT64_C(3) | UINT64_C(1) << 10 | UINT64_C(3) << 8 | UINT64_C(3) << 6 | UINT64_C(6) << 2)
#define PTE_TABLE UINT64_C(3)

/* Encodings used by the programs below. */
#define MOVZ(rd, imm, shift) (0xd2800000u | (unsigned)(shift) / 16 << 21 | (unsigned)(imm) << 5 | (rd))
#define MOVK(rd, imm, shift) (0xf2800000u | (unsigned)(shift) / 16 << 21 | (unsigned)(imm) << 5 | (rd))
#define LDR_X2_X1 0xf9400022u
#define STR_X3_X1 0xf9000023u
#define SMC0 0xd4000003u
#define HVC0 0xd4000002u
#define WFI 0xd503207fu
#define B_SELF 0x14000000u
#define UDF0 0x00000000u
#define MOV_X1_X0 0xaa0003e1u
#define MSR_VBAR_EL1_X0 0xd518c000u
#define MSR_SPSR_EL1_X0 0xd5184000u
#define MSR_ELR_EL1_X1 0xd5184021u
#define ERET 0xd69f03e0u
#define SVC_0x42 0xd4000841u
#define MRS_X0_ESR_EL1 0xd5385200u
#define MRS_X1_ELR_EL1 0xd5384021u
#define MRS_X2_SPSR_EL1 0xd5384002u
#define MRS_X3_FAR_EL1 0xd5386003u
#define UDF7 0x00000007u
#define ESR_EC_SVC64 (UINT64_C(0x15) << 26 | UINT64_C(1) << 25)
#define ESR_EC_UNKNOWN (UINT64_C(1) << 25)
#define VBAR_OFFSET 0x800 /* the vector table sits 2 KiB into the program page */


struct fixture {
	uint8_t *dram;
	uint64_t next; /* table allocator */
	struct vcpu *v;
	uint64_t ns_value;
	uint64_t ns_last_pa;
	uint64_t ns_written;
	unsigned smc_calls;
};

static uint64_t *at(struct fixture *f, uint64_t pa)
{
	return (uint64_t *)(f->dram + (pa - DRAM_BASE));
}

static uint64_t alloc_page(struct fixture *f)
{
	uint64_t pa = f->next;
	f->next += 4096;
	memset(at(f, pa), 0, 4096);
	return pa;
}

/* Maps the 4 KiB page at addr to `desc` (OA | attributes) in 4 KiB-granule
 * tables rooted at PA root whose walk starts at start_level, creating the
 * missing tables with new_table (which returns a zeroed page's PA). */
static void map_page(struct fixture *f, uint64_t root, int start_level, uint64_t addr,
		     uint64_t desc, uint64_t (*new_table)(struct fixture *))
{
	uint64_t table = root;
	for (int level = start_level; level < 3; level++) {
		uint64_t *e = &at(f, table)[(addr >> (12 + 9 * (3 - level))) & 511];
		if (!(*e & 1))
			*e = new_table(f) | PTE_TABLE;
		table = *e & UINT64_C(0x0000fffffffff000);
	}
	at(f, table)[(addr >> 12) & 511] = desc;
}

/* Maps one IPA page in the stage-2 tables rooted at DRAM_BASE. */
static void s2_map(struct fixture *f, uint64_t ipa, uint64_t desc)
{
	map_page(f, DRAM_BASE, 1, ipa, desc, alloc_page);
}

static bool ns_read(void *ctx, uint64_t pa, void *buf, unsigned len)
{
	struct fixture *f = ctx;
	f->ns_last_pa = pa;
	if (pa >= 0x100000)
		return false; /* "not NS": the check refuses it */
	uint64_t v = f->ns_value >> (8 * (pa & 7));
	memcpy(buf, &v, len);
	return true;
}

static bool ns_write(void *ctx, uint64_t pa, const void *buf, unsigned len)
{
	struct fixture *f = ctx;
	uint64_t v = 0;
	memcpy(&v, buf, len);
	f->ns_last_pa = pa;
	f->ns_written |= v << (8 * (pa & 7));
	return pa < 0x100000;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	f->dram = aligned_alloc(4096, DRAM_SIZE);
	memset(f->dram, 0, DRAM_SIZE);
	f->next = DRAM_BASE + 4096; /* the root table is the first page */
	struct vcpu_memory mem = {
		.dram = f->dram, .dram_base = DRAM_BASE, .dram_size = DRAM_SIZE,
		.ns_read = ns_read, .ns_write = ns_write, .ns_ctx = f,
	};
	if (vcpu_create(&mem, &f->v, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	struct vcpu_stage2 s2 = { .rtt_base = DRAM_BASE, .s2sz = S2SZ, .start_level = 1, .vmid = 1 };
	vcpu_set_stage2(f->v, &s2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vcpu_destroy(f->v);
	free(f->dram);
	free(f);
	return 0;
}

/* Loads `code` at IPA RAM_IPA (backed by a fresh page) and the REC state to
 * run it at EL1h. */
static void load_program(struct fixture *f, const uint32_t *code, size_t n)
{
	uint64_t page = alloc_page(f);
	memcpy(at(f, page), code, n * sizeof(uint32_t));
	s2_map(f, RAM_IPA, page | PTE_PAGE);
	vcpu_flush_tlb(f->v);
	struct vcpu_regs r = { .pc = RAM_IPA, .pstate = 0x3c5, .sctlr_el1 = 0x30d00800 };
	vcpu_load(f->v, &r);
}

/* A program page: code at offset 0, the vector table at VBAR_OFFSET whose
 * synchronous entries (current EL SPx at +0x200, lower EL at +0x400) report
 * ESR, ELR, SPSR and FAR in X0..X3 through an SMC: the MRSs would themselves
 * be undefined if the engine were not really at EL1. */
static void load_program_with_vectors(struct fixture *f, const uint32_t *code, size_t n)
{
	static const uint32_t report[] = { MRS_X0_ESR_EL1, MRS_X1_ELR_EL1, MRS_X2_SPSR_EL1,
					   MRS_X3_FAR_EL1, SMC0, B_SELF };
	uint32_t page[1024] = { 0 };
	memcpy(page, code, n * sizeof(uint32_t));
	memcpy(&page[(VBAR_OFFSET + 0x200) / 4], report, sizeof(report));
	memcpy(&page[(VBAR_OFFSET + 0x400) / 4], report, sizeof(report));
	load_program(f, page, 1024);
}

static void smc_exits_with_pc_past_it_and_x0_set(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { MOVZ(0, 0x190, 0), MOVK(0, 0xc400, 16), SMC0, B_SELF };
	struct vcpu_exit e;
	load_program(f, code, 4);
	vcpu_run(f->v, 0, &e);
	if (e.reason != VCPU_EXIT_SMC)
		fail_msg("exit %d intno %u pc 0x%llx hpfar 0x%llx %s", e.reason, e.intno,
			 (unsigned long long)vcpu_get_pc(f->v), (unsigned long long)e.hpfar, e.error);
	assert_int_equal(vcpu_get_x(f->v, 0), 0xc4000190);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + 12);
}

static bool answer_first_smc(void *ctx, struct vcpu *v)
{
	struct fixture *f = ctx;
	if (f->smc_calls++)
		return false;
	vcpu_set_x(v, 0, 0x10000);
	return true;
}

static void smc_handled_in_place_resumes_the_guest(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { SMC0, MOV_X1_X0, SMC0, B_SELF };
	struct vcpu_exit e;
	load_program(f, code, 4);
	vcpu_set_smc_handler(f->v, answer_first_smc, f);
	vcpu_run(f->v, 0, &e);
	vcpu_set_smc_handler(f->v, NULL, NULL);
	assert_int_equal(e.reason, VCPU_EXIT_SMC);
	assert_int_equal(f->smc_calls, 2);
	assert_int_equal(vcpu_get_x(f->v, 1), 0x10000);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + 12);
}

static void hvc_exits(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { HVC0, B_SELF };
	struct vcpu_exit e;
	load_program(f, code, 2);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_HVC);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + 4);
}

static void load_from_unmapped_ipa_is_a_stage2_data_abort(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { MOVZ(1, 0x4020, 16), LDR_X2_X1, B_SELF };
	struct vcpu_exit e;
	load_program(f, code, 3);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_DATA_ABORT);
	assert_int_equal(e.hpfar, UINT64_C(0x40200000) >> 8);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + 4);
}

static void load_and_store_through_protected_mapping_reach_dram(void **state)
{
	struct fixture *f = *state;
	uint64_t data = alloc_page(f);
	*at(f, data) = 0x1122334455667788;
	s2_map(f, RAM_IPA + 0x1000, data | PTE_PAGE);
	const uint32_t code[] = { MOVZ(1, 0x4000, 16), MOVK(1, 0x1000, 0), LDR_X2_X1,
				  MOVZ(3, 0xbeef, 0), 0xf9000423u /* str x3,[x1,#8] */, SMC0 };
	struct vcpu_exit e;
	load_program(f, code, 6);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_SMC);
	assert_int_equal(vcpu_get_x(f->v, 2), 0x1122334455667788);
	assert_int_equal(at(f, data)[1], 0xbeef);
}

static void remapped_ipa_is_seen_after_a_tlb_flush(void **state)
{
	struct fixture *f = *state;
	uint64_t a = alloc_page(f), b = alloc_page(f);
	*at(f, a) = 0xaaaa;
	*at(f, b) = 0xbbbb;
	s2_map(f, RAM_IPA + 0x1000, a | PTE_PAGE);
	const uint32_t code[] = { MOVZ(1, 0x4000, 16), MOVK(1, 0x1000, 0), LDR_X2_X1, SMC0 };
	struct vcpu_exit e;
	load_program(f, code, 4);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(vcpu_get_x(f->v, 2), 0xaaaa);
	/* The RMM changes the entry, then invalidates as TLBI would. */
	s2_map(f, RAM_IPA + 0x1000, b | PTE_PAGE);
	vcpu_flush_tlb(f->v);
	vcpu_set_pc(f->v, RAM_IPA);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_SMC);
	assert_int_equal(vcpu_get_x(f->v, 2), 0xbbbb);
}

static void unprotected_mapping_goes_through_the_ns_check(void **state)
{
	struct fixture *f = *state;
	f->ns_value = 0xa1a2a3a4b1b2b3b4;
	s2_map(f, NS_IPA, (VCPU_NS_ALIAS_BASE + 0x5000) | PTE_PAGE);
	/* x1 = NS_IPA (1 << 38); ldr x2, [x1]; str x3, [x1]; smc */
	const uint32_t code[] = { MOVZ(1, 0x40, 32), LDR_X2_X1, MOVZ(3, 0x77, 0), STR_X3_X1, SMC0 };
	struct vcpu_exit e;
	load_program(f, code, 5);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_SMC);
	assert_int_equal(vcpu_get_x(f->v, 2), 0xa1a2a3a4b1b2b3b4);
	assert_int_equal(f->ns_written, 0x77);
	assert_true(f->ns_last_pa >= 0x5000 && f->ns_last_pa < 0x5008);
}

static void refused_unprotected_access_exits_with_the_host_pa(void **state)
{
	struct fixture *f = *state;
	s2_map(f, NS_IPA, (VCPU_NS_ALIAS_BASE + 0x200000) | PTE_PAGE);
	const uint32_t code[] = { MOVZ(1, 0x40, 32), LDR_X2_X1, B_SELF };
	struct vcpu_exit e;
	load_program(f, code, 3);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_NS_ABORT);
	assert_int_equal(e.ns_pa & ~UINT64_C(7), 0x200000);
	assert_false(e.ns_write);
}

static void undefined_instruction_is_an_exception_at_its_pc(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { MOVZ(0, 1, 0), UDF0 };
	struct vcpu_exit e;
	load_program(f, code, 2);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_EXCEPTION);
	assert_int_equal(e.intno, VCPU_EXCP_UDEF);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + 4);
}

static void trapped_wfi_stops_at_the_wfi(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { MOVZ(0, 1, 0), WFI, B_SELF };
	struct vcpu_exit e;
	load_program(f, code, 3);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_EXCEPTION);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + 4);
}

static void spinning_guest_is_preempted_after_its_slice(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { B_SELF };
	struct vcpu_exit e;
	load_program(f, code, 1);
	vcpu_run(f->v, 20000, &e);
	assert_int_equal(e.reason, VCPU_EXIT_KICKED);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA);
}

static void *kick_later(void *arg)
{
	usleep(20000);
	vcpu_kick(arg);
	return NULL;
}

static void host_gets_control_back_with_a_kick(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { B_SELF };
	struct vcpu_exit e;
	pthread_t th;
	load_program(f, code, 1);
	assert_int_equal(pthread_create(&th, NULL, kick_later, f->v), 0);
	vcpu_run(f->v, 0, &e); /* no slice: only the kick ends it */
	pthread_join(th, NULL);
	assert_int_equal(e.reason, VCPU_EXIT_KICKED);
}

static void registers_survive_save_and_load(void **state)
{
	struct fixture *f = *state;
	struct vcpu_regs in, out;
	memset(&in, 0, sizeof(in));
	for (unsigned i = 0; i < 31; i++)
		in.x[i] = 0x1000 + i;
	in.sp_el0 = 0x5000;
	in.sp_el1 = 0x6000;
	in.pc = RAM_IPA + 0x40;
	in.pstate = 0x3c5;
	in.elr_el1 = 0x7000;
	in.spsr_el1 = 0x3c4;
	in.esr_el1 = 0x96000010;
	in.far_el1 = 0x8000;
	in.vbar_el1 = 0x40001000;
	in.sctlr_el1 = 0x30d00800;
	in.mair_el1 = 0xff;
	in.tpidr_el1 = 0x99;
	in.tpidr_el0 = 0x98;
	in.vmpidr = UINT64_C(0x80000001);
	in.fpcr = 0x3000000;
	for (unsigned i = 0; i < 32; i++) {
		in.v[i][0] = 0xabc0 + i;
		in.v[i][1] = 0xdef0 + i;
	}
	vcpu_load(f->v, &in);
	vcpu_save(f->v, &out);
	assert_memory_equal(in.x, out.x, sizeof(in.x));
	assert_int_equal(out.sp_el0, in.sp_el0);
	assert_int_equal(out.sp_el1, in.sp_el1);
	assert_int_equal(out.pc, in.pc);
	assert_int_equal(out.pstate, in.pstate);
	assert_int_equal(out.elr_el1, in.elr_el1);
	assert_int_equal(out.spsr_el1, in.spsr_el1);
	assert_int_equal(out.esr_el1, in.esr_el1);
	assert_int_equal(out.far_el1, in.far_el1);
	assert_int_equal(out.vbar_el1, in.vbar_el1);
	assert_int_equal(out.mair_el1, in.mair_el1);
	assert_int_equal(out.tpidr_el1, in.tpidr_el1);
	assert_int_equal(out.tpidr_el0, in.tpidr_el0);
	assert_int_equal(out.vmpidr, in.vmpidr);
	assert_int_equal(out.fpcr, in.fpcr);
	assert_memory_equal(in.v, out.v, sizeof(in.v));
}

static void exception_at_el1_is_taken_at_the_current_el_vector(void **state)
{
	struct fixture *f = *state;
	/* x0 = VBAR; msr vbar_el1, x0; udf #7 */
	const uint32_t code[] = { MOVZ(0, 0x4000, 16), MOVK(0, VBAR_OFFSET, 0), MSR_VBAR_EL1_X0,
				  UDF7 };
	struct vcpu_exit e;
	load_program_with_vectors(f, code, 4);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_EXCEPTION);
	assert_int_equal(e.intno, VCPU_EXCP_UDEF);
	assert_true(vcpu_inject_sync(f->v, ESR_EC_UNKNOWN, 0x1234));
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_SMC);
	assert_int_equal(vcpu_get_x(f->v, 0), ESR_EC_UNKNOWN);
	assert_int_equal(vcpu_get_x(f->v, 1), RAM_IPA + 12); /* ELR: the UDF */
	assert_int_equal(vcpu_get_x(f->v, 2) & 0xf, 0x5);    /* SPSR: EL1h */
	assert_int_equal(vcpu_get_x(f->v, 3), 0x1234);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + VBAR_OFFSET + 0x200 + 20);
}

static void exception_at_el0_moves_the_engine_to_el1(void **state)
{
	struct fixture *f = *state;
	/* EL1: VBAR; SPSR_EL1 = EL0t; ELR_EL1 = +0x24; eret (+0x20). EL0 at +0x24:
	 * svc. */
	const uint32_t code[] = { MOVZ(0, 0x4000, 16), MOVK(0, VBAR_OFFSET, 0), MSR_VBAR_EL1_X0,
				  MOVZ(0, 0, 0), MSR_SPSR_EL1_X0, MOVZ(1, 0x4000, 16), MOVK(1, 0x24, 0),
				  MSR_ELR_EL1_X1, ERET, SVC_0x42, B_SELF };
	struct vcpu_exit e;
	load_program_with_vectors(f, code, 11);
	vcpu_run(f->v, 0, &e);
	assert_int_equal(e.reason, VCPU_EXIT_EXCEPTION);
	assert_int_equal(e.intno, VCPU_EXCP_SWI);
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + 0x28); /* past the SVC */
	assert_true(vcpu_inject_sync(f->v, ESR_EC_SVC64 | 0x42, 0));
	vcpu_run(f->v, 0, &e);
	/* The MRSs at the lower-EL vector ran at EL1. */
	assert_int_equal(e.reason, VCPU_EXIT_SMC);
	assert_int_equal(vcpu_get_x(f->v, 0), ESR_EC_SVC64 | 0x42);
	assert_int_equal(vcpu_get_x(f->v, 1), RAM_IPA + 0x28);
	assert_int_equal(vcpu_get_x(f->v, 2) & 0xf, 0x0); /* SPSR: EL0t */
	assert_int_equal(vcpu_get_pc(f->v), RAM_IPA + VBAR_OFFSET + 0x400 + 20);
}

/* ---- the guest's own stage 1, with TTBR1 addresses ---- */

/* Stage-1 controls: 48-bit VAs and 4 KiB granules in both ranges (TG1 =
 * 0b10 is 4 KiB, TG0 = 0b00), walks write-back cacheable, 40-bit IPAs. */
#define TCR_48BIT_4K (UINT64_C(16) | UINT64_C(16) << 16 | UINT64_C(2) << 30 | UINT64_C(2) << 32 | \
		      UINT64_C(0x3500) | UINT64_C(0x3500) << 16)
#define TCR_TBI1 (UINT64_C(1) << 38)
#define SCTLR_MMU_ON (UINT64_C(0x30d00800) | 1)
#define S1_PAGE (UINT64_C(3) | UINT64_C(1) << 10 | UINT64_C(3) << 8) /* AF, ISH, attr 0, EL1 RW */
#define MSR_SCTLR_EL1_X0 0xd5181000u
#define ISB 0xd5033fdfu
#define BR_X1 0xd61f0020u
#define LDR_X2_X3 0xf9400062u
#define STR_X4_X5 0xf90000a4u
#define LDR_X8_X7 0xf94000e8u
#define ADR_X6_0 0x10000006u
#define HIGH_CODE UINT64_C(0xffff800000000000)  /* where Linux's linear map starts */
#define LOWEST_UPPER UINT64_C(0xffff000000000000) /* the first TTBR1 VA with T1SZ 16 */
#define TOP_PAGE UINT64_C(0xfffffffffffff000)     /* the last page of the address space */

/* A stage-1 table page: DRAM the guest reaches at IPA = PA (stage 2 maps it
 * so), written here through its PA. */
static uint64_t s1_table(struct fixture *f)
{
	uint64_t pa = alloc_page(f);
	s2_map(f, pa, pa | PTE_PAGE);
	return pa;
}

/* Maps the VA page at va in the guest's 4-level stage-1 tables at root. */
static void s1_map(struct fixture *f, uint64_t root, uint64_t va, uint64_t desc)
{
	map_page(f, root, 0, va, desc, s1_table);
}

/* The program page at RAM_IPA, mapped at its identity VA through TTBR0 and
 * at HIGH_CODE through TTBR1, as a kernel maps its image; the MMU is off
 * until the program turns it on. Returns the TTBR1 root for more mappings. */
static uint64_t load_high_program(struct fixture *f, const uint32_t *code, size_t n,
				  struct vcpu_regs *r)
{
	uint64_t ttbr0 = s1_table(f), ttbr1 = s1_table(f);
	load_program(f, code, n);
	s1_map(f, ttbr0, RAM_IPA, RAM_IPA | S1_PAGE);
	s1_map(f, ttbr1, HIGH_CODE, RAM_IPA | S1_PAGE);
	vcpu_flush_tlb(f->v);
	vcpu_save(f->v, r);
	r->tcr_el1 = TCR_48BIT_4K;
	r->ttbr0_el1 = ttbr0;
	r->ttbr1_el1 = ttbr1;
	r->mair_el1 = 0xff;
	r->x[0] = SCTLR_MMU_ON;
	return ttbr1;
}

/* Code and data at TTBR1 addresses, as a kernel runs: the program turns the
 * MMU on, jumps to its high alias, loads from the lowest upper-range page,
 * stores to the very last page of the address space and reads its own PC.
 * unicorn checks each access's virtual address against its regions, so this
 * needs the memory plan to cover the upper half (it stopped with
 * UC_ERR_FETCH_UNMAPPED when regions ended at 2^48). */
static void code_and_data_run_at_ttbr1_addresses(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { MSR_SCTLR_EL1_X0, ISB, BR_X1, LDR_X2_X3, STR_X4_X5, ADR_X6_0, SMC0 };
	uint64_t low = alloc_page(f), top = alloc_page(f);
	struct vcpu_regs r;
	struct vcpu_exit e;

	uint64_t ttbr1 = load_high_program(f, code, 7, &r);
	*at(f, low) = 0x0123456789abcdef;
	s2_map(f, RAM_IPA + 0x1000, low | PTE_PAGE);
	s2_map(f, RAM_IPA + 0x2000, top | PTE_PAGE);
	s1_map(f, ttbr1, LOWEST_UPPER, (RAM_IPA + 0x1000) | S1_PAGE);
	s1_map(f, ttbr1, TOP_PAGE, (RAM_IPA + 0x2000) | S1_PAGE);
	vcpu_flush_tlb(f->v);
	r.x[1] = HIGH_CODE + 12;
	r.x[3] = LOWEST_UPPER;
	r.x[4] = 0xfeedface;
	r.x[5] = TOP_PAGE + 0xff8; /* the last doubleword */
	vcpu_load(f->v, &r);
	vcpu_run(f->v, 0, &e);
	if (e.reason != VCPU_EXIT_SMC)
		fail_msg("exit %d intno %u pc 0x%llx: %s", e.reason, e.intno,
			 (unsigned long long)vcpu_get_pc(f->v), e.error);
	assert_int_equal(vcpu_get_pc(f->v), HIGH_CODE + 28);
	assert_int_equal(vcpu_get_x(f->v, 6), HIGH_CODE + 20);
	assert_int_equal(vcpu_get_x(f->v, 2), 0x0123456789abcdef);
	assert_int_equal(at(f, top)[511], 0xfeedface);
}

/* With TCR_EL1.TBI1 the top byte of an upper-range address is a tag: a load
 * through a tagged pointer reaches the page the untagged one maps. */
static void tagged_ttbr1_pointer_reaches_its_page(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { MSR_SCTLR_EL1_X0, ISB, BR_X1, LDR_X2_X3, SMC0 };
	uint64_t data = alloc_page(f);
	struct vcpu_regs r;
	struct vcpu_exit e;

	uint64_t ttbr1 = load_high_program(f, code, 5, &r);
	at(f, data)[1] = 0x7a66ed;
	s2_map(f, RAM_IPA + 0x1000, data | PTE_PAGE);
	s1_map(f, ttbr1, TOP_PAGE, (RAM_IPA + 0x1000) | S1_PAGE);
	vcpu_flush_tlb(f->v);
	r.tcr_el1 |= TCR_TBI1;
	r.x[1] = HIGH_CODE + 12;
	r.x[3] = (TOP_PAGE & ~(UINT64_C(0xff) << 56)) | UINT64_C(0x5a) << 56 | 8;
	vcpu_load(f->v, &r);
	vcpu_run(f->v, 0, &e);
	if (e.reason != VCPU_EXIT_SMC)
		fail_msg("exit %d intno %u pc 0x%llx: %s", e.reason, e.intno,
			 (unsigned long long)vcpu_get_pc(f->v), e.error);
	assert_int_equal(vcpu_get_x(f->v, 2), 0x7a66ed);
}

/* Addresses stage 1 does not translate are the guest's own translation
 * faults, never an engine error: an unmapped upper-range page, and two in
 * the gap between the ranges (bits [63:48] neither all 0 nor all 1). The
 * first of them is also the engine's first fault: it must not be taken for
 * a stage-2 one (the boot step used to leave HPFAR_EL2 written). */
static void untranslatable_addresses_are_stage1_faults(void **state)
{
	struct fixture *f = *state;
	static const uint64_t vas[] = { UINT64_C(0xffff800000200000), UINT64_C(0x0001000000000000),
					UINT64_C(0x8000000000000000) };
	const uint32_t code[] = { MSR_SCTLR_EL1_X0, ISB, BR_X1, LDR_X8_X7, SMC0 };
	struct vcpu_regs r;
	struct vcpu_exit e;

	load_high_program(f, code, 5, &r);
	r.x[1] = HIGH_CODE + 12;
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		r.x[7] = vas[i];
		vcpu_load(f->v, &r);
		vcpu_run(f->v, 0, &e);
		if (e.reason != VCPU_EXIT_EXCEPTION)
			fail_msg("VA 0x%llx: exit %d pc 0x%llx: %s", (unsigned long long)vas[i],
				 e.reason, (unsigned long long)vcpu_get_pc(f->v), e.error);
		assert_int_equal(e.intno, VCPU_EXCP_DATA_ABORT);
		assert_int_equal(vcpu_get_pc(f->v), HIGH_CODE + 12);
	}
}

/* The last word of the address space is a PC like any other (the run's end
 * address used to be there, and stopped the guest before it). */
static void last_word_of_the_address_space_executes(void **state)
{
	struct fixture *f = *state;
	uint32_t code[1024] = { MSR_SCTLR_EL1_X0, ISB, BR_X1 };
	struct vcpu_regs r;
	struct vcpu_exit e;

	code[1023] = SMC0;
	uint64_t ttbr1 = load_high_program(f, code, 1024, &r);
	s1_map(f, ttbr1, TOP_PAGE, RAM_IPA | S1_PAGE);
	vcpu_flush_tlb(f->v);
	r.x[1] = TOP_PAGE + 0xffc;
	vcpu_load(f->v, &r);
	vcpu_run(f->v, 0, &e);
	if (e.reason != VCPU_EXIT_SMC)
		fail_msg("exit %d intno %u pc 0x%llx: %s", e.reason, e.intno,
			 (unsigned long long)vcpu_get_pc(f->v), e.error);
	assert_int_equal(vcpu_get_pc(f->v), 0); /* past the SMC: wrapped */
}

/* A branch to the run's end address (non-canonical, beyond every PA) is the
 * prefetch abort the fetch would take, not a stop that ends every later
 * run at once. */
static void branch_to_the_run_end_address_is_a_prefetch_abort(void **state)
{
	struct fixture *f = *state;
	const uint32_t code[] = { BR_X1 };
	struct vcpu_exit e;

	load_program(f, code, 1);
	vcpu_set_x(f->v, 1, UINT64_C(0x00fffffffffffffc));
	for (int i = 0; i < 2; i++) {
		vcpu_run(f->v, 0, &e);
		assert_int_equal(e.reason, VCPU_EXIT_EXCEPTION);
		assert_int_equal(e.intno, VCPU_EXCP_PREFETCH_ABORT);
		assert_int_equal(vcpu_get_pc(f->v), UINT64_C(0x00fffffffffffffc));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(smc_exits_with_pc_past_it_and_x0_set, setup, teardown),
		cmocka_unit_test_setup_teardown(smc_handled_in_place_resumes_the_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(hvc_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(load_from_unmapped_ipa_is_a_stage2_data_abort, setup,
						teardown),
		cmocka_unit_test_setup_teardown(load_and_store_through_protected_mapping_reach_dram,
						setup, teardown),
		cmocka_unit_test_setup_teardown(remapped_ipa_is_seen_after_a_tlb_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(unprotected_mapping_goes_through_the_ns_check, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refused_unprotected_access_exits_with_the_host_pa, setup,
						teardown),
		cmocka_unit_test_setup_teardown(undefined_instruction_is_an_exception_at_its_pc, setup,
						teardown),
		cmocka_unit_test_setup_teardown(trapped_wfi_stops_at_the_wfi, setup, teardown),
		cmocka_unit_test_setup_teardown(spinning_guest_is_preempted_after_its_slice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(host_gets_control_back_with_a_kick, setup, teardown),
		cmocka_unit_test_setup_teardown(registers_survive_save_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(exception_at_el1_is_taken_at_the_current_el_vector,
						setup, teardown),
		cmocka_unit_test_setup_teardown(exception_at_el0_moves_the_engine_to_el1, setup,
						teardown),
		cmocka_unit_test_setup_teardown(code_and_data_run_at_ttbr1_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(tagged_ttbr1_pointer_reaches_its_page, setup, teardown),
		cmocka_unit_test_setup_teardown(untranslatable_addresses_are_stage1_faults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(last_word_of_the_address_space_executes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(branch_to_the_run_end_address_is_a_prefetch_abort,
						setup, teardown),
	};
	return cmocka_run_group_tests_name("vcpu", tests, NULL, NULL);
}
