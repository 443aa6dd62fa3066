#include "attest_util.h"

#include <string.h>

#include "ccakit/abi/rsi.h"

/* The machine of the test running, for tat_teardown. */
static struct tmach *live;

static void build(struct tagent *a, struct tmach *t, uint16_t vmid, unsigned hash_algo,
		  const uint8_t rpv[64], uint64_t ram_ipa)
{
	struct trealm r;
	tm_realm_params(t, &r, 40, 1, hash_algo, vmid);
	struct rmi_realm_params *p = tm_ptr(t, r.params);
	if (rpv)
		memcpy(p->rpv, rpv, sizeof(p->rpv));
	r.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, r.rd, r.params), RMI_SUCCESS, 0);
	ta_build_in(a, t, &r, 1, 1);
	if (ram_ipa)
		assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r.rd, ram_ipa, ram_ipa + GRANULE_SIZE),
			   RMI_SUCCESS, 0);
	ta_activate(a);
}

void tat_build(struct tagent *a, struct tmach *t, uint16_t vmid, unsigned hash_algo,
	       const uint8_t rpv[64])
{
	build(a, t, vmid, hash_algo, rpv, 0);
}

uint64_t tat_init(struct tagent *a, unsigned i, const uint8_t ch[64], uint64_t *bound)
{
	uint64_t w[8];
	memcpy(w, ch, sizeof(w));
	const uint64_t args[8] = { RSI_ATTESTATION_TOKEN_INIT, w[0], w[1], w[2], w[3], w[4], w[5], w[6] };
	ta_post(a, i, AGENT_SMC, args);
	ta_mbox(a, i)->a8 = w[7];
	const struct rmi_rec_exit *e = ta_resume(a, i, 0);
	if (!ta_is_doorbell(a, i, e))
		fail_msg("RSI_ATTESTATION_TOKEN_INIT ended in exit reason %llu",
			 (unsigned long long)e->exit_reason);
	if (bound)
		*bound = ta_mbox(a, i)->r[1];
	return ta_mbox(a, i)->r[0];
}

uint64_t tat_continue(struct tagent *a, unsigned i, uint64_t ipa, uint64_t offset, uint64_t size,
		      uint64_t *x1)
{
	uint64_t out[4];
	uint64_t x0 = ta_smc(a, i, RSI_ATTESTATION_TOKEN_CONTINUE, ipa, offset, size, 0, out);
	if (x1)
		*x1 = out[1];
	return x0;
}

void tat_fetch(struct tagent *a, unsigned i, const uint8_t ch[64], uint64_t chunk, uint64_t start,
	       uint8_t *buf, struct tat_fetch *f)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(tat_init(a, i, ch, &f->bound), RSI_SUCCESS);
	for (;;) {
		uint64_t off = start + f->len, n;
		uint64_t size = chunk < GRANULE_SIZE - off ? chunk : GRANULE_SIZE - off;
		assert_true(off < GRANULE_SIZE);
		uint64_t x0 = tat_continue(a, i, AGENT_SCRATCH_IPA, off, size, &n);
		f->calls++;
		assert_true(n <= size);
		f->len += n;
		if (x0 == RSI_SUCCESS)
			break;
		assert_int_equal(x0, RSI_INCOMPLETE);
		if (n == 0 && size != 0)
			f->interrupted++;
		assert_true(f->calls < 100000);
	}
	assert_true(f->len <= f->bound);
	ta_copy_out(a, i, AGENT_SCRATCH_IPA + start, buf, f->len);
}

struct ccakit_cpak *tat_cpak(struct tmach *t)
{
	char pem[1024], err[256];
	struct ccakit_cpak *k;
	int n = ccakit_machine_cpak_public_pem(t->m, pem, sizeof(pem));
	assert_true(n > 0);
	if (ccakit_cpak_parse(pem, (size_t)n, &k, err, sizeof(err)) != CCAKIT_TOKEN_OK)
		fail_msg("the machine's CPAK does not parse: %s", err);
	return k;
}

struct ccakit_token *tat_verified(const uint8_t *buf, size_t len, const struct ccakit_cpak *k)
{
	struct ccakit_token *tok;
	char err[512];
	int rc = ccakit_token_decode(buf, len, &tok, err, sizeof(err));
	if (rc != CCAKIT_TOKEN_OK)
		fail_msg("the realm's token does not decode (%s): %s", ccakit_token_status_name(rc), err);
	struct ccakit_verify_result res;
	rc = ccakit_token_verify(tok, k, NULL, &res, err, sizeof(err));
	if (rc != CCAKIT_TOKEN_OK) {
		ccakit_token_free(tok);
		fail_msg("the realm's token does not verify (%s): %s", ccakit_token_status_name(rc), err);
	}
	assert_true(res.platform_signature_ok && res.realm_signature_ok && res.binding_ok);
	return tok;
}

int tat_verify_status(const uint8_t *buf, size_t len, const struct ccakit_cpak *k)
{
	struct ccakit_token *tok;
	int rc = ccakit_token_decode(buf, len, &tok, NULL, 0);
	if (rc != CCAKIT_TOKEN_OK)
		return rc;
	rc = ccakit_token_verify(tok, k, NULL, NULL, NULL, 0);
	ccakit_token_free(tok);
	return rc;
}

void tat_challenge(uint8_t ch[64], uint8_t seed)
{
	for (unsigned i = 0; i < 64; i++)
		ch[i] = (uint8_t)(seed + i);
}

void tat_measurement(struct tagent *a, unsigned i, unsigned idx, uint8_t out[64])
{
	const uint64_t args[8] = { RSI_MEASUREMENT_READ, idx };
	ta_post(a, i, AGENT_SMC, args);
	const struct rmi_rec_exit *e = ta_resume(a, i, 0);
	assert_true(ta_is_doorbell(a, i, e));
	const struct agent_mbox *m = ta_mbox(a, i);
	assert_int_equal(m->r[0], RSI_SUCCESS);
	memcpy(out, &m->r[1], 56);
	memcpy(out + 56, &m->r8, 8);
}

static void open_fx(struct tat_fx *f, bool cmw, unsigned hash_algo, const uint8_t rpv[64],
		    uint64_t ram_ipa)
{
	struct ccakit_machine_config cfg = { .dram_size = 32 * MIB, .pe_count = 2, .token_cmw = cmw };
	assert_null(live);
	live = f->t = tm_create_cfg(&cfg);
	build(&f->a, f->t, 1, hash_algo, rpv, ram_ipa);
	f->k = tat_cpak(f->t);
}

void tat_open(struct tat_fx *f, bool cmw, unsigned hash_algo, const uint8_t rpv[64])
{
	open_fx(f, cmw, hash_algo, rpv, 0);
}

void tat_open_ram(struct tat_fx *f, uint64_t ipa)
{
	open_fx(f, false, RMI_HASH_SHA_256, NULL, ipa);
}

void tat_close(struct tat_fx *f)
{
	ccakit_cpak_free(f->k);
	ta_teardown(&f->a);
	tm_destroy(f->t);
	live = NULL;
}

int tat_teardown(void **state)
{
	(void)state;
	if (live)
		tm_destroy(live);
	live = NULL;
	return 0;
}

struct ccakit_token *tat_get(struct tat_fx *f, const uint8_t ch[64], uint64_t chunk,
			     uint64_t start, uint8_t *buf, struct tat_fetch *fetch)
{
	tat_fetch(&f->a, 0, ch, chunk, start, buf, fetch);
	return tat_verified(buf, fetch->len, f->k);
}
