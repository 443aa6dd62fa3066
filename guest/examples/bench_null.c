/* bench_null: returns at once. ccakit-bench's baseline: a realm's whole
 * life (build, activation, the exit host call, SYSTEM_OFF, teardown) with
 * no work in it, subtracted from the bench_* images' runs. Exits 0. */
#include "guest/sdk.h"

int main(const void *fdt)
{
	(void)fdt;
	return GUEST_EXIT_SUCCESS;
}
