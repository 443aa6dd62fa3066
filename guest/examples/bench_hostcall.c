/* bench_hostcall: BENCH_HOST_CALLS RSI_HOST_CALLs with an immediate the VMM
 * answers with nothing: each one a REC exit to the host and back.
 * ccakit-bench times this image against hello's to get one round trip's
 * cost. Exits 0, or 1 if a call failed. */
#include "guest/sdk.h"

#define BENCH_HOST_CALLS 50000u
#define BENCH_HOST_CALL_IMM 0x00b1 /* not GUEST_HOST_CALL_*: no answer */

int main(const void *fdt)
{
	uint64_t gprs[1] = { 0 };
	(void)fdt;

	for (unsigned i = 0; i < BENCH_HOST_CALLS; i++)
		if (realm_host_call(BENCH_HOST_CALL_IMM, gprs, 1) != RSI_SUCCESS)
			return 1;
	return GUEST_EXIT_SUCCESS;
}
