/* The realm-building plan shared by `ccakit run` and `ccakit measure`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/fdt.h"
#include "vmm/plan.h"

#define PAGE GRANULE_SIZE

static uint64_t page_down(uint64_t a)
{
	return a & ~(PAGE - 1);
}

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

void vmm_plan_free(struct vmm_plan *plan)
{
	for (size_t i = 0; i < plan->nbuffers; i++)
		free(plan->buffers[i]);
	free(plan->buffers);
	free(plan->images);
	memset(plan, 0, sizeof(*plan));
}

/* Adds a zeroed run of pages [base, top), measured, as the next image. */
static int add_run(struct vmm_plan *plan, uint64_t base, uint64_t top)
{
	uint8_t *buf = calloc(1, top - base);
	if (!buf)
		return -ENOMEM;
	plan->buffers[plan->nbuffers++] = buf;
	struct host_image *im = &plan->images[plan->layout.nimages++];
	im->ipa = base;
	im->data = buf;
	im->len = top - base;
	im->measure = true;
	return 0;
}

int vmm_plan_build(const struct vmm_options *o, const struct vmm_elf_image *img, const void *dtb,
		   size_t dtb_len, struct vmm_plan *plan, char *err, size_t errlen)
{
	uint64_t ram_top = VMM_RAM_BASE + o->mem_size;
	memset(plan, 0, sizeof(*plan));

	/* At most one run per segment, and the device tree. */
	plan->images = calloc(img->nsegs + 1, sizeof(*plan->images));
	plan->buffers = calloc(img->nsegs + 1, sizeof(*plan->buffers));
	if (!plan->images || !plan->buffers) {
		vmm_plan_free(plan);
		snprintf(err, errlen, "out of memory planning the guest");
		return -ENOMEM;
	}

	/* The image's file bytes, page-granular runs: segments that share or
	 * touch a page go into one run, so no page is created twice. */
	for (unsigned i = 0; i < img->nsegs;) {
		const struct vmm_elf_segment *s = &img->segs[i];
		if (s->filesz == 0) {
			i++;
			continue;
		}
		uint64_t base = page_down(s->gpa), top = page_up(s->gpa + s->filesz);
		unsigned j = i + 1;
		for (; j < img->nsegs; j++) {
			const struct vmm_elf_segment *n = &img->segs[j];
			if (n->filesz == 0 || page_down(n->gpa) > top)
				break;
			top = page_up(n->gpa + n->filesz);
		}
		if (add_run(plan, base, top) != 0) {
			vmm_plan_free(plan);
			snprintf(err, errlen, "out of memory planning the guest");
			return -ENOMEM;
		}
		uint8_t *buf = plan->buffers[plan->nbuffers - 1];
		for (unsigned k = i; k < j; k++)
			if (img->segs[k].filesz)
				memcpy(buf + (img->segs[k].gpa - base), img->segs[k].data,
				       img->segs[k].filesz);
		i = j;
	}

	/* The device tree, after everything the image covers. */
	plan->dtb_ipa = page_up(img->highest + 1);
	if (dtb_len == 0 || plan->dtb_ipa + dtb_len > ram_top || plan->dtb_ipa + dtb_len < plan->dtb_ipa) {
		vmm_plan_free(plan);
		snprintf(err, errlen,
			 "RAM 0x%llx-0x%llx is too small for the image and its %zu-byte device tree "
			 "(they need up to 0x%llx: give more with -m)",
			 (unsigned long long)VMM_RAM_BASE, (unsigned long long)(ram_top - 1), dtb_len,
			 (unsigned long long)(page_up(img->highest + 1) + dtb_len - 1));
		return -ERANGE;
	}
	if (add_run(plan, plan->dtb_ipa, plan->dtb_ipa + page_up(dtb_len)) != 0) {
		vmm_plan_free(plan);
		snprintf(err, errlen, "out of memory planning the guest");
		return -ENOMEM;
	}
	memcpy(plan->buffers[plan->nbuffers - 1], dtb, dtb_len);

	struct host_realm_layout *l = &plan->layout;
	l->realm.s2sz = VMM_REALM_S2SZ;
	l->realm.hash_algo = o->hash_algo;
	l->realm.num_bps = VMM_REALM_NUM_BPS;
	l->realm.num_wps = VMM_REALM_NUM_WPS;
	memcpy(l->realm.rpv, o->rpv, sizeof(l->realm.rpv));
	l->ram.ipa = VMM_RAM_BASE;
	l->ram.len = o->mem_size;
	l->images = plan->images;
	l->nrecs = o->cpus;
	l->pc = img->entry;
	l->gprs[0] = plan->dtb_ipa;
	return 0;
}

int vmm_plan_load(const struct vmm_options *o, struct vmm_elf_image *img, struct vmm_plan *plan,
		  char *err, size_t errlen)
{
	size_t dtb_len;
	memset(plan, 0, sizeof(*plan));
	int rc = vmm_elf_load(o->kernel, VMM_RAM_BASE, o->mem_size, img, err, errlen);
	if (rc)
		return rc;
	/* The plan keeps its own copy of the device tree. */
	uint8_t *dtb = malloc(VMM_DTB_MAX);
	if (!dtb) {
		snprintf(err, errlen, "out of memory for the device tree");
		return -ENOMEM;
	}
	struct vmm_fdt_config fc = { .mem_base = VMM_RAM_BASE, .mem_size = o->mem_size,
				     .cpus = o->cpus };
	rc = vmm_fdt_build(&fc, dtb, VMM_DTB_MAX, &dtb_len, err, errlen);
	if (rc == 0)
		rc = vmm_plan_build(o, img, dtb, dtb_len, plan, err, errlen);
	free(dtb);
	return rc;
}
