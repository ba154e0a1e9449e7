/* SPDX-License-Identifier: MIT */
/* schema.c: `db init` and `db check` (see schema.h). */
#include "core/schema.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/audit.h"
#include "lib/output.h"
#include "core/owntables.h"
#include "core/quota.h"
#include "core/search.h"
#include "lib/xalloc.h"
#include "sql/schema.h"

/* --- what vmailadm needs ------------------------------------------------- */

/* In the order the create scripts make them (dropped in reverse on failure). */
static const struct table_spec {
	const char *name;
	int own; /* vmailadm's own table: a database Modoboa made has none */
} tables[] = {
	{"auth_group", 0},        {"django_content_type", 0},    {"admin_user", 0},
	{"admin_user_groups", 0}, {"admin_objectdates", 0},      {"admin_objectaccess", 0},
	{"admin_domain", 0},      {"admin_domainalias", 0},      {"admin_mailbox", 0},
	{"admin_alias", 0},       {"admin_alias_mboxes", 0},     {"admin_alias_aliases", 0},
	{"admin_quota", 0},       {"admin_mailboxoperation", 0}, {"vmailadm_meta", 1},
	{"vmailadm_audit", 1},
};
#define NTABLES (sizeof tables / sizeof tables[0])

enum nulls {
	NOT_NULL,    /* a value is always there */
	NULL_NEEDED, /* vmailadm (or Modoboa) stores NULL in it */
	NULL_EITHER, /* either is fine */
};

