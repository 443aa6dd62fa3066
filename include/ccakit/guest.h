/* The contract between a ccakit guest and the VMM/host that runs it: where the
 * image lives, how the guest reports its exit status, the host-call
 * immediates and the test devices the examples use. guest/README.md explains
 * each. Only constants and stdint.h, so the guest SDK, ccakit's VMM and
 * anyone writing their own guest or host share the one definition. */
#ifndef CCAKIT_GUEST_H
#define CCAKIT_GUEST_H

#include <stdint.h>

/* Guest RAM starts at the virt board's DRAM base; every example is linked to
 * run there, entry point first (ELF e_entry == GUEST_RAM_BASE). */
#define GUEST_RAM_BASE UINT64_C(0x40000000)

/* The console, when the device tree names none (virt's PL011). */
#define GUEST_UART_BASE UINT64_C(0x09000000)

/* ---- exit status ----
 * main's return value (or guest_exit's argument), as a 32-bit value
 * zero-extended to 64 bits, reaches the host:
 *   in a realm:     RSI_HOST_CALL, imm GUEST_HOST_CALL_EXIT, gprs[0] = status;
 *   in a normal VM: a 32-bit write of status to GUEST_EXIT_MMIO_ADDR;
 * then, in both, PSCI SYSTEM_OFF with X1 = status (PSCI ignores X1; it is
 * there for a host that sees the registers of the SYSTEM_OFF call). */
#define GUEST_EXIT_MMIO_ADDR UINT64_C(0x09100000)
#define GUEST_EXIT_MMIO_SIZE UINT64_C(0x1000)

/* Statuses the SDK itself reports (small numbers, so that they survive being
 * turned into a process exit code). */
#define GUEST_EXIT_SUCCESS 0
#define GUEST_EXIT_FAILURE 1
#define GUEST_EXIT_SKIPPED 77    /* the example does not apply here (automake's "skip") */
#define GUEST_EXIT_EXCEPTION 236 /* 0xEC: an exception no handler took */
#define GUEST_EXIT_INIT_FAILED 237 /* 0xED: the SDK could not start (RSI_REALM_CONFIG failed) */

/* ---- RSI_HOST_CALL immediates (RsiHostCall.imm) ---- */
/* The realm is about to SYSTEM_OFF: gprs[0] = exit status. The host answers
 * nothing (it may simply re-enter). */
#define GUEST_HOST_CALL_EXIT 0xCC01
/* A message for the host in a shared page (ripas example): gprs[0] = its
 * unprotected IPA (page-aligned), gprs[1] = its length in bytes (at most
 * GUEST_SHARED_REPLY_OFFSET). The host answers gprs[0] = the length of a reply
 * it wrote at offset GUEST_SHARED_REPLY_OFFSET of the same page (0: none,
 * at most GUEST_SHARED_REPLY_MAX). */
#define GUEST_HOST_CALL_SHARED_MESSAGE 0xCC02
#define GUEST_SHARED_REPLY_OFFSET 0x800
#define GUEST_SHARED_REPLY_MAX 0x7ff
/* The challenge the user wants in the realm's attestation token (`ccakit
 * run --challenge HEX`): nothing goes in. The host answers gprs[0..7] = the
 * 64-byte challenge as little-endian words (byte i in bits 8*(i%8) of
 * gprs[i/8]), gprs[8] = 1 if the user gave it, 0 if the VMM made one up
 * (random, and told on its stderr). The same challenge for every call of
 * one run. */
#define GUEST_HOST_CALL_CHALLENGE 0xCC03
#define GUEST_CHALLENGE_SIZE 64
/* A part of the guest's attestation token for the host (`ccakit run
 * --token-out FILE`): gprs[0] = its offset in the token, gprs[1] = the
 * token's total length (1..GUEST_TOKEN_MAX), gprs[2] = bytes in this part
 * (1..GUEST_TOKEN_PART_MAX), gprs[3..29] = the bytes, little-endian as
 * above. Parts come in order: offset 0 starts a token (dropping any earlier
 * one), each next part starts where the last ended, with the same total;
 * the token is complete when total bytes have come. The host answers
 * gprs[0] = GUEST_TOKEN_PART_OK, or an error below for a part it refused,
 * having changed nothing. */
#define GUEST_HOST_CALL_TOKEN_PART 0xCC04
#define GUEST_TOKEN_PART_MAX (27 * 8)
#define GUEST_TOKEN_MAX 0x10000
#define GUEST_TOKEN_PART_OK 0
#define GUEST_TOKEN_PART_BAD_OFFSET 1 /* not where the token goes on, or past its end */
#define GUEST_TOKEN_PART_BAD_LENGTH 2 /* 0 or more than GUEST_TOKEN_PART_MAX bytes */
#define GUEST_TOKEN_PART_TOO_LARGE 3  /* a total of 0 or more than GUEST_TOKEN_MAX */

/* ---- the test device (mmio example) ----
 * One 4 KiB frame, little-endian registers. Every register may be read with a
 * 1, 2, 4 or 8-byte access at its offset, giving the low bytes of its value;
 * the SCRATCH registers are written at their own width and read back what was
 * last written (reset 0). Writes to read-only registers are ignored. */
#define GUEST_TESTDEV_BASE UINT64_C(0x09101000)
#define GUEST_TESTDEV_SIZE UINT64_C(0x1000)
#define TESTDEV_ID 0x000        /* RO, 32-bit */
#define TESTDEV_MAGIC 0x008     /* RO, 64-bit */
#define TESTDEV_SCRATCH32 0x010 /* RW, 32-bit */
#define TESTDEV_SCRATCH64 0x018 /* RW, 64-bit */
#define TESTDEV_ID_VALUE UINT32_C(0x7e57de71)
#define TESTDEV_MAGIC_VALUE UINT64_C(0x0123456789abcdef)

#endif
