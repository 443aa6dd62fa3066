/* The host: a machine, the PE the host runs on, RMI calls and their trace. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/smccc.h"
#include "ccakit/rmi.h"
#include "host/host_internal.h"

/* Trace layout: the call, then " = status" in a column (on a line of its own
 * when the call is longer), then any results on a continuation line:
 *
 *   RMI_DATA_DESTROY(rd=0x40002000, ipa=0x0)                      = RMI_SUCCESS
 *       -> data=0x40006000, top=0x1000
 */
#define TRACE_CALL_WIDTH 69

int host_fail(struct host *h, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return rc;
}

int host_reserve(struct host *h, void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n <= *cap)
		return 0;
	size_t want = *cap ? *cap * 2 : 16;
	while (want < n)
		want *= 2;
	void *p = realloc(*arr, want * elem);
	if (!p)
		return host_fail(h, -ENOMEM, "out of host memory for realm bookkeeping");
	*arr = p;
	*cap = want;
	return 0;
}

/* ---- trace ---- */

/* "RMI_X(args)" and " = STATUS..." of one decoded call. */
static void trace_split(const uint64_t in[18], const uint64_t out[18], char *buf, size_t len,
			int *call_len, const char **rest)
{
	ccakit_rmi_format(buf, len, in, out);
	const char *eq = strstr(buf, " = ");
	*call_len = eq ? (int)(eq - buf) : (int)strlen(buf);
	*rest = eq ? eq + 3 : "";
}

static void trace_print(FILE *f, const char *call, int call_len, const char *rest)
{
	const char *results = strstr(rest, " -> ");
	int status_len = results ? (int)(results - rest) : (int)strlen(rest);
	if (call_len > TRACE_CALL_WIDTH)
		fprintf(f, "  %.*s\n  %-*s = %.*s\n", call_len, call, TRACE_CALL_WIDTH, "",
			status_len, rest);
	else
		fprintf(f, "  %-*.*s = %.*s\n", TRACE_CALL_WIDTH, call_len, call, status_len, rest);
	if (results)
		fprintf(f, "      ->%s\n", results + 3);
}

static void trace_line(struct host *h, const uint64_t in[18], const uint64_t out[18])
{
	char buf[512];
	int call_len;
	const char *rest;
	trace_split(in, out, buf, sizeof(buf), &call_len, &rest);
	trace_print(h->trace, buf, call_len, rest);
}

/* Calls with one address argument and no results (GRANULE_DELEGATE and
 * the like) may be coalesced into a run. */
static bool trace_coalescible(const uint64_t in[18])
{
	const struct ccakit_rmi_command *c = ccakit_rmi_command(in[0]);
	return c && c->nargs == 1 && c->nresults == 0;
}

void host_trace_flush(struct host *h)
{
	if (!h->trace || !h->run.open)
		return;
	if (h->run.more) {
		char buf[512], more[96];
		int call_len;
		const char *rest;
		const struct ccakit_rmi_command *c = ccakit_rmi_command(h->run.in[0]);
		trace_split(h->run.in, h->run.out, buf, sizeof(buf), &call_len, &rest);
		int n = snprintf(more, sizeof(more), "  ... %u more, up to %s=0x%llx", h->run.more,
				 c->args[0], (unsigned long long)h->run.last_addr);
		trace_print(h->trace, more, n, rest);
	}
	h->run.open = false;
}

static void trace_call(struct host *h, const uint64_t in[18], const uint64_t out[18])
{
	if (h->run.open && in[0] == h->run.in[0] && out[0] == h->run.out[0] &&
	    in[1] == h->run.last_addr + GRANULE_SIZE) {
		h->run.more++;
		h->run.last_addr = in[1];
		return;
	}
	host_trace_flush(h);
	trace_line(h, in, out);
	if (trace_coalescible(in)) {
		memcpy(h->run.in, in, sizeof(h->run.in));
		memcpy(h->run.out, out, sizeof(h->run.out));
		h->run.last_addr = in[1];
		h->run.more = 0;
		h->run.open = true;
	}
}

