/* SPDX-License-Identifier: MIT */
/* test_schema.c: `db init` and `db check` (core/schema.c) on SQLite (a temp
 * file, always) and on PostgreSQL / MariaDB when VMAILADM_TEST_PG_URL /
 * VMAILADM_TEST_MYSQL_URL name empty databases (the tables this test makes
 * are dropped again at the start and at the end). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core/conf.h"
#include "core/owntables.h"
#include "core/schema.h"
#include "core/vm.h"
#include "lib/xalloc.h"
#include "sql/schema.h"
#include "tests/unit/unit.h"

#define MERGE_LINE_PG                                                                                                  \
	"admin_quota has the merge_quota trigger (trigger mergequota): with Dovecot 2.3 it stores "                    \
	"negative message counts. Remove it: DROP TRIGGER mergequota ON admin_quota; then run "                        \
	"doveadm quota recalc -A\n"
#define MERGE_LINE_OTHER                                                                                               \
	"admin_quota has the merge_quota trigger (trigger mergequota): with Dovecot 2.3 it stores "                    \
	"negative message counts. Remove it: DROP TRIGGER mergequota; then run doveadm quota "                         \
	"recalc -A\n"
#define BYTES_LINE                                                                                                     \
	"admin_quota.bytes: no DEFAULT 0 (Dovecot's quota dict inserts rows without it): ALTER "                       \
	"TABLE admin_quota ALTER COLUMN bytes SET DEFAULT 0\n"

/* The trigger of Modoboa's Dovecot guide ("Quota: PostgreSQL"), verbatim. */
static const char pg_guide_trigger[] =
	"CREATE OR REPLACE FUNCTION merge_quota() RETURNS TRIGGER AS $$\n"
	"BEGIN\n"
	"  IF NEW.messages < 0 OR NEW.messages IS NULL THEN\n"
	"    -- ugly kludge: we came here from this function, really do try to insert\n"
	"    IF NEW.messages IS NULL THEN\n"
	"      NEW.messages = 0;\n"
	"    ELSE\n"
	"      NEW.messages = -NEW.messages;\n"
	"    END IF;\n"
	"    return NEW;\n"
	"  END IF;\n"
	"\n"
	"  LOOP\n"
	"    UPDATE admin_quota SET bytes = bytes + NEW.bytes,\n"
	"      messages = messages + NEW.messages\n"
	"      WHERE username = NEW.username;\n"
	"    IF found THEN\n"
	"      RETURN NULL;\n"
	"    END IF;\n"
	"\n"
	"    BEGIN\n"
	"      IF NEW.messages = 0 THEN\n"
	"        RETURN NEW;\n"
	"      ELSE\n"
	"        NEW.messages = - NEW.messages;\n"
	"        return NEW;\n"
	"      END IF;\n"
	"    EXCEPTION WHEN unique_violation THEN\n"
	"      -- someone just inserted the record, update it\n"
	"    END;\n"
	"  END LOOP;\n"
	"END;\n"
	"$$ LANGUAGE plpgsql;\n"
	"\n"
	"CREATE OR REPLACE FUNCTION set_mboxid() RETURNS TRIGGER AS $$\n"
	"DECLARE\n"
	"  mboxid INTEGER;\n"
	"BEGIN\n"
	"  SELECT admin_mailbox.id INTO STRICT mboxid FROM admin_mailbox INNER JOIN admin_user ON "
	"admin_mailbox.user_id=admin_user.id WHERE admin_user.username=NEW.username;\n"
	"  UPDATE admin_quota SET mbox_id = mboxid\n"
	"    WHERE username = NEW.username;\n"
	"  RETURN NULL;\n"
	"END;\n"
	"$$ LANGUAGE plpgsql;\n"
	"\n"
	"DROP TRIGGER IF EXISTS mergequota ON admin_quota;\n"
	"CREATE TRIGGER mergequota BEFORE INSERT ON admin_quota\n"
	"   FOR EACH ROW EXECUTE PROCEDURE merge_quota();\n"
	"\n"
	"DROP TRIGGER IF EXISTS setmboxid ON admin_quota;\n"
	"CREATE TRIGGER setmboxid AFTER INSERT ON admin_quota\n"
	"   FOR EACH ROW EXECUTE PROCEDURE set_mboxid();\n";

