/* The vCPU engine: unicorn 2.0.1 running a REC's EL1/EL0 code behind stage-2
 * translation. docs/unicorn-notes.md records the measured behaviour this
 * file is built on. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

#include "cpu/vcpu.h"

#define PAGE 4096u
/* The boot page's PA: not 0, which unicorn would take for "stop here" when
 * it is also the start address. */
#define BOOT_PA UINT64_C(0x1000)
/* The run's end address: one no instruction can be fetched from in any
 * regime. Bits [55:48] set with [63:56] clear make it non-canonical for
 * TTBR0 and TTBR1 (with TBI the engine sign-extends a branch target from
 * bit 55, so the PC never holds it then), and it lies beyond every PA with
 * the MMU off. Every other address, up to the last word of the address
 * space, may be a kernel's PC. */
#define UNTIL_NEVER UINT64_C(0x00fffffffffffffc)
/* An HPFAR_EL2 value no fault produces (bits [63:44] are RES0): tells a
 * stage-2 fault, which writes HPFAR, from one of the guest's own. */
#define HPFAR_UNSET UINT64_C(0xfff0000000000000)

/* EL2/EL3 configuration of every engine. */
#define SCR_EL3_NS (UINT64_C(1) << 0)
#define SCR_EL3_HCE (UINT64_C(1) << 8)
#define SCR_EL3_RW (UINT64_C(1) << 10)
#define HCR_EL2_VM (UINT64_C(1) << 0)
#define HCR_EL2_FMO (UINT64_C(1) << 3)
#define HCR_EL2_IMO (UINT64_C(1) << 4)
#define HCR_EL2_VI (UINT64_C(1) << 7)
#define HCR_EL2_TWI (UINT64_C(1) << 13)
#define HCR_EL2_RW (UINT64_C(1) << 31)
#define PSTATE_EL1H UINT64_C(0x3c5)
#define MSR_TPIDR_EL1_XZR UINT32_C(0xd518d09f)

struct sysreg {
	uint8_t op0, op1, crn, crm, op2;
};

#define SYSREG(a, b, c, d, e) ((struct sysreg){ a, b, c, d, e })
#define R_SCR_EL3 SYSREG(3, 6, 1, 1, 0)
#define R_HCR_EL2 SYSREG(3, 4, 1, 1, 0)
#define R_VTCR_EL2 SYSREG(3, 4, 2, 1, 2)
#define R_VTTBR_EL2 SYSREG(3, 4, 2, 1, 0)
#define R_HPFAR_EL2 SYSREG(3, 4, 6, 0, 4)
#define R_VMPIDR_EL2 SYSREG(3, 4, 0, 0, 5)
#define R_ESR_EL1 SYSREG(3, 0, 5, 2, 0)
#define R_FAR_EL1 SYSREG(3, 0, 6, 0, 0)
#define R_SPSR_EL1 SYSREG(3, 0, 4, 0, 0)
#define R_VBAR_EL1 SYSREG(3, 0, 12, 0, 0)
#define R_CNTHCTL_EL2 SYSREG(3, 4, 14, 1, 0)
#define CNTHCTL_EL1PCTEN_EL1PCEN UINT64_C(3)
#define HCR_EL2_VF (UINT64_C(1) << 6)

/* PSTATE fields. */
#define PSTATE_SP (UINT64_C(1) << 0)
#define PSTATE_EL_SHIFT 2
#define PSTATE_I (UINT64_C(1) << 7)
#define PSTATE_DAIF (UINT64_C(0xf) << 6)
/* Vector offsets from VBAR_EL1 for a synchronous exception. */
#define VECTOR_CURRENT_SP0 0x000
#define VECTOR_CURRENT_SPX 0x200
#define VECTOR_LOWER_A64 0x400
#define VECTOR_LOWER_IRQ 0x480
/* A VBAR_EL1 no translation regime can map: bits [55:48] set make the
 * address non-canonical for TTBR0 and TTBR1, and beyond any IPA with the
 * MMU off, so the first fetch at the vector faults. */
#define UNMAPPABLE_VBAR UINT64_C(0x00f0000000000000)

