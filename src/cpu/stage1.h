/* The guest's own stage-1 translation (the EL1&0 regime), redone in
 * software. unicorn stops on a stage-1 abort without writing ESR_EL1 or
 * FAR_EL1 (docs/unicorn-notes.md), so the RMM repeats the walk to learn the
 * fault status code and level the hardware would have reported, and injects
 * the abort itself. */
#ifndef CCAKIT_CPU_STAGE1_H
#define CCAKIT_CPU_STAGE1_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/fsc.h"

/* PAMax of the engine: unicorn 2.0.1's "max" CPU reports
 * ID_AA64MMFR0_EL1.PARange = 0b0100, a 44-bit physical address size, which
 * bounds every stage-1 output address (measured: ID_AA64MMFR0_EL1 reads
 * 0x1124). */
#define S1_PAMAX 44

/* The guest's EL1&0 translation controls. Of SCTLR_EL1 the walk uses M, WXN
 * and EE. */
struct s1_regime {
	uint64_t sctlr_el1, tcr_el1, ttbr0_el1, ttbr1_el1;
};

/* An atomic read-modify-write is S1_WRITE: in this regime every writable
 * mapping is also readable, so its write check is the whole check. */
enum s1_access { S1_READ, S1_WRITE, S1_EXEC };

/* Reads the 8 bytes of a translation table entry at an IPA (through stage 2)
 * as a little-endian value; false when stage 2 faults on that read. */
typedef bool (*s1_read_fn)(void *ctx, uint64_t ipa, uint64_t *desc);

struct s1_result {
	bool fault;        /* false: the access is permitted, oa is its IPA */
	bool s1ptw;        /* stage 2 faulted reading the table entry at walk_ipa;
			      fsc is 0: the stage-2 syndrome is the caller's */
	unsigned fsc;      /* FSC_*() of a stage-1 fault (cpu/fsc.h) */
	int level;         /* the fault's level (for s1ptw, the lookup level) */
	uint64_t oa;       /* output address (IPA) of a permitted access */
	uint64_t walk_ipa; /* the table entry stage 2 faulted on */
};

/* Translates `va` for an access of kind `acc`. `el0` is an unprivileged
 * access (made at EL0, or LDTR/STTR at EL1 with PSTATE.UAO clear), `pan` is
 * PSTATE.PAN (the caller passes false for accesses PAN does not restrict,
 * such as DC and AT). Finding no fault where the engine stopped on one means
 * the tables changed in between (the engine caches no faults), so the
 * access can simply be retried. */
void s1_translate(const struct s1_regime *r, uint64_t va, enum s1_access acc, bool el0, bool pan,
		  s1_read_fn read, void *ctx, struct s1_result *out);

#endif