static const char *const all_tables[] = {
	"vmailadm_domain_usage",  "vmailadm_audit",    "vmailadm_meta",
	"admin_mailboxoperation", "admin_quota",       "admin_alias_aliases",
	"admin_alias_mboxes",     "admin_alias",       "admin_mailbox",
	"admin_domainalias",      "admin_domain",      "admin_objectaccess",
	"admin_objectdates",      "admin_user_groups", "admin_user",
	"django_content_type",    "auth_group",
};
#define NALL (sizeof all_tables / sizeof all_tables[0])

struct engine {
	const char *name;
	const char *url;
	enum db_engine eng;
};

static struct conf cfg;

static int open_vm(struct vm *vm, const struct engine *e, int read_only)
{
	struct vm_error err = {0};

	if (vm_open(vm, &cfg, e->url, read_only, &err) != VM_OK) {
		unit_fail(__FILE__, __LINE__, "%s: cannot open %s: %s", e->name, e->url, err.msg);
		return -1;
	}
	return 0;
}

/* Runs SQL without parameters; a failure fails the test. */
static void sql(struct vm *vm, const char *text)
{
	struct db_error err = {0};
	enum db_status st = vm->db->ops->exec_script(vm->db->conn, text, &err);

	CHECK_MSG(st == DB_OK, "SQL failed: %s: %s", text, err.message);
}

static void drop_all(struct vm *vm, enum db_engine eng)
{
	size_t i;

	if (eng == DB_ENGINE_MYSQL)
		sql(vm, "SET FOREIGN_KEY_CHECKS = 0");
	for (i = 0; i < NALL; i++) {
		char *s = xasprintf("DROP TABLE IF EXISTS %s%s", all_tables[i], eng == DB_ENGINE_PGSQL ? " CASCADE" : "");

		sql(vm, s);
		free(s);
	}
	{
		size_t n;
		const struct own_table *own = owntables_list(&n);

		for (i = 0; i < n; i++) {
			char *s = xasprintf("DROP TABLE IF EXISTS %s", own[i].table);

			sql(vm, s);
			free(s);
		}
	}
	/* the substring search index's tables (core/search.h) */
	if (eng == DB_ENGINE_MYSQL)
		sql(vm, "DROP TABLE IF EXISTS vmailadm_mailbox_trgm; DROP TABLE IF EXISTS vmailadm_alias_trgm");
	if (eng == DB_ENGINE_SQLITE)
		sql(vm, "DROP TABLE IF EXISTS vmailadm_mailbox_fts; DROP TABLE IF EXISTS vmailadm_alias_fts");
	if (eng == DB_ENGINE_MYSQL)
		sql(vm, "SET FOREIGN_KEY_CHECKS = 1");
	if (eng == DB_ENGINE_PGSQL)
		sql(vm, "DROP FUNCTION IF EXISTS merge_quota() CASCADE; DROP FUNCTION IF EXISTS set_mboxid() CASCADE");
}

/* How many tables core/owntables.c adds beyond the create script and the rollup. */
static long nown(void)
{
	size_t n;

	(void)owntables_list(&n);
	return (long)n;
}

/* How many tables the substring search index adds (core/search.h): MariaDB
 * its two trigram tables, SQLite two FTS5 tables of 5 tables each (the
 * virtual one, _data, _idx, _docsize, _config), PostgreSQL indexes only. */
static long nsearch(const struct vm *vm)
{
	return vm->db->ops->engine == DB_ENGINE_MYSQL ? 2 : vm->db->ops->engine == DB_ENGINE_SQLITE ? 10 : 0;
}

