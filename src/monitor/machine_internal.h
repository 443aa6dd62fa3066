/* White-box access to a machine's worlds, for ccakit's own tests and tools
 * (never part of the public API). */
#ifndef CCAKIT_MACHINE_INTERNAL_H
#define CCAKIT_MACHINE_INTERNAL_H

#include "ccakit/machine.h"
#include "monitor/monitor.h"

struct platform *ccakit_machine_platform(struct ccakit_machine *m);
struct monitor *ccakit_machine_monitor(struct ccakit_machine *m);

#endif
