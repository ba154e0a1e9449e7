/* SPDX-License-Identifier: MIT */
/* cmd_store.c: the statements store check, ops queue delete and quota
 * forget (handlers of interp.h's action table; the service is
 * storecheck.h). */
#include <stdio.h>
#include <string.h>

#include "core/lang/interp.h"
#include "lib/output.h"
#include "core/mailsys/storecheck.h"

static void print_finding(void *ctx, const struct store_finding *f)
{
	const char *v[4] = {store_kind_name(f->kind), f->object, f->detail, f->repair ? f->repair : "-"};

	out_table_row(ctx, v);
}

enum vm_status cmd_store_check(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"kind", "object", "detail", "repair"};
	struct store_check_opts o = {0};
	struct store_check_summary sum;
	struct out_table t;
	enum vm_status st;

	o.usage = args_flag(a, "usage");
	if (a->npos > 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: store check [DOMAIN|ADDRESS] [usage])",
			       a->pos[1]);
	o.scope = a->npos ? a->pos[0] : NULL;
	o.emit = print_finding;
	o.ctx = &t;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 4, cols);
	st = store_check(vm, &o, &sum, err);
	out_table_end(&t);
	fflush(vm->out);
	if (st != VM_OK)
		return st;
	fprintf(stderr, "store check: %lld finding(s); %lld home(s) on disk, %lld mailbox(es) checked%s%s\n",
		sum.findings, sum.homes, sum.mailboxes, sum.usage ? ", usage sized" : "",
		sum.ops_untimed ? " (operations are not timed: run vmailadm db upgrade)" : "");
	return store_summary_save(vm, &sum, err);
}

enum vm_status cmd_ops_queue(struct vm *vm, struct args *a, struct vm_error *err)
{
	if (strcmp(a->pos[0], "delete") != 0)
		return vm_fail(err, VM_ERR_USAGE, "unknown operation '%s' (usage: ops queue delete PATH)", a->pos[0]);
	return store_queue_delete(vm, a->pos[1], err);
}

enum vm_status cmd_quota_forget(struct vm *vm, struct args *a, struct vm_error *err)
{
	return store_quota_forget(vm, a->pos[0], err);
}