/* ---- calls ---- */

int host_smc(struct host *h, struct ccakit_smc_regs *regs)
{
	uint64_t in[18];
	if (h->trace)
		memcpy(in, regs->x, sizeof(in));
	int rc = ccakit_smc(h->m, h->pe, regs);
	if (rc != 0)
		return host_fail(h, rc, "PE %u cannot take an SMC: %s", h->pe, strerror(-rc));
	if (h->trace)
		trace_call(h, in, regs->x);
	return 0;
}

int host_rmi(struct host *h, uint64_t res[4], uint32_t fid, unsigned nargs, ...)
{
	struct ccakit_smc_regs r = { .x = { fid } };
	uint64_t in[18];
	va_list ap;

	va_start(ap, nargs);
	for (unsigned i = 0; i < nargs && i < 17; i++)
		r.x[1 + i] = va_arg(ap, uint64_t);
	va_end(ap);
	memcpy(in, r.x, sizeof(in));

	int rc = host_smc(h, &r);
	if (rc != 0)
		return rc;
	if (res)
		memcpy(res, &r.x[1], 4 * sizeof(uint64_t));
	if (r.x[0] == RMI_SUCCESS)
		return 0;
	ccakit_rmi_format(h->err, sizeof(h->err), in, r.x);
	if (r.x[0] == SMC_UNKNOWN)
		return -ENOSYS;
	/* status | index << 8; nothing else is set by a conforming RMM. */
	return (int)(r.x[0] & 0xffff);
}

/* ---- the host ---- */

int host_create(const struct host_config *cfg, struct host **out, char *err, size_t errlen)
{
	struct host *h = calloc(1, sizeof(*h));
	uint64_t res[4];
	int rc;

	*out = NULL;
	if (!h) {
		snprintf(err, errlen, "out of host memory");
		return -ENOMEM;
	}
	rc = ccakit_machine_create(&cfg->machine, &h->m, err, errlen);
	if (rc != 0) {
		free(h);
		return rc;
	}
	ccakit_memory_map(h->m, &h->map);
	h->pe = cfg->pe;
	h->trace = cfg->trace;
	h->bump = h->map.dram.base;

	size_t granules = h->map.dram.size >> GRANULE_SHIFT;
	unsigned vmid_bits = cfg->machine.vmid_bits ? cfg->machine.vmid_bits : 16;
	h->vmid_count = 1u << vmid_bits;
	h->in_use = calloc((granules + 63) / 64, sizeof(uint64_t));
	h->vmids = calloc(h->vmid_count / 64, sizeof(uint64_t));
	if (!h->in_use || !h->vmids) {
		snprintf(err, errlen, "out of host memory");
		host_destroy(h);
		return -ENOMEM;
	}
	/* VMID 0 stays the host's own, as under KVM. */
	h->vmids[0] = 1;

	if (cfg->pe >= cfg->machine.pe_count) {
		snprintf(err, errlen, "the host cannot run on PE %u: the machine has %u PE%s", cfg->pe,
			 cfg->machine.pe_count, cfg->machine.pe_count == 1 ? "" : "s");
		host_destroy(h);
		return -EINVAL;
	}
	rc = host_rmi(h, res, RMI_VERSION, 1, RMI_ABI_VERSION);
	if (rc == 0)
		rc = host_rmi(h, res, RMI_FEATURES, 1, UINT64_C(0));
	if (rc != 0) {
		snprintf(err, errlen, "the RMM does not speak RMI 1.0: %s", h->err);
		host_destroy(h);
		return rc < 0 ? rc : -EPROTO;
	}
	h->feat0 = res[0];
	host_trace_flush(h);
	*out = h;
	return 0;
}

void host_destroy(struct host *h)
{
	if (!h)
		return;
	host_trace_flush(h);
	ccakit_machine_destroy(h->m);
	free(h->in_use);
	free(h->vmids);
	free(h);
}
