/* Realm detection, configuration, the unprotected alias, RIPAS changes, host
 * calls and the attestation token. */
#include "guest/cpu.h"
#include "guest/realm.h"
#include "guest/string.h"

static bool realm;
static uint64_t unprotected_bit;
/* RSI_REALM_CONFIG: addr_align, the buffer must be a whole granule. */
static struct rsi_realm_config config __attribute__((aligned(RSI_GRANULE_SIZE)));
/* One RsiHostCall per CPU, so that CPUs never share one mid-call. */
static struct rsi_host_call host_calls[GUEST_MAX_CPUS];

bool realm_init(void)
{
	/* Outside a realm nothing answers RSI: SMCCC's SMC_UNKNOWN. A realm
	 * answers RSI_SUCCESS, or RSI_ERROR_INPUT if it does not implement the
	 * version asked for; either way it is a realm. */
	realm = rsi_version(RSI_ABI_VERSION, NULL, NULL) != SMC_UNKNOWN;
	if (!realm)
		return true;
	if (rsi_realm_config(&config) != RSI_SUCCESS)
		return false;
	/* The unprotected half of the IPA space starts at bit ipa_width - 1. */
	if (config.ipa_width < 2 || config.ipa_width > 64)
		return false;
	unprotected_bit = UINT64_C(1) << (config.ipa_width - 1);
	return true;
}

bool in_realm(void)
{
	return realm;
}

const struct rsi_realm_config *realm_config(void)
{
	return &config;
}

unsigned realm_ipa_width(void)
{
	return realm ? (unsigned)config.ipa_width : 0;
}

uint64_t realm_unprotected_bit(void)
{
	return unprotected_bit;
}

uint64_t realm_ipa_state_set(uint64_t base, uint64_t top, enum rsi_ripas ripas, uint64_t flags,
			     uint64_t *done)
{
	uint64_t addr = base, st = RSI_SUCCESS;
	/* The host may change only part of the range per request (it answers
	 * with how far it got); ask again for the rest. */
	while (addr < top) {
		uint64_t next = addr, response = RSI_ACCEPT;
		st = rsi_ipa_state_set(addr, top, ripas, flags, &next, &response);
		if (st != RSI_SUCCESS)
			break;
		/* A rejection, or an answer that does not move forward, would
		 * make this loop forever: report it instead. */
		if (response == RSI_REJECT || next <= addr || next > top) {
			st = RSI_ERROR_STATE;
			break;
		}
		addr = next;
	}
	if (done)
		*done = addr;
	return st;
}

uint64_t realm_share(uint64_t base, uint64_t size)
{
	if (!realm)
		return base;
	if (realm_ipa_state_set(base, base + size, RSI_RIPAS_EMPTY, RSI_NO_CHANGE_DESTROYED, NULL) !=
	    RSI_SUCCESS)
		return 0;
	return unprotected_alias(base);
}

uint64_t realm_unshare(uint64_t base, uint64_t size)
{
	if (!realm)
		return RSI_SUCCESS;
	return realm_ipa_state_set(base, base + size, RSI_RIPAS_RAM, RSI_NO_CHANGE_DESTROYED, NULL);
}

uint64_t realm_host_call(uint16_t imm, uint64_t *gprs, unsigned n)
{
	unsigned cpu = cpu_index();
	struct rsi_host_call *call;
	uint64_t st;

	if (!realm)
		return SMC_UNKNOWN;
	if (cpu >= GUEST_MAX_CPUS || n > RSI_HOST_CALL_GPRS)
		return RSI_ERROR_INPUT;
	call = &host_calls[cpu];
	/* No memset: the registers past n hold only what this CPU's earlier
	 * calls already showed the host, and each store costs the guest
	 * (docs/unicorn-notes.md, fact 18). */
	call->imm = imm;
	for (unsigned i = 0; i < n; i++)
		call->gprs[i] = gprs[i];
	st = rsi_host_call(call);
	for (unsigned i = 0; i < n; i++)
		gprs[i] = call->gprs[i];
	return st;
}

uint64_t realm_attestation_token(const uint8_t challenge[RSI_CHALLENGE_SIZE], void *buf,
				 size_t size, size_t *len)
{
	uintptr_t base = (uintptr_t)buf;
	size_t total = 0;
	uint64_t st;

	*len = 0;
	/* CONTINUE writes within one granule per call. */
	if (base & (RSI_GRANULE_SIZE - 1))
		return RSI_ERROR_INPUT;
	st = rsi_attestation_token_init(challenge, NULL);
	if (st != RSI_SUCCESS)
		return st;
	for (;;) {
		uint64_t offset = total & (RSI_GRANULE_SIZE - 1);
		uint64_t chunk = RSI_GRANULE_SIZE - offset, n = 0;
		if (total >= size) {
			st = RSI_INCOMPLETE; /* more token than buffer */
			break;
		}
		if (chunk > size - total)
			chunk = size - total;
		st = rsi_attestation_token_continue(base + (total - offset), offset, chunk, &n);
		if (st != RSI_SUCCESS && st != RSI_INCOMPLETE)
			break;
		if (n > chunk) {
			st = RSI_ERROR_UNKNOWN; /* the RMM wrote past what it was given */
			break;
		}
		/* INCOMPLETE with n == 0: signing was interrupted; call again. */
		total += n;
		if (st == RSI_SUCCESS)
			break;
	}
	*len = total;
	return st;
}
