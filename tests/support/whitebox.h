/* White-box access for tests that need to see what only the RMM sees, or a
 * state they would otherwise have to build at length. Each use says why.
 * State a running realm makes (PSCI and RIPAS requests, SYSTEM_OFF, a REC
 * running on another PE) is made black-box by the realm's own code where
 * the tests need it (tests/support/agent.h). */
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