/* db check's line for a SQLite database without the live-quota addition. */
static const char sqlite_usage_warning[] =
	"warning: missing what live quota usage needs (table vmailadm_domain_usage, column admin_quota.quota_mb, "
	"column admin_quota.domain_id, column admin_quota.changed, index admin_quota_usage, "
	"index admin_quota_domain_usage, index admin_quota_changed, trigger vmailadm_quota_fill; the "
	"monitor would be slow or fail): run vmailadm db upgrade\n";

/* db check's line for a database without the search index (SQLite). */
static const char sqlite_search_warning[] =
	"warning: missing the substring search index (table vmailadm_mailbox_fts, table vmailadm_alias_fts, trigger "
	"vmailadm_mailbox_fts_ins, trigger vmailadm_mailbox_fts_del, trigger vmailadm_mailbox_fts_upd, trigger "
	"vmailadm_alias_fts_ins, trigger vmailadm_alias_fts_del, trigger vmailadm_alias_fts_upd; optional: without it "
	"`/ *text*`, `mailbox list '*x*'` and alias searches read the whole domain): run `vmailadm db upgrade`\n";

/* db check's warning line for each of vmailadm's own tables, all missing.
 * Caller frees. */
static char *own_warnings(void)
{
	size_t i, n;
	const struct own_table *own = owntables_list(&n);
	char *all = xstrdup("");

	for (i = 0; i < n; i++) {
		char *next = xasprintf("%swarning: missing table %s (%s; a database Modoboa made has none): run "
				       "vmailadm db upgrade\n",
				       all, own[i].table, own[i].purpose);

		free(all);
		all = next;
	}
	return all;
}

/* Number of tables in the database. */
static long ntables(struct vm *vm)
{
	struct db_result *res = NULL;
	struct db_error err = {0};
	long n;

	if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_TABLES, NULL, &res, &err) != DB_OK) {
		unit_fail(__FILE__, __LINE__, "introspect: %s", err.message);
		return -1;
	}
	n = (long)res->nrows;
	db_result_free(&res);
	return n;
}

static long count_rows(struct vm *vm, const char *query)
{
	struct db_result *res = NULL;
	struct vm_error err = {0};
	long n = -1;

	if (vm_sql(vm, query, 0, NULL, &res, &err, "counting") == VM_OK && res->nrows == 1)
		n = atol(db_value(res, 0, 0));
	else
		unit_fail(__FILE__, __LINE__, "%s: %s", query, err.msg);
	db_result_free(&res);
	return n;
}

/* What db check or db init returned besides its report. */
struct report {
	enum vm_status st;
	int problems;
	struct vm_error err;
};

/* The report of db check (or db init with init set), as one string; caller frees. */
static char *run(struct vm *vm, int init, struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	r->problems = -1;
	memset(&r->err, 0, sizeof r->err);
	r->st = init ? schema_init_ex(vm, f, &r->problems, &r->err) : schema_check(vm, f, &r->problems, &r->err);
	fclose(f);
	return buf;
}

static int contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "--- expected to find:\n%s--- in:\n%s---\n", needle, hay);
		return 0;
	}
	return 1;
}

/* Engine-specific SQL for the drift tests. */
struct drift {
	const char *drop_bytes_default;
	const char *narrow_address;
	const char *widen_first_name;
	const char *email_nullable;
	const char *drop_is_local;
	const char *drop_mailbox_indexes;
	const char *mergequota;
};

static const struct drift pg_drift = {
	"ALTER TABLE admin_quota ALTER COLUMN bytes DROP DEFAULT",
	"ALTER TABLE admin_mailbox ALTER COLUMN address TYPE varchar(200)",
	"ALTER TABLE admin_user ALTER COLUMN first_name TYPE varchar(150)",
	"ALTER TABLE admin_user ALTER COLUMN email DROP NOT NULL",
	"ALTER TABLE admin_user DROP COLUMN is_local",
	"DROP INDEX admin_mailbox_domain_address; DROP INDEX admin_mailbox_address_pattern",
	pg_guide_trigger,
};

