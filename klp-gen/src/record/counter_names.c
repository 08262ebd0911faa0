// SPDX-License-Identifier: GPL-2.0
/* __COUNTER__-numbered names (klp/counter_names.h). */
#include <stdlib.h>
#include <string.h>

#include "klp/counter_names.h"
#include "klp/error.h"
#include "klp/grow.h"

#define UNIQUE		"__UNIQUE_ID_"
#define MAX_DIGITS	18	/* fits unsigned long long */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident(char c)
{
	return is_digit(c) || c == '_' || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && !memcmp(s, prefix, k);
}

/* Digits at @s (at most @n bytes): their count. */
static size_t digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_digit(s[i]))
		i++;
	return i;
}

static unsigned long long value(const char *s, size_t n)
{
	unsigned long long v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned long long)(s[i] - '0');
	return v;
}

/*
 * `__initstub__kmod_<mod>__<counter>_<line>_<fn><id>` (and __initcall__):
 * the offset of <counter> in @p and the length of "<counter>_<line>", or
 * 0 if @p is no such name.
 */
static size_t initcall_numbers(const char *p, size_t n, size_t *at)
{
	if (!starts(p, n, "__initstub__kmod_") &&
	    !starts(p, n, "__initcall__kmod_"))
		return 0;
	/* Both prefixes have the same length. */
	for (size_t i = strlen("__initstub__kmod_"); i + 2 < n; i++) {
		size_t c, l;

		if (p[i] != '_' || p[i + 1] != '_')
			continue;
		c = digits(p + i + 2, n - i - 2);
		if (!c || i + 2 + c >= n || p[i + 2 + c] != '_')
			continue;
		l = digits(p + i + 3 + c, n - i - 3 - c);
		if (!l || i + 3 + c + l >= n || p[i + 3 + c + l] != '_')
			continue;
		*at = i + 2;
		return c + 1 + l;
	}
	return 0;
}

/* Every numbered part starts with "__" (UNIQUE and the initcall prefixes). */
bool klp_counter_maybe(const char *name)
{
	return strstr(name, "__") != NULL;
}

int klp_counter_name(const char *name, char **canon, unsigned long long *num,
		     unsigned int *ndigits)
{
	size_t len, o = 0;
	bool numbered = false;
	char *out;

	*canon = NULL;
	/* Most names have no numbered part: no copy for them. */
	if (!klp_counter_maybe(name))
		return 0;
	len = strlen(name);
	out = malloc(len + 1);
	if (!out)
		return klp_err("out of memory");
	for (size_t i = 0; i <= len;) {
		size_t end = i, at = 0, n, ni = 0, d = 0;

		while (end < len && name[end] != '.')
			end++;
		n = end - i;
		if (starts(name + i, n, UNIQUE)) {
			while (d < n - strlen(UNIQUE) && is_digit(name[end - d - 1]))
				d++;
			if (d > MAX_DIGITS)
				d = 0;
		}
		/* an initcall name, or one inside __UNIQUE_ID___addressable_... */
		for (size_t k = i; k + 2 < end && !ni; k++)
			if (name[k] == '_' && name[k + 1] == '_' &&
			    (ni = initcall_numbers(name + k, end - d - k, &at)))
				at += k - i;
		if (d && !ni) {
			numbered = true;
			*num = value(name + end - d, d);
			*ndigits = (unsigned int)d;
			memcpy(out + o, name + i, n - d);
			o += n - d;
		} else if (ni) {
			size_t c = digits(name + i + at, ni);

			n = ni;

			if (c > MAX_DIGITS) {
				memcpy(out + o, name + i, end - i);
				o += end - i;
			} else {
				numbered = true;
				/* ordered by the outer __UNIQUE_ID_ number if any */
				*num = d ? value(name + end - d, d) :
					   value(name + i + at, c);
				*ndigits = (unsigned int)(d ? d : c);
				/* "<mod>__" + "_" + "_<fn><id>": both numbers go */
				memcpy(out + o, name + i, at);
				o += at;
				out[o++] = '_';
				memcpy(out + o, name + i + at + n,
				       end - d - i - at - n);
				o += end - d - i - at - n;
			}
		} else {
			memcpy(out + o, name + i, n);
			o += n;
		}
		if (end < len)
			out[o++] = '.';
		i = end + 1;
	}
	out[o] = '\0';
	if (!numbered) {
		free(out);
		return 0;
	}
	*canon = out;
	return 1;
}

/*
 * @s without the numbers of its __UNIQUE_ID_ identifiers, into @out (room
 * for @n bytes); its length.  *@found is set if it had one.
 */
static size_t strip_text(const unsigned char *s, size_t n, unsigned char *out,
			 bool *found)
{
	size_t o = 0, i = 0;

	while (i < n) {
		size_t end = i, k = strlen(UNIQUE), d = 0;

		if ((i && is_ident((char)s[i - 1])) ||
		    !starts((const char *)s + i, n - i, UNIQUE)) {
			out[o++] = s[i++];
			continue;
		}
		end = i + k;
		while (end < n && is_ident((char)s[end]))
			end++;
		while (end - d > i + k && is_digit((char)s[end - d - 1]))
			d++;
		*found |= d > 0;
		memcpy(out + o, s + i, end - d - i);
		o += end - d - i;
		i = end;
	}
	return o;
}

