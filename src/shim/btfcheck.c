// SPDX-License-Identifier: GPL-2.0
/*
 * btfcheck - compare the structure layout the virtio_scmi shim was compiled
 * with against the BTF type information of the kernel it is built for.
 *
 * Usage: btfcheck [-q] LISTING BTF
 *
 * LISTING is the text produced from src/shim/layout.c, one item per line:
 *
 *	abi NAME			ABI revision the shim selected
 *	release RELEASE			kernel release the module is built for
 *	ptrsize N			sizeof(void *) on the target
 *	struct NAME SIZE		a structure and its size in bytes
 *	member STRUCT.MEMBER OFFSET [SIZE]	a member's byte offset (and size)
 *	msize STRUCT.MEMBER SIZE	size of a member listed before
 *	enum NAME SIZE			an enumeration and its size
 *	enumval ENUM.NAME VALUE		an enumerator's value
 *	proto STRUCT.MEMBER RET (ARGS)	a function pointer member's prototype
 *	func NAME RET (ARGS)		an exported function's prototype
 *
 * A prototype is compared parameter by parameter: the count, and each type
 * as the C spelling gives it (pointer depth, then the struct, union or enum
 * by name, void, a typedef by name, or an integer by size and signedness).
 * Lines of the compiler's assembly output that carry such an item after a
 * "->" marker are accepted as well.  Numbers may carry the assembler's
 * immediate prefix ('#' or '$').
 *
 * BTF is either a raw BTF blob (/sys/kernel/btf/vmlinux) or an ELF file
 * (vmlinux) with a .BTF section.  All input is treated as untrusted: every
 * offset is bounds-checked and a malformed file is reported, not trusted.
 *
 * Exit status: 0 when every item matches, 1 on a layout mismatch, 2 when the
 * input cannot be read or parsed.
 *
 * Plain C with only the C library, so that it builds wherever the module is
 * built (DKMS on a user's machine has neither libbpf nor pahole).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PFX			"virtio_scmi: "
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define EXIT_MISMATCH		1
#define EXIT_BADINPUT		2

/* Upper bounds that keep a hostile file from exhausting memory. */
#define MAX_FILE_SIZE		(1024ULL * 1024 * 1024)
#define MAX_SECTIONS		1048576U
#define MAX_LISTING_ITEMS	4096
#define MAX_NAME		128
#define MAX_TYPE_DEPTH		32

/* BTF encoding, see Documentation/bpf/btf.rst */
#define BTF_MAGIC		0xeb9fU
#define BTF_HDR_MIN		24U
#define BTF_TYPE_SIZE		12U

enum btf_kind_nr {
	KIND_UNKN = 0,
	KIND_INT = 1,
	KIND_PTR = 2,
	KIND_ARRAY = 3,
	KIND_STRUCT = 4,
	KIND_UNION = 5,
	KIND_ENUM = 6,
	KIND_FWD = 7,
	KIND_TYPEDEF = 8,
	KIND_VOLATILE = 9,
	KIND_CONST = 10,
	KIND_RESTRICT = 11,
	KIND_FUNC = 12,
	KIND_FUNC_PROTO = 13,
	KIND_VAR = 14,
	KIND_DATASEC = 15,
	KIND_FLOAT = 16,
	KIND_DECL_TAG = 17,
	KIND_TYPE_TAG = 18,
	KIND_ENUM64 = 19,
};

/**
 * struct btf - a parsed BTF blob
 * @data: type section followed by string section (points into @buf)
 * @buf: the whole BTF blob, owned
 * @types: start offset of type id i (1-based) within the type section
 * @ntypes: number of types (ids 1 .. ntypes)
 * @type_len: length of the type section
 * @strs: string section
 * @str_len: length of the string section (last byte is NUL)
 * @swap: the blob's byte order differs from the host's
 * @hash: open-addressing index of named aggregate/enum/typedef types
 * @hash_size: number of slots in @hash (a power of two)
 * @ptrsize: size of a pointer on the target
 */
struct btf {
	const unsigned char *data;
	unsigned char *buf;
	unsigned int *types;
	unsigned int ntypes;
	unsigned int type_len;
	const char *strs;
	unsigned int str_len;
	int swap;
	unsigned int *hash;
	unsigned int hash_size;
	unsigned int ptrsize;
};

/**
 * struct btf_t - one decoded BTF type record
 * @name: its name ("" when anonymous)
 * @kind: BTF_KIND_*
 * @vlen: number of trailing records
 * @kflag: the kind_flag bit
 * @size_type: size (aggregates, ints, enums) or referenced type id
 * @extra: offset of the trailing records within the type section
 */
struct btf_t {
	const char *name;
	unsigned int kind;
	unsigned int vlen;
	unsigned int kflag;
	unsigned int size_type;
	unsigned int extra;
};

enum item_kind { IT_STRUCT, IT_MEMBER, IT_ENUM, IT_ENUMVAL, IT_PROTO, IT_FUNC };

#define MAX_SIG			256
#define MAX_PARAMS		16

/**
 * struct item - one line of the layout listing
 * @kind: what the line describes
 * @agg: structure or enumeration name
 * @name: member or enumerator name (IT_MEMBER, IT_ENUMVAL)
 * @a: size (IT_STRUCT, IT_ENUM), offset (IT_MEMBER) or value (IT_ENUMVAL)
 * @b: member size (IT_MEMBER)
 * @sig: "RET (ARGS)" (IT_PROTO, IT_FUNC)
 * @line: line number in the listing
 */
struct item {
	enum item_kind kind;
	char agg[MAX_NAME];
	char name[MAX_NAME];
	long long a;
	long long b;
	char sig[MAX_SIG];
	unsigned int line;
};

static struct item items[MAX_LISTING_ITEMS];
static unsigned int nitems;
static char abi_name[MAX_NAME] = "?";
static char release[MAX_NAME] = "?";
static unsigned int target_ptrsize = 8;
static const char *btf_path;
static int quiet;
/* when set, mismatches are counted but not printed (candidate selection) */
static int silent;

