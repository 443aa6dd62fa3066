/* The platform's keys: the CPAK file (created at first use with mode 0600,
 * loaded again after, refused with a clear error when it is not an
 * unencrypted P-384 private key) and the RMM-EL3 attestation interface
 * through which the RMM gets its RAK and the platform token. Files live in
 * a temporary directory, never in the user's home. */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attest_util.h"
#include "whitebox.h"

#include "ccakit/abi/rmm_el3.h"
#include "monitor/machine_internal.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ccakit-cpak-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int create(const char *path, bool make, struct ccakit_machine **m, char *err, size_t len)
{
	struct ccakit_machine_config cfg = { .dram_size = 16 * MIB, .pe_count = 1,
					     .cpak_path = path, .cpak_create = make };
	return ccakit_machine_create(&cfg, m, err, len);
}

/* The instance id of a token from a realm on a machine with this CPAK. */
static void instance_id(const char *path, uint8_t id[33], bool *created)
{
	struct ccakit_machine_config cfg = { .dram_size = 32 * MIB, .pe_count = 1,
					     .cpak_path = path, .cpak_create = true };
	struct tmach *t = tm_create_cfg(&cfg);
	*created = ccakit_machine_cpak_created(t->m);
	struct tagent a;
	uint8_t ch[64], buf[TOKEN_BUF_MAX];
	struct tat_fetch f;
	tat_build(&a, t, 1, RMI_HASH_SHA_256, NULL);
	tat_challenge(ch, 9);
	tat_fetch(&a, 0, ch, 4096, 0, buf, &f);
	struct ccakit_cpak *k = tat_cpak(t);
	struct ccakit_token *tok = tat_verified(buf, f.len, k);
	memcpy(id, tok->platform.instance_id.ptr, 33);
	ccakit_token_free(tok);
	ccakit_cpak_free(k);
	ta_teardown(&a);
	tm_destroy(t);
}

