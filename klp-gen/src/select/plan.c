// SPDX-License-Identifier: GPL-2.0
/*
 * The plan model, its checks and its reader (see klp/plan.h and
 * docs/plan-format.md).  The reader is strict on purpose: a plan is reviewed
 * by people and then drives code generation, so anything it does not
 * understand exactly (an unknown keyword, a doubled space, a name the kernel
 * could not resolve) is an error naming the line, never a guess.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/hash.h"
#include "klp/plan.h"

static const char *const reason_names[KLP_PLAN_NREASONS] = {
	[KLP_PLAN_CHANGED] = "changed",
	[KLP_PLAN_INLINES] = "inlines",
	[KLP_PLAN_IPO] = "ipo",
	[KLP_PLAN_CALLER] = "caller",
};

const char *klp_plan_reason_name(enum klp_plan_reason reason)
{
	if ((unsigned int)reason >= KLP_PLAN_NREASONS)
		return NULL;
	return reason_names[reason];
}

static bool is_alnum_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

const char *klp_plan_check_objname(const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return "empty object name";
	if (n > KLP_PLAN_OBJNAME_MAX)
		return "object name longer than 55 bytes (the kernel's MODULE_NAME_LEN)";
	for (size_t i = 0; i < n; i++)
		if (!is_alnum_(s[i]))
			return "object name has a character other than [A-Za-z0-9_]";
	return NULL;
}

const char *klp_plan_check_symname(const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return "empty symbol name";
	if (n > KLP_PLAN_SYMNAME_MAX)
		return "symbol name longer than 511 bytes (the kernel's KSYM_NAME_LEN)";
	for (size_t i = 0; i < n; i++)
		if (!is_alnum_(s[i]) && s[i] != '.' && s[i] != '$')
			return "symbol name has a character other than [A-Za-z0-9_.$]";
	return NULL;
}

/* Printable ASCII and no space: a via= file name is one field. */
static const char *check_path(const char *s)
{
	if (!*s)
		return "empty source file name";
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return "source file name has a space or a non-printable byte";
	return NULL;
}

const char *klp_plan_check_refusal(const char *s)
{
	if (!*s)
		return "empty refusal text";
	if (*s == ' ')
		return "refusal text starts with a space";
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return "refusal text has a control character";
	return NULL;
}

/*
 * Appends a zeroed element of @size bytes to the array *@arrp of @n: the
 * new element (not yet counted), or NULL with klp_errmsg() set (the array
 * untouched) if there is no memory.
 */
static void *append(void *arrp, size_t n, size_t size)
{
	char *p = *(void **)arrp;

	/* Capacity: 4, then doubled when @n reaches a power of two. */
	if (n == 0 || (n >= 4 && !(n & (n - 1)))) {
		size_t cap = n ? 2 * n : 4;

		p = cap > SIZE_MAX / size ? NULL : realloc(p, cap * size);
		if (!p) {
			klp_err("out of memory");
			return NULL;
		}
		*(void **)arrp = p;
	}
	memset(p + n * size, 0, size);
	return p + n * size;
}

/*
 * The duplicate checks' index: object names, and (object, OLD_SYM, sympos)
 * of replace entries.  Keys point at the plan's own strings, which stay put
 * while the arrays holding them grow.
 */
struct pkey {
	struct klp_hnode node;
	const char *obj;
	const char *sym;		/* NULL for an object's own key */
	unsigned long pos;
};

struct klp_plan_index {
	struct klp_htab tab;
	struct pkey **chunks;		/* 256 keys each */
	size_t n;
};

#define PKEY_CHUNK	256

static uint64_t pkey_hash(const char *obj, const char *sym, unsigned long pos)
{
	uint64_t h = klp_hash_str(obj);

	if (sym)
		h = klp_hash_pair(h, klp_hash_pair(klp_hash_str(sym), pos));
	return h;
}

/* The key for (@obj, @sym, @pos) (@sym NULL: the object's), or NULL. */
static struct pkey *pkey_find(struct klp_plan *plan, const char *obj,
			      const char *sym, unsigned long pos)
{
	uint64_t h = pkey_hash(obj, sym, pos);
	struct pkey *k;

	if (!plan->index)
		return NULL;
	klp_htab_for_each(k, &plan->index->tab, h, struct pkey, node)
		if (!strcmp(k->obj, obj) && !k->sym == !sym &&
		    (!sym || (k->pos == pos && !strcmp(k->sym, sym))))
			return k;
	return NULL;
}

