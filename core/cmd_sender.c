/* SPDX-License-Identifier: MIT */
/* cmd_sender.c: the `sender` statements (services in sender.h). */
#include <stdlib.h>

#include "core/interp.h"
#include "core/output.h"
#include "core/sender.h"

enum vm_status cmd_sender_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	return sender_add(vm, a->pos[0], a->pos[1], err);
}

enum vm_status cmd_sender_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	return sender_del(vm, a->pos[0], a->pos[1], err);
}

enum vm_status cmd_sender_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"mailbox", "address"};
	struct sender_grant *rows = NULL;
	struct out_table t;
	size_t n = 0;
	enum vm_status st;

	if ((st = sender_list(vm, a->npos ? a->pos[0] : NULL, &rows, &n, err)) != VM_OK)
		return st;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 2, cols);
	for (size_t i = 0; i < n; i++) {
		const char *v[2] = {rows[i].mailbox, rows[i].address};

		out_table_row(&t, v);
	}
	out_table_end(&t);
	free(rows);
	return VM_OK;
}
