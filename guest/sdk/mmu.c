/* Stage-1 tables for the guest's own MMU (guest/mmu.h). 4 KiB granule,
 * 48-bit VAs: four levels, 9 VA bits each from bit 39 down to bit 12. */
#include "guest/mmu.h"
#include "guest/string.h"

/* Enough for an identity map of RAM and a few devices in TTBR0 and a
 * handful of upper-range mappings: each distinct 512 GiB, 1 GiB and 2 MiB
 * region costs one table. Only images that map anything link it. */
#define MMU_POOL_TABLES 32
#define ENTRIES 512

#define DESC_VALID (UINT64_C(1) << 0)
#define DESC_TABLE (UINT64_C(1) << 1) /* table (levels 0-2) or page (level 3) */
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (UINT64_C(3) << 8)
#define DESC_AF (UINT64_C(1) << 10)
#define DESC_PXN (UINT64_C(1) << 53)
#define DESC_UXN (UINT64_C(1) << 54)
#define DESC_ADDR_MASK UINT64_C(0x0000fffffffff000)

/* MAIR_EL1 attribute indices: 0 Normal inner/outer write-back
 * read/write-allocate, 1 Device-nGnRnE. */
#define MAIR_NORMAL_WB 0xffu
#define MAIR_DEVICE_NGNRNE 0x00u
#define ATTR_NORMAL 0
#define ATTR_DEVICE 1

#define TCR_T0SZ(n) ((uint64_t)(n) << 0)
#define TCR_IRGN0_WB (UINT64_C(1) << 8)
#define TCR_ORGN0_WB (UINT64_C(1) << 10)
#define TCR_SH0_INNER (UINT64_C(3) << 12)
#define TCR_TG0_4K (UINT64_C(0) << 14)
#define TCR_T1SZ(n) ((uint64_t)(n) << 16)
#define TCR_IRGN1_WB (UINT64_C(1) << 24)
#define TCR_ORGN1_WB (UINT64_C(1) << 26)
#define TCR_SH1_INNER (UINT64_C(3) << 28)
#define TCR_TG1_4K (UINT64_C(2) << 30) /* TG1 encodes 4 KiB as 0b10, not 0b00 */
#define TCR_IPS_SHIFT 32

#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_I (UINT64_C(1) << 12)

static uint64_t pool[MMU_POOL_TABLES][ENTRIES] __attribute__((aligned(MMU_PAGE_SIZE)));
static unsigned pool_used;

static uint64_t *table_alloc(void)
{
	if (pool_used == MMU_POOL_TABLES)
		return NULL;
	uint64_t *t = pool[pool_used++];
	memset(t, 0, MMU_PAGE_SIZE);
	return t;
}

bool mmu_tables_init(struct mmu_tables *t)
{
	uint64_t *lo = table_alloc(), *hi = table_alloc();
	if (!lo || !hi)
		return false;
	t->ttbr0 = (uintptr_t)lo;
	t->ttbr1 = (uintptr_t)hi;
	return true;
}

static uint64_t leaf_attrs(enum mmu_kind kind)
{
	switch (kind) {
	case MMU_RAM_RWX:
		return DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_AF | DESC_UXN;
	case MMU_RAM_RW:
		return DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_AF | DESC_UXN | DESC_PXN;
	default:
		return DESC_ATTR(ATTR_DEVICE) | DESC_AF | DESC_UXN | DESC_PXN;
	}
}

/* Index of va's entry in its level's table. */
static unsigned index_at(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (3 - level))) & (ENTRIES - 1);
}

/* The entry that maps va at `level` (2 for a block, 3 for a page),
 * creating the tables above it. NULL if the pool ran out or a block is in
 * the way. */
static uint64_t *entry_for(uint64_t root, uint64_t va, int level)
{
	uint64_t *table = (uint64_t *)(uintptr_t)root;
	for (int l = 0; l < level; l++) {
		uint64_t *e = &table[index_at(va, l)];
		if (!(*e & DESC_VALID)) {
			uint64_t *next = table_alloc();
			if (!next)
				return NULL;
			*e = (uintptr_t)next | DESC_TABLE | DESC_VALID;
		} else if (!(*e & DESC_TABLE)) {
			return NULL;
		}
		table = (uint64_t *)(uintptr_t)(*e & DESC_ADDR_MASK);
	}
	return &table[index_at(va, level)];
}

static bool set_leaf(uint64_t *e, uint64_t desc)
{
	if (!e || ((*e & DESC_VALID) && *e != desc))
		return false;
	*e = desc;
	return true;
}

bool mmu_map(const struct mmu_tables *t, uint64_t va, uint64_t ipa, uint64_t size,
	     enum mmu_kind kind)
{
	bool upper = (va >> 55) & 1;
	uint64_t root = upper ? t->ttbr1 : t->ttbr0;
	uint64_t last = va + size - 1;
	uint64_t attrs = leaf_attrs(kind);

	if (((va | ipa | size) & (MMU_PAGE_SIZE - 1)) || !size || last < va)
		return false;
	/* Both ends in the chosen range: bits [63:48] all equal to bit 55. */
	if ((va >> MMU_VA_BITS) != (upper ? 0xffff : 0) ||
	    (last >> MMU_VA_BITS) != (upper ? 0xffff : 0))
		return false;
	while (size) {
		bool block = !((va | ipa) & (MMU_BLOCK_SIZE - 1)) && size >= MMU_BLOCK_SIZE;
		uint64_t step = block ? MMU_BLOCK_SIZE : MMU_PAGE_SIZE;
		uint64_t desc = ipa | attrs | DESC_VALID | (block ? 0 : DESC_TABLE);
		if (!set_leaf(entry_for(root, va, block ? 2 : 3), desc))
			return false;
		va += step;
		ipa += step;
		size -= step;
	}
	return true;
}

void mmu_enable(const struct mmu_tables *t)
{
	uint64_t mmfr0, sctlr;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	/* IPS = PARange: the PE's own PA size, which covers every IPA. */
	uint64_t tcr = TCR_T0SZ(64 - MMU_VA_BITS) | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER |
		       TCR_TG0_4K | TCR_T1SZ(64 - MMU_VA_BITS) | TCR_IRGN1_WB | TCR_ORGN1_WB |
		       TCR_SH1_INNER | TCR_TG1_4K | (mmfr0 & 7) << TCR_IPS_SHIFT;
	uint64_t mair = MAIR_NORMAL_WB << (8 * ATTR_NORMAL) | MAIR_DEVICE_NGNRNE << (8 * ATTR_DEVICE);

	/* The tables must be in memory before the walker reads them. */
	__asm__ volatile("dsb ishst" ::: "memory");
	__asm__ volatile("msr mair_el1, %0" ::"r"(mair));
	__asm__ volatile("msr tcr_el1, %0" ::"r"(tcr));
	__asm__ volatile("msr ttbr0_el1, %0" ::"r"(t->ttbr0));
	__asm__ volatile("msr ttbr1_el1, %0" ::"r"(t->ttbr1));
	__asm__ volatile("isb; tlbi vmalle1; dsb nsh; isb" ::: "memory");
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	__asm__ volatile("msr sctlr_el1, %0; isb" ::"r"(sctlr) : "memory");
}
