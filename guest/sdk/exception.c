/* Exceptions: the C half of vectors.S. A registered handler gets the first
 * look at synchronous exceptions taken at EL1; everything else is reported
 * and ends the guest with GUEST_EXIT_EXCEPTION. */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/exception.h"
#include "guest/irq.h"
#include "ccakit/guest.h"
#include "guest/sdk.h"

static exception_handler handler;
/* Exceptions being reported, per CPU: one raised while reporting another
 * (a console that faults, say) exits at once instead of recursing. */
static volatile unsigned reporting[GUEST_MAX_CPUS];
/* Likewise a handler that faults is not called again for its own fault. */
static volatile unsigned handling[GUEST_MAX_CPUS];

extern char __bss_start[], __bss_end[];

exception_handler exception_set_handler(exception_handler fn)
{
	exception_handler old = handler;
	handler = fn;
	return old;
}

const char *esr_class_name(unsigned ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN: return "unknown reason (undefined instruction)";
	case ESR_EC_WFX: return "trapped WFI/WFE";
	case ESR_EC_FP_ACCESS: return "SIMD/FP access trapped";
	case ESR_EC_ILLEGAL_STATE: return "illegal execution state";
	case ESR_EC_SVC64: return "SVC";
	case ESR_EC_HVC64: return "HVC";
	case ESR_EC_SMC64: return "SMC trapped";
	case ESR_EC_SYSREG: return "MSR/MRS/system instruction trapped";
	case ESR_EC_SVE: return "SVE access trapped";
	case ESR_EC_IABT_LOWER: return "instruction abort (lower EL)";
	case ESR_EC_IABT_CUR: return "instruction abort (same EL)";
	case ESR_EC_PC_ALIGN: return "PC alignment fault";
	case ESR_EC_DABT_LOWER: return "data abort (lower EL)";
	case ESR_EC_DABT_CUR: return "data abort (same EL)";
	case ESR_EC_SP_ALIGN: return "SP alignment fault";
	case ESR_EC_FP_EXC64: return "floating-point exception";
	case ESR_EC_SERROR: return "SError interrupt";
	case ESR_EC_BREAKPOINT_LOWER:
	case ESR_EC_BREAKPOINT_CUR: return "breakpoint";
	case ESR_EC_STEP_LOWER:
	case ESR_EC_STEP_CUR: return "software step";
	case ESR_EC_WATCHPOINT_LOWER:
	case ESR_EC_WATCHPOINT_CUR: return "watchpoint";
	case ESR_EC_BRK64: return "BRK instruction";
	default: return "reserved or unexpected class";
	}
}

const char *esr_fault_status_name(unsigned fsc)
{
	if (fsc <= 0x03)
		return "address size fault";
	if (fsc <= 0x07)
		return "translation fault";
	if (fsc <= 0x0b)
		return "access flag fault";
	if (fsc <= 0x0f)
		return "permission fault";
	switch (fsc) {
	case ESR_FSC_SEA: return "synchronous external abort";
	case 0x11: return "synchronous tag check fault";
	case 0x13:
	case 0x14:
	case 0x15:
	case 0x16:
	case 0x17: return "synchronous external abort on a table walk";
	case 0x18: return "synchronous parity/ECC error";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict abort";
	default: return "other fault";
	}
}

const char *exception_kind_name(uint64_t kind)
{
	static const char *const names[16] = {
		"synchronous, current EL with SP_EL0", "IRQ, current EL with SP_EL0",
		"FIQ, current EL with SP_EL0",         "SError, current EL with SP_EL0",
		"synchronous, current EL with SP_ELx", "IRQ, current EL with SP_ELx",
		"FIQ, current EL with SP_ELx",         "SError, current EL with SP_ELx",
		"synchronous, lower EL (AArch64)",     "IRQ, lower EL (AArch64)",
		"FIQ, lower EL (AArch64)",             "SError, lower EL (AArch64)",
		"synchronous, lower EL (AArch32)",     "IRQ, lower EL (AArch32)",
		"FIQ, lower EL (AArch32)",             "SError, lower EL (AArch32)",
	};
	return kind < 16 ? names[kind] : "?";
}

