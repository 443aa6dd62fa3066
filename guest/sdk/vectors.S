/* The EL1 exception vector table (VBAR_EL1): 16 entries of 0x80 bytes, the
 * table 2 KiB aligned. Every entry saves x0/x1, names itself and joins the
 * common path, which saves a struct exception_frame (guest/exception.h) on
 * the current stack, calls guest_exception(frame) and returns with ERET to
 * frame->elr / frame->spsr, which the handler may have changed. */
#include "guest/exception.h"

.macro vector kind
	.balign	0x80
	sub	sp, sp, #EXCEPTION_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	exception_common
.endm

	.section .text.vectors, "ax", %progbits
	.balign	0x800
	.globl	guest_vectors
guest_vectors:
	/* Current EL with SP_EL0 (the SDK never runs on SP_EL0). */
	vector	EXCEPTION_KIND_CUR_SP0_SYNC
	vector	EXCEPTION_KIND_CUR_SP0_IRQ
	vector	EXCEPTION_KIND_CUR_SP0_FIQ
	vector	EXCEPTION_KIND_CUR_SP0_SERROR
	/* Current EL with SP_EL1: where the SDK's own code takes exceptions. */
	vector	EXCEPTION_KIND_CUR_SPX_SYNC
	vector	EXCEPTION_KIND_CUR_SPX_IRQ
	vector	EXCEPTION_KIND_CUR_SPX_FIQ
	vector	EXCEPTION_KIND_CUR_SPX_SERROR
	/* Lower EL, AArch64 and AArch32. */
	vector	EXCEPTION_KIND_LOWER64_SYNC
	vector	EXCEPTION_KIND_LOWER64_IRQ
	vector	EXCEPTION_KIND_LOWER64_FIQ
	vector	EXCEPTION_KIND_LOWER64_SERROR
	vector	EXCEPTION_KIND_LOWER32_SYNC
	vector	EXCEPTION_KIND_LOWER32_IRQ
	vector	EXCEPTION_KIND_LOWER32_FIQ
	vector	EXCEPTION_KIND_LOWER32_SERROR
	.balign	0x80
guest_vectors_end:

	.text
	.balign	4
	.type	exception_common, %function
exception_common:
	/* x0 = kind; x0/x1 of the interrupted code are at [sp]. */
	stp	x2, x3, [sp, #EXCEPTION_FRAME_X + 2 * 8]
	stp	x4, x5, [sp, #EXCEPTION_FRAME_X + 4 * 8]
	stp	x6, x7, [sp, #EXCEPTION_FRAME_X + 6 * 8]
	stp	x8, x9, [sp, #EXCEPTION_FRAME_X + 8 * 8]
	stp	x10, x11, [sp, #EXCEPTION_FRAME_X + 10 * 8]
	stp	x12, x13, [sp, #EXCEPTION_FRAME_X + 12 * 8]
	stp	x14, x15, [sp, #EXCEPTION_FRAME_X + 14 * 8]
	stp	x16, x17, [sp, #EXCEPTION_FRAME_X + 16 * 8]
	stp	x18, x19, [sp, #EXCEPTION_FRAME_X + 18 * 8]
	stp	x20, x21, [sp, #EXCEPTION_FRAME_X + 20 * 8]
	stp	x22, x23, [sp, #EXCEPTION_FRAME_X + 22 * 8]
	stp	x24, x25, [sp, #EXCEPTION_FRAME_X + 24 * 8]
	stp	x26, x27, [sp, #EXCEPTION_FRAME_X + 26 * 8]
	stp	x28, x29, [sp, #EXCEPTION_FRAME_X + 28 * 8]
	/* x30 and the interrupted SP (SP_EL1 before the frame was pushed). */
	add	x1, sp, #EXCEPTION_FRAME_SIZE
	stp	x30, x1, [sp, #EXCEPTION_FRAME_X + 30 * 8]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #EXCEPTION_FRAME_ELR]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #EXCEPTION_FRAME_ESR]
	str	x0, [sp, #EXCEPTION_FRAME_KIND]

	/* A frame record linking to the interrupted code's, so a backtrace
	 * taken in the handler continues past the exception. */
	ldr	x1, [sp, #EXCEPTION_FRAME_ELR]
	stp	x29, x1, [sp, #EXCEPTION_FRAME_RECORD]
	add	x29, sp, #EXCEPTION_FRAME_RECORD
	mov	x0, sp
	bl	guest_exception

	/* ELR and SPSR first: a handler skips an instruction by moving elr. */
	ldp	x1, x2, [sp, #EXCEPTION_FRAME_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #EXCEPTION_FRAME_X + 0 * 8]
	ldp	x2, x3, [sp, #EXCEPTION_FRAME_X + 2 * 8]
	ldp	x4, x5, [sp, #EXCEPTION_FRAME_X + 4 * 8]
	ldp	x6, x7, [sp, #EXCEPTION_FRAME_X + 6 * 8]
	ldp	x8, x9, [sp, #EXCEPTION_FRAME_X + 8 * 8]
	ldp	x10, x11, [sp, #EXCEPTION_FRAME_X + 10 * 8]
	ldp	x12, x13, [sp, #EXCEPTION_FRAME_X + 12 * 8]
	ldp	x14, x15, [sp, #EXCEPTION_FRAME_X + 14 * 8]
	ldp	x16, x17, [sp, #EXCEPTION_FRAME_X + 16 * 8]
	ldp	x18, x19, [sp, #EXCEPTION_FRAME_X + 18 * 8]
	ldp	x20, x21, [sp, #EXCEPTION_FRAME_X + 20 * 8]
	ldp	x22, x23, [sp, #EXCEPTION_FRAME_X + 22 * 8]
	ldp	x24, x25, [sp, #EXCEPTION_FRAME_X + 24 * 8]
	ldp	x26, x27, [sp, #EXCEPTION_FRAME_X + 26 * 8]
	ldp	x28, x29, [sp, #EXCEPTION_FRAME_X + 28 * 8]
	ldr	x30, [sp, #EXCEPTION_FRAME_X + 30 * 8]
	add	sp, sp, #EXCEPTION_FRAME_SIZE
	eret
	.size	exception_common, . - exception_common
