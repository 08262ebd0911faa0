// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen coverage FILE`: the completeness check of a record.  Every
 * function symbol that code generation emitted from C must have a func
 * entry: a function without one could be changed by a patch without klp-gen
 * ever seeing it.  Symbols that never went through the compiler (assembly
 * files, objtool's __pfx_ padding) are excused only when the caller says
 * so, by exact name (--ignore-file, one name per line, as `llvm-nm` of the
 * assembly objects prints them) or by prefix (--ignore-prefix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/hash.h"
#include "klp/record.h"

static const char coverage_usage[] =
	"usage: klp-gen coverage [--ignore-file F] [--ignore-prefix P]... [--list] FILE\n"
	"\n"
	"Checks that every defined function symbol of FILE has a klp-lto record\n"
	"entry.  Prints `coverage: N function symbols, M without a record`\n"
	"(and, with --list, one `missing SYMBOL section=S` line per symbol);\n"
	"exits 1 if M > 0.  Excused symbols are counted apart:\n"
	"  --ignore-file F    names listed in F, one per line (e.g. the\n"
	"                     function symbols of objects assembled from .S)\n"
	"  --ignore-prefix P  names starting with P (repeatable)\n";

struct name_node {
	struct klp_hnode node;
	char *name;
};

struct name_set {
	struct klp_htab tab;
	struct name_node *nodes;
	size_t n, cap;
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

/* Reads a name list; blank lines and `#` lines are skipped. */
static int name_set_read(struct name_set *s, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 0, nlines = 0;
	char buf[4096];
	size_t got;

	if (!f)
		return klp_err("%s: cannot open: %m", path);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + got + 1 > cap) {
			char *t;

			cap = (len + got + 1) * 2;
			t = realloc(s->text, cap);
			if (!t) {
				fclose(f);
				return klp_err("out of memory");
			}
			s->text = t;
		}
		memcpy(s->text + len, buf, got);
		len += got;
	}
	if (ferror(f)) {
		fclose(f);
		return klp_err("%s: read error", path);
	}
	fclose(f);
	if (!s->text)
		return 0;
	s->text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		nlines += s->text[i] == '\n';
	s->cap = nlines + 1;
	s->nodes = calloc(s->cap, sizeof(*s->nodes));
	if (!s->nodes || klp_htab_init(&s->tab, s->cap))
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

static void name_set_free(struct name_set *s)
{
	klp_htab_free(&s->tab);
	free(s->nodes);
	free(s->text);
}

int cmd_coverage(int argc, char **argv)
{
	const char *prefixes[32];
	size_t nprefix = 0;
	const char *path = NULL, *ignore_file = NULL;
	bool list = false;
	struct name_set ignore = { 0 };
	struct klp_record *rec = NULL;
	struct klp_elf *elf = NULL;
	size_t total = 0, missing = 0, excused = 0;
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(coverage_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--list")) {
			list = true;
		} else if (!strcmp(a, "--ignore-file") && i + 1 < argc) {
			ignore_file = argv[++i];
		} else if (!strcmp(a, "--ignore-prefix") && i + 1 < argc) {
			if (nprefix == sizeof(prefixes) / sizeof(prefixes[0])) {
				fprintf(stderr, "klp-gen coverage: too many --ignore-prefix\n");
				return 2;
			}
			prefixes[nprefix++] = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "klp-gen coverage: unknown option %s\n%s",
				a, coverage_usage);
			return 2;
		} else if (path) {
			fprintf(stderr, "klp-gen coverage: one FILE only\n%s",
				coverage_usage);
			return 2;
		} else {
			path = a;
		}
	}
	if (!path) {
		fprintf(stderr, "klp-gen coverage: no FILE given\n%s",
			coverage_usage);
		return 2;
	}

	if (ignore_file && name_set_read(&ignore, ignore_file))
		goto out;
	elf = klp_elf_open(path);
	if (!elf)
		goto out;
	rec = klp_record_read(elf);
	if (!rec)
		goto out;

	for (size_t i = 1; i < elf->nsym; i++) {
		const struct klp_symbol *sym = &elf->syms[i];
		bool skip = false;

		if (sym->type != STT_FUNC || !sym->sec)
			continue;
		total++;
		if (klp_record_func_of_sym(rec, sym))
			continue;
		for (size_t p = 0; p < nprefix && !skip; p++)
			skip = !strncmp(sym->name, prefixes[p],
					strlen(prefixes[p]));
		if (!skip && ignore.n)
			skip = name_set_has(&ignore, sym->name);
		if (skip) {
			excused++;
			continue;
		}
		missing++;
		if (list)
			printf("missing %s section=%s\n", sym->name,
			       sym->sec->name);
	}
	printf("coverage: %zu function symbols, %zu without a record", total,
	       missing);
	if (excused)
		printf(", %zu excused", excused);
	putchar('\n');
	ret = missing ? 1 : 0;
	klp_err_clear();
out:
	if (ret && *klp_errmsg())
		klp_report(klp_errmsg());
	klp_record_free(rec);
	if (elf)
		klp_elf_close(elf);
	name_set_free(&ignore);
	return ret;
}
