/* highva: runs like a kernel, from the upper (TTBR1) half of the address
 * space, in a realm or a normal VM:
 *   1. builds stage-1 tables: TTBR0 identity-maps RAM and the devices the SDK
 *      uses (the code that turns the MMU on runs there, and every address
 *      the SDK hands to the RMM or the host must stay an IPA); TTBR1 maps
 *      the image at KERNEL_OFFSET + its IPA, one data page at both ends of
 *      the upper range, and the test device;
 *   2. turns the MMU on and calls its high alias, which prints its PC, moves
 *      VBAR_EL1 to the vectors' high alias, writes and reads the data page
 *      through both high VAs and checks it through the identity map, reads
 *      and writes the test device through its high VA (the host or the RMM
 *      must walk TTBR1 to decode the access), and loads from the unmapped
 *      page after the image's alias, taking the translation fault in its
 *      handler at a high PC;
 *   3. returns to the identity map, which exits as every example does.
 * Exits 0 if every check passed, 1 otherwise; an unexpected exception is
 * reported by the SDK (GUEST_EXIT_EXCEPTION, 236). */
#include "guest/mmu.h"
#include "guest/sdk.h"

/* The image's high alias is its IPA + KERNEL_OFFSET, where arm64 Linux's
 * 48-bit kernel space begins. */
#define KERNEL_OFFSET UINT64_C(0xffff800000000000)
/* The data page, at the first and at the last page of the upper range. */
#define DATA_LOWEST_VA MMU_UPPER_BASE
#define DATA_TOP_VA UINT64_C(0xfffffffffffff000)
/* The test device, high up where Linux keeps its fixmap. */
#define TESTDEV_VA UINT64_C(0xfffffffffe000000)

#define PATTERN_HIGH UINT64_C(0x600dc0de0ff5e700)
#define PATTERN_LOW UINT64_C(0x1de7717ea11a5ed0)

extern char __image_start[], __image_end[], guest_vectors[];

static uint64_t data_page[MMU_PAGE_SIZE / 8] __attribute__((aligned(MMU_PAGE_SIZE)));

static unsigned failures;
static struct exception_record caught;

/* Code at the alias computes symbol addresses PC-relatively (adrp), so
 * they come out as aliases there and as IPAs in the identity map: these
 * give one form whichever the caller holds. */
static uint64_t high_alias(uint64_t addr)
{
	return addr >= KERNEL_OFFSET ? addr : addr + KERNEL_OFFSET;
}

static uint64_t identity_alias(uint64_t addr)
{
	return addr >= KERNEL_OFFSET ? addr - KERNEL_OFFSET : addr;
}

static void check(const char *what, uint64_t got, uint64_t want)
{
	bool ok = got == want;
	printf("highva: %-44s 0x%016lx %s\n", what, (unsigned long)got, ok ? "ok" : "FAIL");
	if (!ok) {
		printf("highva:   expected %35s 0x%016lx\n", "", (unsigned long)want);
		failures++;
	}
}

static uint64_t current_pc(void)
{
	uint64_t pc;
	__asm__ volatile("adr %0, ." : "=r"(pc));
	return pc;
}

/* A data abort taken at EL1 from a translation fault: record it and skip
 * the load. Anything else is not ours. */
static bool on_sync(struct exception_frame *f)
{
	unsigned fsc = esr_fault_status(f->esr);
	if (esr_class(f->esr) != ESR_EC_DABT_CUR || fsc < 0x04 || fsc > 0x07)
		return false;
	return exception_record_and_skip(f, &caught);
}

/* Everything that runs at the high alias. Returns to the identity-mapped
 * caller (its return address is one). */
