/* The software stage-1 walk of the guest's EL1&0 regime, over page tables
 * the tests build in their own memory. */
#include <string.h>

#include "harness.h"

#include "cpu/stage1.h"

#define BIT(n) (UINT64_C(1) << (n))

/* The tables live at IPA MEM_BASE; reads at FAULT_BASE fault at stage 2. */
#define MEM_BASE UINT64_C(0x40000000)
#define MEM_SIZE (UINT64_C(1) << 21)
#define FAULT_BASE UINT64_C(0x80000000)

/* SCTLR_EL1 */
#define M BIT(0)
#define WXN BIT(19)
#define EE BIT(25)

/* TCR_EL1 */
#define T0SZ(n) ((uint64_t)(n))
#define T1SZ(n) ((uint64_t)(n) << 16)
#define TG0_4K (UINT64_C(0) << 14)
#define TG0_64K (UINT64_C(1) << 14)
#define TG0_16K (UINT64_C(2) << 14)
#define TG0_RESERVED (UINT64_C(3) << 14)
#define TG1_RESERVED (UINT64_C(0) << 30)
#define TG1_16K (UINT64_C(1) << 30)
#define TG1_4K (UINT64_C(2) << 30)
#define TG1_64K (UINT64_C(3) << 30)
#define IPS(n) ((uint64_t)(n) << 32)
#define EPD0 BIT(7)
#define EPD1 BIT(23)
#define TBI0 BIT(37)
#define TBI1 BIT(38)
#define HPD0 BIT(41)
#define HPD1 BIT(42)
#define TBID0 BIT(51)
#define TBID1 BIT(52)

/* Descriptors */
#define TABLE UINT64_C(3)
#define PAGE UINT64_C(3)
#define BLOCK UINT64_C(1)
#define AF BIT(10)
#define AP_RW_EL1 (UINT64_C(0) << 6)
#define AP_RW_ALL (UINT64_C(1) << 6)
#define AP_RO_EL1 (UINT64_C(2) << 6)
#define AP_RO_ALL (UINT64_C(3) << 6)
#define PXN BIT(53)
#define UXN BIT(54)
#define PXN_TABLE BIT(59)
#define UXN_TABLE BIT(60)
#define AP_TABLE_NO_EL0 BIT(61)
#define AP_TABLE_RO BIT(62)

/* A 48-bit VA, 4 KiB granule regime in both ranges, IPS 48 (PAMax caps it). */
#define TCR_4K (T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(5))

/* A page output address within the 44-bit PA size. */
#define OA UINT64_C(0x00000abcdef12000)

static struct {
	uint8_t bytes[MEM_SIZE];
	uint64_t next;        /* next free table */
	bool big_endian;      /* descriptors as SCTLR_EL1.EE = 1 has them */
	unsigned nreads;
	uint64_t reads[8];    /* IPAs of the walk's reads, in order */
} mem;

static int setup(void **state)
{
	(void)state;
	memset(&mem, 0, sizeof(mem));
	mem.next = MEM_BASE;
	return 0;
}

static bool read_desc(void *ctx, uint64_t ipa, uint64_t *desc)
{
	(void)ctx;
	if (mem.nreads < ARRAY_SIZE(mem.reads))
		mem.reads[mem.nreads] = ipa;
	mem.nreads++;
	if (ipa >= FAULT_BASE && ipa < FAULT_BASE + MEM_SIZE)
		return false;
	if (ipa < MEM_BASE || ipa - MEM_BASE > MEM_SIZE - 8 || ipa % 8)
		fail_msg("walk read outside the tables: 0x%llx", (unsigned long long)ipa);
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)mem.bytes[ipa - MEM_BASE + i] << (8 * i);
	*desc = v;
	return true;
}

static void put(uint64_t ipa, uint64_t desc)
{
	assert_true(ipa >= MEM_BASE && ipa - MEM_BASE <= MEM_SIZE - 8);
	for (unsigned i = 0; i < 8; i++) {
		unsigned shift = mem.big_endian ? 8 * (7 - i) : 8 * i;
		mem.bytes[ipa - MEM_BASE + i] = (uint8_t)(desc >> shift);
	}
}

/* A zeroed table of one granule (log2 size tg), aligned to it. */
static uint64_t table(unsigned tg)
{
	uint64_t size = UINT64_C(1) << tg;
	mem.next = (mem.next + size - 1) & ~(size - 1);
	uint64_t t = mem.next;
	mem.next += size;
	assert_true(mem.next <= MEM_BASE + MEM_SIZE);
	return t;
}

/* The shape of one VA range: its root table, granule, input size and start
 * level (each test states the start level it expects). */
struct geo {
	uint64_t root;
	unsigned tg, ia;
	int start;
};

static uint64_t entry_of(const struct geo *g, uint64_t table_ipa, uint64_t va, int level)
{
	unsigned stride = g->tg - 3;
	unsigned lsb = g->tg + stride * (unsigned)(3 - level);
	unsigned width = level == g->start ? g->ia - lsb : stride;
	return table_ipa + ((va >> lsb) & ((UINT64_C(1) << width) - 1)) * 8;
}

/* Writes `leaf` at `level` for va, with table descriptors (carrying
 * table_attrs) from the start level down, reusing tables already there. */
static void map(const struct geo *g, uint64_t va, int level, uint64_t leaf, uint64_t table_attrs)
{
	uint64_t t = g->root;
	for (int l = g->start; l < level; l++) {
		uint64_t e = entry_of(g, t, va, l);
		uint64_t d = 0;
		assert_true(read_desc(NULL, e, &d));
		if (mem.big_endian)
			d = __builtin_bswap64(d);
		if (!d) {
			d = table(g->tg) | TABLE | table_attrs;
			put(e, d);
		}
		t = d & 0x0000fffffffff000 & ~((UINT64_C(1) << g->tg) - 1);
	}
	put(entry_of(g, t, va, level), leaf);
}

