/* White-box invariant checks of a whole machine: the RMM's granule metadata
 * against the GPT, the normal-world view, realm descriptors, RECs and every
 * RTT reachable from a realm. Call them only while no PE is executing an SMC
 * (for instance after worker threads have been joined). */
#ifndef CCAKIT_TEST_INVARIANTS_H
#define CCAKIT_TEST_INVARIANTS_H

#include "harness.h"

/* Fails the current test (listing what is wrong) unless:
 *  - every DRAM granule's RMM state agrees with its PAS: UNDELEGATED <=> NS,
 *    any other state <=> Realm; the monitor's Secure and Root granules are
 *    UNDELEGATED with PAS Secure / Root;
 *  - DELEGATED granules are all zero; no granule lock is held;
 *  - each RD's refcount is the number of RECs it owns, each REC names a live
 *    RD and owns its aux granules (each REC_AUX granule belongs to exactly one
 *    REC), no REC is running; VMIDs in use are exactly the RDs' VMIDs;
 *  - every RTT reachable from an RD (walking its tables) is in state RTT, is
 *    reached exactly once across all realms, and has refcount == its
 *    ASSIGNED and TABLE entries (ASSIGNED_NS does not make an RTT live, spec
 *    A5.5.8); every entry is a well-formed descriptor of its kind for its
 *    half of the IPA space; each ASSIGNED protected entry maps DATA
 *    granules, each DATA granule mapped exactly once across all realms; no
 *    RTT granule is unreachable;
 *  - the normal-world view faults on a sample of non-NS granules (with the
 *    right PA and PAS) and reads and writes a sample of NS ones. */
void tm_check_invariants(struct tmach *t);

/* Fails unless every DRAM granule is UNDELEGATED and NS (Secure and Root
 * granules: UNDELEGATED with their PAS), no lock is held, and the view agrees
 * on a sample of granules. */
void tm_check_all_undelegated(struct tmach *t);

/* Runs fn(arg) on a new host thread and waits for it. Guarded normal-world
 * accesses that fault are cheap there: on the main thread, AddressSanitizer
 * reads /proc/self/maps at every siglongjmp out of the fault handler (to
 * find the main stack), which costs milliseconds once the view is
 * fragmented into tens of thousands of mappings. fn must not use cmocka's
 * assertions. */
void tm_run_in_thread(void (*fn)(void *arg), void *arg);

#endif
