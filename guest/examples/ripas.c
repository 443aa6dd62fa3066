/* ripas: turns a page of the realm into memory shared with the host and
 * back, and talks to the host through it.
 *
 *  1. RSI_IPA_STATE_SET the page to EMPTY (until the host has done it all);
 *  2. RSI_IPA_STATE_GET says EMPTY;
 *  3. a message is written at the page's unprotected alias;
 *  4. RSI_HOST_CALL, imm GUEST_HOST_CALL_SHARED_MESSAGE (0xCC02): gprs[0] =
 *     the alias, gprs[1] = the message length; the host answers gprs[0] =
 *     the length of a reply it wrote at offset 0x800 of the page (0: none),
 *     which is printed;
 *  5. RSI_IPA_STATE_SET back to RAM, RSI_IPA_STATE_GET says RAM, and the page
 *     is usable again at its protected address.
 * Exits 0, 1 on any failure, GUEST_EXIT_SKIPPED (77) outside a realm. */
#include "guest/sdk.h"

static uint8_t page[RSI_GRANULE_SIZE] __attribute__((aligned(RSI_GRANULE_SIZE)));

static const char *ripas_name(enum rsi_ripas r)
{
	switch (r) {
	case RSI_RIPAS_EMPTY: return "EMPTY";
	case RSI_RIPAS_RAM: return "RAM";
	case RSI_RIPAS_DESTROYED: return "DESTROYED";
	default: return "?";
	}
}

static bool expect_ripas(uint64_t base, enum rsi_ripas want)
{
	enum rsi_ripas ripas;
	uint64_t top = 0, st = rsi_ipa_state_get(base, base + RSI_GRANULE_SIZE, &top, &ripas);
	if (st != RSI_SUCCESS) {
		printf("ripas: RSI_IPA_STATE_GET(0x%lx) failed: %lu\n", (unsigned long)base,
		       (unsigned long)st);
		return false;
	}
	printf("ripas: IPA_STATE_GET 0x%lx: %s up to 0x%lx\n", (unsigned long)base,
	       ripas_name(ripas), (unsigned long)top);
	if (ripas != want || top <= base) {
		printf("ripas: expected %s\n", ripas_name(want));
		return false;
	}
	return true;
}

int main(const void *fdt)
{
	static const char message[] = "Hello, host: this page is shared now";
	uint64_t base = (uintptr_t)page, alias, done = base, st;
	uint64_t gprs[2];
	(void)fdt;

	if (!in_realm()) {
		printf("ripas: not a realm, all memory is shared with the host already\n");
		return GUEST_EXIT_SKIPPED;
	}

	st = realm_ipa_state_set(base, base + RSI_GRANULE_SIZE, RSI_RIPAS_EMPTY,
				 RSI_NO_CHANGE_DESTROYED, &done);
	if (st != RSI_SUCCESS) {
		printf("ripas: IPA_STATE_SET 0x%lx EMPTY failed: %lu (done up to 0x%lx)\n",
		       (unsigned long)base, (unsigned long)st, (unsigned long)done);
		return GUEST_EXIT_FAILURE;
	}
	printf("ripas: IPA_STATE_SET 0x%lx-0x%lx EMPTY accepted\n", (unsigned long)base,
	       (unsigned long)(base + RSI_GRANULE_SIZE - 1));
	if (!expect_ripas(base, RSI_RIPAS_EMPTY))
		return GUEST_EXIT_FAILURE;

	/* From now on the page is the host's: reach it only at its alias. */
	alias = unprotected_alias(base);
	for (size_t i = 0; i < sizeof message; i++)
		mmio_write8(alias + i, (uint8_t)message[i]);
	gprs[0] = alias;
	gprs[1] = sizeof message - 1;
	st = realm_host_call(GUEST_HOST_CALL_SHARED_MESSAGE, gprs, 2);
	if (st != RSI_SUCCESS) {
		printf("ripas: RSI_HOST_CALL failed: %lu\n", (unsigned long)st);
		return GUEST_EXIT_FAILURE;
	}
	printf("ripas: told the host about %lu bytes at 0x%lx\n", (unsigned long)(sizeof message - 1),
	       (unsigned long)alias);
	if (gprs[0] > 0 && gprs[0] <= GUEST_SHARED_REPLY_MAX) {
		char reply[GUEST_SHARED_REPLY_MAX + 1];
		size_t n = (size_t)gprs[0];
		for (size_t i = 0; i < n; i++)
			reply[i] = (char)mmio_read8(alias + GUEST_SHARED_REPLY_OFFSET + i);
		reply[n] = '\0';
		printf("ripas: the host replied: %s\n", reply);
	} else if (gprs[0] != 0) {
		printf("ripas: the host's reply length %lu is out of range\n",
		       (unsigned long)gprs[0]);
		return GUEST_EXIT_FAILURE;
	}

	st = realm_ipa_state_set(base, base + RSI_GRANULE_SIZE, RSI_RIPAS_RAM,
				 RSI_NO_CHANGE_DESTROYED, &done);
	if (st != RSI_SUCCESS) {
		printf("ripas: IPA_STATE_SET 0x%lx RAM failed: %lu (done up to 0x%lx)\n",
		       (unsigned long)base, (unsigned long)st, (unsigned long)done);
		return GUEST_EXIT_FAILURE;
	}
	printf("ripas: IPA_STATE_SET 0x%lx-0x%lx RAM accepted\n", (unsigned long)base,
	       (unsigned long)(base + RSI_GRANULE_SIZE - 1));
	if (!expect_ripas(base, RSI_RIPAS_RAM))
		return GUEST_EXIT_FAILURE;

	/* Protected again: its contents are UNKNOWN, but it must work as RAM. */
	for (size_t i = 0; i < sizeof message; i++)
		page[i] = (uint8_t)message[i];
	if (memcmp(page, message, sizeof message) != 0) {
		printf("ripas: the page does not hold what was written to it\n");
		return GUEST_EXIT_FAILURE;
	}
	printf("ripas: page is private RAM again\n");
	return GUEST_EXIT_SUCCESS;
}
