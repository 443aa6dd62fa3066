/* The generic timer: the virtual count (CNTVCT_EL0) and the EL1 virtual
 * timer (CNTV_CVAL_EL0, CNTV_CTL_EL0), whose interrupt is PPI 27 (the
 * device tree's arm,armv8-timer node lists it). In a realm the host sees the
 * timer's state at every REC exit (RmiRecExit.cntv_ctl/cntv_cval) and
 * injects PPI 27 when it fires; the timer is level-triggered, so a handler
 * stops it (or moves its compare value on) before it returns. */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_VIRT_PPI 27u

/* CNTV_CTL_EL0 bits. */
#define TIMER_CTL_ENABLE (1u << 0)
#define TIMER_CTL_IMASK (1u << 1)
#define TIMER_CTL_ISTATUS (1u << 2)

/* CNTFRQ_EL0: ticks per second of the count. */
static inline uint64_t timer_frequency(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* CNTVCT_EL0, read after the instructions before it (ISB). */
static inline uint64_t timer_count(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

/* Conversions at timer_frequency(), rounding up (ticks) and down (us). */
uint64_t timer_ticks_from_us(uint64_t us);
uint64_t timer_us_from_ticks(uint64_t ticks);

/* Arms the virtual timer: its interrupt condition holds once the count
 * reaches cval (CNTV_CVAL_EL0 = cval, CNTV_CTL_EL0 = ENABLE). */
void timer_virt_arm(uint64_t cval);

/* Stops it (CNTV_CTL_EL0 = 0): no interrupt condition any more. */
void timer_virt_stop(void);

/* Whether the timer's condition holds: enabled and the count at or past
 * CNTV_CVAL_EL0. (Worked out rather than read from CNTV_CTL_EL0.ISTATUS,
 * which ccakit's vCPU does not maintain: docs/unicorn-notes.md.) */
bool timer_virt_fired(void);

#endif
