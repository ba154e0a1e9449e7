/* SPDX-License-Identifier: MIT */
/* quota.c: live quota usage, the rollup, the recount, and vmailadm's schema
 * addition for them (see quota.h). */
#include "core/quota.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/domain.h"
#include "core/owntables.h"
#include "core/sieve.h"
#include "core/mailbox.h"
#include "core/search.h"
#include "core/usage.h"
#include "lib/xalloc.h"
#include "sql/schema.h"

/* The domains granted to the domain administrator bound as the parameter. */
#define QUOTA_GRANTED                                                                                                  \
	"(SELECT oa.object_id FROM admin_objectaccess oa JOIN django_content_type ct ON ct.id = oa.content_type_id "   \
	"WHERE ct.app_label = 'admin' AND ct.model = 'domain' AND oa.user_id = ?)"

/* Beyond this many times the limit a figure is taken for a wrong count. */
#define QUOTA_FAR_OVER_FACTOR 4

static int alert_seen;

int quota_alert_seen(void)
{
	return alert_seen;
}

void quota_alert_note(enum quota_level level)
{
	if (level == QUOTA_LEVEL_CRIT)
		alert_seen = 1;
}

static enum db_engine engine_of(const struct vm *vm)
{
	return vm->db->ops->engine;
}

void quota_usage_eval(struct quota_usage *u, const struct conf *cfg)
{
	double limit = (double)u->quota_mb * 1048576.0;

	u->flags = 0;
	u->level = QUOTA_LEVEL_OK;
	u->percent = u->quota_mb > 0 ? (double)u->bytes * 100.0 / limit : -1.0;
	if (u->bytes < 0 || u->messages < 0)
		u->flags |= QUOTA_FLAG_NEGATIVE;
	if (!u->has_row)
		u->flags |= QUOTA_FLAG_NO_ROW;
	if (u->has_row && !u->linked)
		u->flags |= QUOTA_FLAG_UNLINKED;
	if (u->quota_mb > 0 && (double)u->bytes > limit * QUOTA_FAR_OVER_FACTOR)
		u->flags |= QUOTA_FLAG_FAR_OVER;
	/* a message has at least one byte */
	if (u->bytes >= 0 && u->messages > u->bytes)
		u->flags |= QUOTA_FLAG_IMPOSSIBLE;
	if (u->percent >= cfg->monitor_critical)
		u->level = QUOTA_LEVEL_CRIT;
	else if (u->percent >= cfg->monitor_warn)
		u->level = QUOTA_LEVEL_WARN;
}

const char *quota_flags_text(unsigned flags, char *buf, size_t len)
{
	static const struct {
		unsigned flag;
		const char *text;
	} names[] = {
		{QUOTA_FLAG_NEGATIVE, "negative"},       {QUOTA_FLAG_NO_ROW, "no-quota-row"},
		{QUOTA_FLAG_FAR_OVER, "far-over-limit"}, {QUOTA_FLAG_IMPOSSIBLE, "more-messages-than-bytes"},
		{QUOTA_FLAG_UNLINKED, "no-mailbox"},
	};
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((flags & names[i].flag) && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i].text);
	return buf;
}

const char *quota_percent_text(const struct quota_usage *u, char *buf, size_t len)
{
	if (u->quota_mb <= 0)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%.1f", u->percent);
	return buf;
}

void quota_usage_cells(const struct quota_usage *u, struct quota_cells *c)
{
	snprintf(c->used, sizeof c->used, "%lld", u->bytes);
	snprintf(c->messages, sizeof c->messages, "%lld", u->messages);
	if (u->linked)
		fmt_mb(u->quota_mb, 1, c->quota, sizeof c->quota);
	else
		snprintf(c->quota, sizeof c->quota, "-");
	if (u->quota_mb > 0)
		snprintf(c->percent, sizeof c->percent, "%.1f", u->percent);
	else
		snprintf(c->percent, sizeof c->percent, "-");
	quota_flags_text(u->flags, c->flags, sizeof c->flags);
	c->status = u->level == QUOTA_LEVEL_CRIT ? "critical" : u->level == QUOTA_LEVEL_WARN ? "warn" : "ok";
}

