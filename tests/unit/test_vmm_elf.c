/* The VMM's ELF loader: valid images, every kind of broken one, and random
 * corruption of a valid image that must never crash (run under ASan by
 * `make check`, with each input in an exactly sized allocation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/elf.h"

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE (UINT64_C(64) << 20)

#define assert_contains(s, sub)                                                    \
	do {                                                                       \
		if (!strstr((s), (sub)))                                           \
			fail_msg("message '%s' does not contain '%s'", (s), (sub)); \
	} while (0)

struct tseg {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct timage {
	Elf64_Ehdr eh;
	struct tseg seg[8];
	unsigned nseg;
};

/* A valid image: text (RX) at 0x40080000 and data + bss (RW) at 0x40090000. */
static struct timage valid_image(void)
{
	struct timage t = { 0 };
	memcpy(t.eh.e_ident, ELFMAG, SELFMAG);
	t.eh.e_ident[EI_CLASS] = ELFCLASS64;
	t.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	t.eh.e_ident[EI_VERSION] = EV_CURRENT;
	t.eh.e_type = ET_EXEC;
	t.eh.e_machine = EM_AARCH64;
	t.eh.e_version = EV_CURRENT;
	t.eh.e_entry = 0x40080000;
	t.eh.e_phoff = sizeof(Elf64_Ehdr);
	t.eh.e_ehsize = sizeof(Elf64_Ehdr);
	t.eh.e_phentsize = sizeof(Elf64_Phdr);
	t.seg[0] = (struct tseg){ PT_LOAD, PF_R | PF_X, 0x1000, 0x40080000, 0x40080000, 0x200, 0x200,
				  0x1000 };
	t.seg[1] = (struct tseg){ PT_LOAD, PF_R | PF_W, 0x2000, 0x40090000, 0x40090000, 0x100,
				  0x3000, 0x1000 };
	t.seg[2] = (struct tseg){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10 };
	t.nseg = 3;
	return t;
}

/* Serialises t: header, program headers, each segment's bytes filled with
 * its index + 1. Returns a malloc'd buffer of exactly *len bytes. */
static uint8_t *serialise(const struct timage *t, size_t *len)
{
	Elf64_Ehdr eh = t->eh;
	if (!eh.e_phnum)
		eh.e_phnum = (uint16_t)t->nseg;
	size_t size = sizeof eh + t->nseg * sizeof(Elf64_Phdr);
	for (unsigned i = 0; i < t->nseg; i++)
		if (t->seg[i].filesz && t->seg[i].offset + t->seg[i].filesz > size)
			size = t->seg[i].offset + t->seg[i].filesz;
	uint8_t *b = calloc(1, size);
	assert_non_null(b);
	memcpy(b, &eh, sizeof eh);
	for (unsigned i = 0; i < t->nseg; i++) {
		const struct tseg *s = &t->seg[i];
		Elf64_Phdr ph = { .p_type = s->type, .p_flags = s->flags, .p_offset = s->offset,
				  .p_vaddr = s->vaddr, .p_paddr = s->paddr, .p_filesz = s->filesz,
				  .p_memsz = s->memsz, .p_align = s->align };
		memcpy(b + sizeof eh + i * sizeof ph, &ph, sizeof ph);
		if (s->filesz)
			memset(b + s->offset, (int)(i + 1), s->filesz);
	}
	*len = size;
	return b;
}

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ccakit-elf-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rmdir(tmpdir);
	return 0;
}

/* Writes bytes to a file in the test's directory; returns its path. */
static const char *write_file(const char *name, const void *buf, size_t len)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	return path;
}

/* Loads t from a file; returns the status and leaves the message in err. */
static int load(const struct timage *t, struct vmm_elf_image *img, char *err, size_t errlen)
{
	size_t len;
	uint8_t *b = serialise(t, &len);
	const char *path = write_file("guest.elf", b, len);
	int rc = vmm_elf_load(path, RAM_BASE, RAM_SIZE, img, err, errlen);
	unlink(path);
	free(b);
	return rc;
}

