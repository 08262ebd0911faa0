/* SPDX-License-Identifier: GPL-2.0 */
/* Growing arrays: the one doubling realloc of the library. */
#ifndef KLP_GROW_H
#define KLP_GROW_H

#include <stddef.h>

/*
 * Makes room for @need elements of @elsize bytes in the array *@arr (a
 * pointer to the array pointer) of capacity *@cap, doubling it (from 16).
 * -1 with klp_errmsg() set if out of memory; *@arr and *@cap are then as
 * they were.
 */
int klp_grow(void *arr, size_t *cap, size_t need, size_t elsize);

#endif /* KLP_GROW_H */
