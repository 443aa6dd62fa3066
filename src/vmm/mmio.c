/* The MMIO bus and the guest-protocol devices. */
#include <errno.h>
#include <string.h>

#include "ccakit/guest.h"
#include "vmm/mmio.h"

void vmm_mmio_init(struct vmm_mmio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int vmm_mmio_add(struct vmm_mmio_bus *bus, const struct vmm_mmio_device *dev)
{
	if (dev->size == 0 || dev->base + dev->size < dev->base)
		return -EINVAL;
	for (unsigned i = 0; i < bus->count; i++) {
		const struct vmm_mmio_device *d = &bus->dev[i];
		if (dev->base < d->base + d->size && d->base < dev->base + dev->size)
			return -EEXIST;
	}
	if (bus->count == VMM_MMIO_MAX_DEVICES)
		return -ENOSPC;
	bus->dev[bus->count++] = *dev;
	return 0;
}

static struct vmm_mmio_device *find(struct vmm_mmio_bus *bus, uint64_t addr, unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return NULL;
	for (unsigned i = 0; i < bus->count; i++) {
		struct vmm_mmio_device *d = &bus->dev[i];
		if (addr >= d->base && addr - d->base < d->size && size <= d->size - (addr - d->base))
			return d;
	}
	return NULL;
}

bool vmm_mmio_read(struct vmm_mmio_bus *bus, uint64_t addr, unsigned size, uint64_t *value)
{
	struct vmm_mmio_device *d = find(bus, addr, size);
	*value = 0;
	if (!d || !d->read) {
		bus->unclaimed++;
		return false;
	}
	*value = d->read(d->ctx, addr - d->base, size);
	if (size < 8)
		*value &= (UINT64_C(1) << (8 * size)) - 1;
	return true;
}

bool vmm_mmio_write(struct vmm_mmio_bus *bus, uint64_t addr, unsigned size, uint64_t value)
{
	struct vmm_mmio_device *d = find(bus, addr, size);
	if (!d || !d->write) {
		bus->unclaimed++;
		return false;
	}
	if (size < 8)
		value &= (UINT64_C(1) << (8 * size)) - 1;
	d->write(d->ctx, addr - d->base, size, value);
	return true;
}

/* ---- the exit register ---- */

static void exit_reg_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	struct vmm_exit_reg *reg = ctx;
	/* One 32-bit store at offset 0; anything else is not an exit. */
	if (offset == 0 && size == 4 && !reg->exited) {
		reg->exited = true;
		reg->status = (uint32_t)value;
	}
}

static uint64_t exit_reg_read(void *ctx, uint64_t offset, unsigned size)
{
	(void)ctx;
	(void)offset;
	(void)size;
	return 0;
}

int vmm_exit_reg_attach(struct vmm_mmio_bus *bus, struct vmm_exit_reg *reg)
{
	struct vmm_mmio_device d = {
		.name = "exit", .base = GUEST_EXIT_MMIO_ADDR, .size = GUEST_EXIT_MMIO_SIZE,
		.read = exit_reg_read, .write = exit_reg_write, .ctx = reg,
	};
	memset(reg, 0, sizeof(*reg));
	return vmm_mmio_add(bus, &d);
}

/* ---- the test device ---- */

/* Registers are 8 bytes apart; a read at any width within one returns its
 * low bytes (the bus masks them). */
static uint64_t testdev_read(void *ctx, uint64_t offset, unsigned size)
{
	struct vmm_testdev *t = ctx;
	(void)size;
	switch (offset & ~UINT64_C(7)) {
	case TESTDEV_ID: return TESTDEV_ID_VALUE;
	case TESTDEV_MAGIC: return TESTDEV_MAGIC_VALUE;
	case TESTDEV_SCRATCH32: return t->scratch32;
	case TESTDEV_SCRATCH64: return t->scratch64;
	default: return 0;
	}
}

static void testdev_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	struct vmm_testdev *t = ctx;
	if (offset == TESTDEV_SCRATCH32 && size == 4)
		t->scratch32 = (uint32_t)value;
	else if (offset == TESTDEV_SCRATCH64 && size == 8)
		t->scratch64 = value;
	else
		t->ignored_writes++;
}

int vmm_testdev_attach(struct vmm_mmio_bus *bus, struct vmm_testdev *dev)
{
	struct vmm_mmio_device d = {
		.name = "testdev", .base = GUEST_TESTDEV_BASE, .size = GUEST_TESTDEV_SIZE,
		.read = testdev_read, .write = testdev_write, .ctx = dev,
	};
	memset(dev, 0, sizeof(*dev));
	return vmm_mmio_add(bus, &d);
}

/* ---- the console ---- */

static uint64_t pl011_bus_read(void *ctx, uint64_t offset, unsigned size)
{
	return vmm_pl011_read(ctx, offset, size);
}

static void pl011_bus_write(void *ctx, uint64_t offset, unsigned size, uint64_t value)
{
	vmm_pl011_write(ctx, offset, size, value);
}

int vmm_pl011_attach(struct vmm_mmio_bus *bus, struct vmm_pl011 *uart, uint64_t base)
{
	struct vmm_mmio_device d = {
		.name = "pl011", .base = base, .size = 0x1000,
		.read = pl011_bus_read, .write = pl011_bus_write, .ctx = uart,
	};
	return vmm_mmio_add(bus, &d);
}