static struct s1_result walk(const struct s1_regime *r, uint64_t va, enum s1_access acc, bool el0,
			     bool pan)
{
	struct s1_result o;
	mem.nreads = 0;
	s1_translate(r, va, acc, el0, pan, read_desc, NULL, &o);
	return o;
}

#define assert_oa(result, expect)                                                  \
	do {                                                                       \
		struct s1_result _o = (result);                                    \
		if (_o.fault)                                                      \
			fail_msg("fault: fsc 0x%02x level %d s1ptw %d", _o.fsc,    \
				 _o.level, _o.s1ptw);                              \
		assert_int_equal(_o.oa, (expect));                                 \
	} while (0)

#define assert_fault(result, expect_fsc, expect_level)                             \
	do {                                                                       \
		struct s1_result _o = (result);                                    \
		assert_true(_o.fault);                                             \
		assert_false(_o.s1ptw);                                            \
		assert_int_equal(_o.fsc, (expect_fsc));                            \
		assert_int_equal(_o.level, (expect_level));                        \
		assert_int_equal(_o.oa, 0);                                        \
	} while (0)

/* A 4 KiB TTBR0 regime with VA va mapped to OA by a page at level 3. */
static struct s1_regime regime_4k_page(uint64_t va, uint64_t page_attrs, uint64_t table_attrs)
{
	struct geo g = { table(12), 12, 48, 0 };
	map(&g, va, 3, OA | PAGE | AF | page_attrs, table_attrs);
	return (struct s1_regime){ M, TCR_4K, g.root, 0 };
}

static void mmu_off_outputs_the_va_as_the_ipa(void **state)
{
	(void)state;
	struct s1_regime r = { 0, TCR_4K, 0, 0 };
	assert_oa(walk(&r, UINT64_C(0x00000bcdef012345), S1_READ, false, false),
		  UINT64_C(0x00000bcdef012345));
	assert_oa(walk(&r, UINT64_C(0x00000fffffffffff), S1_EXEC, true, false),
		  UINT64_C(0x00000fffffffffff));
	assert_int_equal(mem.nreads, 0);
}

static void mmu_off_va_above_pamax_is_an_address_size_fault_at_level_0(void **state)
{
	(void)state;
	struct s1_regime r = { 0, TCR_4K, 0, 0 };
	assert_fault(walk(&r, BIT(44), S1_READ, false, false), FSC_ADDRESS_SIZE(0), 0);
	assert_fault(walk(&r, BIT(47) | 0x1000, S1_WRITE, false, false), 0x00, 0);
	assert_fault(walk(&r, BIT(63), S1_EXEC, false, false), 0x00, 0);
	assert_int_equal(mem.nreads, 0);
}

static void mmu_off_tbi_ignores_the_tag_unless_tbid_covers_fetches(void **state)
{
	(void)state;
	struct s1_regime r = { 0, TCR_4K | TBI0, 0, 0 };
	assert_oa(walk(&r, UINT64_C(0x5a00000012345678), S1_READ, false, false),
		  UINT64_C(0x12345678));
	assert_oa(walk(&r, UINT64_C(0x5a00000012345678), S1_EXEC, false, false),
		  UINT64_C(0x12345678));
	r.tcr_el1 |= TBID0;
	assert_fault(walk(&r, UINT64_C(0x5a00000012345678), S1_EXEC, false, false), 0x00, 0);
	assert_oa(walk(&r, UINT64_C(0x5a00000012345678), S1_WRITE, false, false),
		  UINT64_C(0x12345678));
}

static void four_level_4k_walk_reads_the_entries_the_va_indexes(void **state)
{
	(void)state;
	uint64_t l0 = table(12), l1 = table(12), l2 = table(12), l3 = table(12);
	uint64_t va = UINT64_C(257) << 39 | UINT64_C(258) << 30 | UINT64_C(259) << 21 |
		      UINT64_C(260) << 12 | 0xabc;
	put(l0 + 257 * 8, l1 | TABLE);
	put(l1 + 258 * 8, l2 | TABLE);
	put(l2 + 259 * 8, l3 | TABLE);
	put(l3 + 260 * 8, OA | PAGE | AF);
	/* CnP (bit 0) and the ASID take no part in the table address. */
	struct s1_regime r = { M, TCR_4K, l0 | 1 | UINT64_C(0x1234) << 48, 0 };
	assert_oa(walk(&r, va, S1_READ, false, false), OA | 0xabc);
	assert_int_equal(mem.nreads, 4);
	assert_int_equal(mem.reads[0], l0 + 0x808);
	assert_int_equal(mem.reads[1], l1 + 0x810);
	assert_int_equal(mem.reads[2], l2 + 0x818);
	assert_int_equal(mem.reads[3], l3 + 0x820);
}

static void ttbr1_is_selected_by_va_bit_55_with_its_own_size_and_granule(void **state)
{
	(void)state;
	uint64_t l1 = table(12), l2 = table(12), l3 = table(12);
	/* T1SZ 25: 39-bit upper range, start level 1. TG1 0b10 is 4 KiB (as
	 * TG0 it would be 16 KiB). */
	uint64_t va = UINT64_C(0xffffff8000000000) | UINT64_C(3) << 30 | UINT64_C(5) << 21 |
		      UINT64_C(7) << 12 | 0x10;
	put(l1 + 3 * 8, l2 | TABLE);
	put(l2 + 5 * 8, l3 | TABLE);
	put(l3 + 7 * 8, OA | PAGE | AF);
	struct s1_regime r = { M, T0SZ(16) | TG0_4K | T1SZ(25) | TG1_4K | IPS(5), FAULT_BASE, l1 };
	assert_oa(walk(&r, va, S1_READ, false, false), OA | 0x10);
	assert_int_equal(mem.nreads, 3);
	assert_int_equal(mem.reads[0], l1 + 0x18);
	assert_int_equal(mem.reads[1], l2 + 0x28);
	assert_int_equal(mem.reads[2], l3 + 0x38);
	/* Bit 55 selects, not bit 63: with TBI1 a tag of 0x00 above an upper
	 * address still walks TTBR1. */
	r.tcr_el1 |= TBI1;
	assert_oa(walk(&r, va & ~(UINT64_C(0xff) << 56), S1_READ, false, false), OA | 0x10);
}

