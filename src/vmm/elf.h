/* Normal world user space (the VMM): loading a guest image.
 *
 * A guest image is an ELF64 little-endian AArch64 executable (ET_EXEC), linked
 * to run at physical addresses in the guest's RAM: it starts with the MMU off,
 * so each PT_LOAD segment goes to guest physical address p_paddr, and the
 * entry point is e_entry translated through the segment that holds it
 * (p_paddr - p_vaddr; the two are usually equal).
 *
 * The loader checks everything it reads — identity, machine, program header
 * table, each segment against the file and against guest RAM, overlaps — and
 * never trusts an offset or a size it has not checked, so any file, however
 * broken, gets a sentence naming the file and what is wrong:
 *   "hello.elf: ELF for machine x86-64 (62), expected AArch64 (183)"
 *   "hello.elf: segment 2 at 0x44000000-0x44000fff does not fit in RAM
 *    0x40000000-0x43ffffff (use -m to give more)"
 *
 *   struct vmm_elf_image img;
 *   char err[VMM_ELF_ERR_MAX];
 *   if (vmm_elf_load(path, ram_base, ram_size, &img, err, sizeof err) != 0) { puts(err); ... }
 *   for (unsigned i = 0; i < img.nsegs; i++)   // ascending guest address
 *           copy img.segs[i].data (filesz bytes) to img.segs[i].gpa, zero up to memsz;
 *   vmm_elf_unload(&img);
 */
#ifndef CCAKIT_VMM_ELF_H
#define CCAKIT_VMM_ELF_H

#include <stddef.h>
#include <stdint.h>

/* A message buffer of this size holds every error in full. */
#define VMM_ELF_ERR_MAX 512

/* One PT_LOAD segment with bytes to place in guest memory. */
struct vmm_elf_segment {
	unsigned index;       /* its index in the program header table */
	uint64_t gpa;         /* guest physical address: p_paddr */
	uint64_t vaddr;       /* p_vaddr, for messages */
	const uint8_t *data;  /* the file bytes, valid until vmm_elf_unload */
	uint64_t filesz;      /* bytes from the file ... */
	uint64_t memsz;       /* ... then zeros up to memsz (>= filesz, > 0) */
	uint32_t flags;       /* PF_R | PF_W | PF_X */
};

struct vmm_elf_image {
	uint64_t entry;               /* entry point, a guest physical address */
	unsigned nsegs;               /* PT_LOAD segments with memsz > 0 ... */
	struct vmm_elf_segment *segs; /* ... sorted by ascending gpa, never overlapping */
	uint64_t lowest, highest;     /* first and last guest byte any segment covers */

	/* private */
	void *map;
	size_t map_len;
};

/* Loads the image in the file at path (mapped read-only, not copied) and
 * checks that every segment lies inside guest RAM [ram_base, ram_base +
 * ram_size). Returns 0, or a negative errno (-ENOENT and friends from opening
 * the file, -ENOEXEC for a file that is not a valid image, -ERANGE for one
 * that does not fit in RAM, -ENOMEM) with a sentence naming the file in err.
 * On failure img is left empty (vmm_elf_unload on it is harmless). The file
 * must not be truncated while the image is loaded (it is mapped). */
int vmm_elf_load(const char *path, uint64_t ram_base, uint64_t ram_size, struct vmm_elf_image *img,
		 char *err, size_t errlen);

/* The same for an image already in memory (name is used in messages). The
 * segments point into buf, which must outlive img. */
int vmm_elf_parse(const char *name, const void *buf, size_t len, uint64_t ram_base,
		  uint64_t ram_size, struct vmm_elf_image *img, char *err, size_t errlen);

/* Calls fn for each segment in ascending guest address; stops at and
 * returns the first non-zero value fn returns, else 0. */
int vmm_elf_for_each_segment(const struct vmm_elf_image *img,
			     int (*fn)(void *ctx, const struct vmm_elf_segment *seg), void *ctx);

/* Releases what vmm_elf_load or vmm_elf_parse set up; img becomes empty. */
void vmm_elf_unload(struct vmm_elf_image *img);

#endif