static void die_input(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PFX "layout check: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_BADINPUT);
}

static int report(const char *fmt, ...)
{
	va_list ap;

	if (silent)
		return 1;
	fprintf(stderr, PFX "layout mismatch with the target kernel's arm_scmi core: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (ABI revision %s selected for Linux %s)\n", abi_name, release);
	return 1;
}

/* ---------------------------------------------------------------------
 * Reading files
 */

static unsigned int get16(const unsigned char *p, int be)
{
	return be ? (unsigned int)p[0] << 8 | p[1] : (unsigned int)p[1] << 8 | p[0];
}

static unsigned int get32(const unsigned char *p, int be)
{
	if (be)
		return (unsigned int)p[0] << 24 | (unsigned int)p[1] << 16 |
		       (unsigned int)p[2] << 8 | p[3];
	return (unsigned int)p[3] << 24 | (unsigned int)p[2] << 16 |
	       (unsigned int)p[1] << 8 | p[0];
}

static unsigned long long get64(const unsigned char *p, int be)
{
	unsigned long long hi, lo;

	hi = get32(be ? p : p + 4, be);
	lo = get32(be ? p + 4 : p, be);
	return hi << 32 | lo;
}

static void read_at(FILE *f, unsigned long long off, void *dst,
		    unsigned long long len, const char *what)
{
	if (off > 0x7fffffffffffffffULL ||
	    fseek(f, (long)off, SEEK_SET) != 0)
		die_input("%s: cannot seek to %s at %llu", btf_path, what, off);
	if (len && fread(dst, 1, (size_t)len, f) != (size_t)len)
		die_input("%s: truncated: cannot read %s (%llu bytes at %llu)",
			  btf_path, what, len, off);
}

/* Read a whole stream (sysfs files have no reliable size) into memory. */
static unsigned char *read_all(FILE *f, unsigned long long *lenp)
{
	unsigned long long cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap), *nbuf;
	size_t n;

	if (!buf)
		die_input("out of memory");
	for (;;) {
		n = fread(buf + len, 1, (size_t)(cap - len), f);
		len += n;
		if (len < cap) {
			if (ferror(f))
				die_input("%s: read error: %s", btf_path, strerror(errno));
			break;
		}
		if (cap >= MAX_FILE_SIZE)
			die_input("%s: larger than %llu bytes", btf_path, MAX_FILE_SIZE);
		cap *= 2;
		nbuf = realloc(buf, cap);
		if (!nbuf)
			die_input("out of memory");
		buf = nbuf;
	}
	*lenp = len;
	return buf;
}

enum sh_field_nr { SHF_FLAGS, SHF_OFFSET, SHF_SIZE };

/* A field of an ELF section header (ELF32 or ELF64). */
static unsigned long long sh_field(const unsigned char *sh, int is64, int be,
				   enum sh_field_nr f)
{
	static const unsigned char off64[] = { 8, 24, 32 }, off32[] = { 8, 16, 20 };

	if (is64)
		return get64(sh + off64[f], be);
	return get32(sh + off32[f], be);
}

/* Find the .BTF section of an ELF file and return a copy of its contents. */
static unsigned char *read_elf_btf(FILE *f, const unsigned char *ident,
				   unsigned long long *lenp)
{
	int is64 = ident[4] == 2, be = ident[5] == 2;
	unsigned char eh[64], *shdrs, *sh, *names, *btf;
	unsigned long long fsize, shoff, shentsize, shnum, shstrndx, i;
	unsigned long long names_off, names_len, off, len, flags;
	unsigned int type, name;

	if ((ident[4] != 1 && ident[4] != 2) || (ident[5] != 1 && ident[5] != 2))
		die_input("%s: unsupported ELF class or byte order", btf_path);
	if (fseek(f, 0, SEEK_END) != 0 || ftell(f) < 0)
		die_input("%s: cannot determine the file size", btf_path);
	fsize = (unsigned long long)ftell(f);
	if (fsize < (is64 ? 64U : 52U))
		die_input("%s: truncated ELF header", btf_path);
	read_at(f, 0, eh, is64 ? 64 : 52, "the ELF header");

	if (is64) {
		shoff = get64(eh + 0x28, be);
		shentsize = get16(eh + 0x3a, be);
		shnum = get16(eh + 0x3c, be);
		shstrndx = get16(eh + 0x3e, be);
	} else {
		shoff = get32(eh + 0x20, be);
		shentsize = get16(eh + 0x2e, be);
		shnum = get16(eh + 0x30, be);
		shstrndx = get16(eh + 0x32, be);
	}
	if (shentsize < (is64 ? 64U : 40U))
		die_input("%s: bad ELF section header size %llu", btf_path, shentsize);
	if (shoff == 0 || shoff >= fsize || fsize - shoff < shentsize)
		die_input("%s: ELF file has no section headers", btf_path);

	/* Extended numbering: the real values live in section header 0. */
	if (shnum == 0 || shstrndx == 0xffff) {
		unsigned char s0[64];

		read_at(f, shoff, s0, is64 ? 64 : 40, "section header 0");
		if (shnum == 0)
			shnum = is64 ? get64(s0 + 32, be) : get32(s0 + 20, be);
		if (shstrndx == 0xffff)
			shstrndx = get32(s0 + (is64 ? 40 : 24), be);
	}
	if (shnum == 0 || shnum > MAX_SECTIONS || shnum > (fsize - shoff) / shentsize)
		die_input("%s: bad ELF section count %llu", btf_path, shnum);
	if (shstrndx >= shnum)
		die_input("%s: bad ELF section name table index", btf_path);

	shdrs = malloc((size_t)(shnum * shentsize));
	if (!shdrs)
		die_input("out of memory");
	read_at(f, shoff, shdrs, shnum * shentsize, "the section headers");

	names_off = sh_field(shdrs + shstrndx * shentsize, is64, be, SHF_OFFSET);
	names_len = sh_field(shdrs + shstrndx * shentsize, is64, be, SHF_SIZE);
	if (names_off > fsize || names_len > fsize - names_off || names_len == 0)
		die_input("%s: ELF section name table out of bounds", btf_path);
	names = malloc((size_t)names_len + 1);
	if (!names)
		die_input("out of memory");
	read_at(f, names_off, names, names_len, "the section name table");
	names[names_len] = '\0';

	for (i = 0; i < shnum; i++) {
		sh = shdrs + i * shentsize;
		name = get32(sh, be);
		type = get32(sh + 4, be);
		if (name >= names_len || strcmp((char *)names + name, ".BTF") != 0)
			continue;
		off = sh_field(sh, is64, be, SHF_OFFSET);
		len = sh_field(sh, is64, be, SHF_SIZE);
		flags = sh_field(sh, is64, be, SHF_FLAGS);
		if (type == 8)	/* SHT_NOBITS */
			die_input("%s: the .BTF section has no contents", btf_path);
		if (flags & 0x800)	/* SHF_COMPRESSED */
			die_input("%s: compressed .BTF sections are not supported", btf_path);
		if (off > fsize || len > fsize - off)
			die_input("%s: .BTF section out of bounds", btf_path);
		if (len > MAX_FILE_SIZE)
			die_input("%s: .BTF section too large", btf_path);
		btf = malloc(len ? (size_t)len : 1);
		if (!btf)
			die_input("out of memory");
		read_at(f, off, btf, len, "the .BTF section");
		free(names);
		free(shdrs);
		*lenp = len;
		return btf;
	}
	die_input("%s: ELF file has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)",
		  btf_path);
	return NULL;
}

