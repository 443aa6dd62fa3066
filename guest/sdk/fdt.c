/* A minimal reader of the flattened device tree (devicetree specification
 * v0.4, chapter 5) for what the SDK needs: the first /memory range, the CPUs
 * under /cpus (their reg, the MPIDR) and the "arm,pl011" UART's address.
 *
 * The tree is not trusted to be well-formed: every offset and length is
 * checked against the header's sizes before it is read, and a tree that
 * does not check out yields the defaults. All reads are aligned 32-bit or
 * byte loads (with the MMU off, memory is Device memory: an unaligned access
 * faults). */
#include <stdbool.h>
#include <stdint.h>

#include "guest/cpu.h"
#include "ccakit/guest.h"
#include "guest/string.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_HEADER_SIZE 40u
#define FDT_MAX_DEPTH 16

enum node_kind { NODE_OTHER, NODE_ROOT, NODE_MEMORY, NODE_CPUS, NODE_CPU };

/* What is known of a node while its properties go by. */
struct node {
	enum node_kind kind;
	unsigned addr_cells, size_cells; /* for its children (spec defaults 2, 1) */
	bool has_reg, is_pl011;
	uint64_t reg_addr, reg_size; /* the first (address, size) pair of reg */
};

struct reader {
	const uint8_t *fdt;
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
};

static uint32_t be32(const uint8_t *p)
{
	return __builtin_bswap32(*(const uint32_t *)p);
}

/* A property's name: NUL-terminated inside the strings block, else NULL. */
static const char *prop_name(const struct reader *r, uint32_t nameoff)
{
	const char *s = (const char *)r->fdt + r->strings_off;
	if (nameoff >= r->strings_size)
		return NULL;
	for (uint32_t i = nameoff; i < r->strings_size; i++)
		if (s[i] == '\0')
			return s + nameoff;
	return NULL;
}

/* cells big-endian 32-bit cells at p as one number; 0 for more than two. */
static uint64_t read_cells(const uint8_t *p, unsigned cells)
{
	if (cells == 1)
		return be32(p);
	if (cells == 2)
		return (uint64_t)be32(p) << 32 | be32(p + 4);
	return 0;
}

/* Whether the string list value[0..len) holds s. */
static bool stringlist_has(const char *value, uint32_t len, const char *s)
{
	size_t n = strlen(s);
	for (uint32_t i = 0; i < len;) {
		uint32_t j = i;
		while (j < len && value[j])
			j++;
		if (j - i == n && memcmp(value + i, s, n) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

static bool name_is(const char *name, const char *base)
{
	size_t n = strlen(base);
	return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static void set_defaults(struct guest_platform *out)
{
	memset(out, 0, sizeof *out);
	out->uart_base = GUEST_UART_BASE;
}

static void prop(struct node *nd, const struct node *parent,
		 const char *name, const uint8_t *value, uint32_t len)
{
	if (!strcmp(name, "#address-cells") && len == 4) {
		nd->addr_cells = be32(value);
	} else if (!strcmp(name, "#size-cells") && len == 4) {
		nd->size_cells = be32(value);
	} else if (!strcmp(name, "compatible")) {
		nd->is_pl011 = stringlist_has((const char *)value, len, "arm,pl011");
	} else if (!strcmp(name, "reg") && parent) {
		/* The parent's #address-cells/#size-cells say how reg reads. */
		unsigned ac = parent->addr_cells, sc = parent->size_cells;
		if (ac >= 1 && ac <= 2 && sc <= 2 && len >= 4 * (ac + sc)) {
			nd->reg_addr = read_cells(value, ac);
			nd->reg_size = sc ? read_cells(value + 4 * ac, sc) : 0;
			nd->has_reg = true;
		}
	}
}

/* At a node's end, what it said goes into out. */
static void commit(struct guest_platform *out, const struct node *nd)
{
	if (nd->kind == NODE_MEMORY && nd->has_reg && !out->has_memory && nd->reg_size) {
		out->has_memory = true;
		out->mem_base = nd->reg_addr;
		out->mem_size = nd->reg_size;
	} else if (nd->kind == NODE_CPU && nd->has_reg) {
		if (out->cpus < GUEST_MAX_CPUS)
			out->mpidr[out->cpus] = nd->reg_addr;
		out->cpus++;
	}
	if (nd->is_pl011 && nd->has_reg)
		out->uart_base = nd->reg_addr;
}

/* Walks the structure block; false as soon as something does not check out. */
static bool parse(const void *fdt, struct guest_platform *out)
{
	struct node stack[FDT_MAX_DEPTH];
	struct reader r = { fdt, 0, 0, 0, 0 };
	uint32_t total, off;
	int depth = -1;

	if (!fdt || ((uintptr_t)fdt & 3) || be32(r.fdt) != FDT_MAGIC)
		return false;
	total = be32(r.fdt + 4);
	r.struct_off = be32(r.fdt + 8);
	r.strings_off = be32(r.fdt + 12);
	r.strings_size = be32(r.fdt + 32);
	r.struct_size = be32(r.fdt + 36);
	/* Version 17 has the sizes read above; both blocks lie in the tree. */
	if (be32(r.fdt + 20) < 17 || total < FDT_HEADER_SIZE || (r.struct_off & 3) ||
	    r.struct_off > total || r.struct_size > total - r.struct_off ||
	    r.strings_off > total || r.strings_size > total - r.strings_off)
		return false;

	for (off = 0; off + 4 <= r.struct_size;) {
		const uint8_t *p = r.fdt + r.struct_off + off;
		uint32_t token = be32(p);
		off += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p + 4;
			uint32_t n = 0;
			struct node *nd;
			while (off + n < r.struct_size && name[n])
				n++;
			if (off + n >= r.struct_size || ++depth >= FDT_MAX_DEPTH)
				return false;
			off += (n + 1 + 3) & ~3u;
			nd = &stack[depth];
			memset(nd, 0, sizeof *nd);
			nd->addr_cells = 2;
			nd->size_cells = 1;
			if (depth == 0)
				nd->kind = NODE_ROOT;
			else if (depth == 1 && name_is(name, "memory"))
				nd->kind = NODE_MEMORY;
			else if (depth == 1 && !strcmp(name, "cpus"))
				nd->kind = NODE_CPUS;
			else if (depth == 2 && stack[1].kind == NODE_CPUS && name_is(name, "cpu"))
				nd->kind = NODE_CPU;
		} else if (token == FDT_END_NODE) {
			if (depth < 0)
				return false;
			commit(out, &stack[depth]);
			if (--depth < 0) {
				out->fdt_valid = true;
				break; /* the root ended: done */
			}
		} else if (token == FDT_PROP) {
			uint32_t len, nameoff;
			const char *name;
			if (depth < 0 || off + 8 > r.struct_size)
				return false;
			len = be32(p + 4);
			nameoff = be32(p + 8);
			off += 8;
			if (len > r.struct_size - off)
				return false;
			name = prop_name(&r, nameoff);
			if (name)
				prop(&stack[depth], depth ? &stack[depth - 1] : NULL, name, p + 12,
				     len);
			off += (len + 3) & ~3u;
		} else if (token == FDT_NOP) {
			continue;
		} else if (token == FDT_END) {
			break;
		} else {
			return false;
		}
	}
	return out->fdt_valid;
}

bool guest_fdt_parse(const void *fdt, struct guest_platform *out)
{
	set_defaults(out);
	if (parse(fdt, out))
		return true;
	set_defaults(out);
	return false;
}
