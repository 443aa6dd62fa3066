#include "acs_rows.h"

#include "agent.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

static struct tmach *acs_current;

struct tmach *acs_machine_cfg(const struct ccakit_machine_config *cfg)
{
	assert_null(acs_current);
	acs_current = tm_create_cfg(cfg);
	return acs_current;
}

struct tmach *acs_machine(uint64_t dram_size)
{
	struct ccakit_machine_config cfg = { .dram_size = dram_size, .pe_count = 1 };
	return acs_machine_cfg(&cfg);
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
	ta_spin_abandon(); /* a REC left running on another PE by a failed test */
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
			for (char *c = names[k]; *c; c++)
				if (!isalnum((unsigned char)*c))
					*c = '_';
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

void acs_fx_create(struct acs_fx *f, uint64_t dram_size)
{
	f->t = acs_machine(dram_size);
	tm_realm_create(f->t, &f->r, 40, 0, 1);
	tm_states_create(f->t, &f->s, 2);
}

void acs_unknown_stimulus(const struct acs_row *row)
{
	fail_msg("no stimulus for %s (%s)", row->label, row->stimulus);
}

uint64_t acs_null_realm_rd(struct tmach *t, uint16_t vmid)
{
	struct trealm n;
	tm_realm_create(t, &n, 40, 0, vmid);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, n.rd), RMI_SUCCESS, 0);
	return n.rd;
}

/* Calls fn on each '+'-separated part of the row's parts (or on its
 * stimulus) until it returns true. */
static bool each_part(const struct acs_row *row, bool (*fn)(const char *part, void *ctx), void *ctx)
{
	const char *p = row->parts ? row->parts : row->stimulus;
	char part[128];
	while (*p) {
		size_t len = strcspn(p, "+");
		if (len >= sizeof(part))
			fail_msg("stimulus part too long in %s", p);
		memcpy(part, p, len);
		part[len] = '\0';
		if (fn(part, ctx))
			return true;
		p += len;
		if (*p == '+')
			p++;
	}
	return false;
}

static bool part_is(const char *part, void *want)
{
	return strcasecmp(part, want) == 0;
}

bool acs_has(const struct acs_row *row, const char *stimulus)
{
	return acs_is(row, stimulus) || each_part(row, part_is, (void *)stimulus);
}

static bool suffix_is(const char *rest, const char *what)
{
	return strcasecmp(rest, what) == 0;
}

/* A granule in the named state, or 0. */
static uint64_t granule_in_state(const struct tm_states *s, const char *state)
{
	static const struct { const char *name; size_t offset; } states[] = {
		{ "UNDELEGATED", offsetof(struct tm_states, undelegated) },
		{ "DELEGATED", offsetof(struct tm_states, delegated) },
		{ "RD", offsetof(struct tm_states, rd) },
		{ "REC", offsetof(struct tm_states, rec) },
		{ "REC_AUX", offsetof(struct tm_states, rec_aux) },
		{ "RTT", offsetof(struct tm_states, rtt) },
		{ "DATA", offsetof(struct tm_states, data) },
	};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (suffix_is(state, states[i].name))
			return *(const uint64_t *)((const char *)s + states[i].offset);
	return 0;
}

struct granule_stimulus {
	struct tmach *t;
	const struct tm_states *s;
	const char *arg;
	uint64_t *addr;
};

static bool granule_stimulus_part(const char *stimulus, void *ctx)
{
	const struct granule_stimulus *g = ctx;
	size_t len = strlen(g->arg);
	if (strncasecmp(stimulus, g->arg, len) != 0 || stimulus[len] != '_')
		return false;
	const char *rest = stimulus + len + 1;

	if (suffix_is(rest, "UNALIGNED")) {
		*g->addr += 0x800;
	} else if (suffix_is(rest, "DEV_MEM") || suffix_is(rest, "DEV_MEM_MMIO")) {
		*g->addr = PA_MMIO;
	} else if (suffix_is(rest, "OUTSIDE_OF_PERMITTED_PA") ||
		   suffix_is(rest, "OUTSIDE_PERMITTED_PA") ||
		   suffix_is(rest, "OUSIDE_OF_PERMITTED_PA") ||
		   suffix_is(rest, "OUT_OF_PERMITTED_PA")) {
		*g->addr = PA_OUTSIDE;
	} else if (suffix_is(rest, "LPA2_PA")) {
		*g->addr = UINT64_C(1) << 48;
	} else if (suffix_is(rest, "PAS_REALM") || suffix_is(rest, "GPT_REALM")) {
		*g->addr = tm_delegated(g->t);
	} else if (suffix_is(rest, "PAS_SECURE") || suffix_is(rest, "GPT_SECURE")) {
		*g->addr = tm_secure(g->t);
	} else if (suffix_is(rest, "PAS_ROOT") || suffix_is(rest, "GPT_ROOT")) {
		*g->addr = tm_root(g->t);
	} else {
		if (strncasecmp(rest, "GRAN_", 5) == 0)
			rest += 5;
		if (strncasecmp(rest, "STATE_", 6) == 0)
			rest += 6;
		uint64_t pa = granule_in_state(g->s, rest);
		if (!pa)
			return false;
		*g->addr = pa;
	}
	return true;
}

bool acs_granule_stimulus(struct tmach *t, const struct tm_states *s, const char *arg,
			  const struct acs_row *row, uint64_t *addr)
{
	struct granule_stimulus g = { t, s, arg, addr };
	return each_part(row, granule_stimulus_part, &g);
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
