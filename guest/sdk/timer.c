/* The EL1 virtual timer (guest/timer.h). */
#include "guest/timer.h"

uint64_t timer_ticks_from_us(uint64_t us)
{
	return (us * timer_frequency() + 999999) / 1000000;
}

uint64_t timer_us_from_ticks(uint64_t ticks)
{
	return ticks * 1000000 / timer_frequency();
}

void timer_virt_arm(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1\n\t"
			 "isb"
			 :
			 : "r"(cval), "r"((uint64_t)TIMER_CTL_ENABLE)
			 : "memory");
}

void timer_virt_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" : : : "memory");
}

bool timer_virt_fired(void)
{
	uint64_t ctl, cval;
	__asm__ volatile("mrs %0, cntv_ctl_el0\n\tmrs %1, cntv_cval_el0" : "=r"(ctl), "=r"(cval));
	return (ctl & TIMER_CTL_ENABLE) && timer_count() >= cval;
}
