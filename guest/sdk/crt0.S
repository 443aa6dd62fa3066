/* Entry points of a ccakit guest.
 *
 * _start: the boot CPU, at EL1h with the MMU off and x0 = the device tree's
 * address, as arm64 Linux boots (guest/README.md). It is the first byte of
 * the image, so e_entry == GUEST_RAM_BASE.
 *
 * secondary_entry: where PSCI CPU_ON starts other CPUs, x0 = the context id,
 * which cpu_start makes the CPU's index and so its stack slot. */
#include "guest/cpu.h"

/* PSCI_CPU_OFF of ccakit/abi/psci.h (a C header, not usable here). */
#define PSCI_CPU_OFF_FID 0x84000002

	.section .text.boot, "ax", %progbits
	.globl _start
	.type _start, %function
_start:
	/* Keep the device tree address in a callee-saved register: x0..x2 are
	 * scratch below. */
	mov	x19, x0
	/* Nothing is ready to take an interrupt, and the stack is SP_EL1. */
	msr	daifset, #0xf
	msr	spsel, #1

	/* Zero .bss (the stacks included) before the first store to it. The
	 * loader zeroes it too, but a fresh image must not depend on that.
	 * The linker script aligns both ends to 16 bytes. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	adrp	x1, primary_stack_top
	add	x1, x1, :lo12:primary_stack_top
	mov	sp, x1
	/* A zero frame pointer ends the backtrace the exception report prints. */
	mov	x29, xzr
	mov	x30, xzr
	/* cpu_index() of the boot CPU. */
	msr	tpidr_el1, xzr
	adrp	x1, guest_vectors
	add	x1, x1, :lo12:guest_vectors
	msr	vbar_el1, x1
	isb

	mov	x0, x19
	bl	guest_start		/* never returns: it ends with SYSTEM_OFF */
3:	wfi
	b	3b
	.size _start, . - _start

	.text
	.globl secondary_entry
	.type secondary_entry, %function
	.balign 4
secondary_entry:
	msr	daifset, #0xf
	msr	spsel, #1
	mov	x19, x0
	/* Slots 1..GUEST_MAX_CPUS-1 have stacks; a CPU started with any other
	 * context id has none, so it powers itself off again untouched. */
	sub	x1, x0, #1
	cmp	x1, #(GUEST_MAX_CPUS - 1)
	b.hs	4f
	/* Slot i's stack is [secondary_stacks + (i-1)*SIZE, secondary_stacks + i*SIZE). */
	adrp	x1, secondary_stacks
	add	x1, x1, :lo12:secondary_stacks
	mov	x2, #GUEST_SECONDARY_STACK_SIZE
	madd	x1, x0, x2, x1
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	msr	tpidr_el1, x0
	adrp	x1, guest_vectors
	add	x1, x1, :lo12:guest_vectors
	msr	vbar_el1, x1
	isb

	mov	x0, x19
	bl	guest_secondary_start	/* never returns: it ends with CPU_OFF */
4:	movz	x0, #(PSCI_CPU_OFF_FID & 0xffff)
	movk	x0, #(PSCI_CPU_OFF_FID >> 16), lsl #16
	smc	#0
	wfi
	b	4b
	.size secondary_entry, . - secondary_entry

	/* Stacks grow down; 16-byte aligned as AAPCS64 requires of SP. */
	.section .bss.stacks, "aw", %nobits
	.balign 16
primary_stack:
	.skip	GUEST_PRIMARY_STACK_SIZE
primary_stack_top:
	.globl secondary_stacks
secondary_stacks:
	.skip	(GUEST_MAX_CPUS - 1) * GUEST_SECONDARY_STACK_SIZE
