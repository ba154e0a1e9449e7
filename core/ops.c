/* SPDX-License-Identifier: MIT */
/* ops.c: queueing mailbox operations (see ops.h). */
#include "core/ops.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/xalloc.h"

enum vm_status ops_queue(struct vm *vm, long long mailbox_id, const char *type, const char *argument, struct vm_error *err)
{
	char idb[32];
	const char *p[3] = {mailbox_id ? idb : NULL, type, argument};
	long long id;
	enum vm_status st;
	struct change *c;

	snprintf(idb, sizeof idb, "%lld", mailbox_id);
	st = vm_sql_insert(vm, "INSERT INTO admin_mailboxoperation (mailbox_id, type, argument) VALUES (?, ?, ?)", 3, p,
			   &id, err, "queueing a mailbox operation");
	if (st != VM_OK)
		return st;
	c = change_begin(&vm->changes, CHANGE_ADD, "operation", type);
	change_field(c, "argument", NULL, argument);
	return VM_OK;
}

enum vm_status ops_mailbox_deleted(struct vm *vm, long long mailbox_id, const char *home, int keep_files,
				   struct vm_error *err)
{
	char idb[32];
	const char *p[1] = {idb};
	struct db_result *res = NULL;
	char *where = NULL;
	enum vm_status st;

	snprintf(idb, sizeof idb, "%lld", mailbox_id);
	/* the oldest pending rename holds where the files still are */
	if ((st = vm_sql(vm, "SELECT argument FROM admin_mailboxoperation WHERE mailbox_id = ? AND type = 'rename' ORDER BY id",
			 1, p, &res, err, "reading pending operations")) != VM_OK)
		return st;
	where = xstrdup(res->nrows ? db_value(res, 0, 0) : home);
	db_result_free(&res);
	if ((st = vm_sql(vm, "DELETE FROM admin_mailboxoperation WHERE mailbox_id = ?", 1, p, NULL, err,
			 "dropping pending operations")) == VM_OK &&
	    !keep_files)
		st = ops_queue(vm, 0, "delete", where, err);
	free(where);
	return st;
}
