/* The AArch64 vCPU a REC runs on: a unicorn engine executing EL1/EL0 code
 * behind QEMU's own stage-2 translation, which walks the realm's RTTs in DRAM.
 *
 * Memory plan of an engine (see docs/unicorn-notes.md for the measurements
 * behind it):
 *   - DRAM, the system view, at its physical address: RTT walks and protected
 *     IPAs land here;
 *   - the NS alias window at VCPU_NS_ALIAS_BASE: the RMM points valid
 *     unprotected descriptors at VCPU_NS_ALIAS_BASE + the host's PA, and every
 *     access there goes through the owner's ns_read/ns_write, which check the
 *     granule's PAS, so a realm never reaches another world's memory;
 *   - dummy regions covering every other address up to 2^64, because unicorn
 *     2.0.1 insists that the *virtual* address of an access lie in some
 *     region, and a guest's stage 1 may produce any VA (TTBR1 addresses up
 *     to the last page, tagged pointers, non-canonical ones that must fault);
 *     stage 2 never outputs there, so they are never really accessed.
 *
 * An engine belongs to one realm (its RECs take turns on it); the REC's
 * registers are loaded before a run and saved after it. */
#ifndef CCAKIT_CPU_VCPU_H
#define CCAKIT_CPU_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VCPU_NS_ALIAS_BASE (UINT64_C(1) << 46)
#define VCPU_NS_ALIAS_SIZE (UINT64_C(1) << 46)

struct vcpu;

struct vcpu_memory {
	void *dram; /* system view */
	uint64_t dram_base;
	uint64_t dram_size;
	/* Accesses through the NS alias window, at the host's PA; false makes
	 * the access fail (an external abort for the realm). */
	bool (*ns_read)(void *ctx, uint64_t pa, void *buf, unsigned len);
	bool (*ns_write)(void *ctx, uint64_t pa, const void *buf, unsigned len);
	void *ns_ctx;
};

/* Stage 2 as VTTBR_EL2 / VTCR_EL2 describe it. */
struct vcpu_stage2 {
	uint64_t rtt_base;
	unsigned s2sz;
	int start_level;
	unsigned vmid;
};

/* PSTATE of a vCPU at reset and after CPU_ON: EL1h, D, A, I, F masked. */
#define VCPU_RESET_PSTATE UINT64_C(0x3c5)
/* SCTLR_EL1 at reset: its RES1 bits, MMU and caches off. */
#define VCPU_RESET_SCTLR UINT64_C(0x30d00800)

/* A REC's architectural state between entries (kept in the REC granule). */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t sp_el0;
	uint64_t sp_el1;
	uint64_t pc;
	uint64_t pstate;
	uint64_t elr_el1;
	uint64_t spsr_el1;
	uint64_t esr_el1;
	uint64_t far_el1;
	uint64_t vbar_el1;
	uint64_t sctlr_el1;
	uint64_t tcr_el1;
	uint64_t ttbr0_el1;
	uint64_t ttbr1_el1;
	uint64_t mair_el1;
	uint64_t amair_el1;
	uint64_t cpacr_el1;
	uint64_t contextidr_el1;
	uint64_t tpidr_el0;
	uint64_t tpidrro_el0;
	uint64_t tpidr_el1;
	uint64_t par_el1;
	uint64_t cntkctl_el1;
	uint64_t cntv_ctl;
	uint64_t cntv_cval;
	uint64_t cntp_ctl;
	uint64_t cntp_cval;
	uint64_t fpcr;
	uint64_t fpsr;
	uint64_t v[32][2];
	uint64_t vmpidr; /* what MPIDR_EL1 reads in the realm */
};

enum vcpu_exit_reason {
	VCPU_EXIT_SMC,        /* an SMC: PC is past it, X0.. hold the call */
	VCPU_EXIT_HVC,        /* an HVC: PC is past it */
	VCPU_EXIT_DATA_ABORT, /* a stage-2 data abort: PC at the access, hpfar valid */
	VCPU_EXIT_INSN_ABORT, /* a stage-2 instruction abort: PC at it, hpfar valid */
	VCPU_EXIT_EXCEPTION,  /* any other exception (intno): an undefined or
				 trapped instruction (PC at it; a trapped WFI/WFE
				 arrives here), an SVC (PC past it), a stage-1
				 abort of the guest's own translation (PC at it) */
	VCPU_EXIT_NS_ABORT,   /* an access through an unprotected IPA was refused by
				 the granule protection check (ns_pa) */
	VCPU_EXIT_KICKED,     /* the time slice ended, or vcpu_kick */
	VCPU_EXIT_ERROR,      /* the engine failed: message in error */
};

