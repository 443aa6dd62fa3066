/* A normal, non-confidential VM, as KVM runs one: the host's own stage 2
 * over NS granules it owns, and vCPUs the host enters directly at NS-EL1
 * (no monitor, no RMM). It exists so that the same image can be compared
 * with its run as a realm; its exits come in the RmiRecRun layout so that
 * the VMM serves both alike.
 *
 * What the host does here that the RMM does for a realm: PSCI (answered in
 * place, with CPU_ON, AFFINITY_INFO, CPU_OFF, SYSTEM_OFF and SYSTEM_RESET
 * also shown to the VMM as PSCI exits), the syndrome of an MMIO access and
 * its completion, the GIC CPU interface, and the guest's own exceptions
 * (src/cpu/trap.c, shared with the RMM). RSI calls get SMCCC's NOT_SUPPORTED:
 * this is not a realm, which is how a guest tells. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/psci.h"
#include "ccakit/abi/smccc.h"
#include "cpu/trap.h"
#include "cpu/vgic.h"
#include "host/host_internal.h"

/* Stage 2: 39-bit IPAs, starting at level 1 (one table), 4 KiB pages. */
#define NVM_S2SZ 39
#define NVM_START_LEVEL 1
#define NVM_VMID 0xfff0
#define S2_TABLE UINT64_C(3)
/* A page: valid, AF, inner shareable, read/write, Normal write-back. */
#define S2_PAGE (UINT64_C(3) | UINT64_C(1) << 10 | UINT64_C(3) << 8 | UINT64_C(3) << 6 | \
		 UINT64_C(0xf) << 2)
#define S2_OA_MASK UINT64_C(0x0000fffffffff000)
#define NVM_SLICE_US 20000

struct nvm_vcpu {
	struct host_nvm *vm;
	unsigned idx;
	struct vcpu *v;
	struct trap_ctx trap;
	struct vgic vgic;
	struct rmi_rec_run run;
	uint64_t mpidr;
	bool on;
	uint32_t pending; /* INTIDs 0..31 waiting for a list register */
	/* What the next entry completes. */
	uint64_t mmio_esr; /* the syndrome of the MMIO access the VMM emulates */
	bool sysreg_read;
	unsigned sysreg_rt;
	bool done; /* the exit record is ready */
};

struct host_nvm {
	struct host *h;
	uint64_t ram_base, ram_size;
	uint64_t root;
	uint64_t *granules; /* every granule it owns: tables and RAM */
	size_t ngranules, granules_cap;
	unsigned ncpus;
	struct nvm_vcpu *cpus;
};

static int own(struct host_nvm *vm, uint64_t *pa)
{
	int rc = host_reserve(vm->h, (void **)&vm->granules, &vm->granules_cap, vm->ngranules + 1,
			      sizeof(*vm->granules));
	if (rc || (rc = host_granule_alloc(vm->h, pa)))
		return rc;
	memset(host_ptr(vm->h, *pa), 0, GRANULE_SIZE);
	vm->granules[vm->ngranules++] = *pa;
	return 0;
}

/* The stage-2 entry for ipa at level 3, tables created on the way. */
static int s2_leaf(struct host_nvm *vm, uint64_t ipa, uint64_t **entry)
{
	uint64_t table = vm->root;
	for (int level = NVM_START_LEVEL; level < 3; level++) {
		uint64_t *t = host_ptr(vm->h, table);
		uint64_t *e = &t[(ipa >> (GRANULE_SHIFT + 9 * (3 - level))) & 511];
		if (!*e) {
			uint64_t next;
			int rc = own(vm, &next);
			if (rc)
				return rc;
			*e = next | S2_TABLE;
		}
		table = *e & S2_OA_MASK;
	}
	*entry = &((uint64_t *)host_ptr(vm->h, table))[(ipa >> GRANULE_SHIFT) & 511];
	return 0;
}

