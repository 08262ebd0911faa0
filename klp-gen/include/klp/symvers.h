/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module.symvers: the symbols a kernel build exports.  Each line is
 *	CRC<TAB>SYMBOL<TAB>MODULE<TAB>EXPORT_SYMBOL[_GPL]<TAB>NAMESPACE
 * `klp-gen extract` asks whether a vmlinux symbol is exported: the module
 * loader resolves such a reference by name, every other one needs a
 * livepatch relocation.
 */
#ifndef KLP_SYMVERS_H
#define KLP_SYMVERS_H

#include <stdbool.h>

struct klp_symvers;

/*
 * Reads @path.  NULL with klp_errmsg() set ("PATH:LINE: what is wrong") on
 * an unreadable file or a line that does not have the five fields.
 */
struct klp_symvers *klp_symvers_read(const char *path);
void klp_symvers_free(struct klp_symvers *sv);

/* Is @name exported by the object @module ("vmlinux")? */
bool klp_symvers_exported(const struct klp_symvers *sv, const char *module,
			  const char *name);
/* Number of entries read. */
unsigned long klp_symvers_count(const struct klp_symvers *sv);

#endif /* KLP_SYMVERS_H */
