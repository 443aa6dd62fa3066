/* Exceptions taken to EL1: the frame vectors.S saves, the syndrome decoding a
 * handler needs, and the one registrable handler for synchronous exceptions.
 *
 * A program that expects a fault (the faults example takes the synchronous
 * external abort the RMM injects for a RIPAS EMPTY access) registers a
 * handler; the handler looks at frame->esr/far/elr, and returns true after
 * fixing the frame (typically exception_skip_instruction) to resume, or false
 * to let the SDK report the exception and exit with GUEST_EXIT_EXCEPTION. */
#ifndef GUEST_EXCEPTION_H
#define GUEST_EXCEPTION_H

/* Vector-table entry index = kind: offset kind * 0x80 from VBAR_EL1. */
#define EXCEPTION_KIND_CUR_SP0_SYNC 0
#define EXCEPTION_KIND_CUR_SP0_IRQ 1
#define EXCEPTION_KIND_CUR_SP0_FIQ 2
#define EXCEPTION_KIND_CUR_SP0_SERROR 3
#define EXCEPTION_KIND_CUR_SPX_SYNC 4
#define EXCEPTION_KIND_CUR_SPX_IRQ 5
#define EXCEPTION_KIND_CUR_SPX_FIQ 6
#define EXCEPTION_KIND_CUR_SPX_SERROR 7
#define EXCEPTION_KIND_LOWER64_SYNC 8
#define EXCEPTION_KIND_LOWER64_IRQ 9
#define EXCEPTION_KIND_LOWER64_FIQ 10
#define EXCEPTION_KIND_LOWER64_SERROR 11
#define EXCEPTION_KIND_LOWER32_SYNC 12
#define EXCEPTION_KIND_LOWER32_IRQ 13
#define EXCEPTION_KIND_LOWER32_FIQ 14
#define EXCEPTION_KIND_LOWER32_SERROR 15

/* struct exception_frame's layout, for vectors.S. */
#define EXCEPTION_FRAME_X 0x000
#define EXCEPTION_FRAME_SP 0x0f8
#define EXCEPTION_FRAME_ELR 0x100
#define EXCEPTION_FRAME_SPSR 0x108
#define EXCEPTION_FRAME_ESR 0x110
#define EXCEPTION_FRAME_FAR 0x118
#define EXCEPTION_FRAME_KIND 0x120
#define EXCEPTION_FRAME_RECORD 0x130
#define EXCEPTION_FRAME_SIZE 0x140

/* ESR_ELx.EC values (Arm ARM D19.2, ESR_EL1). */
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_FP_ACCESS 0x07
#define ESR_EC_ILLEGAL_STATE 0x0e
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYSREG 0x18
#define ESR_EC_SVE 0x19
#define ESR_EC_IABT_LOWER 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOWER 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_FP_EXC64 0x2c
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BREAKPOINT_LOWER 0x30
#define ESR_EC_BREAKPOINT_CUR 0x31
#define ESR_EC_STEP_LOWER 0x32
#define ESR_EC_STEP_CUR 0x33
#define ESR_EC_WATCHPOINT_LOWER 0x34
#define ESR_EC_WATCHPOINT_CUR 0x35
#define ESR_EC_BRK64 0x3c

/* Abort ISS: fault status code (DFSC/IFSC) and a few bits. */
#define ESR_FSC_MASK 0x3f
#define ESR_FSC_SEA 0x10 /* synchronous external abort, not on a table walk */
#define ESR_ISS_WNR (1u << 6)
#define ESR_ISS_FNV (1u << 10) /* FAR not valid */
#define ESR_ISS_ISV (1u << 24)

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct exception_frame {
	uint64_t x[31];
	uint64_t sp;   /* SP_EL1 when the exception was taken */
	uint64_t elr;  /* ELR_EL1: written back before ERET */
	uint64_t spsr; /* SPSR_EL1: written back before ERET */
	uint64_t esr;  /* ESR_EL1 */
	uint64_t far;  /* FAR_EL1 */
	uint64_t kind; /* EXCEPTION_KIND_*: which vector */
	uint64_t pad;
	uint64_t record[2]; /* frame record {x29, elr} linking the backtrace */
};
_Static_assert(offsetof(struct exception_frame, x) == EXCEPTION_FRAME_X, "frame.x");
_Static_assert(offsetof(struct exception_frame, sp) == EXCEPTION_FRAME_SP, "frame.sp");
_Static_assert(offsetof(struct exception_frame, elr) == EXCEPTION_FRAME_ELR, "frame.elr");
_Static_assert(offsetof(struct exception_frame, spsr) == EXCEPTION_FRAME_SPSR, "frame.spsr");
_Static_assert(offsetof(struct exception_frame, esr) == EXCEPTION_FRAME_ESR, "frame.esr");
_Static_assert(offsetof(struct exception_frame, far) == EXCEPTION_FRAME_FAR, "frame.far");
_Static_assert(offsetof(struct exception_frame, kind) == EXCEPTION_FRAME_KIND, "frame.kind");
_Static_assert(offsetof(struct exception_frame, record) == EXCEPTION_FRAME_RECORD, "frame.record");
_Static_assert(sizeof(struct exception_frame) == EXCEPTION_FRAME_SIZE, "frame size");
_Static_assert(EXCEPTION_FRAME_SIZE % 16 == 0, "SP stays 16-byte aligned");

static inline unsigned esr_class(uint64_t esr)
{
	return (unsigned)(esr >> 26) & 0x3f;
}

static inline unsigned esr_fault_status(uint64_t esr)
{
	return (unsigned)esr & ESR_FSC_MASK;
}

/* A data or instruction abort, from this EL or a lower one. */
static inline bool esr_is_abort(uint64_t esr)
{
	unsigned ec = esr_class(esr);
	return ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOWER || ec == ESR_EC_IABT_CUR ||
	       ec == ESR_EC_IABT_LOWER;
}

/* Names for reports: "data abort (same EL)", "synchronous external abort". */
const char *esr_class_name(unsigned ec);
const char *esr_fault_status_name(unsigned fsc);
const char *exception_kind_name(uint64_t kind);

/* Resumes after the faulting instruction (A64 instructions are 4 bytes). */
static inline void exception_skip_instruction(struct exception_frame *frame)
{
	frame->elr += 4;
}

/* What a handler that takes expected faults keeps of them: how many, and
 * the syndrome of the last. */
struct exception_record {
	volatile unsigned count;
	volatile uint64_t esr, far, elr;
};

/* Records the frame in *r and resumes after the faulting instruction: the
 * whole job of such a handler once it has recognised its fault. Returns
 * true, the handler's own answer. */
static inline bool exception_record_and_skip(struct exception_frame *frame,
					     struct exception_record *r)
{
	r->esr = frame->esr;
	r->far = frame->far;
	r->elr = frame->elr;
	r->count++;
	exception_skip_instruction(frame);
	return true;
}

/* The handler for synchronous exceptions taken at EL1 (vector entries
 * CUR_SPX_SYNC and CUR_SP0_SYNC). NULL: none. Returns the previous one. */
typedef bool (*exception_handler)(struct exception_frame *frame);
exception_handler exception_set_handler(exception_handler fn);

/* Prints what the frame holds: kind, ESR decoded, FAR, ELR, SPSR, registers
 * and a frame-pointer backtrace. */
void exception_report(const struct exception_frame *frame);

/* Called by vectors.S for every exception. */
void guest_exception(struct exception_frame *frame);

#endif
#endif