enum vm_status quota_get(struct vm *vm, const char *address, struct quota_usage *u, struct vm_error *err)
{
	struct mailbox m;
	enum vm_status st;

	if ((st = mailbox_get(vm, address, &m, err)) != VM_OK)
		return st;
	if ((st = vm_check_domain(vm, m.domain_id, m.domain, err)) != VM_OK)
		return st;
	memset(u, 0, sizeof *u);
	snprintf(u->address, sizeof u->address, "%s", m.address);
	u->bytes = m.bytes;
	u->messages = m.messages;
	u->quota_mb = m.quota_mb;
	u->has_row = m.has_usage;
	u->linked = 1;
	quota_usage_eval(u, vm->cfg);
	return VM_OK;
}

/* Rows of (username, bytes, messages, quota_mb) into usage structs. */
static struct quota_usage *usage_rows(struct vm *vm, const struct db_result *res, size_t max, size_t *n)
{
	struct quota_usage *rows = xcalloc(res->nrows ? res->nrows : 1, sizeof *rows);

	*n = res->nrows < max ? res->nrows : max;
	for (size_t r = 0; r < *n; r++) {
		struct quota_usage *u = &rows[r];

		snprintf(u->address, sizeof u->address, "%s", db_value(res, r, 0) ? db_value(res, r, 0) : "");
		u->bytes = vm_ll(db_value(res, r, 1));
		u->messages = vm_ll(db_value(res, r, 2));
		u->linked = db_value(res, r, 3) != NULL;
		u->quota_mb = (int)vm_ll(db_value(res, r, 3));
		u->has_row = 1;
		quota_usage_eval(u, vm->cfg);
	}
	return rows;
}

/* The usage ratio exactly as the engine's index has it (sql/<engine>-quota.sql). */
static const char *ratio_order(enum db_engine eng)
{
	switch (eng) {
	case DB_ENGINE_PGSQL:
		return "(q.bytes::float8 / NULLIF(q.quota_mb, 0)) DESC NULLS LAST";
	case DB_ENGINE_MYSQL:
		return "q.usage_ratio DESC";
	case DB_ENGINE_SQLITE:
		break;
	}
	return "(CAST(q.bytes AS REAL) / NULLIF(q.quota_mb, 0)) DESC";
}

enum vm_status quota_top(struct vm *vm, long long domain_id, int limit, struct quota_usage **rows, size_t *n,
			 struct vm_error *err)
{
	struct db_result *res = NULL;
	char sql[512], dom[32];
	const char *p[1] = {dom};
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if (limit <= 0 || limit > 10000)
		limit = 50;
	/* a domain administrator sees only the domains granted to them (the
	 * monitor of a --user session included) */
	if (domain_id && (st = vm_check_domain(vm, domain_id, "(by id)", err)) != VM_OK)
		return st;
	snprintf(dom, sizeof dom, "%lld", domain_id ? domain_id : vm->actor.user_id);
	snprintf(sql, sizeof sql,
		 "SELECT q.username, q.bytes, q.messages, q.quota_mb FROM admin_quota q %s ORDER BY %s LIMIT %d",
		 domain_id              ? "WHERE q.domain_id = ?"
		 : !vm->actor.superuser ? "WHERE q.domain_id IN " QUOTA_GRANTED
					: "",
		 ratio_order(engine_of(vm)), limit);
	if ((st = vm_sql(vm, sql, domain_id || !vm->actor.superuser ? 1 : 0, p, &res, err,
			 "reading the fullest mailboxes")) != VM_OK)
		return st;
	*rows = usage_rows(vm, res, res->nrows, n);
	db_result_free(&res);
	return VM_OK;
}