static const struct drift my_drift = {
	"ALTER TABLE admin_quota ALTER COLUMN bytes DROP DEFAULT",
	"ALTER TABLE admin_mailbox MODIFY address varchar(200) NOT NULL",
	"ALTER TABLE admin_user MODIFY first_name varchar(150) NOT NULL DEFAULT ''",
	"ALTER TABLE admin_user MODIFY email varchar(254) NULL",
	"ALTER TABLE admin_user DROP COLUMN is_local",
	/* the UNIQUE key serves the foreign key on domain_id: add one first */
	"CREATE INDEX t_domain_id ON admin_mailbox (domain_id); DROP INDEX admin_mailbox_domain_address ON admin_mailbox",
	"CREATE TRIGGER mergequota BEFORE INSERT ON admin_quota FOR EACH ROW SET NEW.messages = NEW.messages",
};

/* init on empty, init again, check, read-only, dry run. */
static void test_init(const struct engine *e)
{
	struct vm vm, ro;
	struct report r;
	char *out;

	if (open_vm(&vm, e, 0) != 0)
		return;
	drop_all(&vm, e->eng);
	CHECK_INT(ntables(&vm), 0);

	/* check on an empty database: every table missing */
	out = run(&vm, 0, &r);
	CHECK_INT(r.st, VM_OK);
	CHECK_INT(r.problems, 14);
	CHECK(contains(out, "missing table admin_quota\n"));
	CHECK(contains(out, "warning: missing table vmailadm_meta"));
	CHECK(contains(out, "db check: 14 problem(s)\n"));
	free(out);

	/* read-only: refused, nothing made */
	if (open_vm(&ro, e, 1) == 0) {
		out = run(&ro, 1, &r);
		CHECK_INT(r.st, VM_ERR_READ_ONLY);
		CHECK_STR(out, "");
		free(out);
		vm_close(&ro);
	}
	CHECK_INT(ntables(&vm), 0);

	/* dry run: rolled back (refused on MySQL, whose DDL commits) */
	vm.dry_run = 1;
	out = run(&vm, 1, &r);
	if (e->eng == DB_ENGINE_MYSQL) {
		CHECK_INT(r.st, VM_ERR_REFUSED);
		CHECK(strstr(r.err.msg, "dry run") != NULL);
	} else {
		CHECK_INT(r.st, VM_OK);
		CHECK_STR(out, "created the vmailadm schema (16 tables) (dry run: rolled back)\n");
	}
	free(out);
	vm.dry_run = 0;
	CHECK_INT(ntables(&vm), 0);

	/* init on an empty database */
	out = run(&vm, 1, &r);
	CHECK_MSG(r.st == VM_OK, "init: %s", r.err.msg);
	CHECK_STR(out, "created the vmailadm schema (16 tables)\n");
	CHECK_INT(r.problems, 0);
	free(out);
	CHECK_INT(ntables(&vm), 17 + nown() + nsearch(&vm));
	CHECK_INT(vm.tx_depth, 0);
	CHECK_INT(count_rows(&vm, "SELECT COUNT(*) FROM auth_group"), 2);

	out = run(&vm, 0, &r);
	CHECK_INT(r.st, VM_OK);
	CHECK_STR(out, "db check: OK\n");
	CHECK_INT(r.problems, 0);
	free(out);

	/* again: changes nothing */
	out = run(&vm, 1, &r);
	CHECK_INT(r.st, VM_OK);
	CHECK_STR(out, "schema already present\ndb check: OK\n");
	CHECK_INT(r.problems, 0);
	free(out);
	CHECK_INT(ntables(&vm), 17 + nown() + nsearch(&vm));
	CHECK_INT(count_rows(&vm, "SELECT COUNT(*) FROM auth_group"), 2);
	CHECK_INT(count_rows(&vm, "SELECT COUNT(*) FROM vmailadm_meta"), 1);

	/* check in a read-only session works */
	if (open_vm(&ro, e, 1) == 0) {
		out = run(&ro, 0, &r);
		CHECK_INT(r.st, VM_OK);
		CHECK_STR(out, "db check: OK\n");
		free(out);
		vm_close(&ro);
	}
	vm_close(&vm);
}