/* Types as db.h normalises them: int, bigint, bool, text, timestamp, varchar(N). */
static const struct column_spec {
	const char *table, *column, *type;
	enum nulls nulls;
} columns[] = {
	{"auth_group", "id", "int", NOT_NULL},
	{"auth_group", "name", "varchar(80)", NOT_NULL},

	{"django_content_type", "id", "int", NOT_NULL},
	{"django_content_type", "app_label", "varchar(100)", NOT_NULL},
	{"django_content_type", "model", "varchar(100)", NOT_NULL},

	{"admin_user", "id", "int", NOT_NULL},
	{"admin_user", "password", "varchar(128)", NOT_NULL},
	/* Django 1.8 made last_login nullable; vmailadm always writes one */
	{"admin_user", "last_login", "timestamp", NULL_EITHER},
	{"admin_user", "is_superuser", "bool", NOT_NULL},
	{"admin_user", "username", "varchar(254)", NOT_NULL},
	{"admin_user", "first_name", "varchar(30)", NOT_NULL},
	{"admin_user", "last_name", "varchar(30)", NOT_NULL},
	{"admin_user", "email", "varchar(254)", NOT_NULL},
	{"admin_user", "is_staff", "bool", NOT_NULL},
	{"admin_user", "is_active", "bool", NOT_NULL},
	{"admin_user", "date_joined", "timestamp", NOT_NULL},
	{"admin_user", "is_local", "bool", NOT_NULL},

	{"admin_user_groups", "id", "int", NOT_NULL},
	{"admin_user_groups", "user_id", "int", NOT_NULL},
	{"admin_user_groups", "group_id", "int", NOT_NULL},

	{"admin_objectdates", "id", "int", NOT_NULL},
	{"admin_objectdates", "creation", "timestamp", NOT_NULL},
	{"admin_objectdates", "last_modification", "timestamp", NOT_NULL},

	{"admin_objectaccess", "id", "int", NOT_NULL},
	{"admin_objectaccess", "user_id", "int", NOT_NULL},
	{"admin_objectaccess", "content_type_id", "int", NOT_NULL},
	{"admin_objectaccess", "object_id", "int", NOT_NULL},
	{"admin_objectaccess", "is_owner", "bool", NOT_NULL},

	{"admin_domain", "id", "int", NOT_NULL},
	{"admin_domain", "name", "varchar(100)", NOT_NULL},
	{"admin_domain", "quota", "int", NOT_NULL},
	{"admin_domain", "enabled", "bool", NOT_NULL},
	{"admin_domain", "dates_id", "int", NOT_NULL},

	{"admin_domainalias", "id", "int", NOT_NULL},
	{"admin_domainalias", "name", "varchar(100)", NOT_NULL},
	{"admin_domainalias", "target_id", "int", NOT_NULL},
	{"admin_domainalias", "enabled", "bool", NOT_NULL},
	{"admin_domainalias", "dates_id", "int", NOT_NULL},

	{"admin_mailbox", "id", "int", NOT_NULL},
	{"admin_mailbox", "address", "varchar(252)", NOT_NULL},
	{"admin_mailbox", "quota", "int", NOT_NULL},
	{"admin_mailbox", "use_domain_quota", "bool", NOT_NULL},
	{"admin_mailbox", "domain_id", "int", NOT_NULL},
	{"admin_mailbox", "user_id", "int", NOT_NULL},
	{"admin_mailbox", "dates_id", "int", NOT_NULL},

	{"admin_alias", "id", "int", NOT_NULL},
	{"admin_alias", "address", "varchar(254)", NOT_NULL},
	{"admin_alias", "domain_id", "int", NOT_NULL},
	{"admin_alias", "extmboxes", "text", NOT_NULL},
	{"admin_alias", "enabled", "bool", NOT_NULL},
	{"admin_alias", "dates_id", "int", NOT_NULL},

	{"admin_alias_mboxes", "id", "int", NOT_NULL},
	{"admin_alias_mboxes", "alias_id", "int", NOT_NULL},
	{"admin_alias_mboxes", "mailbox_id", "int", NOT_NULL},

	{"admin_alias_aliases", "id", "int", NOT_NULL},
	{"admin_alias_aliases", "from_alias_id", "int", NOT_NULL},
	{"admin_alias_aliases", "to_alias_id", "int", NOT_NULL},

	{"admin_quota", "username", "varchar(254)", NOT_NULL},
	{"admin_quota", "bytes", "bigint", NOT_NULL},
	{"admin_quota", "messages", "int", NOT_NULL},
	/* Dovecot's quota dict inserts rows without it */
	{"admin_quota", "mbox_id", "int", NULL_NEEDED},

	{"admin_mailboxoperation", "id", "int", NOT_NULL},
	/* a 'delete' operation has no mailbox any more */
	{"admin_mailboxoperation", "mailbox_id", "int", NULL_NEEDED},
	{"admin_mailboxoperation", "type", "varchar(20)", NOT_NULL},
	{"admin_mailboxoperation", "argument", "text", NOT_NULL},

	{"vmailadm_meta", "name", "varchar(64)", NOT_NULL},
	{"vmailadm_meta", "value", "text", NOT_NULL},

	/* the audit log (core/audit.h) */
	{"vmailadm_audit", "id", "int", NOT_NULL},
	{"vmailadm_audit", "at", "timestamp", NOT_NULL},
	{"vmailadm_audit", "actor", "varchar(254)", NOT_NULL},
	{"vmailadm_audit", "origin", "varchar(128)", NOT_NULL},
	{"vmailadm_audit", "object", "varchar(32)", NOT_NULL},
	{"vmailadm_audit", "object_key", "text", NOT_NULL},
	{"vmailadm_audit", "op", "varchar(8)", NOT_NULL},
	{"vmailadm_audit", "before_value", "text", NULL_EITHER},
	{"vmailadm_audit", "after_value", "text", NULL_EITHER},
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* Columns Dovecot's quota dict leaves out of its INSERTs. */
static const struct default_spec {
	const char *table, *column;
} zero_defaults[] = {
	{"admin_quota", "bytes"},
	{"admin_quota", "messages"},
};

/* Indexes: an index whose leading columns are these (in this order) serves. */
static const struct index_spec {
	const char *table;
	const char *columns; /* "a,b" */
	int unique;          /* only a UNIQUE index (or the primary key) serves */
	int problem;         /* 0: a warning */
	const char *name;    /* the name the create scripts give it */
	const char *why;
} indexes[] = {
	{"admin_quota", "username", 1, 1, "admin_quota_username",
	 "Dovecot's quota dict upserts (INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE) need it"},
	{"admin_mailbox", "domain_id,address", 0, 0, "admin_mailbox_domain_address", "the console's pages will be slow"},
	{"admin_alias", "domain_id,address", 0, 0, "admin_alias_domain_address", "the console's alias pages will be slow"},
	{"admin_user", "email", 0, 0, "admin_user_email", "Dovecot's password_query will scan admin_user"},
};
#define NINDEXES (sizeof indexes / sizeof indexes[0])

/* --- the report ---------------------------------------------------------- */

struct finding {
	int problem;
	char *text;
};

struct report {
	struct finding *v;
	size_t n, cap;
	int problems, warnings;
};

static void add(struct report *rep, int problem, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(struct report *rep, int problem, const char *fmt, ...)
{
	va_list ap, ap2;
	int len;
	char *text;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	text = xmalloc((size_t)len + 1);
	if (vsnprintf(text, (size_t)len + 1, fmt, ap2) < 0)
		text[0] = '\0';
	va_end(ap2);
	if (rep->n == rep->cap) {
		rep->cap = rep->cap ? rep->cap * 2 : 16;
		rep->v = xreallocarray(rep->v, rep->cap, sizeof *rep->v);
	}
	rep->v[rep->n].problem = problem;
	rep->v[rep->n].text = text;
	rep->n++;
	if (problem)
		rep->problems++;
	else
		rep->warnings++;
}

static void report_print(const struct report *rep, FILE *out)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		if (!rep->v[i].problem)
			fputs("warning: ", out);
		out_safe(out, rep->v[i].text);
		fputc('\n', out);
	}
	if (rep->problems == 0)
		fputs("db check: OK\n", out);
	else
		fprintf(out, "db check: %d problem(s)\n", rep->problems);
}