/* Expects t to be refused with rc and a message containing what. */
static void expect_refused(const struct timage *t, int rc, const char *what)
{
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX] = "";
	assert_int_equal(load(t, &img, err, sizeof err), rc);
	assert_contains(err, "guest.elf: ");
	assert_contains(err, what);
	assert_int_equal(img.nsegs, 0);
	assert_null(img.segs);
	vmm_elf_unload(&img);
}

static void loads_valid_image_segments_and_entry(void **state)
{
	(void)state;
	struct timage t = valid_image();
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX] = "";
	assert_int_equal(load(&t, &img, err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_int_equal(img.entry, 0x40080000);
	assert_int_equal(img.nsegs, 2);
	assert_int_equal(img.segs[0].index, 0);
	assert_int_equal(img.segs[0].gpa, 0x40080000);
	assert_int_equal(img.segs[0].filesz, 0x200);
	assert_int_equal(img.segs[0].memsz, 0x200);
	assert_int_equal(img.segs[0].flags, PF_R | PF_X);
	assert_int_equal(img.segs[1].gpa, 0x40090000);
	assert_int_equal(img.segs[1].filesz, 0x100);
	assert_int_equal(img.segs[1].memsz, 0x3000);
	for (unsigned i = 0; i < 0x200; i++)
		assert_int_equal(img.segs[0].data[i], 1);
	for (unsigned i = 0; i < 0x100; i++)
		assert_int_equal(img.segs[1].data[i], 2);
	assert_int_equal(img.lowest, 0x40080000);
	assert_int_equal(img.highest, 0x40092fff);
	vmm_elf_unload(&img);
	assert_null(img.segs);
	vmm_elf_unload(&img); /* harmless twice */
}

static void segments_come_sorted_by_guest_address(void **state)
{
	(void)state;
	struct timage t = valid_image();
	struct tseg s0 = t.seg[0];
	t.seg[0] = t.seg[1];
	t.seg[1] = s0;
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(load(&t, &img, err, sizeof err), 0);
	assert_int_equal(img.nsegs, 2);
	assert_int_equal(img.segs[0].gpa, 0x40080000);
	assert_int_equal(img.segs[0].index, 1);
	assert_int_equal(img.segs[1].gpa, 0x40090000);
	assert_int_equal(img.segs[1].index, 0);
	vmm_elf_unload(&img);
}

struct visit {
	uint64_t gpa[4];
	unsigned n, stop_at;
};

static int visit_seg(void *ctx, const struct vmm_elf_segment *seg)
{
	struct visit *v = ctx;
	v->gpa[v->n++] = seg->gpa;
	return v->n == v->stop_at ? 42 : 0;
}

static void for_each_segment_visits_in_order_and_stops(void **state)
{
	(void)state;
	struct timage t = valid_image();
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(load(&t, &img, err, sizeof err), 0);
	struct visit v = { .stop_at = 0 };
	assert_int_equal(vmm_elf_for_each_segment(&img, visit_seg, &v), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.gpa[0], 0x40080000);
	assert_int_equal(v.gpa[1], 0x40090000);
	v = (struct visit){ .stop_at = 1 };
	assert_int_equal(vmm_elf_for_each_segment(&img, visit_seg, &v), 42);
	assert_int_equal(v.n, 1);
	vmm_elf_unload(&img);
}

static void entry_translates_virtual_to_physical(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[0].vaddr = 0xffff000000080000;
	t.seg[0].offset = 0x1000; /* congruent with vaddr modulo 0x1000 */
	t.eh.e_entry = 0xffff000000080040;
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(load(&t, &img, err, sizeof err), 0);
	assert_int_equal(img.entry, 0x40080040);
	vmm_elf_unload(&img);
}

static void zero_size_and_non_load_segments_are_skipped(void **state)
{
	(void)state;
	struct timage t = valid_image();
	/* A PT_LOAD with nothing in memory, at an address outside RAM. */
	t.seg[3] = (struct tseg){ PT_LOAD, PF_R, 0, 0x1000, 0x1000, 0, 0, 0x1000 };
	t.seg[4] = (struct tseg){ PT_NOTE, PF_R, 0x1800, 0x0, 0x0, 0x8, 0x8, 4 };
	t.nseg = 5;
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(load(&t, &img, err, sizeof err), 0);
	assert_int_equal(img.nsegs, 2);
	vmm_elf_unload(&img);
}

static void segment_at_ram_edges_fits(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[0].paddr = t.seg[0].vaddr = RAM_BASE;
	t.eh.e_entry = RAM_BASE;
	t.seg[1].paddr = t.seg[1].vaddr = RAM_BASE + RAM_SIZE - 0x3000;
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(load(&t, &img, err, sizeof err), 0);
	assert_int_equal(img.highest, RAM_BASE + RAM_SIZE - 1);
	vmm_elf_unload(&img);
}

static void refuses_segment_past_end_of_ram(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[1].paddr = t.seg[1].vaddr = RAM_BASE + RAM_SIZE - 0x2000;
	expect_refused(&t, -ERANGE,
		       "segment 1 at 0x43ffe000-0x44000fff does not fit in RAM "
		       "0x40000000-0x43ffffff (use -m to give more: it needs at least 66M)");
}

static void refuses_segment_above_ram(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[1].paddr = t.seg[1].vaddr = 0x80000000;
	expect_refused(&t, -ERANGE, "segment 1 at 0x80000000-0x80002fff does not fit in RAM");
}

static void refuses_segment_below_ram(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[0].paddr = t.seg[0].vaddr = 0x80000;
	t.eh.e_entry = 0x80000;
	expect_refused(&t, -ERANGE,
		       "segment 0 at 0x80000-0x801ff does not fit in RAM 0x40000000-0x43ffffff "
		       "(RAM starts at 0x40000000: link the image there)");
}

static void refuses_segment_wrapping_address_space(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[1].paddr = t.seg[1].vaddr = 0xfffffffffffff000;
	expect_refused(&t, -ENOEXEC, "wrap around the address space");
}

static void refuses_overlapping_segments(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[1].paddr = t.seg[1].vaddr = 0x40080100; /* inside segment 0 */
	t.seg[1].offset = 0x2100;
	expect_refused(&t, -ENOEXEC, "segments 0 and 1 overlap at 0x40080100");
}

static void refuses_identical_segments(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[3] = t.seg[0];
	t.nseg = 4;
	expect_refused(&t, -ENOEXEC, "segments 0 and 3 overlap at 0x40080000");
}

static void adjacent_segments_do_not_overlap(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[1].paddr = t.seg[1].vaddr = 0x40080200; /* right after segment 0 */
	t.seg[1].offset = 0x2200;
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(load(&t, &img, err, sizeof err), 0);
	vmm_elf_unload(&img);
}

static void refuses_filesz_larger_than_memsz(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[0].memsz = 0x100;
	expect_refused(&t, -ENOEXEC, "segment 0: file size 0x200 is larger than its memory size 0x100");
}

static void refuses_segment_bytes_past_end_of_file(void **state)
{
	(void)state;
	struct timage t = valid_image();
	size_t len;
	uint8_t *b = serialise(&t, &len);
	/* Cut the file in the middle of segment 1's bytes. */
	const char *path = write_file("guest.elf", b, 0x2080);
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(vmm_elf_load(path, RAM_BASE, RAM_SIZE, &img, err, sizeof err), -ENOEXEC);
	assert_contains(err, "segment 1: file bytes 0x2000+0x100 run past the end of the file "
			     "(8320 bytes): truncated file?");
	unlink(path);
	free(b);
}

static void refuses_huge_segment_offset(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[2] = (struct tseg){ PT_LOAD, PF_R, 0xfffffffffffff000, 0x40100000, 0x40100000, 0x2000,
				  0x2000, 0x1000 };
	/* serialise() would try to fill the bytes: write the headers only. */
	size_t len;
	t.seg[2].filesz = 0;
	uint8_t *b = serialise(&t, &len);
	Elf64_Phdr ph;
	memcpy(&ph, b + sizeof(Elf64_Ehdr) + 2 * sizeof ph, sizeof ph);
	ph.p_filesz = 0x2000;
	memcpy(b + sizeof(Elf64_Ehdr) + 2 * sizeof ph, &ph, sizeof ph);
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(vmm_elf_parse("guest.elf", b, len, RAM_BASE, RAM_SIZE, &img, err, sizeof err),
			 -ENOEXEC);
	assert_contains(err, "segment 2: file bytes 0xfffffffffffff000+0x2000 run past the end");
	free(b);
}

static void refuses_bad_alignment(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[0].align = 0x3000;
	expect_refused(&t, -ENOEXEC, "segment 0: alignment 0x3000 is not a power of two");
	t = valid_image();
	t.seg[1].offset = 0x2010;
	expect_refused(&t, -ENOEXEC,
		       "segment 1: address 0x40090000 and file offset 0x2010 are not congruent "
		       "modulo its alignment 0x1000");
}

static void refuses_not_an_elf_file(void **state)
{
	(void)state;
	const char *text = "#!/bin/sh\necho hello\n";
	const char *path = write_file("guest.elf", text, strlen(text));
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(vmm_elf_load(path, RAM_BASE, RAM_SIZE, &img, err, sizeof err), -ENOEXEC);
	assert_contains(err, path);
	assert_contains(err, "not an ELF file");
	unlink(path);
}

static void refuses_empty_file(void **state)
{
	(void)state;
	const char *path = write_file("guest.elf", "", 0);
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(vmm_elf_load(path, RAM_BASE, RAM_SIZE, &img, err, sizeof err), -ENOEXEC);
	assert_contains(err, "empty file");
	unlink(path);
	/* And from memory. */
	assert_int_equal(vmm_elf_parse("x", "", 0, RAM_BASE, RAM_SIZE, &img, err, sizeof err),
			 -ENOEXEC);
	assert_contains(err, "x: empty file");
}

static void refuses_truncated_header(void **state)
{
	(void)state;
	struct timage t = valid_image();
	size_t len;
	uint8_t *b = serialise(&t, &len);
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	static const size_t cuts[] = { 2, 10, 40, 63 };
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		uint8_t *c = malloc(cuts[i]);
		memcpy(c, b, cuts[i]);
		assert_int_equal(vmm_elf_parse("guest.elf", c, cuts[i], RAM_BASE, RAM_SIZE, &img, err,
					       sizeof err),
				 -ENOEXEC);
		assert_contains(err, "truncated ELF header");
		free(c);
	}
	free(b);
}

