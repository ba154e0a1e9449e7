/* SPDX-License-Identifier: MIT */
/* test_db.c: the one suite every database backend must pass, run against a
 * real server for each engine whose URL is in the environment
 * (VMAILADM_TEST_PG_URL, VMAILADM_TEST_MYSQL_URL: an empty database the test
 * may fill) and always against SQLite in a temporary file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db/db.h"
#include "lib/xalloc.h"
#include "unit.h"

/* What differs between engines: the DDL and a few engine-specific facts. */
struct engine {
	const char *name;
	const char *url;
	const char *create_item;    /* table vt_item, the same columns everywhere */
	const char *create_trigger; /* trigger vt_item_touch BEFORE INSERT on vt_item */
	const char *trigger_marker; /* text the trigger's third column contains */
	const char *drop;           /* script that drops everything the suite creates */
};

static const char pg_create_item[] = "CREATE TABLE vt_item (\n"
				     "  id serial PRIMARY KEY,\n"
				     "  name varchar(100) NOT NULL,\n"
				     "  note text NULL,\n"
				     "  flag boolean NOT NULL DEFAULT false,\n"
				     "  qty integer NOT NULL DEFAULT 0,\n"
				     "  big bigint NULL,\n"
				     "  created timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
				     "  label varchar(20) NOT NULL DEFAULT 'it''s'\n"
				     ");\n"
				     "CREATE UNIQUE INDEX vt_item_name ON vt_item (name);\n"
				     "CREATE INDEX vt_item_qty_flag ON vt_item (qty, flag);\n";
static const char pg_create_trigger[] =
	"CREATE FUNCTION vt_touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN NEW.qty := NEW.qty + 0; RETURN NEW; END;\n"
	"$$;\n"
	"CREATE TRIGGER vt_item_touch BEFORE INSERT ON vt_item FOR EACH ROW EXECUTE FUNCTION vt_touch();\n";
static const char pg_drop[] = "DROP TABLE IF EXISTS vt_item, vt_script, vt_script2, vt_deferred;\n"
			      "DROP FUNCTION IF EXISTS vt_touch();\n";

static const char my_create_item[] = "CREATE TABLE vt_item (\n"
				     "  id integer AUTO_INCREMENT NOT NULL PRIMARY KEY,\n"
				     "  name varchar(100) NOT NULL,\n"
				     "  note longtext NULL,\n"
				     "  flag tinyint(1) NOT NULL DEFAULT 0,\n"
				     "  qty integer NOT NULL DEFAULT 0,\n"
				     "  big bigint NULL,\n"
				     "  created datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
				     "  label varchar(20) NOT NULL DEFAULT 'it''s',\n"
				     "  UNIQUE KEY vt_item_name (name),\n"
				     "  KEY vt_item_qty_flag (qty, flag)\n"
				     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n";
static const char my_create_trigger[] =
	"CREATE TRIGGER vt_item_touch BEFORE INSERT ON vt_item FOR EACH ROW SET NEW.qty = NEW.qty + 0;\n";
static const char my_drop[] = "DROP TABLE IF EXISTS vt_item, vt_script, vt_script2;\n";

static const char sq_create_item[] = "CREATE TABLE vt_item (\n"
				     "  id integer NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
				     "  name varchar(100) NOT NULL,\n"
				     "  note text NULL,\n"
				     "  flag bool NOT NULL DEFAULT 0,\n"
				     "  qty integer NOT NULL DEFAULT 0,\n"
				     "  big bigint NULL,\n"
				     "  created datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
				     "  label varchar(20) NOT NULL DEFAULT 'it''s'\n"
				     ");\n"
				     "CREATE UNIQUE INDEX vt_item_name ON vt_item (name);\n"
				     "CREATE INDEX vt_item_qty_flag ON vt_item (qty, flag);\n";
static const char sq_create_trigger[] = "CREATE TRIGGER vt_item_touch BEFORE INSERT ON vt_item\n"
					"BEGIN SELECT NEW.qty; END;\n";
static const char sq_drop[] =
	"DROP TABLE IF EXISTS vt_item; DROP TABLE IF EXISTS vt_script; DROP TABLE IF EXISTS vt_script2;\n";

/* Values that must be stored and read back byte for byte. */
static const char *const nasty[] = {
	"O'Brien",
	"double \"quoted\" and `back` ticks",
	"back\\slash \\' \\\\ end\\",
	"'; DROP TABLE vt_item; --",
	"a ? placeholder ?? and $1 :name @v %s",
	"na\xc3\xafve \xe2\x98\x83 snow, \xf0\x9f\x98\x80 emoji (4-byte UTF-8)",
	"line\nbreak\ttab\rreturn",
	"/* not a comment */ -- nor this",
	"",
};

/* The password written in a URL (scheme://user:PASS@host...), or NULL. */
static char *url_password(const char *url)
{
	const char *p = strstr(url, "://"), *at, *colon;

	if (!p)
		return NULL;
	p += 3;
	at = strrchr(p, '@');
	if (!at)
		return NULL;
	colon = memchr(p, ':', (size_t)(at - p));
	if (!colon || colon + 1 == at)
		return NULL;
	return xstrndup(colon + 1, (size_t)(at - colon - 1));
}

