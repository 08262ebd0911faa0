// SPDX-License-Identifier: GPL-2.0
/*
 * The completeness check of a record (klp/coverage.h).  The excused names
 * go into a hash table: the list of an assembled kernel's functions is long.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "klp/coverage.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/hash.h"
#include "klp/readfile.h"
#include "klp/record.h"

struct name_node {
	struct klp_hnode node;
	const char *name;
};

struct name_set {
	struct klp_htab tab;
	struct name_node *nodes;
	size_t n;
	char *text;
};

static bool name_set_has(const struct name_set *s, const char *name)
{
	struct name_node *pos;

	klp_htab_for_each(pos, &s->tab, klp_hash_str(name), struct name_node,
			  node)
		if (!strcmp(pos->name, name))
			return true;
	return false;
}

static int name_set_read(struct name_set *s, const char *path)
{
	size_t len, nlines = 1;

	s->text = klp_read_file(path, &len);
	if (!s->text)
		return -1;
	for (size_t i = 0; i < len; i++)
		nlines += s->text[i] == '\n';
	s->nodes = calloc(nlines, sizeof(*s->nodes));
	if (!s->nodes || klp_htab_init(&s->tab, nlines))
		return klp_err("out of memory");
	for (char *line = s->text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line || *line == '#')
			continue;
		s->nodes[s->n].name = line;
		if (klp_htab_add(&s->tab, &s->nodes[s->n].node,
				 klp_hash_str(line)))
			return klp_err("out of memory");
		s->n++;
	}
	return 0;
}

static bool excused(const struct klp_coverage_excuse *ex,
		    const struct name_set *names, const char *name)
{
	for (size_t p = 0; p < ex->nprefixes; p++)
		if (!strncmp(name, ex->prefixes[p], strlen(ex->prefixes[p])))
			return true;
	return name_set_has(names, name);
}

int klp_coverage_check(const char *path, const struct klp_coverage_excuse *ex,
		       FILE *list, struct klp_coverage *res)
{
	struct name_set names = { 0 };
	struct klp_record *rec = NULL;
	struct klp_elf *elf = NULL;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (ex->file && name_set_read(&names, ex->file))
		goto out;
	elf = klp_elf_open(path);
	rec = elf ? klp_record_read_no_edges(elf) : NULL;
	if (!rec)
		goto out;
	for (size_t i = 1; i < elf->nsym; i++) {
		const struct klp_symbol *sym = &elf->syms[i];

		if (sym->type != STT_FUNC || !sym->sec)
			continue;
		res->total++;
		if (klp_record_func_of_sym(rec, sym))
			continue;
		if (excused(ex, &names, sym->name)) {
			res->excused++;
			continue;
		}
		res->missing++;
		if (list)
			fprintf(list, "missing %s section=%s\n", sym->name,
				sym->sec->name);
	}
	ret = 0;
out:
	klp_record_free(rec);
	klp_elf_close(elf);
	klp_htab_free(&names.tab);
	free(names.nodes);
	free(names.text);
	return ret;
}
