/* SPDX-License-Identifier: MIT */
/* cmd_dovecot.c: the statement dovecot generate (the service is dovecot.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/lang/interp.h"
#include "core/mailsys/dovecot.h"

enum vm_status cmd_dovecot_generate(struct vm *vm, struct args *a, struct vm_error *err)
{
	int force = args_flag(a, "force");

	const char *dir = a->npos ? a->pos[0] : vm->cfg ? vm->cfg->dovecot_dir : NULL;
	char *abs;
	enum vm_status st;

	if (a->npos > 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: dovecot generate [DIR] [force])",
			       a->pos[1]);
	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_USAGE, "no directory given and no [dovecot] dir configured");
	abs = realpath(dir, NULL); /* the files name each other by absolute path */
	if (!abs)
		return vm_fail(err, VM_ERR_INVALID, "directory %s: %s", dir, strerror(errno));
	st = dovecot_generate(vm, abs, force, err);
	free(abs);
	return st;
}
