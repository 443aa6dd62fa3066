/* White-box access for tests that need a state no host command can make yet,
 * or need to see what only the RMM sees. Each use says why; black-box
 * versions replace them as the missing pieces arrive (a running realm makes
 * RSI_IPA_STATE_SET requests and PSCI SYSTEM_OFF in the next issue). */
#ifndef CCAKIT_TEST_WHITEBOX_H
#define CCAKIT_TEST_WHITEBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"

struct granule;
struct rd;
struct rec;
struct rmm;

/* The system view (what the RMM sees) of a DRAM granule, whatever its PAS. */
void *wb_sys_ptr(struct tmach *t, uint64_t pa);

/* The RMM, a granule's metadata (state, refcount), and the realm descriptor
 * and REC a granule holds; dereferencing them needs "rmm/rmm.h". */
struct rmm *wb_rmm(struct tmach *t);
struct granule *wb_granule(struct tmach *t, uint64_t pa);
struct rd *wb_rd(struct tmach *t, uint64_t rd);
struct rec *wb_rec(struct tmach *t, uint64_t rec);

/* Puts a realm in SYSTEM_OFF, as a realm's PSCI_SYSTEM_OFF would. */
void wb_realm_set_system_off(struct tmach *t, uint64_t rd);

/* Records a pending RSI_IPA_STATE_SET request in a REC, as the RMM does when
 * the realm asks (the REC exits with RMI_EXIT_RIPAS_CHANGE). */
void wb_rec_set_ripas_request(struct tmach *t, uint64_t rec, uint64_t base, uint64_t top,
			      enum rmi_ripas ripas, bool change_destroyed);
/* Records a PSCI request of the REC forwarded to the host (CPU_ON,
 * AFFINITY_INFO), as the RMM does when the realm calls PSCI: the REC then
 * awaits RMI_PSCI_COMPLETE. */
void wb_rec_set_psci_request(struct tmach *t, uint64_t rec, uint64_t fid, uint64_t target_mpidr,
			     uint64_t entry, uint64_t context);

/* Marks a REC as running inside RMI_REC_ENTER on another PE (its granule's
 * refcount, as REC_ENTER sets it), or not. */
void wb_rec_set_running(struct tmach *t, uint64_t rec, bool running);

/* The REC's ripas_addr: how far RTT_SET_RIPAS has got. */
uint64_t wb_rec_ripas_addr(struct tmach *t, uint64_t rec);

/* A realm's RIM (measurement slot 0, 64 bytes, zero-padded for SHA-256). */
const uint8_t *wb_rim(struct tmach *t, uint64_t rd);
/* The RIM as lower-case hex of `len` bytes, for comparing with the spec's
 * reference vectors; buf needs 2 * len + 1 bytes. */
const char *wb_rim_hex(struct tmach *t, uint64_t rd, unsigned len, char *buf);

/* The stage-2 descriptor an RTT holds at `index`. */
uint64_t wb_rtte(struct tmach *t, uint64_t rtt, unsigned index);

#endif