/* A database changed after init: each difference on its own line. */
static void test_drift(const struct engine *e, const struct drift *d)
{
	struct vm vm;
	struct report r;
	char *out;

	if (open_vm(&vm, e, 0) != 0)
		return;
	sql(&vm, d->drop_bytes_default);
	out = run(&vm, 0, &r);
	CHECK_INT(r.st, VM_OK);
	CHECK_STR(out, BYTES_LINE "db check: 1 problem(s)\n");
	CHECK_INT(r.problems, 1);
	free(out);
	/* the fix it prints works */
	sql(&vm, "ALTER TABLE admin_quota ALTER COLUMN bytes SET DEFAULT 0");
	out = run(&vm, 0, &r);
	CHECK_STR(out, "db check: OK\n");
	free(out);

	/* warnings only: OK */
	sql(&vm, d->widen_first_name);
	sql(&vm, d->drop_mailbox_indexes);
	out = run(&vm, 0, &r);
	CHECK_INT(r.problems, 0);
	CHECK(contains(out, "warning: admin_user.first_name: type varchar(150), expected varchar(30) (wider: fine)\n"));
	CHECK(contains(out, "warning: missing index on admin_mailbox (domain_id, address) — the console's pages will "
			    "be slow: CREATE INDEX admin_mailbox_domain_address ON admin_mailbox (domain_id, address)\n"));
	CHECK(contains(out, "db check: OK\n"));
	free(out);

	/* problems */
	sql(&vm, d->drop_bytes_default);
	sql(&vm, d->narrow_address);
	sql(&vm, d->email_nullable);
	sql(&vm, d->drop_is_local);
	/* init on it: the same report as check, nothing changed */
	{
		char *check_out = run(&vm, 0, &r), *want;

		CHECK_INT(r.problems, 4);
		want = xasprintf("schema already present\n%s", check_out);
		out = run(&vm, 1, &r);
		CHECK_INT(r.st, VM_OK);
		CHECK_STR(out, want);
		CHECK_INT(r.problems, 4);
		CHECK_INT(ntables(&vm), 17 + nown() + nsearch(&vm));
		free(out);
		free(want);
		free(check_out);
	}

	sql(&vm, e->eng == DB_ENGINE_MYSQL ? "SET FOREIGN_KEY_CHECKS = 0; DROP TABLE admin_alias_aliases; "
					     "SET FOREIGN_KEY_CHECKS = 1"
					   : "DROP TABLE admin_alias_aliases");
	out = run(&vm, 0, &r);
	CHECK_INT(r.st, VM_OK);
	CHECK_INT(r.problems, 5);
	CHECK(contains(out, "\nadmin_user.email: nullable, expected NOT NULL\n"));
	CHECK(contains(out, "\nmissing column admin_user.is_local\n"));
	CHECK(contains(out, "\nadmin_mailbox.address: type varchar(200), expected varchar(252)\n"));
	CHECK(contains(out, "\nmissing table admin_alias_aliases\n"));
	CHECK(contains(out, "\n" BYTES_LINE));
	CHECK(contains(out, "db check: 5 problem(s)\n"));
	free(out);

	/* a table missing: init refuses to complete the schema */
	out = run(&vm, 1, &r);
	CHECK_INT(r.st, VM_ERR_REFUSED);
	CHECK_STR(out, "");
	CHECK(contains(r.err.msg, "missing: admin_alias_aliases)"));
	CHECK_INT(ntables(&vm), 16 + nown() + nsearch(&vm));
	free(out);

	/* the guide's merge_quota trigger */
	sql(&vm, d->mergequota);
	out = run(&vm, 0, &r);
	CHECK_INT(r.problems, 6);
	CHECK(contains(out, e->eng == DB_ENGINE_PGSQL ? "\n" MERGE_LINE_PG : "\n" MERGE_LINE_OTHER));
	if (e->eng == DB_ENGINE_PGSQL)
		CHECK(contains(out, "warning: admin_quota has trigger setmboxid (AFTER INSERT, set_mboxid), which "
				    "vmailadm does not know"));
	free(out);
	/* the fix it prints works */
	sql(&vm, e->eng == DB_ENGINE_PGSQL ? "DROP TRIGGER mergequota ON admin_quota" : "DROP TRIGGER mergequota");
	out = run(&vm, 0, &r);
	CHECK_INT(r.problems, 5);
	CHECK(strstr(out, "merge_quota trigger") == NULL);
	free(out);
	vm_close(&vm);
}

