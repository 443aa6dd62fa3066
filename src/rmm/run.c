/* Running a REC: the second half of RMI_REC_ENTER. The REC's vCPU runs until
 * something needs the host, and the exit record says what (spec notes,
 * section 5, "What the host sees on SYNC exits"; TF-RMM's exit handling
 * gives the order of the checks).
 *
 * Each REC has its own engine (an engine's cached exception level is
 * always its REC's: docs/unicorn-notes.md, fact 8), created at its first
 * entry and destroyed with the REC. The REC granule holds X0..X30, PC and
 * PSTATE between entries; the engine holds the rest.
 *
 * The RECs of one realm take turns (the RD's run lock): guest atomics are
 * not atomic across engines on different host threads. A REC runs for at
 * most one time slice per entry, so the host always gets control back.
 *
 * Stage-2 TLB: an RTT command that removes or changes a valid entry of an
 * active realm calls realm_tlbi() after releasing its RTT locks, which kicks
 * the realm's running engine (if any) and waits until it has stopped; every
 * engine flushes before its next run when the realm's TLB generation moved.
 * Only then may the command scrub or hand back the granule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/psci.h"
#include "ccakit/abi/rsi.h"
#include "ccakit/machine.h"
#include "cpu/decode.h"
#include "cpu/stage1.h"
#include "cpu/trap.h"
#include "rmm/rtt.h"
#include "cpu/vgic.h"

/* What the host may see of a data abort (TF-RMM's masks). */
#define ESR_NONEMULATED_ABORT_MASK (ESR_EC_MASK | ESR_SET_MASK | ESR_FNV | ESR_EA | ESR_FSC_MASK)
#define ESR_EMULATED_ABORT_MASK                                                                  \
	(ESR_NONEMULATED_ABORT_MASK | ESR_ISV | ESR_SAS_MASK | ESR_SF | ESR_WNR)

#define PSTATE_IRQ_FIQ_MASK (UINT64_C(3) << 6)

/* One REC_ENTER in progress: what the SMC hook and the exit handlers share. */
struct run_ctx {
	struct rmm *rmm;
	unsigned pe;
	struct rec *rec;
	uint64_t rec_addr; /* its granule */
	struct rd *rd;
	struct vcpu *v;
	struct trap_ctx trap; /* the realm's memory, for decoding and stage 1 */
	struct rmi_rec_exit *exit;
	uint64_t flags;    /* RmiRecEnter.flags of this entry */
	bool done;         /* the exit record is ready for the host */
	bool rewind_smc;   /* the SMC is to be executed again after the exit */
	bool stepping;     /* handling what a single step through a held entry met */
};

/* ---- the realm's runtime state, in its RD ---- */

void realm_run_init(struct rd *rd)
{
	pthread_mutex_init(&rd->run.run_lock, NULL);
	pthread_mutex_init(&rd->run.tlb_lock, NULL);
	pthread_cond_init(&rd->run.tlb_cond, NULL);
	rd->run.running = NULL;
	rd->run.tlb_gen = 0;
}

void realm_run_fini(struct rd *rd)
{
	pthread_mutex_destroy(&rd->run.run_lock);
	pthread_mutex_destroy(&rd->run.tlb_lock);
	pthread_cond_destroy(&rd->run.tlb_cond);
}

void realm_tlbi(struct rmm *rmm, uint64_t rd_addr)
{
	struct rd *rd = rd_map(rmm, granule_at(rmm, rd_addr));
	pthread_mutex_lock(&rd->run.tlb_lock);
	uint64_t gen = ++rd->run.tlb_gen;
	while (rd->run.running && rd->run.running_gen < gen) {
		vcpu_kick(rd->run.running);
		pthread_cond_wait(&rd->run.tlb_cond, &rd->run.tlb_lock);
	}
	pthread_mutex_unlock(&rd->run.tlb_lock);
}

/* ---- engines ---- */

static bool ns_read(void *ctx, uint64_t pa, void *buf, unsigned len)
{
	return plat_ns_read(ctx, pa, buf, len);
}

static bool ns_write(void *ctx, uint64_t pa, const void *buf, unsigned len)
{
	return plat_ns_write(ctx, pa, buf, len);
}

static bool on_smc(void *ctx, struct vcpu *v);