bool klp_counter_text_eq(const unsigned char *a, size_t na,
			 const unsigned char *b, size_t nb)
{
	unsigned char *x = malloc(na + 1), *y = malloc(nb + 1);
	bool fa = false, fb = false, eq = false;
	size_t la, lb;

	if (x && y) {
		la = strip_text(a, na, x, &fa);
		lb = strip_text(b, nb, y, &fb);
		eq = fa && fb && la == lb && !memcmp(x, y, la);
	}
	free(x);
	free(y);
	return eq;
}

/* A counter-numbered source of one build, for klp_counter_pair(). */
struct centry {
	int side;			/* 0: original, 1: patched */
	const char *file, *unit, *name;
	char *canon;
	unsigned long long num;
	unsigned int ndigits;
	size_t flat;			/* patched: flat src index */
};

static int cmp_centry(const void *pa, const void *pb)
{
	const struct centry *a = pa, *b = pb;
	int d;

	if ((d = strcmp(a->file, b->file)) || (d = strcmp(a->unit, b->unit)) ||
	    (d = strcmp(a->canon, b->canon)))
		return d;
	if (a->side != b->side)
		return a->side - b->side;
	/* numbers have no leading zeros: fewer digits, smaller */
	if (a->ndigits != b->ndigits)
		return a->ndigits < b->ndigits ? -1 : 1;
	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	return strcmp(a->name, b->name);
}

static bool same_group(const struct centry *a, const struct centry *b)
{
	return !strcmp(a->file, b->file) && !strcmp(a->unit, b->unit) &&
	       !strcmp(a->canon, b->canon);
}

/* The distinct names of side @side in @e[0..n): their count. */
static size_t ndistinct(const struct centry *e, size_t n, int side)
{
	size_t d = 0;

	for (size_t i = 0; i < n; i++)
		if (e[i].side == side &&
		    (!d || i == 0 || e[i - 1].side != side ||
		     strcmp(e[i - 1].name, e[i].name)))
			d++;
	return d;
}

/*
 * One group @e[0..n) (the original's entries first, sorted): maps the
 * patched names to the original ones if the group pairs (see the header).
 */
static void pair_group(const struct centry *e, size_t n, const char **map)
{
	size_t no = ndistinct(e, n, 0), np = ndistinct(e, n, 1);
	size_t i, j, first_p;
	long long delta = 0;

	if (!no || no != np)
		return;
	for (first_p = 0; e[first_p].side == 0; first_p++)
		;
	/* Walk the distinct names of both sides in step: a uniform shift? */
	for (i = 0, j = first_p; i < first_p; ) {
		const char *oname = e[i].name, *pname = e[j].name;
		long long dd = (long long)(e[j].num - e[i].num);

		if (i && dd != delta)
			goto unpaired;
		delta = dd;
		while (i < first_p && !strcmp(e[i].name, oname))
			i++;
		while (j < n && !strcmp(e[j].name, pname))
			map[e[j++].flat] = oname;
	}
	return;
unpaired:
	/* Each patched source is in one group: its entry was unset before. */
	for (j = first_p; j < n; j++)
		map[e[j].flat] = NULL;
}

int klp_counter_pair(const struct klp_record *orig,
		     const struct klp_record *patched, const char ***map)
{
	const struct klp_record *recs[2] = { orig, patched };
	struct centry *e = NULL;
	size_t n = 0, cap = 0;
	int ret = -1;

	*map = calloc(patched->nsrc + 1, sizeof(**map));
	if (!*map)
		return klp_err("out of memory");
	for (int k = 0; k < 2; k++) {
		size_t flat = 0;

		for (size_t b = 0; b < recs[k]->nblob; b++) {
			const struct klp_blob *bl = &recs[k]->blobs[b];

			for (uint32_t i = 0; i < bl->nsrc; i++, flat++) {
				const struct klp_src *s = &bl->srcs[i];
				struct centry c = { .side = k, .flat = flat };
				int r;

				if (s->flags & KLP_SRC_EXTERN)
					continue;
				c.file = klp_str(recs[k], s->file);
				c.unit = klp_str(recs[k], s->unit);
				c.name = klp_str(recs[k], s->name);
				r = klp_counter_name(c.name, &c.canon, &c.num,
						     &c.ndigits);
				if (r < 0)
					goto out;
				if (!r)
					continue;
				if (klp_grow(&e, &cap, n + 1, sizeof(*e))) {
					free(c.canon);
					goto out;
				}
				e[n++] = c;
			}
		}
	}
	if (n)
		qsort(e, n, sizeof(*e), cmp_centry);
	for (size_t g = 0, end; g < n; g = end) {
		for (end = g + 1; end < n && same_group(&e[g], &e[end]); end++)
			;
		pair_group(e + g, end - g, *map);
	}
	ret = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(e[i].canon);
	free(e);
	if (ret) {
		free(*map);
		*map = NULL;
	}
	return ret;
}
