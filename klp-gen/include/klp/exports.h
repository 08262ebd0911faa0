/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's exported symbols, as a build's Module.symvers lists them
 * ("CRC<TAB>SYMBOL<TAB>MODULE<TAB>EXPORT_TYPE[<TAB>NAMESPACE]" per line):
 * the names the module loader resolves for a module.
 */
#ifndef KLP_EXPORTS_H
#define KLP_EXPORTS_H

#include "klp/hash.h"

struct klp_export {
	char *name;
	char *module;		/* "vmlinux" or the exporting module */
	char *ns;		/* namespace, "" if none */
	unsigned int gpl_only : 1;
	struct klp_hnode node;
};

struct klp_exports {
	const char *path;
	struct klp_export *syms;
	size_t nsyms;
	struct klp_htab by_name;
};

/* Reads @path.  NULL with klp_errmsg() ("PATH:LINE: ...") on error. */
struct klp_exports *klp_exports_read(const char *path);
void klp_exports_free(struct klp_exports *ex);
/* The export named @name, or NULL. */
const struct klp_export *klp_exports_find(const struct klp_exports *ex,
					  const char *name);

#endif /* KLP_EXPORTS_H */