/* The host PA behind a RAM IPA, or 0. */
static uint64_t ram_pa(const struct host_nvm *vm, uint64_t ipa)
{
	if (ipa < vm->ram_base || ipa - vm->ram_base >= vm->ram_size)
		return 0;
	uint64_t table = vm->root;
	for (int level = NVM_START_LEVEL; level <= 3; level++) {
		uint64_t e = ((uint64_t *)host_ptr(vm->h, table))
			[(ipa >> (GRANULE_SHIFT + 9 * (3 - level))) & 511];
		if (!(e & 1))
			return 0;
		table = e & S2_OA_MASK;
	}
	return table | (ipa & GRANULE_MASK);
}

static bool guest_read(void *ctx, uint64_t ipa, void *buf, size_t len)
{
	struct host_nvm *vm = ctx;
	uint64_t pa = ram_pa(vm, ipa);
	if (!pa || (ipa & GRANULE_MASK) + len > GRANULE_SIZE)
		return false;
	memcpy(buf, host_ptr(vm->h, pa), len);
	return true;
}

/* ---- life cycle ---- */

static void reset_vcpu(struct nvm_vcpu *c, uint64_t pc, uint64_t x0)
{
	struct vcpu_regs r = { .pc = pc, .pstate = VCPU_RESET_PSTATE,
			       .sctlr_el1 = VCPU_RESET_SCTLR, .vmpidr = c->mpidr };
	r.x[0] = x0;
	vcpu_load(c->v, &r);
	c->on = true;
}

int host_nvm_create(struct host *h, const struct host_nvm_config *cfg, struct host_nvm **out)
{
	*out = NULL;
	if (!cfg->cpus || cfg->cpus > HOST_NVM_CPUS_MAX || !cfg->ram_size ||
	    (cfg->ram_base | cfg->ram_size) & GRANULE_MASK ||
	    cfg->ram_base + cfg->ram_size > UINT64_C(1) << NVM_S2SZ)
		return host_fail(h, -EINVAL, "a normal VM needs 1 to %d vCPUs and page-aligned RAM "
					     "below 2^%d",
				 HOST_NVM_CPUS_MAX, NVM_S2SZ);
	struct host_nvm *vm = calloc(1, sizeof(*vm));
	if (!vm || !(vm->cpus = calloc(cfg->cpus, sizeof(*vm->cpus)))) {
		free(vm);
		return host_fail(h, -ENOMEM, "out of memory for a normal VM");
	}
	vm->h = h;
	vm->ram_base = cfg->ram_base;
	vm->ram_size = cfg->ram_size;
	vm->ncpus = cfg->cpus;
	*out = vm;

	int rc = own(vm, &vm->root);
	for (uint64_t ipa = vm->ram_base; !rc && ipa < vm->ram_base + vm->ram_size;
	     ipa += GRANULE_SIZE) {
		uint64_t *e, page;
		if (!(rc = s2_leaf(vm, ipa, &e)) && !(rc = own(vm, &page)))
			*e = page | S2_PAGE;
	}
	if (rc)
		return rc;

	struct ccakit_memory_map map;
	ccakit_memory_map(h->m, &map);
	struct vcpu_memory mem = { .dram = ccakit_pa_to_ptr(h->m, map.dram.base),
				   .dram_base = map.dram.base, .dram_size = map.dram.size };
	struct vcpu_stage2 s2 = { .rtt_base = vm->root, .s2sz = NVM_S2SZ,
				  .start_level = NVM_START_LEVEL, .vmid = NVM_VMID };
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct nvm_vcpu *c = &vm->cpus[i];
		c->vm = vm;
		c->idx = i;
		c->mpidr = cfg->mpidrs[i];
		if ((rc = vcpu_create(&mem, &c->v, h->err, sizeof(h->err))))
			return rc;
		vcpu_set_stage2(c->v, &s2);
		c->trap = (struct trap_ctx){ .v = c->v, .read = guest_read, .ctx = vm };
		vgic_reset(&c->vgic, RMI_GIC_MAX_LRS);
	}
	return 0;
}

