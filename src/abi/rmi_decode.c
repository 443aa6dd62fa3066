/* Names for RMI function IDs, arguments and status codes, expanded from the
 * one command list in rmi_commands.h. */
#include <stdio.h>

#include "ccakit/abi/rmi.h"
#include "abi/rmi_commands.h"
#include "ccakit/abi/smccc.h"
#include "ccakit/rmi.h"

#define RMI_NAME_ARRAYS(NAME, name, A, R)                                                   \
	static const char *const args_##name[] = RMI_NAME_ARRAY(A);                         \
	static const char *const results_##name[] = RMI_NAME_ARRAY(R);
RMI_COMMANDS(RMI_NAME_ARRAYS)

#define RMI_COMMAND_ENTRY(NAME, name, A, R)                                                 \
	{ RMI_##NAME, "RMI_" #NAME, RMI_LIST_COUNT(A), RMI_LIST_COUNT(R),                      \
	  args_##name, results_##name },

static const struct ccakit_rmi_command rmi_command_table[] = { RMI_COMMANDS(RMI_COMMAND_ENTRY) };

const struct ccakit_rmi_command *ccakit_rmi_command(uint64_t fid)
{
	uint32_t f = smccc_fid(fid);
	if ((fid >> 32) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(rmi_command_table) / sizeof(rmi_command_table[0]); i++)
		if (rmi_command_table[i].fid == f)
			return &rmi_command_table[i];
	return NULL;
}

const char *ccakit_rmi_status_name(uint64_t x0)
{
	static const char *const names[] = { "RMI_SUCCESS", "RMI_ERROR_INPUT", "RMI_ERROR_REALM",
					     "RMI_ERROR_REC", "RMI_ERROR_RTT" };
	if (x0 == SMC_UNKNOWN)
		return "SMC_UNKNOWN";
	unsigned s = rmi_return_status(x0);
	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "RMI_ERROR_UNKNOWN_STATUS";
}

int ccakit_rmi_format(char *buf, size_t len, const uint64_t in[18], const uint64_t out[18])
{
	const struct ccakit_rmi_command *c = ccakit_rmi_command(in[0]);
	size_t n = 0;
	int r;

#define APPEND(...)                                                                         \
	do {                                                                                \
		r = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, __VA_ARGS__);   \
		if (r < 0)                                                                  \
			return r;                                                           \
		n += (size_t)r;                                                             \
	} while (0)

	if (!c) {
		APPEND("SMC(0x%llx) = 0x%llx", (unsigned long long)in[0], (unsigned long long)out[0]);
		return (int)n;
	}
	APPEND("%s(", c->name);
	for (unsigned i = 0; i < c->nargs; i++)
		APPEND("%s%s=0x%llx", i ? ", " : "", c->args[i], (unsigned long long)in[1 + i]);
	APPEND(") = %s", ccakit_rmi_status_name(out[0]));
	if (out[0] != SMC_UNKNOWN && rmi_return_status(out[0]) == RMI_ERROR_RTT)
		APPEND(" (level %u)", rmi_return_index(out[0]));
	else if (out[0] != SMC_UNKNOWN && rmi_return_index(out[0]))
		APPEND(" (index %u)", rmi_return_index(out[0]));
	if (out[0] == RMI_SUCCESS)
		for (unsigned i = 0; i < c->nresults; i++)
			APPEND("%s%s=0x%llx", i ? ", " : " -> ", c->results[i],
			       (unsigned long long)out[1 + i]);
#undef APPEND
	return (int)n;
}