/* url with its password replaced by pw; caller frees. NULL if it has none. */
static char *url_with_password(const char *url, const char *pw)
{
	const char *p = strstr(url, "://"), *at, *colon;

	if (!p)
		return NULL;
	at = strrchr(p + 3, '@');
	if (!at)
		return NULL;
	colon = memchr(p + 3, ':', (size_t)(at - p - 3));
	if (!colon)
		return NULL;
	return xasprintf("%.*s%s%s", (int)(colon + 1 - url), url, pw, at);
}

/* Runs sql and returns its single value (copied into buf), or "(error)". */
static const char *one_value(struct db *db, const char *sql, int n, const char *const *params, char *buf, size_t size)
{
	struct db_result *res = NULL;
	struct db_error err;

	snprintf(buf, size, "(error)");
	if (db_exec(db, sql, n, params, &res, &err) != DB_OK) {
		fprintf(stderr, "  query failed: %s: %s\n", sql, err.message);
		return buf;
	}
	if (res->nrows == 1 && res->ncols >= 1)
		snprintf(buf, size, "%s", db_value(res, 0, 0) ? db_value(res, 0, 0) : "(null)");
	else
		snprintf(buf, size, "(%zu rows)", res->nrows);
	db_result_free(&res);
	return buf;
}

static long long count_rows(struct db *db, const char *where)
{
	char sql[256], buf[64];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM vt_item%s%s", where ? " WHERE " : "", where ? where : "");
	return atoll(one_value(db, sql, 0, NULL, buf, sizeof buf));
}

/* Finds the row whose first column is key; -1 if none. */
static long find_row(const struct db_result *res, const char *key)
{
	size_t r;

	for (r = 0; r < res->nrows; r++)
		if (db_value(res, r, 0) && strcmp(db_value(res, r, 0), key) == 0)
			return (long)r;
	return -1;
}

