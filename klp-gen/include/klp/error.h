/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting for the klp-gen library.  A function that fails records one
 * message, which names the file and what is wrong with it, and returns -1 (or
 * NULL); the tool prints klp_errmsg() once at the top.  The message is per
 * thread so that a later parallel reader stays correct.
 */
#ifndef KLP_ERROR_H
#define KLP_ERROR_H

#if defined(__GNUC__)
#define KLP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KLP_PRINTF(f, a)
#endif

/* Records a message (replacing any earlier one) and returns -1. */
int klp_err(const char *fmt, ...) KLP_PRINTF(1, 2);
/* The last message recorded on this thread, or "" if none. */
const char *klp_errmsg(void);
/* Forgets the last message. */
void klp_err_clear(void);

#endif /* KLP_ERROR_H */
