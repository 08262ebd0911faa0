// SPDX-License-Identifier: GPL-2.0
/* Module.symvers reader (see klp/exports.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/grow.h"
#include "klp/exports.h"

void klp_exports_free(struct klp_exports *ex)
{
	if (!ex)
		return;
	for (size_t i = 0; i < ex->nsyms; i++) {
		free(ex->syms[i].name);
		free(ex->syms[i].module);
		free(ex->syms[i].ns);
	}
	free(ex->syms);
	klp_htab_free(&ex->by_name);
	free(ex);
}

/* Splits @line at tabs into at most @max fields; the number found. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
	size_t n = 0;

	fields[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '\t') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	}
	return n;
}

static int add_line(struct klp_exports *ex, char *line, unsigned int lineno,
		    size_t *cap)
{
	struct klp_export *e;
	char *f[6];
	size_t n = split_tabs(line, f, 6);

	if (n < 4 || n > 5 || strncmp(f[0], "0x", 2) || !*f[1] || !*f[2] ||
	    strncmp(f[3], "EXPORT_SYMBOL", 13))
		return klp_err("%s:%u: not a Module.symvers line (CRC, symbol, module, export type[, namespace], tab-separated)",
			       ex->path, lineno);
	if (klp_grow(&ex->syms, cap, ex->nsyms + 1, sizeof(*ex->syms)))
		return -1;
	/* Counted at once: klp_exports_free() frees what a failure leaves. */
	e = &ex->syms[ex->nsyms++];
	memset(e, 0, sizeof(*e));
	e->name = strdup(f[1]);
	e->module = strdup(f[2]);
	e->ns = strdup(n == 5 ? f[4] : "");
	e->gpl_only = !strcmp(f[3], "EXPORT_SYMBOL_GPL");
	if (!e->name || !e->module || !e->ns)
		return klp_err("%s: out of memory", ex->path);
	return 0;
}

struct klp_exports *klp_exports_read(const char *path)
{
	struct klp_exports *ex = calloc(1, sizeof(*ex));
	unsigned int lineno = 0;
	size_t cap = 0, len = 0;
	char *line = NULL;
	ssize_t got;
	FILE *fp;

	if (!ex) {
		klp_err("%s: out of memory", path);
		return NULL;
	}
	ex->path = path;
	fp = fopen(path, "r");
	if (!fp) {
		klp_err("%s: cannot open: %s", path, strerror(errno));
		free(ex);
		return NULL;
	}
	while ((got = getline(&line, &len, fp)) >= 0) {
		lineno++;
		if (got && line[got - 1] == '\n')
			line[--got] = '\0';
		if (!got)
			continue;
		if (add_line(ex, line, lineno, &cap))
			goto fail;
	}
	if (ferror(fp)) {
		klp_err("%s: %s", path, strerror(errno ? errno : EIO));
		goto fail;
	}
	if (klp_htab_init(&ex->by_name, ex->nsyms)) {
		klp_err("%s: out of memory", path);
		goto fail;
	}
	/* After the array stops moving: the nodes live in it. */
	for (size_t i = 0; i < ex->nsyms; i++) {
		const struct klp_export *dup;

		/* modpost refuses a symbol exported twice; so does the reader. */
		dup = klp_exports_find(ex, ex->syms[i].name);
		if (dup) {
			klp_err("%s: %s is listed twice (by %s and by %s)",
				path, ex->syms[i].name, dup->module,
				ex->syms[i].module);
			goto fail;
		}
		if (klp_htab_add(&ex->by_name, &ex->syms[i].node,
				 klp_hash_str(ex->syms[i].name))) {
			klp_err("%s: out of memory", path);
			goto fail;
		}
	}
	free(line);
	fclose(fp);
	return ex;
fail:
	free(line);
	fclose(fp);
	klp_exports_free(ex);
	return NULL;
}

const struct klp_export *klp_exports_find(const struct klp_exports *ex,
					  const char *name)
{
	struct klp_export *e;

	klp_htab_for_each(e, &ex->by_name, klp_hash_str(name),
			  struct klp_export, node)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}
