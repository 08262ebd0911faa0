// SPDX-License-Identifier: GPL-2.0
/* klp-gen diff: placeholder until the command lands; it refuses to run. */
#include "commands.h"

int cmd_diff(int argc, char **argv)
{
	klp_report("diff: not implemented in this build");
	return 2;
}
