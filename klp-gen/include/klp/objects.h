/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which objects of a patched kernel build a live patch is made from
 * (`klp-gen objects`, scripts/klp-build.sh): the objects file, one line per
 * object whose code may have changed, "OBJECT ORIG_FILE PATCHED_FILE"
 * (OBJECT as a plan names it: vmlinux, or the module's .modinfo name).
 */
#ifndef KLP_OBJECTS_H
#define KLP_OBJECTS_H

#include <stdbool.h>
#include <stdio.h>

#include "klp/plan.h"

/*
 * Whether the module @patched differs from @orig in more than a rebuild
 * without a change leaves behind.  kbuild recompiles a module that includes
 * a patched header even when its code does not change; the rebuild then
 * differs in its debug info, its build ID and the string order of its
 * record.  So: byte-identical files are the same; else the same module has
 * the same sections (but .debug*, .zdebug*, .gdb_index, .klp.lto,
 * .note.gnu.build-id and their relocations) with the same bytes, symbols
 * and relocations, and records that say the same (`klp-gen dump`).
 * -1 with klp_errmsg() set if a file cannot be read.
 */
int klp_module_changed(const char *orig, const char *patched, bool *changed);

/*
 * Writes to @out the objects file of the builds in @orig_dir and
 * @patched_dir (O= build dirs): vmlinux when vmlinux.o is not
 * byte-identical, then every module of @orig_dir/modules.order that
 * klp_module_changed(), in that order.  A module that modules.order lists
 * but either build lacks is an error (not a finished build).
 */
int klp_objects_changed(const char *orig_dir, const char *patched_dir,
			FILE *out);

/*
 * Writes to @out the line of the objects file @objects_path for each object
 * of @plan, in plan order: the files extract reads for it.  An object of
 * the plan that the file does not list once is an error.
 */
int klp_objects_of_plan(const char *objects_path,
			const struct klp_plan *plan, FILE *out);

#endif /* KLP_OBJECTS_H */
