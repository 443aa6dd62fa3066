/* The ccakit guest SDK: everything a guest program includes.
 *
 * A program defines main; the SDK's entry code (crt0.S, start.c) sets up the
 * stack, vectors, realm detection and console, calls main with the device
 * tree's address, and reports main's return value as the exit status
 * (guest/README.md has the conventions). */
#ifndef GUEST_SDK_H
#define GUEST_SDK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/exception.h"
#include "guest/host.h"
#include "guest/irq.h"
#include "guest/mmio.h"
#include "ccakit/guest.h"
#include "guest/psci.h"
#include "guest/realm.h"
#include "guest/rsi.h"
#include "guest/smc.h"
#include "guest/string.h"
#include "guest/timer.h"

/* The program. fdt = the device tree the VMM gave in x0. */
int main(const void *fdt);

/* Ends the guest with status (ccakit/guest.h): host call or exit register,
 * then PSCI SYSTEM_OFF. May be called from any CPU, also from a handler. */
__attribute__((noreturn)) void guest_exit(int status);

/* Reports msg like an unhandled exception and exits with GUEST_EXIT_FAILURE. */
__attribute__((noreturn, format(printf, 1, 2))) void guest_panic(const char *fmt, ...);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
