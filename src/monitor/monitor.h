/* EL3 / Root world: SMC routing between worlds and the RMM-EL3 interface. */
#ifndef CCAKIT_MONITOR_H
#define CCAKIT_MONITOR_H

#include <pthread.h>

#include "ccakit/abi/smccc.h"
#include "lib/cose.h"
#include "platform/platform.h"

enum world {
	WORLD_NS,
	WORLD_REALM,
	WORLD_SECURE,
	WORLD_ROOT,
};

struct rmm;

/* What the machine's owner configures of the firmware. */
struct monitor_config {
	const char *cpak_path; /* NULL: a CPAK for this boot alone */
	bool cpak_create;      /* create cpak_path when it does not exist */
	bool token_cmw;        /* the RMM wraps tokens in a CMW collection */
};

/* The platform security processor's part (attest.c, cpak.c): the keys
 * never leave it but as the RMM-EL3 interface hands the RAK to the RMM. */
struct psp {
	pthread_mutex_t lock;
	cose_key *cpak;    /* loaded at boot, or made at first use (no file) */
	cose_key *rak;     /* made at the RMM's first request, once per boot */
	bool cpak_created; /* boot wrote a new key file */
};

struct monitor {
	struct platform *plat;
	struct rmm *rmm;
	uint64_t root_base;
	uint64_t root_size;
	uint64_t secure_base;
	uint64_t secure_size;
	struct psp psp;
};

/* Boots the machine's firmware: gives the top granules of DRAM to Root and
 * Secure, loads the CPAK, then boots the RMM. */
int monitor_boot(struct platform *plat, const struct monitor_config *cfg, struct monitor **out,
		 char *err, size_t errlen);
void monitor_shutdown(struct monitor *mon);

/* An SMC taken to EL3 from world `from` on PE `pe`: X0..X17 in and out. */
void monitor_smc(struct monitor *mon, enum world from, unsigned pe, struct smc_regs *regs);

/* ---- the platform security processor (cpak.c, attest.c) ---- */

/* Loads cfg's CPAK file, or creates it; an error names the file and what
 * is wrong with it. */
int psp_init(struct psp *psp, const struct monitor_config *cfg, char *err, size_t errlen);
void psp_fini(struct psp *psp);
/* The CPAK, made now if there is none yet (psp->lock held); NULL when out
 * of memory. */
cose_key *psp_cpak(struct psp *psp);
/* RMM_ATTEST_GET_REALM_KEY and RMM_ATTEST_GET_PLAT_TOKEN (X0..X3 in,
 * X0..X1 out). */
void psp_get_realm_key(struct monitor *mon, struct smc_regs *r);
void psp_get_plat_token(struct monitor *mon, struct smc_regs *r);

#endif
