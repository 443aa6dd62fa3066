/* From the entry code to main and back: the SDK's start-up, the exit
 * conventions of ccakit/guest.h, and secondary CPUs. */
#include "guest/sdk.h"

/* Called by crt0.S only. */
__attribute__((noreturn)) void guest_start(const void *fdt);
__attribute__((noreturn)) void guest_secondary_start(uint64_t index);

static struct guest_platform platform;

/* What each secondary CPU runs, set by cpu_start before its CPU_ON. */
static struct {
	cpu_entry_fn volatile fn;
	void *volatile arg;
} slots[GUEST_MAX_CPUS];

const struct guest_platform *guest_platform(void)
{
	return &platform;
}

static __attribute__((noreturn)) void halt(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

void guest_start(const void *fdt)
{
	/* Realm first: in a realm the console is reached through the
	 * unprotected alias, which needs the IPA width. Without it nothing can
	 * be printed; the exit status still reaches the host (a host call). */
	if (!realm_init())
		guest_exit(GUEST_EXIT_INIT_FAILED);
	guest_fdt_parse(fdt, &platform);
	console_init(platform.uart_base);
	guest_exit(main(fdt));
}

void guest_exit(int status)
{
	/* 32 bits of status, zero-extended (ccakit/guest.h). */
	uint64_t s = (uint32_t)status;

	if (in_realm()) {
		uint64_t gprs[1] = { s };
		realm_host_call(GUEST_HOST_CALL_EXIT, gprs, 1);
	} else {
		mmio_write32(GUEST_EXIT_MMIO_ADDR, (uint32_t)s);
	}
	psci_system_off(s);
	halt(); /* SYSTEM_OFF does not return; if a host lets it, stay put */
}

void guest_panic(const char *fmt, ...)
{
	va_list ap;
	printf("\n*** panic on cpu %u: ", cpu_index());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	guest_exit(GUEST_EXIT_FAILURE);
}

int cpu_start(unsigned index, uint64_t mpidr, cpu_entry_fn fn, void *arg)
{
	/* Slot 0 is the boot CPU's stack, and only slots below GUEST_MAX_CPUS
	 * have stacks (crt0.S). */
	if (index == 0 || index >= GUEST_MAX_CPUS)
		return PSCI_INVALID_PARAMETERS;
	slots[index].fn = fn;
	slots[index].arg = arg;
	/* The new CPU reads the slot with its MMU off: make the stores
	 * complete before it can start. */
	__asm__ volatile("dsb sy" ::: "memory");
	return psci_cpu_on(mpidr, (uintptr_t)secondary_entry, index);
}

void guest_secondary_start(uint64_t index)
{
	cpu_entry_fn fn = slots[index].fn;
	if (fn)
		fn((unsigned)index, slots[index].arg);
	psci_cpu_off();
	halt();
}
