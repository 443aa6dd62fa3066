/* Test harness: a machine, a bump allocator of NS granules, RMI call helpers
 * and realm builders. Tests speak to the RMM only through the public API,
 * except white-box tests that include rmm/ headers on purpose. */
#ifndef CCAKIT_TEST_HARNESS_H
#define CCAKIT_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ccakit/abi/rmi.h"
#include "ccakit/machine.h"
#include "ccakit/rmi.h"

#define MIB (UINT64_C(1) << 20)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct tmach {
	struct ccakit_machine *m;
	struct ccakit_memory_map map;
	uint64_t next;      /* bump allocator over NS DRAM granules */
	uint64_t limit;
};

/* An RMI call's outcome: X0 and X1..X4. */
struct rmi_out {
	uint64_t x0;
	uint64_t x[4];
};

struct tmach *tm_create(uint64_t dram_size, unsigned pe_count);
struct tmach *tm_create_cfg(const struct ccakit_machine_config *cfg);
void tm_destroy(struct tmach *t);

/* X0 of an RMI call from PE 0 (or `pe`) with up to five arguments. */
uint64_t rmi(struct tmach *t, uint32_t fid, unsigned nargs, ...);
uint64_t rmi_pe(struct tmach *t, unsigned pe, struct rmi_out *out, uint32_t fid, unsigned nargs, ...);
uint64_t rmi_res(struct tmach *t, struct rmi_out *out, uint32_t fid, unsigned nargs, ...);

/* A fresh NS granule (zeroed), and one delegated to the Realm PAS. */
uint64_t tm_granule(struct tmach *t);
uint64_t tm_delegated(struct tmach *t);
static inline void *tm_ptr(struct tmach *t, uint64_t pa)
{
	return ccakit_pa_to_ptr(t->m, pa);
}

/* Whether n bytes at p are all zero. */
static inline bool tm_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Addresses every "_bound" test uses. */
#define PA_MMIO UINT64_C(0x09000000)                /* the UART: device memory */
#define PA_OUTSIDE (UINT64_C(1) << 47)              /* in the PA range, no DRAM */
static inline uint64_t tm_secure(struct tmach *t) { return t->map.secure.base; }
static inline uint64_t tm_root(struct tmach *t) { return t->map.root.base; }

/* A realm and the granules it was built from. */
struct trealm {
	uint64_t rd;
	uint64_t rtt_base;
	unsigned rtt_num_start;
	int level_start;
	unsigned s2sz;
	uint64_t params; /* NS granule holding the RmiRealmParams used */
	/* What tm_* helpers created, for tm_realm_teardown. */
	unsigned nrecs, ndata, nrtts;
	uint64_t recs[8];
	uint64_t rec_aux[8][RMI_MAX_REC_AUX_GRANULES];
	uint64_t data_ipa[64];
	uint64_t data_pa[64];
	struct { uint64_t ipa, pa; int level; } rtts[32];
};

/* Fills an RmiRealmParams granule: valid defaults (SHA-256, num_bps and
 * num_wps 1) with the given shape, VMID and fresh delegated RTTs. */
uint64_t tm_realm_params(struct tmach *t, struct trealm *r, unsigned s2sz, int level_start,
			 unsigned hash_algo, uint16_t vmid);
/* Creates a realm (asserts success). s2sz 40, start level 1 when 0 given. */
void tm_realm_create(struct tmach *t, struct trealm *r, unsigned s2sz, int level_start,
		     uint16_t vmid);
/* REALM_ACTIVATE (asserts success). */
void tm_realm_activate(struct tmach *t, uint64_t rd);
/* RTT_CREATE for every level from start+1 down to `level` over ipa. */
void tm_rtt_map_to(struct tmach *t, struct trealm *r, uint64_t ipa, int level);
/* A REC (index = current count) with its aux granules; returns the REC PA. */
uint64_t tm_rec_create(struct tmach *t, struct trealm *r, uint64_t mpidr, uint64_t flags,
		       uint64_t *aux_out);
/* The same, starting at pc with X0..X7 = gprs (NULL: zeros), as
 * RmiRecParams gives them: the black-box way to point a REC at its code. */
