/* faults: touches protected IPAs whose RIPAS is EMPTY and takes the
 * synchronous external abort the RMM injects for them, in its own handler,
 * which prints what it got and skips the faulting load:
 *   1. the first page above RAM (never given RIPAS RAM; skipped when the
 *      device tree has no /memory or that page is not a protected IPA);
 *   2. a page of its own it has made EMPTY with RSI_IPA_STATE_SET (and gives
 *      back as RAM afterwards).
 * Exits 0 if every touch took the abort, 1 if one did not (or a call failed),
 * GUEST_EXIT_SKIPPED (77) outside a realm; an abort of any other kind is
 * reported by the SDK (GUEST_EXIT_EXCEPTION, 236). */
#include "guest/sdk.h"

static uint8_t page[RSI_GRANULE_SIZE] __attribute__((aligned(RSI_GRANULE_SIZE)));

static struct exception_record caught;

/* A synchronous external abort on a data access: record it and resume after
 * the load. Anything else is not ours to take. */
static bool on_sync(struct exception_frame *f)
{
	unsigned ec = esr_class(f->esr);
	if ((ec != ESR_EC_DABT_CUR && ec != ESR_EC_DABT_LOWER) ||
	    esr_fault_status(f->esr) != ESR_FSC_SEA)
		return false;
	return exception_record_and_skip(f, &caught);
}

/* One load from addr that should abort; true if it did. */
static bool touch(const char *what, uint64_t addr)
{
	unsigned before = caught.count;
	uint32_t v = 0;

	printf("faults: reading %s at 0x%lx\n", what, (unsigned long)addr);
	__asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	if (caught.count == before) {
		printf("faults: no abort: the read gave 0x%x\n", v);
		return false;
	}
	printf("faults: caught ESR 0x%lx: EC 0x%02x %s, fault status 0x%02x %s\n",
	       (unsigned long)caught.esr, esr_class(caught.esr), esr_class_name(esr_class(caught.esr)),
	       esr_fault_status(caught.esr), esr_fault_status_name(esr_fault_status(caught.esr)));
	printf("faults:        FAR 0x%lx%s, ELR 0x%lx; skipped the load\n", (unsigned long)caught.far,
	       (caught.esr & ESR_ISS_FNV) ? " (not valid)" : "", (unsigned long)caught.elr);
	return true;
}

int main(const void *fdt)
{
	const struct guest_platform *p = guest_platform();
	uint64_t base = (uintptr_t)page, st;
	unsigned failed = 0;
	(void)fdt;

	if (!in_realm()) {
		printf("faults: not a realm, no RIPAS EMPTY to touch\n");
		return GUEST_EXIT_SKIPPED;
	}
	exception_set_handler(on_sync);

	/* 1. Above RAM: the host gave this IPA no RIPAS, so it is EMPTY. */
	if (p->has_memory && p->mem_base + p->mem_size < realm_unprotected_bit()) {
		if (!touch("the first page above RAM", p->mem_base + p->mem_size))
			failed++;
	} else {
		printf("faults: no protected IPA above RAM to touch, skipping that test\n");
	}

	/* 2. A page of ours, made EMPTY. */
	st = realm_ipa_state_set(base, base + RSI_GRANULE_SIZE, RSI_RIPAS_EMPTY,
				 RSI_NO_CHANGE_DESTROYED, NULL);
	if (st != RSI_SUCCESS) {
		printf("faults: IPA_STATE_SET 0x%lx EMPTY failed: %lu\n", (unsigned long)base,
		       (unsigned long)st);
		return GUEST_EXIT_FAILURE;
	}
	if (!touch("a page set EMPTY", base))
		failed++;
	st = realm_unshare(base, RSI_GRANULE_SIZE);
	if (st != RSI_SUCCESS) {
		printf("faults: IPA_STATE_SET 0x%lx RAM failed: %lu\n", (unsigned long)base,
		       (unsigned long)st);
		failed++;
	}

	exception_set_handler(NULL);
	printf("faults: %u abort(s) taken, %u expected abort(s) missing\n", caught.count, failed);
	return failed ? GUEST_EXIT_FAILURE : GUEST_EXIT_SUCCESS;
}
