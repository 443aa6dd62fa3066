/* Interrupts through the GICv3 CPU interface's system registers
 * (ICC_*_EL1). In a realm there is no GIC the realm could reach: the RMM
 * emulates the CPU interface against the list registers the host hands in
 * with each REC entry (RmiRecRun.enter.gicv3_lrs), so an interrupt is
 * whatever the host puts there, a timer's PPI for instance. Group 1 only
 * (the host's list registers say group 1; group 0 would be an FIQ, which
 * the SDK does not take).
 *
 * A program that takes interrupts: irq_set_handler(fn), irq_init(), then
 * irq_enable(). The SDK's IRQ vector acknowledges each interrupt
 * (ICC_IAR1_EL1), calls fn(intid) unless it was spurious, and ends it
 * (ICC_EOIR1_EL1; EOImode 0: priority drop and deactivation in one). With no
 * handler an IRQ is reported as an unhandled exception, as before. */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include <stdbool.h>
#include <stdint.h>

/* What ICC_IAR1_EL1 reads when nothing is pending (or it went away). */
#define IRQ_SPURIOUS 1023u

typedef void (*irq_handler)(uint32_t intid);

/* The handler for group-1 interrupts (NULL: none). Returns the previous. */
irq_handler irq_set_handler(irq_handler fn);

/* This CPU's interface takes group-1 interrupts of any priority:
 * ICC_PMR_EL1 = 0xff (no priority masked), ICC_BPR1_EL1 = 0,
 * ICC_IGRPEN1_EL1 = 1. PSTATE.I is left alone: irq_enable unmasks. */
void irq_init(void);

/* PSTATE.I: IRQs taken (enable) or held pending (disable). */
static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

/* ICC_IAR1_EL1: the highest-priority pending interrupt, now active; its
 * INTID, or IRQ_SPURIOUS. The IRQ vector does it before the handler. */
static inline uint32_t irq_ack(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(v) : : "memory");
	return (uint32_t)v & 0xffffff;
}

/* ICC_EOIR1_EL1: the end of interrupt intid. The IRQ vector does it after
 * the handler. */
static inline void irq_eoi(uint32_t intid)
{
	__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" : : "r"((uint64_t)intid) : "memory");
}

/* Waits for an interrupt (WFI). With IRQs masked it still returns when one
 * is pending, without taking it. */
static inline void wait_for_interrupt(void)
{
	__asm__ volatile("dsb sy\n\twfi" : : : "memory");
}

/* Called by the exception code for an IRQ; false if no handler is set. */
bool irq_dispatch(void);

#endif