uint64_t tm_rec_create_at(struct tmach *t, struct trealm *r, uint64_t mpidr, uint64_t flags,
			  uint64_t pc, const uint64_t gprs[8], uint64_t *aux_out);
/* An NS granule holding RmiRecParams (flags, mpidr, pc 0, GPRs 0) with 16
 * fresh delegated aux granules, also returned in aux_out unless NULL. */
uint64_t tm_rec_params(struct tmach *t, uint64_t mpidr, uint64_t flags, uint64_t *aux_out);
/* Instructions realms run in tests. */
#define A64_WFI UINT32_C(0xd503207f)
#define A64_WFE UINT32_C(0xd503205f)
#define A64_SMC0 UINT32_C(0xd4000003)
#define A64_B_SELF UINT32_C(0x14000000)
/* A measured DATA page at ipa (level-3 RTTs made as needed, RIPAS RAM)
 * holding the granule at content; returns its PA. */
uint64_t tm_data_page(struct tmach *t, struct trealm *r, uint64_t ipa, const void *content);
/* A page of code at ipa (realm NEW): RTTs down to level 3, RIPAS RAM, then
 * DATA holding insns[0..n) followed by WFIs. Returns the DATA granule. */
uint64_t tm_code_page(struct tmach *t, struct trealm *r, uint64_t ipa, const uint32_t *insns,
		      unsigned n);
/* The run page's enter part for a plain entry with `flags`. */
void tm_run_prepare(struct tmach *t, uint64_t run, uint64_t flags);
/* DATA_CREATE of a measured zero page at ipa (RTTs must reach level 3). */
uint64_t tm_data_create(struct tmach *t, struct trealm *r, uint64_t ipa);

/* Leaves the protected entry at ipa (RTTs must reach level 3) UNASSIGNED with
 * RIPAS DESTROYED, as after a realm's RAM was taken back: DATA_CREATE then
 * DATA_DESTROY; the DATA granule stays DELEGATED and r forgets it. */
void tm_ripas_destroyed(struct tmach *t, struct trealm *r, uint64_t ipa);

/* Records a DATA granule at ipa, or a REC with its aux granules, created
 * outside the tm_* helpers, for tm_realm_teardown. */
void tm_realm_track_data(struct trealm *r, uint64_t ipa, uint64_t data);
void tm_realm_track_rec(struct trealm *r, uint64_t rec, const uint64_t aux[RMI_MAX_REC_AUX_GRANULES]);
/* Forgets the DATA granule at ipa (the test destroyed it); returns its PA. */
uint64_t tm_realm_untrack_data(struct trealm *r, uint64_t ipa);

/* Full teardown of everything in a realm, then REALM_DESTROY and undelegate of
 * every granule it used. Asserts each step. */
void tm_realm_teardown(struct tmach *t, struct trealm *r);

/* Asserts that X0 is status with index. */
#define assert_rmi(x0, status, index)                                                       \
	do {                                                                                \
		uint64_t _x0 = (x0);                                                        \
		if (_x0 != rmi_return((status), (index)))                                   \
			fail_msg("expected %s index %u, got %s (0x%llx)",                        \
				 ccakit_rmi_status_name(rmi_return((status), 0)), (unsigned)(index), \
				 ccakit_rmi_status_name(_x0), (unsigned long long)_x0);           \
	} while (0)

/* One granule in each RMM state, for the "_state" failure rows: a NEW realm
 * (s2sz 40, start level 1, VMID `vmid`) with RTTs down to level 3 over IPA 0,
 * a DATA granule at IPA 0 and a runnable REC 0 with its aux granules, plus
 * an NS (UNDELEGATED) and a DELEGATED granule. */
struct tm_states {
	struct trealm r;
	uint64_t undelegated;
	uint64_t delegated;
	uint64_t rd;      /* = r.rd */
	uint64_t rtt;     /* a starting-level RTT of r (= r.rtt_base) */
	uint64_t rtt3;    /* the level-3 RTT over IPA 0 */
	uint64_t data;    /* DATA at IPA 0 */
	uint64_t rec;     /* REC 0 */
	uint64_t rec_aux; /* REC 0's first aux granule */
};
void tm_states_create(struct tmach *t, struct tm_states *s, uint16_t vmid);

#endif
