/* Group-1 interrupts through the GICv3 CPU interface (guest/irq.h). */
#include "guest/irq.h"

static irq_handler handler;

irq_handler irq_set_handler(irq_handler fn)
{
	irq_handler old = handler;
	handler = fn;
	return old;
}

void irq_init(void)
{
	__asm__ volatile("msr icc_pmr_el1, %0\n\t"
			 "msr icc_bpr1_el1, xzr\n\t"
			 "msr icc_igrpen1_el1, %1\n\t"
			 "isb"
			 :
			 : "r"(UINT64_C(0xff)), "r"(UINT64_C(1))
			 : "memory");
}

bool irq_dispatch(void)
{
	if (!handler)
		return false;
	uint32_t intid = irq_ack();
	/* Spurious: the interrupt went away (or was never for this group);
	 * nothing became active, so there is nothing to end. */
	if (intid == IRQ_SPURIOUS)
		return true;
	handler(intid);
	irq_eoi(intid);
	return true;
}