static int pkey_add(struct klp_plan *plan, const char *obj, const char *sym,
		    unsigned long pos)
{
	struct klp_plan_index *x = plan->index;
	struct pkey *k;

	if (!x) {
		x = plan->index = calloc(1, sizeof(*x));
		if (!x)
			return -1;
	}
	if (x->n % PKEY_CHUNK == 0) {
		struct pkey **c = append(&x->chunks, x->n / PKEY_CHUNK,
					 sizeof(*c));

		if (!c || !(*c = calloc(PKEY_CHUNK, sizeof(struct pkey))))
			return -1;
	}
	k = &x->chunks[x->n / PKEY_CHUNK][x->n % PKEY_CHUNK];
	k->obj = obj;
	k->sym = sym;
	k->pos = pos;
	if (klp_htab_add(&x->tab, &k->node, pkey_hash(obj, sym, pos)))
		return -1;
	x->n++;
	return 0;
}

static void pkey_free(struct klp_plan_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i * PKEY_CHUNK < x->n; i++)
		free(x->chunks[i]);
	free(x->chunks);
	klp_htab_free(&x->tab);
	free(x);
}

struct klp_plan *klp_plan_new(void)
{
	struct klp_plan *plan = calloc(1, sizeof(*plan));

	if (!plan) {
		klp_err("out of memory");
		return NULL;
	}
	plan->version = KLP_PLAN_VERSION;
	return plan;
}

void klp_plan_free(struct klp_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->nobjects; i++) {
		struct klp_plan_object *obj = &plan->objects[i];

		for (size_t j = 0; j < obj->nreplaces; j++) {
			struct klp_plan_replace *rep = &obj->replaces[j];

			for (size_t k = 0; k < rep->nvias; k++) {
				free(rep->vias[k].file);
				free(rep->vias[k].name);
			}
			free(rep->vias);
			free(rep->old_sym);
			free(rep->new_sym);
		}
		free(obj->replaces);
		for (size_t j = 0; j < obj->ncallbacks; j++)
			free(obj->callbacks[j].new_sym);
		free(obj->callbacks);
		for (size_t j = 0; j < obj->nunreachables; j++) {
			free(obj->unreachables[j].old_sym);
			free(obj->unreachables[j].new_sym);
		}
		free(obj->unreachables);
		free(obj->name);
	}
	free(plan->objects);
	for (size_t i = 0; i < plan->nrefusals; i++)
		free(plan->refusals[i].text);
	free(plan->refusals);
	pkey_free(plan->index);
	free(plan);
}

struct klp_plan_object *klp_plan_add_object(struct klp_plan *plan,
					    const char *name)
{
	struct klp_plan_object *obj;
	const char *why = klp_plan_check_objname(name);

	if (why) {
		klp_err("object '%s': %s", name, why);
		return NULL;
	}
	if (pkey_find(plan, name, NULL, 0)) {
		klp_err("object %s listed twice", name);
		return NULL;
	}
	obj = append(&plan->objects, plan->nobjects, sizeof(*obj));
	if (!obj)
		return NULL;
	obj->name = strdup(name);
	if (!obj->name || pkey_add(plan, obj->name, NULL, 0)) {
		free(obj->name);
		obj->name = NULL;
		klp_err("out of memory");
		return NULL;
	}
	plan->nobjects++;
	return obj;
}

struct klp_plan_replace *klp_plan_add_replace(struct klp_plan *plan,
					      struct klp_plan_object *obj,
					      const char *old_sym,
					      unsigned long sympos,
					      const char *new_sym,
					      enum klp_plan_reason reason)
{
	struct klp_plan_replace *rep;
	const char *why;

	if ((why = klp_plan_check_symname(old_sym))) {
		klp_err("old symbol '%s': %s", old_sym, why);
		return NULL;
	}
	if ((why = klp_plan_check_symname(new_sym))) {
		klp_err("new symbol '%s': %s", new_sym, why);
		return NULL;
	}
	if (!klp_plan_reason_name(reason)) {
		klp_err("replace %s: reason %d out of range", old_sym,
			(int)reason);
		return NULL;
	}
	/* The kernel would try to put two ftrace handlers on one function. */
	if (pkey_find(plan, obj->name, old_sym, sympos)) {
		klp_err("%s sympos=%lu of object %s is replaced twice",
			old_sym, sympos, obj->name);
		return NULL;
	}
	rep = append(&obj->replaces, obj->nreplaces, sizeof(*rep));
	if (!rep)
		return NULL;
	rep->old_sym = strdup(old_sym);
	rep->new_sym = strdup(new_sym);
	if (!rep->old_sym || !rep->new_sym ||
	    pkey_add(plan, obj->name, rep->old_sym, sympos)) {
		free(rep->old_sym);
		free(rep->new_sym);
		klp_err("out of memory");
		return NULL;
	}
	obj->nreplaces++;
	rep->sympos = sympos;
	rep->reason = reason;
	rep->index = plan->nreplaces++;
	return rep;
}