/* The EL1/EL0 system registers a REC carries, in struct vcpu_regs order. */
static const struct {
	struct sysreg reg;
	size_t offset;
} rec_sysregs[] = {
	{ SYSREG(3, 0, 4, 0, 0), offsetof(struct vcpu_regs, spsr_el1) },
	{ SYSREG(3, 0, 5, 2, 0), offsetof(struct vcpu_regs, esr_el1) },
	{ SYSREG(3, 0, 6, 0, 0), offsetof(struct vcpu_regs, far_el1) },
	{ SYSREG(3, 0, 12, 0, 0), offsetof(struct vcpu_regs, vbar_el1) },
	{ SYSREG(3, 0, 1, 0, 0), offsetof(struct vcpu_regs, sctlr_el1) },
	{ SYSREG(3, 0, 2, 0, 2), offsetof(struct vcpu_regs, tcr_el1) },
	{ SYSREG(3, 0, 2, 0, 0), offsetof(struct vcpu_regs, ttbr0_el1) },
	{ SYSREG(3, 0, 2, 0, 1), offsetof(struct vcpu_regs, ttbr1_el1) },
	{ SYSREG(3, 0, 10, 2, 0), offsetof(struct vcpu_regs, mair_el1) },
	{ SYSREG(3, 0, 10, 3, 0), offsetof(struct vcpu_regs, amair_el1) },
	{ SYSREG(3, 0, 1, 0, 2), offsetof(struct vcpu_regs, cpacr_el1) },
	{ SYSREG(3, 0, 13, 0, 1), offsetof(struct vcpu_regs, contextidr_el1) },
	{ SYSREG(3, 3, 13, 0, 2), offsetof(struct vcpu_regs, tpidr_el0) },
	{ SYSREG(3, 3, 13, 0, 3), offsetof(struct vcpu_regs, tpidrro_el0) },
	{ SYSREG(3, 0, 13, 0, 4), offsetof(struct vcpu_regs, tpidr_el1) },
	{ SYSREG(3, 0, 7, 4, 0), offsetof(struct vcpu_regs, par_el1) },
	{ SYSREG(3, 0, 14, 1, 0), offsetof(struct vcpu_regs, cntkctl_el1) },
	{ SYSREG(3, 4, 0, 0, 5), offsetof(struct vcpu_regs, vmpidr) },
	{ SYSREG(3, 3, 14, 3, 1), offsetof(struct vcpu_regs, cntv_ctl) },
	{ SYSREG(3, 3, 14, 3, 2), offsetof(struct vcpu_regs, cntv_cval) },
	{ SYSREG(3, 3, 14, 2, 1), offsetof(struct vcpu_regs, cntp_ctl) },
	{ SYSREG(3, 3, 14, 2, 2), offsetof(struct vcpu_regs, cntp_cval) },
};

/* vcpu_get_sysreg's registers, in enum vcpu_sysreg order. */
static const struct sysreg exit_sysregs[] = {
	[VCPU_SCTLR_EL1] = SYSREG(3, 0, 1, 0, 0),
	[VCPU_TCR_EL1] = SYSREG(3, 0, 2, 0, 2),
	[VCPU_TTBR0_EL1] = SYSREG(3, 0, 2, 0, 0),
	[VCPU_TTBR1_EL1] = SYSREG(3, 0, 2, 0, 1),
	[VCPU_MAIR_EL1] = SYSREG(3, 0, 10, 2, 0),
	[VCPU_CNTV_CTL] = SYSREG(3, 3, 14, 3, 1),
	[VCPU_CNTV_CVAL] = SYSREG(3, 3, 14, 3, 2),
	[VCPU_CNTP_CTL] = SYSREG(3, 3, 14, 2, 1),
	[VCPU_CNTP_CVAL] = SYSREG(3, 3, 14, 2, 2),
};

struct vcpu {
	uc_engine *uc;
	uc_hook intr_hook;
	uc_hook block_hook;
	uc_hook msr_hook;
	struct vcpu_memory mem;
	uint8_t *boot_page; /* RAM at BOOT_PA: the msr that rebuilds the cached mode */
	struct vcpu_stage2 s2;
	vcpu_smc_fn smc_fn;
	void *smc_ctx;
	struct vcpu_exit *exit; /* the run in progress */
	struct vcpu_exit boot_exit; /* the boot step's, before any caller's run */
	bool exit_set;
	/* Preemption: a watchdog ends a run that outlives its slice. */
	pthread_t watchdog;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running;
	bool quit;
	bool stop_requested; /* a kick, or the slice is over */
	bool preempt;        /* atomic: on_block ends the run at the next block */
	bool kick_pending;   /* a kick no run or idle wait has consumed yet */
	pthread_cond_t idle_cond; /* CLOCK_MONOTONIC: vcpu_idle's wait */
	struct timespec deadline;
	bool has_deadline;
	bool watchdog_armed;       /* sleeping until armed_for */
	struct timespec armed_for;
};

static uint64_t sysreg_read(struct vcpu *v, struct sysreg r)
{
	uc_arm64_cp_reg cp = { .crn = r.crn, .crm = r.crm, .op0 = r.op0, .op1 = r.op1, .op2 = r.op2 };
	uc_reg_read(v->uc, UC_ARM64_REG_CP_REG, &cp);
	return cp.val;
}

static void sysreg_write(struct vcpu *v, struct sysreg r, uint64_t value)
{
	uc_arm64_cp_reg cp = {
		.crn = r.crn, .crm = r.crm, .op0 = r.op0, .op1 = r.op1, .op2 = r.op2, .val = value
	};
	uc_reg_write(v->uc, UC_ARM64_REG_CP_REG, &cp);
}

static void set_exit(struct vcpu *v, enum vcpu_exit_reason reason)
{
	if (!v->exit_set) {
		v->exit->reason = reason;
		v->exit_set = true;
	}
	uc_emu_stop(v->uc);
}

/* ---- memory ---- */

static uint64_t alias_read(uc_engine *uc, uint64_t offset, unsigned size, void *ctx)
{
	struct vcpu *v = ctx;
	uint64_t value = 0;
	(void)uc;
	if (!v->mem.ns_read || !v->mem.ns_read(v->mem.ns_ctx, offset, &value, size)) {
		v->exit->ns_pa = offset;
		v->exit->ns_write = false;
		set_exit(v, VCPU_EXIT_NS_ABORT);
		return 0;
	}
	return value;
}