static void refuses_32_bit_elf(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_refused(&t, -ENOEXEC, "32-bit ELF (ELFCLASS32), expected a 64-bit AArch64 image");
	t.eh.e_ident[EI_CLASS] = 7;
	expect_refused(&t, -ENOEXEC, "invalid ELF class 7");
}

static void refuses_big_endian_elf(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect_refused(&t, -ENOEXEC, "big-endian ELF");
	t.eh.e_ident[EI_DATA] = 0;
	expect_refused(&t, -ENOEXEC, "invalid ELF data encoding 0");
	t = valid_image();
	t.eh.e_ident[EI_VERSION] = 2;
	expect_refused(&t, -ENOEXEC, "ELF identification version 2, expected 1");
}

static void refuses_wrong_machine(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.eh.e_machine = EM_X86_64;
	expect_refused(&t, -ENOEXEC, "ELF for machine x86-64 (62), expected AArch64 (183)");
	t.eh.e_machine = EM_ARM;
	expect_refused(&t, -ENOEXEC, "ELF for machine 32-bit Arm (40), expected AArch64 (183)");
	t.eh.e_machine = 0x4242;
	expect_refused(&t, -ENOEXEC, "ELF for machine unknown machine (16962)");
}

static void refuses_wrong_type(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.eh.e_type = ET_DYN;
	expect_refused(&t, -ENOEXEC, "ET_DYN, a shared object or position-independent executable");
	t.eh.e_type = ET_REL;
	expect_refused(&t, -ENOEXEC, "ET_REL, a relocatable object");
	t.eh.e_type = ET_CORE;
	expect_refused(&t, -ENOEXEC, "expected an executable (ET_EXEC)");
	t = valid_image();
	t.eh.e_version = 0;
	expect_refused(&t, -ENOEXEC, "ELF version 0, expected 1");
}

