/* void smc_call(struct smc_regs *regs)
 *
 * SMCCC 1.2: X0..X17 carry the arguments in and the results out; X18..X30
 * and SP are preserved by the callee. regs->x[0..17] are loaded, SMC #0 is
 * made, and all 18 results are stored back. x30 holds the regs pointer across
 * the call (the callee preserves it), so it is saved with the link address. */
	.text
	.globl	smc_call
	.type	smc_call, %function
	.balign	4
smc_call:
	stp	x0, x30, [sp, #-16]!
	mov	x30, x0
	ldp	x0, x1, [x30, #0 * 8]
	ldp	x2, x3, [x30, #2 * 8]
	ldp	x4, x5, [x30, #4 * 8]
	ldp	x6, x7, [x30, #6 * 8]
	ldp	x8, x9, [x30, #8 * 8]
	ldp	x10, x11, [x30, #10 * 8]
	ldp	x12, x13, [x30, #12 * 8]
	ldp	x14, x15, [x30, #14 * 8]
	ldp	x16, x17, [x30, #16 * 8]
	smc	#0
	stp	x0, x1, [x30, #0 * 8]
	stp	x2, x3, [x30, #2 * 8]
	stp	x4, x5, [x30, #4 * 8]
	stp	x6, x7, [x30, #6 * 8]
	stp	x8, x9, [x30, #8 * 8]
	stp	x10, x11, [x30, #10 * 8]
	stp	x12, x13, [x30, #12 * 8]
	stp	x14, x15, [x30, #14 * 8]
	stp	x16, x17, [x30, #16 * 8]
	ldr	x30, [sp, #8]
	add	sp, sp, #16
	ret
	.size	smc_call, . - smc_call
