/* Device register accessors.
 *
 * Each is one load or store of a single general-purpose register with a
 * plain base-register address (no writeback, no pair): the forms for which a
 * stage-2 data abort carries a valid instruction syndrome (ISV = 1), which a
 * realm's host needs to emulate the access. A compiler left to itself may
 * use LDP or writeback addressing, hence the inline assembly.
 *
 * In a realm, a device's address must be its unprotected alias: pass
 * device addresses through unprotected_alias() (guest/realm.h) first. */
#ifndef GUEST_MMIO_H
#define GUEST_MMIO_H

#include <stdint.h>

static inline uint8_t mmio_read8(uint64_t addr)
{
	uint32_t v;
	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint8_t)v;
}

static inline uint16_t mmio_read16(uint64_t addr)
{
	uint32_t v;
	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint16_t)v;
}

static inline uint32_t mmio_read32(uint64_t addr)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	uint64_t v;
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write8(uint64_t addr, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write16(uint64_t addr, uint16_t v)
{
	__asm__ volatile("strh %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

#endif
