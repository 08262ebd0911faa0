// SPDX-License-Identifier: GPL-2.0
/* klp-gen plan: placeholder until the command lands; it refuses to run. */
#include "commands.h"

int cmd_plan(int argc, char **argv)
{
	klp_report("plan: not implemented in this build");
	return 2;
}
