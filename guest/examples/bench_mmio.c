/* bench_mmio: BENCH_MMIO_READS 32-bit reads of the test device's ID register
 * through its unprotected alias: each one a data abort the host emulates.
 * ccakit-bench times this image against hello's to get one round trip's
 * cost. Exits 0, or 1 if a read gave the wrong value. */
#include "guest/sdk.h"

#define BENCH_MMIO_READS 50000u

int main(const void *fdt)
{
	uint64_t id = unprotected_alias(GUEST_TESTDEV_BASE) + TESTDEV_ID;
	(void)fdt;

	for (unsigned i = 0; i < BENCH_MMIO_READS; i++)
		if (mmio_read32(id) != TESTDEV_ID_VALUE)
			return 1;
	return GUEST_EXIT_SUCCESS;
}