static void addresses_between_the_ranges_are_translation_faults_at_level_0(void **state)
{
	(void)state;
	struct s1_regime r = { M, T0SZ(25) | TG0_4K | T1SZ(25) | TG1_4K | IPS(5), FAULT_BASE,
			       FAULT_BASE };
	assert_fault(walk(&r, BIT(39), S1_READ, false, false), FSC_TRANSLATION(0), 0);
	assert_fault(walk(&r, UINT64_C(0xffffff0000000000), S1_READ, false, false), 0x04, 0);
	assert_fault(walk(&r, BIT(55), S1_EXEC, false, false), 0x04, 0);
	assert_fault(walk(&r, BIT(63), S1_WRITE, true, false), 0x04, 0);
	assert_int_equal(mem.nreads, 0);
}

static void epd0_and_epd1_disable_walks_with_a_level_0_translation_fault(void **state)
{
	(void)state;
	struct geo g0 = { table(12), 12, 48, 0 }, g1 = { table(12), 12, 48, 0 };
	uint64_t lo = 0x1000, hi = UINT64_C(0xffff000000002000);
	map(&g0, lo, 3, OA | PAGE | AF, 0);
	map(&g1, hi, 3, (OA + 0x1000) | PAGE | AF, 0);
	struct s1_regime r = { M, TCR_4K | EPD0, g0.root, g1.root };
	assert_fault(walk(&r, lo, S1_READ, false, false), FSC_TRANSLATION(0), 0);
	assert_int_equal(mem.nreads, 0);
	assert_oa(walk(&r, hi, S1_READ, false, false), OA + 0x1000);
	r.tcr_el1 = TCR_4K | EPD1;
	assert_fault(walk(&r, hi, S1_EXEC, false, false), 0x04, 0);
	assert_int_equal(mem.nreads, 0);
	assert_oa(walk(&r, lo, S1_READ, false, false), OA);
}

static void the_16k_granule_walks_from_a_two_entry_level_0_table(void **state)
{
	(void)state;
	uint64_t l0 = table(14), l1 = table(14), l2 = table(14), l3 = table(14);
	/* VA[47] | VA[46:36] | VA[35:25] | VA[24:14] | offset */
	uint64_t va = BIT(47) | UINT64_C(5) << 36 | UINT64_C(6) << 25 | UINT64_C(7) << 14 | 0x1abc;
	put(l0 + 8, l1 | TABLE);
	put(l1 + 5 * 8, l2 | TABLE);
	put(l2 + 6 * 8, l3 | TABLE);
	put(l3 + 7 * 8, UINT64_C(0x00000abcdef14000) | PAGE | AF);
	struct s1_regime r = { M, T0SZ(16) | TG0_16K | T1SZ(16) | TG1_4K | IPS(5), l0, 0 };
	assert_oa(walk(&r, va, S1_READ, false, false), UINT64_C(0x00000abcdef15abc));
	assert_int_equal(mem.nreads, 4);
	assert_int_equal(mem.reads[0], l0 + 8);
	assert_int_equal(mem.reads[3], l3 + 0x38);
}

static void the_16k_granule_in_ttbr1_is_tg1_0b01(void **state)
{
	(void)state;
	uint64_t l1 = table(14), l2 = table(14), l3 = table(14);
	/* T1SZ 17: 47 bits, start level 1 with a full 2048-entry table. */
	uint64_t va = UINT64_C(0xffff800000000000) | UINT64_C(1033) << 36 | UINT64_C(2) << 25 |
		      UINT64_C(3) << 14 | 0x123;
	put(l1 + 1033 * 8, l2 | TABLE);
	put(l2 + 2 * 8, l3 | TABLE);
	put(l3 + 3 * 8, UINT64_C(0x0000012345670000) | PAGE | AF);
	struct s1_regime r = { M, T0SZ(16) | TG0_4K | T1SZ(17) | TG1_16K | IPS(5), 0, l1 };
	assert_oa(walk(&r, va, S1_READ, false, false), UINT64_C(0x0000012345670123));
	assert_int_equal(mem.nreads, 3);
	assert_int_equal(mem.reads[0], l1 + 1033 * 8);

	/* T1SZ 16: a two-entry level-0 table indexed by VA[47] alone, though
	 * the upper range's VA[63:48] are ones. */
	struct geo g = { table(14), 14, 48, 0 };
	map(&g, UINT64_C(0xffff800000004000), 3, UINT64_C(0x0000012345674000) | PAGE | AF, 0);
	r.tcr_el1 = T0SZ(16) | TG0_4K | T1SZ(16) | TG1_16K | IPS(5);
	r.ttbr1_el1 = g.root;
	assert_oa(walk(&r, UINT64_C(0xffff800000004321), S1_READ, false, false),
		  UINT64_C(0x0000012345674321));
	assert_int_equal(mem.nreads, 4);
	assert_int_equal(mem.reads[0], g.root + 8);
}

