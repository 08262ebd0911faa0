// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen objects`: the objects file of scripts/klp-build.sh, which objects
 * of two kernel builds are diffed (klp/objects.h), and the lines of it that
 * a merged plan's objects need.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/objects.h"
#include "klp/outfile.h"

const char objects_usage[] =
	"usage: klp-gen objects ORIG_BUILD PATCHED_BUILD -o OBJECTS\n"
	"       klp-gen objects --plan PLAN OBJECTS\n"
	"\n"
	"First form: write OBJECTS, one line \"OBJECT ORIG_FILE PATCHED_FILE\" per\n"
	"object whose code may differ between the two O= build dirs: vmlinux when\n"
	"vmlinux.o is not byte-identical, then each module of ORIG_BUILD's\n"
	"modules.order that changed in more than its debug info, build ID and\n"
	"record string order (OBJECT: the module's .modinfo name).  No line: the\n"
	"patched build changes no object.  Second form: print the line of\n"
	"OBJECTS for each object of PLAN, in plan order; an object of the plan\n"
	"that OBJECTS does not list once is an error.\n";

static int write_changed(FILE *out, void *dirs)
{
	return klp_objects_changed(((const char **)dirs)[0],
				   ((const char **)dirs)[1], out);
}

int cmd_objects(int argc, char **argv)
{
	const char *pos[2], *out = NULL, *plan_path = NULL;
	struct klp_plan *plan;
	int n = 0, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--plan") && i + 1 < argc)
			plan_path = argv[++i];
		else if (argv[i][0] != '-' && n < 2)
			pos[n++] = argv[i];
		else
			return klp_usage_error("objects", objects_usage,
					       "unexpected argument %s", argv[i]);
	}
	if (plan_path ? n != 1 || out : n != 2 || !out)
		return klp_usage_error("objects", objects_usage,
				       "wrong arguments");
	if (!plan_path)
		ret = klp_outfile_write(out, write_changed, pos);
	else if (!(plan = klp_plan_read(plan_path)))
		ret = -1;
	else {
		ret = klp_objects_of_plan(pos[0], plan, stdout);
		klp_plan_free(plan);
	}
	return ret ? klp_failed() : 0;
}