int klp_plan_add_via(struct klp_plan_replace *rep, const char *file,
		     const char *name)
{
	struct klp_plan_via *via;
	const char *why;

	if ((why = check_path(file)))
		return klp_err("via %s:%s: %s", file, name, why);
	if ((why = klp_plan_check_symname(name)))
		return klp_err("via %s:%s: %s", file, name, why);
	via = append(&rep->vias, rep->nvias, sizeof(*via));
	if (!via)
		return -1;
	via->file = strdup(file);
	via->name = strdup(name);
	if (!via->file || !via->name) {
		free(via->file);
		free(via->name);
		return klp_err("out of memory");
	}
	rep->nvias++;
	return 0;
}

int klp_plan_add_refusal(struct klp_plan *plan, const char *text)
{
	struct klp_plan_refusal *ref;
	const char *why = klp_plan_check_refusal(text);

	if (why)
		return klp_err("refuse: %s", why);
	ref = append(&plan->refusals, plan->nrefusals, sizeof(*ref));
	if (!ref)
		return -1;
	ref->text = strdup(text);
	if (!ref->text)
		return klp_err("out of memory");
	plan->nrefusals++;
	return 0;
}

struct klp_plan_callback *klp_plan_add_callback(struct klp_plan *plan,
						struct klp_plan_object *obj,
						enum klp_callback_kind kind,
						const char *new_sym)
{
	struct klp_plan_callback *cb;
	const char *why;

	if (!klp_callback_kind_name(kind)) {
		klp_err("callback %s: kind %d out of range", new_sym, (int)kind);
		return NULL;
	}
	if ((why = klp_plan_check_symname(new_sym))) {
		klp_err("callback symbol '%s': %s", new_sym, why);
		return NULL;
	}
	for (size_t i = 0; i < obj->ncallbacks; i++)
		if (obj->callbacks[i].kind == kind) {
			klp_err("object %s has two %s callbacks, %s and %s: one of each kind per object",
				obj->name, klp_callback_kind_name(kind),
				obj->callbacks[i].new_sym, new_sym);
			return NULL;
		}
	cb = append(&obj->callbacks, obj->ncallbacks, sizeof(*cb));
	if (!cb)
		return NULL;
	cb->new_sym = strdup(new_sym);
	if (!cb->new_sym) {
		klp_err("out of memory");
		return NULL;
	}
	cb->kind = kind;
	cb->index = plan->ncallbacks++;
	obj->ncallbacks++;
	return cb;
}

struct klp_plan_unreachable *klp_plan_add_unreachable(
	struct klp_plan *plan, struct klp_plan_object *obj,
	const char *old_sym, const char *new_sym)
{
	struct klp_plan_unreachable *u;
	const char *why;

	if ((why = klp_plan_check_symname(old_sym)) ||
	    (new_sym && (why = klp_plan_check_symname(new_sym)))) {
		klp_err("unreachable %s: %s", old_sym, why);
		return NULL;
	}
	/* Few per object (changed functions that nothing reaches). */
	if (klp_plan_find_unreachable(obj, old_sym)) {
		klp_err("unreachable %s of object %s listed twice", old_sym,
			obj->name);
		return NULL;
	}
	u = append(&obj->unreachables, obj->nunreachables, sizeof(*u));
	if (!u)
		return NULL;
	u->old_sym = strdup(old_sym);
	u->new_sym = new_sym ? strdup(new_sym) : NULL;
	if (!u->old_sym || (new_sym && !u->new_sym)) {
		free(u->old_sym);
		free(u->new_sym);
		klp_err("out of memory");
		return NULL;
	}
	obj->nunreachables++;
	plan->nunreachables++;
	return u;
}

const struct klp_plan_unreachable *klp_plan_find_unreachable(
	const struct klp_plan_object *obj, const char *old_sym)
{
	for (size_t i = 0; i < obj->nunreachables; i++)
		if (!strcmp(obj->unreachables[i].old_sym, old_sym))
			return &obj->unreachables[i];
	return NULL;
}