/* The REC's engine, created at its first entry with the REC's registers. */
static struct vcpu *rec_engine(struct rmm *rmm, struct granule *g_rec, struct rec *rec,
			       struct rd *rd)
{
	size_t idx = plat_granule_index(rmm->plat, granule_pa(rmm, g_rec));
	struct vcpu *v = rmm->engines[idx];
	if (v)
		return v;
	struct vcpu_memory mem = {
		.dram = plat_sys_ptr(rmm->plat, rmm->plat->dram_base),
		.dram_base = rmm->plat->dram_base,
		.dram_size = rmm->plat->dram_size,
		.ns_read = ns_read,
		.ns_write = ns_write,
		.ns_ctx = rmm->plat,
	};
	char err[160];
	if (vcpu_create(&mem, &v, err, sizeof(err)) != 0) {
		/* The host process is out of memory or threads: nothing a
		 * realm or host did, and nothing REC_ENTER can report. */
		fprintf(stderr, "ccakit: RMM: cannot create a vCPU: %s\n", err);
		abort();
	}
	struct vcpu_stage2 s2 = {
		.rtt_base = rd->rtt_base,
		.s2sz = rd->s2sz,
		.start_level = rd->rtt_level_start,
		.vmid = rd->vmid,
	};
	vcpu_set_stage2(v, &s2);
	pthread_mutex_lock(&rd->run.tlb_lock);
	rec->engine_tlb_gen = rd->run.tlb_gen;
	pthread_mutex_unlock(&rd->run.tlb_lock);
	vcpu_load(v, &rec->regs);
	rec->regs_reset = 0;
	rmm->engines[idx] = v;
	return v;
}

void rec_engine_destroy(struct rmm *rmm, struct granule *g_rec)
{
	size_t idx = plat_granule_index(rmm->plat, granule_pa(rmm, g_rec));
	vcpu_destroy(rmm->engines[idx]);
	rmm->engines[idx] = NULL;
}

/* ---- realm memory, as the RMM reaches it ---- */

/* Reads `len` bytes of protected realm memory at ipa (within a granule). */
static bool realm_read(void *ctx, uint64_t ipa, void *buf, size_t len)
{
	struct run_ctx *c = ctx;
	uint64_t pa;
	int level;
	if (!ipa_in_par(c->rd, ipa) ||
	    realm_ipa_lookup(c->rmm, c->rd, ipa, &pa, &level) != REALM_IPA_MAPPED)
		return false;
	memcpy(buf, plat_sys_ptr(c->rmm->plat, pa), len);
	return true;
}

/* ---- exceptions for the realm ---- */

static void inject_undef(struct run_ctx *c)
{
	trap_inject_undef(c->v);
}

static void inject_sea(struct run_ctx *c, bool fetch, uint64_t va)
{
	trap_inject_sea(c->v, fetch, va);
}

/* ---- exit records ---- */

static void exit_sync(struct run_ctx *c, uint64_t esr, uint64_t far, uint64_t hpfar)
{
	c->exit->exit_reason = RMI_EXIT_SYNC;
	c->exit->esr = esr;
	c->exit->far = far;
	c->exit->hpfar = hpfar;
	c->done = true;
}

static void exit_common(struct run_ctx *c)
{
	struct rmi_rec_exit *e = c->exit;
	trap_exit_timers(c->v, e);
	e->gicv3_hcr = c->rec->vgic.hcr & ~ICH_HCR_EN;
	memcpy(e->gicv3_lrs, c->rec->vgic.lrs, sizeof(e->gicv3_lrs));
	e->gicv3_misr = vgic_misr(&c->rec->vgic);
	e->gicv3_vmcr = c->rec->vgic.vmcr;
}

/* ---- SMCs: RSI and PSCI ---- */

#define SMC_ARGS 18

static void smc_psci(struct run_ctx *c, uint64_t *x)
{
	struct psci_outcome po;
	psci_handle(c->rec, c->rd, x, &po);
	vcpu_set_x(c->v, 0, x[0]);
	if (po.exit) {
		c->exit->exit_reason = RMI_EXIT_PSCI;
		c->exit->gprs[0] = po.gprs[0];
		c->exit->gprs[1] = po.gprs[1];
		c->done = true;
	}
}

