// SPDX-License-Identifier: GPL-2.0
/* klp-gen verify: placeholder until the command lands; it refuses to run. */
#include "commands.h"

int cmd_verify(int argc, char **argv)
{
	klp_report("verify: not implemented in this build");
	return 2;
}