static void report_free(struct report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		free(rep->v[i].text);
	free(rep->v);
	memset(rep, 0, sizeof *rep);
}

/* --- helpers ------------------------------------------------------------- */

static enum db_engine engine_of(const struct vm *vm)
{
	return vm->db->ops->engine;
}

static enum vm_status introspect(struct vm *vm, enum db_introspect what, const char *table, struct db_result **res,
				 struct vm_error *err)
{
	struct db_error dberr = {0};
	char what_s[160];

	if (vm->db->ops->introspect(vm->db->conn, what, table, res, &dberr) == DB_OK)
		return VM_OK;
	*res = NULL;
	snprintf(what_s, sizeof what_s, "reading the database catalog%s%s", table ? " for " : "", table ? table : "");
	return vm_db_fail(err, &dberr, what_s);
}

/* Row of res whose column 0 is name (case-insensitive: MySQL may fold), or -1. */
static long find_row(const struct db_result *res, const char *name)
{
	size_t r;

	for (r = 0; r < res->nrows; r++) {
		const char *v = db_value(res, r, 0);

		if (v && strcasecmp(v, name) == 0)
			return (long)r;
	}
	return -1;
}

/* "varchar(N)" -> N, else -1. */
static long varchar_len(const char *t)
{
	char *end;
	long n;

	if (strncmp(t, "varchar(", 8) != 0)
		return -1;
	n = strtol(t + 8, &end, 10);
	return (end != t + 8 && *end == ')') ? n : -1;
}

/* The type for messages: "other:X" shows as X. */
static const char *shown_type(const char *t)
{
	return strncmp(t, "other:", 6) == 0 ? t + 6 : t;
}

enum fit { FIT_SAME, FIT_WIDER, FIT_BAD };

/* Does a column of type got hold every value of type want? */
static enum fit type_fit(const char *want, const char *got)
{
	long wl = varchar_len(want), gl = varchar_len(got);

	if (strcmp(want, got) == 0)
		return FIT_SAME;
	if (wl >= 0 && gl >= 0)
		return gl > wl ? FIT_WIDER : FIT_BAD;
	if (wl >= 0 && strcmp(got, "text") == 0)
		return FIT_WIDER;
	if (strcmp(want, "int") == 0 && strcmp(got, "bigint") == 0)
		return FIT_WIDER;
	return FIT_BAD;
}

/* Is a default's text (as the backends normalise it) the number 0?
 * Accepts 0, '0', (0), 0::bigint. */
static int default_is_zero(const char *d)
{
	char buf[64];
	size_t i = 0, n;
	const char *s;
	char *end;

	if (!d)
		return 0;
	for (s = d; *s && i < sizeof buf - 1; s++)
		if (*s != '(' && *s != ')' && *s != '\'' && *s != ' ')
			buf[i++] = *s;
	buf[i] = '\0';
	n = strcspn(buf, ":");
	buf[n] = '\0';
	if (!buf[0])
		return 0;
	(void)strtod(buf, &end);
	return *end == '\0' && strtod(buf, NULL) == 0.0;
}

