/* SPDX-License-Identifier: MIT */
/* cmd_maps.c: the statement maps generate (the service is maps.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/lang/interp.h"
#include "core/mailsys/maps.h"

enum vm_status cmd_maps_generate(struct vm *vm, struct args *a, struct vm_error *err)
{
	int force = args_flag(a, "force");
	const char *dir = a->npos ? a->pos[0] : vm->cfg ? vm->cfg->postfix_maps : NULL;
	char *abs;
	enum vm_status st;

	if (a->npos > 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: maps generate [DIR] [force])", a->pos[1]);
	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_USAGE, "no directory given and no [postfix] maps configured");
	/* Postfix needs absolute paths (pgsql:file.cf means main.cf parameters) */
	abs = realpath(dir, NULL);
	if (!abs)
		return vm_fail(err, VM_ERR_INVALID, "directory %s: %s", dir, strerror(errno));
	st = maps_generate(vm, abs, force, err);
	free(abs);
	return st;
}
