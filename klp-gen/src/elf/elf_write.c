// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory relocatable object and its libelf writer (klp/elf_write.h).
 *
 * The section table written is: the null section, the sections in the
 * order they were added, one .rela<NAME> per section with relocations,
 * .symtab, .strtab, .shstrtab.  The symbol table is: the null symbol, the
 * local symbols in the order added, then the others; relocations are
 * translated from symbol handles to those final indexes at write time.
 */
#include <stdlib.h>
#include <string.h>
#include <gelf.h>

#include "klp/elf_write.h"
#include "klp/error.h"
#include "klp/grow.h"
#include "klp/hash.h"
#include "klp/outfile.h"

struct buf {
	unsigned char *p;
	size_t len, cap;
};

struct osec {
	char *name;
	uint32_t type;
	uint64_t flags, align, entsize;
	struct buf data;
	uint64_t size;			/* == data.len unless NOBITS */
	long secsym;			/* -1 until made */
	Elf64_Rela *relas;		/* r_info holds the symbol handle */
	size_t nrela, caprela;
	size_t elfidx;
	uint32_t shname, relaname;	/* in .shstrtab */
	long handle;
};

struct osym {
	char *name;
	unsigned char type, bind;
	long sec;
	uint64_t value, size;
	size_t elfidx;
	long handle;
	struct klp_hnode name_node;	/* non-local symbols only */
};

struct klp_out {
	struct osec **secs;		/* allocated one by one: nodes stay put */
	size_t nsec, capsec;
	struct osym **syms;
	size_t nsym, capsym;
	struct klp_htab global_by_name;
};

struct klp_out *klp_out_new(void)
{
	struct klp_out *o = calloc(1, sizeof(*o));

	if (!o)
		klp_err("out of memory");
	return o;
}

void klp_out_free(struct klp_out *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nsec; i++) {
		free(o->secs[i]->name);
		free(o->secs[i]->data.p);
		free(o->secs[i]->relas);
		free(o->secs[i]);
	}
	for (size_t i = 0; i < o->nsym; i++) {
		free(o->syms[i]->name);
		free(o->syms[i]);
	}
	free(o->secs);
	free(o->syms);
	klp_htab_free(&o->global_by_name);
	free(o);
}

static struct osec *sec_of(const struct klp_out *o, long sec)
{
	if (sec < 0 || (size_t)sec >= o->nsec) {
		klp_err("internal error: bad output section handle %ld", sec);
		return NULL;
	}
	return o->secs[sec];
}

long klp_out_add_section(struct klp_out *o, const char *name, uint32_t type,
			 uint64_t flags, uint64_t align, uint64_t entsize)
{
	struct osec *s;

	if (klp_grow(&o->secs, &o->capsec, o->nsec + 1,
		 sizeof(*o->secs)))
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name))) {
		free(s);
		return klp_err("out of memory");
	}
	o->secs[o->nsec] = s;
	s->type = type;
	s->flags = flags;
	s->align = align ? align : 1;
	s->entsize = entsize;
	s->secsym = -1;
	s->handle = (long)o->nsec++;
	return s->handle;
}

int klp_out_append(struct klp_out *o, long sec, const void *data,
		   uint64_t size, uint64_t align, uint64_t *off)
{
	struct osec *s = sec_of(o, sec);
	uint64_t start;

	if (!s)
		return -1;
	if (!align)
		align = 1;
	if (align > s->align)
		s->align = align;
	start = (s->size + align - 1) & ~(align - 1);
	if (s->type != SHT_NOBITS) {
		if (klp_grow(&s->data.p, &s->data.cap, start + size + 1, 1))
			return -1;
		memset(s->data.p + s->data.len, 0, start - s->data.len);
		if (data)
			memcpy(s->data.p + start, data, size);
		else
			memset(s->data.p + start, 0, size);
		s->data.len = start + size;
	}
	s->size = start + size;
	*off = start;
	return 0;
}

int klp_out_patch(struct klp_out *o, long sec, uint64_t off, const void *data,
		  uint64_t size)
{
	struct osec *s = sec_of(o, sec);

	if (!s)
		return -1;
	if (s->type == SHT_NOBITS || off > s->data.len ||
	    size > s->data.len - off)
		return klp_err("internal error: patch past the end of %s",
			       s->name);
	memcpy(s->data.p + off, data, size);
	return 0;
}

uint64_t klp_out_section_size(const struct klp_out *o, long sec)
{
	return o->secs[sec]->size;
}

