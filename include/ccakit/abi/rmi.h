/* Realm Management Interface, RMM specification 1.0-REL0 (DEN0137).
 * Every structure offset is checked against the spec by static_assert. */
#ifndef CCAKIT_ABI_RMI_H
#define CCAKIT_ABI_RMI_H

#include <stddef.h>
#include <stdint.h>

#define GRANULE_SHIFT 12
#define GRANULE_SIZE (UINT64_C(1) << GRANULE_SHIFT)
#define GRANULE_MASK (GRANULE_SIZE - 1)

#define RMI_FID(n) (UINT32_C(0xC4000000) | (n))
#define RMI_FID_FIRST 0x150
#define RMI_FID_LAST 0x18F

#define RMI_VERSION RMI_FID(0x150)
#define RMI_GRANULE_DELEGATE RMI_FID(0x151)
#define RMI_GRANULE_UNDELEGATE RMI_FID(0x152)
#define RMI_DATA_CREATE RMI_FID(0x153)
#define RMI_DATA_CREATE_UNKNOWN RMI_FID(0x154)
#define RMI_DATA_DESTROY RMI_FID(0x155)
#define RMI_REALM_ACTIVATE RMI_FID(0x157)
#define RMI_REALM_CREATE RMI_FID(0x158)
#define RMI_REALM_DESTROY RMI_FID(0x159)
#define RMI_REC_CREATE RMI_FID(0x15A)
#define RMI_REC_DESTROY RMI_FID(0x15B)
#define RMI_REC_ENTER RMI_FID(0x15C)
#define RMI_RTT_CREATE RMI_FID(0x15D)
#define RMI_RTT_DESTROY RMI_FID(0x15E)
#define RMI_RTT_MAP_UNPROTECTED RMI_FID(0x15F)
#define RMI_RTT_READ_ENTRY RMI_FID(0x161)
#define RMI_RTT_UNMAP_UNPROTECTED RMI_FID(0x162)
#define RMI_PSCI_COMPLETE RMI_FID(0x164)
#define RMI_FEATURES RMI_FID(0x165)
#define RMI_RTT_FOLD RMI_FID(0x166)
#define RMI_REC_AUX_COUNT RMI_FID(0x167)
#define RMI_RTT_INIT_RIPAS RMI_FID(0x168)
#define RMI_RTT_SET_RIPAS RMI_FID(0x169)

/* RmiInterfaceVersion: major << 16 | minor. */
#define RMI_ABI_VERSION_MAJOR 1
#define RMI_ABI_VERSION_MINOR 0
#define RMI_ABI_VERSION ((uint64_t)RMI_ABI_VERSION_MAJOR << 16 | RMI_ABI_VERSION_MINOR)

/* RmiCommandReturnCode: status in bits [7:0], index in bits [15:8]. */
enum rmi_status {
	RMI_SUCCESS = 0,
	RMI_ERROR_INPUT = 1,
	RMI_ERROR_REALM = 2,
	RMI_ERROR_REC = 3,
	RMI_ERROR_RTT = 4,
};

static inline uint64_t rmi_return(enum rmi_status status, unsigned index)
{
	return (uint64_t)status | ((uint64_t)(index & 0xff) << 8);
}

static inline enum rmi_status rmi_return_status(uint64_t x0)
{
	return (enum rmi_status)(x0 & 0xff);
}

static inline unsigned rmi_return_index(uint64_t x0)
{
	return (unsigned)((x0 >> 8) & 0xff);
}

/* RmiHashAlgorithm */
#define RMI_HASH_SHA_256 0
#define RMI_HASH_SHA_512 1

/* RmiRealmFlags */
#define RMI_REALM_FLAG_LPA2 (UINT64_C(1) << 0)
#define RMI_REALM_FLAG_SVE (UINT64_C(1) << 1)
#define RMI_REALM_FLAG_PMU (UINT64_C(1) << 2)

/* RmiRecCreateFlags */
#define RMI_REC_FLAG_RUNNABLE (UINT64_C(1) << 0)

/* RmiDataFlags */
#define RMI_NO_MEASURE_CONTENT 0
#define RMI_MEASURE_CONTENT 1

/* RmiRipas (= RsiRipas) */
enum rmi_ripas {
	RIPAS_EMPTY = 0,
	RIPAS_RAM = 1,
	RIPAS_DESTROYED = 2,
};

