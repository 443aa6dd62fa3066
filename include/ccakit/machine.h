/* ccakit embedding API: a CCA machine in your process.
 *
 * A machine is DRAM, a granule protection table, processing elements (PEs),
 * a root monitor and a Realm Management Monitor (RMM) that speaks the RMI of
 * the Arm RMM specification 1.0-REL0. Your program plays the normal world:
 * it issues SMCs from a PE (X0..X17 in and out, exactly as on hardware) and
 * touches memory through physical addresses.
 *
 *   struct ccakit_machine *m;
 *   struct ccakit_machine_config cfg = { .dram_size = 64 << 20, .pe_count = 2 };
 *   char err[256];
 *   if (ccakit_machine_create(&cfg, &m, err, sizeof err) != 0) { puts(err); ... }
 *   struct ccakit_smc_regs r = { .x = { 0xC4000150, 0x10000 } };  // RMI_VERSION 1.0
 *   ccakit_smc(m, 0, &r);                                         // r.x[0] == 0
 *   ccakit_machine_destroy(m);
 *
 * Physical memory is mapped at host address == physical address (the
 * normal-world view), so a PA can be dereferenced as it is. That view is
 * protected per 4 KiB granule exactly as the GPT says: a normal-world access
 * to a granule in the Realm, Secure or Root PAS faults. Outside
 * ccakit_nw_guard() such a fault is reported on stderr as a granule protection
 * fault naming the PA and ends the process with SIGSEGV, as it would stop the
 * offender on hardware.
 *
 * One machine may exist per process at a time (its DRAM occupies fixed host
 * addresses). Every function is thread-safe; each PE is used by one host
 * thread at a time. */
#ifndef CCAKIT_MACHINE_H
#define CCAKIT_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ccakit_machine;

/* One RSI call a realm made, as a debug tracer on the PE sees it (the host
 * is shown nothing of it by the architecture). */
struct ccakit_rsi_event {
	uint64_t rd;       /* the realm, and */
	uint64_t rec;      /* the REC that called (their granule addresses) */
	uint64_t args[11]; /* X0 (the function ID)..X10 at the SMC */
	uint64_t ret[9];   /* X0..X8 after it, when answered in the RMM */
	bool to_host;      /* it became a REC exit (host call, RIPAS change, ...) */
};

struct ccakit_machine_config {
	/* Bytes of DRAM from PA 0x4000_0000: a multiple of 2 MiB, at least
	 * 4 MiB (at most about 1 GiB in AddressSanitizer builds). */
	uint64_t dram_size;
	/* Processing elements, 1..256. */
	unsigned pe_count;
	/* VMID width the PEs implement, 8 or 16; 0 means 16. */
	unsigned vmid_bits;
	/* Host mappings the normal-world view may use before it protects
	 * 2 MiB blocks whole (NS granules in them stay reachable through the
	 * fault handler); 0 derives it from vm.max_map_count. For tests. */
	unsigned max_view_maps;
	/* A debug tracer on the PEs: called for every RSI call, on the PE's
	 * thread, once the RMM has dealt with it. NULL: none. */
	void (*rsi_trace)(void *ctx, const struct ccakit_rsi_event *ev);
	void *rsi_trace_ctx;
	/* The CPAK, the ECDSA P-384 key that signs this platform's tokens:
	 * a PEM file holding the private key (PKCS#8 or SEC1). NULL: a fresh
	 * key for this machine alone, made at its first use and never
	 * stored. */
	const char *cpak_path;
	/* If cpak_path does not exist, generate a key and write it there
	 * (mode 0600, its directory made with 0700 as needed) instead of
	 * failing. ccakit_machine_cpak_created() then says so. */
	bool cpak_create;
	/* Realm tokens in the CMW collection form (tag 907, each token
	 * [263, bstr]) instead of the RMM 1.0 collection (tag 399). */
	bool token_cmw;
};

/* Creates and boots a machine: DRAM, GPT, monitor (which gives the top
 * granules of DRAM to Root and Secure) and RMM. Returns 0, or a negative errno
 * with a sentence in err. */
int ccakit_machine_create(const struct ccakit_machine_config *cfg, struct ccakit_machine **out,
			  char *err, size_t errlen);