long klp_out_add_symbol(struct klp_out *o, const char *name,
			unsigned char type, unsigned char bind, long sec,
			uint64_t value, uint64_t size)
{
	struct osym *s;

	if (sec >= 0 && !sec_of(o, sec))
		return -1;
	if (klp_grow(&o->syms, &o->capsym, o->nsym + 1, sizeof(*o->syms)))
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name))) {
		free(s);
		return klp_err("out of memory");
	}
	o->syms[o->nsym] = s;
	s->type = type;
	s->bind = bind;
	s->sec = sec;
	s->value = value;
	s->size = size;
	s->handle = (long)o->nsym++;
	if (bind != STB_LOCAL &&
	    klp_htab_add(&o->global_by_name, &s->name_node, klp_hash_str(name)))
		return klp_err("out of memory");
	return s->handle;
}

long klp_out_section_symbol(struct klp_out *o, long sec)
{
	struct osec *s = sec_of(o, sec);
	long h;

	if (!s)
		return -1;
	if (s->secsym >= 0)
		return s->secsym;
	h = klp_out_add_symbol(o, "", STT_SECTION, STB_LOCAL, sec, 0, 0);
	if (h >= 0)
		s->secsym = h;
	return h;
}

const char *klp_out_symbol_name(const struct klp_out *o, long sym)
{
	if (sym < 0 || (size_t)sym >= o->nsym)
		return NULL;
	return o->syms[sym]->name ? o->syms[sym]->name : "";
}

long klp_out_global_by_name(const struct klp_out *o, const char *name)
{
	struct osym *s;

	klp_htab_for_each(s, &o->global_by_name, klp_hash_str(name),
			  struct osym, name_node)
		if (!strcmp(s->name, name))
			return s->handle;
	return -1;
}

int klp_out_add_reloc(struct klp_out *o, long sec, uint64_t offset,
		      uint32_t type, long sym, int64_t addend)
{
	struct osec *s = sec_of(o, sec);

	if (!s)
		return -1;
	if (sym < 0 || (size_t)sym >= o->nsym)
		return klp_err("internal error: bad output symbol handle %ld",
			       sym);
	if (klp_grow(&s->relas, &s->caprela, s->nrela + 1,
		 sizeof(*s->relas)))
		return -1;
	s->relas[s->nrela].r_offset = offset;
	s->relas[s->nrela].r_info = ELF64_R_INFO((uint64_t)sym, type);
	s->relas[s->nrela].r_addend = addend;
	s->nrela++;
	return 0;
}

/* Adds @prefix@s to a string table being built; *@off: where. */
static int str_add(struct buf *b, const char *prefix, const char *s,
		   uint32_t *off)
{
	size_t k = strlen(prefix), n = strlen(s) + 1;

	if (klp_grow(&b->p, &b->cap, b->len + k + n, 1))
		return -1;
	memcpy(b->p + b->len, prefix, k);
	memcpy(b->p + b->len + k, s, n);
	*off = (uint32_t)b->len;
	b->len += k + n;
	return 0;
}

static int new_scn(Elf *e, const char *path, uint32_t name, uint32_t type,
		   uint64_t flags, uint64_t align, uint64_t entsize,
		   void *buf, uint64_t size, Elf_Type dtype, uint32_t link,
		   uint32_t info)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *d;
	Elf64_Shdr *sh;

	if (!scn || !(d = elf_newdata(scn)) || !(sh = elf64_getshdr(scn)))
		return klp_err("%s: libelf: %s", path, elf_errmsg(-1));
	d->d_buf = buf;
	d->d_size = size;
	d->d_type = dtype;
	d->d_align = align ? align : 1;
	d->d_off = 0;
	d->d_version = EV_CURRENT;
	sh->sh_name = name;
	sh->sh_type = type;
	sh->sh_flags = flags;
	sh->sh_addralign = align ? align : 1;
	sh->sh_entsize = entsize;
	sh->sh_link = link;
	sh->sh_info = info;
	return (int)elf_ndxscn(scn);
}