static void the_64k_granule_starts_at_level_1_for_48_bits(void **state)
{
	(void)state;
	uint64_t l1 = table(16), l2 = table(16), l3 = table(16);
	/* VA[47:42] | VA[41:29] | VA[28:16] | offset */
	uint64_t va = UINT64_C(33) << 42 | UINT64_C(2) << 29 | UINT64_C(3) << 16 | 0xfedc;
	put(l1 + 33 * 8, l2 | TABLE);
	put(l2 + 2 * 8, l3 | TABLE);
	put(l3 + 3 * 8, UINT64_C(0x0000012345670000) | PAGE | AF);
	struct s1_regime r = { M, T0SZ(16) | TG0_64K | T1SZ(16) | TG1_4K | IPS(5), l1, 0 };
	assert_oa(walk(&r, va, S1_READ, false, false), UINT64_C(0x000001234567fedc));
	assert_int_equal(mem.nreads, 3);
	assert_int_equal(mem.reads[0], l1 + 0x108);
	assert_int_equal(mem.reads[1], l2 + 0x10);
	assert_int_equal(mem.reads[2], l3 + 0x18);
}

static void the_64k_granule_in_ttbr1_is_tg1_0b11_and_starts_at_level_2_for_42_bits(void **state)
{
	(void)state;
	uint64_t l2 = table(16), l3 = table(16);
	uint64_t va = ~UINT64_C(0) << 42 | UINT64_C(4) << 29 | UINT64_C(5) << 16 | 0x42;
	put(l2 + 4 * 8, l3 | TABLE);
	put(l3 + 5 * 8, UINT64_C(0x0000012345670000) | PAGE | AF);
	struct s1_regime r = { M, T0SZ(16) | TG0_4K | T1SZ(22) | TG1_64K | IPS(5), 0, l2 };
	assert_oa(walk(&r, va, S1_READ, false, false), UINT64_C(0x0000012345670042));
	assert_int_equal(mem.nreads, 2);
	assert_int_equal(mem.reads[0], l2 + 0x20);
}

static void the_start_level_follows_txsz_and_the_granule(void **state)
{
	(void)state;
	/* 4 KiB, T0SZ 39: 25 bits, start level 2 with 16 entries. */
	uint64_t l2 = table(12), l3 = table(12);
	put(l2 + 9 * 8, l3 | TABLE);
	put(l3 + 3 * 8, OA | PAGE | AF);
	struct s1_regime r = { M, T0SZ(39) | TG0_4K | IPS(5), l2, 0 };
	assert_oa(walk(&r, UINT64_C(9) << 21 | UINT64_C(3) << 12 | 0x5, S1_READ, false, false),
		  OA | 0x5);
	assert_int_equal(mem.reads[0], l2 + 0x48);
	assert_fault(walk(&r, BIT(25), S1_READ, false, false), 0x04, 0);

	/* 4 KiB, T0SZ 33: 31 bits, start level 1 with 2 entries. */
	uint64_t r1 = table(12);
	put(r1 + 8, BIT(30) | BLOCK | AF);
	r.tcr_el1 = T0SZ(33) | TG0_4K | IPS(5);
	r.ttbr0_el1 = r1;
	assert_oa(walk(&r, BIT(30) | 0x1234567, S1_READ, false, false), BIT(30) | 0x1234567);
	assert_int_equal(mem.nreads, 1);

	/* 64 KiB, T0SZ 39: 25 bits, start level 3 with 512 entries. */
	uint64_t r3 = table(16);
	put(r3 + 300 * 8, UINT64_C(0x0000012345670000) | PAGE | AF);
	r.tcr_el1 = T0SZ(39) | TG0_64K | IPS(5);
	r.ttbr0_el1 = r3;
	assert_oa(walk(&r, UINT64_C(300) << 16 | 0x77, S1_READ, false, false),
		  UINT64_C(0x0000012345670077));
	assert_int_equal(mem.nreads, 1);
}

static void txsz_outside_16_to_39_is_clamped_as_the_engine_does(void **state)
{
	(void)state;
	/* T0SZ 10 behaves as 16: VA bit 48 is outside the range. */
	struct geo g = { table(12), 12, 48, 0 };
	map(&g, BIT(47), 3, OA | PAGE | AF, 0);
	struct s1_regime r = { M, T0SZ(10) | TG0_4K | IPS(5), g.root, 0 };
	assert_oa(walk(&r, BIT(47), S1_READ, false, false), OA);
	assert_fault(walk(&r, BIT(48), S1_READ, false, false), 0x04, 0);
	/* T0SZ 45 behaves as 39: 25 bits, start level 2. */
	struct geo g25 = { table(12), 12, 25, 2 };
	map(&g25, BIT(24), 3, OA | PAGE | AF, 0);
	r.tcr_el1 = T0SZ(45) | TG0_4K | IPS(5);
	r.ttbr0_el1 = g25.root;
	assert_oa(walk(&r, BIT(24), S1_READ, false, false), OA);
	assert_int_equal(mem.nreads, 2);
}

static void reserved_granule_encodings_walk_as_the_engine_does(void **state)
{
	(void)state;
	/* TG0 0b11 walks 64 KiB tables, TG1 0b00 4 KiB ones. */
	struct geo g0 = { table(16), 16, 48, 1 }, g1 = { table(12), 12, 48, 0 };
	uint64_t lo = UINT64_C(0x123456789abc), hi = UINT64_C(0xffff123456789abc);
	map(&g0, lo, 3, UINT64_C(0x0000012345670000) | PAGE | AF, 0);
	map(&g1, hi, 3, OA | PAGE | AF, 0);
	struct s1_regime r = { M, T0SZ(16) | TG0_RESERVED | T1SZ(16) | TG1_RESERVED | IPS(5),
			       g0.root, g1.root };
	assert_oa(walk(&r, lo, S1_READ, false, false), UINT64_C(0x0000012345679abc));
	assert_int_equal(mem.nreads, 3);
	assert_oa(walk(&r, hi, S1_READ, false, false), OA | 0xabc);
	assert_int_equal(mem.nreads, 4);
}

