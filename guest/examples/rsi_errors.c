/* rsi_errors: a guest that misbehaves towards the RMM. Makes each RSI call
 * with arguments the spec refuses and checks the status against the spec's
 * own value (spec notes section 4, "Failure conditions"; RSI_ERROR_INPUT
 * unless said), printing one line per check:
 *   IPA_STATE_SET: base unaligned, top unaligned, top <= base, a region not
 *     entirely in the protected IPA space, a RIPAS other than EMPTY or RAM;
 *   IPA_STATE_GET: base unaligned, end unaligned, end <= base, a region
 *     outside the protected space;
 *   MEASUREMENT_EXTEND: index 0 (the RIM) and 7, size 65;
 *   MEASUREMENT_READ: index 5;
 *   REALM_CONFIG and HOST_CALL: an unaligned buffer, an unprotected one;
 *   ATTESTATION_TOKEN_CONTINUE before any INIT: RSI_ERROR_STATE;
 *   VERSION of a version the RMM does not implement: RSI_ERROR_INPUT with
 *     X1 = X2 = the version it does;
 *   an RSI function ID no 1.0 command has: SMC_UNKNOWN.
 * None of the refused calls may have changed anything: the RIPAS of the
 * page and the REMs are read back at the end. Exits 0 if every check
 * passed, GUEST_EXIT_FAILURE (1) at the first that did not (its line says
 * MISMATCH), GUEST_EXIT_SKIPPED (77) outside a realm. */
#include "guest/sdk.h"

static uint8_t page[RSI_GRANULE_SIZE] __attribute__((aligned(RSI_GRANULE_SIZE)));
static uint8_t buf[RSI_GRANULE_SIZE] __attribute__((aligned(RSI_GRANULE_SIZE)));

static unsigned checks;

/* The name of an RSI status (or SMC_UNKNOWN), NULL for any other value. */
static const char *status_name(uint64_t st)
{
	switch (st) {
	case RSI_SUCCESS: return "RSI_SUCCESS";
	case RSI_ERROR_INPUT: return "RSI_ERROR_INPUT";
	case RSI_ERROR_STATE: return "RSI_ERROR_STATE";
	case RSI_INCOMPLETE: return "RSI_INCOMPLETE";
	case RSI_ERROR_UNKNOWN: return "RSI_ERROR_UNKNOWN";
	case SMC_UNKNOWN: return "SMC_UNKNOWN";
	default: return NULL;
	}
}

static void print_value(uint64_t v, bool is_status)
{
	if (is_status && status_name(v))
		printf("%s", status_name(v));
	else
		printf("0x%lx", (unsigned long)v);
}

/* One check of a value: prints it, ends the guest on a mismatch. */
static void check_value(const char *what, uint64_t got, uint64_t want, bool is_status)
{
	checks++;
	printf("rsi_errors: %2u %-46s ", checks, what);
	print_value(got, is_status);
	if (got == want) {
		printf(" ok\n");
		return;
	}
	printf(" MISMATCH, the spec says ");
	print_value(want, is_status);
	printf("\n");
	guest_exit(GUEST_EXIT_FAILURE);
}

/* One check of an RSI status. */
static void check(const char *what, uint64_t got, uint64_t want)
{
	check_value(what, got, want, true);
}

static uint64_t state_set(uint64_t base, uint64_t top, uint64_t ripas)
{
	return rsi_ipa_state_set(base, top, (enum rsi_ripas)ripas, RSI_NO_CHANGE_DESTROYED, NULL,
				 NULL);
}

static uint64_t state_get(uint64_t base, uint64_t end)
{
	return rsi_ipa_state_get(base, end, NULL, NULL);
}

