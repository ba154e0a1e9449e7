/* SPDX-License-Identifier: MIT */
/* cmd_maps.c: the statement maps generate (the service is maps.h). */
#include "core/lang/interp.h"
#include "core/mailsys/maps.h"
#include "core/mailsys/genfile.h"

enum vm_status cmd_maps_generate(struct vm *vm, struct args *a, struct vm_error *err)
{
	int force = args_flag(a, "force");
	const char *dir = a->npos ? a->pos[0] : vm->cfg ? vm->cfg->postfix_maps : NULL;

	if (a->npos > 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: maps generate [DIR] [force])", a->pos[1]);
	return genfile_generate(vm, dir, "no directory given and no [postfix] maps configured", maps_generate, force, err);
}
