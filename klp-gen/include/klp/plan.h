/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plan (docs/plan-format.md): what one live patch replaces.  `klp-gen
 * diff` builds one and writes it with klp_plan_write(); `klp-gen extract`
 * and `klp-gen glue` read it with klp_plan_read().  Both directions apply the
 * same checks, so a plan that klp-gen writes is always one it can read back.
 *
 * Replace entries are numbered in file order across all objects (the
 * `index` field): entry i is the new code `klp_lto_new_<i>` in patch.o.
 */
#ifndef KLP_PLAN_H
#define KLP_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "klp/callbacks.h"

/*
 * 2 adds `callback` lines, 3 `unreachable` lines; a plan is written as the
 * lowest version that has its lines, which readers of any later version
 * read.
 */
#define KLP_PLAN_VERSION	3
#define KLP_PLAN_VERSION_MIN	1

/*
 * Limits of the kernel's livepatch core: klp_resolve_symbols() parses
 * ".klp.sym.%55[^.].%511[^,],%lu" (MODULE_NAME_LEN 56, KSYM_NAME_LEN 512).
 */
#define KLP_PLAN_OBJNAME_MAX	55
#define KLP_PLAN_SYMNAME_MAX	511

enum klp_plan_reason {
	KLP_PLAN_CHANGED,	/* its own source changed */
	KLP_PLAN_INLINES,	/* a changed source was inlined into it */
	KLP_PLAN_IPO,		/* IPO edge to a changed source, code differs */
	KLP_PLAN_CALLER,	/* stands in for an unpatchable changed callee */
	KLP_PLAN_NREASONS
};

struct klp_plan_via {
	char *file;		/* SRC_FILE of via=SRC_FILE:SRC_NAME */
	char *name;		/* SRC_NAME */
};

struct klp_plan_replace {
	char *old_sym;		/* kallsyms name in the running kernel */
	unsigned long sympos;	/* 0: unique name; else 1-based rank */
	char *new_sym;		/* symbol of the patched vmlinux.o */
	enum klp_plan_reason reason;
	struct klp_plan_via *vias;
	size_t nvias;
	size_t index;		/* 0-based, in file order over all objects */
	unsigned int line;	/* in the file read; 0 if built in memory */
};

/*
 * `callback KIND NEW_SYM`: the function NEW_SYM of the patched build is the
 * object's KIND callback (patch-hooks.h; klp/callbacks.h).  Callback entry i
 * (0-based, in file order over all objects) is `klp_lto_cb_<i>` in patch.o.
 */
struct klp_plan_callback {
	enum klp_callback_kind kind;
	char *new_sym;
	size_t index;
	unsigned int line;	/* in the file read; 0 if built in memory */
};

/*
 * `unreachable OLD_SYM [new=NEW_SYM]` (version 3): OLD_SYM changed but
 * nothing can reach it in the original object (klp/unreachable.h), so
 * nothing replaces it; NEW_SYM is its code in the patched build, which
 * extract copies if replaced code calls it.
 */
struct klp_plan_unreachable {
	char *old_sym;
	char *new_sym;		/* NULL: no counterpart in the patched build */
	unsigned int line;	/* in the file read; 0 if built in memory */
};

struct klp_plan_object {
	char *name;		/* "vmlinux" or a module name */
	struct klp_plan_replace *replaces;
	size_t nreplaces;
	struct klp_plan_callback *callbacks;
	size_t ncallbacks;
	struct klp_plan_unreachable *unreachables;
	size_t nunreachables;
	unsigned int line;
};

struct klp_plan_refusal {
	char *text;
	unsigned int line;
};

struct klp_plan {
	unsigned int version;
	struct klp_plan_object *objects;
	size_t nobjects;
	struct klp_plan_refusal *refusals;
	size_t nrefusals;
	size_t nreplaces;	/* over all objects */
	size_t ncallbacks;	/* over all objects */
	size_t nunreachables;	/* over all objects */
	struct klp_plan_index *index;	/* private to plan.c */
};

