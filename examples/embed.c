/* Embedding ccakit: a CCA machine in your process, driven through the public
 * API only (include/ccakit/). Creates a machine, delegates granules, creates
 * a realm, shows that the normal world cannot read it, and destroys it.
 *
 *   cc embed.c -Iinclude -Lbuild -lccakit_core -lcrypto -lpthread
 *
 * Exit status 0 if every step did what the RMM specification says. */
#include <stdio.h>
#include <string.h>

#include <ccakit/machine.h>
#include <ccakit/rmi.h> /* the decoder, and <ccakit/abi/rmi.h>: FIDs, RmiRealmParams, ... */

static struct ccakit_machine *m;

/* One RMI call from PE 0, printed with the API's decoder; returns X0. */
static uint64_t rmi(uint32_t fid, uint64_t a1, uint64_t a2)
{
	struct ccakit_smc_regs r = { .x = { fid, a1, a2 } };
	uint64_t in[18];
	char line[256];

	memcpy(in, r.x, sizeof(in));
	if (ccakit_smc(m, 0, &r) != 0)
		return ~UINT64_C(0);
	ccakit_rmi_format(line, sizeof(line), in, r.x);
	printf("  %s\n", line);
	return r.x[0];
}

static void read_granule(void *p)
{
	volatile const uint64_t *x = p;
	(void)*x;
}

int main(void)
{
	struct ccakit_machine_config cfg = { .dram_size = 16 << 20, .pe_count = 1 };
	struct ccakit_memory_map map;
	char err[256];
	int failures = 0;

	if (ccakit_machine_create(&cfg, &m, err, sizeof(err)) != 0) {
		fprintf(stderr, "embed: %s\n", err);
		return 1;
	}
	ccakit_memory_map(m, &map);
	printf("DRAM 0x%llx, %llu MiB; Secure at 0x%llx, Root at 0x%llx\n",
	       (unsigned long long)map.dram.base, (unsigned long long)(map.dram.size >> 20),
	       (unsigned long long)map.secure.base, (unsigned long long)map.root.base);

	/* Three NS granules from the bottom of DRAM: the realm parameters
	 * (they stay NS), the RD and the starting-level RTT. */
	uint64_t params = map.dram.base, rd = params + GRANULE_SIZE, rtt = rd + GRANULE_SIZE;

	failures += rmi(RMI_VERSION, RMI_ABI_VERSION, 0) != RMI_SUCCESS;
	failures += rmi(RMI_GRANULE_DELEGATE, rd, 0) != RMI_SUCCESS;
	failures += rmi(RMI_GRANULE_DELEGATE, rtt, 0) != 0;
	printf("  the RD granule is now in the %s PAS\n", ccakit_pas_name(ccakit_pas_of(m, rd)));

	/* A 39-bit IPA space starts at level 1 with one table. */
	struct rmi_realm_params *p = ccakit_pa_to_ptr(m, params);
	memset(p, 0, sizeof(*p));
	p->s2sz = 39;
	p->num_bps = 1; /* encoded count - 1 */
	p->num_wps = 1;
	p->hash_algo = RMI_HASH_SHA_256;
	p->vmid = 1;
	p->rtt_base = rtt;
	p->rtt_level_start = 1;
	p->rtt_num_start = 1;
	failures += rmi(RMI_REALM_CREATE, rd, params) != 0;

	/* The normal world cannot read the realm's descriptor: the access
	 * takes a granule protection fault, caught by the guard. */
	struct ccakit_gpf gpf;
	if (ccakit_nw_guard(m, read_granule, ccakit_pa_to_ptr(m, rd), &gpf))
		printf("  granule protection fault: %s PA 0x%llx (%s PAS)\n",
		       gpf.write ? "write to" : "read of", (unsigned long long)gpf.pa,
		       ccakit_pas_name(gpf.pas));
	else
		failures++;

	failures += rmi(RMI_REALM_DESTROY, rd, 0) != 0;
	failures += rmi(RMI_GRANULE_UNDELEGATE, rd, 0) != 0;
	failures += rmi(RMI_GRANULE_UNDELEGATE, rtt, 0) != 0;
	failures += ccakit_pas_of(m, rd) != CCAKIT_PAS_NS || ccakit_pas_of(m, rtt) != CCAKIT_PAS_NS;

	ccakit_machine_destroy(m);
	printf("%s\n", failures ? "FAILED" : "done: every granule is back in the Non-secure PAS");
	return failures ? 1 : 0;
}
