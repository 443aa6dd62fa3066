/* `ccakit run`: the VMM's main loop. Builds the realm from the image (plan.c,
 * host_realm_build), or with --normal the same image as a normal VM
 * (host_nvm_*, whose exits have a REC's layout), then runs its vCPUs in turn
 * and serves every exit:
 * MMIO on the device bus, host calls, PSCI, RIPAS changes, WFI (sleeping on
 * the virtual timer), SGIs between vCPUs, and the shared pages a realm
 * reaches through its unprotected alias. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccakit/abi/psci.h"
#include "ccakit/abi/rsi.h"
#include "ccakit/abi/smccc.h"
#include "ccakit/guest.h"
#include "cpu/vcpu.h"
#include "host/host.h"
#include "vmm/elf.h"
#include "vmm/mmio.h"
#include "vmm/pl011.h"
#include "vmm/plan.h"
#include "vmm/run.h"

/* DRAM beyond guest RAM: RTTs, RECs and their aux granules, run pages, the
 * Secure and Root regions. */
#define MACHINE_OVERHEAD (UINT64_C(48) << 20)
#define PPI_VTIMER 27
/* The longest a vCPU keeps the CPU while others are runnable (10 ms). */
#define QUANTUM (VCPU_CNTFRQ / 100)

/* ESR fields of the exits served here. */
#define ESR_EC(esr) ((unsigned)((esr) >> 26) & 0x3f)
#define EC_WFX 0x01
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24
#define ESR_ISV (UINT64_C(1) << 24)
#define ESR_SAS(esr) ((unsigned)((esr) >> 22) & 3)
#define ESR_WNR (UINT64_C(1) << 6)
#define ESR_WFX_TI_WFE 1u
/* ISS of a trapped MSR ICC_SGI1R_EL1 (op0 3, op1 0, CRn 12, CRm 11, op2 5,
 * write), Rt masked out. */
#define ISS_SYSREG_MASK UINT64_C(0x3ffc1f)
#define ISS_ICC_SGI1R (UINT64_C(3) << 20 | UINT64_C(5) << 17 | UINT64_C(12) << 10 | UINT64_C(11) << 1)
#define CNT_CTL_ENABLE 1u
#define CNT_CTL_IMASK 2u
#define CNT_CTL_ISTATUS 4u

enum vcpu_state { VCPU_OFF, VCPU_ON, VCPU_WAITING };

struct vm {
	const struct vmm_options *o;
	FILE *trace;
	struct host *h;
	struct host_realm *r; /* a realm, or */
	struct host_nvm *n;   /* a normal VM (--normal) */
	struct vmm_mmio_bus bus;
	struct vmm_pl011 uart;
	struct vmm_testdev testdev;
	struct vmm_exit_reg exit_reg;
	enum vcpu_state state[VMM_CPUS_MAX];
	uint64_t wake_at[VMM_CPUS_MAX]; /* counter value its timer fires at (0: none) */
	struct vmm_run_result *res;
	struct vmm_attest attest;
	bool over;
	char *err;
	size_t errlen;
};