static void cpak_is_created_at_first_use_and_loaded_after(void **state)
{
	(void)state;
	char path[128], sub[96];
	struct stat st;
	uint8_t id1[33], id2[33];
	bool created;
	snprintf(sub, sizeof(sub), "%s/share/ccakit", dir);
	snprintf(path, sizeof(path), "%s/cpak.pem", sub);
	instance_id(path, id1, &created);
	assert_true(created);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	instance_id(path, id2, &created);
	assert_false(created);
	assert_memory_equal(id1, id2, sizeof(id1));
	assert_int_equal(id1[0], 0x01);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static void write_key(const char *path, const char *curve, bool public_only)
{
	EVP_PKEY *k = EVP_EC_gen(curve);
	FILE *f = fopen(path, "w");
	assert_non_null(k);
	assert_non_null(f);
	assert_true(public_only ? PEM_write_PUBKEY(f, k)
				: PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	EVP_PKEY_free(k);
}

static void expect_refused(const char *path, bool make, int status, const char *why)
{
	struct ccakit_machine *m = NULL;
	char err[512] = "";
	int rc = create(path, make, &m, err, sizeof(err));
	assert_null(m);
	if (rc != status)
		fail_msg("%s: status %d, not %d (%s)", path, rc, status, err);
	assert_non_null(strstr(err, path));
	if (!strstr(err, why))
		fail_msg("\"%s\" does not say \"%s\"", err, why);
}

static void unusable_cpak_files_are_refused_clearly(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/garbage.pem", dir);
	write_file(path, "hello, world\n", 13);
	expect_refused(path, true, -EINVAL, "no usable PEM private key");
	snprintf(path, sizeof(path), "%s/p256.pem", dir);
	write_key(path, "P-256", false);
	expect_refused(path, true, -EINVAL, "must be ECDSA P-384");
	expect_refused(path, true, -EINVAL, "prime256v1");
	snprintf(path, sizeof(path), "%s/public.pem", dir);
	write_key(path, "P-384", true);
	expect_refused(path, true, -EINVAL, "no usable PEM private key");
	snprintf(path, sizeof(path), "%s/missing.pem", dir);
	expect_refused(path, false, -ENOENT, "cannot open");
	assert_int_not_equal(access(path, F_OK), 0); /* and nothing made */
	/* A P-384 key someone else made is used as it is. */
	snprintf(path, sizeof(path), "%s/p384.pem", dir);
	write_key(path, "P-384", false);
	struct ccakit_machine *m;
	char err[256];
	assert_int_equal(create(path, false, &m, err, sizeof(err)), 0);
	assert_false(ccakit_machine_cpak_created(m));
	ccakit_machine_destroy(m);
}

static uint64_t el3(struct tmach *t, uint32_t fid, void *buf, uint64_t size, uint64_t arg,
		    uint64_t *x1)
{
	struct smc_regs r = { .x = { fid, (uint64_t)(uintptr_t)buf, size, arg } };
	monitor_smc(ccakit_machine_monitor(t->m), WORLD_REALM, 0, &r);
	*x1 = r.x[1];
	return r.x[0];
}

static void rmm_el3_attestation_calls_check_their_arguments(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	uint8_t key1[64], key2[64], tok[2048];
	uint64_t n;
	/* The RAK: P-384 only, a buffer that holds it, the same all boot. */
	assert_int_equal(el3(t, RMM_ATTEST_GET_REALM_KEY, key1, 48, 1, &n), (uint64_t)E_RMM_INVAL);
	assert_int_equal(el3(t, RMM_ATTEST_GET_REALM_KEY, key1, 47, 0, &n), (uint64_t)E_RMM_INVAL);
	assert_int_equal(el3(t, RMM_ATTEST_GET_REALM_KEY, NULL, 48, 0, &n),
			 (uint64_t)E_RMM_BAD_ADDR);
	assert_int_equal(el3(t, RMM_ATTEST_GET_REALM_KEY, key1, sizeof(key1), 0, &n), E_RMM_OK);
	assert_int_equal(n, 48);
	assert_int_equal(el3(t, RMM_ATTEST_GET_REALM_KEY, key2, sizeof(key2), 0, &n), E_RMM_OK);
	assert_memory_equal(key1, key2, 48);
	/* The platform token: a hash-sized challenge, a buffer that holds
	 * the token. */
	memset(tok, 0x5a, 64);
	assert_int_equal(el3(t, RMM_ATTEST_GET_PLAT_TOKEN, tok, sizeof(tok), 20, &n),
			 (uint64_t)E_RMM_INVAL);
	assert_int_equal(el3(t, RMM_ATTEST_GET_PLAT_TOKEN, tok, 100, 32, &n), (uint64_t)E_RMM_NOMEM);
	memset(tok, 0x5a, 64);
	assert_int_equal(el3(t, RMM_ATTEST_GET_PLAT_TOKEN, tok, sizeof(tok), 48, &n), E_RMM_OK);
	assert_true(n > 100 && n < sizeof(tok));
	struct ccakit_token *pt;
	struct ccakit_cpak *k = tat_cpak(t);
	char err[256];
	assert_int_equal(ccakit_token_decode(tok, n, &pt, err, sizeof(err)), CCAKIT_TOKEN_OK);
	assert_int_equal(pt->format, CCAKIT_TOKEN_FORMAT_PLATFORM_ONLY);
	assert_int_equal(pt->platform.challenge.len, 48);
	assert_int_equal(pt->platform.challenge.ptr[47], 0x5a);
	assert_int_equal(ccakit_token_verify(pt, k, NULL, NULL, err, sizeof(err)), CCAKIT_TOKEN_OK);
	ccakit_token_free(pt);
	ccakit_cpak_free(k);
	/* The normal world cannot ask. */
	struct ccakit_smc_regs r = { .x = { RMM_ATTEST_GET_REALM_KEY, (uint64_t)(uintptr_t)key1, 64 } };
	assert_int_equal(ccakit_smc(t->m, 0, &r), 0);
	assert_int_equal(r.x[0], SMC_UNKNOWN);
	tm_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpak_is_created_at_first_use_and_loaded_after),
		cmocka_unit_test(unusable_cpak_files_are_refused_clearly),
		cmocka_unit_test(rmm_el3_attestation_calls_check_their_arguments),
	};
	return cmocka_run_group_tests_name("attest_cpak", tests, setup, teardown);
}
