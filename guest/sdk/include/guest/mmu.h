/* Stage-1 translation tables for the guest's own MMU (the EL1&0 regime):
 * 4 KiB granules and 48-bit VAs in both ranges, as arm64 Linux configures
 * them. TTBR0_EL1 translates [0, 2^48), TTBR1_EL1 [0xffff_0000_0000_0000,
 * 2^64); a kernel runs from the upper range.
 *
 * Tables come from a static pool in .bss: they are built with the MMU off
 * (addresses are IPAs then) and stay reachable afterwards only if the caller
 * identity-maps RAM through TTBR0, which code turning the MMU on needs
 * anyway. Addresses handed to the RMM or the host (RSI buffers, host calls)
 * are IPAs, so the SDK's own calls must be made from identity-mapped code:
 * an address taken by code running at a high alias is that alias. */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdbool.h>
#include <stdint.h>

#define MMU_PAGE_SIZE UINT64_C(0x1000)
#define MMU_BLOCK_SIZE UINT64_C(0x200000) /* a level-2 block */
#define MMU_VA_BITS 48
/* The first address of the upper (TTBR1) range with 48-bit VAs. */
#define MMU_UPPER_BASE UINT64_C(0xffff000000000000)

/* What a mapping is: its memory type (MAIR_EL1 index) and permissions. */
enum mmu_kind {
	MMU_RAM_RWX, /* Normal write-back memory, EL1 read/write/execute */
	MMU_RAM_RW,  /* the same, not executable */
	MMU_DEVICE,  /* Device-nGnRnE, never executable */
};

struct mmu_tables {
	uint64_t ttbr0; /* level-0 table of the lower range (an IPA) */
	uint64_t ttbr1; /* level-0 table of the upper range */
};

/* Two empty level-0 tables. False if the pool is exhausted. */
bool mmu_tables_init(struct mmu_tables *t);

/* Maps [va, va + size) to [ipa, ipa + size) in the range va selects (bit
 * 55), with 2 MiB blocks where both are aligned, 4 KiB pages elsewhere.
 * va, ipa and size are 4 KiB aligned; va lies in one range. False if they
 * are not, if the range is already mapped differently, or if the pool ran
 * out of tables. */
bool mmu_map(const struct mmu_tables *t, uint64_t va, uint64_t ipa, uint64_t size,
	     enum mmu_kind kind);

/* MAIR_EL1, TCR_EL1 (T0SZ = T1SZ = 16, 4 KiB granules: TG0 = 0b00 but
 * TG1 = 0b10, IPS = the PE's PA size), both TTBRs, then SCTLR_EL1.M, C and
 * I. The caller must be running from an identity mapping. */
void mmu_enable(const struct mmu_tables *t);

#endif
