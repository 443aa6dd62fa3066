/* What EL2 hardware would report about a guest's trapped exception, rebuilt
 * in software, for both EL2 worlds: the RMM (a REC's exits) and the host
 * (a normal VM's). unicorn gives neither ESR_EL2 nor the exception's
 * delivery to the guest's vectors (docs/unicorn-notes.md), so the EL2 side
 * decodes the instruction at the PC, walks the guest's stage 1 again, and
 * injects the exception itself. */
#ifndef CCAKIT_CPU_TRAP_H
#define CCAKIT_CPU_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/fsc.h"
#include "cpu/stage1.h"
#include "cpu/vcpu.h"

/* ESR_ELx fields (Arm ARM D24.2.40). */
#define ESR_EC_SHIFT 26
#define ESR_EC_UNKNOWN UINT64_C(0x00)
#define ESR_EC_WFX UINT64_C(0x01)
#define ESR_EC_SVC64 UINT64_C(0x15)
#define ESR_EC_SYSREG UINT64_C(0x18)
#define ESR_EC_IABT_LOW UINT64_C(0x20)
#define ESR_EC_IABT_CUR UINT64_C(0x21)
#define ESR_EC_DABT_LOW UINT64_C(0x24)
#define ESR_EC_DABT_CUR UINT64_C(0x25)
#define ESR_EC_BRK64 UINT64_C(0x3c)
#define ESR_EC_MASK (UINT64_C(0x3f) << ESR_EC_SHIFT)
#define ESR_IL (UINT64_C(1) << 25)
#define ESR_ISV (UINT64_C(1) << 24)
#define ESR_SAS_MASK (UINT64_C(3) << 22)
#define ESR_SSE (UINT64_C(1) << 21)
#define ESR_SRT_SHIFT 16
#define ESR_SF (UINT64_C(1) << 15)
#define ESR_SET_MASK (UINT64_C(3) << 11)
#define ESR_FNV (UINT64_C(1) << 10)
#define ESR_EA (UINT64_C(1) << 9)
#define ESR_S1PTW (UINT64_C(1) << 7)
#define ESR_WNR (UINT64_C(1) << 6)
#define ESR_FSC_MASK UINT64_C(0x3f)
#define ESR_WFX_TI_WFE UINT64_C(1)
/* The fault status codes (ESR_FSC_MASK) are cpu/fsc.h's. */

/* CNTx_CTL_EL0 bits of the generic timers. */
#define CNT_CTL_ENABLE UINT64_C(1)
#define CNT_CTL_IMASK UINT64_C(2)
#define CNT_CTL_ISTATUS UINT64_C(4)

#define PSTATE_EL_SHIFT 2
#define INSN_SIZE 4
#define HPFAR_FIPA_SHIFT 8 /* HPFAR_EL2.FIPA holds IPA[47:12] at [43:4] */

/* The guest's memory as its EL2 reaches it: `read` copies len bytes at an
 * IPA (within one granule), false if the IPA has no memory there. */
struct trap_ctx {
	struct vcpu *v;
	bool (*read)(void *ctx, uint64_t ipa, void *buf, size_t len);
	void *ctx;
};

/* HPFAR_EL2 for a fault at ipa. */
uint64_t trap_hpfar(uint64_t ipa);
unsigned trap_current_el(struct vcpu *v);
/* The exception class for the EL the guest is at: ec_low from EL0, ec_cur
 * from EL1 (both taken to EL1). */
uint64_t trap_esr_ec(struct vcpu *v, uint64_t ec_low, uint64_t ec_cur);

/* Synchronous exceptions taken to the guest's EL1. */
void trap_inject(struct vcpu *v, uint64_t esr, uint64_t far);
void trap_inject_undef(struct vcpu *v);
void trap_inject_sea(struct vcpu *v, bool fetch, uint64_t va); /* external abort */

/* The IPA a guest VA stands for under the guest's stage 1; false if the
 * guest's own translation faults. */
bool trap_va_to_ipa(const struct trap_ctx *t, uint64_t va, enum s1_access acc, uint64_t *ipa);
/* The instruction at the PC. */
bool trap_fetch_insn(const struct trap_ctx *t, uint32_t *insn);
/* The load or store at the PC, decoded (with its VA). */
bool trap_decode_access(const struct trap_ctx *t, struct ldst *l);

/* An emulated MMIO access, completed on the next entry: a read's value
 * into its register (sign- or zero-extended as the syndrome's SAS, SSE and
 * SF say), and the PC past the instruction. esr is the access's syndrome. */
void trap_complete_mmio(struct vcpu *v, uint64_t esr, uint64_t value);
/* The value an emulated write stores (SAS bytes of its register). */
uint64_t trap_mmio_write_value(struct vcpu *v, const struct ldst *l);

struct rmi_rec_exit;
/* The generic timers as a hypervisor sees them on every exit: CVALs, and
 * CTLs with ISTATUS as the counter says now. */
void trap_exit_timers(struct vcpu *v, struct rmi_rec_exit *e);

struct vgic;
/* A trapped MRS/MSR (TRAP_SYSREG) of the GIC CPU interface, against the
 * vCPU's list registers: done here (the PC moved past it), or an UNDEF
 * injected, unless it is one the hypervisor must see (ICC_SGI1R and
 * friends: VGIC_TRAP), for which it returns true with *a decoded, *value
 * the value written, and the PC past it. */
bool trap_gic_sysreg(struct vcpu *v, struct vgic *g, uint32_t insn, struct sysreg_access *a,
		     uint64_t *value);

/* What a guest exception (a VCPU_EXIT_EXCEPTION's intno) leaves to the EL2
 * software: most are injected back into the guest here; a trapped WFx, a
 * trapped system register and a stage-1 walk that met a stage-2 fault are
 * the caller's. */
enum trap_kind {
	TRAP_INJECTED, /* delivered to the guest's vectors */
	TRAP_WFX,      /* a WFI or WFE (is_wfe), PC at it */
	TRAP_SYSREG,   /* an MRS/MSR unicorn refused (insn), PC at it */
	TRAP_S1_WALK,  /* the guest's walk read an IPA stage 2 refused (walk_ipa) */
};
struct trap {
	enum trap_kind kind;
	uint32_t insn;
	bool is_wfe;
	uint64_t walk_ipa;
};
void trap_guest_exception(const struct trap_ctx *t, unsigned intno, struct trap *out);

#endif