/* RmiRttEntryState, as RMI_RTT_READ_ENTRY reports it. */
enum rmi_rtt_entry_state {
	RMI_UNASSIGNED = 0,
	RMI_ASSIGNED = 1,
	RMI_TABLE = 2,
};

/* RmiRecExitReason */
enum rmi_exit_reason {
	RMI_EXIT_SYNC = 0,
	RMI_EXIT_IRQ = 1,
	RMI_EXIT_FIQ = 2,
	RMI_EXIT_PSCI = 3,
	RMI_EXIT_RIPAS_CHANGE = 4,
	RMI_EXIT_HOST_CALL = 5,
	RMI_EXIT_SERROR = 6,
};

/* RmiRecEnterFlags */
#define REC_ENTRY_FLAG_EMUL_MMIO (UINT64_C(1) << 0)
#define REC_ENTRY_FLAG_INJECT_SEA (UINT64_C(1) << 1)
#define REC_ENTRY_FLAG_TRAP_WFI (UINT64_C(1) << 2)
#define REC_ENTRY_FLAG_TRAP_WFE (UINT64_C(1) << 3)
#define REC_ENTRY_FLAG_RIPAS_RESPONSE (UINT64_C(1) << 4)

/* RmiFeatureRegister0 fields (1.0-REL0 layout). */
#define RMI_FEAT0_S2SZ_SHIFT 0
#define RMI_FEAT0_LPA2_SHIFT 8
#define RMI_FEAT0_SVE_EN_SHIFT 9
#define RMI_FEAT0_SVE_VL_SHIFT 10
#define RMI_FEAT0_NUM_BPS_SHIFT 14
#define RMI_FEAT0_NUM_WPS_SHIFT 20
#define RMI_FEAT0_PMU_EN_SHIFT 26
#define RMI_FEAT0_PMU_NUM_CTRS_SHIFT 27
#define RMI_FEAT0_HASH_SHA_256_SHIFT 32
#define RMI_FEAT0_HASH_SHA_512_SHIFT 33
#define RMI_FEAT0_GICV3_NUM_LRS_SHIFT 34
#define RMI_FEAT0_MAX_RECS_ORDER_SHIFT 38

/* RmiRealmParams: REALM_CREATE's parameter granule. */
struct rmi_realm_params {
	uint64_t flags;
	uint8_t s2sz;
	uint8_t pad0[7];
	uint8_t sve_vl;
	uint8_t pad1[7];
	uint8_t num_bps;
	uint8_t pad2[7];
	uint8_t num_wps;
	uint8_t pad3[7];
	uint8_t pmu_num_ctrs;
	uint8_t pad4[7];
	uint8_t hash_algo;
	uint8_t pad5[0x400 - 0x31];
	uint8_t rpv[64];
	uint8_t pad6[0x800 - 0x440];
	uint16_t vmid;
	uint8_t pad7[6];
	uint64_t rtt_base;
	int64_t rtt_level_start;
	uint32_t rtt_num_start;
	uint8_t pad8[GRANULE_SIZE - 0x81c];
};
_Static_assert(offsetof(struct rmi_realm_params, flags) == 0x000, "RmiRealmParams.flags");
_Static_assert(offsetof(struct rmi_realm_params, s2sz) == 0x008, "RmiRealmParams.s2sz");
_Static_assert(offsetof(struct rmi_realm_params, sve_vl) == 0x010, "RmiRealmParams.sve_vl");
_Static_assert(offsetof(struct rmi_realm_params, num_bps) == 0x018, "RmiRealmParams.num_bps");
_Static_assert(offsetof(struct rmi_realm_params, num_wps) == 0x020, "RmiRealmParams.num_wps");
_Static_assert(offsetof(struct rmi_realm_params, pmu_num_ctrs) == 0x028, "RmiRealmParams.pmu_num_ctrs");
_Static_assert(offsetof(struct rmi_realm_params, hash_algo) == 0x030, "RmiRealmParams.hash_algo");
_Static_assert(offsetof(struct rmi_realm_params, rpv) == 0x400, "RmiRealmParams.rpv");
_Static_assert(offsetof(struct rmi_realm_params, vmid) == 0x800, "RmiRealmParams.vmid");
_Static_assert(offsetof(struct rmi_realm_params, rtt_base) == 0x808, "RmiRealmParams.rtt_base");
_Static_assert(offsetof(struct rmi_realm_params, rtt_level_start) == 0x810, "RmiRealmParams.rtt_level_start");
_Static_assert(offsetof(struct rmi_realm_params, rtt_num_start) == 0x818, "RmiRealmParams.rtt_num_start");
_Static_assert(sizeof(struct rmi_realm_params) == GRANULE_SIZE, "RmiRealmParams size");

