// SPDX-License-Identifier: GPL-2.0
/* Per-thread last error message (see klp/error.h). */
#include <stdarg.h>
#include <stdio.h>

#include "klp/error.h"

static _Thread_local char errbuf[1024];

int klp_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

const char *klp_errmsg(void)
{
	return errbuf;
}

void klp_err_clear(void)
{
	errbuf[0] = '\0';
}