static void invalid_descriptors_are_translation_faults_at_their_level(void **state)
{
	(void)state;
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	uint64_t va = UINT64_C(0x0000123456789000);
	assert_fault(walk(&r, va, S1_READ, false, false), FSC_TRANSLATION(0), 0);
	for (int level = 1; level <= 3; level++) {
		/* A table down to `level - 1`, then an empty table. */
		map(&g, va, level - 1, table(12) | TABLE, 0);
		assert_fault(walk(&r, va, S1_READ, false, false), FSC_TRANSLATION(level),
			     level);
		assert_int_equal(mem.nreads, (unsigned)level + 1);
	}
	/* Every bit but Valid set. */
	map(&g, va, 3, ~UINT64_C(0) & ~UINT64_C(1), 0);
	assert_fault(walk(&r, va, S1_READ, false, false), 0x07, 3);
	/* 0b01 at level 3 is reserved. */
	map(&g, va, 3, OA | BLOCK | AF, 0);
	assert_fault(walk(&r, va, S1_READ, false, false), 0x07, 3);
	map(&g, va, 3, OA | PAGE | AF, 0);
	assert_oa(walk(&r, va, S1_READ, false, false), OA);
}

static void blocks_translate_where_the_granule_allows_them(void **state)
{
	(void)state;
	/* 4 KiB: 1 GiB at level 1 and 2 MiB at level 2. */
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	map(&g, BIT(30), 1, UINT64_C(0x00000ac0000000) | BLOCK | AF, 0);
	assert_oa(walk(&r, BIT(30) | 0x3fedcba9, S1_READ, false, false),
		  UINT64_C(0x00000ac0000000) | 0x3fedcba9);
	assert_int_equal(mem.nreads, 2);
	map(&g, BIT(31), 2, UINT64_C(0x00000abcde00000) | BLOCK | AF, 0);
	assert_oa(walk(&r, BIT(31) | 0x1ffff8, S1_READ, false, false),
		  UINT64_C(0x00000abcde00000) | 0x1ffff8);
	assert_int_equal(mem.nreads, 3);

	/* 16 KiB: 32 MiB at level 2. */
	struct geo g16 = { table(14), 14, 48, 0 };
	map(&g16, BIT(40), 2, UINT64_C(0x00000abc6000000) | BLOCK | AF, 0);
	r.tcr_el1 = T0SZ(16) | TG0_16K | IPS(5);
	r.ttbr0_el1 = g16.root;
	assert_oa(walk(&r, BIT(40) | 0x1234567, S1_READ, false, false),
		  UINT64_C(0x00000abc6000000) | 0x1234567);

	/* 64 KiB: 512 MiB at level 2. */
	struct geo g64 = { table(16), 16, 48, 1 };
	map(&g64, BIT(40), 2, UINT64_C(0x00000abe0000000) | BLOCK | AF, 0);
	r.tcr_el1 = T0SZ(16) | TG0_64K | IPS(5);
	r.ttbr0_el1 = g64.root;
	assert_oa(walk(&r, BIT(40) | 0x1fedcba9, S1_READ, false, false),
		  UINT64_C(0x00000abe0000000) | 0x1fedcba9);
}

static void blocks_where_the_granule_forbids_them_are_translation_faults(void **state)
{
	(void)state;
	/* Level 0 with 4 KiB (no FEAT_LPA2). */
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	map(&g, 0, 0, BLOCK | AF, 0);
	assert_fault(walk(&r, 0x1000, S1_READ, false, false), FSC_TRANSLATION(0), 0);

	/* Levels 0 and 1 with 16 KiB. */
	struct geo g16 = { table(14), 14, 48, 0 };
	map(&g16, 0, 0, BLOCK | AF, 0);
	map(&g16, BIT(47), 1, BLOCK | AF, 0);
	r.tcr_el1 = T0SZ(16) | TG0_16K | IPS(5);
	r.ttbr0_el1 = g16.root;
	assert_fault(walk(&r, 0x1000, S1_READ, false, false), 0x04, 0);
	assert_fault(walk(&r, BIT(47), S1_READ, false, false), 0x05, 1);

	/* Level 1 with 64 KiB (no FEAT_LPA). */
	struct geo g64 = { table(16), 16, 48, 1 };
	map(&g64, 0, 1, BLOCK | AF, 0);
	r.tcr_el1 = T0SZ(16) | TG0_64K | IPS(5);
	r.ttbr0_el1 = g64.root;
	assert_fault(walk(&r, 0x1000, S1_READ, false, false), 0x05, 1);
}

static void output_addresses_beyond_the_pa_size_are_address_size_faults(void **state)
{
	(void)state;
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	uint64_t va = 0x5000;

	/* A page beyond PAMax (44 bits), though IPS says 48. */
	map(&g, va, 3, BIT(44) | OA | PAGE | AF, 0);
	assert_fault(walk(&r, va, S1_READ, false, false), FSC_ADDRESS_SIZE(3), 3);
	map(&g, va, 3, BIT(47) | PAGE | AF, 0);
	assert_fault(walk(&r, va, S1_READ, false, false), 0x03, 3);
	/* Bits [51:48] are RES0, not output address, without FEAT_LPA2. */
	map(&g, va, 3, BIT(48) | OA | PAGE | AF, 0);
	assert_oa(walk(&r, va, S1_READ, false, false), OA);

	/* A block, and a next-level table, beyond it. */
	map(&g, BIT(31), 2, BIT(45) | BLOCK | AF, 0);
	assert_fault(walk(&r, BIT(31), S1_READ, false, false), 0x02, 2);
	map(&g, BIT(32), 1, BIT(46) | TABLE, 0);
	assert_fault(walk(&r, BIT(32), S1_READ, false, false), 0x01, 1);
	assert_int_equal(mem.nreads, 2);

	/* TTBR0's BADDR beyond it: level 0, before any read. */
	r.ttbr0_el1 = g.root | BIT(44);
	assert_fault(walk(&r, va, S1_READ, false, false), 0x00, 0);
	assert_int_equal(mem.nreads, 0);

	/* A smaller IPS narrows the output: 32 bits, then 40. */
	r.ttbr0_el1 = g.root;
	map(&g, va, 3, BIT(32) | PAGE | AF, 0);
	r.tcr_el1 = (TCR_4K & ~IPS(7)) | IPS(0);
	assert_fault(walk(&r, va, S1_READ, false, false), 0x03, 3);
	r.tcr_el1 = (TCR_4K & ~IPS(7)) | IPS(2);
	assert_oa(walk(&r, va, S1_READ, false, false), BIT(32));
	map(&g, va, 3, BIT(40) | PAGE | AF, 0);
	assert_fault(walk(&r, va, S1_READ, false, false), 0x03, 3);
}

