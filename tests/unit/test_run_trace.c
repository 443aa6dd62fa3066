/* `ccakit run --trace`: every RMI call, REC exit and RSI call, decoded, one
 * a line, as strace shows system calls. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "vmm/run.h"

static char *trace_of(const char *name)
{
	char path[512], err[VMM_RUN_ERR_MAX];
	snprintf(path, sizeof(path), "%s/%s.elf", CCAKIT_GUEST_DIR, name);
	struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = path,
				 .mem_size = VMM_MEM_DEFAULT, .cpus = 1, .trace = true };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct vmm_io io = { .console = NULL, .trace = f, .capture = 1 << 16 };
	struct vmm_run_result res;
	if (vmm_run(&o, &io, &res, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	vmm_run_result_free(&res);
	fclose(f);
	return text;
}

static void expect_line(const char *trace, const char *line)
{
	if (!strstr(trace, line))
		fail_msg("the trace lacks \"%s\"", line);
}

static void trace_shows_rsi_calls_with_their_results(void **state)
{
	(void)state;
	char *t = trace_of("ripas");
	expect_line(t, "RSI       rec=0 RSI_VERSION(0x10000) = RSI_SUCCESS (0x10000, 0x10000)\n");
	/* A call that needs the host says so; the REC_ENTER it ends and the
	 * exit follow. */
	expect_line(t, "RSI_IPA_STATE_SET(");
	expect_line(t, ") -> the host (REC exit)\n  RMI_REC_ENTER(");
	expect_line(t, "REC_EXIT  rec=0 reason=RIPAS_CHANGE");
	expect_line(t, "RSI_HOST_CALL(");
	free(t);
}

static void trace_shows_rmi_calls_and_rec_exits(void **state)
{
	(void)state;
	char *t = trace_of("hello");
	expect_line(t, "RMI_REALM_ACTIVATE(");
	expect_line(t, "RMI_REC_ENTER(");
	expect_line(t, "REC_EXIT  rec=0 reason=PSCI fid=0x84000008");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace_shows_rsi_calls_with_their_results),
		cmocka_unit_test(trace_shows_rmi_calls_and_rec_exits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