/* The platform's debug tracer, if one is attached (`ccakit run --trace`). */
static void trace_rsi(struct run_ctx *c, const uint64_t *args, const uint64_t *x, bool to_host)
{
	struct platform *p = c->rmm->plat;
	if (!p->rsi_trace)
		return;
	struct ccakit_rsi_event ev = { .rd = c->rec->owner_rd, .rec = c->rec_addr, .to_host = to_host };
	memcpy(ev.args, args, sizeof(ev.args));
	memcpy(ev.ret, x, sizeof(ev.ret));
	p->rsi_trace(p->rsi_trace_ctx, &ev);
}

static void smc_rsi(struct run_ctx *c, uint64_t *x)
{
	struct rsi_outcome out;
	uint64_t args[11];
	memcpy(args, x, sizeof(args));
	rsi_handle(c->rmm, c->pe, c->rec, c->rd, x, &out);
	trace_rsi(c, args, x, out.action != RSI_ACTION_DONE && out.action != RSI_ACTION_IRQ);
	switch (out.action) {
	case RSI_ACTION_DONE:
		vcpu_set_xs(c->v, 9, x); /* results are in X0..X8 */
		return;
	case RSI_ACTION_HOST_CALL:
		vcpu_set_x(c->v, 0, x[0]);
		c->exit->exit_reason = RMI_EXIT_HOST_CALL;
		c->exit->imm = out.imm;
		memcpy(c->exit->gprs, out.gprs, sizeof(c->exit->gprs));
		c->done = true;
		return;
	case RSI_ACTION_RIPAS_CHANGE:
		c->exit->exit_reason = RMI_EXIT_RIPAS_CHANGE;
		c->exit->ripas_base = c->rec->ripas.addr;
		c->exit->ripas_top = c->rec->ripas.top;
		c->exit->ripas_value = (uint8_t)c->rec->ripas.value;
		c->done = true;
		return;
	case RSI_ACTION_IRQ:
		/* The realm has its answer (RSI_INCOMPLETE); the PE goes back
		 * to the host for the interrupt, which this exit takes. */
		vcpu_set_xs(c->v, 9, x);
		__atomic_store_n(&c->rmm->pes[c->pe].irq, false, __ATOMIC_RELEASE);
		c->exit->exit_reason = RMI_EXIT_IRQ;
		c->done = true;
		return;
	case RSI_ACTION_BUFFER_ABORT:
		/* As a stage-2 data abort at the buffer; the SMC is made
		 * again once the host has mapped it. */
		exit_sync(c, ESR_EC_DABT_LOW << ESR_EC_SHIFT | FSC_TRANSLATION(out.level), 0,
			  trap_hpfar(out.ipa));
		c->rewind_smc = true;
		return;
	}
}

/* The SMC hook: calls the RMM answers itself go on at once. */
static bool on_smc(void *ctx, struct vcpu *v)
{
	struct run_ctx *c = ctx;
	uint64_t x[SMC_ARGS] = { 0 };
	vcpu_get_xs(v, 11, x); /* RSI takes at most X0..X10 */
	if (smccc_fid(x[0]) == SMCCC_VERSION_FID)
		vcpu_set_x(v, 0, SMCCC_VERSION_1_2);
	else if (psci_is_call(x[0]))
		smc_psci(c, x);
	else
		smc_rsi(c, x);
	return !c->done;
}

/* ---- aborts ---- */

/* Why a stage-2 access at ipa faulted, from the RMM's own walk: the fault
 * status code the hardware reports, and the entry's kind and RIPAS. */
struct s2_fault {
	uint64_t fsc;
	enum s2tte_kind kind;
	enum rmi_ripas ripas;
	bool ok;   /* the entry permits the access now (a stale TLB entry) */
	bool held; /* ASSIGNED_NS held by the granule protection check */
};

