/* The host library (the KVM role): a realm built and torn down leaves
 * nothing behind, and a build that fails half-way, on the host's side or
 * the RMM's, undoes itself and says why. */
#include "harness.h"

#include <errno.h>
#include <string.h>

#include "ccakit/abi/psci.h"
#include "host/host.h"
#include "rmm/rmm.h"
#include "whitebox.h"

static struct host *host_on(uint64_t dram)
{
	struct host_config hc = { .machine = { .dram_size = dram, .pe_count = 1 } };
	struct host *h;
	char err[256];
	if (host_create(&hc, &h, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return h;
}

/* Every DRAM granule outside Secure and Root is NS and the allocator holds
 * none of them. */
static void assert_all_given_back(struct host *h)
{
	assert_int_equal(h->granules_in_use, 0);
	for (uint64_t pa = h->map.dram.base; pa < h->map.secure.base; pa += GRANULE_SIZE)
		if (ccakit_pas_of(host_machine(h), pa) != CCAKIT_PAS_NS)
			fail_msg("PA 0x%llx is still %s", (unsigned long long)pa,
				 ccakit_pas_name(ccakit_pas_of(host_machine(h), pa)));
}

static const uint8_t page[GRANULE_SIZE] = { 1, 2, 3 };

static struct host_realm_layout layout(const struct host_image *images, size_t n)
{
	struct host_realm_layout l = {
		.realm = { .hash_algo = RMI_HASH_SHA_256 },
		.ram = { .ipa = 0x40000000, .len = 2 * MIB },
		.images = images,
		.nimages = n,
		.nrecs = 2,
		.pc = 0x40000000,
	};
	return l;
}

static void realms_built_and_destroyed_leave_nothing_behind(void **state)
{
	(void)state;
	struct host *h = host_on(16 * MIB);
	const struct host_image images[] = { { 0x40000000, page, sizeof(page), true },
					     { 0x40003000, page, sizeof(page), false } };
	struct host_realm_layout l = layout(images, 2);
	for (unsigned i = 0; i < 3; i++) {
		struct host_realm *r;
		if (host_realm_build(h, &l, &r) != 0)
			fail_msg("%s", host_error(h));
		assert_int_equal(host_realm_activate(h, r), 0);
		assert_int_equal(host_realm_destroy(h, r), 0);
		assert_all_given_back(h);
	}
	host_destroy(h);
}

static void running_out_of_granules_half_way_undoes_the_build(void **state)
{
	(void)state;
	struct host *h = host_on(4 * MIB); /* about 990 usable granules */
	static uint8_t big[600 * GRANULE_SIZE];
	const struct host_image images[] = { { 0x40000000, big, sizeof(big), true },
					     { 0x40300000, big, sizeof(big), true } };
	struct host_realm_layout l = layout(images, 2);
	l.ram.len = 4 * MIB;
	struct host_realm *r = NULL;
	int rc = host_realm_build(h, &l, &r);
	assert_int_equal(rc, -ENOMEM);
	assert_null(r);
	assert_non_null(strstr(host_error(h), "granule"));
	assert_all_given_back(h);
	host_destroy(h);
}

static void an_image_outside_the_protected_range_is_refused_before_any_rmi(void **state)
{
	(void)state;
	struct host *h = host_on(16 * MIB);
	const struct host_image images[] = { { 0x40000000, page, sizeof(page), true },
					     { UINT64_C(1) << 39, page, sizeof(page), true } };
	struct host_realm_layout l = layout(images, 2);
	struct host_realm *r = NULL;
	assert_int_equal(host_realm_build(h, &l, &r), -EINVAL);
	assert_null(r);
	assert_non_null(strstr(host_error(h), "protected IPA space"));
	assert_all_given_back(h);
	host_destroy(h);
}

static void an_rmm_refusal_undoes_the_build_and_names_the_call(void **state)
{
	(void)state;
	struct host *h = host_on(16 * MIB);
	const struct host_image images[] = { { 0x40000000, page, sizeof(page), true } };
	struct host_realm_layout l = layout(images, 1);
	l.realm.num_bps = 6; /* count - 1: more than the RMM offers (FEATURES) */
	struct host_realm *r = NULL;
	int rc = host_realm_build(h, &l, &r);
	assert_int_equal(host_rmi_status(rc), RMI_ERROR_INPUT);
	assert_null(r);
	assert_non_null(strstr(host_error(h), "RMI_REALM_CREATE"));
	assert_non_null(strstr(host_error(h), "RMI_ERROR_INPUT"));
	assert_all_given_back(h);
	host_destroy(h);
}

/* The RIPAS of one page, read back. */
static uint64_t ripas_at(struct host *h, struct host_realm *r, uint64_t ipa)
{
	uint64_t res[4];
	assert_int_equal(host_rmi(h, res, RMI_RTT_READ_ENTRY, 3, r->rd, ipa, UINT64_C(3)), 0);
	return res[3];
}

/* 2 MiB of RAM (one level-2 block) with one measured page at its start,
 * and two RECs. */
static struct host_realm *one_page_realm(struct host *h)
{
	static const struct host_image images[] = { { 0x40000000, page, sizeof(page), true } };
	struct host_realm_layout l = layout(images, 1);
	struct host_realm *r;
	if (host_realm_build(h, &l, &r) != 0)
		fail_msg("%s", host_error(h));
	return r;
}

/* A RIPAS change inside a 2 MiB RAM block: the host splits the block and
 * changes exactly the pages asked for. The realm's request is recorded
 * white-box here (a running realm makes it in the execution issue). */
static void ripas_change_splits_blocks_and_changes_just_the_range(void **state)
{
	(void)state;
	struct host *h = host_on(16 * MIB);
	struct tmach tw = { .m = host_machine(h) };
	struct host_realm *r = one_page_realm(h);
	uint64_t rec = r->recs[0].pa, done;
	wb_rec_set_ripas_request(&tw, rec, 0x40001000, 0x40003000, RIPAS_EMPTY, false);
	if (host_ripas_change(h, r, rec, 0x40001000, 0x40003000, &done) != 0)
		fail_msg("%s", host_error(h));
	assert_int_equal(done, 0x40003000);
	assert_int_equal(wb_rec_ripas_addr(&tw, rec), 0x40003000);
	assert_int_equal(ripas_at(h, r, 0x40000000), RIPAS_RAM);
	assert_int_equal(ripas_at(h, r, 0x40001000), RIPAS_EMPTY);
	assert_int_equal(ripas_at(h, r, 0x40002000), RIPAS_EMPTY);
	assert_int_equal(ripas_at(h, r, 0x40003000), RIPAS_RAM);
	assert_int_equal(host_realm_destroy(h, r), 0);
	assert_all_given_back(h);
	host_destroy(h);
}

/* A DESTROYED page stops the change unless the realm allowed it. */
static void ripas_change_stops_at_destroyed_unless_allowed(void **state)
{
	(void)state;
	struct host *h = host_on(16 * MIB);
	struct tmach tw = { .m = host_machine(h) };
	struct host_realm *r = one_page_realm(h);
	uint64_t rec = r->recs[0].pa, done, res[4];
	/* Destroying the DATA at 0x40000000 leaves it RIPAS DESTROYED. */
	assert_int_equal(host_rmi(h, res, RMI_DATA_DESTROY, 2, r->rd, UINT64_C(0x40000000)), 0);
	assert_int_equal(host_undelegate(h, res[0]), 0);
	r->ndata--; /* destroyed here, not by the host's teardown, which counts them */
	assert_int_equal(ripas_at(h, r, 0x40000000), RIPAS_DESTROYED);
	wb_rec_set_ripas_request(&tw, rec, 0x40000000, 0x40002000, RIPAS_RAM, false);
	assert_int_equal(host_ripas_change(h, r, rec, 0x40000000, 0x40002000, &done), 0);
	assert_int_equal(done, 0x40000000); /* no progress: the realm is told */
	wb_rec_set_ripas_request(&tw, rec, 0x40000000, 0x40002000, RIPAS_RAM, true);
	assert_int_equal(host_ripas_change(h, r, rec, 0x40000000, 0x40002000, &done), 0);
	assert_int_equal(done, 0x40002000);
	assert_int_equal(ripas_at(h, r, 0x40000000), RIPAS_RAM);
	assert_int_equal(host_realm_destroy(h, r), 0);
	assert_all_given_back(h);
	host_destroy(h);
}

/* PSCI exits: the realm's CPU_ON reaches the host (made white-box with the
 * RMM's own handler until realms run), the host completes it for the target
 * REC, which becomes runnable; SYSTEM_OFF is reported as the realm's end. */
static void psci_exits_are_completed_for_the_target_rec(void **state)
{
	(void)state;
	struct host *h = host_on(16 * MIB);
	struct tmach tw = { .m = host_machine(h) };
	struct host_realm *r = one_page_realm(h); /* two RECs */
	struct rec *caller = wb_rec(&tw, r->recs[0].pa);
	struct rd *rd = wb_rd(&tw, r->rd);
	struct psci_outcome o;
	enum host_psci_event ev;
	uint64_t x[4] = { PSCI_CPU_ON, r->recs[1].mpidr, 0x40000000, 7 };
	psci_handle(caller, rd, x, &o);
	assert_true(o.exit);
	assert_int_equal(host_psci_exit(h, r, r->recs[0].pa, o.gprs, &ev), 0);
	assert_int_equal(ev, HOST_PSCI_NONE);
	assert_true(wb_rec(&tw, r->recs[1].pa)->runnable);
	assert_int_equal(caller->regs.x[0], PSCI_SUCCESS);

	const uint64_t off[2] = { PSCI_SYSTEM_OFF, 0 }, bad[2] = { PSCI_CPU_ON, 0xff };
	assert_int_equal(host_psci_exit(h, r, r->recs[0].pa, off, &ev), 0);
	assert_int_equal(ev, HOST_PSCI_SYSTEM_OFF);
	assert_int_equal(host_psci_exit(h, r, r->recs[0].pa, bad, &ev), -EPROTO);
	assert_non_null(strstr(host_error(h), "no REC of this realm"));
	assert_int_equal(host_realm_destroy(h, r), 0);
	assert_all_given_back(h);
	host_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(realms_built_and_destroyed_leave_nothing_behind),
		cmocka_unit_test(running_out_of_granules_half_way_undoes_the_build),
		cmocka_unit_test(an_image_outside_the_protected_range_is_refused_before_any_rmi),
		cmocka_unit_test(an_rmm_refusal_undoes_the_build_and_names_the_call),
		cmocka_unit_test(ripas_change_splits_blocks_and_changes_just_the_range),
		cmocka_unit_test(ripas_change_stops_at_destroyed_unless_allowed),
		cmocka_unit_test(psci_exits_are_completed_for_the_target_rec),
	};
	return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}
