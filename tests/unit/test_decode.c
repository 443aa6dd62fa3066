/* The data-abort and system-register syndrome decoders against encodings
 * produced by the GNU assembler (aarch64-linux-gnu-as -march=armv8.3-a). */
#include "harness.h"

#include "cpu/decode.h"

/* Register n holds 0x1000 * n, SP holds 0x8000. */
static uint64_t regs(void *ctx, unsigned n, bool is_sp)
{
	(void)ctx;
	if (n == 31)
		return is_sp ? 0x8000 : 0;
	return UINT64_C(0x1000) * n;
}

struct vector {
	uint32_t insn;
	const char *text;
	bool isv, write, sse, sf, ar;
	unsigned sas, srt;
	uint64_t va;
};

static const struct vector vectors[] = {
	{ 0xf9400022, "ldr x2, [x1]", true, false, false, true, false, 3, 2, 0x1000 },
	{ 0xb9400883, "ldr w3, [x4, #8]", true, false, false, false, false, 2, 3, 0x4008 },
	{ 0x397ffcc5, "ldrb w5, [x6, #4095]", true, false, false, false, false, 0, 5, 0x6fff },
	{ 0x794007e7, "ldrh w7, [sp, #2]", true, false, false, false, false, 1, 7, 0x8002 },
	{ 0x39800128, "ldrsb x8, [x9]", true, false, true, true, false, 0, 8, 0x9000 },
	{ 0x39c00128, "ldrsb w8, [x9]", true, false, true, false, false, 0, 8, 0x9000 },
	{ 0x789fed6a, "ldrsh x10, [x11, #-2]!", false, false, true, true, false, 1, 10, 0xaffe },
	{ 0xb88105ac, "ldrsw x12, [x13], #16", false, false, true, true, false, 2, 12, 0xd000 },
	{ 0xf83069ee, "str x14, [x15, x16]", true, true, false, true, false, 3, 14, 0x1f000 },
	{ 0xb8337a51, "str w17, [x18, x19, lsl #2]", true, true, false, false, false, 2, 17,
	  0x12000 + 0x13000 * 4 },
	{ 0x38364ab4, "strb w20, [x21, w22, uxtw]", true, true, false, false, false, 0, 20,
	  0x15000 + 0x16000 },
	{ 0x7838daff, "strh wzr, [x23, w24, sxtw #1]", true, true, false, false, false, 1, 31,
	  0x17000 + 0x18000 * 2 },
	{ 0xf85f8359, "ldur x25, [x26, #-8]", true, false, false, true, false, 3, 25, 0x19ff8 },
	{ 0xb8003b9b, "sttr w27, [x28, #3]", true, true, false, false, false, 2, 27, 0x1c003 },
	{ 0xc8dffc62, "ldar x2, [x3]", true, false, false, true, true, 3, 2, 0x3000 },
	{ 0x889ffca4, "stlr w4, [x5]", true, true, false, false, true, 2, 4, 0x5000 },
	{ 0x38bfc18b, "ldaprb w11, [x12]", true, false, false, false, true, 0, 11, 0xc000 },
};

static void general_register_loads_and_stores_decode_like_the_hardware(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		struct ldst l;
		if (!decode_ldst(v->insn, regs, NULL, &l))
			fail_msg("%s: not decoded", v->text);
		if (l.isv != v->isv || l.write != v->write || l.va != v->va)
			fail_msg("%s: isv %d write %d va 0x%llx", v->text, l.isv, l.write,
				 (unsigned long long)l.va);
		if (v->isv && (l.sas != v->sas || l.srt != v->srt || l.sse != v->sse ||
			       l.sf != v->sf || l.ar != v->ar))
			fail_msg("%s: sas %u srt %u sse %d sf %d ar %d", v->text, l.sas, l.srt, l.sse,
				 l.sf, l.ar);
	}
}

static void pairs_exclusives_and_simd_have_no_syndrome_but_an_address(void **state)
{
	(void)state;
	struct ldst l;
	assert_true(decode_ldst(0xa9010861, regs, NULL, &l)); /* stp x1, x2, [x3, #16] */
	assert_false(l.isv);
	assert_true(l.write);
	assert_int_equal(l.va, 0x3010);
	assert_true(decode_ldst(0x28c114c4, regs, NULL, &l)); /* ldp w4, w5, [x6], #8 */
	assert_false(l.isv);
	assert_false(l.write);
	assert_int_equal(l.va, 0x6000);
	assert_true(decode_ldst(0x3dc00820, regs, NULL, &l)); /* ldr q0, [x1, #32] */
	assert_false(l.isv);
	assert_int_equal(l.va, 0x1020);
	assert_true(decode_ldst(0xc85ffce6, regs, NULL, &l)); /* ldaxr x6, [x7] */
	assert_false(l.isv);
	assert_int_equal(l.va, 0x7000);
	assert_true(decode_ldst(0xc8087d49, regs, NULL, &l)); /* stxr w8, x9, [x10] */
	assert_false(l.isv);
	assert_true(l.write);
	assert_int_equal(l.va, 0xa000);
}

static void non_memory_instructions_are_not_decoded(void **state)
{
	(void)state;
	struct ldst l;
	assert_false(decode_ldst(0xf9800020, regs, NULL, &l)); /* prfm pldl1keep, [x1] */
	assert_false(decode_ldst(0x8b020020, regs, NULL, &l)); /* add x0, x1, x2 */
	assert_false(decode_ldst(0xd503207f, regs, NULL, &l)); /* wfi */
}

