// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the Module.symvers reader (klp/exports.h), which
 * `klp-gen extract --symvers` and `klp-gen finalize` feed a user's file to.
 * The input is the whole text file.  Besides crashes, leaks and hangs, it
 * checks that a failure names the file, and that every entry read is found
 * by name and holds what its line said.
 */
#include <string.h>

#include "fuzz_input.h"

#include "klp/error.h"
#include "klp/exports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct klp_exports *ex;
	char path[64];
	int fd;

	fd = klp_fuzz_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	klp_err_clear();
	ex = klp_exports_read(path);
	if (!ex) {
		KLP_FUZZ_CHECK(!strncmp(klp_errmsg(), path, strlen(path)));
	} else {
		for (size_t i = 0; i < ex->nsyms; i++) {
			const struct klp_export *e = &ex->syms[i];
			const struct klp_export *f;

			KLP_FUZZ_CHECK(e->name[0] && e->module[0] && e->ns);
			KLP_FUZZ_CHECK(!strchr(e->name, '\t') &&
				       !strchr(e->module, '\t') &&
				       !strchr(e->ns, '\t'));
			f = klp_exports_find(ex, e->name);
			KLP_FUZZ_CHECK(f && !strcmp(f->name, e->name));
		}
		KLP_FUZZ_CHECK(!klp_exports_find(ex, ""));
		klp_exports_free(ex);
	}
	close(fd);
	klp_err_clear();
	return 0;
}
