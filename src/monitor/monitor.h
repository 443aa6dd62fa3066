/* EL3 / Root world: SMC routing between worlds and the RMM-EL3 interface. */
#ifndef CCAKIT_MONITOR_H
#define CCAKIT_MONITOR_H

#include "ccakit/abi/smccc.h"
#include "platform/platform.h"

enum world {
	WORLD_NS,
	WORLD_REALM,
	WORLD_SECURE,
	WORLD_ROOT,
};

struct rmm;

struct monitor {
	struct platform *plat;
	struct rmm *rmm;
	uint64_t root_base;
	uint64_t root_size;
	uint64_t secure_base;
	uint64_t secure_size;
};

/* Boots the machine's firmware: gives the top granules of DRAM to Root and
 * Secure, then boots the RMM. */
int monitor_boot(struct platform *plat, struct monitor **out, char *err, size_t errlen);
void monitor_shutdown(struct monitor *mon);

/* An SMC taken to EL3 from world `from` on PE `pe`: X0..X17 in and out. */
void monitor_smc(struct monitor *mon, enum world from, unsigned pe, struct smc_regs *regs);

#endif
