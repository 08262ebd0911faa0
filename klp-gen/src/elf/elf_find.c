// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF model's position lookups (klp/elf.h): which symbol holds a place
 * of a section, and which relocations lie in a range.  Both are binary
 * searches in lists sorted once per file (symbols, at opening) or per
 * section (relocations, at loading), so that comparing or copying all of
 * vmlinux.o stays linear apart from the sorts.
 */
#include <stdlib.h>

#include "klp/elf.h"
#include "klp/error.h"

static int by_offset(const void *a, const void *b)
{
	const struct klp_reloc *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* File order among relocations at one offset. */
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Called by klp_elf_load_relocs(): sorts the loaded sec->relocs[0 .. n),
 * which every compiler and linker output seen (vmlinux.o, .ko) already is.
 */
void klp_elf_sort_relocs(struct klp_section *sec, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (sec->relocs[i].offset < sec->relocs[i - 1].offset) {
			qsort(sec->relocs, n, sizeof(*sec->relocs), by_offset);
			return;
		}
}

/* Index of the first relocation of @sec at or after @offset. */
static size_t reloc_lower_bound(const struct klp_section *sec, uint64_t offset)
{
	size_t lo = 0, hi = sec->nreloc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->relocs[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct klp_reloc *klp_elf_reloc_at(const struct klp_section *sec,
				   uint64_t offset)
{
	size_t i;

	if (!sec->nreloc)
		return NULL;
	i = reloc_lower_bound(sec, offset);
	return i < sec->nreloc && sec->relocs[i].offset == offset ?
	       &sec->relocs[i] : NULL;
}

struct klp_reloc *klp_elf_next_reloc_at(const struct klp_section *sec,
					const struct klp_reloc *rel)
{
	size_t i = (size_t)(rel - sec->relocs) + 1;

	return i < sec->nreloc && sec->relocs[i].offset == rel->offset ?
	       &sec->relocs[i] : NULL;
}

int klp_elf_relocs_in(struct klp_elf *elf, struct klp_section *sec,
		      uint64_t start, uint64_t end, struct klp_reloc **v,
		      size_t *n)
{
	size_t lo, hi;

	*v = NULL;
	*n = 0;
	if (klp_elf_load_relocs(elf, sec))
		return -1;
	if (!sec->nreloc)
		return 0;
	lo = reloc_lower_bound(sec, start);
	hi = end == UINT64_MAX ? sec->nreloc : reloc_lower_bound(sec, end);
	*v = sec->relocs + lo;
	*n = hi > lo ? hi - lo : 0;
	return 0;
}

/* --- which symbol holds a place ------------------------------------- */

static bool holds_places(const struct klp_symbol *s)
{
	return s->sec && (s->type == STT_FUNC || s->type == STT_OBJECT);
}

int klp_elf_sym_by_value(const void *a, const void *b)
{
	const struct klp_symbol *x = *(const struct klp_symbol *const *)a;
	const struct klp_symbol *y = *(const struct klp_symbol *const *)b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Called by klp_elf_open(): the hold lists (struct klp_elf). */
int klp_elf_index_holders(struct klp_elf *elf)
{
	size_t *fill, n = 0;

	elf->hold_first = calloc(elf->nsec + 2, sizeof(*elf->hold_first));
	elf->hold_sized = calloc(elf->nsec + 1, sizeof(*elf->hold_sized));
	fill = calloc(elf->nsec + 1, sizeof(*fill));
	if (!elf->hold_first || !elf->hold_sized || !fill)
		goto nomem;
	for (size_t i = 0; i < elf->nsym; i++)
		if (holds_places(&elf->syms[i])) {
			elf->hold_first[elf->syms[i].sec->idx + 1]++;
			elf->hold_sized[elf->syms[i].sec->idx] |=
				elf->syms[i].size != 0;
			n++;
		}
	for (size_t s = 1; s <= elf->nsec + 1; s++)
		elf->hold_first[s] += elf->hold_first[s - 1];
	elf->hold = malloc((n ? n : 1) * sizeof(*elf->hold));
	elf->hold_end = malloc((n ? n : 1) * sizeof(*elf->hold_end));
	if (!elf->hold || !elf->hold_end)
		goto nomem;
	for (size_t i = 0; i < elf->nsym; i++) {
		struct klp_symbol *s = &elf->syms[i];

		if (holds_places(s))
			elf->hold[elf->hold_first[s->sec->idx] +
				  fill[s->sec->idx]++] = s;
	}
	for (size_t s = 0; s < elf->nsec; s++) {
		size_t a = elf->hold_first[s], b = elf->hold_first[s + 1];
		uint64_t top = 0;

		if (b - a > 1)
			qsort(elf->hold + a, b - a, sizeof(*elf->hold),
			      klp_elf_sym_by_value);
		for (size_t i = a; i < b; i++) {
			const struct klp_symbol *y = elf->hold[i];
			uint64_t len = y->size ? y->size : 1;
			uint64_t e = y->value + len < y->value ? UINT64_MAX :
				     y->value + len;

			if (e > top)
				top = e;
			elf->hold_end[i] = top;
		}
	}
	free(fill);
	return 0;
nomem:
	free(fill);
	return klp_err("%s: out of memory", elf->name);
}

bool klp_elf_section_holds_symbols(const struct klp_elf *elf,
				   const struct klp_section *sec,
				   unsigned int flags)
{
	if (!(flags & KLP_HOLD_EMPTY))
		return elf->hold_sized[sec->idx];
	return elf->hold_first[sec->idx + 1] > elf->hold_first[sec->idx];
}

/* Index of the first symbol of section @s's list that starts after @off. */
static size_t first_after(const struct klp_elf *elf, uint32_t s, uint64_t off)
{
	size_t a = elf->hold_first[s], b = elf->hold_first[s + 1];

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (elf->hold[m]->value <= off)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

static bool holds(const struct klp_symbol *s, uint64_t off, unsigned int flags)
{
	uint64_t d = off - s->value;	/* s->value <= off */

	if (flags & KLP_HOLD_FUNC)
		return s->type == STT_FUNC && d < (s->size ? s->size : 1);
	if (s->size)
		return d < s->size || ((flags & KLP_HOLD_END) && d == s->size);
	return (flags & KLP_HOLD_EMPTY) && !d;
}

struct klp_symbol *klp_elf_holders_next(struct klp_hold_iter *it)
{
	const struct klp_elf *elf = it->elf;

	while (it->i > it->first && elf->hold_end[it->i - 1] >= it->off) {
		struct klp_symbol *s = elf->hold[--it->i];

		if (holds(s, it->off, it->flags))
			return s;
	}
	return NULL;
}

struct klp_symbol *klp_elf_holders_first(const struct klp_elf *elf,
					 const struct klp_section *sec,
					 uint64_t off, unsigned int flags,
					 struct klp_hold_iter *it)
{
	it->elf = elf;
	it->first = elf->hold_first[sec->idx];
	it->i = first_after(elf, sec->idx, off);
	it->off = off;
	it->flags = flags;
	return klp_elf_holders_next(it);
}

struct klp_symbol *klp_elf_holder(const struct klp_elf *elf,
				  const struct klp_section *sec, uint64_t off,
				  unsigned int flags)
{
	struct klp_hold_iter it;

	return klp_elf_holders_first(elf, sec, off, flags, &it);
}

struct klp_symbol *klp_elf_symbol_for_place(const struct klp_elf *elf,
		const struct klp_section *sec, int64_t lo, int64_t hi,
		int (*rank)(const struct klp_symbol *s, const void *ctx),
		const void *ctx)
{
	size_t i, end = elf->hold_first[sec->idx + 1];
	struct klp_symbol *best = NULL, *past = NULL;
	struct klp_hold_iter it;

	if (hi < 0)
		return NULL;
	i = elf->hold_first[sec->idx];
	if (lo >= 0) {
		for (struct klp_symbol *s = klp_elf_holders_first(elf, sec,
					(uint64_t)lo, KLP_HOLD_END, &it);
		     s; s = klp_elf_holders_next(&it)) {
			if (s->value + s->size == (uint64_t)lo) {
				if (!past)
					past = s;
				continue;
			}
			if (!best || s->value > best->value ||
			    (s->value == best->value &&
			     (s->size < best->size ||
			      (s->size == best->size &&
			       rank(s, ctx) <= rank(best, ctx)))))
				best = s;
		}
		if (best)
			return best;
		i = first_after(elf, sec->idx, (uint64_t)lo);
	}
	for (; i < end && elf->hold[i]->value <= (uint64_t)hi; i++) {
		struct klp_symbol *s = elf->hold[i];

		if (!s->size)
			continue;
		if (best && s->value != best->value)
			break;
		if (!best || rank(s, ctx) < rank(best, ctx))
			best = s;
	}
	return best ? best : past;
}