/* Destroys a machine. Realms still alive are discarded with it. */
void ccakit_machine_destroy(struct ccakit_machine *m);

struct ccakit_smc_regs {
	uint64_t x[18];
};

/* Issues an SMC from PE `pe` in the normal world: regs->x[0..17] are X0..X17
 * on entry and on return. The monitor routes RMI function IDs to the RMM;
 * anything it does not implement returns SMC_UNKNOWN (all ones) in X0.
 * Returns 0, -EINVAL for a PE that does not exist, or -EBUSY if another host
 * thread is using that PE. */
int ccakit_smc(struct ccakit_machine *m, unsigned pe, struct ccakit_smc_regs *regs);

/* The normal-world pointer for a DRAM physical address (the identity
 * address, protected by the granule protection check), or NULL if pa is not
 * DRAM. */
void *ccakit_pa_to_ptr(struct ccakit_machine *m, uint64_t pa);

/* Physical address spaces. */
enum ccakit_pas {
	CCAKIT_PAS_NS = 0,
	CCAKIT_PAS_SECURE = 1,
	CCAKIT_PAS_REALM = 2,
	CCAKIT_PAS_ROOT = 3,
};

/* The PAS the GPT gives a physical address now (addresses outside DRAM are
 * NS). */
enum ccakit_pas ccakit_pas_of(struct ccakit_machine *m, uint64_t pa);
const char *ccakit_pas_name(enum ccakit_pas pas);

struct ccakit_region {
	uint64_t base;
	uint64_t size;
};

/* Where things are. Everything outside dram is not delegable; mmio holds the
 * devices (PL011 UART at uart.base); secure and root are DRAM granules the
 * monitor keeps out of the normal world. */
struct ccakit_memory_map {
	struct ccakit_region dram;
	struct ccakit_region mmio;
	struct ccakit_region uart;
	struct ccakit_region secure;
	struct ccakit_region root;
	unsigned pa_bits; /* implemented PA range */
};
void ccakit_memory_map(struct ccakit_machine *m, struct ccakit_memory_map *out);

/* A granule protection fault taken by normal-world code. */
struct ccakit_gpf {
	uint64_t pa;
	enum ccakit_pas pas;
	bool write;
};

/* Runs fn(arg) as normal-world code. Returns false if it completed, or true
 * with *gpf filled in if it took a granule protection fault, in which case fn
 * was abandoned at the faulting access (use it for code that may touch
 * protected memory on purpose, such as malicious-host tests). */
bool ccakit_nw_guard(struct ccakit_machine *m, void (*fn)(void *arg), void *arg,
		     struct ccakit_gpf *gpf);

/* ---- attestation: the platform's side ---- */

/* Whether creating m wrote a new CPAK to cfg.cpak_path. */
bool ccakit_machine_cpak_created(struct ccakit_machine *m);

/* The CPAK's public key as a PEM SubjectPublicKeyInfo (what a verifier is
 * given: ccakit_cpak_parse reads it), NUL-terminated in buf. Returns its
 * length, or a negative errno: -ENOSPC if buf is too small (512 bytes are
 * enough), -ENOMEM. */
int ccakit_machine_cpak_public_pem(struct ccakit_machine *m, char *buf, size_t len);

/* One firmware image of the platform, as the platform token reports it
 * (claim 2399): the measurements of this build of ccakit, computed when it
 * was built (cmake/measure_firmware.cmake: the SHA-256 of a manifest of
 * the image's object files). Reference values for a verifier. */
struct ccakit_firmware_component {
	const char *type;          /* "AP_BL31" (the monitor), "RMM" */
	const char *version;       /* ccakit's version */
	uint8_t measurement[32];   /* SHA-256 */
	uint8_t signer_id[32];     /* SHA-256 of "ccakit: unsigned development firmware" */
};
/* The components in the order of claim 2399; returns their count. */
size_t ccakit_firmware_components(const struct ccakit_firmware_component **out);

/* The implementation id of every ccakit platform (claim 2396): the SHA-256
 * of CCAKIT_IMPLEMENTATION_NAME. */
#define CCAKIT_IMPLEMENTATION_NAME "ccakit: Arm CCA platform emulator"
void ccakit_implementation_id(uint8_t out[32]);

#ifdef __cplusplus
}
#endif

#endif