static void refuses_bad_program_header_table(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.eh.e_phentsize = 32;
	expect_refused(&t, -ENOEXEC, "program header entry size 32, expected 56");

	t = valid_image();
	t.nseg = 0;
	expect_refused(&t, -ENOEXEC, "no program headers");

	t = valid_image();
	t.eh.e_phnum = PN_XNUM;
	expect_refused(&t, -ENOEXEC, "PN_XNUM");

	t = valid_image();
	t.eh.e_phoff = 0x100000; /* past the end */
	expect_refused(&t, -ENOEXEC,
		       "program header table at offset 0x100000 (3 entries, 168 bytes) runs past "
		       "the end of the file (8448 bytes): truncated file?");

	t = valid_image();
	t.eh.e_phoff = 0xffffffffffffffc0; /* offset + size wraps */
	expect_refused(&t, -ENOEXEC, "runs past the end of the file");

	t = valid_image();
	t.eh.e_phnum = 200; /* more entries than the file holds */
	expect_refused(&t, -ENOEXEC, "(200 entries, 11200 bytes) runs past the end");
}

static void refuses_entry_outside_segments(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.eh.e_entry = 0x40000000;
	expect_refused(&t, -ENOEXEC, "entry point 0x40000000 is not inside any loaded segment");
	t.eh.e_entry = 0x40080002;
	expect_refused(&t, -ENOEXEC, "entry point 0x40080002 is not 4-byte aligned");
}

