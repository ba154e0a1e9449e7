/* SPDX-License-Identifier: MIT */
/* cmd_dovecot.c: the statement dovecot generate (the service is dovecot.h). */
#include "core/lang/interp.h"
#include "core/mailsys/dovecot.h"
#include "core/mailsys/genfile.h"

enum vm_status cmd_dovecot_generate(struct vm *vm, struct args *a, struct vm_error *err)
{
	int force = args_flag(a, "force");
	const char *dir = a->npos ? a->pos[0] : vm->cfg ? vm->cfg->dovecot_dir : NULL;

	if (a->npos > 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: dovecot generate [DIR] [force])",
			       a->pos[1]);
	return genfile_generate(vm, dir, "no directory given and no [dovecot] dir configured", dovecot_generate, force,
				err);
}
