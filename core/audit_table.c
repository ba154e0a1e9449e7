/* SPDX-License-Identifier: MIT */
/* audit_table.c: adding the audit log's table (audit.h: audit_create_table,
 * audit_ensure_table). Apart from audit.c because it runs a transaction of
 * its own, while audit.c is what a transaction's commit calls (session.c):
 * so neither calls back into the other. */
#include "core/audit.h"

#include <stdio.h>

#include "sql/schema.h"

static const char *script_for(struct vm *vm)
{
	switch (vm->db->ops->engine) {
	case DB_ENGINE_PGSQL:
		return "pgsql-audit.sql";
	case DB_ENGINE_MYSQL:
		return "mysql-audit.sql";
	case DB_ENGINE_SQLITE:
		return "sqlite-audit.sql";
	}
	return NULL;
}

enum vm_status audit_create_table(struct vm *vm, FILE *out, struct vm_error *err)
{
	const char *name = script_for(vm);
	const char *sql = name ? sql_file_text(name) : NULL;
	struct db_error dberr = {0};
	enum vm_status st;

	if (!sql)
		return vm_fail(err, VM_ERR_DB, "the schema file %s is not built in", name ? name : "(unknown engine)");
	if (vm->db->ops->engine == DB_ENGINE_MYSQL && vm->dry_run)
		return vm_fail(err, VM_ERR_REFUSED,
		               "adding the audit log table: a dry run cannot be rolled back on MySQL/MariaDB (its DDL "
		               "commits at once); nothing was changed");
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if (vm->db->ops->exec_script(vm->db->conn, sql, &dberr) != DB_OK) {
		(void)vm_tx_end(vm, 0, NULL);
		return vm_db_fail(err, &dberr, "adding the audit log table vmailadm_audit");
	}
	if ((st = vm_tx_end(vm, 1, err)) != VM_OK)
		return st;
	audit_recheck(vm);
	fprintf(out, "added the audit log table vmailadm_audit%s\n", vm->dry_run ? " (dry run: rolled back)" : "");
	return VM_OK;
}

enum vm_status audit_ensure_table(struct vm *vm, FILE *out, struct vm_error *err)
{
	enum vm_status st;
	int present;

	audit_recheck(vm);
	if ((st = audit_table(vm, &present, err)) != VM_OK)
		return st;
	return present ? VM_OK : audit_create_table(vm, out, err);
}
