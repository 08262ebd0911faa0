// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the plan reader (klp/plan.h, docs/plan-format.md):
 * the input is a whole plan file, read as `klp-gen extract`, `glue` and
 * `verify` read one.  A plan that reads is then put through what those
 * commands do with it that depends on the plan alone, the glue header
 * printer, and through the promise of klp/plan.h that "a plan that klp-gen
 * writes is always one it can read back": it is written, read again and
 * written again, and both writes and both plans must be the same.
 */
#include <string.h>

#include "fuzz_input.h"

#include "klp/error.h"
#include "klp/glue.h"
#include "klp/plan.h"

/* klp_plan_write() into a malloc'ed buffer; NULL if the writer refused. */
static char *plan_text(const struct klp_plan *plan, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);
	int ret;

	KLP_FUZZ_CHECK(out);
	ret = klp_plan_write(out, plan);
	KLP_FUZZ_CHECK(!fclose(out));
	if (ret) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void check_same(const struct klp_plan *a, const struct klp_plan *b)
{
	size_t index = 0;

	/* The writer writes the lowest version that holds the plan: a
	 * "klp-plan 2" without callback lines comes back as version 1, a
	 * "klp-plan 3" without unreachable lines as 2 or 1. */
	KLP_FUZZ_CHECK(b->version == (a->nunreachables ? 3 :
				      a->ncallbacks ? 2 :
				      KLP_PLAN_VERSION_MIN));
	KLP_FUZZ_CHECK(a->ncallbacks == b->ncallbacks);
	KLP_FUZZ_CHECK(a->nunreachables == b->nunreachables);
	KLP_FUZZ_CHECK(a->nobjects == b->nobjects);
	KLP_FUZZ_CHECK(a->nrefusals == b->nrefusals);
	KLP_FUZZ_CHECK(a->nreplaces == b->nreplaces);
	for (size_t i = 0; i < a->nobjects; i++) {
		const struct klp_plan_object *x = &a->objects[i];
		const struct klp_plan_object *y = &b->objects[i];

		KLP_FUZZ_CHECK(!strcmp(x->name, y->name));
		KLP_FUZZ_CHECK(x->ncallbacks == y->ncallbacks);
		for (size_t j = 0; j < x->ncallbacks; j++) {
			KLP_FUZZ_CHECK(x->callbacks[j].kind == y->callbacks[j].kind);
			KLP_FUZZ_CHECK(x->callbacks[j].index == y->callbacks[j].index);
			KLP_FUZZ_CHECK(!strcmp(x->callbacks[j].new_sym,
					       y->callbacks[j].new_sym));
		}
		KLP_FUZZ_CHECK(x->nunreachables == y->nunreachables);
		for (size_t j = 0; j < x->nunreachables; j++) {
			const struct klp_plan_unreachable *u = &x->unreachables[j];
			const struct klp_plan_unreachable *w = &y->unreachables[j];

			KLP_FUZZ_CHECK(!strcmp(u->old_sym, w->old_sym));
			KLP_FUZZ_CHECK(!u->new_sym == !w->new_sym);
			KLP_FUZZ_CHECK(!u->new_sym || !strcmp(u->new_sym, w->new_sym));
		}
		KLP_FUZZ_CHECK(x->nreplaces == y->nreplaces);
		for (size_t j = 0; j < x->nreplaces; j++) {
			const struct klp_plan_replace *p = &x->replaces[j];
			const struct klp_plan_replace *q = &y->replaces[j];

			KLP_FUZZ_CHECK(p->index == index && q->index == index);
			index++;
			KLP_FUZZ_CHECK(!strcmp(p->old_sym, q->old_sym));
			KLP_FUZZ_CHECK(!strcmp(p->new_sym, q->new_sym));
			KLP_FUZZ_CHECK(p->sympos == q->sympos);
			KLP_FUZZ_CHECK(p->reason == q->reason);
			KLP_FUZZ_CHECK(p->nvias == q->nvias);
			for (size_t k = 0; k < p->nvias; k++) {
				KLP_FUZZ_CHECK(!strcmp(p->vias[k].file,
						       q->vias[k].file));
				KLP_FUZZ_CHECK(!strcmp(p->vias[k].name,
						       q->vias[k].name));
			}
		}
	}
	KLP_FUZZ_CHECK(index == a->nreplaces);
	for (size_t i = 0; i < a->nrefusals; i++)
		KLP_FUZZ_CHECK(!strcmp(a->refusals[i].text,
				       b->refusals[i].text));
}

/* The names the reader let through are the ones the kernel can take. */
static void check_names(const struct klp_plan *plan)
{
	for (size_t i = 0; i < plan->nobjects; i++) {
		const struct klp_plan_object *obj = &plan->objects[i];

		KLP_FUZZ_CHECK(!klp_plan_check_objname(obj->name));
		for (size_t j = 0; j < obj->nreplaces; j++) {
			const struct klp_plan_replace *rep = &obj->replaces[j];

			KLP_FUZZ_CHECK(!klp_plan_check_symname(rep->old_sym));
			KLP_FUZZ_CHECK(!klp_plan_check_symname(rep->new_sym));
			KLP_FUZZ_CHECK(klp_plan_reason_name(rep->reason));
			KLP_FUZZ_CHECK(rep->line > 0);
		}
	}
}

static void round_trip(const struct klp_plan *plan)
{
	struct klp_plan *again;
	char *text, *text2, path[64];
	size_t len, len2;
	int fd;

	text = plan_text(plan, &len);
	KLP_FUZZ_CHECK(text);
	fd = klp_fuzz_file((const uint8_t *)text, len, path, sizeof(path));
	if (fd < 0) {
		free(text);
		return;
	}
	again = klp_plan_read(path);
	if (!again)
		fprintf(stderr, "re-read: %s\n", klp_errmsg());
	KLP_FUZZ_CHECK(again);
	check_same(plan, again);
	text2 = plan_text(again, &len2);
	KLP_FUZZ_CHECK(text2);
	KLP_FUZZ_CHECK(len == len2 && !memcmp(text, text2, len));
	free(text2);
	klp_plan_free(again);
	close(fd);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = klp_fuzz_devnull();
	struct klp_plan *plan;
	char path[64];
	int fd;

	KLP_FUZZ_CHECK(devnull);
	fd = klp_fuzz_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	klp_err_clear();
	plan = klp_plan_read(path);
	if (!plan) {
		KLP_FUZZ_CHECK(!strncmp(klp_errmsg(), path, strlen(path)) ||
			       strstr(klp_errmsg(), "out of memory"));
	} else {
		check_names(plan);
		round_trip(plan);
		/* Refuses plans with refusals or without entries; no crash.
		 * Both values of the replace flag: it picks glue.h's text. */
		struct klp_glue_options opts = { .replace = size & 1 };

		klp_glue_write(devnull, plan, path, &opts);
		klp_plan_free(plan);
	}
	close(fd);
	klp_err_clear();
	return 0;
}