/* ---------------------------------------------------------------------
 * BTF parsing
 */

static unsigned int r32(const struct btf *b, unsigned int off)
{
	return get32(b->data + off, b->swap);
}

static const char *btf_str(const struct btf *b, unsigned int off)
{
	if (off >= b->str_len)
		die_input("%s: BTF string offset %u out of bounds", btf_path, off);
	return b->strs + off;
}

/* Size of the records that follow a type of @kind with @vlen entries. */
static int extra_size(unsigned int kind, unsigned int vlen, unsigned int *sz)
{
	switch (kind) {
	case KIND_INT:
	case KIND_VAR:
	case KIND_DECL_TAG:
		*sz = 4;
		return 0;
	case KIND_PTR:
	case KIND_FWD:
	case KIND_TYPEDEF:
	case KIND_VOLATILE:
	case KIND_CONST:
	case KIND_RESTRICT:
	case KIND_FUNC:
	case KIND_FLOAT:
	case KIND_TYPE_TAG:
		*sz = 0;
		return 0;
	case KIND_ARRAY:
		*sz = 12;
		return 0;
	case KIND_STRUCT:
	case KIND_UNION:
	case KIND_DATASEC:
	case KIND_ENUM64:
		*sz = 12 * vlen;
		return 0;
	case KIND_ENUM:
	case KIND_FUNC_PROTO:
		*sz = 8 * vlen;
		return 0;
	default:
		return -1;
	}
}

static int indexed_kind(unsigned int kind)
{
	return kind == KIND_STRUCT || kind == KIND_UNION || kind == KIND_ENUM ||
	       kind == KIND_ENUM64 || kind == KIND_TYPEDEF;
}

static unsigned int name_hash(const char *s)
{
	unsigned int h = 2166136261U;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619U;
	}
	return h;
}

static void btf_get(const struct btf *b, unsigned int id, struct btf_t *t)
{
	unsigned int off, info;

	if (id == 0 || id > b->ntypes)
		die_input("%s: BTF type id %u out of range", btf_path, id);
	off = b->types[id];
	info = r32(b, off + 4);
	t->name = btf_str(b, r32(b, off));
	t->kind = (info >> 24) & 0x1f;
	t->vlen = info & 0xffff;
	t->kflag = info >> 31;
	t->size_type = r32(b, off + 8);
	t->extra = off + BTF_TYPE_SIZE;
}

static void btf_parse(struct btf *b, unsigned char *buf, unsigned long long len)
{
	unsigned int hdr_len, type_off, type_len, str_off, str_len;
	unsigned int off, id, cap, sz, i, h;
	struct btf_t t;

	memset(b, 0, sizeof(*b));
	b->buf = buf;
	if (len < BTF_HDR_MIN)
		die_input("%s: too short for a BTF header", btf_path);
	if (buf[0] == 0x9f && buf[1] == 0xeb)
		b->swap = 0;	/* little endian */
	else if (buf[0] == 0xeb && buf[1] == 0x9f)
		b->swap = 1;	/* big endian */
	else
		die_input("%s: neither raw BTF nor ELF (bad magic)", btf_path);
	if (buf[2] != 1)
		die_input("%s: unsupported BTF version %u", btf_path, buf[2]);
	hdr_len = get32(buf + 4, b->swap);
	type_off = get32(buf + 8, b->swap);
	type_len = get32(buf + 12, b->swap);
	str_off = get32(buf + 16, b->swap);
	str_len = get32(buf + 20, b->swap);
	if (hdr_len < BTF_HDR_MIN || hdr_len > len)
		die_input("%s: bad BTF header length %u", btf_path, hdr_len);
	len -= hdr_len;
	if ((unsigned long long)type_off + type_len > len ||
	    (unsigned long long)str_off + str_len > len)
		die_input("%s: BTF sections exceed the blob", btf_path);
	if (type_off % 4)
		die_input("%s: misaligned BTF type section", btf_path);
	if (str_len == 0 || buf[hdr_len + str_off + str_len - 1] != '\0')
		die_input("%s: BTF string section is not NUL-terminated", btf_path);

	b->data = buf + hdr_len + type_off;
	b->type_len = type_len;
	b->strs = (const char *)buf + hdr_len + str_off;
	b->str_len = str_len;
	b->ptrsize = target_ptrsize;

	cap = type_len / BTF_TYPE_SIZE + 2;
	b->types = calloc(cap, sizeof(*b->types));
	if (!b->types)
		die_input("out of memory");
	off = 0;
	id = 0;
	while (off < type_len) {
		unsigned int info;

		if (type_len - off < BTF_TYPE_SIZE)
			die_input("%s: truncated BTF type record at offset %u", btf_path, off);
		info = r32(b, off + 4);
		if (extra_size((info >> 24) & 0x1f, info & 0xffff, &sz))
			die_input("%s: unknown BTF kind %u (type id %u), too new for btfcheck",
				  btf_path, (info >> 24) & 0x1f, id + 1);
		if (type_len - off - BTF_TYPE_SIZE < sz)
			die_input("%s: truncated BTF type id %u", btf_path, id + 1);
		if (++id >= cap)
			die_input("%s: too many BTF types", btf_path);
		b->types[id] = off;
		off += BTF_TYPE_SIZE + sz;
	}
	b->ntypes = id;

	/* Index the named types a layout may ask for. */
	b->hash_size = 64;
	while (b->hash_size < 2 * b->ntypes + 2)
		b->hash_size *= 2;
	b->hash = calloc(b->hash_size, sizeof(*b->hash));
	if (!b->hash)
		die_input("out of memory");
	for (i = 1; i <= b->ntypes; i++) {
		btf_get(b, i, &t);
		if (!indexed_kind(t.kind) || !t.name[0])
			continue;
		h = name_hash(t.name) & (b->hash_size - 1);
		while (b->hash[h])
			h = (h + 1) & (b->hash_size - 1);
		b->hash[h] = i;
	}
}