static void refuses_dynamic_images_and_no_loads(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.seg[2] = (struct tseg){ PT_INTERP, PF_R, 0x1800, 0, 0, 0x10, 0x10, 1 };
	expect_refused(&t, -ENOEXEC, "segment 2 asks for a dynamic loader (PT_INTERP)");
	t = valid_image();
	t.seg[0].type = PT_NOTE;
	t.seg[1].type = PT_NOTE;
	expect_refused(&t, -ENOEXEC, "no loadable segments");
}

static void refuses_missing_and_special_files(void **state)
{
	(void)state;
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	char path[128];
	snprintf(path, sizeof path, "%s/nonexistent.elf", tmpdir);
	assert_int_equal(vmm_elf_load(path, RAM_BASE, RAM_SIZE, &img, err, sizeof err), -ENOENT);
	assert_contains(err, "nonexistent.elf: cannot open: No such file or directory");
	assert_int_equal(vmm_elf_load(tmpdir, RAM_BASE, RAM_SIZE, &img, err, sizeof err), -ENOEXEC);
	assert_contains(err, "not a regular file");
	assert_int_equal(vmm_elf_load("", RAM_BASE, RAM_SIZE, &img, err, sizeof err), -EINVAL);
	assert_contains(err, "no file name");
	assert_int_equal(vmm_elf_load(NULL, RAM_BASE, RAM_SIZE, &img, err, sizeof err), -EINVAL);
}

static void refuses_bad_ram_range(void **state)
{
	(void)state;
	struct timage t = valid_image();
	size_t len;
	uint8_t *b = serialise(&t, &len);
	struct vmm_elf_image img;
	char err[VMM_ELF_ERR_MAX];
	assert_int_equal(vmm_elf_parse("g", b, len, RAM_BASE, 0, &img, err, sizeof err), -EINVAL);
	assert_contains(err, "invalid RAM range");
	assert_int_equal(vmm_elf_parse("g", b, len, UINT64_MAX, 2, &img, err, sizeof err), -EINVAL);
	free(b);
}