/*
 * Reads and validates the plan at @path.  NULL on error with klp_errmsg()
 * set to "PATH:LINE: what is wrong" (no line for I/O errors).
 */
struct klp_plan *klp_plan_read(const char *path);
void klp_plan_free(struct klp_plan *plan);

/*
 * Building a plan in memory (for `klp-gen diff`).  Every string is copied and
 * checked as the reader checks it; -1/NULL with klp_errmsg() set otherwise.
 * Replace entries get their index in the order they are added, so add them
 * object by object, in the order klp_plan_write() will print them.
 * The arrays grow by realloc(): a returned object (replace entry) pointer is
 * valid until the next object (replace entry of that object) is added.
 */
struct klp_plan *klp_plan_new(void);
struct klp_plan_object *klp_plan_add_object(struct klp_plan *plan,
					    const char *name);
struct klp_plan_replace *klp_plan_add_replace(struct klp_plan *plan,
					      struct klp_plan_object *obj,
					      const char *old_sym,
					      unsigned long sympos,
					      const char *new_sym,
					      enum klp_plan_reason reason);
int klp_plan_add_via(struct klp_plan_replace *rep, const char *file,
		     const char *name);
int klp_plan_add_refusal(struct klp_plan *plan, const char *text);
/* One callback of each kind per object: a second one is an error. */
struct klp_plan_callback *klp_plan_add_callback(struct klp_plan *plan,
						struct klp_plan_object *obj,
						enum klp_callback_kind kind,
						const char *new_sym);
/* @new_sym may be NULL.  An OLD_SYM listed twice in one object is an error. */
struct klp_plan_unreachable *klp_plan_add_unreachable(
	struct klp_plan *plan, struct klp_plan_object *obj,
	const char *old_sym, const char *new_sym);
/* The object's unreachable entry for @old_sym, or NULL. */
const struct klp_plan_unreachable *klp_plan_find_unreachable(
	const struct klp_plan_object *obj, const char *old_sym);

/*
 * NULL if every object with callbacks also replaces a function (the
 * livepatch core runs an object's callbacks only for an object it patches,
 * and a live patch object needs a function), else the first object that
 * does not.
 */
const struct klp_plan_object *klp_plan_callbacks_without_functions(
	const struct klp_plan *plan);

/*
 * One plan out of the plans of several objects (`klp-gen diff` writes one
 * per object pair: vmlinux, each changed module): their objects in the
 * order given, renumbered, objects without a replace entry left out (one
 * with callbacks is an error), every refusal kept.  Two plans naming the
 * same object are an error (@names[i]
 * is the path of @plans[i], for messages).  NULL with klp_errmsg() set.
 */
struct klp_plan *klp_plan_merge(struct klp_plan *const *plans,
				const char *const *names, size_t n);

/*
 * Prints @plan in the format of docs/plan-format.md: the version line, the
 * objects with their replace lines, then the refuse lines.  -1 with
 * klp_errmsg() set on a write error (the caller flushes and closes @out).
 */
int klp_plan_write(FILE *out, const struct klp_plan *plan);

/* "changed" ...; NULL for a value out of range. */
const char *klp_plan_reason_name(enum klp_plan_reason reason);

/*
 * The name checks that the reader applies, for other users of plan names
 * (they are what the kernel and a C string literal can carry):
 * an object name is 1..55 of [A-Za-z0-9_] (the kernel's module name, with
 * '-' already turned into '_'), a symbol name 1..511 of [A-Za-z0-9_.$],
 * a refusal text not empty, without a leading space or a control character.
 * Return NULL if @s is valid, else a short description of what is wrong.
 */
const char *klp_plan_check_objname(const char *s);
const char *klp_plan_check_symname(const char *s);
const char *klp_plan_check_refusal(const char *s);

#endif /* KLP_PLAN_H */