/*
 * Collect up to @max type ids named @name whose kind is accepted by @want
 * (typedefs are followed to what they name).  Returns the number found.
 */
static unsigned int btf_find(const struct btf *b, const char *name,
			     int (*want)(unsigned int kind), unsigned int *ids,
			     unsigned int max)
{
	unsigned int h = name_hash(name) & (b->hash_size - 1), n = 0, id, d;
	struct btf_t t;

	for (; b->hash[h]; h = (h + 1) & (b->hash_size - 1)) {
		btf_get(b, b->hash[h], &t);
		if (strcmp(t.name, name) != 0)
			continue;
		id = b->hash[h];
		for (d = 0; t.kind == KIND_TYPEDEF && d < MAX_TYPE_DEPTH; d++) {
			id = t.size_type;
			if (id == 0)
				break;
			btf_get(b, id, &t);
		}
		if (id && want(t.kind) && n < max)
			ids[n++] = id;
	}
	return n;
}

static int is_aggregate(unsigned int kind)
{
	return kind == KIND_STRUCT || kind == KIND_UNION;
}

static int is_enum(unsigned int kind)
{
	return kind == KIND_ENUM || kind == KIND_ENUM64;
}

/* Follow typedefs and qualifiers. */
static unsigned int btf_skip_mods(const struct btf *b, unsigned int id)
{
	struct btf_t t;
	unsigned int d;

	for (d = 0; id && d < MAX_TYPE_DEPTH; d++) {
		btf_get(b, id, &t);
		switch (t.kind) {
		case KIND_TYPEDEF:
		case KIND_VOLATILE:
		case KIND_CONST:
		case KIND_RESTRICT:
		case KIND_TYPE_TAG:
			id = t.size_type;
			break;
		default:
			return id;
		}
	}
	return id;
}

/* Size in bytes of type @id, or -1 when it has none (void, function). */
static long long btf_size(const struct btf *b, unsigned int id, unsigned int depth)
{
	struct btf_t t;
	long long elem;
	unsigned int nelems;

	if (depth > MAX_TYPE_DEPTH)
		die_input("%s: BTF type chain too deep (loop?)", btf_path);
	id = btf_skip_mods(b, id);
	if (id == 0)
		return -1;
	btf_get(b, id, &t);
	switch (t.kind) {
	case KIND_INT:
	case KIND_STRUCT:
	case KIND_UNION:
	case KIND_ENUM:
	case KIND_ENUM64:
	case KIND_FLOAT:
		return t.size_type;
	case KIND_PTR:
		return b->ptrsize;
	case KIND_ARRAY:
		nelems = r32(b, t.extra + 8);
		elem = btf_size(b, r32(b, t.extra), depth + 1);
		if (elem < 0)
			return -1;
		if (nelems && elem > (1LL << 40) / nelems)
			die_input("%s: BTF array type %u too large", btf_path, id);
		return elem * nelems;
	default:
		return -1;
	}
}

/*
 * Find member @name of aggregate @id, looking through anonymous struct and
 * union members.  On success stores the bit offset, the bitfield width (0 if
 * not a bitfield) and the member's type id.
 */
static int btf_member(const struct btf *b, unsigned int id, const char *name,
		      unsigned long long base, unsigned int depth,
		      unsigned long long *bit_off, unsigned int *bits,
		      unsigned int *type)
{
	struct btf_t t, mt;
	unsigned int i, m_off, m_type, m_raw, width, sub;
	const char *m_name;

	if (depth > MAX_TYPE_DEPTH)
		die_input("%s: BTF aggregate nesting too deep (loop?)", btf_path);
	btf_get(b, id, &t);
	for (i = 0; i < t.vlen; i++) {
		m_off = t.extra + 12 * i;
		m_name = btf_str(b, r32(b, m_off));
		m_type = r32(b, m_off + 4);
		m_raw = r32(b, m_off + 8);
		width = t.kflag ? m_raw >> 24 : 0;
		if (strcmp(m_name, name) == 0) {
			*bit_off = base + (t.kflag ? (m_raw & 0xffffff) : m_raw);
			*bits = width;
			*type = m_type;
			/* old-style bitfield: encoded in the int type itself */
			sub = btf_skip_mods(b, m_type);
			if (!width && sub) {
				btf_get(b, sub, &mt);
				if (mt.kind == KIND_INT) {
					unsigned int enc = r32(b, mt.extra);

					if ((enc & 0xff) != mt.size_type * 8)
						*bits = enc & 0xff;
					*bit_off += (enc >> 16) & 0xff;
				}
			}
			return 0;
		}
	}
	for (i = 0; i < t.vlen; i++) {
		m_off = t.extra + 12 * i;
		if (btf_str(b, r32(b, m_off))[0])
			continue;
		sub = btf_skip_mods(b, r32(b, m_off + 4));
		if (!sub)
			continue;
		btf_get(b, sub, &mt);
		if (!is_aggregate(mt.kind))
			continue;
		m_raw = r32(b, m_off + 8);
		if (!btf_member(b, sub, name, base + (t.kflag ? (m_raw & 0xffffff) : m_raw),
				depth + 1, bit_off, bits, type))
			return 0;
	}
	return -1;
}

