// SPDX-License-Identifier: GPL-2.0
/* klp-gen extract: placeholder until the command lands; it refuses to run. */
#include "commands.h"

int cmd_extract(int argc, char **argv)
{
	klp_report("extract: not implemented in this build");
	return 2;
}
