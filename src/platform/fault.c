/* Granule protection faults of the normal world. The normal-world view's host
 * protection mirrors the GPT, so a stray access to a Realm, Secure or Root
 * granule faults in the host MMU; this handler turns that SIGSEGV into a
 * granule protection fault naming the PA and its PAS. Inside plat_nw_guard the
 * fault is returned to the caller; anywhere else it is reported on stderr and
 * the process dies of the SIGSEGV, as a real GPF would stop the offender. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "platform/platform.h"

struct guard {
	sigjmp_buf env;
	struct plat_gpf *gpf;
	struct guard *outer;
};

/* A retried access that keeps faulting at the same address means the view and
 * the GPT disagree: an invariant broke, so stop rather than spin. */
#define FAULT_RETRY_LIMIT 1000

static struct platform *_Atomic fault_plat;
static _Thread_local uint64_t retry_pa;
static _Thread_local unsigned retry_count;
static struct sigaction fault_previous;
static _Thread_local struct guard *volatile current_guard;

static bool fault_is_write(const void *uctx)
{
#if defined(__x86_64__)
	const ucontext_t *uc = uctx;
	return (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
#elif defined(__aarch64__)
	/* ESR_EL1.WnR is in the ESR record of the signal frame; report reads
	 * conservatively where it is not found. */
	const ucontext_t *uc = uctx;
	const struct _aarch64_ctx *h = (const void *)uc->uc_mcontext.__reserved;
	while (h->magic) {
		if (h->magic == ESR_MAGIC)
			return (((const struct esr_context *)h)->esr >> 6) & 1;
		h = (const void *)((const char *)h + h->size);
	}
	return false;
#else
	(void)uctx;
	return false;
#endif
}

static void write_str(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));
	(void)r;
}

static void write_hex(uint64_t v)
{
	char buf[19] = "0x";
	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	write_str(buf);
}

static void chain(int sig, siginfo_t *info, void *uctx)
{
	if (fault_previous.sa_flags & SA_SIGINFO) {
		if (fault_previous.sa_sigaction) {
			fault_previous.sa_sigaction(sig, info, uctx);
			return;
		}
	} else if (fault_previous.sa_handler != SIG_DFL && fault_previous.sa_handler != SIG_IGN) {
		fault_previous.sa_handler(sig);
		return;
	}
	/* Default action: return and let the access fault again, fatally. */
	signal(sig, SIG_DFL);
}

static void fault_handler(int sig, siginfo_t *info, void *uctx)
{
	struct platform *plat = atomic_load(&fault_plat);
	uint64_t pa = (uint64_t)(uintptr_t)info->si_addr;

	if (!plat || !plat_is_dram(plat, pa)) {
		chain(sig, info, uctx);
		return;
	}
	if (gpt_fault_fixup(plat, pa)) {
		retry_count = pa == retry_pa ? retry_count + 1 : 0;
		retry_pa = pa;
		if (retry_count < FAULT_RETRY_LIMIT)
			return;
		write_str("ccakit: internal error: the normal-world view keeps faulting at NS PA ");
		write_hex(pa);
		write_str("\n");
		abort();
	}

	struct plat_gpf gpf = {
		.pa = pa,
		.pas = plat_pas_of(plat, pa),
		.write = fault_is_write(uctx),
	};
	struct guard *g = current_guard;
	if (g) {
		*g->gpf = gpf;
		current_guard = g->outer;
		siglongjmp(g->env, 1);
	}
	write_str("ccakit: granule protection fault: normal-world ");
	write_str(gpf.write ? "write to" : "read of");
	write_str(" PA ");
	write_hex(pa);
	write_str(", a granule in the ");
	write_str(pas_name(gpf.pas));
	write_str(" PAS\n");
	signal(sig, SIG_DFL);
}

int fault_install(struct platform *plat, char *err, size_t errlen)
{
	struct platform *expected = NULL;
	if (!atomic_compare_exchange_strong(&fault_plat, &expected, plat)) {
		snprintf(err, errlen, "another ccakit machine is alive in this process");
		return -EBUSY;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &fault_previous) != 0) {
		atomic_store(&fault_plat, NULL);
		snprintf(err, errlen, "cannot install the fault handler: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

void fault_uninstall(struct platform *plat)
{
	if (atomic_load(&fault_plat) != plat)
		return;
	sigaction(SIGSEGV, &fault_previous, NULL);
	atomic_store(&fault_plat, NULL);
}

bool plat_nw_guard(struct platform *plat, plat_guarded_fn fn, void *arg, struct plat_gpf *gpf)
{
	struct guard g = { .gpf = gpf, .outer = current_guard };
	(void)plat;
	if (sigsetjmp(g.env, 1))
		return true;
	current_guard = &g;
	fn(arg);
	current_guard = g.outer;
	return false;
}