static int fail(struct vm *vm, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct vm *vm, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vm->err, vm->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *exit_reason_name(uint64_t reason)
{
	static const char *const names[] = { "SYNC", "IRQ", "FIQ", "PSCI", "RIPAS_CHANGE",
					     "HOST_CALL", "SERROR" };
	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "?";
}

/* RSI calls, as the machine's debug tracer reports them: the name, the
 * argument registers the call uses, and the status with its results. */
static const struct rsi_call {
	uint32_t fid;
	const char *name;
	unsigned nargs, nret; /* X1.. in, X1.. out on success */
} rsi_calls[] = {
	{ RSI_VERSION, "RSI_VERSION", 1, 2 },
	{ RSI_FEATURES, "RSI_FEATURES", 1, 1 },
	{ RSI_MEASUREMENT_READ, "RSI_MEASUREMENT_READ", 1, 8 },
	{ RSI_MEASUREMENT_EXTEND, "RSI_MEASUREMENT_EXTEND", 10, 0 },
	{ RSI_ATTESTATION_TOKEN_INIT, "RSI_ATTESTATION_TOKEN_INIT", 8, 1 },
	{ RSI_ATTESTATION_TOKEN_CONTINUE, "RSI_ATTESTATION_TOKEN_CONTINUE", 3, 1 },
	{ RSI_REALM_CONFIG, "RSI_REALM_CONFIG", 1, 0 },
	{ RSI_IPA_STATE_SET, "RSI_IPA_STATE_SET", 4, 2 },
	{ RSI_IPA_STATE_GET, "RSI_IPA_STATE_GET", 2, 2 },
	{ RSI_HOST_CALL, "RSI_HOST_CALL", 1, 0 },
};

static const char *rsi_status_name(uint64_t st)
{
	static const char *const names[] = { "RSI_SUCCESS", "RSI_ERROR_INPUT", "RSI_ERROR_STATE",
					     "RSI_INCOMPLETE", "RSI_ERROR_UNKNOWN" };
	if (st == SMC_UNKNOWN)
		return "SMC_UNKNOWN";
	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

static void trace_rsi(void *ctx, const struct ccakit_rsi_event *ev)
{
	struct vm *vm = ctx;
	const struct rsi_call *call = NULL;
	for (size_t i = 0; i < sizeof(rsi_calls) / sizeof(rsi_calls[0]); i++)
		if (rsi_calls[i].fid == smccc_fid(ev->args[0]))
			call = &rsi_calls[i];
	unsigned idx = 0; /* the REC's index, as REC_EXIT lines give it */
	for (unsigned i = 0; vm->r && i < vm->r->nrecs; i++)
		if (vm->r->recs[i].pa == ev->rec)
			idx = i;
	if (call)
		fprintf(vm->trace, "RSI       rec=%u %s(", idx, call->name);
	else
		fprintf(vm->trace, "RSI       rec=%u 0x%llx(", idx, (unsigned long long)ev->args[0]);
	unsigned nargs = call ? call->nargs : 0;
	for (unsigned i = 1; i <= nargs; i++)
		fprintf(vm->trace, "%s0x%llx", i > 1 ? ", " : "", (unsigned long long)ev->args[i]);
	if (ev->to_host) {
		fprintf(vm->trace, ") -> the host (REC exit)\n");
		return;
	}
	fprintf(vm->trace, ") = %s", rsi_status_name(ev->ret[0]));
	/* CONTINUE's RSI_INCOMPLETE carries X1 (bytes written) too. */
	if (call && (ev->ret[0] == RSI_SUCCESS || ev->ret[0] == RSI_INCOMPLETE) && call->nret) {
		fputs(" (", vm->trace);
		for (unsigned i = 1; i <= call->nret; i++)
			fprintf(vm->trace, "%s0x%llx", i > 1 ? ", " : "",
				(unsigned long long)ev->ret[i]);
		fputc(')', vm->trace);
	}
	fputc('\n', vm->trace);
}

static void trace_exit(struct vm *vm, unsigned idx, const struct rmi_rec_exit *e)
{
	if (!vm->o->trace)
		return;
	fprintf(vm->trace, "REC_EXIT  rec=%u reason=%s", idx, exit_reason_name(e->exit_reason));
	switch (e->exit_reason) {
	case RMI_EXIT_SYNC:
		fprintf(vm->trace, " esr=0x%llx far=0x%llx hpfar=0x%llx",
			(unsigned long long)e->esr, (unsigned long long)e->far,
			(unsigned long long)e->hpfar);
		break;
	case RMI_EXIT_PSCI:
		fprintf(vm->trace, " fid=0x%llx target=0x%llx", (unsigned long long)e->gprs[0],
			(unsigned long long)e->gprs[1]);
		break;
	case RMI_EXIT_RIPAS_CHANGE:
		fprintf(vm->trace, " base=0x%llx top=0x%llx ripas=%u",
			(unsigned long long)e->ripas_base, (unsigned long long)e->ripas_top,
			e->ripas_value);
		break;
	case RMI_EXIT_HOST_CALL:
		fprintf(vm->trace, " imm=0x%x gprs[0]=0x%llx", e->imm,
			(unsigned long long)e->gprs[0]);
		break;
	default:
		break;
	}
	fputc('\n', vm->trace);
}

/* ---- a realm or a normal VM: what the loop needs of either ---- */

static unsigned ncpus(const struct vm *vm)
{
	return vm->n ? host_nvm_cpus(vm->n) : (unsigned)vm->r->nrecs;
}

static uint64_t mpidr_of(const struct vm *vm, unsigned i)
{
	return vm->n ? host_nvm_mpidr(vm->n, i) : vm->r->recs[i].mpidr;
}

static struct rmi_rec_run *run_page(struct vm *vm, unsigned i)
{
	return vm->n ? host_nvm_run(vm->n, i) : host_rec_run(vm->h, vm->r, i);
}

static int enter(struct vm *vm, unsigned i)
{
	return vm->n ? host_nvm_enter(vm->h, vm->n, i) : host_rec_enter(vm->h, vm->r, i);
}

static void raise_irq(struct vm *vm, unsigned i, unsigned intid)
{
	if (vm->n)
		host_nvm_raise(vm->n, i, intid);
	else
		host_rec_raise(vm->r, i, intid);
}

static bool has_interrupt(const struct vm *vm, unsigned i)
{
	return vm->n ? host_nvm_has_interrupt(vm->n, i) : host_rec_has_interrupt(vm->r, i);
}

/* Where device addresses start: the unprotected half of a realm's IPA
 * space; a normal VM's devices are at their plain IPA. */
static uint64_t par_end(const struct vm *vm)
{
	return vm->n ? 0 : UINT64_C(1) << (vm->r->s2sz - 1);
}

/* ---- exits ---- */

static int data_abort(struct vm *vm, unsigned idx, struct rmi_rec_run *run)
{
	const struct rmi_rec_exit *e = &run->exit;
	uint64_t ipa = (e->hpfar << 8 & ~(uint64_t)GRANULE_MASK) | (e->far & GRANULE_MASK);
	/* RAM the realm touches for the first time: a DATA granule of unknown
	 * (zero) contents, as KVM populates a realm lazily. */
	if (!vm->n && ipa >= VMM_RAM_BASE && ipa - VMM_RAM_BASE < vm->o->mem_size) {
		if (host_data_create_unknown(vm->h, vm->r, ipa & ~(uint64_t)GRANULE_MASK,
					     GRANULE_SIZE))
			return fail(vm, -EFAULT, "vCPU %u: cannot give the realm RAM at IPA 0x%llx: %s",
				    idx, (unsigned long long)ipa, host_error(vm->h));
		return 0;
	}
	if (vm->n && ipa >= VMM_RAM_BASE && ipa - VMM_RAM_BASE < vm->o->mem_size)
		return fail(vm, -EFAULT, "vCPU %u: abort at RAM IPA 0x%llx, which is mapped",
			    idx, (unsigned long long)ipa);
	if (ipa < par_end(vm))
		return fail(vm, -EFAULT,
			    "vCPU %u: data abort at protected IPA 0x%llx (ESR 0x%llx): the realm "
			    "touched RAM it does not have",
			    idx, (unsigned long long)ipa, (unsigned long long)e->esr);
	uint64_t addr = ipa - par_end(vm);
	/* The unprotected alias of RAM: memory the realm shares with the
	 * host. Map a page there; the access is made again. */
	if (!vm->n && addr >= VMM_RAM_BASE && addr - VMM_RAM_BASE < vm->o->mem_size) {
		uint64_t pa;
		if (host_shared_pa(vm->r, ipa))
			return fail(vm, -EFAULT, "vCPU %u: abort at shared page 0x%llx, mapped",
				    idx, (unsigned long long)ipa);
		if (host_share_page(vm->h, vm->r, ipa, &pa))
			return fail(vm, -ENOMEM, "%s", host_error(vm->h));
		return 0;
	}
	if (!(e->esr & ESR_ISV))
		return fail(vm, -EFAULT,
			    "vCPU %u: an access to device address 0x%llx the VMM cannot emulate "
			    "(ESR 0x%llx: no instruction syndrome)",
			    idx, (unsigned long long)addr, (unsigned long long)e->esr);
	unsigned size = 1u << ESR_SAS(e->esr);
	bool ok;
	vm->res->mmio++;
	if (e->esr & ESR_WNR) {
		ok = vmm_mmio_write(&vm->bus, addr, size, e->gprs[0]);
		if (ok)
			run->enter.flags = REC_ENTRY_FLAG_EMUL_MMIO;
	} else {
		uint64_t value = 0;
		ok = vmm_mmio_read(&vm->bus, addr, size, &value);
		if (ok) {
			run->enter.flags = REC_ENTRY_FLAG_EMUL_MMIO;
			run->enter.gprs[0] = value;
		}
	}
	/* Nothing at that address: a synchronous external abort, as a bus
	 * error would give. */
	if (!ok)
		run->enter.flags = REC_ENTRY_FLAG_INJECT_SEA;
	if (vm->exit_reg.exited) {
		vm->res->status_reported = true;
		vm->res->status = vm->exit_reg.status;
	}
	return 0;
}

/* ICC_SGI1R_EL1: TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2
 * [39:32], IRM [40], Aff3 [55:48]. */
static void send_sgi(struct vm *vm, unsigned from, uint64_t v)
{
	unsigned intid = (unsigned)(v >> 24) & 0xf;
	for (unsigned i = 0; i < ncpus(vm); i++) {
		uint64_t mpidr = mpidr_of(vm, i);
		bool hit;
		if (v & (UINT64_C(1) << 40))
			hit = i != from;
		else
			hit = ((mpidr >> 8) & 0xff) == ((v >> 16) & 0xff) &&
			      ((mpidr >> 16) & 0xff) == ((v >> 32) & 0xff) &&
			      ((mpidr >> 24) & 0xff) == ((v >> 48) & 0xff) &&
			      (mpidr & 0xf) < 16 && (v >> (mpidr & 0xf) & 1);
		if (hit)
			raise_irq(vm, i, intid);
	}
}

static int sync_exit(struct vm *vm, unsigned idx, struct rmi_rec_run *run)
{
	const struct rmi_rec_exit *e = &run->exit;
	switch (ESR_EC(e->esr)) {
	case EC_DABT_LOW:
		return data_abort(vm, idx, run);
	case EC_WFX:
		if (!(e->esr & ESR_WFX_TI_WFE))
			vm->state[idx] = VCPU_WAITING;
		return 0;
	case EC_SYSREG:
		if ((e->esr & ISS_SYSREG_MASK) == ISS_ICC_SGI1R) {
			send_sgi(vm, idx, e->gprs[0]);
			return 0;
		}
		return fail(vm, -EFAULT, "vCPU %u: a system register access the VMM does not "
				      "emulate (ESR 0x%llx)",
			    idx, (unsigned long long)e->esr);
	case EC_IABT_LOW:
		return fail(vm, -EFAULT,
			    "vCPU %u: instruction fetch from IPA 0x%llx, where the realm has no "
			    "memory (ESR 0x%llx)",
			    idx, (unsigned long long)(e->hpfar << 8), (unsigned long long)e->esr);
	default:
		return fail(vm, -EFAULT, "vCPU %u: REC exit the VMM does not know (ESR 0x%llx)",
			    idx, (unsigned long long)e->esr);
	}
}

static int host_call(struct vm *vm, unsigned idx, struct rmi_rec_run *run)
{
	const struct rmi_rec_exit *e = &run->exit;
	vm->res->host_calls++;
	switch (e->imm) {
	case GUEST_HOST_CALL_EXIT:
		vm->res->status_reported = true;
		vm->res->status = (uint32_t)e->gprs[0];
		return 0;
	case GUEST_HOST_CALL_SHARED_MESSAGE: {
		uint64_t pa = host_shared_pa(vm->r, e->gprs[0]);
		uint64_t len = e->gprs[1];
		if (!pa || (e->gprs[0] & GRANULE_MASK) || len > GUEST_SHARED_REPLY_OFFSET)
			return fail(vm, -EINVAL,
				    "vCPU %u: host call 0x%x names no shared page the host mapped "
				    "(IPA 0x%llx, %llu bytes)",
				    idx, e->imm, (unsigned long long)e->gprs[0],
				    (unsigned long long)len);
		char *page = ccakit_pa_to_ptr(host_machine(vm->h), pa);
		char message[GUEST_SHARED_REPLY_OFFSET + 1];
		memcpy(message, page, len);
		message[len] = '\0';
		int n = snprintf(page + GUEST_SHARED_REPLY_OFFSET, GUEST_SHARED_REPLY_MAX + 1,
				 "got your %llu bytes: \"%s\"", (unsigned long long)len, message);
		run->enter.gprs[0] = (uint64_t)(n > GUEST_SHARED_REPLY_MAX ? GUEST_SHARED_REPLY_MAX : n);
		return 0;
	}
	case GUEST_HOST_CALL_CHALLENGE:
		return vmm_attest_challenge(&vm->attest, run->enter.gprs, vm->err, vm->errlen);
	case GUEST_HOST_CALL_TOKEN_PART:
		return vmm_attest_token_part(&vm->attest, e->gprs, &run->enter.gprs[0], vm->err,
					     vm->errlen);
	default:
		/* An unknown call is answered with nothing, as KVM does. */
		return 0;
	}
}

static int psci_exit(struct vm *vm, unsigned idx, struct rmi_rec_run *run)
{
	enum host_psci_event ev = HOST_PSCI_NONE;
	uint64_t gprs[2] = { run->exit.gprs[0], run->exit.gprs[1] };
	uint32_t fid = smccc_fid(gprs[0]);
	if (!vm->n) {
		if (host_psci_exit(vm->h, vm->r, vm->r->recs[idx].pa, gprs, &ev))
			return fail(vm, -EPROTO, "%s", host_error(vm->h));
	} else if (fid == PSCI_CPU_OFF) {
		ev = HOST_PSCI_CPU_OFF; /* the host answered; the VMM schedules */
	} else if (fid == PSCI_SYSTEM_OFF) {
		ev = HOST_PSCI_SYSTEM_OFF;
	} else if (fid == PSCI_SYSTEM_RESET) {
		ev = HOST_PSCI_SYSTEM_RESET;
	}
	if (fid == PSCI_CPU_ON || fid == PSCI_CPU_ON_AARCH32) {
		for (unsigned i = 0; i < ncpus(vm); i++)
			if (mpidr_of(vm, i) == gprs[1] && vm->state[i] == VCPU_OFF)
				vm->state[i] = VCPU_ON;
	}
	switch (ev) {
	case HOST_PSCI_CPU_OFF:
		vm->state[idx] = VCPU_OFF;
		break;
	case HOST_PSCI_SYSTEM_RESET:
		vm->res->reset = true;
		vm->over = true;
		break;
	case HOST_PSCI_SYSTEM_OFF:
		vm->over = true;
		break;
	case HOST_PSCI_NONE:
		break;
	}
	return 0;
}

/* The virtual timer, level-triggered: while its condition holds and it is
 * not masked, PPI 27 is owed to the vCPU; a vCPU waiting with it armed
 * wakes at its compare value. */
static void timer_after_exit(struct vm *vm, unsigned idx, const struct rmi_rec_exit *e)
{
	unsigned ctl = (unsigned)e->cntv_ctl;
	vm->wake_at[idx] = 0;
	if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
		return;
	if (ctl & CNT_CTL_ISTATUS)
		raise_irq(vm, idx, PPI_VTIMER);
	else
		vm->wake_at[idx] = e->cntv_cval ? e->cntv_cval : 1;
}

static int serve_exit(struct vm *vm, unsigned idx, struct rmi_rec_run *run)
{
	const struct rmi_rec_exit *e = &run->exit;
	vm->res->exits[e->exit_reason & 7]++;
	trace_exit(vm, idx, e);
	timer_after_exit(vm, idx, e);
	switch (e->exit_reason) {
	case RMI_EXIT_SYNC:
		return sync_exit(vm, idx, run);
	case RMI_EXIT_IRQ:
	case RMI_EXIT_FIQ:
		return 0; /* preempted: its turn is over */
	case RMI_EXIT_PSCI:
		return psci_exit(vm, idx, run);
	case RMI_EXIT_RIPAS_CHANGE: {
		uint64_t done;
		if (host_ripas_change(vm->h, vm->r, vm->r->recs[idx].pa, e->ripas_base,
				      e->ripas_top, &done))
			return fail(vm, -EPROTO, "%s", host_error(vm->h));
		return 0; /* accepted: RIPAS_RESPONSE clear */
	}
	case RMI_EXIT_HOST_CALL:
		return host_call(vm, idx, run);
	default:
		return fail(vm, -EFAULT, "vCPU %u: REC exit reason %llu (%s) stops the realm", idx,
			    (unsigned long long)e->exit_reason, exit_reason_name(e->exit_reason));
	}
}

/* ---- scheduling ---- */

static bool runnable(struct vm *vm, unsigned i)
{
	if (vm->state[i] == VCPU_WAITING) {
		bool timer = vm->wake_at[i] && vcpu_counter_now() >= vm->wake_at[i];
		if (timer)
			raise_irq(vm, i, PPI_VTIMER);
		if (timer || has_interrupt(vm, i))
			vm->state[i] = VCPU_ON;
	}
	return vm->state[i] == VCPU_ON;
}

/* Every vCPU waits: sleeps until the first timer, or gives up. */
static int idle(struct vm *vm)
{
	uint64_t first = 0;
	for (unsigned i = 0; i < ncpus(vm); i++)
		if (vm->state[i] == VCPU_WAITING && vm->wake_at[i] &&
		    (!first || vm->wake_at[i] < first))
			first = vm->wake_at[i];
	if (!first) {
		bool any = false;
		for (unsigned i = 0; i < ncpus(vm); i++)
			any |= vm->state[i] != VCPU_OFF;
		if (!any)
			return fail(vm, -EDEADLK, "every vCPU is off, and the realm never asked for "
						  "SYSTEM_OFF");
		return fail(vm, -EDEADLK, "every vCPU waits for an interrupt, and no timer is "
					  "armed to send one");
	}
	uint64_t now = vcpu_counter_now();
	if (first > now) {
		uint64_t ns = (first - now) * (1000000000u / VCPU_CNTFRQ);
		struct timespec t = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
		nanosleep(&t, NULL);
	}
	return 0;
}

static int run_loop(struct vm *vm)
{
	unsigned next = 0, last = VMM_CPUS_MAX;
	uint64_t since = 0;
	vm->state[0] = VCPU_ON;
	while (!vm->over) {
		unsigned n = ncpus(vm), idx = n;
		for (unsigned k = 0; k < n; k++)
			if (runnable(vm, (next + k) % n)) {
				idx = (next + k) % n;
				break;
			}
		if (idx == n) {
			int rc = idle(vm);
			if (rc)
				return rc;
			continue;
		}
		struct rmi_rec_run *run = run_page(vm, idx);
		if (!run)
			return fail(vm, -ENOMEM, "%s", host_error(vm->h));
		/* Trap WFI: a waiting vCPU yields to the others. */
		run->enter.flags |= REC_ENTRY_FLAG_TRAP_WFI;
		vm->res->entries++;
		if (enter(vm, idx))
			return fail(vm, -EPROTO, "%s", host_error(vm->h));
		int rc = serve_exit(vm, idx, run);
		if (rc)
			return rc;
		/* A vCPU keeps the CPU until it waits, stops, is preempted (an
		 * IRQ exit), makes a PSCI call (it may be waiting for another
		 * vCPU) or has had it for a quantum; then the next one in turn
		 * gets it. */
		uint64_t now = vcpu_counter_now();
		if (idx != last) {
			last = idx;
			since = now;
		}
		bool yield = run->exit.exit_reason == RMI_EXIT_IRQ ||
			     run->exit.exit_reason == RMI_EXIT_PSCI || now - since > QUANTUM;
		next = yield ? (idx + 1) % n : idx;
		if (yield)
			last = n;
	}
	return 0;
}

/* ---- set-up ---- */

/* The realm's plan as a normal VM: the same RAM, image, device tree, entry
 * point and vCPUs (MPIDRs as the realm's RECs get them). */
static int build_normal(struct vm *vm, const struct vmm_plan *plan)
{
	const struct host_realm_layout *l = &plan->layout;
	uint64_t mpidrs[VMM_CPUS_MAX];
	for (unsigned i = 0; i < l->nrecs; i++)
		mpidrs[i] = rmi_rec_index_to_mpidr(i);
	struct host_nvm_config nc = { .ram_base = l->ram.ipa, .ram_size = l->ram.len,
				      .cpus = l->nrecs, .mpidrs = mpidrs };
	int rc = host_nvm_create(vm->h, &nc, &vm->n);
	for (size_t i = 0; rc == 0 && i < l->nimages; i++)
		rc = host_nvm_write(vm->h, vm->n, l->images[i].ipa, l->images[i].data,
				    l->images[i].len);
	if (rc == 0)
		rc = host_nvm_start(vm->h, vm->n, 0, l->pc, l->gprs[0]);
	return rc ? fail(vm, rc, "%s", host_error(vm->h)) : 0;
}

static int build(struct vm *vm, struct vmm_elf_image *img, struct vmm_plan *plan)
{
	const struct vmm_options *o = vm->o;
	int rc = vmm_plan_load(o, img, plan, vm->err, vm->errlen);
	if (rc)
		return rc;

	struct host_config hc = {
		.machine = { .dram_size = (o->mem_size + (uint64_t)o->cpus * (20 * GRANULE_SIZE) +
					   MACHINE_OVERHEAD + (UINT64_C(2) << 20) - 1) &
					  ~((UINT64_C(2) << 20) - 1),
			     .pe_count = 1 },
		.trace = o->trace ? vm->trace : NULL,
	};
	if (o->trace) {
		hc.machine.rsi_trace = trace_rsi;
		hc.machine.rsi_trace_ctx = vm;
	}
	hc.machine.cpak_path = o->cpak;
	hc.machine.cpak_create = true;
	hc.machine.token_cmw = o->token_cmw;
	if ((rc = host_create(&hc, &vm->h, vm->err, vm->errlen)))
		return rc;
	if (ccakit_machine_cpak_created(host_machine(vm->h)))
		fprintf(vm->trace, "ccakit: created a development CPAK (platform attestation key) "
				   "in %s\n", o->cpak);
	if (o->mode == VMM_MODE_NORMAL)
		return build_normal(vm, plan);
	if ((rc = host_realm_build(vm->h, &plan->layout, &vm->r)) ||
	    (rc = host_realm_activate(vm->h, vm->r)))
		return fail(vm, rc, "%s", host_error(vm->h));
	return 0;
}

static int attach_devices(struct vm *vm, const struct vmm_io *io)
{
	vmm_mmio_init(&vm->bus);
	vmm_pl011_init(&vm->uart, io->console);
	if (io->capture && vmm_pl011_capture(&vm->uart, io->capture))
		return fail(vm, -ENOMEM, "out of memory for the console capture");
	if (vmm_pl011_attach(&vm->bus, &vm->uart, GUEST_UART_BASE) ||
	    vmm_testdev_attach(&vm->bus, &vm->testdev) ||
	    vmm_exit_reg_attach(&vm->bus, &vm->exit_reg))
		return fail(vm, -EINVAL, "cannot place the devices on the MMIO bus");
	return 0;
}

int vmm_run(const struct vmm_options *o, const struct vmm_io *io, struct vmm_run_result *res,
	    char *err, size_t errlen)
{
	struct vm vm = { .o = o, .trace = io->trace ? io->trace : stderr, .res = res, .err = err,
			 .errlen = errlen };
	struct vmm_elf_image img = { 0 };
	struct vmm_plan plan = { 0 };
	memset(res, 0, sizeof(*res));
	res->status = GUEST_EXIT_FAILURE;
	vmm_attest_init(&vm.attest, io->attest, vm.trace);
	int rc = attach_devices(&vm, io);
	if (rc == 0)
		rc = build(&vm, &img, &plan);
	if (rc == 0)
		rc = run_loop(&vm);
	if (rc == 0)
		rc = vmm_attest_finish(&vm.attest, err, errlen);

	vmm_pl011_flush(&vm.uart);
	if (io->capture) {
		size_t len;
		const char *text = vmm_pl011_captured(&vm.uart, &len);
		res->console = malloc(len + 1);
		if (res->console) {
			memcpy(res->console, text, len + 1);
			res->console_len = len;
		}
	}
	if (vm.r && host_realm_destroy(vm.h, vm.r) && rc == 0)
		rc = fail(&vm, -EPROTO, "tearing the realm down: %s", host_error(vm.h));
	host_nvm_destroy(vm.n);
	host_destroy(vm.h);
	vmm_pl011_destroy(&vm.uart);
	vmm_plan_free(&plan);
	vmm_elf_unload(&img);
	vmm_attest_destroy(&vm.attest);
	return rc;
}

void vmm_run_result_free(struct vmm_run_result *res)
{
	free(res->console);
	res->console = NULL;
}
