/* sleep: sleeps SLEEPS times SLEEP_US microseconds on the EL1 virtual timer.
 * Each time it arms the timer for now + SLEEP_US (CNTV_CVAL_EL0,
 * CNTV_CTL_EL0) and waits with WFI; the host sees the armed timer at the WFI
 * exit and, once it fires, injects PPI 27 through the list registers; the
 * SDK's IRQ vector acknowledges it (ICC_IAR1_EL1), the handler stops the
 * timer (it is level-triggered), the vector ends it (ICC_EOIR1_EL1). The
 * count (CNTVCT_EL0) before and after tells how long the sleep was, which
 * must be at least what was asked. Exits 0 if every sleep was long enough
 * and ended with the timer's interrupt, 1 if not, or if no interrupt came
 * within 10 s. */
#include "guest/sdk.h"

#define SLEEPS 3
#define SLEEP_US 20000
#define GIVE_UP_S 10

static volatile unsigned timer_irqs, other_irqs;

static void on_irq(uint32_t intid)
{
	if (intid == TIMER_VIRT_PPI) {
		timer_virt_stop();
		timer_irqs++;
	} else {
		other_irqs++;
	}
}

/* One sleep of us microseconds; returns the ticks it took, 0 if the timer's
 * interrupt never came. */
static uint64_t sleep_us(uint64_t us)
{
	unsigned before = timer_irqs;
	uint64_t t0 = timer_count();
	uint64_t give_up = GIVE_UP_S * timer_frequency();

	/* Masked while checking, so an interrupt between the check and the
	 * WFI is not lost: WFI still wakes for it, and it is taken when
	 * unmasked. */
	irq_disable();
	timer_virt_arm(t0 + timer_ticks_from_us(us));
	while (timer_irqs == before) {
		if (timer_count() - t0 > give_up) {
			irq_enable();
			return 0;
		}
		wait_for_interrupt();
		irq_enable();
		irq_disable();
	}
	irq_enable();
	return timer_count() - t0;
}

int main(const void *fdt)
{
	uint64_t asked = timer_ticks_from_us(SLEEP_US);
	unsigned failed = 0;
	(void)fdt;

	printf("sleep: counter at %lu Hz, %u sleeps of %u us on the virtual timer (PPI %u)\n",
	       (unsigned long)timer_frequency(), SLEEPS, SLEEP_US, TIMER_VIRT_PPI);
	irq_set_handler(on_irq);
	irq_init();
	irq_enable();
	for (unsigned i = 1; i <= SLEEPS; i++) {
		uint64_t took = sleep_us(SLEEP_US);
		if (!took) {
			printf("sleep: %u: no timer interrupt within %u s\n", i, GIVE_UP_S);
			return GUEST_EXIT_FAILURE;
		}
		bool ok = took >= asked;
		failed += !ok;
		printf("sleep: %u: asked %u us, slept %lu us (%lu ticks)%s\n", i, SLEEP_US,
		       (unsigned long)timer_us_from_ticks(took), (unsigned long)took,
		       ok ? "" : ": TOO SHORT");
	}
	irq_disable();
	printf("sleep: %u timer interrupt(s), %u other(s); %u sleep(s) too short\n", timer_irqs,
	       other_irqs, failed);
	return failed || timer_irqs != SLEEPS ? GUEST_EXIT_FAILURE : GUEST_EXIT_SUCCESS;
}
