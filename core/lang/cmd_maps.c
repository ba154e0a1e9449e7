/* SPDX-License-Identifier: MIT */
/* cmd_maps.c: `maps generate` (interp.h's ACTION_LIST) over maps.c. */
#include "core/lang/cmd.h"
#include "core/mailsys/maps.h"

enum vm_status cmd_maps_generate(struct vm *vm, struct args *a, struct vm_error *err)
{
	const struct cmd_generate_what w = {"maps generate", vm->cfg ? vm->cfg->postfix_maps : NULL, "[postfix] maps",
					    maps_generate};

	return cmd_generate(vm, a, &w, err);
}
