/* Table-driven failure-condition tests after the compliance suite's rows
 * (spec/rmi-failure-conditions.txt): each row becomes one cmocka test on its
 * own machine, named "<command>_fails_<label>_<STIMULUS>", so a conformance
 * table can map every row to the test that covers it. Plus the stimuli many
 * commands share, and RTT read-back helpers. */
#ifndef CCAKIT_TEST_ACS_ROWS_H
#define CCAKIT_TEST_ACS_ROWS_H

#include <stdbool.h>
#include <strings.h>

#include "harness.h"

/* One failure stimulus: the spec's failure label, the suite's stimulus name,
 * and the expected status and index. */
struct acs_row {
	const char *label;
	const char *stimulus;
	enum rmi_status status;
	unsigned index;
};

/* The rows of one command and the test function that runs one of them (it
 * finds its row in *state). */
struct acs_table {
	const char *command; /* test-name prefix, e.g. "rtt_create" */
	const struct acs_row *rows;
	size_t count;
	CMUnitTestFunction run;
};
#define ACS_TABLE(command, rows, run) { command, rows, sizeof(rows) / sizeof((rows)[0]), run }

/* Runs every row of every table, then the `extra` tests, as one group. Each
 * test gets acs_teardown, which destroys a machine the test left behind. */
int acs_run_group(const char *group, const struct acs_table *tables, size_t ntables,
		  const struct CMUnitTest *extra, size_t nextra);
#define ACS_RUN(group, tables, extra)                                                        \
	acs_run_group(group, tables, sizeof(tables) / sizeof((tables)[0]), extra,               \
		      sizeof(extra) / sizeof((extra)[0]))

/* A machine owned by the current test: acs_teardown destroys it if the test
 * failed before acs_machine_destroy. One machine per process at a time. */
struct tmach *acs_machine(uint64_t dram_size);
void acs_machine_destroy(struct tmach *t);

static inline bool acs_is(const struct acs_row *row, const char *stimulus)
{
	return strcasecmp(row->stimulus, stimulus) == 0;
}

/* Applies the stimulus to the granule argument named `arg` ("RD", "REC",
 * "RTT", "DATA", "SRC", ...) if the stimulus is one of:
 *   <arg>_UNALIGNED                      address + 0x800
 *   <arg>_DEV_MEM, <arg>_DEV_MEM_MMIO    PA_MMIO (the UART)
 *   <arg>_OUTSIDE[_OF]_PERMITTED_PA      PA_OUTSIDE
 *   <arg>_LPA2_PA                        1 << 48 (needs LPA2)
 *   <arg>_PAS_REALM, <arg>_PAS_SECURE    a delegated granule, the Secure granule
 *   <arg>_[GRAN_]STATE_<S>               a granule in state S (UNDELEGATED,
 *                                        DELEGATED, RD, REC, RTT, DATA) from
 *                                        `states` (tm_states_create)
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
