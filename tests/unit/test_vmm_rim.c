/* `ccakit measure`'s RIM computation (src/vmm/rim.c) against the reference
 * vectors of spec/rmm-1.0.md section 7, and the build plan it replays: the
 * steps host_realm_build takes, in its order. */
#include "harness.h"

#include <errno.h>
#include <string.h>

#include "ccakit/abi/rmi.h"
#include "host/host.h"
#include "vmm/rim.h"

static const uint8_t zero_page[GRANULE_SIZE];

/* The spec's sequence: REALM_CREATE {s2sz 40, num_bps 1, num_wps 1},
 * INIT_RIPAS [0, 2 MiB) as one entry, DATA at 0 (4 KiB of zeros, measured)
 * and at 0x1000 (not measured), REC_CREATE runnable at pc 0, gprs 0. The
 * images are given in the wrong order: DATA goes in ascending IPA anyway. */
static void spec_layout(struct host_realm_layout *l, struct host_image images[2],
			unsigned hash_algo)
{
	images[0] = (struct host_image){ .ipa = 0x1000, .data = zero_page, .len = GRANULE_SIZE };
	images[1] = (struct host_image){ .ipa = 0, .data = zero_page, .len = GRANULE_SIZE,
					 .measure = true };
	*l = (struct host_realm_layout){
		.realm = { .s2sz = 40, .hash_algo = hash_algo, .num_bps = 1, .num_wps = 1 },
		.ram = { .ipa = 0, .len = 2 * MIB },
		.images = images,
		.nimages = 2,
		.nrecs = 1,
	};
}

static void expect_rim(const struct host_realm_layout *l, const char *want)
{
	uint8_t rim[VMM_MEASUREMENT_MAX];
	size_t len;
	char err[256], hex[2 * VMM_MEASUREMENT_MAX + 1];
	if (vmm_rim_compute(l, rim, &len, err, sizeof(err)) != 0)
		fail_msg("vmm_rim_compute: %s", err);
	assert_int_equal(len * 2, strlen(want));
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", rim[i]);
	assert_string_equal(hex, want);
	for (size_t i = len; i < VMM_MEASUREMENT_MAX; i++)
		assert_int_equal(rim[i], 0); /* zero padded, as the slot is */
}

static void spec_vector_sha256(void **state)
{
	(void)state;
	struct host_realm_layout l;
	struct host_image images[2];
	spec_layout(&l, images, RMI_HASH_SHA_256);
	expect_rim(&l, "507fea8f1ac7e2ccd8ea2acc4407850d5a8c5c6fdad78855c967dd342763cf63");
}

static void spec_vector_sha512(void **state)
{
	(void)state;
	struct host_realm_layout l;
	struct host_image images[2];
	spec_layout(&l, images, RMI_HASH_SHA_512);
	expect_rim(&l, "196194ecc0e558ca076e0bae37de070bba5ae11fe452176270d39872f4332f0d"
		       "d91f232f10410fec12a20d6e9d356589ce20f0dfb76e65e1c26b6824f02fa9cb");
}

/* Non-runnable RECs and DATA_CREATE_UNKNOWN are not measured; REC 0's
 * registers and the RPV's absence are. */
static void only_what_is_measured_changes_the_rim(void **state)
{
	(void)state;
	struct host_realm_layout l;
	struct host_image images[2];
	struct host_region unknown = { .ipa = 0x2000, .len = GRANULE_SIZE };
	uint8_t a[VMM_MEASUREMENT_MAX], b[VMM_MEASUREMENT_MAX];
	size_t len;
	char err[256];
	spec_layout(&l, images, RMI_HASH_SHA_256);
	assert_int_equal(vmm_rim_compute(&l, a, &len, err, sizeof(err)), 0);

	l.nrecs = 4;
	l.unknown = &unknown;
	l.nunknown = 1;
	memset(l.realm.rpv, 0x5a, sizeof(l.realm.rpv));
	assert_int_equal(vmm_rim_compute(&l, b, &len, err, sizeof(err)), 0);
	assert_memory_equal(a, b, sizeof(a));

	l.gprs[0] = 0x40001000;
	assert_int_equal(vmm_rim_compute(&l, b, &len, err, sizeof(err)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void unnamed_realm_parameters_are_refused(void **state)
{
	(void)state;
	struct host_realm_layout l;
	struct host_image images[2];
	uint8_t rim[VMM_MEASUREMENT_MAX];
	size_t len;
	char err[256];
	spec_layout(&l, images, RMI_HASH_SHA_256);
	l.realm.num_bps = 0; /* host_realm_create would ask the RMM */
	assert_int_equal(vmm_rim_compute(&l, rim, &len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "num_bps 0"));
	l.realm.num_bps = 1;
	l.realm.hash_algo = 7;
	assert_int_equal(vmm_rim_compute(&l, rim, &len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "hash algorithm 7"));
	l.realm.hash_algo = RMI_HASH_SHA_256;
	l.nrecs = 0;
	assert_int_equal(vmm_rim_compute(&l, rim, &len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a realm needs at least one REC");
}

/* The plan: REALM_CREATE; RAM that starts and ends inside 2 MiB blocks as
 * pages up to the first boundary, blocks, pages after the last; DATA in
 * ascending IPA; RECs in order, only REC 0 runnable with the entry state. */
static void build_plan_is_the_reference_order(void **state)
{
	(void)state;
	struct host_realm_layout l;
	struct host_image images[2];
	struct host_build_plan p;
	char err[256];
	spec_layout(&l, images, RMI_HASH_SHA_256);
	l.ram = (struct host_region){ .ipa = 0x1000, .len = 4 * MIB };
	l.nrecs = 2;
	l.pc = 0x40000000;
	l.gprs[0] = 0x40100000;
	assert_int_equal(host_build_plan(&l, &p, err, sizeof(err)), 0);
	assert_int_equal(p.nsteps, 1 + 3 + 2 + 2);
	const struct host_build_step *s = p.steps;
	assert_int_equal(s[0].op, HOST_BUILD_REALM_CREATE);
	static const struct {
		uint64_t base, len;
		int level;
	} ripas[] = { { 0x1000, 2 * MIB - 0x1000, 3 }, { 2 * MIB, 2 * MIB, 2 },
		      { 4 * MIB, 0x1000, 3 } };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s[1 + i].op, HOST_BUILD_INIT_RIPAS);
		assert_int_equal(s[1 + i].region.ipa, ripas[i].base);
		assert_int_equal(s[1 + i].region.len, ripas[i].len);
		assert_int_equal(s[1 + i].level, ripas[i].level);
	}
	assert_int_equal(s[4].op, HOST_BUILD_DATA);
	assert_ptr_equal(s[4].image, &images[1]); /* IPA 0 first */
	assert_ptr_equal(s[5].image, &images[0]);
	assert_int_equal(s[6].op, HOST_BUILD_REC_CREATE);
	assert_true(s[6].runnable);
	assert_int_equal(s[6].pc, 0x40000000);
	assert_int_equal(s[6].gprs[0], 0x40100000);
	assert_int_equal(s[7].rec, 1);
	assert_false(s[7].runnable);
	assert_int_equal(s[7].pc, 0);
	assert_int_equal(s[7].gprs[0], 0);
	host_build_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_vector_sha256),
		cmocka_unit_test(spec_vector_sha512),
		cmocka_unit_test(only_what_is_measured_changes_the_rim),
		cmocka_unit_test(unnamed_realm_parameters_are_refused),
		cmocka_unit_test(build_plan_is_the_reference_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
