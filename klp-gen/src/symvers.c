// SPDX-License-Identifier: GPL-2.0
/*
 * The Module.symvers reader (see klp/symvers.h).  The whole file is read into
 * one buffer; the SYMBOL and MODULE fields are cut out in place and hashed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/hash.h"
#include "klp/symvers.h"

struct sv_entry {
	const char *name;
	const char *module;
	struct klp_hnode node;
};

struct klp_symvers {
	char *buf;
	struct sv_entry *ents;
	unsigned long n;
	struct klp_htab by_name;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		klp_err("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			char *nb = realloc(buf, cap ? cap * 2 : 1 << 20);

			if (!nb) {
				klp_err("%s: out of memory", path);
				goto fail;
			}
			buf = nb;
			cap = cap ? cap * 2 : 1 << 20;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		klp_err("%s: read error", path);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

struct klp_symvers *klp_symvers_read(const char *path)
{
	struct klp_symvers *sv = calloc(1, sizeof(*sv));
	unsigned long lines = 0, lineno = 0;
	size_t len;
	char *p, *end;

	if (!sv) {
		klp_err("out of memory");
		return NULL;
	}
	sv->buf = slurp(path, &len);
	if (!sv->buf)
		goto fail;
	end = sv->buf + len;
	for (p = sv->buf; p < end; p++)
		lines += *p == '\n';
	sv->ents = calloc(lines + 1, sizeof(*sv->ents));
	if (!sv->ents || klp_htab_init(&sv->by_name, lines + 1)) {
		klp_err("%s: out of memory", path);
		goto fail;
	}
	for (p = sv->buf; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *field[5];
		int nf = 0;
		char *q;

		if (!nl)
			nl = end;
		*nl = '\0';
		lineno++;
		if (p == nl) {
			p = nl + 1;
			continue;
		}
		field[nf++] = p;
		for (q = p; *q; q++)
			if (*q == '\t') {
				*q = '\0';
				if (nf == 5)
					break;
				field[nf++] = q + 1;
			}
		if (nf != 5 || !*field[1] || !*field[2] ||
		    strncmp(field[3], "EXPORT_SYMBOL", 13)) {
			klp_err("%s:%lu: not a Module.symvers line (CRC, SYMBOL, MODULE, EXPORT_SYMBOL[_GPL], NAMESPACE separated by tabs)",
				path, lineno);
			goto fail;
		}
		sv->ents[sv->n].name = field[1];
		sv->ents[sv->n].module = field[2];
		if (klp_htab_add(&sv->by_name, &sv->ents[sv->n].node,
				 klp_hash_str(field[1]))) {
			klp_err("%s: out of memory", path);
			goto fail;
		}
		sv->n++;
		p = nl + 1;
	}
	return sv;
fail:
	klp_symvers_free(sv);
	return NULL;
}

void klp_symvers_free(struct klp_symvers *sv)
{
	if (!sv)
		return;
	klp_htab_free(&sv->by_name);
	free(sv->ents);
	free(sv->buf);
	free(sv);
}

bool klp_symvers_exported(const struct klp_symvers *sv, const char *module,
			  const char *name)
{
	struct sv_entry *e;

	klp_htab_for_each(e, &sv->by_name, klp_hash_str(name), struct sv_entry,
			  node)
		if (!strcmp(e->name, name) && !strcmp(e->module, module))
			return true;
	return false;
}

unsigned long klp_symvers_count(const struct klp_symvers *sv)
{
	return sv->n;
}