void host_nvm_destroy(struct host_nvm *vm)
{
	if (!vm)
		return;
	for (unsigned i = 0; i < vm->ncpus; i++)
		vcpu_destroy(vm->cpus[i].v);
	/* (own() zeroes a granule as it takes it, so none is scrubbed twice.) */
	for (size_t i = 0; i < vm->ngranules; i++)
		host_granule_free_keep_error(vm->h, vm->granules[i]);
	free(vm->granules);
	free(vm->cpus);
	free(vm);
}

int host_nvm_write(struct host *h, struct host_nvm *vm, uint64_t ipa, const void *src, size_t len)
{
	const uint8_t *p = src;
	while (len) {
		uint64_t pa = ram_pa(vm, ipa);
		size_t n = GRANULE_SIZE - (ipa & GRANULE_MASK);
		if (n > len)
			n = len;
		if (!pa)
			return host_fail(h, -EINVAL, "IPA 0x%llx is not RAM of the normal VM",
					 (unsigned long long)ipa);
		memcpy(host_ptr(h, pa), p, n);
		p += n;
		ipa += n;
		len -= n;
	}
	return 0;
}

int host_nvm_start(struct host *h, struct host_nvm *vm, unsigned idx, uint64_t pc, uint64_t x0)
{
	if (idx >= vm->ncpus)
		return host_fail(h, -EINVAL, "the normal VM has no vCPU %u", idx);
	reset_vcpu(&vm->cpus[idx], pc, x0);
	return 0;
}

unsigned host_nvm_cpus(const struct host_nvm *vm)
{
	return vm->ncpus;
}

uint64_t host_nvm_mpidr(const struct host_nvm *vm, unsigned idx)
{
	return vm->cpus[idx].mpidr;
}

struct rmi_rec_run *host_nvm_run(struct host_nvm *vm, unsigned idx)
{
	return &vm->cpus[idx].run;
}

void host_nvm_raise(struct host_nvm *vm, unsigned idx, unsigned intid)
{
	if (idx < vm->ncpus && intid < 32)
		vm->cpus[idx].pending |= UINT32_C(1) << intid;
}

bool host_nvm_has_interrupt(const struct host_nvm *vm, unsigned idx)
{
	return host_lrs_pending(vm->cpus[idx].vgic.lrs, vm->cpus[idx].pending);
}

/* ---- exits ---- */

static void exit_sync(struct nvm_vcpu *c, uint64_t esr, uint64_t far, uint64_t hpfar)
{
	c->run.exit.exit_reason = RMI_EXIT_SYNC;
	c->run.exit.esr = esr;
	c->run.exit.far = far;
	c->run.exit.hpfar = hpfar;
	c->done = true;
}

static struct nvm_vcpu *vcpu_by_mpidr(struct host_nvm *vm, uint64_t mpidr)
{
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (vm->cpus[i].mpidr == mpidr)
			return &vm->cpus[i];
	return NULL;
}

/* PSCI 1.1 as a hypervisor gives it; returns the value for X0, and says
 * whether the VMM is to see the call as a PSCI exit. */
