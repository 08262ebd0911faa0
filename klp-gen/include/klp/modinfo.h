/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a loadable module (.ko) says about itself in .modinfo: its name, as
 * the kernel knows it (modpost writes MODULE_INFO(name, KBUILD_MODNAME)
 * into every module; the livepatch core matches klp_object.name and the
 * .klp.sym.<obj>. prefixes against it).
 */
#ifndef KLP_MODINFO_H
#define KLP_MODINFO_H

#include <stddef.h>

#include "klp/elf.h"

/*
 * The name= entry of @elf's .modinfo into @buf (NUL-terminated).  -1 with
 * klp_errmsg() set if @elf has no .modinfo, no or several name= entries,
 * or a name that is empty or does not fit in @len.
 */
int klp_modinfo_name(const struct klp_elf *elf, char *buf, size_t len);

#endif /* KLP_MODINFO_H */
