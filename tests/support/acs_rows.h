/* Table-driven failure-condition tests after the compliance suite's rows
 * (spec/rmi-failure-conditions.txt): each row becomes one cmocka test on its
 * own machine, named "<command>_fails_<label>_<STIMULUS>", so a conformance
 * table (scripts/conformance-table) can map every row to the test that
 * covers it. Plus the stimuli many commands share, the suite's realm under
 * test, and RTT read-back helpers. */
#ifndef CCAKIT_TEST_ACS_ROWS_H
#define CCAKIT_TEST_ACS_ROWS_H

#include <stdbool.h>
#include <strings.h>

#include "harness.h"

/* One failure stimulus: the spec's failure label, the suite's stimulus name,
 * and the expected status and index. A row beyond the suite names the
 * failure condition it exercises as its label ("<a>_compare_<b>" when two
 * conditions hold at once, as the suite does). */
struct acs_row {
	const char *label;
	const char *stimulus;
	enum rmi_status status;
	unsigned index;
	/* Optional: the stimuli a combined stimulus applies, joined by '+'
	 * (e.g. "REALM_ACTIVE+MPIDR_SKIPPED"), for acs_has() and
	 * acs_granule_stimulus(). NULL: the stimulus itself. */
	const char *parts;
};

/* The rd_align and rd_state rows of every command that takes an RD (rd_bound
 * differs: the suite spells DEV_MEM and orders the rows per command). */