/* QEMU's exception numbers as the engine reports them. */
#define VCPU_EXCP_UDEF 1
#define VCPU_EXCP_SWI 2
#define VCPU_EXCP_PREFETCH_ABORT 3
#define VCPU_EXCP_DATA_ABORT 4
#define VCPU_EXCP_BKPT 7
#define VCPU_EXCP_HVC 11
#define VCPU_EXCP_SMC 13
#define VCPU_EXCP_UNALIGNED 22

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	unsigned intno;      /* QEMU's exception number, for EXCEPTION */
	uint64_t hpfar;      /* HPFAR_EL2 for aborts */
	uint64_t ns_pa;      /* the host PA of a refused unprotected access */
	bool ns_write;
	char error[128];
};

int vcpu_create(const struct vcpu_memory *mem, struct vcpu **out, char *err, size_t errlen);
void vcpu_destroy(struct vcpu *v);

/* Points the engine at a realm's stage 2 (and forgets cached translations). */
void vcpu_set_stage2(struct vcpu *v, const struct vcpu_stage2 *s2);
/* Forgets cached stage-2 translations after an RTT entry changed. */
void vcpu_flush_tlb(struct vcpu *v);

void vcpu_load(struct vcpu *v, const struct vcpu_regs *regs);
void vcpu_save(struct vcpu *v, struct vcpu_regs *regs);

/* Single registers of the loaded state, for exit handling. */
uint64_t vcpu_get_x(struct vcpu *v, unsigned n);
void vcpu_set_x(struct vcpu *v, unsigned n, uint64_t value);
uint64_t vcpu_get_pc(struct vcpu *v);
void vcpu_set_pc(struct vcpu *v, uint64_t pc);

/* The first n (<= 31) general-purpose registers, in one call each way
 * (the SMC path: an RSI call reads its arguments and writes its results). */
void vcpu_get_xs(struct vcpu *v, unsigned n, uint64_t *x);
void vcpu_set_xs(struct vcpu *v, unsigned n, const uint64_t *x);
uint64_t vcpu_get_pstate(struct vcpu *v);
uint64_t vcpu_get_sp(struct vcpu *v); /* the SP PSTATE selects */

/* EL1 system registers the RMM reads to handle an exit. */
enum vcpu_sysreg {
	VCPU_SCTLR_EL1,
	VCPU_TCR_EL1,
	VCPU_TTBR0_EL1,
	VCPU_TTBR1_EL1,
	VCPU_MAIR_EL1,
	VCPU_CNTV_CTL,
	VCPU_CNTV_CVAL,
	VCPU_CNTP_CTL,
	VCPU_CNTP_CVAL,
};
uint64_t vcpu_get_sysreg(struct vcpu *v, enum vcpu_sysreg r);

/* The virtual IRQ and FIQ lines (HCR_EL2.VI / VF): the guest takes the
 * interrupt natively once it unmasks it. */
void vcpu_set_virq(struct vcpu *v, bool irq, bool fiq);

/* The generic timer's count as the guest reads CNTVCT_EL0 (CNTVOFF = 0):
 * QEMU derives it from CLOCK_MONOTONIC at CNTFRQ_EL0 = 62.5 MHz. */
#define VCPU_CNTFRQ UINT64_C(62500000)
uint64_t vcpu_counter_now(void);

/* Waits, outside any run, until vcpu_kick or until the counter reaches
 * `until` (0: no deadline). Returns true if kicked. A WFI the host does not
 * trap waits here: a real PE sleeps until an interrupt. */
bool vcpu_idle(struct vcpu *v, uint64_t until);

/* Called for every SMC the guest makes; return true to resume the guest at
 * once (the call was handled in place), false to end the run with
 * VCPU_EXIT_SMC. */
typedef bool (*vcpu_smc_fn)(void *ctx, struct vcpu *v);
void vcpu_set_smc_handler(struct vcpu *v, vcpu_smc_fn fn, void *ctx);

/* Takes a synchronous exception to the guest's EL1, as the hardware would:
 * ESR_EL1 = esr, FAR_EL1 = far, ELR_EL1 = the PC, SPSR_EL1 = PSTATE, then
 * EL1h with D, A, I, F masked at the vector for the current EL (SP_EL0 or
 * SP_ELx) or for a lower EL. From EL0 the engine is moved to EL1 by a native
 * virtual-IRQ entry first (see docs/unicorn-notes.md). Returns false, leaving
 * the state unchanged, if that entry could not be made. */
bool vcpu_inject_sync(struct vcpu *v, uint64_t esr, uint64_t far);

/* Runs the loaded state until an exit, for at most slice_us microseconds of
 * guest time (0: no limit). */
void vcpu_run(struct vcpu *v, uint64_t slice_us, struct vcpu_exit *exit);
/* Runs exactly the instruction at the PC (no time slice, virtual
 * interrupts held off): true if it completed (PC past it), false with the
 * exit that stopped it before, which is precise even for a refusal of the
 * NS alias window (then the instruction's loaded registers may hold the
 * refused value: the caller restores them). A pending kick may stop it
 * before the instruction (KICKED, PC unchanged). */
bool vcpu_step(struct vcpu *v, struct vcpu_exit *exit);
/* Ends a run in progress from another thread (the host getting control
 * back); harmless if none is. */
void vcpu_kick(struct vcpu *v);

#endif