/* Some tables but not all: init refuses and makes nothing. */
static void test_partial(const struct engine *e)
{
	struct vm vm;
	struct report r;
	char *out;

	if (open_vm(&vm, e, 0) != 0)
		return;
	drop_all(&vm, e->eng);
	sql(&vm, "CREATE TABLE admin_domain (id integer NOT NULL PRIMARY KEY, name varchar(100) NOT NULL)");
	sql(&vm, "CREATE TABLE admin_mailbox (id integer NOT NULL PRIMARY KEY)");
	out = run(&vm, 1, &r);
	CHECK_INT(r.st, VM_ERR_REFUSED);
	CHECK_STR(out, "");
	CHECK(contains(r.err.msg, "present: admin_domain, admin_mailbox;"));
	CHECK(contains(r.err.msg, "missing: auth_group, django_content_type, admin_user,"));
	CHECK(contains(r.err.msg, "nothing was changed"));
	CHECK_INT(ntables(&vm), 2);
	free(out);

	/* only vmailadm's own table: refused too */
	drop_all(&vm, e->eng);
	sql(&vm, "CREATE TABLE vmailadm_meta (name varchar(64) NOT NULL PRIMARY KEY, value text NOT NULL)");
	out = run(&vm, 1, &r);
	CHECK_INT(r.st, VM_ERR_REFUSED);
	CHECK(contains(r.err.msg, "present: vmailadm_meta;"));
	CHECK_INT(ntables(&vm), 1);
	free(out);

	/* the create fails half-way (a view in the way of the last table):
	 * nothing is left behind, even on MySQL where DDL commits */
	drop_all(&vm, e->eng);
	sql(&vm, "CREATE VIEW vmailadm_meta AS SELECT 1 AS x");
	out = run(&vm, 1, &r);
	CHECK(r.st == VM_ERR_DB || r.st == VM_ERR_EXISTS);
	CHECK(contains(r.err.msg, "creating the vmailadm schema"));
	CHECK_STR(out, "");
	CHECK_INT(ntables(&vm), 0);
	CHECK_INT(vm.tx_depth, 0);
	free(out);
	sql(&vm, "DROP VIEW vmailadm_meta");
	drop_all(&vm, e->eng);
	vm_close(&vm);
}

static void run_suite(const struct engine *e, const struct drift *d)
{
	int failed = unit_failed;

	test_init(e);
	test_drift(e, d);
	test_partial(e);
	printf("%s: %s\n", e->name, unit_failed == failed ? "ok" : "FAILED");
}

#if HAVE_SQLITE

/* s with the first `from` replaced by `to`; caller frees. */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);

	if (!p) {
		unit_fail(__FILE__, __LINE__, "'%s' not in the script", from);
		return xstrdup(s);
	}
	return xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

