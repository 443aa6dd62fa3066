/* The VMM's MMIO bus, and the devices of ccakit's guest protocol
 * (include/ccakit/guest.h): the exit register and the test device. The PL011
 * console is in pl011.h. The host hands every emulatable MMIO exit to
 * vmm_mmio_read/write at the guest's address (the unprotected alias bit
 * already removed for a realm). */
#ifndef CCAKIT_VMM_MMIO_H
#define CCAKIT_VMM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/pl011.h"

#define VMM_MMIO_MAX_DEVICES 16

struct vmm_mmio_device {
	const char *name;
	uint64_t base;
	uint64_t size;
	/* offset within the device; size 1, 2, 4 or 8 */
	uint64_t (*read)(void *ctx, uint64_t offset, unsigned size);
	void (*write)(void *ctx, uint64_t offset, unsigned size, uint64_t value);
	void *ctx;
};

struct vmm_mmio_bus {
	struct vmm_mmio_device dev[VMM_MMIO_MAX_DEVICES];
	unsigned count;
	uint64_t unclaimed; /* accesses no device took */
};

void vmm_mmio_init(struct vmm_mmio_bus *bus);
/* Adds a device; -EEXIST if it overlaps one, -ENOSPC if the bus is full,
 * -EINVAL for an empty or wrapping range. */
int vmm_mmio_add(struct vmm_mmio_bus *bus, const struct vmm_mmio_device *dev);
/* A guest access. false: no device is there (the caller decides what the
 * guest sees; reads return 0 in *value). Sizes other than 1, 2, 4, 8 and
 * accesses crossing a device's end are refused the same way. */
bool vmm_mmio_read(struct vmm_mmio_bus *bus, uint64_t addr, unsigned size, uint64_t *value);
bool vmm_mmio_write(struct vmm_mmio_bus *bus, uint64_t addr, unsigned size, uint64_t value);

/* The exit register of a normal VM: a 32-bit write of the exit status. */
struct vmm_exit_reg {
	bool exited;
	uint32_t status;
};
int vmm_exit_reg_attach(struct vmm_mmio_bus *bus, struct vmm_exit_reg *reg);

/* The test device the mmio example checks. */
struct vmm_testdev {
	uint32_t scratch32;
	uint64_t scratch64;
	uint64_t ignored_writes; /* to read-only registers or at the wrong width */
};
int vmm_testdev_attach(struct vmm_mmio_bus *bus, struct vmm_testdev *dev);

/* The PL011 console at base (4 KiB). The attach functions return what
 * vmm_mmio_add does. */
int vmm_pl011_attach(struct vmm_mmio_bus *bus, struct vmm_pl011 *uart, uint64_t base);

#endif