/* ---------------------------------------------------------------------
 * The listing
 */

static int parse_num(const char *s, long long *v)
{
	char *end;

	while (*s == '#' || *s == '$')
		s++;
	if (!*s)
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

static void split_dot(const char *in, char *agg, char *name, unsigned int line)
{
	const char *dot = strchr(in, '.');

	if (!dot || dot == in || !dot[1] || (size_t)(dot - in) >= MAX_NAME ||
	    strlen(dot + 1) >= MAX_NAME)
		die_input("listing line %u: expected STRUCT.MEMBER, got '%s'", line, in);
	snprintf(agg, MAX_NAME, "%.*s", (int)(dot - in), in);
	snprintf(name, MAX_NAME, "%s", dot + 1);
}

/* "proto STRUCT.MEMBER RET (ARGS)" or "func NAME RET (ARGS)" */
static void read_proto(const char *p, unsigned int line)
{
	char what[MAX_NAME];
	const char *rest;
	struct item *it;
	int len;

	if (nitems >= MAX_LISTING_ITEMS)
		die_input("listing has too many items");
	it = &items[nitems];
	memset(it, 0, sizeof(*it));
	it->line = line;
	if (sscanf(p, "%127s %127s%n", what, it->agg, &len) != 2)
		die_input("listing line %u: bad prototype line", line);
	if (!strcmp(what, "proto")) {
		char both[MAX_NAME];

		memcpy(both, it->agg, sizeof(both));
		split_dot(both, it->agg, it->name, line);
		it->kind = IT_PROTO;
	} else {
		it->kind = IT_FUNC;
	}
	rest = p + len;
	while (*rest == ' ')
		rest++;
	if (!strchr(rest, '(') || rest[strlen(rest) - 1] != ')' ||
	    strlen(rest) >= sizeof(it->sig))
		die_input("listing line %u: bad prototype '%s'", line, rest);
	memcpy(it->sig, rest, strlen(rest) + 1);
	nitems++;
}

static void read_listing(const char *path)
{
	char buf[512], w[4][MAX_NAME];
	unsigned int line = 0;
	FILE *f = fopen(path, "r");
	struct item *it;
	char *p, *q;
	int n;

	if (!f)
		die_input("cannot open listing %s: %s", path, strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		if (!strchr(buf, '\n') && !feof(f))
			die_input("listing line %u too long", line);
		p = strstr(buf, "->");
		if (p) {
			/* assembly: .ascii "->item ..." */
			p += 2;
			q = strchr(p, '"');
			if (q)
				*q = '\0';
		} else {
			p = buf;
		}
		p[strcspn(p, "\r\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (!strncmp(p, "proto ", 6) || !strncmp(p, "func ", 5)) {
			read_proto(p, line);
			continue;
		}
		n = sscanf(p, "%127s %127s %127s %127s", w[0], w[1], w[2], w[3]);
		if (n >= 2 && !strcmp(w[0], "abi")) {
			snprintf(abi_name, sizeof(abi_name), "%s", w[1]);
			continue;
		}
		if (n >= 2 && !strcmp(w[0], "release")) {
			snprintf(release, sizeof(release), "%s", w[1]);
			continue;
		}
		if (nitems >= MAX_LISTING_ITEMS)
			die_input("listing %s has too many items", path);
		it = &items[nitems];
		memset(it, 0, sizeof(*it));
		it->line = line;
		if (n == 2 && !strcmp(w[0], "ptrsize")) {
			long long v;

			if (parse_num(w[1], &v) || (v != 4 && v != 8))
				die_input("listing line %u: bad pointer size", line);
			target_ptrsize = (unsigned int)v;
			continue;
		} else if (n == 3 && (!strcmp(w[0], "struct") || !strcmp(w[0], "enum"))) {
			it->kind = w[0][0] == 's' ? IT_STRUCT : IT_ENUM;
			snprintf(it->agg, sizeof(it->agg), "%s", w[1]);
			if (parse_num(w[2], &it->a))
				die_input("listing line %u: bad size '%s'", line, w[2]);
		} else if ((n == 3 || n == 4) && !strcmp(w[0], "member")) {
			it->kind = IT_MEMBER;
			split_dot(w[1], it->agg, it->name, line);
			it->b = -1;
			if (parse_num(w[2], &it->a) || (n == 4 && parse_num(w[3], &it->b)))
				die_input("listing line %u: bad offset or size", line);
		} else if (n == 3 && !strcmp(w[0], "msize")) {
			/* the size of a member listed before */
			char agg[MAX_NAME], name[MAX_NAME];
			long long v;
			unsigned int i;

			split_dot(w[1], agg, name, line);
			if (parse_num(w[2], &v) || v < 0)
				die_input("listing line %u: bad size '%s'", line, w[2]);
			for (i = 0; i < nitems; i++)
				if (items[i].kind == IT_MEMBER && !strcmp(items[i].agg, agg) &&
				    !strcmp(items[i].name, name))
					break;
			if (i == nitems)
				die_input("listing line %u: size of unlisted member %s.%s",
					  line, agg, name);
			items[i].b = v;
			continue;
		} else if (n == 3 && !strcmp(w[0], "enumval")) {
			it->kind = IT_ENUMVAL;
			split_dot(w[1], it->agg, it->name, line);
			if (parse_num(w[2], &it->a))
				die_input("listing line %u: bad value '%s'", line, w[2]);
		} else {
			die_input("listing %s line %u not understood: '%s'", path, line, p);
		}
		nitems++;
	}
	if (ferror(f))
		die_input("cannot read listing %s", path);
	fclose(f);
	if (!nitems)
		die_input("listing %s is empty: nothing to check", path);
}

/* ---------------------------------------------------------------------
 * Checking
 */

static int check_member(const struct btf *b, unsigned int id, const struct item *it)
{
	unsigned long long bit_off;
	unsigned int bits, type;
	long long size;

	if (btf_member(b, id, it->name, 0, 0, &bit_off, &bits, &type))
		return report("struct %s member %s is missing from the kernel's struct",
				it->agg, it->name);
	if (bits)
		return report("struct %s member %s is a %u-bit bitfield at bit %llu in the kernel",
				it->agg, it->name, bits, bit_off);
	if (bit_off % 8)
		return report("struct %s member %s at offset %lld, kernel has it at bit %llu",
				it->agg, it->name, it->a, bit_off);
	if ((long long)(bit_off / 8) != it->a)
		return report("struct %s member %s at offset %lld, kernel has it at %llu",
				it->agg, it->name, it->a, bit_off / 8);
	size = btf_size(b, type, 0);
	if (size >= 0 && it->b >= 0 && size != it->b)
		return report("struct %s member %s has size %lld, kernel's has size %lld",
				it->agg, it->name, it->b, size);
	return 0;
}

static int check_enumval(const struct btf *b, unsigned int id, const struct item *it)
{
	struct btf_t t;
	unsigned int i, off;
	long long v;

	btf_get(b, id, &t);
	for (i = 0; i < t.vlen; i++) {
		if (t.kind == KIND_ENUM) {
			off = t.extra + 8 * i;
			if (strcmp(btf_str(b, r32(b, off)), it->name))
				continue;
			/* signed or unsigned depending on kflag: accept either reading */
			v = (int)r32(b, off + 4);
			if (v == it->a || (long long)r32(b, off + 4) == it->a)
				return 0;
		} else {
			off = t.extra + 12 * i;
			if (strcmp(btf_str(b, r32(b, off)), it->name))
				continue;
			v = (long long)((unsigned long long)r32(b, off + 8) << 32 |
					r32(b, off + 4));
			if (v == it->a)
				return 0;
		}
		return report("enum %s value %s is %lld, kernel has %lld",
				it->agg, it->name, it->a, v);
	}
	return report("enum %s has no enumerator %s in the kernel", it->agg, it->name);
}

/* Check struct/enum item @head and its members @sub[0..nsub) against @id. */
static int check_group(const struct btf *b, unsigned int id, unsigned int head,
		       const unsigned int *sub, unsigned int nsub)
{
	const struct item *it = &items[head];
	struct btf_t t;
	int bad = 0;
	unsigned int i;

	btf_get(b, id, &t);
	if ((long long)t.size_type != it->a)
		bad += report("%s %s has size %lld, kernel's has size %u",
				it->kind == IT_ENUM ? "enum" : "struct", it->agg, it->a,
				t.size_type);
	for (i = 0; i < nsub; i++) {
		if (items[sub[i]].kind == IT_MEMBER)
			bad += check_member(b, id, &items[sub[i]]);
		else
			bad += check_enumval(b, id, &items[sub[i]]);
	}
	return bad;
}

static int want_enum_kind(unsigned int kind)
{
	return is_enum(kind);
}

static int want_aggregate(unsigned int kind)
{
	return is_aggregate(kind);
}

/* The struct/enum line a member/enumerator line belongs to. */
static int parent_of(const struct item *it, enum item_kind want)
{
	unsigned int i;

	for (i = 0; i < nitems; i++)
		if (items[i].kind == want && !strcmp(items[i].agg, it->agg))
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------------
 * Prototypes
 */

/*
 * The integer types a prototype may spell, by size (0: pointer-sized) and
 * signedness (-1: either, 2: bool).
 */
static const struct {
	const char *name;
	unsigned int size;
	int sign;
} c_ints[] = {
	{ "bool", 1, 2 }, { "_Bool", 1, 2 }, { "char", 1, -1 },
	{ "int", 4, 1 }, { "signed int", 4, 1 }, { "unsigned int", 4, 0 },
	{ "unsigned", 4, 0 }, { "long", 0, 1 }, { "unsigned long", 0, 0 },
	{ "long long", 8, 1 }, { "unsigned long long", 8, 0 },
	{ "u8", 1, 0 }, { "u16", 2, 0 }, { "u32", 4, 0 }, { "u64", 8, 0 },
	{ "s8", 1, 1 }, { "s16", 2, 1 }, { "s32", 4, 1 }, { "s64", 8, 1 },
	{ "size_t", 0, 0 }, { "ssize_t", 0, 1 },
};

/* Skip const, volatile, restrict, type tags and typedefs. */
static unsigned int btf_skip_all(const struct btf *b, unsigned int id)
{
	struct btf_t t;
	unsigned int depth = 0;

	while (id) {
		if (++depth > MAX_TYPE_DEPTH)
			die_input("%s: BTF type chain too long (loop?)", btf_path);
		btf_get(b, id, &t);
		if (t.kind != KIND_CONST && t.kind != KIND_VOLATILE &&
		    t.kind != KIND_RESTRICT && t.kind != KIND_TYPE_TAG &&
		    t.kind != KIND_TYPEDEF)
			break;
		id = t.size_type;
	}
	return id;
}

/* Integer @id (after typedefs): size and signedness as c_ints[] has them. */
static int btf_int_shape(const struct btf *b, unsigned int id,
			 unsigned int *size, int *sign)
{
	struct btf_t t;
	unsigned int enc;

	id = btf_skip_all(b, id);
	if (!id)
		return -1;
	btf_get(b, id, &t);
	if (t.kind == KIND_ENUM || t.kind == KIND_ENUM64) {
		*size = t.size_type;
		*sign = -1;
		return 0;
	}
	if (t.kind != KIND_INT)
		return -1;
	enc = r32(b, t.extra) >> 24;
	*size = t.size_type;
	*sign = (enc & 4) ? 2 : (enc & 1) ? 1 : 0;
	return 0;
}

static int want_typedef(unsigned int kind)
{
	return kind == KIND_TYPEDEF;
}

/*
 * Does BTF type @id have the C type spelled @spell ("struct x *", "u32",
 * "const char *", "void")?  Returns 0 if so.
 */
static int type_is(const struct btf *b, unsigned int id, const char *spell)
{
	char base[MAX_SIG], word[MAX_SIG];
	unsigned int stars = 0, i, size, wsize, ids[4];
	const char *p = spell;
	struct btf_t t;
	int sign, wsign, n;

	base[0] = '\0';
	while (*p) {
		if (*p == '*') {
			stars++;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		n = (int)strcspn(p, " *");
		snprintf(word, sizeof(word), "%.*s", n, p);
		p += n;
		if (!strcmp(word, "const") || !strcmp(word, "volatile"))
			continue;
		if (stars)
			return -1;	/* "int * const" and the like: not used */
		if (strlen(base) + strlen(word) + 2 > sizeof(base))
			return -1;
		if (base[0])
			strcat(base, " ");
		strcat(base, word);
	}
	for (i = 0; i < stars; i++) {
		id = btf_skip_all(b, id);
		if (!id)
			return -1;
		btf_get(b, id, &t);
		if (t.kind != KIND_PTR)
			return -1;
		id = t.size_type;
	}
	if (!strcmp(base, "void"))
		return btf_skip_all(b, id) ? -1 : 0;
	if (!strncmp(base, "struct ", 7) || !strncmp(base, "union ", 6) ||
	    !strncmp(base, "enum ", 5)) {
		const char *want = strchr(base, ' ') + 1;

		id = btf_skip_all(b, id);
		if (!id)
			return -1;
		btf_get(b, id, &t);
		if (strcmp(t.name, want))
			return -1;
		if (base[0] == 'e')
			return is_enum(t.kind) ? 0 : -1;
		return (is_aggregate(t.kind) || t.kind == KIND_FWD) ? 0 : -1;
	}
	/* the same typedef on both sides */
	while (id) {
		btf_get(b, id, &t);
		if (t.kind == KIND_TYPEDEF && !strcmp(t.name, base))
			return 0;
		if (t.kind != KIND_CONST && t.kind != KIND_VOLATILE &&
		    t.kind != KIND_RESTRICT && t.kind != KIND_TYPE_TAG &&
		    t.kind != KIND_TYPEDEF)
			break;
		id = t.size_type;
	}
	/* else an integer of the same size and signedness */
	if (btf_int_shape(b, id, &size, &sign))
		return -1;
	for (i = 0; i < ARRAY_SIZE(c_ints); i++)
		if (!strcmp(c_ints[i].name, base))
			break;
	if (i < ARRAY_SIZE(c_ints)) {
		wsize = c_ints[i].size ? c_ints[i].size : target_ptrsize;
		wsign = c_ints[i].sign;
	} else {
		/* a typedef the kernel names differently: compare its shape */
		if (!btf_find(b, base, want_typedef, ids, 4) ||
		    btf_int_shape(b, ids[0], &wsize, &wsign))
			return -1;
	}
	if (wsize != size)
		return -1;
	if (wsign >= 0 && sign >= 0 && wsign != sign)
		return -1;
	return 0;
}

/* Split "RET (A, B, C)" into @ret and @args[]; returns the count. */
static int split_sig(char *sig, char **ret, char **args)
{
	char *open = strchr(sig, '('), *p, *end;
	int n = 0;

	*open = '\0';
	*ret = sig;
	for (end = open - 1; end >= sig && *end == ' '; end--)
		*end = '\0';
	p = open + 1;
	p[strlen(p) - 1] = '\0';	/* the closing parenthesis */
	while (*p == ' ')
		p++;
	if (!*p || !strcmp(p, "void"))
		return 0;
	while (p && n < MAX_PARAMS) {
		args[n++] = p;
		p = strchr(p, ',');
		if (p) {
			*p++ = '\0';
			while (*p == ' ')
				p++;
		}
	}
	return p ? -1 : n;
}

/* Compare FUNC_PROTO @id with item @it; @what names it in reports. */
static int check_proto_type(const struct btf *b, unsigned int id,
			    const struct item *it, const char *what)
{
	char sig[MAX_SIG], *ret, *args[MAX_PARAMS];
	struct btf_t t;
	unsigned int i;
	int n;

	memcpy(sig, it->sig, sizeof(sig));
	n = split_sig(sig, &ret, args);
	if (n < 0)
		die_input("listing line %u: too many parameters", it->line);
	id = btf_skip_all(b, id);
	if (!id)
		return report("%s is not a function in the kernel", what);
	btf_get(b, id, &t);
	if (t.kind != KIND_FUNC_PROTO)
		return report("%s is not a function in the kernel", what);
	if (type_is(b, t.size_type, ret))
		return report("%s: the kernel's does not return %s (shim: %s)",
				what, ret, it->sig);
	if ((int)t.vlen != n)
		return report("%s takes %u parameters in the kernel, the shim declares %d (%s)",
				what, t.vlen, n, it->sig);
	for (i = 0; i < t.vlen; i++)
		if (type_is(b, r32(b, t.extra + 8 * i + 4), args[i]))
			return report("%s: parameter %u is not %s in the kernel (shim: %s)",
					what, i + 1, args[i], it->sig);
	return 0;
}

static int check_proto(const struct btf *b, const struct item *it)
{
	char what[2 * MAX_NAME + 16];
	unsigned long long bit_off;
	unsigned int ids[16], n, i, bits, type;
	struct btf_t t;
	int bad = 1;

	if (it->kind == IT_PROTO) {
		snprintf(what, sizeof(what), "struct %s member %s", it->agg, it->name);
		n = btf_find(b, it->agg, want_aggregate, ids, 16);
		if (!n)
			return report("struct %s does not exist in the kernel's BTF", it->agg);
		silent = 1;
		for (i = 0; i < n && bad; i++) {
			if (btf_member(b, ids[i], it->name, 0, 0, &bit_off, &bits, &type))
				continue;
			type = btf_skip_all(b, type);
			if (!type)
				continue;
			btf_get(b, type, &t);
			if (t.kind == KIND_PTR)
				bad = check_proto_type(b, t.size_type, it, what);
		}
		silent = 0;
		if (!bad)
			return 0;
		if (btf_member(b, ids[0], it->name, 0, 0, &bit_off, &bits, &type))
			return report("%s is missing from the kernel's struct", what);
		type = btf_skip_all(b, type);
		if (type)
			btf_get(b, type, &t);
		if (!type || t.kind != KIND_PTR)
			return report("%s is not a function pointer in the kernel", what);
		return check_proto_type(b, t.size_type, it, what);
	}
	snprintf(what, sizeof(what), "function %s", it->agg);
	for (i = 1; i <= b->ntypes; i++) {
		btf_get(b, i, &t);
		if (t.kind == KIND_FUNC && !strcmp(t.name, it->agg))
			return check_proto_type(b, t.size_type, it, what);
	}
	return report("%s is not in the kernel's BTF", what);
}

static int check_all(const struct btf *b, unsigned int *nstructs,
		     unsigned int *nmembers, unsigned int *nprotos)
{
	static unsigned int sub[MAX_LISTING_ITEMS];
	unsigned int ids[16], n, nsub, i, j, best;
	int bad = 0, cnt, best_cnt, is_e;

	*nstructs = 0;
	*nmembers = 0;
	for (i = 0; i < nitems; i++) {
		const struct item *it = &items[i];

		if (it->kind == IT_MEMBER && parent_of(it, IT_STRUCT) < 0)
			die_input("listing line %u: member %s.%s of an unlisted struct",
				  it->line, it->agg, it->name);
		if (it->kind == IT_ENUMVAL && parent_of(it, IT_ENUM) < 0)
			die_input("listing line %u: enumerator %s.%s of an unlisted enum",
				  it->line, it->agg, it->name);
		if ((it->kind == IT_STRUCT || it->kind == IT_ENUM) &&
		    parent_of(it, it->kind) != (int)i)
			die_input("listing line %u: %s listed twice", it->line, it->agg);
	}
	for (i = 0; i < nitems; i++) {
		const struct item *it = &items[i];

		if (it->kind != IT_STRUCT && it->kind != IT_ENUM)
			continue;
		is_e = it->kind == IT_ENUM;
		nsub = 0;
		for (j = 0; j < nitems; j++)
			if (items[j].kind == (is_e ? IT_ENUMVAL : IT_MEMBER) &&
			    !strcmp(items[j].agg, it->agg))
				sub[nsub++] = j;
		(*nstructs)++;
		*nmembers += nsub;
		n = btf_find(b, it->agg, is_e ? want_enum_kind : want_aggregate,
			     ids, 16);
		if (!n) {
			bad += report("%s %s does not exist in the kernel's BTF",
					is_e ? "enum" : "struct", it->agg);
			continue;
		}
		/* Several types of that name: judge by the best-matching one. */
		best = 0;
		best_cnt = -1;
		silent = 1;
		for (j = 0; j < n; j++) {
			cnt = check_group(b, ids[j], i, sub, nsub);
			if (best_cnt < 0 || cnt < best_cnt) {
				best_cnt = cnt;
				best = j;
			}
		}
		silent = 0;
		bad += check_group(b, ids[best], i, sub, nsub);
	}
	*nprotos = 0;
	for (i = 0; i < nitems; i++) {
		if (items[i].kind != IT_PROTO && items[i].kind != IT_FUNC)
			continue;
		(*nprotos)++;
		bad += check_proto(b, &items[i]);
	}
	return bad;
}

static void print_help(void)
{
	fprintf(stderr,
		"usage: btfcheck [-q] LISTING BTF\n"
		"  LISTING  layout listing from src/shim/layout.c (text or assembly)\n"
		"  BTF      raw BTF (/sys/kernel/btf/vmlinux) or an ELF vmlinux with .BTF\n"
		"exit status: 0 match, 1 layout mismatch, 2 unreadable input\n");
	exit(EXIT_BADINPUT);
}

int main(int argc, char **argv)
{
	unsigned char ident[16], *buf;
	unsigned long long len;
	unsigned int nstructs, nmembers, nprotos;
	struct btf b;
	FILE *f;
	int bad, argi = 1;

	if (argi < argc && !strcmp(argv[argi], "-q")) {
		quiet = 1;
		argi++;
	}
	if (argc - argi != 2)
		print_help();
	btf_path = argv[argi + 1];
	read_listing(argv[argi]);

	f = fopen(btf_path, "rb");
	if (!f)
		die_input("cannot open BTF %s: %s", btf_path, strerror(errno));
	if (fread(ident, 1, sizeof(ident), f) == sizeof(ident) &&
	    !memcmp(ident, "\177ELF", 4)) {
		buf = read_elf_btf(f, ident, &len);
	} else {
		rewind(f);
		buf = read_all(f, &len);
	}
	fclose(f);

	btf_parse(&b, buf, len);
	bad = check_all(&b, &nstructs, &nmembers, &nprotos);
	if (bad) {
		fprintf(stderr, PFX "%d layout mismatch%s against %s\n", bad,
			bad == 1 ? "" : "es", btf_path);
		fprintf(stderr, PFX "refusing to build: it would corrupt the arm_scmi core\n");
		return EXIT_MISMATCH;
	}
	if (!quiet) {
		printf(PFX "layout check passed: %u types, %u members, %u prototypes match %s",
		       nstructs, nmembers, nprotos, btf_path);
		printf(" (ABI revision %s, Linux %s)\n", abi_name, release);
	}
	free(b.hash);
	free(b.types);
	free(buf);
	return 0;
}
