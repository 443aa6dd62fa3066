/* Loading a guest image: an ELF64 little-endian AArch64 executable.
 *
 * Every field is checked before it is used, in the order a reader would
 * check them (identity, header, program header table, then each segment),
 * and all arithmetic on file offsets and guest addresses is overflow-safe,
 * so a broken or hostile file yields a message, never a crash. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/elf.h"

/* The ELF structures are read in place with memcpy: fine on the
 * little-endian hosts ccakit runs on (x86-64, arm64), wrong elsewhere. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "vmm/elf.c reads little-endian ELF fields natively"
#endif

#define MIB (UINT64_C(1) << 20)

__attribute__((format(printf, 5, 6))) static int fail(char *err, size_t errlen, int rc,
						      const char *name, const char *fmt, ...)
{
	if (err && errlen) {
		int n = snprintf(err, errlen, "%s: ", name);
		if (n >= 0 && (size_t)n < errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return rc;
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_NONE: return "none";
	case EM_SPARC: return "SPARC";
	case EM_386: return "Intel 80386";
	case EM_MIPS: return "MIPS";
	case EM_PPC: return "PowerPC";
	case EM_PPC64: return "PowerPC64";
	case EM_S390: return "IBM S/390";
	case EM_ARM: return "32-bit Arm";
	case EM_SPARCV9: return "SPARC v9";
	case EM_IA_64: return "IA-64";
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "AArch64";
	case EM_RISCV: return "RISC-V";
#ifdef EM_LOONGARCH
	case EM_LOONGARCH: return "LoongArch";
#endif
	default: return "unknown machine";
	}
}

static const char *type_hint(unsigned t)
{
	switch (t) {
	case ET_NONE: return "ET_NONE, no file type";
	case ET_REL: return "ET_REL, a relocatable object: link it into an executable";
	case ET_DYN: return "ET_DYN, a shared object or position-independent executable: "
			    "link with -static -no-pie";
	case ET_CORE: return "ET_CORE, a core dump";
	default: return "unknown type";
	}
}

/* [a, a + len) without wrapping past 2^64; *end is the last byte. */
static bool range_end(uint64_t a, uint64_t len, uint64_t *end)
{
	if (len == 0 || a + (len - 1) < a)
		return false;
	*end = a + (len - 1);
	return true;
}