/* SQLite cannot drop a DEFAULT: databases made by hand. */
static void test_sqlite_by_hand(const struct engine *e)
{
	const char *script = sql_file_text("sqlite-create.sql");
	struct vm vm;
	struct report r;
	char *out, *s1, *s2, *want, *owns;

	if (!script) {
		unit_fail(__FILE__, __LINE__, "sqlite-create.sql is not built in");
		return;
	}
	/* admin_quota.bytes without DEFAULT, admin_user without is_local */
	s1 = replace(script, "bytes bigint NOT NULL DEFAULT 0", "bytes bigint NOT NULL");
	s2 = replace(s1, ",\n    is_local bool NOT NULL DEFAULT 1", "");
	if (open_vm(&vm, e, 0) != 0)
		return;
	drop_all(&vm, e->eng);
	sql(&vm, s2);
	out = run(&vm, 0, &r);
	CHECK_INT(r.st, VM_OK);
	owns = own_warnings();
	want = xasprintf("missing column admin_user.is_local\n"
			 "admin_quota.bytes: no DEFAULT 0 (Dovecot's quota dict inserts rows without it): SQLite "
			 "cannot change a column's DEFAULT; rebuild admin_quota with bytes bigint NOT NULL DEFAULT 0 "
			 "(create the new table, copy the rows, drop the old one, rename)\n"
			 "%s"
			 "%s"
			 "%s"
			 "db check: 2 problem(s)\n",
			 owns, sqlite_usage_warning, sqlite_search_warning);
	CHECK_STR(out, want);
	free(want);
	free(owns);
	CHECK_INT(r.problems, 2);
	want = xasprintf("schema already present\n%s", out);
	free(out);
	out = run(&vm, 1, &r);
	CHECK_INT(r.st, VM_OK);
	CHECK_STR(out, want);
	CHECK_INT(r.problems, 2);
	free(out);
	free(want);
	free(s1);
	free(s2);

	/* as Modoboa makes it: no vmailadm_meta, none of vmailadm's indexes,
	 * wider names, a nullable last_login: warnings only */
	drop_all(&vm, e->eng);
	s1 = replace(script, "last_login datetime NOT NULL", "last_login datetime NULL");
	s2 = replace(s1, "last_name varchar(30)", "last_name varchar(150)");
	sql(&vm, s2);
	sql(&vm, "DROP TABLE vmailadm_meta; DROP INDEX admin_mailbox_domain_address; "
		 "DROP INDEX admin_alias_domain_address; DROP INDEX admin_user_email");
	/* and the trigger, by name and by body */
	sql(&vm, "CREATE TRIGGER quota_fix BEFORE INSERT ON admin_quota BEGIN SELECT 1; END");
	out = run(&vm, 1, &r);
	CHECK_INT(r.st, VM_OK);
	CHECK_INT(r.problems, 0);
	owns = own_warnings();
	want = xasprintf("schema already present\n"
			 "warning: admin_user.last_name: type varchar(150), expected varchar(30) (wider: fine)\n"
			 "warning: missing index on admin_user (email) — Dovecot's password_query will scan admin_user: "
			 "CREATE INDEX admin_user_email ON admin_user (email)\n"
			 "warning: missing index on admin_mailbox (domain_id, address) — the console's pages will be slow: "
			 "CREATE INDEX admin_mailbox_domain_address ON admin_mailbox (domain_id, address)\n"
			 "warning: missing index on admin_alias (domain_id, address) — the console's alias pages will be "
			 "slow: CREATE INDEX admin_alias_domain_address ON admin_alias (domain_id, address)\n"
			 "warning: admin_quota has trigger quota_fix (BEFORE INSERT), which vmailadm does not know: "
			 "Dovecot's quota dict writes this table\n"
			 "warning: missing table vmailadm_meta (vmailadm's own bookkeeping; a database Modoboa made has "
			 "none): CREATE TABLE vmailadm_meta (name varchar(64) NOT NULL PRIMARY KEY, value text NOT NULL)\n"
			 "%s"
			 "%s"
			 "%s"
			 "db check: OK\n",
			 owns, sqlite_usage_warning, sqlite_search_warning);
	CHECK_STR(out, want);
	free(want);
	free(owns);
	free(out);
	CHECK_INT(ntables(&vm), 15);
	sql(&vm, "CREATE TRIGGER mergequota BEFORE INSERT ON admin_quota BEGIN SELECT 1; END");
	sql(&vm, "CREATE TRIGGER \"odd\"\"name\" AFTER UPDATE ON admin_quota BEGIN SELECT 'merge_quota'; END");
	out = run(&vm, 0, &r);
	CHECK_INT(r.problems, 2);
	CHECK(contains(out, "\n" MERGE_LINE_OTHER));
	CHECK(contains(out, "(trigger odd\"name): with Dovecot 2.3 it stores negative message counts. Remove it: "
			    "DROP TRIGGER \"odd\"\"name\"; then"));
	free(out);

	/* admin_quota without a key on username, a bigint narrowed, a NOT NULL mbox_id */
	drop_all(&vm, e->eng);
	free(s1);
	s1 = replace(script, "username varchar(254) NOT NULL PRIMARY KEY,\n    bytes bigint",
		     "username varchar(254) NOT NULL,\n    bytes integer");
	free(s2);
	s2 = replace(s1, "mbox_id integer NULL UNIQUE", "mbox_id integer NOT NULL UNIQUE");
	sql(&vm, s2);
	out = run(&vm, 0, &r);
	CHECK_INT(r.problems, 3);
	CHECK(strncmp(out, "admin_quota.bytes: type int, expected bigint\n", 45) == 0);
	CHECK(contains(out, "\nadmin_quota.mbox_id: NOT NULL, expected nullable"));
	CHECK(contains(out, "\nno PRIMARY KEY or UNIQUE index on admin_quota (username): Dovecot's quota dict "
			    "upserts (INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE) need it: CREATE UNIQUE INDEX "
			    "admin_quota_username ON admin_quota (username)\n"));
	free(out);
	free(s1);
	free(s2);
	vm_close(&vm);
}
#endif