static void small_error_buffers_are_safe(void **state)
{
	(void)state;
	struct timage t = valid_image();
	t.eh.e_machine = EM_X86_64;
	size_t len;
	uint8_t *b = serialise(&t, &len);
	struct vmm_elf_image img;
	char err[8];
	assert_int_equal(vmm_elf_parse("a-long-file-name.elf", b, len, RAM_BASE, RAM_SIZE, &img, err,
				       sizeof err),
			 -ENOEXEC);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(vmm_elf_parse("g", b, len, RAM_BASE, RAM_SIZE, &img, NULL, 0), -ENOEXEC);
	free(b);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1d;
}

/* What a successful parse promises, checked against the buffer it came from. */
static void check_promises(const struct vmm_elf_image *img, const uint8_t *buf, size_t len)
{
	assert_true(img->nsegs > 0);
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct vmm_elf_segment *s = &img->segs[i];
		assert_true(s->memsz > 0 && s->filesz <= s->memsz);
		assert_true(s->gpa >= RAM_BASE);
		assert_true(s->gpa - RAM_BASE + s->memsz <= RAM_SIZE);
		assert_true(s->data >= buf && s->data <= buf + len);
		assert_true(s->filesz <= (size_t)(buf + len - s->data));
		if (i)
			assert_true(img->segs[i - 1].gpa + img->segs[i - 1].memsz <= s->gpa);
	}
	bool in = false;
	for (unsigned i = 0; i < img->nsegs; i++)
		in |= img->entry >= img->segs[i].gpa &&
		      img->entry - img->segs[i].gpa < img->segs[i].memsz;
	assert_true(in);
	assert_int_equal(img->entry & 3, 0);
}

static void random_corruption_never_crashes(void **state)
{
	(void)state;
	struct timage t = valid_image();
	size_t len;
	uint8_t *good = serialise(&t, &len);
	size_t headers = sizeof(Elf64_Ehdr) + t.nseg * sizeof(Elf64_Phdr);
	unsigned accepted = 0, refused = 0;
	for (unsigned iter = 0; iter < 20000; iter++) {
		/* Sometimes truncate; always copy into an exact-size buffer. */
		size_t n = len;
		if (rng() % 8 == 0)
			n = (size_t)(rng() % (len + 1));
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, good, n);
		unsigned flips = 1 + (unsigned)(rng() % 8);
		for (unsigned f = 0; f < flips && n; f++) {
			/* Mostly the headers: that is where the parser looks. */
			size_t at = rng() % 4 ? (size_t)(rng() % headers) : (size_t)(rng() % n);
			if (at >= n)
				continue;
			if (rng() % 2)
				b[at] ^= (uint8_t)(1u << (rng() % 8));
			else
				b[at] = (uint8_t)rng();
		}
		struct vmm_elf_image img;
		char err[VMM_ELF_ERR_MAX] = "";
		int rc = vmm_elf_parse("fuzz.elf", b, n, RAM_BASE, RAM_SIZE, &img, err, sizeof err);
		if (rc == 0) {
			check_promises(&img, b, n);
			accepted++;
		} else {
			assert_true(rc < 0);
			assert_contains(err, "fuzz.elf: ");
			assert_true(strlen(err) > strlen("fuzz.elf: "));
			assert_null(img.segs);
			refused++;
		}
		vmm_elf_unload(&img);
		free(b);
	}
	print_message("random corruption: %u images accepted, %u refused\n", accepted, refused);
	/* Both outcomes must have been exercised. */
	assert_true(accepted > 100);
	assert_true(refused > 100);
	free(good);
}

/* Program headers made of edge values: offsets, sizes and addresses at 0,
 * the ends of RAM and of the file, and near 2^64, where arithmetic wraps. */
static uint64_t edge_value(size_t len)
{
	static const uint64_t edges[] = { 0, 1, 4, 0x1000, RAM_BASE, RAM_BASE + RAM_SIZE,
					  RAM_BASE + RAM_SIZE - 1, UINT64_MAX, UINT64_MAX - 0xfff,
					  UINT64_C(1) << 63 };
	switch (rng() % 4) {
	case 0: return rng();
	case 1: return rng() % (len + 2);
	default: return edges[rng() % (sizeof edges / sizeof edges[0])];
	}
}