static void access_flag_clear_is_an_access_flag_fault_before_permissions(void **state)
{
	(void)state;
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	map(&g, 0x1000, 3, OA | PAGE | AP_RO_EL1, 0);
	assert_fault(walk(&r, 0x1000, S1_READ, false, false), FSC_ACCESS_FLAG(3), 3);
	/* The write is not permitted either: AF comes first. */
	assert_fault(walk(&r, 0x1000, S1_WRITE, true, false), 0x0b, 3);
	map(&g, BIT(31), 2, UINT64_C(0x00000abcde00000) | BLOCK, 0);
	assert_fault(walk(&r, BIT(31), S1_EXEC, false, false), 0x0a, 2);
	map(&g, BIT(32), 1, UINT64_C(0x00000ac0000000) | BLOCK, 0);
	assert_fault(walk(&r, BIT(32), S1_READ, false, false), 0x09, 1);
}

static void data_permissions_follow_ap_at_el1_and_el0(void **state)
{
	(void)state;
	static const struct {
		uint64_t ap;
		bool el0;
		enum s1_access acc;
		bool ok;
	} rows[] = {
		{ AP_RW_EL1, false, S1_READ, true },  { AP_RW_EL1, false, S1_WRITE, true },
		{ AP_RW_EL1, true, S1_READ, false },  { AP_RW_EL1, true, S1_WRITE, false },
		{ AP_RW_ALL, false, S1_READ, true },  { AP_RW_ALL, false, S1_WRITE, true },
		{ AP_RW_ALL, true, S1_READ, true },   { AP_RW_ALL, true, S1_WRITE, true },
		{ AP_RO_EL1, false, S1_READ, true },  { AP_RO_EL1, false, S1_WRITE, false },
		{ AP_RO_EL1, true, S1_READ, false },  { AP_RO_EL1, true, S1_WRITE, false },
		{ AP_RO_ALL, false, S1_READ, true },  { AP_RO_ALL, false, S1_WRITE, false },
		{ AP_RO_ALL, true, S1_READ, true },   { AP_RO_ALL, true, S1_WRITE, false },
	};
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		map(&g, 0x7000, 3, OA | PAGE | AF | rows[i].ap, 0);
		struct s1_result o = walk(&r, 0x7008, rows[i].acc, rows[i].el0, false);
		if (o.fault != !rows[i].ok || (o.fault && (o.fsc != 0x0f || o.level != 3)) ||
		    (!o.fault && o.oa != (OA | 8)))
			fail_msg("row %zu: fault %d fsc 0x%02x level %d oa 0x%llx", i, o.fault,
				 o.fsc, o.level, (unsigned long long)o.oa);
	}
}

static void pan_denies_privileged_data_access_to_memory_el0_can_read(void **state)
{
	(void)state;
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	map(&g, 0x1000, 3, OA | PAGE | AF | AP_RW_ALL | UXN, 0);
	map(&g, 0x2000, 3, OA | PAGE | AF | AP_RO_ALL, 0);
	map(&g, 0x3000, 3, OA | PAGE | AF | AP_RW_EL1, 0);
	assert_fault(walk(&r, 0x1000, S1_READ, false, true), FSC_PERMISSION(3), 3);
	assert_fault(walk(&r, 0x1000, S1_WRITE, false, true), 0x0f, 3);
	assert_fault(walk(&r, 0x2000, S1_READ, false, true), 0x0f, 3);
	assert_oa(walk(&r, 0x3000, S1_WRITE, false, true), OA);
	/* Unprivileged accesses (LDTR/STTR) are not restricted. */
	assert_oa(walk(&r, 0x1000, S1_WRITE, true, true), OA);
	/* Nor are instruction fetches. */
	assert_oa(walk(&r, 0x2000, S1_EXEC, false, true), OA);
	/* Without PAN the same accesses are permitted. */
	assert_oa(walk(&r, 0x1000, S1_WRITE, false, false), OA);
}