int main(void)
{
	struct engine pg = {"postgresql", getenv("VMAILADM_TEST_PG_URL"), DB_ENGINE_PGSQL};
	struct engine my = {"mysql", getenv("VMAILADM_TEST_MYSQL_URL"), DB_ENGINE_MYSQL};

	conf_defaults(&cfg);
	if (pg.url && *pg.url && HAVE_PGSQL)
		run_suite(&pg, &pg_drift);
	else
		printf("postgresql: SKIPPED (%s)\n", HAVE_PGSQL ? "VMAILADM_TEST_PG_URL is not set" : "not built in");
	if (my.url && *my.url && HAVE_MYSQL)
		run_suite(&my, &my_drift);
	else
		printf("mysql: SKIPPED (%s)\n", HAVE_MYSQL ? "VMAILADM_TEST_MYSQL_URL is not set" : "not built in");
#if HAVE_SQLITE
	{
		char *path = unit_sqlite_path("test-schema");
		char *url;
		struct engine sq = {"sqlite", NULL, DB_ENGINE_SQLITE};
		int failed = unit_failed;

		if (!path)
			return 1;
		url = xasprintf("sqlite:%s", path);
		sq.url = url;
		test_init(&sq);
		test_partial(&sq);
		test_sqlite_by_hand(&sq);
		printf("sqlite: %s\n", unit_failed == failed ? "ok" : "FAILED");
		unit_remove_sqlite_files(path);
		free(url);
		free(path);
	}
#else
	printf("sqlite: SKIPPED (not built in)\n");
#endif
	conf_free(&cfg);
	return unit_finish("test_schema");
}