static void test_values(const struct engine *e, struct db *db)
{
	struct db_error err;
	struct db_result *res = NULL;
	long long id1 = 0, id2 = 0, id;
	size_t i;
	char buf[256];

	/* insert ids grow */
	{
		const char *p[3] = {"first", "1", "7"};
		const char *p2[3] = {"second", "0", NULL};

		CHECK_INT(db_insert(db, "INSERT INTO vt_item (name, flag, qty) VALUES (?, ?, ?)", 3, p, &id1, &err), DB_OK);
		CHECK(id1 > 0);
		CHECK_INT(db_insert(db, "INSERT INTO vt_item (name, flag, big) VALUES (?, ?, ?);", 3, p2, &id2, &err),
			  DB_OK);
		CHECK_MSG(id2 > id1, "%s: second id %lld after %lld", e->name, id2, id1);
	}

	/* booleans read back 1/0, NULL is a NULL pointer, defaults apply */
	{
		const char *p[1] = {"first"};

		CHECK_INT(db_exec(db, "SELECT flag, note, big, qty, label, (qty = 7) AS seven FROM vt_item WHERE name = ?",
				  1, p, &res, &err),
			  DB_OK);
		CHECK_INT(res->nrows, 1);
		CHECK_INT(res->ncols, 6);
		CHECK_STR(res->colnames[0], "flag");
		CHECK_STR(res->colnames[5], "seven");
		CHECK_STR(db_value(res, 0, 0), "1");
		CHECK(db_value(res, 0, 1) == NULL);
		CHECK(db_value(res, 0, 2) == NULL);
		CHECK_STR(db_value(res, 0, 3), "7");
		CHECK_STR(db_value(res, 0, 4), "it's");
		CHECK_STR(db_value(res, 0, 5), "1");
		CHECK_INT(res->affected, 0);
		db_result_free(&res);
		CHECK(res == NULL);
		p[0] = "second";
		CHECK_STR(one_value(db, "SELECT flag FROM vt_item WHERE name = ?", 1, p, buf, sizeof buf), "0");
		CHECK_STR(one_value(db, "SELECT count(*) FROM vt_item WHERE big IS NULL AND note IS NULL", 0, NULL, buf,
				    sizeof buf),
			  "2");
	}

	/* values with quotes, backslashes, unicode and SQL metacharacters are stored
	 * literally, and placeholders inside literals and comments are not values */
	for (i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
		char name[32];
		const char *p[2], *q[1];

		snprintf(name, sizeof name, "nasty%zu", i);
		p[0] = name;
		p[1] = nasty[i];
		CHECK_INT(db_insert(db, "INSERT INTO vt_item (name, note) VALUES (?, ?)", 2, p, &id, &err), DB_OK);
		q[0] = name;
		res = NULL;
		CHECK_INT(db_exec(db,
				  "SELECT note, '?' AS q, 'it''s ?' AS q2 FROM vt_item -- a comment? yes\n"
				  " WHERE name = ? /* and this? */",
				  1, q, &res, &err),
			  DB_OK);
		if (res && res->nrows == 1) {
			CHECK_STR(db_value(res, 0, 0), nasty[i]);
			CHECK_STR(db_value(res, 0, 1), "?");
			CHECK_STR(db_value(res, 0, 2), "it's ?");
		} else {
			CHECK_MSG(0, "%s: nasty value %zu: no row (%s)", e->name, i, err.message);
		}
		db_result_free(&res);
		/* and it matches as a bound value */
		q[0] = nasty[i];
		CHECK_STR(one_value(db, "SELECT name FROM vt_item WHERE note = ?", 1, q, buf, sizeof buf), name);
	}
	CHECK_INT(count_rows(db, "name = 'vt_item'"), 0); /* the table is still there */

	/* a long value round-trips whole */
	{
		size_t n = 100000;
		char *big = xmalloc(n + 1);
		const char *p[2] = {"long", big};

		for (i = 0; i < n; i++)
			big[i] = (char)('a' + i % 26);
		big[n] = '\0';
		CHECK_INT(db_insert(db, "INSERT INTO vt_item (name, note) VALUES (?, ?)", 2, p, &id, &err), DB_OK);
		snprintf(buf, sizeof buf, "%lld", id);
		{
			const char *q[1] = {buf};

			CHECK_INT(db_exec(db, "SELECT note, name FROM vt_item WHERE id = ? OR name = 'first' ORDER BY id DESC",
					  1, q, &res, &err),
				  DB_OK);
		}
		CHECK_INT(res->nrows, 2);
		CHECK(db_value(res, 0, 0) && strlen(db_value(res, 0, 0)) == n && memcmp(db_value(res, 0, 0), big, n) == 0);
		CHECK_STR(db_value(res, 0, 1), "long");
		CHECK(db_value(res, 1, 0) == NULL);
		CHECK_STR(db_value(res, 1, 1), "first");
		db_result_free(&res);
		free(big);
	}

	/* affected counts the rows matched, also when nothing changes */
	{
		const char *p[1] = {"5"};

		CHECK_INT(db_exec(db, "UPDATE vt_item SET qty = ? WHERE name IN ('first', 'second')", 1, p, &res, &err),
			  DB_OK);
		CHECK_INT(res->affected, 2);
		db_result_free(&res);
		CHECK_INT(db_exec(db, "UPDATE vt_item SET qty = ? WHERE name IN ('first', 'second')", 1, p, &res, &err),
			  DB_OK);
		CHECK_INT(res->affected, 2);
		db_result_free(&res);
		CHECK_INT(db_exec(db, "UPDATE vt_item SET qty = ? WHERE name = 'nobody'", 1, p, &res, &err), DB_OK);
		CHECK_INT(res->affected, 0);
		db_result_free(&res);
		CHECK_INT(db_exec(db, "SELECT name FROM vt_item WHERE name = 'nobody'", 0, NULL, &res, &err), DB_OK);
		CHECK_INT(res->nrows, 0);
		CHECK_INT(res->ncols, 1);
		db_result_free(&res);
		CHECK_INT(db_exec(db, "DELETE FROM vt_item WHERE name LIKE 'nasty%'", 0, NULL, &res, &err), DB_OK);
		CHECK_INT(res->affected, (long long)(sizeof nasty / sizeof nasty[0]));
		db_result_free(&res);
	}

	/* errors: duplicate, syntax, wrong parameter count */
	{
		const char *p[1] = {"first"};

		memset(&err, 0, sizeof err);
		CHECK_INT(db_insert(db, "INSERT INTO vt_item (name) VALUES (?)", 1, p, &id, &err), DB_ERR_DUPLICATE);
		CHECK_INT(err.status, DB_ERR_DUPLICATE);
		CHECK_MSG(strstr(err.message, "vt_item_name") || strstr(err.message, "UNIQUE") ||
				  strstr(err.message, "Duplicate"),
			  "%s: duplicate message: %s", e->name, err.message);
		memset(&err, 0, sizeof err);
		CHECK_INT(db_exec(db, "SELEC name FROM vt_item", 0, NULL, &res, &err), DB_ERR_OTHER);
		CHECK(res == NULL);
		CHECK_MSG(strstr(err.message, "syntax") != NULL, "%s: syntax error message: %s", e->name, err.message);
		CHECK_MSG(strchr(err.message, '\n') == NULL, "%s: message has a newline: %s", e->name, err.message);
		CHECK_INT(db_exec(db, "SELEC name FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_ERR_OTHER);
		CHECK_MSG(strstr(err.message, "syntax") != NULL, "%s: syntax error message: %s", e->name, err.message);
		CHECK(db_exec(db, "SELECT name FROM vt_item WHERE name = ? AND qty = ?", 1, p, &res, &err) != DB_OK);
		CHECK(res == NULL);
		CHECK_INT(db_exec(db, "SELECT no_such_column FROM vt_item", 0, NULL, &res, &err), DB_ERR_OTHER);
		CHECK_MSG(strstr(err.message, "no_such_column") != NULL, "%s: message: %s", e->name, err.message);
		/* the connection is still usable after errors */
		CHECK_INT(count_rows(db, NULL), 3);
	}
}

static void test_transactions(const struct engine *e, struct db *db)
{
	struct db_error err;
	long long id;
	const char *a[1] = {"tx-a"}, *b[1] = {"tx-b"}, *first[1] = {"first"};
	enum db_status st;

	/* rollback leaves nothing */
	CHECK_INT(db_begin(db, &err), DB_OK);
	CHECK_INT(db->in_tx, 1);
	CHECK_INT(db_insert(db, "INSERT INTO vt_item (name) VALUES (?)", 1, a, &id, &err), DB_OK);
	CHECK_INT(count_rows(db, "name = 'tx-a'"), 1);
	db_rollback(db);
	CHECK_INT(db->in_tx, 0);
	CHECK_INT(count_rows(db, "name = 'tx-a'"), 0);

	/* commit keeps */
	CHECK_INT(db_begin(db, &err), DB_OK);
	CHECK_INT(db_insert(db, "INSERT INTO vt_item (name) VALUES (?)", 1, a, &id, &err), DB_OK);
	CHECK_INT(db_insert(db, "INSERT INTO vt_item (name) VALUES (?)", 1, b, &id, &err), DB_OK);
	CHECK_INT(db_commit(db, &err), DB_OK);
	CHECK_INT(count_rows(db, "name IN ('tx-a', 'tx-b')"), 2);

	/* a failure inside a transaction, then rollback: nothing of it stays */
	CHECK_INT(db_begin(db, &err), DB_OK);
	CHECK_INT(db_exec(db, "DELETE FROM vt_item WHERE name = 'tx-a'", 0, NULL, NULL, &err), DB_OK);
	CHECK_INT(db_insert(db, "INSERT INTO vt_item (name) VALUES (?)", 1, first, &id, &err), DB_ERR_DUPLICATE);
	db_rollback(db);
	CHECK_INT(count_rows(db, "name = 'tx-a'"), 1);

	/* committing after a failed statement: whatever the engine does, no
	 * transaction is left open (PostgreSQL refuses: it aborted the transaction) */
	CHECK_INT(db_begin(db, &err), DB_OK);
	CHECK_INT(db_insert(db, "INSERT INTO vt_item (name) VALUES (?)", 1, first, &id, &err), DB_ERR_DUPLICATE);
	st = db_commit(db, &err);
	if (db->ops->engine == DB_ENGINE_PGSQL)
		CHECK_MSG(st == DB_ERR_OTHER, "%s: commit after a failed statement gave %s", e->name, db_status_name(st));
	CHECK_INT(db->in_tx, 0);
	CHECK_INT(db_begin(db, &err), DB_OK);
	CHECK_INT(db_exec(db, "DELETE FROM vt_item WHERE name = 'tx-b'", 0, NULL, NULL, &err), DB_OK);
	CHECK_INT(db_commit(db, &err), DB_OK);
	CHECK_INT(count_rows(db, "name = 'tx-b'"), 0);

	if (db->ops->engine == DB_ENGINE_PGSQL) {
		/* a constraint checked at COMMIT fails it, and closes the transaction */
		CHECK_INT(db->ops->exec_script(db->conn,
					       "CREATE TABLE vt_deferred (v integer UNIQUE DEFERRABLE INITIALLY DEFERRED)",
					       &err),
			  DB_OK);
		CHECK_INT(db_begin(db, &err), DB_OK);
		CHECK_INT(db_exec(db, "INSERT INTO vt_deferred VALUES (1), (1)", 0, NULL, NULL, &err), DB_OK);
		CHECK_INT(db_commit(db, &err), DB_ERR_DUPLICATE);
		CHECK_INT(db_begin(db, &err), DB_OK);
		CHECK_INT(db_exec(db, "INSERT INTO vt_deferred VALUES (2)", 0, NULL, NULL, &err), DB_OK);
		CHECK_INT(db_commit(db, &err), DB_OK);
		CHECK_INT(db_exec(db, "SELECT v FROM vt_deferred", 0, NULL, NULL, &err), DB_OK);
	}
}

static void test_script(const struct engine *e, struct db *db)
{
	struct db_error err;
	char buf[64];

	CHECK_INT(db->ops->exec_script(db->conn,
				       "-- a schema file\n"
				       "CREATE TABLE vt_script (k varchar(10) NOT NULL, v text);\n"
				       "/* with comments; and semicolons */\n"
				       "INSERT INTO vt_script (k, v) VALUES ('a', 'x;y'), ('b', '-- not a comment');\n"
				       "INSERT INTO vt_script (k, v) VALUES ('c', '?');\n",
				       &err),
		  DB_OK);
	CHECK_STR(one_value(db, "SELECT count(*) FROM vt_script", 0, NULL, buf, sizeof buf), "3");
	CHECK_STR(one_value(db, "SELECT v FROM vt_script WHERE k = 'a'", 0, NULL, buf, sizeof buf), "x;y");
	CHECK_STR(one_value(db, "SELECT v FROM vt_script WHERE k = 'b'", 0, NULL, buf, sizeof buf), "-- not a comment");

	/* a failing statement is reported with the engine's message */
	memset(&err, 0, sizeof err);
	CHECK_INT(db->ops->exec_script(db->conn,
				       "CREATE TABLE vt_script2 (k integer);\n"
				       "INSERT INTO vt_script2 (k) VALUES (1);\n"
				       "INSERT INTO vt_nope (k) VALUES (1);\n"
				       "INSERT INTO vt_script2 (k) VALUES (2);\n",
				       &err),
		  DB_ERR_OTHER);
	CHECK_MSG(strstr(err.message, "vt_nope") != NULL, "%s: script error: %s", e->name, err.message);
	/* the statement after the failing one did not run (PostgreSQL even undid
	 * the ones before: the script is one transaction there) */
	{
		struct db_result *res = NULL;

		if (db_exec(db, "SELECT count(*) FROM vt_script2 WHERE k = 2", 0, NULL, &res, &err) == DB_OK)
			CHECK_STR(db_value(res, 0, 0), "0");
		else
			CHECK(db->ops->engine == DB_ENGINE_PGSQL);
		db_result_free(&res);
	}
	/* and the connection still works */
	CHECK_STR(one_value(db, "SELECT count(*) FROM vt_script", 0, NULL, buf, sizeof buf), "3");
	if (db->ops->engine == DB_ENGINE_MYSQL)
		/* one statement at a time outside exec_script */
		CHECK(db_exec(db, "SELECT 1; SELECT 2", 0, NULL, NULL, &err) != DB_OK);
}

/* A column DB_INTROSPECT_COLUMNS must report as db.h names it. */
struct want_column {
	const char *name, *type;
	const char *nullable; /* "1"/"0"; NULL: not checked */
	const char *dflt;     /* the default; NULL: none (SQL NULL) */
	int required;         /* 0: checked only when the engine reports the column */
};

static void check_column(const struct db_result *res, const struct want_column *w)
{
	long r = find_row(res, w->name);

	if (w->required)
		CHECK_MSG(r >= 0, "no column %s", w->name);
	if (r < 0)
		return;
	CHECK_STR(db_value(res, r, 1), w->type);
	if (w->nullable)
		CHECK_STR(db_value(res, r, 2), w->nullable);
	CHECK_STR(db_value(res, r, 3), w->dflt);
}

static void test_introspect(const struct engine *e, struct db *db)
{
	static const struct want_column columns[] = {
		{"name", "varchar(100)", "0", NULL, 1},
		{"note", "text", "1", NULL, 0},
		{"flag", "bool", "0", "0", 0},
		{"qty", "int", NULL, "0", 0},
		{"big", "bigint", "1", NULL, 0},
		{"created", "timestamp", NULL, "CURRENT_TIMESTAMP", 0},
		{"label", "varchar(20)", NULL, "it's", 0},
	};
	struct db_error err;
	struct db_result *res = NULL;
	size_t i;
	long r;

	CHECK_INT(db->ops->exec_script(db->conn, e->create_trigger, &err), DB_OK);

	CHECK_INT(db->ops->introspect(db->conn, DB_INTROSPECT_TABLES, NULL, &res, &err), DB_OK);
	CHECK(res && find_row(res, "vt_item") >= 0);
	CHECK(res && find_row(res, "vt_script") >= 0);
	CHECK(res && find_row(res, "vt_nope") < 0);
	db_result_free(&res);

	CHECK_INT(db->ops->introspect(db->conn, DB_INTROSPECT_COLUMNS, "vt_item", &res, &err), DB_OK);
	if (!res)
		return;
	CHECK_INT(res->ncols, 4);
	CHECK_INT(res->nrows, 8);
	CHECK_STR(db_value(res, 0, 0), "id"); /* in table order */
	CHECK_STR(db_value(res, 0, 1), "int");
	CHECK_STR(db_value(res, 0, 2), "0");
	for (i = 0; i < sizeof columns / sizeof columns[0]; i++)
		check_column(res, &columns[i]);
	db_result_free(&res);

	CHECK_INT(db->ops->introspect(db->conn, DB_INTROSPECT_INDEXES, "vt_item", &res, &err), DB_OK);
	if (res) {
		r = find_row(res, "vt_item_name");
		CHECK_MSG(r >= 0, "%s: no index vt_item_name", e->name);
		if (r >= 0) {
			CHECK_STR(db_value(res, r, 1), "1");
			CHECK_STR(db_value(res, r, 2), "name");
		}
		r = find_row(res, "vt_item_qty_flag");
		CHECK_MSG(r >= 0, "%s: no index vt_item_qty_flag", e->name);
		if (r >= 0) {
			CHECK_STR(db_value(res, r, 1), "0");
			CHECK_STR(db_value(res, r, 2), "qty,flag");
		}
		db_result_free(&res);
	}

	CHECK_INT(db->ops->introspect(db->conn, DB_INTROSPECT_TRIGGERS, "vt_item", &res, &err), DB_OK);
	if (res) {
		CHECK_INT(res->nrows, 1);
		if (res->nrows == 1) {
			CHECK_STR(db_value(res, 0, 0), "vt_item_touch");
			CHECK_STR(db_value(res, 0, 1), "BEFORE INSERT");
			CHECK_MSG(db_value(res, 0, 2) && strstr(db_value(res, 0, 2), e->trigger_marker),
				  "%s: trigger body '%s' lacks '%s'", e->name, db_value(res, 0, 2), e->trigger_marker);
		}
		db_result_free(&res);
	}
	CHECK_INT(db->ops->introspect(db->conn, DB_INTROSPECT_COLUMNS, "vt_nope", &res, &err), DB_OK);
	CHECK(res && res->nrows == 0);
	db_result_free(&res);
}

static void test_read_only(const struct engine *e)
{
	struct db *ro = NULL;
	struct db_error err;
	const char *p[1] = {"ro"};
	long long id;
	char buf[64];

	CHECK_INT(db_open(e->url, 1, &ro, &err), DB_OK);
	if (!ro) {
		fprintf(stderr, "  %s: read-only open: %s\n", e->name, err.message);
		return;
	}
	CHECK_STR(one_value(ro, "SELECT name FROM vt_item WHERE name = 'first'", 0, NULL, buf, sizeof buf), "first");
	memset(&err, 0, sizeof err);
	CHECK_INT(db_insert(ro, "INSERT INTO vt_item (name) VALUES (?)", 1, p, &id, &err), DB_ERR_READ_ONLY);
	CHECK_MSG(err.message[0] != '\0', "%s: read-only refusal has no message", e->name);
	CHECK_INT(db_exec(ro, "DELETE FROM vt_item", 0, NULL, NULL, &err), DB_ERR_READ_ONLY);
	/* also inside an explicit transaction */
	CHECK_INT(db_begin(ro, &err), DB_OK);
	CHECK_INT(db_exec(ro, "UPDATE vt_item SET qty = 1", 0, NULL, NULL, &err), DB_ERR_READ_ONLY);
	db_rollback(ro);
	CHECK_MSG(strstr(ro->ops->describe(ro->conn), "read-only") != NULL, "%s: describe: %s", e->name,
		  ro->ops->describe(ro->conn));
	db_close(&ro);
	CHECK(ro == NULL);
}

/* A session the server ends: the next statement says the connection is gone. */
static void test_lost_connection(const struct engine *e, struct db *db)
{
	struct db *victim = NULL;
	struct db_error err;
	char pid[32], sql[64];
	const char *p[1] = {pid};
	int is_pg = db->ops->engine == DB_ENGINE_PGSQL;

	if (db->ops->engine == DB_ENGINE_SQLITE)
		return;
	CHECK_INT(db_open(e->url, 0, &victim, &err), DB_OK);
	if (!victim)
		return;
	one_value(victim, is_pg ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()", 0, NULL, pid, sizeof pid);
	CHECK(atoll(pid) > 0);
	if (is_pg) {
		CHECK_INT(db_exec(db, "SELECT pg_terminate_backend(CAST(? AS integer))", 1, p, NULL, &err), DB_OK);
	} else {
		snprintf(sql, sizeof sql, "KILL CONNECTION %lld", atoll(pid)); /* a number we read, not input */
		CHECK_INT(db_exec(db, sql, 0, NULL, NULL, &err), DB_OK);
	}
	usleep(200000);
	memset(&err, 0, sizeof err);
	CHECK_INT(db_exec(victim, "SELECT count(*) FROM vt_item", 0, NULL, NULL, &err), DB_ERR_CONNECTION);
	CHECK_MSG(strstr(err.message, e->name) != NULL, "%s: lost connection message: %s", e->name, err.message);
	db_close(&victim);
}

/* What a user sees when the server is not there, or the URL is wrong. */
static void test_connect_errors(const struct engine *e)
{
	struct db *db = NULL;
	struct db_error err;
	char *pw = url_password(e->url);
	const struct db_ops *ops = db_ops_for_url(e->url, NULL);
	int is_mysql = ops && ops->engine == DB_ENGINE_MYSQL;
	char *bad;
	size_t i;

	if (ops && ops->engine == DB_ENGINE_SQLITE) {
		memset(&err, 0, sizeof err);
		CHECK_INT(db_open("sqlite:/nonexistent-dir-vmailadm/x.db", 0, &db, &err), DB_ERR_CONNECTION);
		CHECK(db == NULL);
		CHECK_MSG(strstr(err.message, "/nonexistent-dir-vmailadm/x.db") != NULL, "sqlite: message: %s",
			  err.message);
		CHECK_INT(db_open("sqlite:", 0, &db, &err), DB_ERR_URL);
		free(pw);
		return;
	}
	{
		/* nothing listens on port 1 */
		const char *closed = is_mysql ? "mysql://vmail:Secr3t-Pw@127.0.0.1:1/vtdb"
					      : "postgresql://vmail:Secr3t-Pw@127.0.0.1:1/vtdb?connect_timeout=5";

		memset(&err, 0, sizeof err);
		CHECK_INT(db_open(closed, 0, &db, &err), DB_ERR_CONNECTION);
		CHECK(db == NULL);
		CHECK_MSG(strstr(err.message, "127.0.0.1") != NULL, "%s: message lacks the host: %s", e->name, err.message);
		CHECK_MSG(strstr(err.message, "vtdb") != NULL, "%s: message lacks the database: %s", e->name, err.message);
		CHECK_MSG(strstr(err.message, "Secr3t") == NULL, "%s: message shows the password: %s", e->name,
			  err.message);
	}
	{
		static const char *const pg_bad[] = {
			"postgresql://vmail:Secr3t-Pw@[::1/vtdb",
			"postgresql://vmail:Secr3t-Pw@host/vtdb?no_such_option=1",
			"postgresql://vmail:Secr3t%zzPw@host/vtdb",
			"host=127.0.0.1 password=Secr3t-Pw dbname='unterminated",
			NULL,
		};
		static const char *const my_bad[] = {
			"mysql://vmail:Secr3t-Pw@host:99999/vtdb",
			"mysql://vmail:Secr3t-Pw@host:x/vtdb",
			"mysql://vmail:Secr3t-Pw@host/vtdb?bogus=1",
			"mysql://vmail:Secr3t%zzPw@host/vtdb",
			"mysql://vmail:Secr3t-Pw@host",
			"mysql://vmail:Secr3t-Pw@host/",
			"mysql://vmail:Secr3t-Pw@[::1/vtdb",
			"mariadb://vmail:Secr3t-Pw@/vtdb?socket=",
			NULL,
		};
		const char *const *list = is_mysql ? my_bad : pg_bad;

		for (i = 0; list[i]; i++) {
			memset(&err, 0, sizeof err);
			CHECK_INT(db_open(list[i], 0, &db, &err), DB_ERR_URL);
			CHECK(db == NULL);
			CHECK_MSG(err.message[0] != '\0', "%s: no message for %s", e->name, list[i]);
			CHECK_MSG(strstr(err.message, "Secr3t") == NULL, "%s: %s: message shows the password: %s",
				  e->name, list[i], err.message);
		}
	}
	/* the right server, a wrong password: permission, without the password */
	bad = pw ? url_with_password(e->url, "Wrong-Pw-42") : NULL;
	if (bad) {
		memset(&err, 0, sizeof err);
		CHECK_INT(db_open(bad, 0, &db, &err), DB_ERR_PERMISSION);
		CHECK(db == NULL);
		CHECK_MSG(strstr(err.message, "Wrong-Pw-42") == NULL, "%s: message shows the password: %s", e->name,
			  err.message);
		db_close(&db);
	} else {
		printf("  %s: URL has no password: wrong-password test skipped\n", e->name);
	}
	free(bad);
	free(pw);
}

/* db_exec_reused: the same rows as db_exec, however often a text runs, when
 * more texts than a connection keeps come and go, and after a table's change
 * that a kept plan cannot survive. PostgreSQL keeps them prepared: checked in
 * pg_prepared_statements. */
static long long kept_statements(struct db *db)
{
	char buf[64];

	return atoll(one_value(db, "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'vmailadm!_k%' ESCAPE '!'",
			       0, NULL, buf, sizeof buf));
}

static void test_reused(const struct engine *e, struct db *db)
{
	struct db_result *res = NULL;
	struct db_error err;
	int is_pg = db->ops->engine == DB_ENGINE_PGSQL;
	char sql[128], name[32];
	const char *p[1] = {name};
	long long id;

	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof name, "reuse-%02d", i);
		CHECK_INT(db_insert(db, "INSERT INTO vt_item (name, qty) VALUES (?, 7)", 1, p, &id, &err), DB_OK);
	}
	/* one text, other values: each run its own row (past the server's
	 * five custom plans, into its generic one) */
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "reuse-%02d", (i * 7) % 30);
		CHECK_INT(db_exec_reused(db, "SELECT name, qty FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_OK);
		CHECK_INT(res ? (long long)res->nrows : -1, 1);
		if (res && res->nrows)
			CHECK_STR(db_value(res, 0, 0), name);
		db_result_free(&res);
	}
	if (is_pg)
		CHECK_INT(kept_statements(db), 1);
	/* 40 texts, more than are kept: the oldest go, every answer is right */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 40; i++) {
			snprintf(sql, sizeof sql, "SELECT name FROM vt_item WHERE name = ? AND %d = %d", i, i);
			snprintf(name, sizeof name, "reuse-%02d", i % 30);
			CHECK_INT(db_exec_reused(db, sql, 1, p, &res, &err), DB_OK);
			CHECK_INT(res ? (long long)res->nrows : -1, 1);
			db_result_free(&res);
		}
	if (is_pg) {
		long long kept = kept_statements(db);

		CHECK_MSG(kept > 1 && kept <= 16, "%s: %lld statements kept", e->name, kept);
	}
	/* kept in a transaction that rolls back: still kept after it */
	CHECK_INT(db_begin(db, &err), DB_OK);
	CHECK_INT(db_exec_reused(db, "SELECT name FROM vt_item WHERE name = ? AND 'tx' = 'tx'", 1, p, &res, &err), DB_OK);
	db_result_free(&res);
	db_rollback(db);
	CHECK_INT(db_begin(db, &err), DB_OK);
	CHECK_INT(db_exec_reused(db, "SELECT name FROM vt_item WHERE name = ? AND 'tx' = 'tx'", 1, p, &res, &err), DB_OK);
	CHECK_INT(res ? (long long)res->nrows : -1, 1);
	db_result_free(&res);
	CHECK_INT(db_commit(db, &err), DB_OK);
	/* a bad statement: the engine's error, as db_exec gives it */
	CHECK_INT(db_exec_reused(db, "SELECT nope FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_ERR_OTHER);
	CHECK(res == NULL);
	CHECK_INT(db_exec_reused(db, "SELECT name FROM vt_item WHERE name = ?", 0, NULL, &res, &err), DB_ERR_OTHER);
	/* the table changes under a kept SELECT *: outside a transaction the
	 * statement runs again and shows the new column */
	snprintf(name, sizeof name, "reuse-03");
	CHECK_INT(db_exec_reused(db, "SELECT * FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_OK);
	CHECK_INT(res ? (long long)res->ncols : -1, 8);
	db_result_free(&res);
	CHECK_INT(db->ops->exec_script(db->conn, "ALTER TABLE vt_item ADD COLUMN extra integer NULL", &err), DB_OK);
	CHECK_INT(db_exec_reused(db, "SELECT * FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_OK);
	CHECK_INT(res ? (long long)res->ncols : -1, 9);
	db_result_free(&res);
	CHECK_INT(db->ops->exec_script(db->conn, "ALTER TABLE vt_item DROP COLUMN extra", &err), DB_OK);
	CHECK_INT(db_exec_reused(db, "SELECT * FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_OK);
	CHECK_INT(res ? (long long)res->ncols : -1, 8);
	db_result_free(&res);
	if (is_pg) {
		/* inside a transaction that error is the caller's; the next run,
		 * after the rollback, prepares the statement again */
		CHECK_INT(db->ops->exec_script(db->conn, "ALTER TABLE vt_item ADD COLUMN extra integer NULL", &err), DB_OK);
		CHECK_INT(db_begin(db, &err), DB_OK);
		CHECK_INT(db_exec_reused(db, "SELECT * FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_ERR_OTHER);
		CHECK_MSG(strstr(err.message, "result type") != NULL, "%s: %s", e->name, err.message);
		db_rollback(db);
		CHECK_INT(db_exec_reused(db, "SELECT * FROM vt_item WHERE name = ?", 1, p, &res, &err), DB_OK);
		CHECK_INT(res ? (long long)res->ncols : -1, 9);
		db_result_free(&res);
		CHECK_INT(db->ops->exec_script(db->conn, "ALTER TABLE vt_item DROP COLUMN extra", &err), DB_OK);
	}
	CHECK_INT(db_exec(db, "DELETE FROM vt_item WHERE name LIKE 'reuse-%'", 0, NULL, NULL, &err), DB_OK);
}

static void run_suite(const struct engine *e)
{
	struct db *db = NULL;
	struct db_error err;
	const char *desc;
	char *pw;
	int failed = unit_failed;

	printf("%s: running the backend suite\n", e->name);
	memset(&err, 0, sizeof err);
	CHECK_INT(db_open(e->url, 0, &db, &err), DB_OK);
	if (!db) {
		fprintf(stderr, "FAIL %s: cannot open the test database: %s\n", e->name, err.message);
		unit_failed++;
		return;
	}
	desc = db->ops->describe(db->conn);
	pw = url_password(e->url);
	CHECK(desc && *desc);
	CHECK_MSG(!pw || !strstr(desc, pw), "%s: describe() shows the password: %s", e->name, desc);
	free(pw);
	printf("  %s\n", desc);

	if (strcmp(e->name, "sqlite") == 0) {
		struct db_result *res = NULL;

		/* the session's page cache (db/sqlite.c), in KiB when negative */
		CHECK_INT(db_exec(db, "PRAGMA cache_size", 0, NULL, &res, &err), DB_OK);
		CHECK_MSG(res && res->nrows == 1 && db_value(res, 0, 0) && strcmp(db_value(res, 0, 0), "-32768") == 0,
			  "sqlite: cache_size %s", res && res->nrows ? db_value(res, 0, 0) : "(none)");
		db_result_free(&res);
	}

	/* start clean even after an interrupted run */
	CHECK_INT(db->ops->exec_script(db->conn, e->drop, &err), DB_OK);
	CHECK_INT(db->ops->exec_script(db->conn, e->create_item, &err), DB_OK);
	if (unit_failed == failed) {
		test_values(e, db);
		test_transactions(e, db);
		test_reused(e, db);
		test_script(e, db);
		test_introspect(e, db);
		test_read_only(e);
		test_lost_connection(e, db);
	} else {
		fprintf(stderr, "  %s: setup failed (%s); skipping the rest\n", e->name, err.message);
	}
	test_connect_errors(e);

	CHECK_INT(db->ops->exec_script(db->conn, e->drop, &err), DB_OK);
	db_close(&db);
	CHECK(db == NULL);
	printf("%s: %s\n", e->name, unit_failed == failed ? "ok" : "FAILED");
}

static void test_urls(void)
{
	struct db_error err;
	struct db *db = NULL;

	CHECK(db_ops_for_url("nosuch://x", &err) == NULL);
	CHECK_INT(err.status, DB_ERR_URL);
	CHECK(strstr(err.message, "nosuch") != NULL);
	CHECK_INT(db_open("", 0, &db, &err), DB_ERR_URL);
	CHECK_INT(db_open("http://u:Secr3t@h/x", 0, &db, &err), DB_ERR_URL);
	CHECK(strstr(err.message, "Secr3t") == NULL);
#if HAVE_PGSQL
	CHECK(db_ops_for_url("postgres://h/db", NULL) == &db_pg_ops);
	CHECK(db_ops_for_url("host=/tmp dbname=x", NULL) == &db_pg_ops);
#endif
#if HAVE_MYSQL
	CHECK(db_ops_for_url("mariadb://h/db", NULL) == &db_mysql_ops);
#endif
}

int main(void)
{
	struct engine pg = {"postgresql", getenv("VMAILADM_TEST_PG_URL"), pg_create_item, pg_create_trigger, "vt_touch",
			    pg_drop};
	struct engine my = {"mysql", getenv("VMAILADM_TEST_MYSQL_URL"), my_create_item, my_create_trigger, "NEW.qty",
			    my_drop};
	struct engine sq = {"sqlite", NULL, sq_create_item, sq_create_trigger, "NEW.qty", sq_drop};

	test_urls();
	if (pg.url && *pg.url && HAVE_PGSQL)
		run_suite(&pg);
	else
		printf("postgresql: SKIPPED (%s)\n", HAVE_PGSQL ? "VMAILADM_TEST_PG_URL is not set" : "not built in");
	if (my.url && *my.url && HAVE_MYSQL)
		run_suite(&my);
	else
		printf("mysql: SKIPPED (%s)\n", HAVE_MYSQL ? "VMAILADM_TEST_MYSQL_URL is not set" : "not built in");
#if HAVE_SQLITE
	/* the runner's fresh database, else a file of our own */
	if (getenv("VMAILADM_TEST_SQLITE_URL") && *getenv("VMAILADM_TEST_SQLITE_URL")) {
		sq.url = getenv("VMAILADM_TEST_SQLITE_URL");
		run_suite(&sq);
	} else {
		char *path = unit_sqlite_path("test-db");
		char *url;

		if (!path)
			return 1;
		url = xasprintf("sqlite:%s", path);
		sq.url = url;
		run_suite(&sq);
		unit_remove_sqlite_files(path);
		free(url);
		free(path);
	}
#else
	printf("sqlite: SKIPPED (not built in)\n");
#endif
	return unit_finish("test_db");
}
