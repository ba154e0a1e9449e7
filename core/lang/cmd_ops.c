/* SPDX-License-Identifier: MIT */
/* cmd_ops.c: the statements ops list and ops run (services in oplist.h and
 * opsrun.h; ops queue is in cmd_store.c). */
#include <stdio.h>

#include "core/lang/interp.h"
#include "core/mailsys/opsrun.h"
#include "core/oplist.h"
#include "lib/output.h"

enum vm_status cmd_ops_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"id", "type", "mailbox", "argument"};
	struct out_table t;
	long long after = 0;
	enum vm_status st = VM_OK;

	(void)a;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 4, cols);
	for (;;) {
		struct op_row *rows = NULL;
		size_t n = 0;

		if ((st = op_list(vm, after, 500, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			char id[32];
			const char *v[4] = {id, rows[i].type, *rows[i].address ? rows[i].address : NULL, rows[i].argument};

			snprintf(id, sizeof id, "%lld", rows[i].id);
			out_table_row(&t, v);
		}
		if (n)
			after = rows[n - 1].id;
		op_rows_free(&rows, n);
		if (n < 500)
			break;
	}
	out_table_end(&t);
	return st;
}

enum vm_status cmd_ops_run(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct opsrun_opts o = {0};
	struct opsrun_stats stats;
	enum vm_status st, st2;
	int left;

	o.as_any_user = args_flag(a, "as-any-user");
	if (a->npos > 0)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: ops run [as-any-user])", a->pos[0]);
	/* the runner commits each done operation by itself (a crash must not
	 * undo rows of moves already made) */
	if ((st = vm_tx_leave(vm, "ops run", &left, err)) != VM_OK)
		return st;
	st = ops_run(vm, &o, &stats, err);
	if ((st2 = vm_tx_rejoin(vm, left, err)) != VM_OK && st == VM_OK)
		st = st2;
	return st;
}
