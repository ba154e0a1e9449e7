/* SPDX-License-Identifier: MIT */
/* audit.c: the audit log (see audit.h). */
#include "core/audit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/match.h"
#include "lib/output.h"
#include "lib/xalloc.h"
#include "sql/schema.h"

/* A TEXT column holds 65535 bytes on MySQL; a value is cut before that, at
 * a character boundary, so that the row still goes in. */
#define AUDIT_VALUE_MAX 60000

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
	vm->audit_state = 0;
	fprintf(out, "added the audit log table vmailadm_audit%s\n", vm->dry_run ? " (dry run: rolled back)" : "");
	return VM_OK;
}

static int secret_field(const char *name)
{
	return strstr(name, "password") || strstr(name, "hash") || strstr(name, "secret");
}

/* Cuts s (in place) to at most max bytes without splitting a UTF-8 sequence. */
static void cut_utf8(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/* The fields' before (which = 0) or after (1) values as a JSON object, or
 * NULL when the object did not exist on that side. Caller frees. */
static char *fields_json(const struct change *c, int which)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((which == 0 && c->op == CHANGE_ADD) || (which == 1 && c->op == CHANGE_DEL))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		xdie("out of memory");
	fputc('{', f);
	for (size_t j = 0; j < c->nfields; j++) {
		const struct field *fd = &c->fields[j];
		const char *v = which ? fd->after : fd->before;

		if (j)
			fputc(',', f);
		out_json_string(f, fd->name);
		fputc(':', f);
		if (!v)
			fputs("null", f);
		else
			out_json_string(f, secret_field(fd->name) ? "(set)" : v);
	}
	fputc('}', f);
	if (fclose(f) != 0)
		xdie("out of memory");
	cut_utf8(buf, AUDIT_VALUE_MAX);
	return buf;
}

/* Is the table there? Looked up once per session. */
static enum vm_status table_state(struct vm *vm, struct vm_error *err)
{
	struct db_result *res = NULL;
	struct db_error dberr = {0};

	if (vm->audit_state)
		return VM_OK;
	if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_TABLES, NULL, &res, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "looking for the audit log table");
	vm->audit_state = -1;
	for (size_t r = 0; r < res->nrows; r++)
		if (db_value(res, r, 0) && strcmp(db_value(res, r, 0), "vmailadm_audit") == 0)
			vm->audit_state = 1;
	db_result_free(&res);
	return VM_OK;
}

enum vm_status audit_ensure_table(struct vm *vm, FILE *out, struct vm_error *err)
{
	enum vm_status st;

	vm->audit_state = 0;
	if ((st = table_state(vm, err)) != VM_OK)
		return st;
	return vm->audit_state > 0 ? VM_OK : audit_create_table(vm, out, err);
}

enum vm_status audit_record(struct vm *vm, struct vm_error *err)
{
	static const char *const opname[] = {"add", "change", "remove"};
	static int warned;
	enum vm_status st = VM_OK;
	const char *now;

	if (vm->audit_done >= vm->changes.n)
		return VM_OK;
	if ((st = table_state(vm, err)) != VM_OK)
		return st;
	if (vm->audit_state < 0) {
		if (!vm->actor.superuser)
			return vm_fail(err, VM_ERR_REFUSED,
				       "the audit log table vmailadm_audit is missing, so a domain administrator's "
				       "changes cannot be recorded; a superadministrator must run `vmailadm db init`; "
				       "nothing was changed");
		if (!warned++)
			fprintf(stderr, "vmailadm: warning: no audit log table (vmailadm_audit): this change is not "
					"recorded; `vmailadm db init` adds the table\n");
		vm->audit_done = vm->changes.n;
		return VM_OK;
	}
	now = vm_now();
	for (size_t i = vm->audit_done; i < vm->changes.n && st == VM_OK; i++) {
		const struct change *c = &vm->changes.items[i];
		char *before = fields_json(c, 0), *after = fields_json(c, 1);
		char *key = xstrdup(c->key);
		const char *actor = *vm->actor.login ? vm->actor.login : "unknown";
		long long id;

		cut_utf8(key, AUDIT_VALUE_MAX);
		st = vm_sql_insert(vm,
				   "INSERT INTO vmailadm_audit (at, actor, origin, object, object_key, op, before_value, "
				   "after_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				   8,
				   (const char *const[]){now, actor, vm->actor.origin, c->object, key, opname[c->op],
							 before, after},
				   &id, err, "writing the audit log");
		free(before);
		free(after);
		free(key);
	}
	if (st == VM_OK)
		vm->audit_done = vm->changes.n;
	return st;
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