#define RMI_REC_PARAMS_GPRS 8
#define RMI_MAX_REC_AUX_GRANULES 16

/* RmiRecParams: REC_CREATE's parameter granule. */
struct rmi_rec_params {
	uint64_t flags;
	uint8_t pad0[0x100 - 0x8];
	uint64_t mpidr;
	uint8_t pad1[0x200 - 0x108];
	uint64_t pc;
	uint8_t pad2[0x300 - 0x208];
	uint64_t gprs[RMI_REC_PARAMS_GPRS];
	uint8_t pad3[0x800 - 0x340];
	uint64_t num_aux;
	uint64_t aux[RMI_MAX_REC_AUX_GRANULES];
	uint8_t pad4[GRANULE_SIZE - 0x888];
};
_Static_assert(offsetof(struct rmi_rec_params, flags) == 0x000, "RmiRecParams.flags");
_Static_assert(offsetof(struct rmi_rec_params, mpidr) == 0x100, "RmiRecParams.mpidr");
_Static_assert(offsetof(struct rmi_rec_params, pc) == 0x200, "RmiRecParams.pc");
_Static_assert(offsetof(struct rmi_rec_params, gprs) == 0x300, "RmiRecParams.gprs");
_Static_assert(offsetof(struct rmi_rec_params, num_aux) == 0x800, "RmiRecParams.num_aux");
_Static_assert(offsetof(struct rmi_rec_params, aux) == 0x808, "RmiRecParams.aux");
_Static_assert(sizeof(struct rmi_rec_params) == GRANULE_SIZE, "RmiRecParams size");

/* RmiRecMpidr: Aff0 [3:0], Aff1 [15:8], Aff2 [23:16], Aff3 [31:24]; all else RES0. */
#define RMI_MPIDR_VALID_MASK UINT64_C(0xffffff0f)

static inline uint64_t rmi_mpidr_to_rec_index(uint64_t mpidr)
{
	return (mpidr & 0xf) | ((mpidr >> 8) & 0xff) << 4 | ((mpidr >> 16) & 0xff) << 12 |
	       ((mpidr >> 24) & 0xff) << 20;
}

static inline uint64_t rmi_rec_index_to_mpidr(uint64_t index)
{
	return (index & 0xf) | ((index >> 4) & 0xff) << 8 | ((index >> 12) & 0xff) << 16 |
	       ((index >> 20) & 0xff) << 24;
}

#define RMI_REC_RUN_GPRS 31
#define RMI_GIC_MAX_LRS 16

struct rmi_rec_enter {
	uint64_t flags;
	uint8_t pad0[0x200 - 0x8];
	uint64_t gprs[RMI_REC_RUN_GPRS];
	uint8_t pad1[0x300 - 0x2f8];
	uint64_t gicv3_hcr;
	uint64_t gicv3_lrs[RMI_GIC_MAX_LRS];
	uint8_t pad2[0x800 - 0x388];
};

struct rmi_rec_exit {
	uint64_t exit_reason;
	uint8_t pad0[0x100 - 0x8];
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar;
	uint8_t pad1[0x200 - 0x118];
	uint64_t gprs[RMI_REC_RUN_GPRS];
	uint8_t pad2[0x300 - 0x2f8];
	uint64_t gicv3_hcr;
	uint64_t gicv3_lrs[RMI_GIC_MAX_LRS];
	uint64_t gicv3_misr;
	uint64_t gicv3_vmcr;
	uint8_t pad3[0x400 - 0x398];
	uint64_t cntp_ctl;
	uint64_t cntp_cval;
	uint64_t cntv_ctl;
	uint64_t cntv_cval;
	uint8_t pad4[0x500 - 0x420];
	uint64_t ripas_base;
	uint64_t ripas_top;
	uint8_t ripas_value;
	uint8_t pad5[0x600 - 0x511];
	uint16_t imm;
	uint8_t pad6[0x700 - 0x602];
	uint64_t pmu_ovf_status;
	uint8_t pad7[0x800 - 0x708];
};

