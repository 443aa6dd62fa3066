/* measure: reads the RIM and REM0 (RSI_MEASUREMENT_READ slots 0 and 1),
 * extends REM0 with the 3 bytes "abc" (RSI_MEASUREMENT_EXTEND), reads REM0
 * back and prints all three in hex, as many bytes as the realm's hash
 * algorithm gives. The host can check the last line: with SHA-256 it is
 * SHA-256(REM0 before || "abc"). Exits 0 if REM0 changed, 1 if not or if a
 * call failed, GUEST_EXIT_SKIPPED (77) outside a realm. */
#include "guest/sdk.h"

static size_t hash_size(unsigned algo)
{
	return algo == RSI_HASH_SHA_512 ? 64 : 32;
}

static bool read_slot(unsigned index, const char *label, uint8_t out[RSI_MEASUREMENT_MAX_SIZE],
		      size_t size)
{
	uint64_t st = rsi_measurement_read(index, out);
	if (st != RSI_SUCCESS) {
		printf("measure: RSI_MEASUREMENT_READ(%u) failed: %lu\n", index, (unsigned long)st);
		return false;
	}
	printf("%s", label);
	print_hex(out, size);
	printf("\n");
	return true;
}

int main(const void *fdt)
{
	uint8_t rim[RSI_MEASUREMENT_MAX_SIZE], before[RSI_MEASUREMENT_MAX_SIZE],
		after[RSI_MEASUREMENT_MAX_SIZE];
	static const char value[] = "abc";
	size_t size;
	uint64_t st;
	(void)fdt;

	if (!in_realm()) {
		printf("measure: not a realm, there are no measurements to read\n");
		return GUEST_EXIT_SKIPPED;
	}
	size = hash_size(realm_config()->hash_algo);
	printf("measure: hash algo %s\n", size == 64 ? "sha512" : "sha256");
	if (!read_slot(RSI_MEASUREMENT_RIM, "RIM:          ", rim, size) ||
	    !read_slot(RSI_MEASUREMENT_REM(0), "REM0:         ", before, size))
		return GUEST_EXIT_FAILURE;

	st = rsi_measurement_extend(RSI_MEASUREMENT_REM(0), value, sizeof value - 1);
	if (st != RSI_SUCCESS) {
		printf("measure: RSI_MEASUREMENT_EXTEND(REM0, \"abc\") failed: %lu\n",
		       (unsigned long)st);
		return GUEST_EXIT_FAILURE;
	}
	if (!read_slot(RSI_MEASUREMENT_REM(0), "REM0 + \"abc\": ", after, size))
		return GUEST_EXIT_FAILURE;
	if (memcmp(before, after, size) == 0) {
		printf("measure: REM0 did not change\n");
		return GUEST_EXIT_FAILURE;
	}
	return GUEST_EXIT_SUCCESS;
}
