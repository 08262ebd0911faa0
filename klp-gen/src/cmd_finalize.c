// SPDX-License-Identifier: GPL-2.0
/* klp-gen finalize: placeholder until the command lands; it refuses to run. */
#include "commands.h"

int cmd_finalize(int argc, char **argv)
{
	klp_report("finalize: not implemented in this build");
	return 2;
}
