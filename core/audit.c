/* SPDX-License-Identifier: MIT */
/* audit.c: the audit log (see audit.h). */
#include "core/audit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/auditlog.h"
#include "core/match.h"
#include "lib/output.h"
#include "lib/xalloc.h"
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
	if ((st = audit_present(vm, &present, err)) != VM_OK)
		return st;
	return present ? VM_OK : audit_create_table(vm, out, err);
}

/* "YYYY-MM-DD[( |T)HH:MM[:SS]]" -> "YYYY-MM-DD HH:MM:SS" into out (20
 * bytes); a bare date takes end_of_day ? 23:59:59 : 00:00:00. */
static enum vm_status parse_time(const char *key, const char *v, int end_of_day, char out[64], struct vm_error *err)
{
	int y, mo, d, h = end_of_day ? 23 : 0, mi = end_of_day ? 59 : 0, s = end_of_day ? 59 : 0;
	size_t n = strlen(v);
	char c1 = 0;

	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]) && !strchr("-: T", v[i]))
			goto bad;
	if (n == 10 && sscanf(v, "%4d-%2d-%2d", &y, &mo, &d) == 3)
		;
	else if (n == 16 && sscanf(v, "%4d-%2d-%2d%c%2d:%2d", &y, &mo, &d, &c1, &h, &mi) == 6)
		s = end_of_day ? 59 : 0;
	else if (n == 19 && sscanf(v, "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &c1, &h, &mi, &s) == 7)
		;
	else
		goto bad;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 ||
	    (c1 && c1 != ' ' && c1 != 'T'))
		goto bad;
	snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
	return VM_OK;
bad:
	return vm_fail(err, VM_ERR_INVALID, "%s: expected a UTC time YYYY-MM-DD or \"YYYY-MM-DD HH:MM[:SS]\"", key);
}

void audit_rows_free(struct audit_row **rows, size_t n)
{
	if (!*rows)
		return;
	for (size_t i = 0; i < n; i++) {
		struct audit_row *r = &(*rows)[i];

		free(r->at);
		free(r->actor);
		free(r->origin);
		free(r->object);
		free(r->key);
		free(r->op);
		free(r->before);
		free(r->after);
	}
	free(*rows);
	*rows = NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* One read of the log: the filters of q, then id `cmp` bound (cmp NULL: no
 * bound) in the given order. Shared by audit_list and audit_page so that the
 * statement and the console apply the same filters and the same rule for a
 * domain administrator. */
static enum vm_status audit_select(struct vm *vm, const struct audit_query *q, const char *cmp, long long bound,
				   int desc, int limit, struct audit_row **rows, size_t *n, struct vm_error *err)
{
	char since[64], until[64], idb[32], lim[64];
	char *sql = NULL;
	const char *p[8];
	int np = 0;
	struct db_result *res = NULL;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if (q->since && (st = parse_time("since", q->since, 0, since, err)) != VM_OK)
		return st;
	if (q->until && (st = parse_time("until", q->until, 1, until, err)) != VM_OK)
		return st;
	snprintf(idb, sizeof idb, "%lld", bound);
	str_append(&sql, "SELECT id, at, actor, origin, object, object_key, op, before_value, after_value "
			 "FROM vmailadm_audit WHERE 1 = 1");
	if (cmp) {
		str_append(&sql, cmp[0] == '<' ? " AND id < ?" : " AND id > ?");
		p[np++] = idb;
	}
	if (q->object) {
		str_append(&sql, " AND (object = ? OR object_key = ?)");
		p[np++] = q->object;
		p[np++] = q->object;
	}
	if (q->actor) {
		str_append(&sql, " AND actor = ?");
		p[np++] = q->actor;
	}
	/* a domain administrator reads what they did, not what others did
	 * in domains they cannot see */
	if (!vm->actor.superuser) {
		str_append(&sql, " AND actor = ?");
		p[np++] = vm->actor.login;
	}
	if (q->since) {
		str_append(&sql, " AND at >= ?");
		p[np++] = since;
	}
	if (q->until) {
		str_append(&sql, " AND at <= ?");
		p[np++] = until;
	}
	snprintf(lim, sizeof lim, " ORDER BY id%s LIMIT %d", desc ? " DESC" : "", limit > 0 ? limit : 500);
	str_append(&sql, lim);
	st = vm_sql(vm, sql, np, p, &res, err, "reading the audit log");
	free(sql);
	if (st != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++) {
		struct audit_row *a = &(*rows)[r];

		a->id = vm_ll(db_value(res, r, 0));
		a->at = dup_or_null(db_value(res, r, 1));
		a->actor = dup_or_null(db_value(res, r, 2));
		a->origin = dup_or_null(db_value(res, r, 3));
		a->object = dup_or_null(db_value(res, r, 4));
		a->key = dup_or_null(db_value(res, r, 5));
		a->op = dup_or_null(db_value(res, r, 6));
		a->before = dup_or_null(db_value(res, r, 7));
		a->after = dup_or_null(db_value(res, r, 8));
	}
	*n = res->nrows;
	db_result_free(&res);
	return VM_OK;
}

enum vm_status audit_list(struct vm *vm, const struct audit_query *q, struct audit_row **rows, size_t *n,
			  long long *last_id, struct vm_error *err)
{
	enum vm_status st = audit_select(vm, q, ">", q->after_id, 0, q->limit, rows, n, err);

	if (st == VM_OK && *n)
		*last_id = (*rows)[*n - 1].id;
	return st;
}

enum vm_status audit_page(struct vm *vm, const struct audit_query *q, long long bound, int newer, int limit,
			  struct audit_row **rows, size_t *n, struct vm_error *err)
{
	if (newer)
		return audit_select(vm, q, ">", bound, 0, limit, rows, n, err);
	return audit_select(vm, q, bound > 0 ? "<" : NULL, bound, 1, limit, rows, n, err);
}
