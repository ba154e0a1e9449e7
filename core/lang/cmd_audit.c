/* SPDX-License-Identifier: MIT */
/* cmd_audit.c: the statement audit list (the service is audit.h). */
#include "core/audit.h"
#include "core/lang/interp.h"
#include "lib/output.h"

enum vm_status cmd_audit_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"at", "admin", "origin", "op", "object", "key", "before", "after"};
	struct audit_query q = {0};
	struct out_table t;
	long long last = 0;
	enum vm_status st = VM_OK;

	q.object = args_opt(a, "object");
	q.actor = args_opt(a, "admin");
	q.since = args_opt(a, "since");
	q.until = args_opt(a, "until");
	q.limit = 500;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 8, cols);
	for (;;) {
		struct audit_row *rows = NULL;
		size_t n = 0;

		q.after_id = last;
		if ((st = audit_list(vm, &q, &rows, &n, &last, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			const struct audit_row *r = &rows[i];
			const char *v[8] = {r->at, r->actor, r->origin, r->op, r->object, r->key, r->before, r->after};

			out_table_row(&t, v);
		}
		audit_rows_free(&rows, n);
		if (n < (size_t)q.limit)
			break;
	}
	out_table_end(&t);
	return st;
}