static uint64_t psci(struct nvm_vcpu *c, const uint64_t *x, bool *show)
{
	uint32_t fid = (uint32_t)x[0];
	*show = false;
	switch (fid) {
	case PSCI_VERSION:
		return PSCI_VERSION_1_1;
	case PSCI_FEATURES:
		switch ((uint32_t)x[1]) {
		case PSCI_VERSION: case PSCI_FEATURES: case PSCI_CPU_ON: case PSCI_CPU_OFF:
		case PSCI_CPU_SUSPEND: case PSCI_AFFINITY_INFO: case PSCI_SYSTEM_OFF:
		case PSCI_SYSTEM_RESET:
			return PSCI_SUCCESS;
		default:
			return (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		}
	case PSCI_CPU_ON: {
		struct nvm_vcpu *t = vcpu_by_mpidr(c->vm, x[1]);
		if (!t)
			return (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS;
		if (t->on)
			return (uint64_t)(int64_t)PSCI_ALREADY_ON;
		reset_vcpu(t, x[2], x[3]);
		*show = true;
		return PSCI_SUCCESS;
	}
	case PSCI_AFFINITY_INFO: {
		struct nvm_vcpu *t = vcpu_by_mpidr(c->vm, x[1]);
		if (!t || x[2])
			return (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS;
		*show = true;
		return t->on ? 0 : 1; /* ON, OFF */
	}
	case PSCI_CPU_OFF:
		c->on = false;
		*show = true;
		return PSCI_SUCCESS;
	case PSCI_CPU_SUSPEND:
		return PSCI_SUCCESS; /* a standby state: returns at once */
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		*show = true;
		return PSCI_SUCCESS;
	default:
		return (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
	}
}

static bool on_smc(void *ctx, struct vcpu *v)
{
	struct nvm_vcpu *c = ctx;
	uint64_t x[4];
	bool show = false;
	vcpu_get_xs(v, 4, x);
	uint64_t ret = SMC_UNKNOWN; /* RSI, and anything else: not a realm */
	if (smccc_fid(x[0]) == SMCCC_VERSION_FID)
		ret = SMCCC_VERSION_1_2;
	else if (psci_is_call(x[0]))
		ret = psci(c, x, &show);
	vcpu_set_x(v, 0, ret);
	if (!show)
		return true;
	c->run.exit.exit_reason = RMI_EXIT_PSCI;
	for (unsigned i = 0; i < 4; i++)
		c->run.exit.gprs[i] = x[i];
	c->done = true;
	return false;
}

/* A stage-2 fault: the VM has no RAM there, so it is MMIO. */
static void data_abort(struct nvm_vcpu *c, uint64_t ipa)
{
	struct ldst l = { 0 };
	uint64_t esr = ESR_EC_DABT_LOW << ESR_EC_SHIFT | ESR_IL | FSC_TRANSLATION(3);
	if (trap_decode_access(&c->trap, &l) && l.isv)
		esr |= ldst_iss(&l, 0) & ~ESR_FSC_MASK;
	c->mmio_esr = esr;
	exit_sync(c, esr, l.va, trap_hpfar(ipa));
	if ((esr & ESR_ISV) && l.write)
		c->run.exit.gprs[0] = trap_mmio_write_value(c->v, &l);
}

static void sysreg_trap(struct nvm_vcpu *c, uint32_t insn)
{
	struct sysreg_access a;
	uint64_t value;
	if (!trap_gic_sysreg(c->v, &c->vgic, insn, &a, &value))
		return;
	c->sysreg_read = a.read;
	c->sysreg_rt = a.read ? a.rt : 31;
	exit_sync(c, ESR_EC_SYSREG << ESR_EC_SHIFT | ESR_IL | sysreg_iss(&a), 0, 0);
	c->run.exit.gprs[0] = value;
}

static void exception(struct nvm_vcpu *c, unsigned intno)
{
	struct trap t;
	trap_guest_exception(&c->trap, intno, &t);
	switch (t.kind) {
	case TRAP_INJECTED:
		return;
	case TRAP_WFX:
		/* Always trapped (HCR_EL2.TWI): the VMM sleeps the vCPU. */
		vcpu_set_pc(c->v, vcpu_get_pc(c->v) + INSN_SIZE);
		exit_sync(c, ESR_EC_WFX << ESR_EC_SHIFT | ESR_IL | (t.is_wfe ? ESR_WFX_TI_WFE : 0), 0,
			  0);
		return;
	case TRAP_SYSREG:
		sysreg_trap(c, t.insn);
		return;
	case TRAP_S1_WALK:
		/* The guest's tables outside its RAM: nothing to emulate. */
		trap_inject_sea(c->v, false, 0);
		return;
	}
}

/* ---- entry ---- */

static void complete_entry(struct nvm_vcpu *c)
{
	const struct rmi_rec_enter *in = &c->run.enter;
	if (in->flags & REC_ENTRY_FLAG_EMUL_MMIO) {
		/* A write's syndrome has WnR: nothing to write back. */
		trap_complete_mmio(c->v, c->mmio_esr, in->gprs[0]);
	} else if (in->flags & REC_ENTRY_FLAG_INJECT_SEA) {
		trap_inject_sea(c->v, false, c->run.exit.far);
	}
	if (c->sysreg_rt != 31 && c->sysreg_read)
		vcpu_set_x(c->v, c->sysreg_rt, in->gprs[0]);
	c->mmio_esr = 0;
	c->sysreg_read = false;
	c->sysreg_rt = 31;
}

int host_nvm_enter(struct host *h, struct host_nvm *vm, unsigned idx)
{
	if (idx >= vm->ncpus || !vm->cpus[idx].on)
		return host_fail(h, -EINVAL, "vCPU %u of the normal VM is not on", idx);
	struct nvm_vcpu *c = &vm->cpus[idx];
	if ((c->run.enter.flags & REC_ENTRY_FLAG_EMUL_MMIO) && !(c->mmio_esr & ESR_ISV))
		return host_fail(h, -EINVAL, "EMUL_MMIO for vCPU %u, whose last exit was no MMIO "
					     "access with a syndrome", idx);
	complete_entry(c);
	memset(&c->run.exit, 0, sizeof(c->run.exit));
	host_lrs_fill(c->vgic.lrs, c->vgic.nlrs, &c->pending);
	c->vgic.hcr |= ICH_HCR_EN;
	vcpu_set_smc_handler(c->v, on_smc, c);
	c->done = false;
	uint64_t slice_end = vcpu_counter_now() + NVM_SLICE_US * (VCPU_CNTFRQ / 1000000);
	while (!c->done) {
		if (vcpu_counter_now() >= slice_end) {
			c->run.exit.exit_reason = RMI_EXIT_IRQ;
			break;
		}
		vcpu_set_virq(c->v, vgic_irq_pending(&c->vgic), vgic_fiq_pending(&c->vgic));
		struct vcpu_exit e;
		vcpu_run(c->v, NVM_SLICE_US, &e);
		switch (e.reason) {
		case VCPU_EXIT_SMC:
		case VCPU_EXIT_KICKED:
			break; /* a PSCI exit is ready, or the loop head ends the slice */
		case VCPU_EXIT_HVC:
			vcpu_set_pc(c->v, vcpu_get_pc(c->v) - INSN_SIZE);
			trap_inject_undef(c->v); /* the device tree says SMC */
			break;
		case VCPU_EXIT_DATA_ABORT:
			data_abort(c, e.hpfar << HPFAR_FIPA_SHIFT);
			break;
		case VCPU_EXIT_INSN_ABORT:
			exit_sync(c, ESR_EC_IABT_LOW << ESR_EC_SHIFT | ESR_IL | FSC_TRANSLATION(3), 0,
				  e.hpfar);
			break;
		case VCPU_EXIT_EXCEPTION:
			exception(c, e.intno);
			break;
		case VCPU_EXIT_NS_ABORT:
		case VCPU_EXIT_ERROR:
			vcpu_set_smc_handler(c->v, NULL, NULL);
			return host_fail(h, -EFAULT, "vCPU %u of the normal VM failed: %s", idx,
					 e.reason == VCPU_EXIT_ERROR ? e.error : "an alias access");
		}
	}
	vcpu_set_smc_handler(c->v, NULL, NULL);
	/* What the VMM sees on every exit, as for a REC. */
	struct rmi_rec_exit *x = &c->run.exit;
	trap_exit_timers(c->v, x);
	memcpy(x->gicv3_lrs, c->vgic.lrs, sizeof(x->gicv3_lrs));
	c->run.enter.flags = 0;
	memset(c->run.enter.gprs, 0, sizeof(c->run.enter.gprs));
	return 0;
}