int main(const void *fdt)
{
	uint8_t rems[4][RSI_MEASUREMENT_MAX_SIZE], after[RSI_MEASUREMENT_MAX_SIZE];
	const uint64_t p = (uintptr_t)page, g = RSI_GRANULE_SIZE;
	const uint64_t b = (uintptr_t)buf;
	uint64_t par, top, lower, higher;
	enum rsi_ripas ripas;
	uint8_t value[RSI_MEASUREMENT_MAX_SIZE + 1] = { 'x' };
	(void)fdt;

	if (!in_realm()) {
		printf("rsi_errors: not a realm, no RSI to call\n");
		return GUEST_EXIT_SKIPPED;
	}
	par = realm_unprotected_bit(); /* the protected space is [0, par) */
	for (unsigned i = 0; i < 4; i++)
		if (rsi_measurement_read(RSI_MEASUREMENT_REM(i), rems[i]) != RSI_SUCCESS)
			guest_panic("rsi_errors: cannot read REM%u", i);

	/* RSI_IPA_STATE_SET */
	check("IPA_STATE_SET base unaligned", state_set(p + 0x10, p + g, RSI_RIPAS_EMPTY),
	      RSI_ERROR_INPUT);
	check("IPA_STATE_SET top unaligned", state_set(p, p + 0x800, RSI_RIPAS_EMPTY),
	      RSI_ERROR_INPUT);
	check("IPA_STATE_SET top == base", state_set(p, p, RSI_RIPAS_EMPTY), RSI_ERROR_INPUT);
	check("IPA_STATE_SET top < base", state_set(p + g, p, RSI_RIPAS_EMPTY), RSI_ERROR_INPUT);
	check("IPA_STATE_SET region unprotected", state_set(par, par + g, RSI_RIPAS_EMPTY),
	      RSI_ERROR_INPUT);
	check("IPA_STATE_SET region across the protected end",
	      state_set(par - g, par + g, RSI_RIPAS_EMPTY), RSI_ERROR_INPUT);
	check("IPA_STATE_SET region beyond the IPA space",
	      state_set(2 * par, 2 * par + g, RSI_RIPAS_EMPTY), RSI_ERROR_INPUT);
	check("IPA_STATE_SET RIPAS DESTROYED (2)", state_set(p, p + g, RSI_RIPAS_DESTROYED),
	      RSI_ERROR_INPUT);
	check("IPA_STATE_SET RIPAS 3 (DEV is 1.1)", state_set(p, p + g, 3), RSI_ERROR_INPUT);
	check("IPA_STATE_SET RIPAS 0xff", state_set(p, p + g, 0xff), RSI_ERROR_INPUT);

	/* RSI_IPA_STATE_GET */
	check("IPA_STATE_GET base unaligned", state_get(p + 8, p + g), RSI_ERROR_INPUT);
	check("IPA_STATE_GET end unaligned", state_get(p, p + g - 8), RSI_ERROR_INPUT);
	check("IPA_STATE_GET end == base", state_get(p, p), RSI_ERROR_INPUT);
	check("IPA_STATE_GET end < base", state_get(p + g, p), RSI_ERROR_INPUT);
	check("IPA_STATE_GET region unprotected", state_get(par, par + g), RSI_ERROR_INPUT);
	check("IPA_STATE_GET region across the protected end", state_get(par - g, par + g),
	      RSI_ERROR_INPUT);

	/* RSI_MEASUREMENT_EXTEND and _READ */
	check("MEASUREMENT_EXTEND index 0 (the RIM)", rsi_measurement_extend(0, value, 1),
	      RSI_ERROR_INPUT);
	check("MEASUREMENT_EXTEND index 7", rsi_measurement_extend(7, value, 1), RSI_ERROR_INPUT);
	check("MEASUREMENT_EXTEND size 65",
	      rsi_measurement_extend(RSI_MEASUREMENT_REM(0), value, RSI_MEASUREMENT_MAX_SIZE + 1),
	      RSI_ERROR_INPUT);
	check("MEASUREMENT_READ index 5", rsi_measurement_read(5, after), RSI_ERROR_INPUT);

	/* RSI_REALM_CONFIG and RSI_HOST_CALL: buffers. */
	check("REALM_CONFIG buffer unaligned",
	      rsi_realm_config((struct rsi_realm_config *)(uintptr_t)(b + 0x100)), RSI_ERROR_INPUT);
	check("REALM_CONFIG buffer unprotected",
	      rsi_realm_config((struct rsi_realm_config *)(uintptr_t)unprotected_alias(b)),
	      RSI_ERROR_INPUT);
	check("HOST_CALL buffer unaligned (+8)",
	      rsi_host_call((struct rsi_host_call *)(uintptr_t)(b + 8)), RSI_ERROR_INPUT);
	check("HOST_CALL buffer unaligned (+0x80)",
	      rsi_host_call((struct rsi_host_call *)(uintptr_t)(b + 0x80)), RSI_ERROR_INPUT);
	check("HOST_CALL buffer unprotected",
	      rsi_host_call((struct rsi_host_call *)(uintptr_t)unprotected_alias(b)),
	      RSI_ERROR_INPUT);

	/* RSI_ATTESTATION_TOKEN_CONTINUE with no token started. */
	check("ATTESTATION_TOKEN_CONTINUE before INIT",
	      rsi_attestation_token_continue(b, 0, RSI_GRANULE_SIZE, NULL), RSI_ERROR_STATE);

	/* RSI_VERSION of 2.0: refused, and told which version there is. */
	check("VERSION 2.0", rsi_version(UINT64_C(2) << 16, &lower, &higher), RSI_ERROR_INPUT);
	check_value("VERSION 2.0: X1 (lower) is 1.0", lower, RSI_ABI_VERSION, false);
	check_value("VERSION 2.0: X2 (higher) is 1.0", higher, RSI_ABI_VERSION, false);

	/* Function IDs in the RSI range that 1.0 does not define. */
	check("FID 0xC400019A (1.1's VSMMU_GET_INFO)",
	      smc_call4(UINT64_C(0xC400019A), 0, 0, 0, 0, NULL), SMC_UNKNOWN);
	check("FID 0xC40001BE", smc_call4(UINT64_C(0xC40001BE), 0, 0, 0, 0, NULL), SMC_UNKNOWN);

	/* Nothing changed: the page is still RAM, the REMs as they were. */
	check("IPA_STATE_GET of the page", rsi_ipa_state_get(p, p + g, &top, &ripas), RSI_SUCCESS);
	check_value("  its RIPAS is still RAM (1)", ripas, RSI_RIPAS_RAM, false);
	check_value("  up to its end", top, p + g, false);
	for (unsigned i = 0; i < 4; i++) {
		check("MEASUREMENT_READ of a REM", rsi_measurement_read(RSI_MEASUREMENT_REM(i), after),
		      RSI_SUCCESS);
		check_value("  unchanged (memcmp)", (uint64_t)memcmp(after, rems[i], sizeof(after)), 0,
			    false);
	}
	printf("rsi_errors: all %u checks passed\n", checks);
	return GUEST_EXIT_SUCCESS;
}
