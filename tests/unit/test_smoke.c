/* The first whole path: version, a realm with RTTs, data and a REC,
 * activate, teardown, and a granule protection fault. */
#include "harness.h"

#include <string.h>

static void rmi_version_reports_1_0(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_VERSION, 1, RMI_ABI_VERSION), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 0x10000);
	assert_int_equal(o.x[1], 0x10000);
	tm_destroy(t);
}

static void realm_lifecycle_builds_and_tears_down(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	tm_rtt_map_to(t, &r, 0, 3);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, r.rd, 0, 4 * GRANULE_SIZE), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 4 * GRANULE_SIZE);
	tm_data_create(t, &r, 0);
	tm_rec_create(t, &r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, r.rd), RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r.rd, 0, 3), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 3);
	assert_int_equal(o.x[1], RMI_ASSIGNED);
	assert_int_equal(o.x[2], r.data_pa[0]);
	assert_int_equal(o.x[3], RIPAS_RAM);
	tm_realm_teardown(t, &r);
	tm_destroy(t);
}

static void touch(void *p)
{
	*(volatile uint8_t *)p = 1;
}

static void normal_world_write_to_delegated_granule_faults(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	uint64_t pa = tm_delegated(t);
	struct ccakit_gpf gpf;
	assert_true(ccakit_nw_guard(t->m, touch, tm_ptr(t, pa), &gpf));
	assert_int_equal(gpf.pa, pa);
	assert_int_equal(gpf.pas, CCAKIT_PAS_REALM);
	assert_true(gpf.write);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
	assert_false(ccakit_nw_guard(t->m, touch, tm_ptr(t, pa), &gpf));
	tm_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rmi_version_reports_1_0),
		cmocka_unit_test(realm_lifecycle_builds_and_tears_down),
		cmocka_unit_test(normal_world_write_to_delegated_granule_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
