/* mmio: reads and writes the ccakit test device (ccakit/guest.h,
 * GUEST_TESTDEV_BASE = 0x0910_1000) through its unprotected alias in a realm
 * or its address in a normal VM: loads of 8, 16, 32 and 64 bits, sign- and
 * zero-extending, and stores of 32 and 64 bits (one from the zero register).
 * Each is a data abort the host emulates from the syndrome (ISV, SAS, SSE,
 * SRT, SF, WnR). Prints one line per check; exits with the number of checks
 * that failed (0: all passed). */
#include "guest/sdk.h"

static unsigned failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
	bool ok = got == want;
	printf("mmio: %-34s 0x%016lx %s\n", what, (unsigned long)got, ok ? "ok" : "FAIL");
	if (!ok) {
		printf("mmio:   expected                           0x%016lx\n", (unsigned long)want);
		failures++;
	}
}

/* Sign-extending loads: no mmio_* accessor, so the instructions are here. */
static int64_t read_s8(uint64_t addr)
{
	int64_t v;
	__asm__ volatile("ldrsb %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static int64_t read_s16(uint64_t addr)
{
	int64_t v;
	__asm__ volatile("ldrsh %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static int64_t read_s32(uint64_t addr)
{
	int64_t v;
	__asm__ volatile("ldrsw %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* ldrsb into a W register: sign-extended to 32 bits, zero above (SF = 0). */
static uint64_t read_s8_w(uint64_t addr)
{
	uint64_t v;
	__asm__ volatile("ldrsb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

int main(const void *fdt)
{
	uint64_t dev = unprotected_alias(GUEST_TESTDEV_BASE);
	(void)fdt;

	printf("mmio: test device at 0x%lx (%s)\n", (unsigned long)dev,
	       in_realm() ? "unprotected alias" : "normal VM");

	check("ldr w  ID", mmio_read32(dev + TESTDEV_ID), TESTDEV_ID_VALUE);
	check("ldr x  MAGIC", mmio_read64(dev + TESTDEV_MAGIC), TESTDEV_MAGIC_VALUE);
	check("ldrb   MAGIC", mmio_read8(dev + TESTDEV_MAGIC), TESTDEV_MAGIC_VALUE & 0xff);
	check("ldrh   MAGIC", mmio_read16(dev + TESTDEV_MAGIC), TESTDEV_MAGIC_VALUE & 0xffff);
	check("ldr w  MAGIC", mmio_read32(dev + TESTDEV_MAGIC), TESTDEV_MAGIC_VALUE & 0xffffffff);
	/* MAGIC's low byte 0xef, halfword 0xcdef and word 0x89abcdef are all
	 * negative: sign extension (SSE) shows. */
	check("ldrsb x MAGIC", (uint64_t)read_s8(dev + TESTDEV_MAGIC),
	      (uint64_t)(int64_t)(int8_t)(TESTDEV_MAGIC_VALUE & 0xff));
	check("ldrsh x MAGIC", (uint64_t)read_s16(dev + TESTDEV_MAGIC),
	      (uint64_t)(int64_t)(int16_t)(TESTDEV_MAGIC_VALUE & 0xffff));
	check("ldrsw x MAGIC", (uint64_t)read_s32(dev + TESTDEV_MAGIC),
	      (uint64_t)(int64_t)(int32_t)(TESTDEV_MAGIC_VALUE & 0xffffffff));
	check("ldrsb w MAGIC", read_s8_w(dev + TESTDEV_MAGIC),
	      (uint32_t)(int32_t)(int8_t)(TESTDEV_MAGIC_VALUE & 0xff));

	mmio_write32(dev + TESTDEV_SCRATCH32, 0xa5a55a5a);
	check("str w  SCRATCH32, ldr w", mmio_read32(dev + TESTDEV_SCRATCH32), 0xa5a55a5a);
	mmio_write64(dev + TESTDEV_SCRATCH64, UINT64_C(0xfeedfacecafebeef));
	check("str x  SCRATCH64, ldr x", mmio_read64(dev + TESTDEV_SCRATCH64),
	      UINT64_C(0xfeedfacecafebeef));
	mmio_write32(dev + TESTDEV_SCRATCH32, 0); /* str wzr: SRT = 31 is zero */
	check("str wzr SCRATCH32, ldr w", mmio_read32(dev + TESTDEV_SCRATCH32), 0);
	/* A read-only register ignores writes. */
	mmio_write32(dev + TESTDEV_ID, 0);
	check("str w  ID (ignored), ldr w", mmio_read32(dev + TESTDEV_ID), TESTDEV_ID_VALUE);

	printf("mmio: %u check(s) failed\n", failures);
	return (int)failures;
}