#define ACS_ROW_RD_ALIGN { "rd_align", "RD_UNALIGNED", RMI_ERROR_INPUT, 0 }
#define ACS_ROWS_RD_STATE                                                                    \
	{ "rd_state", "RD_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },                           \
	{ "rd_state", "RD_STATE_DELEGATED", RMI_ERROR_INPUT, 0 },                             \
	{ "rd_state", "RD_STATE_REC", RMI_ERROR_INPUT, 0 },                                   \
	{ "rd_state", "RD_STATE_RTT", RMI_ERROR_INPUT, 0 },                                   \
	{ "rd_state", "RD_STATE_DATA", RMI_ERROR_INPUT, 0 }

/* The params rows of REALM_CREATE and REC_CREATE. */
#define ACS_ROWS_PARAMS                                                                      \
	{ "params_align", "PARAMS_UNALIGNED", RMI_ERROR_INPUT, 0 },                           \
	{ "params_bound", "PARAMS_DEV_MEM", RMI_ERROR_INPUT, 0 },                             \
	{ "params_bound", "PARAMS_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },             \
	{ "params_pas", "PARAMS_PAS_REALM", RMI_ERROR_INPUT, 0 },                             \
	{ "params_pas", "PARAMS_PAS_SECURE", RMI_ERROR_INPUT, 0 }

/* The rows of one command and the test function that runs one of them (it
 * finds its row in *state). */
struct acs_table {
	const char *command; /* test-name prefix, e.g. "rtt_create" */
	const struct acs_row *rows;
	size_t count;
	CMUnitTestFunction run;
};
#define ACS_TABLE(command, rows, run) { command, rows, ARRAY_SIZE(rows), run }

/* Runs every row of every table, then the `extra` tests, as one group. Each
 * test gets acs_teardown, which destroys a machine the test left behind. A
 * row's test name is "<command>_fails_<label>_<stimulus>" with every
 * character other than [A-Za-z0-9_] (the suite's "calling state") made '_'. */
int acs_run_group(const char *group, const struct acs_table *tables, size_t ntables,
		  const struct CMUnitTest *extra, size_t nextra);
#define ACS_RUN(group, tables, extra)                                                        \
	acs_run_group(group, tables, ARRAY_SIZE(tables), extra, ARRAY_SIZE(extra))

/* A machine owned by the current test: acs_teardown destroys it if the test
 * failed before acs_machine_destroy. One machine per process at a time. */
struct tmach *acs_machine(uint64_t dram_size);
struct tmach *acs_machine_cfg(const struct ccakit_machine_config *cfg);
void acs_machine_destroy(struct tmach *t);

/* The suite's realm under test on a fresh acs_machine: s2sz 40, starting
 * level 0 (one start table), VMID 1, and a granule in every state (another
 * realm, VMID 2). */
struct acs_fx {
	struct tmach *t;
	struct trealm r;
	struct tm_states s;
};
void acs_fx_create(struct acs_fx *f, uint64_t dram_size);

static inline bool acs_is(const struct acs_row *row, const char *stimulus)
{
	return strcasecmp(row->stimulus, stimulus) == 0;
}

/* Whether the row applies `stimulus`: it is the row's stimulus, or one of
 * the row's parts. */
bool acs_has(const struct acs_row *row, const char *stimulus);

/* Fails the test: the runner has no code for this row. */
void acs_unknown_stimulus(const struct acs_row *row);

/* The RD of a destroyed realm ("Realm(rd).state = NULL", the _null rows):
 * s2sz 40, starting level 0, VMID `vmid` while it lived. */
uint64_t acs_null_realm_rd(struct tmach *t, uint16_t vmid);

/* Applies the stimulus (or the first of the row's parts that is one) to the
 * granule argument named `arg` ("RD", "REC", "RTT", "DATA", "SRC", ...) if
 * it is one of:
 *   <arg>_UNALIGNED                      address + 0x800
 *   <arg>_DEV_MEM, <arg>_DEV_MEM_MMIO    PA_MMIO (the UART)
 *   <arg>_OUTSIDE[_OF]_PERMITTED_PA      PA_OUTSIDE (also the suite's
 *                                        OUSIDE and OUT_OF spellings)
 *   <arg>_LPA2_PA                        1 << 48 (needs LPA2)
 *   <arg>_{PAS,GPT}_{REALM,SECURE,ROOT}  a delegated granule, the Secure,
 *                                        the Root granule
 *   <arg>_[[GRAN_]STATE_]<S>             a granule in state S (UNDELEGATED,
 *                                        DELEGATED, RD, REC, REC_AUX, RTT,
 *                                        DATA) from `states`
 *                                        (tm_states_create)
 * Returns whether it did. */
bool acs_granule_stimulus(struct tmach *t, const struct tm_states *states, const char *arg,
			  const struct acs_row *row, uint64_t *addr);

/* Asserts the row's expected status and index, naming the row on failure. */
#define assert_acs_row(x0, row)                                                             \
	do {                                                                                \
		uint64_t _x0r = (x0);                                                       \
		if (_x0r != rmi_return((row)->status, (row)->index))                          \
			fail_msg("%s (%s): expected %s index %u, got %s index %u (0x%llx)",      \
				 (row)->label, (row)->stimulus,                              \
				 ccakit_rmi_status_name(rmi_return((row)->status, 0)),       \
				 (row)->index, ccakit_rmi_status_name(_x0r & 0xff),           \
				 rmi_return_index(_x0r), (unsigned long long)_x0r);           \
	} while (0)

/* ---- RTT read-back ---- */

#define RTTE_ANY UINT64_MAX /* a field assert_rtte does not check */

/* RMI_RTT_READ_ENTRY(rd, ipa, level) must succeed with these outputs. */
#define assert_rtte(t, rd, ipa, level, walk_level, state, desc, ripas)                      \
	acs_assert_rtte(t, rd, ipa, level, walk_level, state, desc, ripas, __FILE__, __LINE__)
void acs_assert_rtte(struct tmach *t, uint64_t rd, uint64_t ipa, int level, uint64_t walk_level,
		     uint64_t state, uint64_t desc, uint64_t ripas, const char *file, int line);

/* Size of the IPA range one entry at `level` maps (4 KiB granule). */
static inline uint64_t acs_level_size(int level)
{
	return UINT64_C(1) << (12 + 9 * (3 - level));
}

/* 512 contiguous delegated granules starting at a 2 MiB-aligned PA (the bump
 * allocator skips to the next 2 MiB boundary; the skipped granules stay
 * UNDELEGATED). Returns the first PA. */
uint64_t acs_delegated_2mib_run(struct tmach *t);

#endif