static void alias_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ctx)
{
	struct vcpu *v = ctx;
	(void)uc;
	if (!v->mem.ns_write || !v->mem.ns_write(v->mem.ns_ctx, offset, &value, size)) {
		v->exit->ns_pa = offset;
		v->exit->ns_write = true;
		set_exit(v, VCPU_EXIT_NS_ABORT);
	}
}

/* The dummy regions only satisfy unicorn's address check; stage 2 never
 * outputs into them, so reaching one is an internal error. */
static uint64_t unbacked_read(uc_engine *uc, uint64_t offset, unsigned size, void *ctx)
{
	struct vcpu *v = ctx;
	(void)uc;
	(void)size;
	snprintf(v->exit->error, sizeof(v->exit->error),
		 "stage 2 produced an unbacked physical address (region offset 0x%llx)",
		 (unsigned long long)offset);
	set_exit(v, VCPU_EXIT_ERROR);
	return 0;
}

static void unbacked_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ctx)
{
	(void)value;
	unbacked_read(uc, offset, size, ctx);
}

/* Every address an access can carry lies in some region: unicorn 2.0.1
 * checks the *virtual* address of a load, store or fetch against its
 * regions (docs/unicorn-notes.md, facts 2, 5 and 20), and the guest's stage 1
 * may produce any 64-bit VA: TTBR1 addresses up to the last page, tagged
 * pointers, or addresses in the gap between the two ranges, which must be
 * the guest's own translation faults, not engine errors. So the last dummy
 * region runs to the end of the address space. Regions are given by their
 * last byte, since that one ends at 2^64. */
static int map_memory(struct vcpu *v, char *err, size_t errlen)
{
	const uint64_t dram_end = v->mem.dram_base + v->mem.dram_size;
	struct {
		uint64_t base, last;
		int kind; /* 0 RAM (boot page), 1 DRAM, 2 alias, 3 unbacked */
	} regions[] = {
		{ 0, BOOT_PA - 1, 3 },
		{ BOOT_PA, BOOT_PA + PAGE - 1, 0 },
		{ BOOT_PA + PAGE, v->mem.dram_base - 1, 3 },
		{ v->mem.dram_base, dram_end - 1, 1 },
		{ dram_end, VCPU_NS_ALIAS_BASE - 1, 3 },
		{ VCPU_NS_ALIAS_BASE, VCPU_NS_ALIAS_BASE + VCPU_NS_ALIAS_SIZE - 1, 2 },
		{ VCPU_NS_ALIAS_BASE + VCPU_NS_ALIAS_SIZE, UINT64_MAX, 3 },
	};
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		uint64_t base = regions[i].base, size = regions[i].last - regions[i].base + 1;
		uc_err e = UC_ERR_OK;
		if (regions[i].last < regions[i].base)
			continue;
		switch (regions[i].kind) {
		case 0:
			e = uc_mem_map_ptr(v->uc, base, size, UC_PROT_ALL, v->boot_page);
			break;
		case 1:
			e = uc_mem_map_ptr(v->uc, base, size, UC_PROT_ALL, v->mem.dram);
			break;
		case 2:
			e = uc_mmio_map(v->uc, base, size, alias_read, v, alias_write, v);
			break;
		default:
			e = uc_mmio_map(v->uc, base, size, unbacked_read, v, unbacked_write, v);
			break;
		}
		/* unicorn refuses a fetch whose *virtual* address lies in a
		 * region without execute permission before translating it,
		 * and MMIO regions are mapped without: a guest running at such
		 * a VA must reach its translation (stage 2 still forbids
		 * execution from the alias window). */
		if (e == UC_ERR_OK && regions[i].kind >= 2)
			e = uc_mem_protect(v->uc, base, size, UC_PROT_ALL);
		if (e != UC_ERR_OK) {
			snprintf(err, errlen, "vCPU: cannot map 0x%llx-0x%llx: %s",
				 (unsigned long long)base, (unsigned long long)regions[i].last,
				 uc_strerror(e));
			return -ENOMEM;
		}
	}
	return 0;
}

/* ---- exits ---- */

static void on_interrupt(uc_engine *uc, uint32_t intno, void *ctx)
{
	struct vcpu *v = ctx;
	(void)uc;

	switch (intno) {
	case VCPU_EXCP_SMC:
		if (v->smc_fn && v->smc_fn(v->smc_ctx, v))
			return; /* handled in place: the guest goes on */
		set_exit(v, VCPU_EXIT_SMC);
		return;
	case VCPU_EXCP_HVC:
		set_exit(v, VCPU_EXIT_HVC);
		return;
	case VCPU_EXCP_PREFETCH_ABORT:
	case VCPU_EXCP_DATA_ABORT: {
		uint64_t hpfar = sysreg_read(v, R_HPFAR_EL2);
		if (hpfar != HPFAR_UNSET) {
			sysreg_write(v, R_HPFAR_EL2, HPFAR_UNSET);
			v->exit->hpfar = hpfar;
			set_exit(v, intno == VCPU_EXCP_DATA_ABORT ? VCPU_EXIT_DATA_ABORT
								  : VCPU_EXIT_INSN_ABORT);
			return;
		}
		break; /* a fault of the guest's own stage 1 */
	}
	default:
		break;
	}
	v->exit->intno = intno;
	set_exit(v, VCPU_EXIT_EXCEPTION);
}

