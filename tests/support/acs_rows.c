#include "acs_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tmach *acs_current;

struct tmach *acs_machine(uint64_t dram_size)
{
	assert_null(acs_current);
	acs_current = tm_create(dram_size, 1);
	return acs_current;
}

void acs_machine_destroy(struct tmach *t)
{
	assert_ptr_equal(t, acs_current);
	acs_current = NULL;
	tm_destroy(t);
}

static int acs_teardown(void **state)
{
	(void)state;
	if (acs_current) {
		tm_destroy(acs_current);
		acs_current = NULL;
	}
	return 0;
}

int acs_run_group(const char *group, const struct acs_table *tables, size_t ntables,
		  const struct CMUnitTest *extra, size_t nextra)
{
	size_t n = nextra;
	for (size_t i = 0; i < ntables; i++)
		n += tables[i].count;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	char **names = calloc(n, sizeof(*names));
	size_t k = 0;
	if (!tests || !names)
		abort();
	for (size_t i = 0; i < ntables; i++) {
		for (size_t j = 0; j < tables[i].count; j++, k++) {
			const struct acs_row *row = &tables[i].rows[j];
			size_t len = strlen(tables[i].command) + strlen(row->label) +
				     strlen(row->stimulus) + 16;
			names[k] = malloc(len);
			if (!names[k])
				abort();
			snprintf(names[k], len, "%s_fails_%s_%s", tables[i].command, row->label,
				 row->stimulus);
			tests[k] = (struct CMUnitTest){
				.name = names[k],
				.test_func = tables[i].run,
				.teardown_func = acs_teardown,
				.initial_state = (void *)row,
			};
		}
	}
	for (size_t i = 0; i < nextra; i++, k++) {
		tests[k] = extra[i];
		tests[k].teardown_func = acs_teardown;
	}
	int rc = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}

static bool suffix_is(const char *rest, const char *what)
{
	return strcasecmp(rest, what) == 0;
}

bool acs_granule_stimulus(struct tmach *t, const struct tm_states *s, const char *arg,
			  const struct acs_row *row, uint64_t *addr)
{
	size_t len = strlen(arg);
	if (strncasecmp(row->stimulus, arg, len) != 0 || row->stimulus[len] != '_')
		return false;
	const char *rest = row->stimulus + len + 1;

	if (suffix_is(rest, "UNALIGNED")) {
		*addr += 0x800;
	} else if (suffix_is(rest, "DEV_MEM") || suffix_is(rest, "DEV_MEM_MMIO")) {
		*addr = PA_MMIO;
	} else if (suffix_is(rest, "OUTSIDE_OF_PERMITTED_PA") ||
		   suffix_is(rest, "OUTSIDE_PERMITTED_PA")) {
		*addr = PA_OUTSIDE;
	} else if (suffix_is(rest, "LPA2_PA")) {
		*addr = UINT64_C(1) << 48;
	} else if (suffix_is(rest, "PAS_REALM")) {
		*addr = tm_delegated(t);
	} else if (suffix_is(rest, "PAS_SECURE")) {
		*addr = tm_secure(t);
	} else {
		if (strncasecmp(rest, "GRAN_", 5) == 0)
			rest += 5;
		if (strncasecmp(rest, "STATE_", 6) != 0)
			return false;
		rest += 6;
		if (suffix_is(rest, "UNDELEGATED"))
			*addr = s->undelegated;
		else if (suffix_is(rest, "DELEGATED"))
			*addr = s->delegated;
		else if (suffix_is(rest, "RD"))
			*addr = s->rd;
		else if (suffix_is(rest, "REC"))
			*addr = s->rec;
		else if (suffix_is(rest, "RTT"))
			*addr = s->rtt;
		else if (suffix_is(rest, "DATA"))
			*addr = s->data;
		else
			return false;
	}
	return true;
}

void acs_assert_rtte(struct tmach *t, uint64_t rd, uint64_t ipa, int level, uint64_t walk_level,
		     uint64_t state, uint64_t desc, uint64_t ripas, const char *file, int line)
{
	struct rmi_out o;
	uint64_t x0 = rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, rd, ipa, (uint64_t)level);
	if (x0 != RMI_SUCCESS)
		fail_msg("%s:%d: RTT_READ_ENTRY(ipa 0x%llx, level %d) = %s (0x%llx)", file, line,
			 (unsigned long long)ipa, level, ccakit_rmi_status_name(x0),
			 (unsigned long long)x0);
	const uint64_t want[4] = { walk_level, state, desc, ripas };
	static const char *const names[4] = { "walk_level", "state", "desc", "ripas" };
	for (unsigned i = 0; i < 4; i++)
		if (want[i] != RTTE_ANY && o.x[i] != want[i])
			fail_msg("%s:%d: RTT_READ_ENTRY(ipa 0x%llx, level %d): %s = 0x%llx, expected "
				 "0x%llx (walk_level %llu state %llu desc 0x%llx ripas %llu)",
				 file, line, (unsigned long long)ipa, level, names[i],
				 (unsigned long long)o.x[i], (unsigned long long)want[i],
				 (unsigned long long)o.x[0], (unsigned long long)o.x[1],
				 (unsigned long long)o.x[2], (unsigned long long)o.x[3]);
}

uint64_t acs_delegated_2mib_run(struct tmach *t)
{
	const uint64_t block = UINT64_C(2) << 20;
	t->next = (t->next + block - 1) & ~(block - 1);
	if (t->next + block > t->limit)
		fail_msg("test machine has no free 2 MiB run of granules");
	uint64_t base = t->next;
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(tm_delegated(t), base + i * GRANULE_SIZE);
	return base;
}
