// SPDX-License-Identifier: GPL-2.0
/* A module's .modinfo (see klp/modinfo.h): NUL-separated key=value strings. */
#include <string.h>

#include "klp/error.h"
#include "klp/modinfo.h"

int klp_modinfo_name(const struct klp_elf *elf, char *buf, size_t len)
{
	struct klp_section *sec = klp_elf_section_by_name(elf, ".modinfo");
	const unsigned char *d;
	uint64_t n, i = 0;
	const char *name = NULL;
	size_t nlen = 0;

	if (!sec)
		return klp_err("%s: no .modinfo section: not a kernel module", elf->name);
	if (klp_elf_section_data(elf, sec, &d, &n))
		return -1;
	while (d && i < n) {
		const char *s = (const char *)d + i;
		size_t l = strnlen(s, n - i);

		if (l >= 5 && !strncmp(s, "name=", 5)) {
			if (name)
				return klp_err("%s: .modinfo has two name= entries", elf->name);
			name = s + 5;
			nlen = l - 5;
		}
		i += l + 1;
	}
	if (!name)
		return klp_err("%s: .modinfo has no name= entry", elf->name);
	if (!nlen || nlen >= len)
		return klp_err("%s: .modinfo name= is %s", elf->name,
			       nlen ? "too long for a module name" : "empty");
	memcpy(buf, name, nlen);
	buf[nlen] = '\0';
	return 0;
}