/* ---- preemption ---- */

/* A run is preempted only where a translation block begins. unicorn 2.0.1
 * also tests for a stop after every load and store, and a stop seen there
 * leaves the PC at the start of the block while the instructions before
 * the access have already run: resuming would run them twice. So no other
 * thread calls uc_emu_stop on a running engine; it raises `preempt`, and
 * this hook, which runs before each block's own stop test, turns it into
 * a stop that ends the run before the block's first instruction. */
static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *ctx)
{
	struct vcpu *v = ctx;
	(void)address;
	(void)size;
	if (__atomic_load_n(&v->preempt, __ATOMIC_ACQUIRE))
		uc_emu_stop(uc);
}

/* ---- the generic timers ---- */

/* unicorn 2.0.1 loses a guest's MSR to CNTP_CTL_EL0, CNTP_CVAL_EL0,
 * CNTV_CTL_EL0 and CNTV_CVAL_EL0 (reads, TVAL writes and writes through the
 * API work; docs/unicorn-notes.md, fact 19). This hook makes those writes at
 * EL1 through the API. ISTATUS is not the guest's to write; unicorn never
 * sets it either (it runs no timers): the RMM works it out for the host. At
 * EL0 unicorn's own access check (CNTKCTL_EL1) decides, as before. */
#define CNT_OP1 3
#define CNT_CRN 14
#define CNT_CRM_PHYS 2
#define CNT_CRM_VIRT 3
#define CNT_OP2_CTL 1
#define CNT_OP2_CVAL 2
#define CNT_CTL_WRITABLE UINT64_C(3) /* ENABLE, IMASK */

static uint32_t on_msr(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *ctx)
{
	(void)reg;
	(void)ctx;
	if (cp->op0 != 3 || cp->op1 != CNT_OP1 || cp->crn != CNT_CRN ||
	    (cp->crm != CNT_CRM_PHYS && cp->crm != CNT_CRM_VIRT) ||
	    (cp->op2 != CNT_OP2_CTL && cp->op2 != CNT_OP2_CVAL))
		return 0;
	uint64_t pstate;
	uc_reg_read(uc, UC_ARM64_REG_PSTATE, &pstate);
	if (((pstate >> PSTATE_EL_SHIFT) & 3) != 1)
		return 0;
	uc_arm64_cp_reg w = *cp;
	if (cp->op2 == CNT_OP2_CTL)
		w.val &= CNT_CTL_WRITABLE;
	uc_reg_write(uc, UC_ARM64_REG_CP_REG, &w);
	return 1; /* done: unicorn skips its own (lost) write */
}

static void timespec_add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

static bool timespec_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* The watchdog sleeps until the deadline it armed for and wakes the engine
 * only if a run is still going past its own deadline then. A run wakes the
 * watchdog only when its deadline is earlier than the armed one: REC
 * entries a few microseconds apart each push the slice end later, so they
 * cost no thread switch (two futex wakes per entry were a third of a
 * host-call round trip). */