static void s2_classify(struct run_ctx *c, uint64_t ipa, bool write, bool fetch,
			struct s2_fault *f)
{
	struct rtt_walk wi;
	rtt_walk_lock(c->rmm, c->rd, ipa, RTT_LEVEL_MAX, &wi);
	uint64_t e = *rtt_walk_entry(&wi);
	granule_unlock(wi.g);
	f->kind = s2tte_kind(e, wi.level);
	f->ripas = s2tte_ripas(e);
	f->ok = false;
	f->held = s2tte_ns_is_held(e);
	if (!(e & S2TTE_VALID) || f->kind == S2TTE_TABLE) {
		f->fsc = FSC_TRANSLATION(wi.level);
	} else if (!(e & S2TTE_AF)) {
		f->fsc = FSC_ACCESS_FLAG(wi.level);
	} else if ((fetch && (e & S2TTE_XN_EL1)) ||
		   (write && !(e & (UINT64_C(2) << 6))) || (!write && !fetch && !(e & (UINT64_C(1) << 6)))) {
		f->fsc = FSC_PERMISSION(wi.level);
	} else {
		f->ok = true;
	}
}

/* Records what REC_ENTER's flags may complete next time. */
static void note_abort(struct run_ctx *c, uint64_t esr, uint64_t far, bool unprotected)
{
	c->rec->last_exit.esr = esr;
	c->rec->last_exit.far = far;
	c->rec->last_exit.unprotected_abort = unprotected;
	c->rec->last_exit.emulatable_abort = unprotected && (esr & ESR_ISV);
}

static void data_abort(struct run_ctx *c, uint64_t ipa, bool gpf);
static void handle_exit(struct run_ctx *c, struct vcpu_exit *e);
static void engine_begin(struct run_ctx *c);
static void engine_end(struct run_ctx *c);

/* The NS alias window refused an access of a one-instruction run: the PC
 * is the instruction's, its registers are as before it (the caller put
 * back what the refused load wrote), so the syndrome is its own. */
static void ns_abort(struct run_ctx *c)
{
	struct ldst l;
	uint64_t ipa = 0;
	if (trap_decode_access(&c->trap, &l) && trap_va_to_ipa(&c->trap, l.va, S1_READ, &ipa))
		data_abort(c, ipa, true);
	else
		exit_sync(c, ESR_EC_DABT_LOW << ESR_EC_SHIFT | FSC_GPF, 0, 0);
}

/* A translation fault at ipa on an ASSIGNED_NS entry the granule protection
 * check holds (rtt_ns.c). If the granule the access reaches is not NS, it is
 * a granule protection fault, precise because stage 2 raised it: returns
 * false for the caller to report it. If it is NS (a held block with another
 * granule delegated), the instruction alone runs with the entry valid, under
 * the RTT's lock, so no DELEGATE can scan past it meanwhile; a one-
 * instruction run is precise by construction, so if it touches a delegated
 * granule of the block the window's refusal is reported exactly. */
static bool held_access(struct run_ctx *c, uint64_t ipa)
{
	struct rtt_walk wi;
	rtt_walk_lock(c->rmm, c->rd, ipa, RTT_LEVEL_MAX, &wi);
	uint64_t *e = rtt_walk_entry(&wi), held = *e;
	if (!s2tte_ns_is_held(held) || c->stepping) {
		/* Changed since the fault (the next one is classified anew), or
		 * an instruction of a step meets a second held entry: run it
		 * again later rather than step within a step. */
		granule_unlock(wi.g);
		return true;
	}
	uint64_t offset = ipa & (rtt_level_size(wi.level) - 1) & ~(uint64_t)GRANULE_MASK;
	uint64_t pa = (s2tte_ns_host_desc(held, wi.level) & S2TTE_OA_MASK) + offset;
	if (!ns_range_reachable(c->rmm, pa, GRANULE_SIZE)) {
		granule_unlock(wi.g);
		return false;
	}
	uint64_t x[31];
	struct vcpu_exit ex;
	vcpu_get_xs(c->v, 31, x);
	__atomic_store_n(e, s2tte_ns_release(held), __ATOMIC_RELEASE);
	vcpu_flush_tlb(c->v);
	engine_begin(c);
	bool done = vcpu_step(c->v, &ex);
	engine_end(c);
	__atomic_store_n(e, held, __ATOMIC_RELEASE);
	vcpu_flush_tlb(c->v);
	granule_unlock(wi.g);
	if (done)
		return true;
	c->stepping = true;
	if (ex.reason == VCPU_EXIT_NS_ABORT) {
		vcpu_set_xs(c->v, 31, x);
		ns_abort(c);
	} else {
		handle_exit(c, &ex); /* precise as any exit of a one-instruction run */
	}
	c->stepping = false;
	return true;
}

