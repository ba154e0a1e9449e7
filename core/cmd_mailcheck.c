/* SPDX-License-Identifier: MIT */
/* cmd_mailcheck.c: the `mailserver check` statement (core/mailcheck.h does the work). */
#include <stdio.h>

#include "core/interp.h"
#include "core/mailcheck.h"
#include "core/output.h"

enum vm_status cmd_mailserver_check(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"server", "setting", "finding"};
	struct mailcheck_opts o = {args_opt(a, "maps"), args_opt(a, "dovecot")};
	struct mailcheck_report rep = {0};
	struct out_table t;
	enum vm_status st;
	size_t n;

	st = mailcheck_run(vm, &o, &rep, err);
	if (st != VM_OK) {
		mailcheck_report_free(&rep);
		return st;
	}
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 3, cols);
	for (size_t i = 0; i < rep.n; i++)
		out_table_row(&t, (const char *const[]){rep.v[i].server, rep.v[i].setting, rep.v[i].text});
	out_table_end(&t);
	n = rep.n;
	mailcheck_report_free(&rep);
	if (n)
		return vm_fail(err, VM_ERR_REFUSED, "%zu difference(s) from what vmailadm expects, listed above",
			       n);
	return VM_OK;
}
