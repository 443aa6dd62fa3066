/* hello: says where it runs. In a realm it also prints what RSI_REALM_CONFIG
 * and RSI_VERSION say: IPA width, hash algorithm, RSI version. Exits 0. */
#include "guest/sdk.h"

static const char *hash_algo_name(unsigned algo)
{
	switch (algo) {
	case RSI_HASH_SHA_256: return "sha256";
	case RSI_HASH_SHA_512: return "sha512";
	default: return "unknown";
	}
}

int main(const void *fdt)
{
	const struct guest_platform *p = guest_platform();
	(void)fdt;

	if (in_realm()) {
		const struct rsi_realm_config *cfg = realm_config();
		uint64_t lower = 0, higher = 0;
		rsi_version(RSI_ABI_VERSION, &lower, &higher);
		printf("Hello from a realm\n");
		printf("ipa width %u, hash algo %s (%u), RSI version %lu.%lu\n",
		       (unsigned)cfg->ipa_width, hash_algo_name(cfg->hash_algo),
		       (unsigned)cfg->hash_algo, (unsigned long)(lower >> 16),
		       (unsigned long)(lower & 0xffff));
	} else {
		printf("Hello from a normal VM\n");
	}
	if (p->has_memory)
		printf("%u cpu(s), RAM 0x%lx-0x%lx\n", p->cpus ? p->cpus : 1,
		       (unsigned long)p->mem_base, (unsigned long)(p->mem_base + p->mem_size - 1));
	return GUEST_EXIT_SUCCESS;
}