/* A data access the realm made at ipa that stage 2 refused (or that the
 * granule protection check refused: gpf). Handled in the realm (an SEA) or
 * turned into an exit. */
static void data_abort(struct run_ctx *c, uint64_t ipa, bool gpf)
{
	struct ldst l = { 0 };
	bool decoded = trap_decode_access(&c->trap, &l);
	uint64_t va = decoded ? l.va : 0;
	uint64_t hpfar = trap_hpfar(ipa);
	struct s2_fault f = { .fsc = FSC_GPF };

	/* Outside the realm's IPA space, or RIPAS EMPTY: an SEA, no exit. */
	if (!ipa_in_range(c->rd, ipa)) {
		inject_sea(c, false, va);
		return;
	}
	if (!gpf) {
		s2_classify(c, ipa, decoded && l.write, false, &f);
		if (f.ok) {
			vcpu_flush_tlb(c->v); /* stale: the entry allows it now */
			return;
		}
		if (f.held) {
			if (held_access(c, ipa))
				return;
			f.fsc = FSC_GPF; /* the granule is not NS: a GPF, as in hardware */
		} else if ((f.kind == S2TTE_ASSIGNED || f.kind == S2TTE_UNASSIGNED) &&
			   f.ripas == RIPAS_EMPTY) {
			inject_sea(c, false, va);
			return;
		}
	}
	uint64_t esr = ESR_EC_DABT_LOW << ESR_EC_SHIFT | ESR_IL | f.fsc;
	if (decoded)
		esr |= ldst_iss(&l, 0) & ~ESR_FSC_MASK;
	if (ipa_in_par(c->rd, ipa)) {
		/* Protected: the host learns the IPA page, nothing else. */
		note_abort(c, esr, va, false);
		exit_sync(c, esr & ESR_NONEMULATED_ABORT_MASK, 0, hpfar);
		return;
	}
	/* Unprotected: emulatable when the syndrome describes the access
	 * (ldst_iss set ISV and its fields only then); the host sees the
	 * page offset and, for a write, the value. */
	note_abort(c, esr, va, true);
	exit_sync(c, esr & ESR_EMULATED_ABORT_MASK, va & GRANULE_MASK, hpfar);
	if ((esr & ESR_ISV) && l.write)
		c->exit->gprs[0] = trap_mmio_write_value(c->v, &l);
}

static void insn_abort(struct run_ctx *c, uint64_t ipa)
{
	uint64_t va = vcpu_get_pc(c->v);
	struct s2_fault f;
	if (!ipa_in_range(c->rd, ipa) || !ipa_in_par(c->rd, ipa)) {
		inject_sea(c, true, va);
		return;
	}
	s2_classify(c, ipa, false, true, &f);
	if (f.ok) {
		vcpu_flush_tlb(c->v);
		return;
	}
	if ((f.kind == S2TTE_ASSIGNED || f.kind == S2TTE_UNASSIGNED) && f.ripas == RIPAS_EMPTY) {
		inject_sea(c, true, va);
		return;
	}
	uint64_t esr = ESR_EC_IABT_LOW << ESR_EC_SHIFT | ESR_IL | f.fsc;
	note_abort(c, esr, va, false);
	exit_sync(c, esr & ESR_NONEMULATED_ABORT_MASK, 0, trap_hpfar(ipa));
}

/* ---- other exceptions ---- */

