/* SPDX-License-Identifier: MIT */
/* owntables.c: vmailadm's own tables beyond Modoboa's (see owntables.h). */
#include "core/owntables.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "sql/schema.h"

static const struct own_table own_tables[] = {
	{"vmailadm_sieve", "sieve",
	 "the Sieve script per mailbox that Dovecot runs before the user's own, read through its SQL dict"},
	{"vmailadm_store_check", "store", "the summary of the last store check, shown by the monitor"},
	{"vmailadm_op_queued", "opqueued", "when each pending mailbox operation was queued, for store check"},
	{"vmailadm_vacation", "vacation", "the vacation reply per mailbox that vmailadm renders into that script"},
	{"vmailadm_filter", "filter", "the filter rules per mailbox that vmailadm renders into that script"},
	{"vmailadm_sender", "sender",
	 "the addresses a mailbox may send as beyond its own, read by Postfix's sql-sender-login.cf"},
	{"vmailadm_services", "services",
	 "the services (imap, pop3, smtp, sieve, send-only) per mailbox, read by Dovecot's password_query"},
	{"vmailadm_domain_services", "domain-services", "the services a domain's new mailboxes get"},
};
#define NOWN (sizeof own_tables / sizeof own_tables[0])

const struct own_table *owntables_list(size_t *n)
{
	*n = NOWN;
	return own_tables;
}

static const char *engine_name(const struct vm *vm)
{
	switch (vm->db->ops->engine) {
	case DB_ENGINE_PGSQL:
		return "pgsql";
	case DB_ENGINE_MYSQL:
		return "mysql";
	case DB_ENGINE_SQLITE:
		return "sqlite";
	}
	return "?";
}

/* present[i] = 1 when own_tables[i] exists */
static enum vm_status which_exist(struct vm *vm, int *present, struct vm_error *err)
{
	struct db_result *res = NULL;
	struct db_error dberr = {0};
	size_t i, r;

	if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_TABLES, NULL, &res, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "reading the catalog");
	for (i = 0; i < NOWN; i++) {
		present[i] = 0;
		for (r = 0; r < res->nrows; r++)
			if (db_value(res, r, 0) && strcmp(db_value(res, r, 0), own_tables[i].table) == 0)
				present[i] = 1;
	}
	db_result_free(&res);
	return VM_OK;
}

enum vm_status owntables_missing(struct vm *vm, char *buf, size_t len, struct vm_error *err)
{
	int present[NOWN];
	enum vm_status st;
	size_t i, l = 0;

	buf[0] = '\0';
	if ((st = which_exist(vm, present, err)) != VM_OK)
		return st;
	for (i = 0; i < NOWN; i++)
		if (!present[i] && l < len) {
			snprintf(buf + l, len - l, "%s%s", l ? ", " : "", own_tables[i].table);
			l += strlen(buf + l);
		}
	return VM_OK;
}

enum vm_status owntables_add_missing(struct vm *vm, FILE *out, struct vm_error *err)
{
	int present[NOWN], outer = vm->tx_depth > 0, mysql = vm->db->ops->engine == DB_ENGINE_MYSQL;
	struct db_error dberr = {0};
	enum vm_status st;
	size_t i, nmissing = 0;

	if (vm->read_only)
		return vm_fail(err, VM_ERR_READ_ONLY, "this session is read-only: db upgrade changes the database");
	if ((st = which_exist(vm, present, err)) != VM_OK)
		return st;
	for (i = 0; i < NOWN; i++)
		nmissing += !present[i];
	if (nmissing == 0)
		return VM_OK;
	if (mysql && vm->dry_run)
		return vm_fail(err, VM_ERR_REFUSED,
			       "db upgrade: a dry run cannot be rolled back on MySQL/MariaDB (its DDL commits at once); "
			       "nothing was changed");
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	for (i = 0; i < NOWN && st == VM_OK; i++) {
		char *name;
		const char *sql;

		if (present[i])
			continue;
		name = xasprintf("%s-%s.sql", engine_name(vm), own_tables[i].stem);
		sql = sql_file_text(name);
		if (!sql)
			st = vm_fail(err, VM_ERR_DB, "the schema file %s is not built in", name);
		else if (vm->db->ops->exec_script(vm->db->conn, sql, &dberr) != DB_OK) {
			char *what = xasprintf("adding the table %s (%s)", own_tables[i].table, name);

			st = vm_db_fail(err, &dberr, what);
			free(what);
		}
		free(name);
	}
	/* MySQL ended the transaction at the first CREATE: open another, so
	 * that the rest of an enclosing batch stays one transaction */
	if (st == VM_OK && mysql && outer && vm->db->ops->begin(vm->db->conn, &dberr) != DB_OK)
		st = vm_db_fail(err, &dberr, "starting a transaction after adding tables");
	if ((st = vm_tx_finish(vm, st, err)) != VM_OK)
		return st;
	vm->services_state = 0; /* looked up again by services.c */
	if (out)
		for (i = 0; i < NOWN; i++)
			if (!present[i])
				fprintf(out, "db upgrade: added table %s (%s)%s\n", own_tables[i].table,
					own_tables[i].purpose, vm->dry_run && !outer ? " (dry run: rolled back)" : "");
	return VM_OK;
}

void owntables_drop_all(struct vm *vm)
{
	size_t i;

	for (i = NOWN; i-- > 0;) {
		char *sql = xasprintf("DROP TABLE IF EXISTS %s", own_tables[i].table);

		(void)vm->db->ops->exec_script(vm->db->conn, sql, NULL);
		free(sql);
	}
}