static void random_program_headers_never_crash(void **state)
{
	(void)state;
	unsigned accepted = 0;
	for (unsigned iter = 0; iter < 20000; iter++) {
		struct timage t = valid_image();
		size_t len;
		uint8_t *b = serialise(&t, &len);
		unsigned which = (unsigned)(rng() % 3);
		Elf64_Phdr ph;
		uint8_t *at = b + sizeof(Elf64_Ehdr) + which * sizeof ph;
		memcpy(&ph, at, sizeof ph);
		switch (rng() % 6) {
		case 0: ph.p_offset = edge_value(len); break;
		case 1: ph.p_filesz = edge_value(len); break;
		case 2: ph.p_memsz = edge_value(len); break;
		case 3: ph.p_paddr = edge_value(len); break;
		case 4: ph.p_vaddr = edge_value(len); break;
		default: ph.p_align = edge_value(len); break;
		}
		if (rng() % 4 == 0)
			ph.p_type = PT_LOAD;
		memcpy(at, &ph, sizeof ph);
		if (rng() % 4 == 0) {
			Elf64_Ehdr eh;
			memcpy(&eh, b, sizeof eh);
			if (rng() % 2)
				eh.e_entry = edge_value(len);
			else
				eh.e_phoff = edge_value(len);
			memcpy(b, &eh, sizeof eh);
		}
		struct vmm_elf_image img;
		char err[VMM_ELF_ERR_MAX] = "";
		int rc = vmm_elf_parse("edge.elf", b, len, RAM_BASE, RAM_SIZE, &img, err, sizeof err);
		if (rc == 0) {
			check_promises(&img, b, len);
			accepted++;
		} else {
			assert_true(rc < 0);
			assert_contains(err, "edge.elf: ");
		}
		vmm_elf_unload(&img);
		free(b);
	}
	assert_true(accepted > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_valid_image_segments_and_entry),
		cmocka_unit_test(segments_come_sorted_by_guest_address),
		cmocka_unit_test(for_each_segment_visits_in_order_and_stops),
		cmocka_unit_test(entry_translates_virtual_to_physical),
		cmocka_unit_test(zero_size_and_non_load_segments_are_skipped),
		cmocka_unit_test(segment_at_ram_edges_fits),
		cmocka_unit_test(refuses_segment_past_end_of_ram),
		cmocka_unit_test(refuses_segment_above_ram),
		cmocka_unit_test(refuses_segment_below_ram),
		cmocka_unit_test(refuses_segment_wrapping_address_space),
		cmocka_unit_test(refuses_overlapping_segments),
		cmocka_unit_test(refuses_identical_segments),
		cmocka_unit_test(adjacent_segments_do_not_overlap),
		cmocka_unit_test(refuses_filesz_larger_than_memsz),
		cmocka_unit_test(refuses_segment_bytes_past_end_of_file),
		cmocka_unit_test(refuses_huge_segment_offset),
		cmocka_unit_test(refuses_bad_alignment),
		cmocka_unit_test(refuses_not_an_elf_file),
		cmocka_unit_test(refuses_empty_file),
		cmocka_unit_test(refuses_truncated_header),
		cmocka_unit_test(refuses_32_bit_elf),
		cmocka_unit_test(refuses_big_endian_elf),
		cmocka_unit_test(refuses_wrong_machine),
		cmocka_unit_test(refuses_wrong_type),
		cmocka_unit_test(refuses_bad_program_header_table),
		cmocka_unit_test(refuses_entry_outside_segments),
		cmocka_unit_test(refuses_dynamic_images_and_no_loads),
		cmocka_unit_test(refuses_missing_and_special_files),
		cmocka_unit_test(refuses_bad_ram_range),
		cmocka_unit_test(small_error_buffers_are_safe),
		cmocka_unit_test(random_corruption_never_crashes),
		cmocka_unit_test(random_program_headers_never_crash),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
