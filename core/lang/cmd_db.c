/* SPDX-License-Identifier: MIT */
/* cmd_db.c: the db statements (interp.h's ACTION_LIST): init and check over schema.c;
 * upgrade over quota.c and audit.c. */
#include "core/audit.h"
#include "core/lang/interp.h"
#include "core/quota.h"
#include "core/schema.h"


enum vm_status cmd_db_init(struct vm *vm, struct args *a, struct vm_error *err)
{
	(void)a;
	return schema_init(vm, vm->out, err);
}

enum vm_status cmd_db_check(struct vm *vm, struct args *a, struct vm_error *err)
{
	int problems = 0;
	enum vm_status st;

	(void)a;
	st = schema_check(vm, vm->out, &problems, err);
	if (st == VM_OK && problems > 0)
		return vm_fail(err, VM_ERR_REFUSED, "the database has %d problem(s), listed above", problems);
	return st;
}

enum vm_status cmd_db_upgrade(struct vm *vm, struct args *a, struct vm_error *err)
{
	enum vm_status st;

	(void)a;
	/* the audit log is the other table a database Modoboa made lacks */
	if ((st = audit_ensure_table(vm, vm->out, err)) != VM_OK)
		return st;
	return quota_schema_upgrade(vm, vm->out, err);
}
