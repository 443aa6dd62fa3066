/* The realm a VMM builds, as data: from the launch options, the guest image
 * and its device tree, the one description that `ccakit run` executes with
 * host_realm_build and that `ccakit measure` measures, so the two cannot
 * drift.
 *
 * Conventions (the guest SDK's boot protocol, guest/README.md):
 *   - RAM at IPA VMM_RAM_BASE, RIPAS RAM over all of it (RTT_INIT_RIPAS
 *     first, as reference-measurement tools assume);
 *   - the image's file bytes as measured DATA, page by page in ascending
 *     IPA; its zero-initialised tail is left to DATA_CREATE_UNKNOWN when the
 *     guest first touches it (it reads as zero either way);
 *   - the device tree as measured DATA on the first page boundary after the
 *     image's last byte (bss included), its address in REC 0's X0;
 *   - one REC per vCPU, only REC 0 runnable, at the image's entry point. */
#ifndef CCAKIT_VMM_PLAN_H
#define CCAKIT_VMM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "host/host.h"
#include "vmm/elf.h"
#include "vmm/options.h"

#define VMM_RAM_BASE UINT64_C(0x40000000)
/* The most device tree vmm_plan_load builds. */
#define VMM_DTB_MAX (64 * 1024)
/* The realm's IPA width: RAM from VMM_RAM_BASE up to the -m maximum stays
 * well inside the protected half. */
#define VMM_REALM_S2SZ 40
/* Breakpoints and watchpoints (encoded count - 1): 6 and 4, all that
 * ccakit's RMM offers (RMI_FEATURES). Named rather than left to the host's
 * "all the RMM offers", because REALM_CREATE measures them: `ccakit
 * measure` predicts the RIM without asking an RMM. */
#define VMM_REALM_NUM_BPS 5
#define VMM_REALM_NUM_WPS 3

struct vmm_plan {
	struct host_realm_layout layout;
	uint64_t dtb_ipa;
	/* What layout.images point at: runs of whole pages of the image, then
	 * the device tree. */
	struct host_image *images;
	uint8_t **buffers;
	size_t nbuffers;
};

/* Plans a realm (or, with --normal, the same memory layout for a normal VM).
 * Returns 0, or a negative errno with a sentence in err (image or device
 * tree do not fit in RAM). */
int vmm_plan_build(const struct vmm_options *o, const struct vmm_elf_image *img, const void *dtb,
		   size_t dtb_len, struct vmm_plan *plan, char *err, size_t errlen);
void vmm_plan_free(struct vmm_plan *plan);

/* What `ccakit run` and `ccakit measure` both start from: o->kernel loaded,
 * the device tree built, vmm_plan_build. Returns 0, or a negative errno with
 * a sentence in err (a bad image, too little memory); img and plan are to
 * be freed (vmm_elf_unload, vmm_plan_free) either way. */
int vmm_plan_load(const struct vmm_options *o, struct vmm_elf_image *img, struct vmm_plan *plan,
		  char *err, size_t errlen);

#endif
