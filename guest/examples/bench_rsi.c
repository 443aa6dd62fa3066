/* bench_rsi: BENCH_RSI_CALLS RSI_VERSION calls in a loop, each answered
 * inside the RMM without a REC exit. ccakit-bench times this image against
 * hello's to get one call's cost. Exits 0, or 1 if a call failed. */
#include "guest/sdk.h"

#define BENCH_RSI_CALLS 200000u

int main(const void *fdt)
{
	uint64_t lower, higher;
	(void)fdt;

	for (unsigned i = 0; i < BENCH_RSI_CALLS; i++)
		if (rsi_version(RSI_ABI_VERSION, &lower, &higher) != RSI_SUCCESS)
			return 1;
	return GUEST_EXIT_SUCCESS;
}