static void *watchdog_main(void *arg)
{
	struct vcpu *v = arg;
	pthread_mutex_lock(&v->lock);
	while (!v->quit) {
		if (!v->running || v->stop_requested || !v->has_deadline) {
			v->watchdog_armed = false;
			pthread_cond_wait(&v->cond, &v->lock);
			continue;
		}
		v->watchdog_armed = true;
		v->armed_for = v->deadline;
		pthread_cond_timedwait(&v->cond, &v->lock, &v->armed_for);
		v->watchdog_armed = false;
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		if (v->running && !v->stop_requested && v->has_deadline &&
		    !timespec_before(&now, &v->deadline)) {
			v->stop_requested = true;
			__atomic_store_n(&v->preempt, true, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* A kick is latched until a run or an idle wait consumes it, so one that
 * arrives between two runs is not lost. */
void vcpu_kick(struct vcpu *v)
{
	pthread_mutex_lock(&v->lock);
	v->kick_pending = true;
	if (v->running) {
		v->stop_requested = true;
		__atomic_store_n(&v->preempt, true, __ATOMIC_RELEASE);
	}
	pthread_cond_signal(&v->idle_cond);
	pthread_mutex_unlock(&v->lock);
}

uint64_t vcpu_counter_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return ((uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec) /
	       (1000000000u / VCPU_CNTFRQ);
}

bool vcpu_idle(struct vcpu *v, uint64_t until)
{
	const uint64_t ns_per_tick = 1000000000u / VCPU_CNTFRQ;
	struct timespec deadline = { (time_t)(until * ns_per_tick / 1000000000u),
				     (long)(until * ns_per_tick % 1000000000u) };
	bool kicked;
	pthread_mutex_lock(&v->lock);
	while (!v->kick_pending && (!until || vcpu_counter_now() < until)) {
		if (until)
			pthread_cond_timedwait(&v->idle_cond, &v->lock, &deadline);
		else
			pthread_cond_wait(&v->idle_cond, &v->lock);
	}
	kicked = v->kick_pending;
	v->kick_pending = false;
	pthread_mutex_unlock(&v->lock);
	return kicked;
}

/* ---- lifecycle ---- */

int vcpu_create(const struct vcpu_memory *mem, struct vcpu **out, char *err, size_t errlen)
{
	struct vcpu *v = calloc(1, sizeof(*v));
	uc_err e;
	*out = NULL;
	if (!v) {
		snprintf(err, errlen, "vCPU: out of memory");
		return -ENOMEM;
	}
	v->mem = *mem;
	v->boot_page = aligned_alloc(PAGE, PAGE);
	if (!v->boot_page) {
		free(v);
		snprintf(err, errlen, "vCPU: out of memory");
		return -ENOMEM;
	}
	memset(v->boot_page, 0, PAGE);
	memcpy(v->boot_page, &(uint32_t){ MSR_TPIDR_EL1_XZR }, sizeof(uint32_t));

	e = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &v->uc);
	if (e == UC_ERR_OK)
		e = uc_ctl_set_cpu_model(v->uc, UC_CPU_ARM64_MAX);
	if (e != UC_ERR_OK) {
		snprintf(err, errlen, "vCPU: cannot create an AArch64 engine: %s", uc_strerror(e));
		goto fail;
	}
	v->exit = &v->boot_exit;
	if (map_memory(v, err, errlen) != 0)
		goto fail;
	e = uc_hook_add(v->uc, &v->intr_hook, UC_HOOK_INTR, (void *)on_interrupt, v, 1, 0);
	if (e == UC_ERR_OK)
		e = uc_hook_add(v->uc, &v->block_hook, UC_HOOK_BLOCK, (void *)on_block, v, 1, 0);
	if (e == UC_ERR_OK)
		e = uc_hook_add(v->uc, &v->msr_hook, UC_HOOK_INSN, (void *)on_msr, v, 1, 0,
				UC_ARM64_INS_MSR);
	if (e != UC_ERR_OK) {
		snprintf(err, errlen, "vCPU: cannot hook exceptions, blocks and MSRs: %s",
			 uc_strerror(e));
		goto fail;
	}

	/* Non-secure EL1 under EL2 with stage 2 on; the engine's cached mode
	 * still says Secure until one msr rebuilds it (at a PA, since the
	 * stale regime has no stage 2). */
	sysreg_write(v, R_SCR_EL3, SCR_EL3_NS | SCR_EL3_HCE | SCR_EL3_RW);
	sysreg_write(v, R_HCR_EL2, HCR_EL2_RW | HCR_EL2_VM | HCR_EL2_TWI | HCR_EL2_IMO | HCR_EL2_FMO);
	sysreg_write(v, R_HPFAR_EL2, HPFAR_UNSET);
	/* The EL1 physical timer and counter are the guest's too. */
	sysreg_write(v, R_CNTHCTL_EL2, CNTHCTL_EL1PCTEN_EL1PCEN);
	uint64_t pstate = PSTATE_EL1H;
	uc_reg_write(v->uc, UC_ARM64_REG_PSTATE, &pstate);
	/* Stop with `until`, not `count`: a counted run makes the next
	 * uncounted one fault in the whole 1 GiB code buffer. */
	e = uc_emu_start(v->uc, BOOT_PA, BOOT_PA + 4, 0, 0);
	/* The step faults at stage 2 fetching BOOT_PA + 4 (no VTTBR_EL2 yet)
	 * and leaves HPFAR_EL2 written even after the hook has consumed it
	 * (measured): a stale value would make the guest's first stage-1
	 * abort look like a stage-2 one at IPA 0x1000. */
	sysreg_write(v, R_HPFAR_EL2, HPFAR_UNSET);
	if (e != UC_ERR_OK) {
		snprintf(err, errlen, "vCPU: cannot enter Non-secure EL1: %s", uc_strerror(e));
		goto fail;
	}

	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->cond, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&v->idle_cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&v->watchdog, NULL, watchdog_main, v) != 0) {
		pthread_mutex_destroy(&v->lock);
		pthread_cond_destroy(&v->cond);
		pthread_cond_destroy(&v->idle_cond);
		snprintf(err, errlen, "vCPU: cannot start its watchdog thread");
		goto fail;
	}
	*out = v;
	return 0;
fail:
	if (v->uc)
		uc_close(v->uc);
	free(v->boot_page);
	free(v);
	return -EINVAL;
}

void vcpu_destroy(struct vcpu *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->quit = true;
	pthread_cond_broadcast(&v->cond);
	pthread_mutex_unlock(&v->lock);
	pthread_join(v->watchdog, NULL);
	pthread_mutex_destroy(&v->lock);
	pthread_cond_destroy(&v->cond);
	pthread_cond_destroy(&v->idle_cond);
	uc_close(v->uc);
	free(v->boot_page);
	free(v);
}

/* ---- stage 2 ---- */

void vcpu_set_stage2(struct vcpu *v, const struct vcpu_stage2 *s2)
{
	/* VTCR_EL2: T0SZ, SL0 for the 4 KiB granule (2 - start level, except
	 * level 3 which has no encoding without FEAT_TTST and is refused by the
	 * RMM's start-level rule for s2sz >= 32), inner/outer WB, inner
	 * shareable, PS = 48 bits, 16-bit VMID, RES1 bit 31. */
	uint64_t sl0 = (uint64_t)(2 - s2->start_level) & 3;
	uint64_t vtcr = (UINT64_C(1) << 31) | (64 - s2->s2sz) | sl0 << 6 | UINT64_C(1) << 8 |
			UINT64_C(1) << 10 | UINT64_C(3) << 12 | UINT64_C(5) << 16 | UINT64_C(1) << 19;
	v->s2 = *s2;
	sysreg_write(v, R_VTCR_EL2, vtcr);
	sysreg_write(v, R_VTTBR_EL2, s2->rtt_base | (uint64_t)(s2->vmid & 0xffff) << 48);
	vcpu_flush_tlb(v);
}

/* QEMU flushes its TLB when VTTBR_EL2 changes, so a write with another
 * VMID and the write back invalidate every cached stage-2 translation.
 * (uc_ctl_flush_tlb is a translation-block flush in 2.0.1: it leaves the
 * TLB alone and touches the whole 1 GiB code buffer.) */
void vcpu_flush_tlb(struct vcpu *v)
{
	uint64_t vttbr = sysreg_read(v, R_VTTBR_EL2);
	sysreg_write(v, R_VTTBR_EL2, vttbr ^ (UINT64_C(1) << 48));
	sysreg_write(v, R_VTTBR_EL2, vttbr);
}

/* ---- registers ---- */

static int x_reg_id(unsigned n)
{
	return n < 29 ? UC_ARM64_REG_X0 + (int)n : n == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

static void run_engine(struct vcpu *v, uint64_t slice_us, struct vcpu_exit *exit, bool internal,
		       uint64_t until);

uint64_t vcpu_get_x(struct vcpu *v, unsigned n)
{
	uint64_t value = 0;
	uc_reg_read(v->uc, x_reg_id(n), &value);
	return value;
}

void vcpu_set_x(struct vcpu *v, unsigned n, uint64_t value)
{
	uc_reg_write(v->uc, x_reg_id(n), &value);
}

void vcpu_get_xs(struct vcpu *v, unsigned n, uint64_t *x)
{
	int ids[31];
	void *vals[31];
	for (unsigned i = 0; i < n; i++) {
		ids[i] = x_reg_id(i);
		vals[i] = &x[i];
	}
	uc_reg_read_batch(v->uc, ids, vals, (int)n);
}

void vcpu_set_xs(struct vcpu *v, unsigned n, const uint64_t *x)
{
	int ids[31];
	void *vals[31];
	for (unsigned i = 0; i < n; i++) {
		ids[i] = x_reg_id(i);
		vals[i] = (void *)&x[i];
	}
	uc_reg_write_batch(v->uc, ids, vals, (int)n);
}

uint64_t vcpu_get_sysreg(struct vcpu *v, enum vcpu_sysreg r)
{
	return sysreg_read(v, exit_sysregs[r]);
}

void vcpu_set_virq(struct vcpu *v, bool irq, bool fiq)
{
	uint64_t hcr = sysreg_read(v, R_HCR_EL2);
	uint64_t want = (hcr & ~(HCR_EL2_VI | HCR_EL2_VF)) | (irq ? HCR_EL2_VI : 0) |
			(fiq ? HCR_EL2_VF : 0);
	if (want != hcr)
		sysreg_write(v, R_HCR_EL2, want);
}

uint64_t vcpu_get_pc(struct vcpu *v)
{
	uint64_t pc = 0;
	uc_reg_read(v->uc, UC_ARM64_REG_PC, &pc);
	return pc;
}

void vcpu_set_pc(struct vcpu *v, uint64_t pc)
{
	uc_reg_write(v->uc, UC_ARM64_REG_PC, &pc);
}

/* SP is banked: X31 is the live SP of the mode PSTATE selects (SPSel and
 * the EL), the other lives in its SP_ELx copy. */
static bool uses_sp_el1(uint64_t pstate)
{
	return ((pstate >> 2) & 3) == 1 && (pstate & 1);
}

void vcpu_load(struct vcpu *v, const struct vcpu_regs *r)
{
	for (unsigned i = 0; i < 31; i++)
		vcpu_set_x(v, i, r->x[i]);
	uint32_t pstate = (uint32_t)r->pstate;
	uc_reg_write(v->uc, UC_ARM64_REG_PSTATE, &pstate);
	uc_reg_write(v->uc, UC_ARM64_REG_SP_EL0, &r->sp_el0);
	uc_reg_write(v->uc, UC_ARM64_REG_SP_EL1, &r->sp_el1);
	uc_reg_write(v->uc, UC_ARM64_REG_SP, uses_sp_el1(r->pstate) ? &r->sp_el1 : &r->sp_el0);
	uc_reg_write(v->uc, UC_ARM64_REG_ELR_EL1, &r->elr_el1);
	for (size_t i = 0; i < sizeof(rec_sysregs) / sizeof(rec_sysregs[0]); i++)
		sysreg_write(v, rec_sysregs[i].reg,
			     *(const uint64_t *)((const uint8_t *)r + rec_sysregs[i].offset));
	uint32_t fpcr = (uint32_t)r->fpcr, fpsr = (uint32_t)r->fpsr;
	uc_reg_write(v->uc, UC_ARM64_REG_FPCR, &fpcr);
	uc_reg_write(v->uc, UC_ARM64_REG_FPSR, &fpsr);
	for (unsigned i = 0; i < 32; i++)
		uc_reg_write(v->uc, UC_ARM64_REG_Q0 + (int)i, r->v[i]);
	vcpu_set_pc(v, r->pc);
}

void vcpu_save(struct vcpu *v, struct vcpu_regs *r)
{
	uint32_t pstate = 0, fpcr = 0, fpsr = 0;
	uint64_t sp = 0;
	for (unsigned i = 0; i < 31; i++)
		r->x[i] = vcpu_get_x(v, i);
	uc_reg_read(v->uc, UC_ARM64_REG_PSTATE, &pstate);
	r->pstate = pstate;
	uc_reg_read(v->uc, UC_ARM64_REG_SP_EL0, &r->sp_el0);
	uc_reg_read(v->uc, UC_ARM64_REG_SP_EL1, &r->sp_el1);
	uc_reg_read(v->uc, UC_ARM64_REG_SP, &sp);
	if (uses_sp_el1(r->pstate))
		r->sp_el1 = sp;
	else
		r->sp_el0 = sp;
	uc_reg_read(v->uc, UC_ARM64_REG_ELR_EL1, &r->elr_el1);
	for (size_t i = 0; i < sizeof(rec_sysregs) / sizeof(rec_sysregs[0]); i++)
		*(uint64_t *)((uint8_t *)r + rec_sysregs[i].offset) = sysreg_read(v, rec_sysregs[i].reg);
	uc_reg_read(v->uc, UC_ARM64_REG_FPCR, &fpcr);
	uc_reg_read(v->uc, UC_ARM64_REG_FPSR, &fpsr);
	r->fpcr = fpcr;
	r->fpsr = fpsr;
	for (unsigned i = 0; i < 32; i++)
		uc_reg_read(v->uc, UC_ARM64_REG_Q0 + (int)i, r->v[i]);
	r->pc = vcpu_get_pc(v);
}

void vcpu_set_smc_handler(struct vcpu *v, vcpu_smc_fn fn, void *ctx)
{
	v->smc_fn = fn;
	v->smc_ctx = ctx;
}

/* ---- exception injection ---- */

static uint64_t read_pstate(struct vcpu *v)
{
	uint32_t pstate = 0;
	uc_reg_read(v->uc, UC_ARM64_REG_PSTATE, &pstate);
	return pstate;
}

uint64_t vcpu_get_pstate(struct vcpu *v)
{
	return read_pstate(v);
}

uint64_t vcpu_get_sp(struct vcpu *v)
{
	uint64_t sp = 0;
	uc_reg_read(v->uc, UC_ARM64_REG_SP, &sp);
	return sp;
}

static void write_pstate(struct vcpu *v, uint64_t pstate)
{
	uint32_t p = (uint32_t)pstate;
	uc_reg_write(v->uc, UC_ARM64_REG_PSTATE, &p);
}

/* Moves the engine from EL0 to EL1 the only way QEMU's cached mode follows:
 * a virtual IRQ taken natively. VBAR_EL1 points where nothing can be fetched
 * so the run stops at the vector, before any guest code, having rebuilt the
 * cached mode for EL1h. Leaves ELR/SPSR/VBAR for the caller to set. */
static bool enter_el1_natively(struct vcpu *v, uint64_t vbar)
{
	uint64_t hcr = sysreg_read(v, R_HCR_EL2);
	struct vcpu_exit e;

	sysreg_write(v, R_VBAR_EL1, UNMAPPABLE_VBAR);
	write_pstate(v, read_pstate(v) & ~PSTATE_I);
	sysreg_write(v, R_HCR_EL2, hcr | HCR_EL2_VI);
	do /* a kick may end it early: the caller's next run sees the kick */
		run_engine(v, 0, &e, true, UNTIL_NEVER);
	while (e.reason == VCPU_EXIT_KICKED);
	sysreg_write(v, R_HCR_EL2, hcr);
	sysreg_write(v, R_VBAR_EL1, vbar);
	/* The fetch at the vector fails at stage 1 with the MMU on, at stage 2
	 * with it off (the address is beyond the IPA space); either way the
	 * engine stopped at EL1 on the lower-EL IRQ vector. */
	uint64_t pstate = read_pstate(v);
	return (e.reason == VCPU_EXIT_INSN_ABORT ||
		(e.reason == VCPU_EXIT_EXCEPTION && e.intno == VCPU_EXCP_PREFETCH_ABORT)) &&
	       ((pstate >> PSTATE_EL_SHIFT) & 3) == 1 &&
	       vcpu_get_pc(v) == UNMAPPABLE_VBAR + VECTOR_LOWER_IRQ;
}

bool vcpu_inject_sync(struct vcpu *v, uint64_t esr, uint64_t far)
{
	uint64_t pstate = read_pstate(v);
	uint64_t pc = vcpu_get_pc(v);
	uint64_t vbar = sysreg_read(v, R_VBAR_EL1);
	unsigned el = (unsigned)(pstate >> PSTATE_EL_SHIFT) & 3;
	uint64_t offset;

	if (el == 0) {
		if (!enter_el1_natively(v, vbar)) {
			/* Put back what the attempt changed. */
			write_pstate(v, pstate);
			vcpu_set_pc(v, pc);
			return false;
		}
		offset = VECTOR_LOWER_A64;
	} else {
		offset = (pstate & PSTATE_SP) ? VECTOR_CURRENT_SPX : VECTOR_CURRENT_SP0;
		if (!(pstate & PSTATE_SP)) {
			/* EL1t to EL1h: X31 becomes SP_EL1, SP_EL0 keeps its value. */
			uint64_t sp = 0, sp_el1 = 0;
			uc_reg_read(v->uc, UC_ARM64_REG_SP, &sp);
			uc_reg_read(v->uc, UC_ARM64_REG_SP_EL1, &sp_el1);
			uc_reg_write(v->uc, UC_ARM64_REG_SP_EL0, &sp);
			uc_reg_write(v->uc, UC_ARM64_REG_SP, &sp_el1);
		}
		write_pstate(v, (pstate & ~(UINT64_C(0xf))) | PSTATE_DAIF | UINT64_C(1) << 2 |
					PSTATE_SP);
	}
	uc_reg_write(v->uc, UC_ARM64_REG_ELR_EL1, &pc);
	sysreg_write(v, R_SPSR_EL1, pstate);
	sysreg_write(v, R_ESR_EL1, esr);
	sysreg_write(v, R_FAR_EL1, far);
	vcpu_set_pc(v, vbar + offset);
	return true;
}

/* ---- running ---- */

void vcpu_run(struct vcpu *v, uint64_t slice_us, struct vcpu_exit *exit)
{
	run_engine(v, slice_us, exit, false, UNTIL_NEVER);
}

/* One instruction, ended by `until` at the next one: a translation block
 * of that instruction alone, so a stop inside it (fact 17) leaves the PC
 * at the instruction itself. Not `count`, which would make the whole code
 * buffer resident (fact 10). A cached block starting at the PC was
 * translated without the end check, so it is dropped first; unicorn drops
 * the one holding the end check after the run. Virtual interrupts wait: one
 * taken first would run its handler with no end in sight. */
bool vcpu_step(struct vcpu *v, struct vcpu_exit *exit)
{
	uint64_t pc = vcpu_get_pc(v);
	uint64_t hcr = sysreg_read(v, R_HCR_EL2);
	if (hcr & (HCR_EL2_VI | HCR_EL2_VF))
		sysreg_write(v, R_HCR_EL2, hcr & ~(HCR_EL2_VI | HCR_EL2_VF));
	uc_ctl_remove_cache(v->uc, pc, pc + 4);
	run_engine(v, 0, exit, true, pc + 4);
	if (hcr & (HCR_EL2_VI | HCR_EL2_VF))
		sysreg_write(v, R_HCR_EL2, hcr);
	return exit->reason == VCPU_EXIT_KICKED && vcpu_get_pc(v) == pc + 4;
}

/* An internal run (the EL0 injection step, a single step) neither consumes
 * nor obeys a latched kick: the caller's next run will. */
static void run_engine(struct vcpu *v, uint64_t slice_us, struct vcpu_exit *exit, bool internal,
		       uint64_t until)
{
	memset(exit, 0, sizeof(*exit));
	exit->reason = VCPU_EXIT_KICKED;
	v->exit = exit;
	v->exit_set = false;

	pthread_mutex_lock(&v->lock);
	if (!internal && v->kick_pending) {
		v->kick_pending = false;
		pthread_mutex_unlock(&v->lock);
		return;
	}
	v->running = true;
	v->stop_requested = false;
	__atomic_store_n(&v->preempt, false, __ATOMIC_RELAXED);
	v->has_deadline = slice_us != 0;
	if (slice_us) {
		clock_gettime(CLOCK_REALTIME, &v->deadline);
		v->deadline.tv_sec += (time_t)(slice_us / 1000000);
		timespec_add_ns(&v->deadline, (long)(slice_us % 1000000) * 1000);
		if (!v->watchdog_armed || timespec_before(&v->deadline, &v->armed_for))
			pthread_cond_signal(&v->cond);
	}
	pthread_mutex_unlock(&v->lock);

	/* The same `until` on every run: a changing end address makes unicorn
	 * retranslate hot code on every entry, and 0 would stop a guest that
	 * branches to address 0 (begin == until ends a run at once). */
	uc_err e = uc_emu_start(v->uc, vcpu_get_pc(v), until, 0, 0);

	pthread_mutex_lock(&v->lock);
	v->running = false;
	if (!internal && v->stop_requested)
		v->kick_pending = false; /* this run ended on it */
	v->stop_requested = false;
	__atomic_store_n(&v->preempt, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&v->lock);

	/* A guest that branched to the end address itself stopped there
	 * before the fetch, which would have been a prefetch abort of its own
	 * stage 1 (translation fault, or address size fault with the MMU
	 * off): report that, or re-entering would stop at once forever. */
	if (e == UC_ERR_OK && !v->exit_set && until == UNTIL_NEVER && vcpu_get_pc(v) == UNTIL_NEVER) {
		exit->intno = VCPU_EXCP_PREFETCH_ABORT;
		exit->reason = VCPU_EXIT_EXCEPTION;
		return;
	}
	if (e != UC_ERR_OK && !v->exit_set) {
		snprintf(exit->error, sizeof(exit->error), "unicorn stopped: %s at PC 0x%llx",
			 uc_strerror(e), (unsigned long long)vcpu_get_pc(v));
		exit->reason = VCPU_EXIT_ERROR;
	}
}