enum vm_status quota_domains(struct vm *vm, int limit, struct quota_domain **rows, size_t *n, char *refreshed,
			     size_t rlen, struct vm_error *err)
{
	struct db_result *res = NULL;
	char sql[768], uid[32];
	const char *p[1] = {uid};
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if (refreshed && rlen)
		refreshed[0] = '\0';
	if (limit <= 0 || limit > 10000)
		limit = 50;
	snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
	snprintf(sql, sizeof sql,
		 "SELECT r.domain_id, d.name, r.mailboxes, r.unlimited, r.bytes, r.messages, r.allocated_mb, "
		 "r.anomalies, r.refreshed FROM vmailadm_domain_usage r JOIN admin_domain d ON d.id = r.domain_id "
		 "%s ORDER BY r.bytes DESC, d.name LIMIT %d",
		 vm->actor.superuser ? "" : "WHERE r.domain_id IN " QUOTA_GRANTED, limit);
	if ((st = vm_sql(vm, sql, vm->actor.superuser ? 0 : 1, p, &res, err, "reading the per-domain totals")) != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	*n = res->nrows;
	for (size_t r = 0; r < res->nrows; r++) {
		struct quota_domain *d = &(*rows)[r];

		d->domain_id = vm_ll(db_value(res, r, 0));
		snprintf(d->name, sizeof d->name, "%s", db_value(res, r, 1) ? db_value(res, r, 1) : "");
		d->mailboxes = vm_ll(db_value(res, r, 2));
		d->unlimited = vm_ll(db_value(res, r, 3));
		d->bytes = vm_ll(db_value(res, r, 4));
		d->messages = vm_ll(db_value(res, r, 5));
		d->allocated_mb = vm_ll(db_value(res, r, 6));
		d->anomalies = vm_ll(db_value(res, r, 7));
		if (refreshed && r == 0 && db_value(res, r, 8))
			snprintf(refreshed, rlen, "%.19s", db_value(res, r, 8));
	}
	db_result_free(&res);
	return VM_OK;
}

enum vm_status quota_rollup(struct vm *vm, long long *domains, struct vm_error *err)
{
	struct db_result *res = NULL;
	const char *now = vm_now();
	enum vm_status st;
	char sql[640];

	/* MariaDB and SQLite read the whole table through the
	 * admin_quota_domain_usage range, a random row read per mailbox (5.3 s
	 * and 1.3 s at 1M); a scan of the table in its own order takes 0.6 s
	 * and 0.2 s (PostgreSQL scans it already) */
	snprintf(sql, sizeof sql,
		 "INSERT INTO vmailadm_domain_usage (domain_id, mailboxes, unlimited, bytes, messages, "
		 "allocated_mb, anomalies, refreshed) "
		 "SELECT domain_id, COUNT(*), SUM(CASE WHEN quota_mb = 0 THEN 1 ELSE 0 END), "
		 "COALESCE(SUM(bytes), 0), COALESCE(SUM(messages), 0), COALESCE(SUM(quota_mb), 0), "
		 "SUM(CASE WHEN bytes < 0 OR messages < 0 OR messages > bytes THEN 1 ELSE 0 END), ? "
		 "FROM admin_quota %s WHERE domain_id IS NOT NULL GROUP BY domain_id",
		 engine_of(vm) == DB_ENGINE_MYSQL    ? "FORCE INDEX (PRIMARY)"
		 : engine_of(vm) == DB_ENGINE_SQLITE ? "NOT INDEXED"
						     : "");
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	/* PostgreSQL's DELETE would lock the rows in the heap's order, not in
	 * the domain order committing transactions update them in
	 * (usage_flush): take the table at once (MariaDB deletes in
	 * primary key order, SQLite locks the whole database) */
	if (engine_of(vm) == DB_ENGINE_PGSQL)
		st = vm_sql(vm, "LOCK TABLE vmailadm_domain_usage IN EXCLUSIVE MODE", 0, NULL, NULL, err,
			    "locking the rollup");
	if (st == VM_OK &&
	    (st = vm_sql(vm, "DELETE FROM vmailadm_domain_usage", 0, NULL, NULL, err, "clearing the rollup")) == VM_OK)
		st = vm_sql(vm, sql, 1, &now, NULL, err, "refreshing the rollup");
	/* alias counts for domain_list's big domains (an index-only count each) */
	if (st == VM_OK)
		st = vm_sql(vm,
			    "UPDATE vmailadm_domain_usage SET aliases = (SELECT COUNT(*) FROM admin_alias al "
			    "WHERE al.domain_id = vmailadm_domain_usage.domain_id)",
			    0, NULL, NULL, err, "counting aliases for the rollup");
	/* the refresh counted what this transaction added before it */
	if (st == VM_OK)
		usage_forget(vm);
	if (st == VM_OK && domains &&
	    (st = vm_sql(vm, "SELECT COUNT(*) FROM vmailadm_domain_usage", 0, NULL, &res, err, "counting the rollup")) ==
		    VM_OK) {
		*domains = res->nrows ? vm_ll(db_value(res, 0, 0)) : 0;
		db_result_free(&res);
	}
	return vm_tx_finish(vm, st, err);
}

enum vm_status quota_pending_ops(struct vm *vm, long long *n, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	*n = 0;
	if ((st = vm_sql(vm, "SELECT COUNT(*) FROM admin_mailboxoperation", 0, NULL, &res, err,
			 "counting pending operations")) != VM_OK)
		return st;
	*n = res->nrows ? vm_ll(db_value(res, 0, 0)) : 0;
	db_result_free(&res);
	return VM_OK;
}

/* The mark for "now": PostgreSQL the oldest transaction still running (any
 * row changed later, or by it, has a transaction id at least that);
 * MariaDB the server's clock less an overlap for transactions that commit
 * late; SQLite the counter. */
static const char *mark_sql(enum db_engine eng)
{
	switch (eng) {
	case DB_ENGINE_PGSQL:
		return "SELECT pg_snapshot_xmin(pg_current_snapshot())";
	case DB_ENGINE_MYSQL:
		return "SELECT NOW(6) - INTERVAL 3 SECOND";
	case DB_ENGINE_SQLITE:
		break;
	}
	return "SELECT COALESCE(MAX(changed), 0) FROM admin_quota";
}

enum vm_status quota_changes(struct vm *vm, struct quota_mark *mark, int limit, struct quota_usage **rows, size_t *n,
			     int *more, struct vm_error *err)
{
	enum db_engine eng = engine_of(vm);
	struct db_result *res = NULL;
	struct quota_mark next = {{0}};
	char uid[32];
	const char *p[2] = {mark->v, uid};
	char sql[1024];
	const char *cond;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	*more = 0;
	if (limit <= 0 || limit > 10000)
		limit = 50;
	/* the next mark is taken before reading, so nothing falls between */
	if ((st = vm_sql(vm, mark_sql(eng), 0, NULL, &res, err, "reading the change marker")) != VM_OK)
		return st;
	if (res->nrows && db_value(res, 0, 0))
		snprintf(next.v, sizeof next.v, "%s", db_value(res, 0, 0));
	db_result_free(&res);
	if (!mark->v[0]) {
		*mark = next;
		return VM_OK;
	}
	cond = eng == DB_ENGINE_PGSQL   ? "q.changed_xid >= CAST(? AS xid8) ORDER BY q.changed_xid DESC"
	       : eng == DB_ENGINE_MYSQL ? "q.changed >= ? ORDER BY q.changed DESC"
					: "q.changed > CAST(? AS INTEGER) ORDER BY q.changed DESC";
	snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
	snprintf(sql, sizeof sql,
		 "SELECT q.username, q.bytes, q.messages, q.quota_mb FROM admin_quota q WHERE %s%s LIMIT %d",
		 vm->actor.superuser ? "" : "q.domain_id IN " QUOTA_GRANTED " AND ", cond, limit + 1);
	if ((st = vm_sql(vm, sql, vm->actor.superuser ? 1 : 2, vm->actor.superuser ? p : (const char *const[]){uid, mark->v},
			 &res, err, "reading the changed quota rows")) != VM_OK)
		return st;
	*more = res->nrows > (size_t)limit;
	*rows = usage_rows(vm, res, (size_t)limit, n);
	db_result_free(&res);
	if (next.v[0])
		*mark = next;
	return VM_OK;
}

/* ---- schema ---- */

int quota_own_trigger(const char *name)
{
	return name && strncmp(name, "vmailadm_", 9) == 0;
}

static int has_row(const struct db_result *res, const char *name)
{
	for (size_t r = 0; r < res->nrows; r++)
		if (db_value(res, r, 0) && strcmp(db_value(res, r, 0), name) == 0)
			return 1;
	return 0;
}

static void list_add(char *buf, size_t len, const char *what)
{
	size_t l = strlen(buf);

	if (l < len)
		snprintf(buf + l, len - l, "%s%s", l ? ", " : "", what);
}

static enum vm_status introspect(struct vm *vm, enum db_introspect what, const char *table, struct db_result **res,
				 struct vm_error *err)
{
	struct db_error dberr = {0};

	if (vm->db->ops->introspect(vm->db->conn, what, table, res, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "reading the catalog");
	return VM_OK;
}

enum vm_status quota_schema_missing(struct vm *vm, char *buf, size_t len, struct vm_error *err)
{
	enum db_engine eng = engine_of(vm);
	struct db_result *res = NULL;
	enum vm_status st;
	const char *cols[4] = {"quota_mb", "domain_id", eng == DB_ENGINE_PGSQL ? "changed_xid" : "changed",
			       eng == DB_ENGINE_MYSQL ? "usage_ratio" : NULL};
	static const char *const idx[] = {"admin_quota_usage", "admin_quota_domain_usage", "admin_quota_changed"};
	char what[128];
	int have_usage, have_quota;

	buf[0] = '\0';
	if ((st = introspect(vm, DB_INTROSPECT_TABLES, NULL, &res, err)) != VM_OK)
		return st;
	have_usage = has_row(res, "vmailadm_domain_usage");
	have_quota = has_row(res, "admin_quota");
	db_result_free(&res);
	if (!have_usage)
		list_add(buf, len, "table vmailadm_domain_usage");
	else {
		/* the rollup's columns added after its first version */
		if ((st = introspect(vm, DB_INTROSPECT_COLUMNS, "vmailadm_domain_usage", &res, err)) != VM_OK)
			return st;
		if (!has_row(res, "aliases"))
			list_add(buf, len, "column vmailadm_domain_usage.aliases");
		db_result_free(&res);
	}
	if (!have_quota)
		return VM_OK;
	if ((st = introspect(vm, DB_INTROSPECT_COLUMNS, "admin_quota", &res, err)) != VM_OK)
		return st;
	for (size_t i = 0; i < 4; i++)
		if (cols[i] && !has_row(res, cols[i])) {
			snprintf(what, sizeof what, "column admin_quota.%s", cols[i]);
			list_add(buf, len, what);
		}
	db_result_free(&res);
	if ((st = introspect(vm, DB_INTROSPECT_INDEXES, "admin_quota", &res, err)) != VM_OK)
		return st;
	for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
		if (!has_row(res, idx[i])) {
			snprintf(what, sizeof what, "index %s", idx[i]);
			list_add(buf, len, what);
		}
	db_result_free(&res);
	if ((st = introspect(vm, DB_INTROSPECT_TRIGGERS, "admin_quota", &res, err)) != VM_OK)
		return st;
	if (!has_row(res, "vmailadm_quota_fill"))
		list_add(buf, len, "trigger vmailadm_quota_fill");
	db_result_free(&res);
	return VM_OK;
}

static enum vm_status run_script(struct vm *vm, const char *name, struct vm_error *err)
{
	const char *text = sql_file_text(name);
	struct db_error dberr = {0};
	char what[128];

	if (!text)
		return vm_fail(err, VM_ERR_DB, "the schema file %s is not built in", name);
	if (vm->db->ops->exec_script(vm->db->conn, text, &dberr) != DB_OK) {
		snprintf(what, sizeof what, "running %s", name);
		return vm_db_fail(err, &dberr, what);
	}
	return VM_OK;
}

enum vm_status quota_schema_upgrade(struct vm *vm, FILE *out, struct vm_error *err)
{
	enum db_engine eng = engine_of(vm);
	char missing[1024];
	long long domains = 0;
	int outer = vm->tx_depth > 0;
	enum vm_status st;
	struct db_error dberr = {0};

	if (vm->read_only)
		return vm_fail(err, VM_ERR_READ_ONLY, "this session is read-only: db upgrade changes the database");
	if (eng == DB_ENGINE_MYSQL && vm->dry_run)
		return vm_fail(err, VM_ERR_REFUSED,
			       "db upgrade: a dry run cannot be rolled back on MySQL/MariaDB (its DDL commits at once); "
			       "nothing was changed");
	if ((st = quota_schema_missing(vm, missing, sizeof missing, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if (eng == DB_ENGINE_SQLITE && strstr(missing, "column admin_quota.quota_mb"))
		st = run_script(vm, "sqlite-quota-columns.sql", err);
	/* SQLite has no ADD COLUMN IF NOT EXISTS (the other engines' scripts
	 * add it themselves) */
	if (st == VM_OK && eng == DB_ENGINE_SQLITE && strstr(missing, "column vmailadm_domain_usage.aliases"))
		st = vm_sql(vm, "ALTER TABLE vmailadm_domain_usage ADD COLUMN aliases integer NOT NULL DEFAULT 0", 0,
			    NULL, NULL, err, "adding vmailadm_domain_usage.aliases");
	if (st == VM_OK)
		st = run_script(vm,
				eng == DB_ENGINE_PGSQL   ? "pgsql-quota.sql"
				: eng == DB_ENGINE_MYSQL ? "mysql-quota.sql"
							 : "sqlite-quota.sql",
				err);
	/* MySQL ended the transaction at the first ALTER: open another, so that
	 * the rest of an enclosing batch stays one transaction */
	if (st == VM_OK && eng == DB_ENGINE_MYSQL && outer && vm->db->ops->begin(vm->db->conn, &dberr) != DB_OK)
		st = vm_db_fail(err, &dberr, "starting a transaction after the upgrade");
	if (st == VM_OK)
		st = quota_rollup(vm, &domains, err);
	if ((st = vm_tx_finish(vm, st, err)) != VM_OK)
		return st;
	usage_recheck(vm); /* domain_list looks for the rollup again */
	if (out) {
		if (missing[0])
			fprintf(out, "db upgrade: added %s\n", missing);
		else
			fprintf(out, "db upgrade: nothing was missing\n");
		fprintf(out, "db upgrade: per-domain usage of %lld domain(s) refreshed\n", domains);
	}
	return VM_OK;
}

/* ---- recount ---- */

enum vm_status quota_recalc(struct vm *vm, const char *address, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1], full[VM_ADDRESS_MAX + 1];
	const char *cmd = vm->cfg && vm->cfg->quota_recalc ? vm->cfg->quota_recalc : "doveadm quota recalc";
	char *copy, *save = NULL;
	char **argv = NULL;
	size_t argc = 0;
	enum vm_status st = VM_OK;
	pid_t pid;
	int status = 0;

	if (vm->read_only)
		return vm_fail(err, VM_ERR_READ_ONLY,
			       "this session is read-only: quota recalc makes Dovecot rewrite admin_quota");
	if (address) {
		struct mailbox m;

		if ((st = valid_address(address, 0, local, domain, err)) != VM_OK)
			return st;
		snprintf(full, sizeof full, "%s@%s", local, domain);
		/* only mailboxes this actor may see, and that exist */
		if ((st = mailbox_get(vm, full, &m, err)) != VM_OK)
			return st;
		if ((st = vm_check_domain(vm, m.domain_id, m.domain, err)) != VM_OK)
			return st;
	} else if (!vm->actor.superuser) {
		return vm_fail(err, VM_ERR_DENIED, "quota recalc all: only a superadministrator may recount every mailbox");
	}
	/* split on blanks: the configured command runs without a shell */
	copy = xstrdup(cmd);
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		argv = xreallocarray(argv, argc + 4, sizeof *argv);
		argv[argc++] = t;
	}
	if (argc == 0) {
		free(copy);
		free(argv);
		return vm_fail(err, VM_ERR_INVALID, "[dovecot] recalc: the command is empty");
	}
	if (address) {
		argv[argc++] = xstrdup("-u");
		argv[argc++] = full;
	} else {
		argv[argc++] = xstrdup("-A");
	}
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* its chatter goes to stderr: stdout carries our figures */
		(void)dup2(2, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "vmailadm: quota recalc: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		st = vm_fail(err, VM_ERR_REFUSED, "quota recalc: cannot start %s: %s", argv[0], strerror(errno));
	else if (waitpid(pid, &status, 0) < 0)
		st = vm_fail(err, VM_ERR_REFUSED, "quota recalc: waiting for %s: %s", argv[0], strerror(errno));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		st = vm_fail(err, VM_ERR_REFUSED, "quota recalc: %s failed (%s %d); admin_quota is as it was", argv[0],
			     WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	free(argv[address ? argc - 2 : argc - 1]);
	free(argv);
	free(copy);
	return st;
}
