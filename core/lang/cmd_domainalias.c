/* SPDX-License-Identifier: MIT */
/* cmd_domainalias.c: the domainalias statements (interp.h's ACTION_LIST) over domain.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/lang/cmd.h"
#include "core/lang/interp.h"
#include "core/validate.h"
#include "lib/output.h"


enum vm_status cmd_domainalias_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = cmd_opt_bool(a, "enabled", &has, &en, err);

	return st != VM_OK ? st : domainalias_add(vm, a->pos[0], a->pos[1], has, en, err);
}

enum vm_status cmd_domainalias_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = cmd_opt_bool(a, "enabled", &has, &en, err);

	if (st != VM_OK)
		return st;
	if (!has && !args_opt(a, "target"))
		return vm_fail(err, VM_ERR_USAGE, "nothing to change (give target= or enabled=)");
	return domainalias_set(vm, a->pos[0], args_opt(a, "target"), has, en, err);
}

enum vm_status cmd_domainalias_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	return domainalias_del(vm, a->pos[0], err);
}

enum vm_status cmd_domainalias_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"name", "target", "enabled"};
	struct out_table t;
	char after[VM_DOMAIN_MAX + 1] = "";
	enum vm_status st = VM_OK;

	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 3, cols);
	for (;;) {
		struct domainalias *rows = NULL;
		size_t n = 0;

		if ((st = domainalias_list(vm, a->npos ? a->pos[0] : NULL, after, 500, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			const char *v[3] = {rows[i].name, rows[i].target, rows[i].enabled ? "yes" : "no"};

			out_table_row(&t, v);
		}
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].name);
		free(rows);
		if (n < 500)
			break;
	}
	out_table_end(&t);
	return st;
}