static void execute_never_follows_uxn_pxn_el0_writes_and_wxn(void **state)
{
	(void)state;
	struct geo g = { table(12), 12, 48, 0 };
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	map(&g, 0x1000, 3, OA | PAGE | AF | AP_RO_ALL | UXN, 0);
	map(&g, 0x2000, 3, OA | PAGE | AF | AP_RO_ALL | PXN, 0);
	map(&g, 0x3000, 3, OA | PAGE | AF | AP_RW_ALL, 0);
	map(&g, 0x4000, 3, OA | PAGE | AF | AP_RW_EL1, 0);
	map(&g, 0x5000, 3, OA | PAGE | AF | AP_RO_EL1, 0);

	assert_fault(walk(&r, 0x1000, S1_EXEC, true, false), FSC_PERMISSION(3), 3);
	assert_oa(walk(&r, 0x1000, S1_EXEC, false, false), OA);
	assert_fault(walk(&r, 0x2000, S1_EXEC, false, false), 0x0f, 3);
	assert_oa(walk(&r, 0x2000, S1_EXEC, true, false), OA);
	/* Memory EL0 can write is never executable at EL1. */
	assert_fault(walk(&r, 0x3000, S1_EXEC, false, false), 0x0f, 3);
	assert_oa(walk(&r, 0x3000, S1_EXEC, true, false), OA);
	/* EL0 may execute what it cannot read: only UXN decides. */
	assert_oa(walk(&r, 0x4000, S1_EXEC, true, false), OA);
	assert_oa(walk(&r, 0x4000, S1_EXEC, false, false), OA);

	/* WXN: writable memory is execute-never at the EL that can write it. */
	r.sctlr_el1 |= WXN;
	assert_fault(walk(&r, 0x4000, S1_EXEC, false, false), 0x0f, 3);
	assert_oa(walk(&r, 0x4000, S1_EXEC, true, false), OA);
	assert_fault(walk(&r, 0x3000, S1_EXEC, true, false), 0x0f, 3);
	assert_oa(walk(&r, 0x5000, S1_EXEC, false, false), OA);
	assert_oa(walk(&r, 0x1000, S1_EXEC, false, false), OA);
	assert_oa(walk(&r, 0x4000, S1_WRITE, false, false), OA);
}

static void table_attributes_restrict_every_later_level(void **state)
{
	(void)state;
	static const struct {
		uint64_t table_attrs, page_ap;
		bool el0;
		enum s1_access acc;
	} denied[] = {
		{ AP_TABLE_RO, AP_RW_ALL, false, S1_WRITE },
		{ AP_TABLE_RO, AP_RW_ALL, true, S1_WRITE },
		{ AP_TABLE_NO_EL0, AP_RW_ALL, true, S1_READ },
		{ UXN_TABLE, AP_RW_ALL, true, S1_EXEC },
		{ PXN_TABLE, AP_RO_ALL, false, S1_EXEC },
	};
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
		setup(NULL);
		/* Every table descriptor carries it, the level-0 one included. */
		struct s1_regime r = regime_4k_page(0x1000, denied[i].page_ap, denied[i].table_attrs);
		struct s1_result o = walk(&r, 0x1000, denied[i].acc, denied[i].el0, false);
		if (!o.fault || o.fsc != 0x0f || o.level != 3)
			fail_msg("row %zu: fault %d fsc 0x%02x level %d", i, o.fault, o.fsc, o.level);
		/* TCR_EL1.HPD0 disables them. */
		r.tcr_el1 |= HPD0;
		assert_oa(walk(&r, 0x1000, denied[i].acc, denied[i].el0, false), OA);
	}

	/* Only the level-0 table descriptor restricts: it still applies at
	 * level 3. */
	setup(NULL);
	struct geo g = { table(12), 12, 48, 0 };
	uint64_t l1 = table(12);
	put(g.root, l1 | TABLE | AP_TABLE_RO);
	struct geo below = { l1, 12, 39, 1 };
	map(&below, 0x1000, 3, OA | PAGE | AF | AP_RW_ALL, 0);
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	assert_fault(walk(&r, 0x1000, S1_WRITE, false, false), 0x0f, 3);
	assert_oa(walk(&r, 0x1000, S1_READ, true, false), OA);
	/* Read-only through APTable, the page is no longer writable at EL0,
	 * so EL1 may execute it. */
	assert_oa(walk(&r, 0x1000, S1_EXEC, false, false), OA);
}

static void hpd1_disables_hierarchical_permissions_for_ttbr1_only(void **state)
{
	(void)state;
	struct geo g0 = { table(12), 12, 48, 0 }, g1 = { table(12), 12, 48, 0 };
	uint64_t hi = UINT64_C(0xffff000000001000);
	map(&g0, 0x1000, 3, OA | PAGE | AF | AP_RW_ALL, AP_TABLE_NO_EL0);
	map(&g1, hi, 3, OA | PAGE | AF | AP_RW_ALL, AP_TABLE_NO_EL0);
	struct s1_regime r = { M, TCR_4K | HPD1, g0.root, g1.root };
	assert_oa(walk(&r, hi, S1_READ, true, false), OA);
	assert_fault(walk(&r, 0x1000, S1_READ, true, false), 0x0f, 3);
	r.tcr_el1 = TCR_4K;
	assert_fault(walk(&r, hi, S1_READ, true, false), 0x0f, 3);
}

static void tbi_ignores_the_top_byte_of_data_addresses(void **state)
{
	(void)state;
	struct geo g0 = { table(12), 12, 48, 0 }, g1 = { table(12), 12, 48, 0 };
	map(&g0, 0x1000, 3, OA | PAGE | AF, 0);
	map(&g1, UINT64_C(0xffff000000002000), 3, (OA + 0x1000) | PAGE | AF, 0);
	struct s1_regime r = { M, TCR_4K, g0.root, g1.root };
	uint64_t tagged_lo = UINT64_C(0x5a00000000001234);
	uint64_t tagged_hi = UINT64_C(0xa5ff000000002234);

	/* Without TBI a tag puts the address between the ranges. */
	assert_fault(walk(&r, tagged_lo, S1_READ, false, false), FSC_TRANSLATION(0), 0);
	assert_fault(walk(&r, tagged_hi, S1_READ, false, false), 0x04, 0);

	r.tcr_el1 = TCR_4K | TBI0 | TBI1;
	assert_oa(walk(&r, tagged_lo, S1_WRITE, false, false), OA | 0x234);
	assert_oa(walk(&r, tagged_hi, S1_READ, false, false), OA + 0x1234);
	/* TBI0 does not cover the upper range, nor TBI1 the lower. */
	r.tcr_el1 = TCR_4K | TBI1;
	assert_fault(walk(&r, tagged_lo, S1_READ, false, false), 0x04, 0);
	assert_oa(walk(&r, tagged_hi, S1_READ, false, false), OA + 0x1234);

	/* Instruction fetches use the tag too unless TBIDx says otherwise. */
	r.tcr_el1 = TCR_4K | TBI0 | TBI1 | TBID0;
	assert_fault(walk(&r, tagged_lo, S1_EXEC, false, false), 0x04, 0);
	assert_oa(walk(&r, tagged_lo, S1_READ, false, false), OA | 0x234);
	assert_oa(walk(&r, tagged_hi, S1_EXEC, false, false), OA + 0x1234);
	r.tcr_el1 |= TBID1;
	assert_fault(walk(&r, tagged_hi, S1_EXEC, false, false), 0x04, 0);
}