int klp_out_write(struct klp_out *o, const char *path)
{
	struct buf shstr = { 0 }, str = { 0 };
	Elf64_Sym *syms = NULL;
	Elf64_Rela **relas = NULL;
	uint32_t symtab_name, strtab_name, shstrtab_name, off;
	size_t nlocal = 1, next, nrelasec = 0, symtab_idx;
	struct klp_outfile of = { .fd = -1 };
	const char *tmp;
	Elf *e = NULL;
	Elf64_Ehdr *eh;
	int ret = -1;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return klp_err("libelf: %s", elf_errmsg(-1));
	syms = calloc(o->nsym + 1, sizeof(*syms));
	relas = calloc(o->nsec + 1, sizeof(*relas));
	if (!syms || !relas) {
		klp_err("out of memory");
		goto out;
	}

	/* Section names, and the final section indexes. */
	if (str_add(&shstr, "", "", &off))
		goto out;
	for (size_t i = 0; i < o->nsec; i++) {
		struct osec *s = o->secs[i];

		s->elfidx = i + 1;
		if (str_add(&shstr, "", s->name, &s->shname) ||
		    (s->nrela && str_add(&shstr, ".rela", s->name, &s->relaname)))
			goto out;
		nrelasec += s->nrela > 0;
	}
	if (str_add(&shstr, "", ".symtab", &symtab_name) ||
	    str_add(&shstr, "", ".strtab", &strtab_name) ||
	    str_add(&shstr, "", ".shstrtab", &shstrtab_name))
		goto out;
	symtab_idx = o->nsec + nrelasec + 1;

	/* Symbols: locals first. */
	if (str_add(&str, "", "", &off))
		goto out;
	for (size_t i = 0; i < o->nsym; i++)
		nlocal += o->syms[i]->bind == STB_LOCAL;
	next = 1;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < o->nsym; i++) {
			struct osym *s = o->syms[i];
			Elf64_Sym *es;

			if ((s->bind == STB_LOCAL) != (pass == 0))
				continue;
			s->elfidx = next++;
			es = &syms[s->elfidx];
			if (s->type != STT_SECTION &&
			    str_add(&str, "", s->name, &es->st_name))
				goto out;
			es->st_info = ELF64_ST_INFO(s->bind, s->type);
			es->st_other = STV_DEFAULT;
			es->st_shndx = s->sec >= 0 ?
				(Elf64_Section)o->secs[s->sec]->elfidx : SHN_UNDEF;
			es->st_value = s->value;
			es->st_size = s->size;
		}

	if (klp_outfile_open(&of, path))
		goto out;
	tmp = of.tmp ? of.tmp : path;
	e = elf_begin(of.fd, ELF_C_WRITE, NULL);
	if (!e || !(eh = elf64_newehdr(e))) {
		klp_err("%s: libelf: %s", tmp, elf_errmsg(-1));
		goto out;
	}
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_REL;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	for (size_t i = 0; i < o->nsec; i++) {
		struct osec *s = o->secs[i];

		if (new_scn(e, tmp, s->shname, s->type, s->flags, s->align,
			    s->entsize, s->type == SHT_NOBITS ? NULL : s->data.p,
			    s->size, ELF_T_BYTE, 0, 0) < 0)
			goto out;
	}
	for (size_t i = 0; i < o->nsec; i++) {
		struct osec *s = o->secs[i];

		if (!s->nrela)
			continue;
		/* The relocations with final symbol indexes. */
		relas[i] = malloc(s->nrela * sizeof(Elf64_Rela));
		if (!relas[i]) {
			klp_err("out of memory");
			goto out;
		}
		for (size_t r = 0; r < s->nrela; r++) {
			Elf64_Rela rl = s->relas[r];
			size_t h = ELF64_R_SYM(rl.r_info);

			rl.r_info = ELF64_R_INFO(o->syms[h]->elfidx,
						 ELF64_R_TYPE(rl.r_info));
			relas[i][r] = rl;
		}
		if (new_scn(e, tmp, s->relaname, SHT_RELA, SHF_INFO_LINK, 8,
			    sizeof(Elf64_Rela), relas[i],
			    s->nrela * sizeof(Elf64_Rela), ELF_T_RELA,
			    (uint32_t)symtab_idx, (uint32_t)s->elfidx) < 0)
			goto out;
	}
	if (new_scn(e, tmp, symtab_name, SHT_SYMTAB, 0, 8, sizeof(Elf64_Sym),
		    syms, (o->nsym + 1) * sizeof(Elf64_Sym), ELF_T_SYM,
		    (uint32_t)symtab_idx + 1, (uint32_t)nlocal) < 0 ||
	    new_scn(e, tmp, strtab_name, SHT_STRTAB, 0, 1, 0, str.p, str.len,
		    ELF_T_BYTE, 0, 0) < 0 ||
	    new_scn(e, tmp, shstrtab_name, SHT_STRTAB, 0, 1, 0, shstr.p,
		    shstr.len, ELF_T_BYTE, 0, 0) < 0)
		goto out;
	eh->e_shstrndx = (Elf64_Half)(symtab_idx + 2);
	if (elf_update(e, ELF_C_WRITE) < 0) {
		klp_err("%s: libelf: %s", tmp, elf_errmsg(-1));
		goto out;
	}
	elf_end(e);
	e = NULL;
	ret = klp_outfile_commit(&of);
out:
	if (e)
		elf_end(e);
	if (ret)
		klp_outfile_abort(&of);
	for (size_t i = 0; relas && i < o->nsec; i++)
		free(relas[i]);
	free(relas);
	free(syms);
	free(shstr.p);
	free(str.p);
	return ret;
}