const struct klp_plan_object *klp_plan_callbacks_without_functions(
	const struct klp_plan *plan)
{
	for (size_t i = 0; i < plan->nobjects; i++)
		if (plan->objects[i].ncallbacks && !plan->objects[i].nreplaces)
			return &plan->objects[i];
	return NULL;
}

/* ---- the reader ---- */

#define MAX_FIELDS 64

struct reader {
	const char *path;
	unsigned int line;
	struct klp_plan *plan;
	struct klp_plan_object *obj;	/* the current `object` */
	bool have_version;
};

/* Prefixes the message that a builder recorded with "PATH:LINE: ". */
static int rerr(const struct reader *r)
{
	const char *msg = strdupa(klp_errmsg());

	return klp_err("%s:%u: %s", r->path, r->line, msg);
}

#define line_err(r, fmt, ...) \
	klp_err("%s:%u: " fmt, (r)->path, (r)->line, ##__VA_ARGS__)

/* A decimal number without sign or leading zeros that fits unsigned long. */
static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end)
		return -1;
	return 0;
}

/* "key=value": the value, or NULL if @field does not start with "key=". */
static const char *keyval(const char *field, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(field, key, n) || field[n] != '=')
		return NULL;
	return field + n + 1;
}

static int parse_replace(struct reader *r, char **f, int nf)
{
	struct klp_plan_replace *rep;
	const char *pos, *new_sym, *reason;
	unsigned long sympos;
	int i;

	if (!r->obj)
		return line_err(r, "replace before any object line");
	if (nf < 5)
		return line_err(r, "replace needs OLD_SYM sympos=N new=NEW_SYM reason=REASON");
	if (!(pos = keyval(f[2], "sympos")))
		return line_err(r, "expected sympos=N, found '%s'", f[2]);
	if (parse_ulong(pos, &sympos))
		return line_err(r, "sympos '%s' is not a decimal number", pos);
	if (!(new_sym = keyval(f[3], "new")))
		return line_err(r, "expected new=NEW_SYM, found '%s'", f[3]);
	if (!(reason = keyval(f[4], "reason")))
		return line_err(r, "expected reason=REASON, found '%s'", f[4]);
	for (i = 0; i < KLP_PLAN_NREASONS; i++)
		if (!strcmp(reason, reason_names[i]))
			break;
	if (i == KLP_PLAN_NREASONS)
		return line_err(r, "unknown reason '%s' (changed, inlines, ipo, caller)",
				reason);
	rep = klp_plan_add_replace(r->plan, r->obj, f[1], sympos, new_sym, i);
	if (!rep)
		return rerr(r);
	rep->line = r->line;

	for (i = 5; i < nf; i++) {
		const char *via = keyval(f[i], "via");
		char *colon;

		if (!via)
			return line_err(r, "unknown field '%s' (only via= may follow reason=)",
					f[i]);
		/* The file may contain ':', a C function name cannot. */
		colon = strrchr(via, ':');
		if (!colon)
			return line_err(r, "via '%s' is not SRC_FILE:SRC_NAME", via);
		*colon = '\0';
		if (klp_plan_add_via(rep, via, colon + 1))
			return rerr(r);
	}
	return 0;
}

static int parse_callback(struct reader *r, char **f, int nf)
{
	struct klp_plan_callback *cb;
	int kind;

	if (r->plan->version < 2)
		return line_err(r, "callback lines need plan format version 2 (this plan says %u)",
				r->plan->version);
	if (!r->obj)
		return line_err(r, "callback before any object line");
	if (nf != 3)
		return line_err(r, "callback needs KIND NEW_SYM");
	kind = klp_callback_kind_parse(f[1]);
	if (kind < 0)
		return line_err(r, "unknown callback kind '%s' (pre_patch, post_patch, pre_unpatch, post_unpatch)",
				f[1]);
	cb = klp_plan_add_callback(r->plan, r->obj, kind, f[2]);
	if (!cb)
		return rerr(r);
	cb->line = r->line;
	return 0;
}