/* RmiRecRun: REC_ENTER's shared page; entry part then exit part. */
struct rmi_rec_run {
	struct rmi_rec_enter enter;
	struct rmi_rec_exit exit;
};
_Static_assert(offsetof(struct rmi_rec_run, enter.flags) == 0x000, "RmiRecRun.enter.flags");
_Static_assert(offsetof(struct rmi_rec_run, enter.gprs) == 0x200, "RmiRecRun.enter.gprs");
_Static_assert(offsetof(struct rmi_rec_run, enter.gicv3_hcr) == 0x300, "RmiRecRun.enter.gicv3_hcr");
_Static_assert(offsetof(struct rmi_rec_run, enter.gicv3_lrs) == 0x308, "RmiRecRun.enter.gicv3_lrs");
_Static_assert(offsetof(struct rmi_rec_run, exit.exit_reason) == 0x800, "RmiRecRun.exit.exit_reason");
_Static_assert(offsetof(struct rmi_rec_run, exit.esr) == 0x900, "RmiRecRun.exit.esr");
_Static_assert(offsetof(struct rmi_rec_run, exit.far) == 0x908, "RmiRecRun.exit.far");
_Static_assert(offsetof(struct rmi_rec_run, exit.hpfar) == 0x910, "RmiRecRun.exit.hpfar");
_Static_assert(offsetof(struct rmi_rec_run, exit.gprs) == 0xA00, "RmiRecRun.exit.gprs");
_Static_assert(offsetof(struct rmi_rec_run, exit.gicv3_hcr) == 0xB00, "RmiRecRun.exit.gicv3_hcr");
_Static_assert(offsetof(struct rmi_rec_run, exit.gicv3_lrs) == 0xB08, "RmiRecRun.exit.gicv3_lrs");
_Static_assert(offsetof(struct rmi_rec_run, exit.gicv3_misr) == 0xB88, "RmiRecRun.exit.gicv3_misr");
_Static_assert(offsetof(struct rmi_rec_run, exit.gicv3_vmcr) == 0xB90, "RmiRecRun.exit.gicv3_vmcr");
_Static_assert(offsetof(struct rmi_rec_run, exit.cntp_ctl) == 0xC00, "RmiRecRun.exit.cntp_ctl");
_Static_assert(offsetof(struct rmi_rec_run, exit.cntp_cval) == 0xC08, "RmiRecRun.exit.cntp_cval");
_Static_assert(offsetof(struct rmi_rec_run, exit.cntv_ctl) == 0xC10, "RmiRecRun.exit.cntv_ctl");
_Static_assert(offsetof(struct rmi_rec_run, exit.cntv_cval) == 0xC18, "RmiRecRun.exit.cntv_cval");
_Static_assert(offsetof(struct rmi_rec_run, exit.ripas_base) == 0xD00, "RmiRecRun.exit.ripas_base");
_Static_assert(offsetof(struct rmi_rec_run, exit.ripas_top) == 0xD08, "RmiRecRun.exit.ripas_top");
_Static_assert(offsetof(struct rmi_rec_run, exit.ripas_value) == 0xD10, "RmiRecRun.exit.ripas_value");
_Static_assert(offsetof(struct rmi_rec_run, exit.imm) == 0xE00, "RmiRecRun.exit.imm");
_Static_assert(offsetof(struct rmi_rec_run, exit.pmu_ovf_status) == 0xF00, "RmiRecRun.exit.pmu_ovf_status");
_Static_assert(sizeof(struct rmi_rec_run) == GRANULE_SIZE, "RmiRecRun size");

/* ICH_HCR_EL2 bits a host may set in RmiRecEnter.gicv3_hcr: UIE, LRENPIE, NPIE,
 * VGrp0EIE, VGrp0DIE, VGrp1EIE, VGrp1DIE (bits 1..7) and TDIR (bit 14). */
#define RMI_GICV3_HCR_ALLOWED (UINT64_C(0xfe) | (UINT64_C(1) << 14))

/* ICH_LR<n>_EL2 fields. */
#define ICH_LR_VINTID_MASK UINT64_C(0xffffffff)
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK (UINT64_C(0x1fff) << ICH_LR_PINTID_SHIFT)
#define ICH_LR_EOI (UINT64_C(1) << 41)
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_GROUP (UINT64_C(1) << 60)
#define ICH_LR_HW (UINT64_C(1) << 61)
#define ICH_LR_STATE_SHIFT 62

#endif