/* Frame records live on the SDK's stacks, all in .bss: a pointer elsewhere
 * ends the walk rather than faulting. */
static bool frame_record_ok(uint64_t fp)
{
	return (fp & 15) == 0 && fp >= (uintptr_t)__bss_start && fp + 16 <= (uintptr_t)__bss_end;
}

void exception_report(const struct exception_frame *f)
{
	unsigned ec = esr_class(f->esr);
	uint64_t fp;

	printf("\n*** exception on cpu %u: %s (vector 0x%03lx)\n", cpu_index(),
	       exception_kind_name(f->kind), (unsigned long)f->kind * 0x80);
	printf("    ESR  0x%016lx: EC 0x%02x %s, IL %u, ISS 0x%07lx\n", (unsigned long)f->esr, ec,
	       esr_class_name(ec), (unsigned)(f->esr >> 25) & 1,
	       (unsigned long)(f->esr & 0x1ffffff));
	if (esr_is_abort(f->esr))
		printf("         fault status 0x%02x: %s%s%s\n", esr_fault_status(f->esr),
		       esr_fault_status_name(esr_fault_status(f->esr)),
		       (f->esr & ESR_ISS_WNR) && (ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOWER)
			       ? ", write"
			       : "",
		       (f->esr & ESR_ISS_FNV) ? ", FAR not valid" : "");
	printf("    FAR  0x%016lx  ELR 0x%016lx\n", (unsigned long)f->far, (unsigned long)f->elr);
	printf("    SPSR 0x%016lx  SP  0x%016lx\n", (unsigned long)f->spsr, (unsigned long)f->sp);
	for (unsigned i = 0; i < 31; i += 2) {
		if (i + 1 < 31)
			printf("    x%-2u  0x%016lx  x%-2u  0x%016lx\n", i, (unsigned long)f->x[i],
			       i + 1, (unsigned long)f->x[i + 1]);
		else
			printf("    x%-2u  0x%016lx\n", i, (unsigned long)f->x[i]);
	}
	printf("    backtrace: 0x%lx", (unsigned long)f->elr);
	fp = f->x[29];
	for (unsigned depth = 0; depth < 16 && fp && frame_record_ok(fp); depth++) {
		const uint64_t *record = (const uint64_t *)(uintptr_t)fp;
		if (!record[1])
			break;
		/* The saved LR is the return address: the call is 4 bytes before. */
		printf(" 0x%lx", (unsigned long)record[1] - 4);
		if (record[0] <= fp) /* records go up the stack, never down */
			break;
		fp = record[0];
	}
	printf("\n");
}

void guest_exception(struct exception_frame *frame)
{
	unsigned cpu = cpu_index();
	bool sync = frame->kind == EXCEPTION_KIND_CUR_SPX_SYNC ||
		    frame->kind == EXCEPTION_KIND_CUR_SP0_SYNC;

	if (cpu >= GUEST_MAX_CPUS)
		guest_exit(GUEST_EXIT_EXCEPTION); /* cannot happen: no stack for it */
	/* An IRQ taken at EL1 goes to the program's handler, if it has one
	 * (guest/irq.h). */
	if ((frame->kind == EXCEPTION_KIND_CUR_SPX_IRQ || frame->kind == EXCEPTION_KIND_CUR_SP0_IRQ) &&
	    irq_dispatch())
		return;
	if (sync && handler && !handling[cpu]) {
		bool handled;
		handling[cpu] = 1;
		handled = handler(frame);
		handling[cpu] = 0;
		if (handled)
			return; /* ERET to frame->elr */
	}
	if (reporting[cpu]++)
		guest_exit(GUEST_EXIT_EXCEPTION);
	exception_report(frame);
	guest_exit(GUEST_EXIT_EXCEPTION);
}