/* An identifier as the engine wants it in a statement the user may paste. */
static char *ident(enum db_engine eng, const char *name)
{
	const char *s;
	char q = eng == DB_ENGINE_MYSQL ? '`' : '"';
	char *out, *o;
	int plain = (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';

	for (s = name; *s && plain; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			plain = 0;
	if (plain)
		return xstrdup(name);
	out = o = xmalloc(strlen(name) * 2 + 3);
	*o++ = q;
	for (s = name; *s; s++) {
		if (*s == q)
			*o++ = q;
		*o++ = *s;
	}
	*o++ = q;
	*o = '\0';
	return out;
}

/* Do the leading columns of the index list "a,b,c" match want "a,b"? Each
 * listed column is compared up to a space (an operator class, ASC/DESC). */
static int index_serves(const char *have, const char *want)
{
	const char *h = have, *w = want;

	while (*w) {
		size_t wl = strcspn(w, ","), hl = strcspn(h, ","), hw = strcspn(h, ", ");

		if (hl == 0 || hw != wl || strncasecmp(h, w, wl) != 0)
			return 0;
		w += wl;
		h += hl;
		if (*w == ',')
			w++;
		if (*h == ',')
			h++;
		else if (*w)
			return 0;
	}
	return 1;
}

static int is_merge_quota(const char *s)
{
	return s && (strcasestr(s, "merge_quota") || strcasestr(s, "mergequota"));
}

/* --- the check ----------------------------------------------------------- */

static enum vm_status check_columns(struct vm *vm, const char *table, struct report *rep, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;
	size_t i, k;

	if ((st = introspect(vm, DB_INTROSPECT_COLUMNS, table, &res, err)) != VM_OK)
		return st;
	for (i = 0; i < NCOLUMNS; i++) {
		const struct column_spec *c = &columns[i];
		const char *type, *nullable;
		long r;

		if (strcmp(c->table, table) != 0)
			continue;
		r = find_row(res, c->column);
		if (r < 0) {
			add(rep, 1, "missing column %s.%s", table, c->column);
			continue;
		}
		type = db_value(res, (size_t)r, 1) ? db_value(res, (size_t)r, 1) : "?";
		nullable = db_value(res, (size_t)r, 2) ? db_value(res, (size_t)r, 2) : "0";
		switch (type_fit(c->type, type)) {
		case FIT_SAME:
			break;
		case FIT_WIDER:
			add(rep, 0, "%s.%s: type %s, expected %s (wider: fine)", table, c->column, shown_type(type),
			    c->type);
			break;
		case FIT_BAD:
			add(rep, 1, "%s.%s: type %s, expected %s", table, c->column, shown_type(type), c->type);
			break;
		}
		if (c->nulls == NOT_NULL && strcmp(nullable, "1") == 0)
			add(rep, 1, "%s.%s: nullable, expected NOT NULL", table, c->column);
		else if (c->nulls == NULL_NEEDED && strcmp(nullable, "1") != 0)
			add(rep, 1, "%s.%s: NOT NULL, expected nullable (vmailadm and Dovecot store NULL in it)", table,
			    c->column);
		for (k = 0; k < sizeof zero_defaults / sizeof zero_defaults[0]; k++) {
			if (strcmp(zero_defaults[k].table, table) != 0 || strcmp(zero_defaults[k].column, c->column) != 0 ||
			    default_is_zero(db_value(res, (size_t)r, 3)))
				continue;
			if (engine_of(vm) == DB_ENGINE_SQLITE)
				add(rep, 1,
				    "%s.%s: no DEFAULT 0 (Dovecot's quota dict inserts rows without it): SQLite cannot "
				    "change a column's DEFAULT; rebuild %s with %s %s NOT NULL DEFAULT 0 (create the new "
				    "table, copy the rows, drop the old one, rename)",
				    table, c->column, table, c->column, c->type);
			else
				add(rep, 1,
				    "%s.%s: no DEFAULT 0 (Dovecot's quota dict inserts rows without it): ALTER TABLE %s "
				    "ALTER COLUMN %s SET DEFAULT 0",
				    table, c->column, table, c->column);
		}
	}
	db_result_free(&res);
	return VM_OK;
}

static enum vm_status check_indexes(struct vm *vm, const char *table, struct report *rep, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;
	size_t i, r;

	for (i = 0; i < NINDEXES; i++) {
		const struct index_spec *x = &indexes[i];
		int found = 0;

		if (strcmp(x->table, table) != 0)
			continue;
		if (!res && (st = introspect(vm, DB_INTROSPECT_INDEXES, table, &res, err)) != VM_OK)
			return st;
		for (r = 0; r < res->nrows && !found; r++) {
			const char *cols = db_value(res, r, 2), *uniq = db_value(res, r, 1);

			if (!cols || !index_serves(cols, x->columns))
				continue;
			/* a UNIQUE index must be exactly on these columns */
			if (x->unique && (!uniq || strcmp(uniq, "1") != 0 || strchr(cols, ',')))
				continue;
			found = 1;
		}
		if (found)
			continue;
		{
			/* "domain_id,address" -> "domain_id, address" */
			size_t ncomma = 0;
			const char *s;
			char *pretty, *o;

			for (s = x->columns; *s; s++)
				ncomma += *s == ',';
			pretty = o = xmalloc(strlen(x->columns) + ncomma + 1);
			for (s = x->columns; *s; s++) {
				*o++ = *s;
				if (*s == ',')
					*o++ = ' ';
			}
			*o = '\0';
			if (x->unique)
				add(rep, x->problem,
				    "no PRIMARY KEY or UNIQUE index on %s (%s): %s: CREATE UNIQUE INDEX %s ON %s (%s)",
				    table, pretty, x->why, x->name, table, pretty);
			else
				add(rep, x->problem, "missing index on %s (%s) — %s: CREATE INDEX %s ON %s (%s)", table,
				    pretty, x->why, x->name, table, pretty);
			free(pretty);
		}
	}
	db_result_free(&res);
	return VM_OK;
}

static enum vm_status check_triggers(struct vm *vm, const char *table, struct report *rep, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;
	size_t r;

	if ((st = introspect(vm, DB_INTROSPECT_TRIGGERS, table, &res, err)) != VM_OK)
		return st;
	for (r = 0; r < res->nrows; r++) {
		const char *name = db_value(res, r, 0) ? db_value(res, r, 0) : "?";
		const char *when = db_value(res, r, 1) ? db_value(res, r, 1) : "";
		const char *body = db_value(res, r, 2);
		char *id;

		if (quota_own_trigger(name))
			continue; /* vmailadm's own copies (sql/<engine>-quota.sql) */
		id = ident(engine_of(vm), name);
		if (is_merge_quota(name) || is_merge_quota(body)) {
			if (engine_of(vm) == DB_ENGINE_PGSQL)
				add(rep, 1,
				    "%s has the merge_quota trigger (trigger %s): with Dovecot 2.3 it stores negative "
				    "message counts. Remove it: DROP TRIGGER %s ON %s; then run doveadm quota recalc -A",
				    table, name, id, table);
			else
				add(rep, 1,
				    "%s has the merge_quota trigger (trigger %s): with Dovecot 2.3 it stores negative "
				    "message counts. Remove it: DROP TRIGGER %s; then run doveadm quota recalc -A",
				    table, name, id);
		} else {
			/* PostgreSQL reports the function's name, the others the body */
			int short_body = body && strlen(body) <= 40 && !strchr(body, '\n');

			add(rep, 0,
			    "%s has trigger %s (%s%s%s), which vmailadm does not know: Dovecot's quota dict "
			    "writes this table",
			    table, name, when, short_body ? ", " : "", short_body ? body : "");
		}
		free(id);
	}
	db_result_free(&res);
	return VM_OK;
}

/* Fills rep; tabs is the TABLES introspection. */
static enum vm_status check_into(struct vm *vm, const struct db_result *tabs, struct report *rep, struct vm_error *err)
{
	enum vm_status st;
	size_t t;

	for (t = 0; t < NTABLES; t++) {
		const char *name = tables[t].name;

		if (find_row(tabs, name) < 0) {
			if (tables[t].own && strcmp(name, "vmailadm_audit") == 0)
				add(rep, 0,
				    "missing table vmailadm_audit (the audit log; a database Modoboa made has none): "
				    "`vmailadm db init` adds it");
			else if (tables[t].own)
				add(rep, 0,
				    "missing table %s (vmailadm's own bookkeeping; a database Modoboa made has none): "
				    "CREATE TABLE %s (name varchar(64) NOT NULL PRIMARY KEY, value text NOT NULL)",
				    name, name);
			else
				add(rep, 1, "missing table %s", name);
			continue;
		}
		if ((st = check_columns(vm, name, rep, err)) != VM_OK)
			return st;
		if ((st = check_indexes(vm, name, rep, err)) != VM_OK)
			return st;
		if (strcmp(name, "admin_quota") == 0 && (st = check_triggers(vm, name, rep, err)) != VM_OK)
			return st;
	}
	{
		size_t i, n;
		const struct own_table *own = owntables_list(&n);

		for (i = 0; i < n; i++)
			if (find_row(tabs, own[i].table) < 0)
				add(rep, 0,
				    "missing table %s (%s; a database Modoboa made has none): run vmailadm db upgrade",
				    own[i].table, own[i].purpose);
	}
	if (find_row(tabs, "admin_quota") >= 0) {
		char missing[1024];

		if ((st = quota_schema_missing(vm, missing, sizeof missing, err)) != VM_OK)
			return st;
		if (missing[0])
			add(rep, 0,
			    "missing what live quota usage needs (%s; the monitor would be slow or fail): run "
			    "vmailadm db upgrade",
			    missing);
	}
	if (find_row(tabs, "admin_mailbox") >= 0 && find_row(tabs, "admin_alias") >= 0) {
		char missing[512];
		const char *hint;

		if ((st = search_missing(vm, missing, sizeof missing, &hint, err)) != VM_OK)
			return st;
		if (strcmp(missing, SEARCH_PG_DOMAIN_GRAMS) == 0)
			add(rep, 0,
			    "missing part of the substring search index (%s; optional: without it a search in one "
			    "domain fetches the matches of every domain): %s",
			    missing, hint);
		else if (missing[0])
			add(rep, 0,
			    "missing the substring search index (%s; optional: without it `/ *text*`, `mailbox list "
			    "'*x*'` and alias searches read the whole domain): %s",
			    missing, hint);
	}
	return VM_OK;
}

enum vm_status schema_check(struct vm *vm, FILE *out, int *problems, struct vm_error *err)
{
	struct db_result *tabs = NULL;
	struct report rep = {0};
	enum vm_status st;

	if (problems)
		*problems = 0;
	if ((st = introspect(vm, DB_INTROSPECT_TABLES, NULL, &tabs, err)) != VM_OK)
		return st;
	st = check_into(vm, tabs, &rep, err);
	db_result_free(&tabs);
	if (st == VM_OK) {
		report_print(&rep, out);
		if (problems)
			*problems = rep.problems;
	}
	report_free(&rep);
	return st;
}

/* --- init ---------------------------------------------------------------- */

static const char *script_name(enum db_engine eng)
{
	switch (eng) {
	case DB_ENGINE_PGSQL:
		return "pgsql-create.sql";
	case DB_ENGINE_MYSQL:
		return "mysql-create.sql";
	case DB_ENGINE_SQLITE:
		return "sqlite-create.sql";
	}
	return NULL;
}

/* MySQL: DDL committed as it went; take back what a failed create made
 * (no table existed before). Best effort. */
static void mysql_undo_create(struct vm *vm)
{
	size_t t;

	owntables_drop_all(vm);
	for (t = NTABLES; t-- > 0;) {
		char *sql = xasprintf("DROP TABLE IF EXISTS %s", tables[t].name);

		(void)vm->db->ops->exec_script(vm->db->conn, sql, NULL);
		free(sql);
	}
}

/* Appends ", name" (or "name") to buf. */
static void list_add(char *buf, size_t len, const char *name)
{
	size_t l = strlen(buf);

	snprintf(buf + l, len - l, "%s%s", l ? ", " : "", name);
}

static enum vm_status create(struct vm *vm, FILE *out, struct vm_error *err)
{
	enum db_engine eng = engine_of(vm);
	const char *fname = script_name(eng);
	const char *script = fname ? sql_file_text(fname) : NULL;
	struct db_error dberr = {0};
	struct db_result *tabs = NULL;
	enum vm_status st;
	int outer = vm->tx_depth > 0, ntables = 0;
	size_t t;

	if (!script)
		return vm_fail(err, VM_ERR_DB, "the schema file %s is not built in", fname ? fname : "(unknown engine)");
	if (eng == DB_ENGINE_MYSQL && vm->dry_run)
		return vm_fail(err, VM_ERR_REFUSED,
			       "db init: a dry run cannot be rolled back on MySQL/MariaDB (its DDL commits at "
			       "once); nothing was changed");
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if (vm->db->ops->exec_script(vm->db->conn, script, &dberr) != DB_OK) {
		(void)vm_tx_end(vm, 0, NULL);
		if (eng == DB_ENGINE_MYSQL)
			mysql_undo_create(vm);
		return vm_db_fail(err, &dberr, "creating the vmailadm schema");
	}
	/* live quota usage and vmailadm's own tables: the same additions `db
	 * upgrade` makes */
	if ((st = quota_schema_upgrade(vm, NULL, err)) != VM_OK ||
	    (st = owntables_add_missing(vm, NULL, err)) != VM_OK || (st = search_upgrade(vm, NULL, err)) != VM_OK) {
		(void)vm_tx_end(vm, 0, NULL);
		if (eng == DB_ENGINE_MYSQL)
			mysql_undo_create(vm);
		return st;
	}
	/* MySQL ended the transaction at the first CREATE: open another, so
	 * that the rest of an enclosing batch stays one transaction */
	if (eng == DB_ENGINE_MYSQL && outer && vm->db->ops->begin(vm->db->conn, &dberr) != DB_OK) {
		(void)vm_tx_end(vm, 0, NULL);
		return vm_db_fail(err, &dberr, "starting a transaction after creating the schema");
	}
	if ((st = introspect(vm, DB_INTROSPECT_TABLES, NULL, &tabs, err)) != VM_OK) {
		(void)vm_tx_end(vm, 0, NULL);
		if (eng == DB_ENGINE_MYSQL)
			mysql_undo_create(vm);
		return st;
	}
	for (t = 0; t < NTABLES; t++)
		ntables += find_row(tabs, tables[t].name) >= 0;
	db_result_free(&tabs);
	if ((st = vm_tx_end(vm, 1, err)) != VM_OK) {
		if (eng == DB_ENGINE_MYSQL)
			mysql_undo_create(vm);
		return st;
	}
	fprintf(out, "created the vmailadm schema (%d tables)%s\n", ntables,
		vm->dry_run && !outer ? " (dry run: rolled back)" : "");
	return VM_OK;
}

enum vm_status schema_init_ex(struct vm *vm, FILE *out, int *problems, struct vm_error *err)
{
	struct db_result *tabs = NULL;
	char present[1024] = "", missing[1024] = "";
	size_t t;
	int npresent = 0, nmissing = 0, own_present = 0;
	enum vm_status st;

	if (problems)
		*problems = 0;
	if (vm->read_only)
		return vm_fail(err, VM_ERR_READ_ONLY, "this session is read-only: db init changes the database");
	if ((st = introspect(vm, DB_INTROSPECT_TABLES, NULL, &tabs, err)) != VM_OK)
		return st;
	for (t = 0; t < NTABLES; t++) {
		int here = find_row(tabs, tables[t].name) >= 0;

		if (tables[t].own) {
			own_present |= here;
			continue;
		}
		if (here) {
			npresent++;
			list_add(present, sizeof present, tables[t].name);
		} else {
			nmissing++;
			list_add(missing, sizeof missing, tables[t].name);
		}
	}
	if (npresent == 0 && !own_present) {
		db_result_free(&tabs);
		return create(vm, out, err);
	}
	if (nmissing == 0) {
		struct report rep = {0};

		/* an existing database (made by Modoboa, or by an older vmailadm)
		 * gets the audit log added */
		if (find_row(tabs, "vmailadm_audit") < 0) {
			db_result_free(&tabs);
			if ((st = audit_create_table(vm, out, err)) != VM_OK)
				return st;
			if ((st = introspect(vm, DB_INTROSPECT_TABLES, NULL, &tabs, err)) != VM_OK)
				return st;
		}
		st = check_into(vm, tabs, &rep, err);
		db_result_free(&tabs);
		if (st == VM_OK) {
			fputs("schema already present\n", out);
			report_print(&rep, out);
			if (problems)
				*problems = rep.problems;
		}
		report_free(&rep);
		return st;
	}
	db_result_free(&tabs);
	if (own_present)
		list_add(present, sizeof present, "vmailadm_meta");
	return vm_fail(err, VM_ERR_REFUSED,
		       "db init: the database has some of the tables but not all (present: %s; missing: %s); "
		       "refusing to create the rest, nothing was changed",
		       present, missing);
}

enum vm_status schema_init(struct vm *vm, FILE *out, struct vm_error *err)
{
	return schema_init_ex(vm, out, NULL, err);
}