static int cmp_gpa(const void *a, const void *b)
{
	const struct vmm_elf_segment *x = a, *y = b;
	if (x->gpa != y->gpa)
		return x->gpa < y->gpa ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int check_ident(const char *name, const uint8_t *p, size_t len, char *err, size_t errlen)
{
	size_t magic = len < SELFMAG ? len : SELFMAG;
	if (len == 0)
		return fail(err, errlen, -ENOEXEC, name, "empty file, not an ELF file");
	if (memcmp(p, ELFMAG, magic) != 0)
		return fail(err, errlen, -ENOEXEC, name, "not an ELF file (no \\177ELF magic)");
	if (len < EI_NIDENT)
		return fail(err, errlen, -ENOEXEC, name,
			    "truncated ELF header: the file has %zu bytes, the header needs %zu", len,
			    sizeof(Elf64_Ehdr));
	if (p[EI_CLASS] == ELFCLASS32)
		return fail(err, errlen, -ENOEXEC, name,
			    "32-bit ELF (ELFCLASS32), expected a 64-bit AArch64 image (ELFCLASS64)");
	if (p[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, -ENOEXEC, name, "invalid ELF class %u, expected ELFCLASS64",
			    p[EI_CLASS]);
	if (p[EI_DATA] == ELFDATA2MSB)
		return fail(err, errlen, -ENOEXEC, name,
			    "big-endian ELF (ELFDATA2MSB), expected little-endian AArch64");
	if (p[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, -ENOEXEC, name,
			    "invalid ELF data encoding %u, expected little-endian (ELFDATA2LSB)",
			    p[EI_DATA]);
	if (p[EI_VERSION] != EV_CURRENT)
		return fail(err, errlen, -ENOEXEC, name, "ELF identification version %u, expected %u",
			    p[EI_VERSION], EV_CURRENT);
	if (len < sizeof(Elf64_Ehdr))
		return fail(err, errlen, -ENOEXEC, name,
			    "truncated ELF header: the file has %zu bytes, the header needs %zu", len,
			    sizeof(Elf64_Ehdr));
	return 0;
}

static int check_header(const char *name, const Elf64_Ehdr *eh, size_t len, char *err,
			size_t errlen)
{
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, -ENOEXEC, name, "ELF type %u (%s), expected an executable (ET_EXEC)",
			    eh->e_type, type_hint(eh->e_type));
	if (eh->e_machine != EM_AARCH64)
		return fail(err, errlen, -ENOEXEC, name, "ELF for machine %s (%u), expected AArch64 (%u)",
			    machine_name(eh->e_machine), eh->e_machine, EM_AARCH64);
	if (eh->e_version != EV_CURRENT)
		return fail(err, errlen, -ENOEXEC, name, "ELF version %u, expected %u", eh->e_version,
			    EV_CURRENT);
	if (eh->e_phnum == 0)
		return fail(err, errlen, -ENOEXEC, name, "no program headers: nothing to load");
	if (eh->e_phnum == PN_XNUM)
		return fail(err, errlen, -ENOEXEC, name,
			    "extended program header numbering (e_phnum = PN_XNUM) is not supported");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(err, errlen, -ENOEXEC, name,
			    "program header entry size %u, expected %zu for ELF64", eh->e_phentsize,
			    sizeof(Elf64_Phdr));
	uint64_t table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > len || table > len - eh->e_phoff)
		return fail(err, errlen, -ENOEXEC, name,
			    "program header table at offset 0x%llx (%u entries, %llu bytes) runs past "
			    "the end of the file (%zu bytes): truncated file?",
			    (unsigned long long)eh->e_phoff, eh->e_phnum, (unsigned long long)table,
			    len);
	return 0;
}

/* Checks one PT_LOAD against the file and RAM and fills seg. */
static int check_segment(const char *name, unsigned i, const Elf64_Phdr *ph, const uint8_t *file,
			 size_t len, uint64_t ram_base, uint64_t ram_last,
			 struct vmm_elf_segment *seg, char *err, size_t errlen)
{
	uint64_t last, vlast;
	if (ph->p_filesz > ph->p_memsz)
		return fail(err, errlen, -ENOEXEC, name,
			    "segment %u: file size 0x%llx is larger than its memory size 0x%llx", i,
			    (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return fail(err, errlen, -ENOEXEC, name,
			    "segment %u: file bytes 0x%llx+0x%llx run past the end of the file "
			    "(%zu bytes): truncated file?",
			    i, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz, len);
	if (ph->p_align > 1) {
		if (ph->p_align & (ph->p_align - 1))
			return fail(err, errlen, -ENOEXEC, name,
				    "segment %u: alignment 0x%llx is not a power of two", i,
				    (unsigned long long)ph->p_align);
		if ((ph->p_vaddr - ph->p_offset) & (ph->p_align - 1))
			return fail(err, errlen, -ENOEXEC, name,
				    "segment %u: address 0x%llx and file offset 0x%llx are not "
				    "congruent modulo its alignment 0x%llx",
				    i, (unsigned long long)ph->p_vaddr,
				    (unsigned long long)ph->p_offset, (unsigned long long)ph->p_align);
	}
	if (!range_end(ph->p_paddr, ph->p_memsz, &last) ||
	    !range_end(ph->p_vaddr, ph->p_memsz, &vlast))
		return fail(err, errlen, -ENOEXEC, name,
			    "segment %u: 0x%llx bytes at 0x%llx wrap around the address space", i,
			    (unsigned long long)ph->p_memsz, (unsigned long long)ph->p_paddr);
	if (ph->p_paddr < ram_base)
		return fail(err, errlen, -ERANGE, name,
			    "segment %u at 0x%llx-0x%llx does not fit in RAM 0x%llx-0x%llx "
			    "(RAM starts at 0x%llx: link the image there)",
			    i, (unsigned long long)ph->p_paddr, (unsigned long long)last,
			    (unsigned long long)ram_base, (unsigned long long)ram_last,
			    (unsigned long long)ram_base);
	if (last > ram_last) {
		/* RAM comes in 2 MiB steps: say how much this segment needs. */
		uint64_t need = last - ram_base + 1;
		need = (need + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
		return fail(err, errlen, -ERANGE, name,
			    "segment %u at 0x%llx-0x%llx does not fit in RAM 0x%llx-0x%llx "
			    "(use -m to give more: it needs at least %lluM)",
			    i, (unsigned long long)ph->p_paddr, (unsigned long long)last,
			    (unsigned long long)ram_base, (unsigned long long)ram_last,
			    (unsigned long long)(need / MIB));
	}
	*seg = (struct vmm_elf_segment){
		.index = i,
		.gpa = ph->p_paddr,
		.vaddr = ph->p_vaddr,
		.data = file + ph->p_offset,
		.filesz = ph->p_filesz,
		.memsz = ph->p_memsz,
		.flags = ph->p_flags,
	};
	return 0;
}

/* e_entry is a virtual address: translate it through the segment whose
 * virtual range holds it (the guest starts with its MMU off). */
static int find_entry(const char *name, uint64_t e_entry, struct vmm_elf_image *img, char *err,
		      size_t errlen)
{
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct vmm_elf_segment *s = &img->segs[i];
		if (e_entry >= s->vaddr && e_entry - s->vaddr < s->memsz) {
			img->entry = s->gpa + (e_entry - s->vaddr);
			if (img->entry & 3)
				return fail(err, errlen, -ENOEXEC, name,
					    "entry point 0x%llx is not 4-byte aligned (AArch64 "
					    "instructions are)",
					    (unsigned long long)e_entry);
			return 0;
		}
	}
	return fail(err, errlen, -ENOEXEC, name,
		    "entry point 0x%llx is not inside any loaded segment",
		    (unsigned long long)e_entry);
}

int vmm_elf_parse(const char *name, const void *buf, size_t len, uint64_t ram_base,
		  uint64_t ram_size, struct vmm_elf_image *img, char *err, size_t errlen)
{
	const uint8_t *file = buf;
	uint64_t ram_last;
	int rc;

	*img = (struct vmm_elf_image){ 0 };
	if (!name)
		name = "image";
	if (!range_end(ram_base, ram_size, &ram_last))
		return fail(err, errlen, -EINVAL, name, "invalid RAM range 0x%llx+0x%llx",
			    (unsigned long long)ram_base, (unsigned long long)ram_size);
	if (!buf && len)
		return fail(err, errlen, -EINVAL, name, "no image bytes");
	rc = check_ident(name, file, len, err, errlen);
	if (rc)
		return rc;
	Elf64_Ehdr eh;
	memcpy(&eh, file, sizeof eh);
	rc = check_header(name, &eh, len, err, errlen);
	if (rc)
		return rc;

	struct vmm_elf_segment *segs = calloc(eh.e_phnum, sizeof *segs);
	if (!segs)
		return fail(err, errlen, -ENOMEM, name, "out of memory for %u program headers",
			    eh.e_phnum);
	unsigned n = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, file + eh.e_phoff + (uint64_t)i * sizeof ph, sizeof ph);
		if (ph.p_type == PT_INTERP) {
			rc = fail(err, errlen, -ENOEXEC, name,
				  "segment %u asks for a dynamic loader (PT_INTERP): link the image "
				  "statically (-static -nostdlib)",
				  i);
			goto out;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		rc = check_segment(name, i, &ph, file, len, ram_base, ram_last, &segs[n], err,
				   errlen);
		if (rc)
			goto out;
		n++;
	}
	if (n == 0) {
		rc = fail(err, errlen, -ENOEXEC, name, "no loadable segments (PT_LOAD with memory)");
		goto out;
	}
	qsort(segs, n, sizeof *segs, cmp_gpa);
	for (unsigned i = 1; i < n; i++) {
		const struct vmm_elf_segment *a = &segs[i - 1], *b = &segs[i];
		if (b->gpa - a->gpa < a->memsz) {
			unsigned lo = a->index < b->index ? a->index : b->index;
			unsigned hi = a->index < b->index ? b->index : a->index;
			rc = fail(err, errlen, -ENOEXEC, name, "segments %u and %u overlap at 0x%llx",
				  lo, hi, (unsigned long long)b->gpa);
			goto out;
		}
	}
	img->segs = segs;
	img->nsegs = n;
	img->lowest = segs[0].gpa;
	img->highest = segs[n - 1].gpa + (segs[n - 1].memsz - 1);
	rc = find_entry(name, eh.e_entry, img, err, errlen);
	if (rc == 0)
		return 0;
out:
	free(segs);
	*img = (struct vmm_elf_image){ 0 };
	return rc;
}

int vmm_elf_load(const char *path, uint64_t ram_base, uint64_t ram_size, struct vmm_elf_image *img,
		 char *err, size_t errlen)
{
	*img = (struct vmm_elf_image){ 0 };
	if (!path || !*path)
		return fail(err, errlen, -EINVAL, "image", "no file name given");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return fail(err, errlen, -e, path, "cannot open: %s", strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return fail(err, errlen, -e, path, "cannot stat: %s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, -ENOEXEC, path, "not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(err, errlen, -ENOEXEC, path, "empty file, not an ELF file");
	}
	size_t len = (size_t)st.st_size;
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (map == MAP_FAILED)
		return fail(err, errlen, -e, path, "cannot map %zu bytes: %s", len, strerror(e));
	int rc = vmm_elf_parse(path, map, len, ram_base, ram_size, img, err, errlen);
	if (rc) {
		munmap(map, len);
		return rc;
	}
	img->map = map;
	img->map_len = len;
	return 0;
}

int vmm_elf_for_each_segment(const struct vmm_elf_image *img,
			     int (*fn)(void *ctx, const struct vmm_elf_segment *seg), void *ctx)
{
	for (unsigned i = 0; i < img->nsegs; i++) {
		int rc = fn(ctx, &img->segs[i]);
		if (rc)
			return rc;
	}
	return 0;
}

void vmm_elf_unload(struct vmm_elf_image *img)
{
	if (!img)
		return;
	free(img->segs);
	if (img->map)
		munmap(img->map, img->map_len);
	*img = (struct vmm_elf_image){ 0 };
}
