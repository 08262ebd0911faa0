// SPDX-License-Identifier: GPL-2.0
/* Growing arrays (klp/grow.h). */
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/grow.h"

int klp_grow(void *arr, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	memcpy(&p, arr, sizeof(p));
	p = realloc(p, ncap * elsize);
	if (!p)
		return klp_err("out of memory");
	memcpy(arr, &p, sizeof(p));
	*cap = ncap;
	return 0;
}