static void iss_packs_the_fields_where_esr_has_them(void **state)
{
	(void)state;
	struct ldst l;
	assert_true(decode_ldst(0x39800128, regs, NULL, &l)); /* ldrsb x8, [x9] */
	/* ISV | SAS 0 | SSE | SRT 8 | SF | DFSC translation level 3 */
	assert_int_equal(ldst_iss(&l, 0x07),
			 (1u << 24) | (1u << 21) | (8u << 16) | (1u << 15) | 0x07u);
	assert_true(decode_ldst(0x889ffca4, regs, NULL, &l)); /* stlr w4, [x5] */
	assert_int_equal(ldst_iss(&l, 0x06),
			 (1u << 24) | (2u << 22) | (4u << 16) | (1u << 14) | (1u << 6) | 0x06u);
	assert_true(decode_ldst(0xa9010861, regs, NULL, &l)); /* stp: WnR and DFSC only */
	assert_int_equal(ldst_iss(&l, 0x07), (1u << 6) | 0x07u);
}

static void wfi_and_wfe_are_recognised(void **state)
{
	(void)state;
	bool wfe;
	assert_true(decode_wfx(0xd503207f, &wfe));
	assert_false(wfe);
	assert_true(decode_wfx(0xd503205f, &wfe));
	assert_true(wfe);
	assert_false(decode_wfx(0xd503201f, &wfe)); /* nop */
}

struct sysreg_vector {
	uint32_t insn;
	const char *text;
	struct sysreg_access a;
};

static const struct sysreg_vector sysreg_vectors[] = {
	{ 0xd538cc02, "mrs x2, ICC_IAR1_EL1", { 3, 0, 12, 12, 0, 2, true } },
	{ 0xd518cc23, "msr ICC_EOIR1_EL1, x3", { 3, 0, 12, 12, 1, 3, false } },
	{ 0xd518cba0, "msr S3_0_C12_C11_5, x0", { 3, 0, 12, 11, 5, 0, false } },
	{ 0xd538461e, "mrs x30, ICC_PMR_EL1", { 3, 0, 4, 6, 0, 30, true } },
	{ 0xd518461f, "msr ICC_PMR_EL1, xzr", { 3, 0, 4, 6, 0, 31, false } },
	{ 0xd538c945, "mrs x5, ICC_AP1R2_EL1", { 3, 0, 12, 9, 2, 5, true } },
	{ 0xd533f107, "mrs x7, S2_3_C15_C1_0", { 2, 3, 15, 1, 0, 7, true } },
	{ 0xd53be041, "mrs x1, CNTVCT_EL0", { 3, 3, 14, 0, 2, 1, true } },
};

static void mrs_and_msr_decode_to_their_register_encoding(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sysreg_vectors); i++) {
		const struct sysreg_vector *v = &sysreg_vectors[i];
		struct sysreg_access a;
		if (!decode_sysreg(v->insn, &a))
			fail_msg("%s: not decoded", v->text);
		if (a.op0 != v->a.op0 || a.op1 != v->a.op1 || a.crn != v->a.crn ||
		    a.crm != v->a.crm || a.op2 != v->a.op2 || a.rt != v->a.rt ||
		    a.read != v->a.read)
			fail_msg("%s: S%u_%u_C%u_C%u_%u rt %u read %d", v->text, a.op0, a.op1,
				 a.crn, a.crm, a.op2, a.rt, a.read);
	}
}

static void other_instructions_are_not_sysreg_accesses(void **state)
{
	(void)state;
	struct sysreg_access a;
	assert_false(decode_sysreg(0x8b020020, &a)); /* add x0, x1, x2 */
	assert_false(decode_sysreg(0xd50342df, &a)); /* msr daifset, #2 */
	assert_false(decode_sysreg(0xd503207f, &a)); /* wfi */
	assert_false(decode_sysreg(0xd508871f, &a)); /* tlbi vmalle1 */
	assert_false(decode_sysreg(0xf9400022, &a)); /* ldr x2, [x1] */
}

static void sysreg_iss_packs_the_fields_where_esr_has_them(void **state)
{
	(void)state;
	struct sysreg_access a;
	assert_true(decode_sysreg(0xd538cc02, &a)); /* mrs x2, ICC_IAR1_EL1 */
	/* Op0 3 | Op2 0 | Op1 0 | CRn 12 | Rt 2 | CRm 12 | read */
	assert_int_equal(sysreg_iss(&a), 3u << 20 | 12u << 10 | 2u << 5 | 12u << 1 | 1u);
	assert_int_equal(sysreg_iss(&a), 0x303059);
	assert_true(decode_sysreg(0xd518cba0, &a)); /* msr ICC_SGI1R_EL1, x0 */
	assert_int_equal(sysreg_iss(&a), 3u << 20 | 5u << 17 | 12u << 10 | 11u << 1);
	assert_true(decode_sysreg(0xd53be041, &a)); /* mrs x1, CNTVCT_EL0 */
	assert_int_equal(sysreg_iss(&a), 3u << 20 | 2u << 17 | 3u << 14 | 14u << 10 | 1u << 5 | 1u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(general_register_loads_and_stores_decode_like_the_hardware),
		cmocka_unit_test(pairs_exclusives_and_simd_have_no_syndrome_but_an_address),
		cmocka_unit_test(non_memory_instructions_are_not_decoded),
		cmocka_unit_test(iss_packs_the_fields_where_esr_has_them),
		cmocka_unit_test(wfi_and_wfe_are_recognised),
		cmocka_unit_test(mrs_and_msr_decode_to_their_register_encoding),
		cmocka_unit_test(other_instructions_are_not_sysreg_accesses),
		cmocka_unit_test(sysreg_iss_packs_the_fields_where_esr_has_them),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