static void a_stage_2_fault_on_a_table_read_reports_its_ipa_and_level(void **state)
{
	(void)state;
	struct geo g = { table(12), 12, 48, 0 };
	uint64_t va = UINT64_C(5) << 21 | 0x1000;
	map(&g, va, 1, FAULT_BASE | TABLE, 0);
	struct s1_regime r = { M, TCR_4K, g.root, 0 };
	struct s1_result o = walk(&r, va, S1_READ, false, false);
	assert_true(o.fault);
	assert_true(o.s1ptw);
	assert_int_equal(o.fsc, 0);
	assert_int_equal(o.level, 2);
	assert_int_equal(o.walk_ipa, FAULT_BASE + 5 * 8);
	assert_int_equal(o.oa, 0);

	/* The start-level table itself. */
	r.ttbr0_el1 = FAULT_BASE;
	o = walk(&r, va, S1_EXEC, false, false);
	assert_true(o.fault);
	assert_true(o.s1ptw);
	assert_int_equal(o.level, 0);
	assert_int_equal(o.walk_ipa, FAULT_BASE);
}

static void sctlr_ee_reads_descriptors_big_endian(void **state)
{
	(void)state;
	mem.big_endian = true;
	struct s1_regime r = regime_4k_page(UINT64_C(0x0000123456789000), AP_RO_ALL, 0);
	/* Read as little-endian, the root entry is invalid. */
	assert_fault(walk(&r, UINT64_C(0x0000123456789000), S1_READ, false, false), 0x04, 0);
	r.sctlr_el1 |= EE;
	assert_oa(walk(&r, UINT64_C(0x0000123456789abc), S1_READ, true, false), OA | 0xabc);
	assert_fault(walk(&r, UINT64_C(0x0000123456789abc), S1_WRITE, true, false), 0x0f, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(mmu_off_outputs_the_va_as_the_ipa, setup),
		cmocka_unit_test_setup(mmu_off_va_above_pamax_is_an_address_size_fault_at_level_0,
				       setup),
		cmocka_unit_test_setup(mmu_off_tbi_ignores_the_tag_unless_tbid_covers_fetches, setup),
		cmocka_unit_test_setup(four_level_4k_walk_reads_the_entries_the_va_indexes, setup),
		cmocka_unit_test_setup(ttbr1_is_selected_by_va_bit_55_with_its_own_size_and_granule,
				       setup),
		cmocka_unit_test_setup(addresses_between_the_ranges_are_translation_faults_at_level_0,
				       setup),
		cmocka_unit_test_setup(epd0_and_epd1_disable_walks_with_a_level_0_translation_fault,
				       setup),
		cmocka_unit_test_setup(the_16k_granule_walks_from_a_two_entry_level_0_table, setup),
		cmocka_unit_test_setup(the_16k_granule_in_ttbr1_is_tg1_0b01, setup),
		cmocka_unit_test_setup(the_64k_granule_starts_at_level_1_for_48_bits, setup),
		cmocka_unit_test_setup(
			the_64k_granule_in_ttbr1_is_tg1_0b11_and_starts_at_level_2_for_42_bits, setup),
		cmocka_unit_test_setup(the_start_level_follows_txsz_and_the_granule, setup),
		cmocka_unit_test_setup(txsz_outside_16_to_39_is_clamped_as_the_engine_does, setup),
		cmocka_unit_test_setup(reserved_granule_encodings_walk_as_the_engine_does, setup),
		cmocka_unit_test_setup(invalid_descriptors_are_translation_faults_at_their_level,
				       setup),
		cmocka_unit_test_setup(blocks_translate_where_the_granule_allows_them, setup),
		cmocka_unit_test_setup(blocks_where_the_granule_forbids_them_are_translation_faults,
				       setup),
		cmocka_unit_test_setup(output_addresses_beyond_the_pa_size_are_address_size_faults,
				       setup),
		cmocka_unit_test_setup(access_flag_clear_is_an_access_flag_fault_before_permissions,
				       setup),
		cmocka_unit_test_setup(data_permissions_follow_ap_at_el1_and_el0, setup),
		cmocka_unit_test_setup(pan_denies_privileged_data_access_to_memory_el0_can_read,
				       setup),
		cmocka_unit_test_setup(execute_never_follows_uxn_pxn_el0_writes_and_wxn, setup),
		cmocka_unit_test_setup(table_attributes_restrict_every_later_level, setup),
		cmocka_unit_test_setup(hpd1_disables_hierarchical_permissions_for_ttbr1_only, setup),
		cmocka_unit_test_setup(tbi_ignores_the_top_byte_of_data_addresses, setup),
		cmocka_unit_test_setup(a_stage_2_fault_on_a_table_read_reports_its_ipa_and_level,
				       setup),
		cmocka_unit_test_setup(sctlr_ee_reads_descriptors_big_endian, setup),
	};
	return cmocka_run_group_tests_name("stage1", tests, NULL, NULL);
}