static void wfx(struct run_ctx *c, bool is_wfe)
{
	uint64_t trap = is_wfe ? REC_ENTRY_FLAG_TRAP_WFE : REC_ENTRY_FLAG_TRAP_WFI;
	vcpu_set_pc(c->v, vcpu_get_pc(c->v) + INSN_SIZE);
	if (c->flags & trap) {
		exit_sync(c, ESR_EC_WFX << ESR_EC_SHIFT | (is_wfe ? ESR_WFX_TI_WFE : 0), 0, 0);
		return;
	}
	if (is_wfe || vgic_irq_pending(&c->rec->vgic) || vgic_fiq_pending(&c->rec->vgic))
		return; /* WFE: no event stream to wait for; a pending vIRQ wakes */
	/* An untrapped WFI sleeps until an interrupt: the physical one of an
	 * enabled timer (which the host then sees as an IRQ exit), or the
	 * host's own. */
	uint64_t until = 0;
	uint64_t ctl[2] = { vcpu_get_sysreg(c->v, VCPU_CNTV_CTL), vcpu_get_sysreg(c->v, VCPU_CNTP_CTL) };
	uint64_t cval[2] = { vcpu_get_sysreg(c->v, VCPU_CNTV_CVAL),
			     vcpu_get_sysreg(c->v, VCPU_CNTP_CVAL) };
	for (unsigned i = 0; i < 2; i++)
		if ((ctl[i] & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE &&
		    (!until || cval[i] < until))
			until = cval[i] ? cval[i] : 1;
	uint64_t slice_end = c->rmm->pes[c->pe].slice_end;
	if (!until || until > slice_end)
		until = slice_end;
	vcpu_idle(c->v, until);
	c->exit->exit_reason = RMI_EXIT_IRQ;
	c->done = true;
}

static void sysreg_trap(struct run_ctx *c, uint32_t insn)
{
	struct sysreg_access a;
	uint64_t value;
	if (!trap_gic_sysreg(c->v, &c->rec->vgic, insn, &a, &value))
		return;
	/* To the host as a trapped MSR/MRS (SGIs): a write's value in
	 * gprs[0]; a read completes from enter.gprs[0]. */
	c->rec->last_exit.sysreg_read = a.read;
	c->rec->last_exit.sysreg_rt = a.rt;
	exit_sync(c, ESR_EC_SYSREG << ESR_EC_SHIFT | ESR_IL | sysreg_iss(&a), 0, 0);
	c->exit->gprs[0] = value;
}

static void exception(struct run_ctx *c, unsigned intno)
{
	struct trap t;
	trap_guest_exception(&c->trap, intno, &t);
	switch (t.kind) {
	case TRAP_INJECTED:
		return;
	case TRAP_WFX:
		wfx(c, t.is_wfe);
		return;
	case TRAP_SYSREG:
		sysreg_trap(c, t.insn);
		return;
	case TRAP_S1_WALK:
		data_abort(c, t.walk_ipa, false);
		return;
	}
}

/* ---- entry ---- */

/* Completes what the last exit left to the host (the TF-RMM order: MMIO
 * read, SEA, RIPAS change, host call). Returns false if the REC cannot run
 * yet and c->exit says why. */
static bool complete_entry(struct run_ctx *c, const struct rmi_rec_enter *enter)
{
	struct rec *rec = c->rec;
	if (enter->flags & REC_ENTRY_FLAG_EMUL_MMIO) {
		trap_complete_mmio(c->v, rec->last_exit.esr, enter->gprs[0]);
	} else if (enter->flags & REC_ENTRY_FLAG_INJECT_SEA) {
		inject_sea(c, false, rec->last_exit.far);
	}
	if (rec->last_exit.sysreg_pending) {
		if (rec->last_exit.sysreg_read && rec->last_exit.sysreg_rt != 31)
			vcpu_set_x(c->v, rec->last_exit.sysreg_rt, enter->gprs[0]);
		rec->last_exit.sysreg_pending = 0;
	}
	if (rec->ripas.pending) {
		/* RSI_IPA_STATE_SET returns how far the host got, and REJECT
		 * only for an unfinished change to RAM the host refused. */
		bool reject = (enter->flags & REC_ENTRY_FLAG_RIPAS_RESPONSE) &&
			      rec->ripas.value == RIPAS_RAM && rec->ripas.addr < rec->ripas.top;
		uint64_t x[3] = { RSI_SUCCESS, rec->ripas.addr, reject ? RSI_REJECT : RSI_ACCEPT };
		vcpu_set_xs(c->v, 3, x);
		rec->ripas.pending = 0;
		/* The request is answered: nothing is left for RTT_SET_RIPAS
		 * to serve (its top_bound refuses from here on, as TF-RMM's
		 * cleared request does), whatever the host did not do. */
		rec->ripas.top = rec->ripas.addr;
	}
	if (rec->host_call.pending) {
		uint64_t pa;
		int level;
		if (realm_ipa_lookup(c->rmm, c->rd, rec->host_call.ipa, &pa, &level) !=
		    REALM_IPA_MAPPED) {
			/* The buffer went away: the host maps it again first. */
			exit_sync(c, ESR_EC_DABT_LOW << ESR_EC_SHIFT | FSC_TRANSLATION(level), 0,
				  trap_hpfar(rec->host_call.ipa));
			return false;
		}
		struct rsi_host_call *hc = plat_sys_ptr(c->rmm->plat, pa);
		memcpy(hc->gprs, enter->gprs, sizeof(hc->gprs));
		rec->host_call.pending = 0;
	}
	return true;
}

/* Loads the REC into its engine: X0..X30, PC and PSTATE from the REC
 * granule (the RMM changes them between entries), the rest only if the
 * REC was reset (PSCI CPU_ON). */
static void load_rec(struct vcpu *v, struct rec *rec)
{
	if (rec->regs_reset) {
		vcpu_load(v, &rec->regs);
		rec->regs_reset = 0;
		return;
	}
	vcpu_set_xs(v, 31, rec->regs.x);
	vcpu_set_pc(v, rec->regs.pc);
}

static void save_rec(struct vcpu *v, struct rec *rec)
{
	vcpu_get_xs(v, 31, rec->regs.x);
	rec->regs.pc = vcpu_get_pc(v);
	rec->regs.pstate = vcpu_get_pstate(v);
}

/* The virtual GIC state the host hands in (REC_ENTER checked it). */
static void vgic_enter(struct vgic *g, uint64_t hcr, const uint64_t *lrs)
{
	g->hcr = hcr | ICH_HCR_EN;
	memcpy(g->lrs, lrs, sizeof(g->lrs));
}

/* ---- the run loop ---- */

/* The engine is about to run: it forgets translations the realm's TLB
 * generation has moved past, and realm_tlbi may kick it until engine_end. */
static void engine_begin(struct run_ctx *c)
{
	struct rd *rd = c->rd;
	pthread_mutex_lock(&rd->run.tlb_lock);
	if (c->rec->engine_tlb_gen != rd->run.tlb_gen) {
		vcpu_flush_tlb(c->v);
		c->rec->engine_tlb_gen = rd->run.tlb_gen;
	}
	rd->run.running = c->v;
	rd->run.running_gen = c->rec->engine_tlb_gen;
	pthread_mutex_unlock(&rd->run.tlb_lock);
}

static void engine_end(struct run_ctx *c)
{
	struct rd *rd = c->rd;
	pthread_mutex_lock(&rd->run.tlb_lock);
	rd->run.running = NULL;
	pthread_cond_broadcast(&rd->run.tlb_cond);
	pthread_mutex_unlock(&rd->run.tlb_lock);
}

/* Handles what stopped the engine: in the realm, or by filling the exit
 * record (c->done). */
static void handle_exit(struct run_ctx *c, struct vcpu_exit *e)
{
	switch (e->reason) {
	case VCPU_EXIT_SMC:
		if (c->rewind_smc)
			vcpu_set_pc(c->v, vcpu_get_pc(c->v) - INSN_SIZE);
		break;
	case VCPU_EXIT_HVC:
		/* No hypervisor calls in a realm: UNDEFINED, at the HVC. */
		vcpu_set_pc(c->v, vcpu_get_pc(c->v) - INSN_SIZE);
		inject_undef(c);
		break;
	case VCPU_EXIT_DATA_ABORT:
		data_abort(c, e->hpfar << HPFAR_FIPA_SHIFT, false);
		break;
	case VCPU_EXIT_INSN_ABORT:
		insn_abort(c, e->hpfar << HPFAR_FIPA_SHIFT);
		break;
	case VCPU_EXIT_NS_ABORT:
		/* The window refused an access of a full run: its entry should
		 * have been held before the granule left the NS PAS (rtt_ns.c),
		 * and where the run stopped is the start of a block whose first
		 * part has run (unicorn-notes, 17). No other world's memory was
		 * reached, but the realm's state cannot be trusted. */
		fprintf(stderr, "ccakit: RMM: internal error: REC %llu reached a non-NS granule "
				"(PA 0x%llx) through a valid unprotected entry\n",
			(unsigned long long)c->rec->index, (unsigned long long)e->ns_pa);
		c->exit->exit_reason = RMI_EXIT_SERROR;
		c->done = true;
		break;
	case VCPU_EXIT_EXCEPTION:
		exception(c, e->intno);
		break;
	case VCPU_EXIT_KICKED:
		break; /* the loop head tells a slice end or an IRQ from a TLB kick */
	case VCPU_EXIT_ERROR:
		fprintf(stderr, "ccakit: RMM: REC %llu's vCPU failed: %s\n",
			(unsigned long long)c->rec->index, e->error);
		c->exit->exit_reason = RMI_EXIT_SERROR;
		c->done = true;
		break;
	}
}

static bool slice_over(struct rmm *rmm, unsigned pe)
{
	return vcpu_counter_now() >= rmm->pes[pe].slice_end;
}

bool rec_preempt_pending(struct rmm *rmm, unsigned pe)
{
	return __atomic_load_n(&rmm->pes[pe].irq, __ATOMIC_ACQUIRE) || slice_over(rmm, pe);
}

void rec_run(struct rmm *rmm, unsigned pe, struct granule *g_rec, struct rec *rec,
	     const struct rmi_rec_enter *enter, struct rmi_rec_exit *exit)
{
	struct rd *rd = rd_map(rmm, granule_at(rmm, rec->owner_rd));
	struct run_ctx c = { .rmm = rmm, .pe = pe, .rec = rec, .rec_addr = granule_pa(rmm, g_rec),
			     .rd = rd, .exit = exit,
			     .flags = enter->flags };
	memset(exit, 0, sizeof(*exit));

	pthread_mutex_lock(&rd->run.run_lock);
	c.v = rec_engine(rmm, g_rec, rec, rd);
	c.trap = (struct trap_ctx){ .v = c.v, .read = realm_read, .ctx = &c };
	load_rec(c.v, rec);
	vcpu_set_smc_handler(c.v, on_smc, &c);
	vgic_enter(&rec->vgic, enter->gicv3_hcr, enter->gicv3_lrs);
	rmm->pes[pe].slice_end = vcpu_counter_now() + rmm->slice_us * (VCPU_CNTFRQ / 1000000);
	pthread_mutex_lock(&rmm->pes[pe].lock);
	rmm->pes[pe].vcpu = c.v;
	pthread_mutex_unlock(&rmm->pes[pe].lock);

	bool run = complete_entry(&c, enter);
	while (run && !c.done) {
		struct vcpu_exit e;
		if (__atomic_exchange_n(&rmm->pes[pe].irq, false, __ATOMIC_ACQ_REL) ||
		    slice_over(rmm, pe) ||
		    __atomic_load_n(&rd->state, __ATOMIC_ACQUIRE) == REALM_SYSTEM_OFF) {
			/* (Another REC may have turned the realm off while
			 * this one waited for its turn: the host's next
			 * REC_ENTER says so.) */
			exit->exit_reason = RMI_EXIT_IRQ;
			break;
		}
		vcpu_set_virq(c.v, vgic_irq_pending(&rec->vgic), vgic_fiq_pending(&rec->vgic));

		engine_begin(&c);
		uint64_t now = vcpu_counter_now(), end = rmm->pes[pe].slice_end;
		uint64_t left_us = end > now ? (end - now) / (VCPU_CNTFRQ / 1000000) + 1 : 1;
		vcpu_run(c.v, left_us, &e);
		engine_end(&c);
		handle_exit(&c, &e);
	}

	pthread_mutex_lock(&rmm->pes[pe].lock);
	rmm->pes[pe].vcpu = NULL;
	pthread_mutex_unlock(&rmm->pes[pe].lock);
	vcpu_set_smc_handler(c.v, NULL, NULL);
	save_rec(c.v, rec);
	exit_common(&c);
	pthread_mutex_unlock(&rd->run.run_lock);
}

void rmm_pe_interrupt(struct rmm *rmm, unsigned pe)
{
	struct rmm_pe *p = &rmm->pes[pe];
	__atomic_store_n(&p->irq, true, __ATOMIC_RELEASE);
	pthread_mutex_lock(&p->lock);
	if (p->vcpu)
		vcpu_kick(p->vcpu);
	pthread_mutex_unlock(&p->lock);
}
