/* bench_compute: guest instruction throughput. A fixed amount of integer
 * work (xorshift and a small table walk) that ccakit-bench runs as a realm
 * and as a normal VM: the ratio of the two is what a realm costs. Prints
 * its checksum, so both runs must do the same work; exits 0. */
#include "guest/sdk.h"

#define BENCH_COMPUTE_ROUNDS 20000000u

static uint32_t table[256];

int main(const void *fdt)
{
	uint64_t s = 0x9e3779b97f4a7c15u, sum = 0;
	(void)fdt;

	for (unsigned i = 0; i < 256; i++)
		table[i] = i * 2654435761u;
	for (unsigned i = 0; i < BENCH_COMPUTE_ROUNDS; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		sum += table[s & 0xff] ^ (uint32_t)(s >> 32);
	}
	printf("bench_compute: checksum %016llx\n", (unsigned long long)sum);
	return GUEST_EXIT_SUCCESS;
}
