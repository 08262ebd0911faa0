// SPDX-License-Identifier: GPL-2.0
/* klp-gen glue: placeholder until the command lands; it refuses to run. */
#include "commands.h"

int cmd_glue(int argc, char **argv)
{
	klp_report("glue: not implemented in this build");
	return 2;
}