static __attribute__((noinline)) void run_high(void)
{
	volatile uint64_t *top = (volatile uint64_t *)DATA_TOP_VA;
	volatile uint64_t *lowest = (volatile uint64_t *)DATA_LOWEST_VA;
	volatile uint64_t *ident = (volatile uint64_t *)identity_alias((uintptr_t)data_page);
	uint64_t unmapped = high_alias((uintptr_t)__image_end);
	uint64_t vbar, pc = current_pc();
	uint32_t v = 0;

	printf("highva: running at PC 0x%lx\n", (unsigned long)pc);
	check("PC in the upper range", pc >= KERNEL_OFFSET, 1);

	__asm__ volatile("mrs %0, vbar_el1" : "=r"(vbar));
	__asm__ volatile("msr vbar_el1, %0; isb" ::"r"(high_alias((uintptr_t)guest_vectors)));

	/* The data page through its two upper-range aliases and the identity
	 * map: one page of RAM whichever way it is reached. */
	top[511] = PATTERN_HIGH;
	check("stored at the last doubleword of 2^64, read", top[511], PATTERN_HIGH);
	check("  read through the lowest TTBR1 page", lowest[511], PATTERN_HIGH);
	check("  read through the identity map", ident[511], PATTERN_HIGH);
	ident[0] = PATTERN_LOW;
	check("stored through the identity map, read high", lowest[0], PATTERN_LOW);

	/* The test device through its high VA: the stage-2 abort's syndrome
	 * comes from decoding the load at this high PC. */
	check("test device ID through its high VA", mmio_read32(TESTDEV_VA + TESTDEV_ID),
	      TESTDEV_ID_VALUE);
	check("test device MAGIC (64-bit load)", mmio_read64(TESTDEV_VA + TESTDEV_MAGIC),
	      TESTDEV_MAGIC_VALUE);
	mmio_write64(TESTDEV_VA + TESTDEV_SCRATCH64, PATTERN_HIGH);
	check("test device SCRATCH64 written, read back",
	      mmio_read64(TESTDEV_VA + TESTDEV_SCRATCH64), PATTERN_HIGH);

	/* A load from the unmapped page after the image's alias: the guest's
	 * own translation fault, taken at the high vectors. */
	exception_set_handler(on_sync);
	printf("highva: reading unmapped 0x%lx\n", (unsigned long)unmapped);
	__asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(unmapped) : "memory");
	exception_set_handler(NULL);
	check("translation faults taken", caught.count, 1);
	if (caught.count) {
		printf("highva: caught ESR 0x%lx: %s, fault status 0x%02x %s\n",
		       (unsigned long)caught.esr, esr_class_name(esr_class(caught.esr)),
		       esr_fault_status(caught.esr),
		       esr_fault_status_name(esr_fault_status(caught.esr)));
		check("  FAR is the unmapped VA", caught.far, unmapped);
		check("  ELR in the upper range", caught.elr >= KERNEL_OFFSET, 1);
	}

	__asm__ volatile("msr vbar_el1, %0; isb" ::"r"(vbar));
}

static bool map_or_say(const struct mmu_tables *t, const char *what, uint64_t va, uint64_t ipa,
		       uint64_t size, enum mmu_kind kind)
{
	if (mmu_map(t, va, ipa, size, kind))
		return true;
	printf("highva: cannot map %s: 0x%lx -> 0x%lx (0x%lx bytes)\n", what, (unsigned long)va,
	       (unsigned long)ipa, (unsigned long)size);
	return false;
}

int main(const void *fdt)
{
	const struct guest_platform *p = guest_platform();
	uint64_t image = (uintptr_t)__image_start;
	uint64_t image_size = (uintptr_t)__image_end - image;
	uint64_t uart = unprotected_alias(p->uart_base & ~(MMU_PAGE_SIZE - 1));
	uint64_t testdev = unprotected_alias(GUEST_TESTDEV_BASE);
	uint64_t exitreg = unprotected_alias(GUEST_EXIT_MMIO_ADDR);
	struct mmu_tables t;
	(void)fdt;

	if (!p->has_memory) {
		printf("highva: the device tree has no /memory to identity-map\n");
		return GUEST_EXIT_FAILURE;
	}
	if (!mmu_tables_init(&t) ||
	    !map_or_say(&t, "RAM", p->mem_base, p->mem_base, p->mem_size, MMU_RAM_RWX) ||
	    !map_or_say(&t, "the UART", uart, uart, MMU_PAGE_SIZE, MMU_DEVICE) ||
	    !map_or_say(&t, "the test device", testdev, testdev, MMU_PAGE_SIZE, MMU_DEVICE) ||
	    !map_or_say(&t, "the exit register", exitreg, exitreg, MMU_PAGE_SIZE, MMU_DEVICE) ||
	    !map_or_say(&t, "the image high", KERNEL_OFFSET + image, image, image_size,
			MMU_RAM_RWX) ||
	    !map_or_say(&t, "the data page low", DATA_LOWEST_VA, (uintptr_t)data_page,
			MMU_PAGE_SIZE, MMU_RAM_RW) ||
	    !map_or_say(&t, "the data page at the top", DATA_TOP_VA, (uintptr_t)data_page,
			MMU_PAGE_SIZE, MMU_RAM_RW) ||
	    !map_or_say(&t, "the test device high", TESTDEV_VA, testdev, MMU_PAGE_SIZE,
			MMU_DEVICE))
		return GUEST_EXIT_FAILURE;

	mmu_enable(&t);
	printf("highva: MMU on: TTBR0 0x%lx (identity), TTBR1 0x%lx, image at 0x%lx\n",
	       (unsigned long)t.ttbr0, (unsigned long)t.ttbr1, (unsigned long)(KERNEL_OFFSET + image));

	void (*high)(void) = (void (*)(void))(uintptr_t)high_alias((uintptr_t)run_high);
	high();

	printf("highva: back at PC 0x%lx; %u check(s) failed\n", (unsigned long)current_pc(), failures);
	return failures ? GUEST_EXIT_FAILURE : GUEST_EXIT_SUCCESS;
}
