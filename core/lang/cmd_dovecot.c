/* SPDX-License-Identifier: MIT */
/* cmd_dovecot.c: `dovecot generate` (interp.h's ACTION_LIST) over dovecot.c. */
#include "core/lang/cmd.h"
#include "core/mailsys/dovecot.h"

enum vm_status cmd_dovecot_generate(struct vm *vm, struct args *a, struct vm_error *err)
{
	const struct cmd_generate_what w = {"dovecot generate", vm->cfg ? vm->cfg->dovecot_dir : NULL,
					    "[dovecot] dir", dovecot_generate};

	return cmd_generate(vm, a, &w, err);
}