static int parse_unreachable(struct reader *r, char **f, int nf)
{
	struct klp_plan_unreachable *u;
	const char *new_sym = NULL;

	if (r->plan->version < 3)
		return line_err(r, "unreachable lines need plan format version 3 (this plan says %u)",
				r->plan->version);
	if (!r->obj)
		return line_err(r, "unreachable before any object line");
	if (nf < 2 || nf > 3)
		return line_err(r, "unreachable needs OLD_SYM [new=NEW_SYM]");
	if (nf == 3 && !(new_sym = keyval(f[2], "new")))
		return line_err(r, "expected new=NEW_SYM, found '%s'", f[2]);
	u = klp_plan_add_unreachable(r->plan, r->obj, f[1], new_sym);
	if (!u)
		return rerr(r);
	u->line = r->line;
	return 0;
}

/* Splits @line at single spaces; an empty field is an error. */
static int split(struct reader *r, char *line, char **f, int *nf)
{
	*nf = 0;
	for (char *p = line;;) {
		char *sp = strchr(p, ' ');

		if (sp == p || !*p)
			return line_err(r, "empty field (fields are separated by single spaces)");
		if (*nf == MAX_FIELDS)
			return line_err(r, "more than %d fields", MAX_FIELDS);
		f[(*nf)++] = p;
		if (!sp)
			return 0;
		*sp = '\0';
		p = sp + 1;
	}
}

static int parse_line(struct reader *r, char *line, size_t len)
{
	char *f[MAX_FIELDS];
	unsigned long version;
	int nf;

	if (strlen(line) != len)
		return line_err(r, "NUL byte in the line");
	if (len == 0 || line[0] == '#')
		return 0;

	/* refuse's text runs to the end of the line, spaces included. */
	if (!strncmp(line, "refuse ", 7) && r->have_version) {
		if (klp_plan_add_refusal(r->plan, line + 7))
			return rerr(r);
		r->plan->refusals[r->plan->nrefusals - 1].line = r->line;
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == 0x7f)
			return line_err(r, "control character 0x%02x in the line",
					(unsigned char)line[i]);
	if (split(r, line, f, &nf))
		return -1;

	if (!r->have_version) {
		if (strcmp(f[0], "klp-plan") || nf != 2)
			return line_err(r, "not a klp-plan file (the first line must be 'klp-plan %d')",
					KLP_PLAN_VERSION);
		if (parse_ulong(f[1], &version) || version < KLP_PLAN_VERSION_MIN ||
		    version > KLP_PLAN_VERSION)
			return line_err(r, "plan format version %s, but this klp-gen reads versions %d to %d",
					f[1], KLP_PLAN_VERSION_MIN, KLP_PLAN_VERSION);
		r->plan->version = version;
		r->have_version = true;
		return 0;
	}
	if (!strcmp(f[0], "object")) {
		if (nf != 2)
			return line_err(r, "object takes one NAME");
		r->obj = klp_plan_add_object(r->plan, f[1]);
		if (!r->obj)
			return rerr(r);
		r->obj->line = r->line;
		return 0;
	}
	if (!strcmp(f[0], "replace"))
		return parse_replace(r, f, nf);
	if (!strcmp(f[0], "callback"))
		return parse_callback(r, f, nf);
	if (!strcmp(f[0], "unreachable"))
		return parse_unreachable(r, f, nf);
	if (!strcmp(f[0], "refuse"))
		return line_err(r, "refuse needs a reason text");
	if (!strcmp(f[0], "klp-plan"))
		return line_err(r, "a second klp-plan line");
	return line_err(r, "unknown keyword '%s'", f[0]);
}

struct klp_plan *klp_plan_read(const char *path)
{
	struct reader r = { .path = path };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *in;

	in = fopen(path, "r");
	if (!in) {
		klp_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	r.plan = klp_plan_new();
	if (!r.plan)
		goto fail;
	while (errno = 0, (len = getline(&line, &cap, in)) >= 0) {
		if (r.line == UINT_MAX) {
			line_err(&r, "too many lines");
			goto fail;
		}
		r.line++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (parse_line(&r, line, (size_t)len))
			goto fail;
	}
	if (ferror(in) || errno) {
		klp_err("%s: read error: %s", path, strerror(errno ? errno : EIO));
		goto fail;
	}
	if (!r.have_version) {
		klp_err("%s: empty file, not a klp-plan", path);
		goto fail;
	}
	{
		const struct klp_plan_object *o =
			klp_plan_callbacks_without_functions(r.plan);

		if (o) {
			klp_err("%s:%u: object %s has callbacks but replaces no function; the livepatch core runs callbacks only for an object it patches",
				path, o->line, o->name);
			goto fail;
		}
	}
	free(line);
	fclose(in);
	return r.plan;

fail:
	free(line);
	fclose(in);
	klp_plan_free(r.plan);
	return NULL;
}
