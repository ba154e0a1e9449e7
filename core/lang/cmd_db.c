/* SPDX-License-Identifier: MIT */
/* cmd_db.c: the statements db init, db check and db upgrade (services in
 * schema.h, and the additions of audit.h, owntables.h, quota.h, search.h and
 * sieve.h). */
#include "core/audit.h"
#include "core/lang/interp.h"
#include "core/owntables.h"
#include "core/quota.h"
#include "core/schema.h"
#include "core/search.h"
#include "core/sieve.h"

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
	if ((st = owntables_add_missing(vm, vm->out, err)) != VM_OK)
		return st;
	if ((st = quota_schema_upgrade(vm, vm->out, err)) != VM_OK)
		return st;
	if ((st = search_upgrade(vm, vm->out, err)) != VM_OK)
		return st;
	/* Modoboa's autoreply rows become vacations (core/sieve.h) */
	return sieve_import_modoboa(vm, vm->out, err);
}
