/* SPDX-License-Identifier: MIT */
/* mysql.c: the MySQL/MariaDB backend (MariaDB Connector/C or libmysqlclient).
 * Statements with values are server-side prepared statements whose parameters
 * are all bound as strings; results come back as text. */
#include "db/db.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/url.h"
#include "lib/xalloc.h"

struct db_conn {
	MYSQL *my;
	char *desc;
	int mariadb; /* server is MariaDB (defaults are reported quoted) */
};

/* The parts of a mysql:// URL; all strings owned, NULL when absent. */
struct my_url {
	char *scheme, *user, *password, *host, *db, *socket;
	unsigned port;
};

static void url_free(struct my_url *u)
{
	free(u->scheme);
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->db);
	free(u->socket);
	memset(u, 0, sizeof *u);
}

/* Parses mysql://[user[:password]@][host[:port]]/db[?socket=PATH].
 * Messages name the part that is wrong, never its value when it may be secret. */
static enum db_status url_parse(const char *url, struct my_url *u, struct db_error *err)
{
	const char *p = strstr(url, "://"), *key, *val;
	struct url_parts parts;
	enum url_status us;
	enum db_status st = DB_OK;
	size_t klen, vlen;

	memset(u, 0, sizeof *u);
	if (!p)
		return db_error_set(err, DB_ERR_URL, "mysql: URL must start with mysql:// or mariadb://");
	u->scheme = xstrndup(url, (size_t)(p - url));
	us = url_split(p + 3, &parts);
	if (us == URL_BAD_USER)
		st = db_error_set(err, DB_ERR_URL, "mysql: bad percent-encoding in the URL's user name");
	else if (us == URL_BAD_PASSWORD)
		st = db_error_set(err, DB_ERR_URL, "mysql: bad percent-encoding in the URL's password");
	else if (!parts.has_path)
		st = db_error_set(err, DB_ERR_URL,
				  "mysql: no database name in URL (expected mysql://user:password@host:port/DATABASE)");
	else if (us == URL_BAD_BRACKET)
		st = db_error_set(err, DB_ERR_URL, "mysql: unterminated [IPv6 address] in URL host");
	else if (parts.text_after_bracket)
		st = db_error_set(err, DB_ERR_URL, "mysql: unexpected text after ] in URL host");
	else if (us == URL_BAD_HOST)
		st = db_error_set(err, DB_ERR_URL, "mysql: bad percent-encoding in the URL's host");
	if (st != DB_OK)
		goto out;
	if (parts.port) {
		const char *num = parts.port;
		char *e;
		unsigned long port = strtoul(num, &e, 10);

		if (!*num || *e || port == 0 || port > 65535 || num[0] == '-' || num[0] == '+') {
			st = db_error_set(err, DB_ERR_URL,
					  "mysql: bad port in URL (a number 1-65535; percent-encode ':' '/' '@' in the user and password)");
			goto out;
		}
		u->port = (unsigned)port;
	}
	if (!parts.path || !*parts.path || strchr(parts.path, '/')) {
		st = db_error_set(err, DB_ERR_URL,
				  "mysql: bad or missing database name in URL (mysql://user:password@host/DATABASE)");
		goto out;
	}
	u->user = parts.user;
	u->password = parts.password;
	u->host = parts.host;
	u->db = parts.path;
	parts.user = parts.password = parts.host = parts.path = NULL;
	while (url_query_next(&parts.query, &key, &klen, &val, &vlen)) {
		if (val && klen == strlen("socket") && strncmp(key, "socket", 6) == 0) {
			free(u->socket);
			u->socket = url_pct_decode(val, vlen);
			if (!u->socket || !*u->socket) {
				st = db_error_set(err, DB_ERR_URL,
						  "mysql: bad socket path in URL (?socket=/path/to/mysqld.sock)");
				goto out;
			}
		} else if (klen > 0 || val) {
			int n = (int)klen;

			st = db_error_set(err, DB_ERR_URL,
					  "mysql: unknown URL parameter '%.*s' (only socket=PATH is known)",
					  n > 40 ? 40 : n, key);
			goto out;
		}
	}
out:
	url_parts_free(&parts);
	if (st != DB_OK)
		url_free(u);
	return st;
}

/* --- errors ------------------------------------------------------------- */

static enum db_status status_of_errno(unsigned e)
{
	switch (e) {
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		return DB_ERR_DUPLICATE;
	case ER_ACCESS_DENIED_ERROR:
	case ER_DBACCESS_DENIED_ERROR:
	case ER_TABLEACCESS_DENIED_ERROR:
	case ER_COLUMNACCESS_DENIED_ERROR:
	case ER_SPECIFIC_ACCESS_DENIED_ERROR:
	case ER_PROCACCESS_DENIED_ERROR:
		return DB_ERR_PERMISSION;
	case ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION:
	case ER_OPTION_PREVENTS_STATEMENT: /* the server runs --read-only */
		return DB_ERR_READ_ONLY;
	case ER_BAD_DB_ERROR: /* at connect: the database is not there */
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_UNKNOWN_HOST:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case CR_IPSOCK_ERROR:
	case ER_CON_COUNT_ERROR:
	case ER_SERVER_SHUTDOWN:
		return DB_ERR_CONNECTION;
	default:
		return DB_ERR_OTHER;
	}
}

/* Sets err from an errno and message of the client library. */
static enum db_status fail(struct db_conn *c, unsigned e, const char *msg, struct db_error *err)
{
	enum db_status st = status_of_errno(e);

	if (st == DB_ERR_CONNECTION)
		return db_error_set(err, st, "mysql: connection to %s lost: %s", c->desc, msg);
	return db_error_set(err, st, "mysql: %s", msg);
}

static enum db_status conn_fail(struct db_conn *c, struct db_error *err)
{
	return fail(c, mysql_errno(c->my), mysql_error(c->my), err);
}

static enum db_status stmt_fail(struct db_conn *c, MYSQL_STMT *s, struct db_error *err)
{
	return fail(c, mysql_stmt_errno(s), mysql_stmt_error(s), err);
}

/* --- connection --------------------------------------------------------- */

static char *describe_url(const struct my_url *u)
{
	const char *user = u->user ? u->user : "";
	const char *engine = strcasecmp(u->scheme, "mariadb") == 0 ? "mariadb" : "mysql";

	if (u->socket)
		return xasprintf("%s %s@localhost(socket %s)/%s", engine, user, u->socket, u->db);
	if (!u->host || strcmp(u->host, "localhost") == 0)
		return xasprintf("%s %s@localhost(socket)/%s", engine, user, u->db);
	if (u->port)
		return xasprintf("%s %s@%s:%u/%s", engine, user, u->host, u->port, u->db);
	return xasprintf("%s %s@%s/%s", engine, user, u->host, u->db);
}

static enum db_status query(struct db_conn *c, const char *sql, struct db_error *err)
{
	MYSQL_RES *r;

	if (mysql_real_query(c->my, sql, strlen(sql)) != 0)
		return conn_fail(c, err);
	r = mysql_store_result(c->my);
	mysql_free_result(r);
	return DB_OK;
}

static enum db_status my_connect(const char *url, int read_only, struct db_conn **out, struct db_error *err)
{
	/* READ COMMITTED, as PostgreSQL runs: under REPEATABLE READ an UPDATE
	 * that finds no row (the mailbox triggers' update of a quota row not
	 * inserted yet) takes a gap lock, and two scripts adding mailboxes at
	 * once deadlocked on their admin_quota inserts into that gap. Not with a
	 * statement-based binary log, which refuses writes under it. The
	 * variable is tx_isolation up to MariaDB 11.0, transaction_isolation in
	 * MySQL 8. */
	static const char session_sql[] =
		"SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
		"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', SESSION %s = IF(@@log_bin AND "
		"@@binlog_format = 'STATEMENT', @@%s, 'READ-COMMITTED')";
	char session[sizeof session_sql + 64];
	struct my_url u;
	struct db_conn *c;
	enum db_status st;
	unsigned timeout = 10;
	my_bool yes = 1;
	unsigned int no_infile = 0;

	*out = NULL;
	st = url_parse(url, &u, err);
	if (st != DB_OK)
		return st;
	c = xcalloc(1, sizeof *c);
	c->desc = describe_url(&u);
	c->my = mysql_init(NULL);
	if (!c->my)
		xdie("out of memory (mysql_init)");
	mysql_options(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(c->my, MYSQL_REPORT_DATA_TRUNCATION, &yes);
	mysql_options(c->my, MYSQL_OPT_LOCAL_INFILE, &no_infile);
	/* CLIENT_FOUND_ROWS: an UPDATE reports the rows it matched, as PostgreSQL
	 * and SQLite do, so "0 affected" means "no such row" everywhere */
	if (!mysql_real_connect(c->my, u.host, u.user, u.password, u.db, u.port, u.socket, CLIENT_FOUND_ROWS)) {
		unsigned e = mysql_errno(c->my);

		st = status_of_errno(e);
		if (st == DB_ERR_OTHER)
			st = DB_ERR_CONNECTION;
		db_error_set(err, st, "mysql: cannot connect to %s: %s", c->desc, mysql_error(c->my));
		goto fail;
	}
	c->mariadb = strstr(mysql_get_server_info(c->my), "MariaDB") != NULL;
	{
		const char *iso = c->mariadb && mysql_get_server_version(c->my) < 110100 ? "tx_isolation"
											 : "transaction_isolation";

		snprintf(session, sizeof session, session_sql, iso, iso);
	}
	st = query(c, session, err);
	if (st == DB_OK && mysql_autocommit(c->my, 1) != 0)
		st = conn_fail(c, err);
	if (st == DB_OK && read_only)
		st = query(c, "SET SESSION TRANSACTION READ ONLY", err);
	if (st != DB_OK)
		goto fail;
	if (read_only) {
		char *d = xasprintf("%s (read-only)", c->desc);

		free(c->desc);
		c->desc = d;
	}
	url_free(&u);
	*out = c;
	return DB_OK;
fail:
	url_free(&u);
	mysql_close(c->my);
	free(c->desc);
	free(c);
	return st;
}

static void my_close(struct db_conn *c)
{
	if (!c)
		return;
	mysql_close(c->my);
	free(c->desc);
	free(c);
}

/* --- statements --------------------------------------------------------- */

/* A result of the text protocol (statements without parameters). */
static struct db_result *text_result(MYSQL_RES *r)
{
	unsigned ncols = mysql_num_fields(r), i;
	MYSQL_FIELD *f = mysql_fetch_fields(r);
	struct db_result *res = db_result_new(ncols);
	size_t *lens = xcalloc(ncols + 1, sizeof *lens);
	MYSQL_ROW row;

	for (i = 0; i < ncols; i++)
		db_result_set_colname(res, i, f[i].name);
	while ((row = mysql_fetch_row(r)) != NULL) {
		unsigned long *l = mysql_fetch_lengths(r);

		for (i = 0; i < ncols; i++)
			lens[i] = l[i];
		db_result_add_row(res, (const char *const *)row, lens);
	}
	free(lens);
	return res;
}

static enum db_status run_text(struct db_conn *c, const char *sql, struct db_result **resp, long long *insert_id,
			       struct db_error *err)
{
	MYSQL_RES *r;
	struct db_result *res;

	if (mysql_real_query(c->my, sql, strlen(sql)) != 0)
		return conn_fail(c, err);
	r = mysql_store_result(c->my);
	if (!r && mysql_field_count(c->my) != 0)
		return conn_fail(c, err);
	if (r) {
		res = text_result(r);
		mysql_free_result(r);
	} else {
		res = db_result_new(0);
		res->affected = (long long)mysql_affected_rows(c->my);
	}
	if (insert_id)
		*insert_id = (long long)mysql_insert_id(c->my);
	if (resp)
		*resp = res;
	else
		db_result_free(&res);
	return DB_OK;
}

/* Fetches every row of an executed statement with result metadata meta. */
static enum db_status fetch_rows(struct db_conn *c, MYSQL_STMT *s, MYSQL_RES *meta, struct db_result *res,
				 struct db_error *err)
{
	unsigned ncols = mysql_num_fields(meta), i;
	MYSQL_BIND *b = xcalloc(ncols + 1, sizeof *b);
	char **bufs = xcalloc(ncols + 1, sizeof *bufs);
	size_t *caps = xcalloc(ncols + 1, sizeof *caps);
	unsigned long *lens = xcalloc(ncols + 1, sizeof *lens);
	my_bool *nulls = xcalloc(ncols + 1, sizeof *nulls);
	my_bool *errs = xcalloc(ncols + 1, sizeof *errs);
	const char **vals = xcalloc(ncols + 1, sizeof *vals);
	size_t *vlens = xcalloc(ncols + 1, sizeof *vlens);
	enum db_status st = DB_OK;
	int rc;

	for (i = 0; i < ncols; i++) {
		caps[i] = 256;
		bufs[i] = xmalloc(caps[i]);
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = bufs[i];
		b[i].buffer_length = (unsigned long)caps[i];
		b[i].length = &lens[i];
		b[i].is_null = &nulls[i];
		b[i].error = &errs[i];
	}
	if (mysql_stmt_bind_result(s, b) != 0 || mysql_stmt_store_result(s) != 0) {
		st = stmt_fail(c, s, err);
		goto out;
	}
	while ((rc = mysql_stmt_fetch(s)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		for (i = 0; i < ncols; i++) {
			if (nulls[i]) {
				vals[i] = NULL;
				continue;
			}
			if (lens[i] >= caps[i]) {
				/* longer than the buffer: fetch this column again, whole */
				MYSQL_BIND one;

				caps[i] = lens[i] + 1;
				bufs[i] = xrealloc(bufs[i], caps[i]);
				memset(&one, 0, sizeof one);
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = bufs[i];
				one.buffer_length = (unsigned long)caps[i];
				one.length = &lens[i];
				one.is_null = &nulls[i];
				if (mysql_stmt_fetch_column(s, &one, i, 0) != 0) {
					st = stmt_fail(c, s, err);
					goto out;
				}
				/* rebind so the next rows use the larger buffer */
				b[i].buffer = bufs[i];
				b[i].buffer_length = (unsigned long)caps[i];
				if (mysql_stmt_bind_result(s, b) != 0) {
					st = stmt_fail(c, s, err);
					goto out;
				}
			}
			vals[i] = bufs[i];
			vlens[i] = lens[i];
		}
		db_result_add_row(res, vals, vlens);
	}
	if (rc != MYSQL_NO_DATA)
		st = stmt_fail(c, s, err);
out:
	for (i = 0; i < ncols; i++)
		free(bufs[i]);
	free(b);
	free(bufs);
	free(caps);
	free(lens);
	free(nulls);
	free(errs);
	free(vals);
	free(vlens);
	return st;
}

static enum db_status run(struct db_conn *c, const char *sql, int nparams, const char *const *params,
			  struct db_result **resp, long long *insert_id, struct db_error *err)
{
	MYSQL_STMT *s;
	MYSQL_BIND *b = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	MYSQL_RES *meta = NULL;
	struct db_result *res = NULL;
	enum db_status st = DB_OK;
	unsigned i, ncols;

	if (resp)
		*resp = NULL;
	if (nparams == 0)
		return run_text(c, sql, resp, insert_id, err);
	s = mysql_stmt_init(c->my);
	if (!s)
		xdie("out of memory (mysql_stmt_init)");
	if (mysql_stmt_prepare(s, sql, strlen(sql)) != 0) {
		st = stmt_fail(c, s, err);
		goto out;
	}
	if (mysql_stmt_param_count(s) != (unsigned long)nparams) {
		st = db_error_set(err, DB_ERR_OTHER, "mysql: statement has %lu placeholders, %d values given",
				  mysql_stmt_param_count(s), nparams);
		goto out;
	}
	b = xcalloc((size_t)nparams, sizeof *b);
	lens = xcalloc((size_t)nparams, sizeof *lens);
	nulls = xcalloc((size_t)nparams, sizeof *nulls);
	for (i = 0; i < (unsigned)nparams; i++) {
		nulls[i] = params[i] == NULL;
		lens[i] = params[i] ? (unsigned long)strlen(params[i]) : 0;
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = (void *)(uintptr_t)params[i];
		b[i].buffer_length = lens[i];
		b[i].length = &lens[i];
		b[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_param(s, b) != 0 || mysql_stmt_execute(s) != 0) {
		st = stmt_fail(c, s, err);
		goto out;
	}
	meta = mysql_stmt_result_metadata(s);
	if (meta) {
		MYSQL_FIELD *f = mysql_fetch_fields(meta);

		ncols = mysql_num_fields(meta);
		res = db_result_new(ncols);
		for (i = 0; i < ncols; i++)
			db_result_set_colname(res, i, f[i].name);
		st = fetch_rows(c, s, meta, res, err);
		if (st != DB_OK)
			goto out;
	} else {
		res = db_result_new(0);
		res->affected = (long long)mysql_stmt_affected_rows(s);
	}
	if (insert_id)
		*insert_id = (long long)mysql_stmt_insert_id(s);
	if (resp) {
		*resp = res;
		res = NULL;
	}
out:
	db_result_free(&res);
	if (meta)
		mysql_free_result(meta);
	mysql_stmt_close(s);
	free(b);
	free(lens);
	free(nulls);
	return st;
}

static enum db_status my_exec(struct db_conn *c, const char *sql, int nparams, const char *const *params,
			      struct db_result **res, struct db_error *err)
{
	return run(c, sql, nparams, params, res, NULL, err);
}

static enum db_status my_insert(struct db_conn *c, const char *sql, int nparams, const char *const *params,
				long long *id, struct db_error *err)
{
	long long got = 0;
	struct db_result *res = NULL;
	enum db_status st = run(c, sql, nparams, params, &res, &got, err);

	if (st == DB_OK) {
		res->insert_id = got;
		if (id)
			*id = got;
	}
	db_result_free(&res);
	return st;
}

/* Where statement number n (1-based) of a script starts, and its line: the
 * statements split at ';' outside strings and comments, as the server does
 * for a script without compound (BEGIN ... END) bodies. */
static const char *nth_statement(const char *sql, unsigned n, int *line)
{
	const char *s = sql, *start = sql;
	unsigned k = 1;

	*line = 1;
	while (*s && k < n) {
		if (*s == '\'' || *s == '"' || *s == '`') {
			char q = *s++;

			while (*s && *s != q) {
				if (*s == '\\' && q != '`' && s[1])
					s++;
				else if (*s == '\n')
					++*line;
				s++;
			}
			if (*s)
				s++;
		} else if ((s[0] == '-' && s[1] == '-' && (s[2] == ' ' || s[2] == '\t' || s[2] == '\n')) || s[0] == '#') {
			while (*s && *s != '\n')
				s++;
		} else if (s[0] == '/' && s[1] == '*') {
			for (s += 2; *s && !(s[0] == '*' && s[1] == '/'); s++)
				if (*s == '\n')
					++*line;
			if (*s)
				s += 2;
		} else {
			if (*s == '\n')
				++*line;
			if (*s == ';') {
				k++;
				start = s + 1;
			}
			s++;
		}
	}
	/* skip the blank lines and comments before the statement itself */
	for (s = start; *s;) {
		if (*s == '\n') {
			++*line;
			s++;
		} else if (*s == ' ' || *s == '\t' || *s == '\r') {
			s++;
		} else if ((s[0] == '-' && s[1] == '-') || s[0] == '#') {
			while (*s && *s != '\n')
				s++;
		} else {
			break;
		}
	}
	return s;
}

static enum db_status script_fail(struct db_conn *c, const char *sql, unsigned n, struct db_error *err)
{
	int line;
	const char *stmt = nth_statement(sql, n, &line);
	int len = (int)strcspn(stmt, "\n");
	enum db_status st = conn_fail(c, err);

	if (err && st != DB_ERR_CONNECTION) {
		size_t l = strlen(err->message);

		snprintf(err->message + l, sizeof err->message - l, " (script statement %u, line %d: %.*s%s)", n, line,
			 len > 60 ? 60 : len, stmt, len > 60 ? "..." : "");
	}
	return st;
}

static enum db_status my_exec_script(struct db_conn *c, const char *sql, struct db_error *err)
{
	enum db_status st = DB_OK;
	unsigned n = 1;
	int rc;

	/* several statements in one query only here, where there are no values */
	if (mysql_set_server_option(c->my, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
		return conn_fail(c, err);
	if (mysql_real_query(c->my, sql, strlen(sql)) != 0) {
		st = script_fail(c, sql, n, err);
	} else {
		do {
			MYSQL_RES *r = mysql_store_result(c->my);

			if (r)
				mysql_free_result(r);
			else if (mysql_field_count(c->my) != 0) {
				st = script_fail(c, sql, n, err);
				break;
			}
			rc = mysql_next_result(c->my);
			n++;
			if (rc > 0)
				st = script_fail(c, sql, n, err);
		} while (rc == 0);
	}
	if (mysql_set_server_option(c->my, MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0 && st == DB_OK)
		st = conn_fail(c, err);
	return st;
}

static enum db_status my_begin(struct db_conn *c, struct db_error *err)
{
	return query(c, "START TRANSACTION", err);
}

static enum db_status my_commit(struct db_conn *c, struct db_error *err)
{
	if (mysql_commit(c->my) != 0) {
		enum db_status st = conn_fail(c, err);

		/* leave no transaction open behind a failed commit */
		mysql_rollback(c->my);
		return st;
	}
	return DB_OK;
}

static enum db_status my_rollback(struct db_conn *c, struct db_error *err)
{
	if (mysql_rollback(c->my) != 0)
		return conn_fail(c, err);
	return DB_OK;
}

/* --- introspection ------------------------------------------------------ */

/* COLUMN_TYPE as db.h names it. */
static const struct db_type_rule my_types[] = {
	{DB_TYPE_EXACT, "tinyint(1)", "bool"},
	{DB_TYPE_EXACT, "tinyint(1) unsigned", "bool"},
	{DB_TYPE_EXACT, "bool", "bool"},
	{DB_TYPE_EXACT, "boolean", "bool"},
	{DB_TYPE_WORD, "int", "int"},
	{DB_TYPE_WORD, "integer", "int"},
	{DB_TYPE_WORD, "bigint", "bigint"},
	{DB_TYPE_WORD, "text", "text"},
	{DB_TYPE_WORD, "longtext", "text"},
	{DB_TYPE_WORD, "mediumtext", "text"},
	{DB_TYPE_WORD, "datetime", "timestamp"},
	{DB_TYPE_WORD, "timestamp", "timestamp"},
	{0, NULL, NULL},
};

/* A column default as the other backends give it: string literals unquoted,
 * CURRENT_TIMESTAMP without its precision, NULL for no default. MariaDB quotes
 * literals ('x'), MySQL 8 does not.
 * Caller frees. */
static char *norm_default(const void *ctx, const char *d, const char *type)
{
	const struct db_conn *c = ctx;
	size_t n = strlen(d);
	char *out, *o;
	const char *s;

	(void)type;
	if (strcasecmp(d, "NULL") == 0 && c->mariadb)
		return NULL;
	if (strncasecmp(d, "current_timestamp", 17) == 0 && (d[17] == '\0' || d[17] == '('))
		return xstrdup("CURRENT_TIMESTAMP");
	if (!c->mariadb || d[0] != '\'' || n < 2 || d[n - 1] != '\'')
		return xstrdup(d);
	out = o = xmalloc(n);
	for (s = d + 1; s < d + n - 1; s++) {
		if ((*s == '\'' && s[1] == '\'') || (*s == '\\' && s[1]))
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static enum db_status my_introspect(struct db_conn *c, enum db_introspect what, const char *table,
				    struct db_result **resp, struct db_error *err)
{
	static const char tables_sql[] =
		"SELECT TABLE_NAME FROM information_schema.TABLES"
		" WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";
	static const char columns_sql[] =
		"SELECT COLUMN_NAME, COLUMN_TYPE, IF(IS_NULLABLE = 'YES', 1, 0), COLUMN_DEFAULT"
		" FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
		" ORDER BY ORDINAL_POSITION";
	static const char indexes_sql[] =
		"SELECT INDEX_NAME, IF(MAX(NON_UNIQUE) = 0, 1, 0),"
		" GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ',')"
		" FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
		" GROUP BY INDEX_NAME ORDER BY INDEX_NAME";
	static const char triggers_sql[] =
		"SELECT TRIGGER_NAME, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION), ACTION_STATEMENT"
		" FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ?"
		" ORDER BY TRIGGER_NAME";
	const char *p1[1] = {table};
	struct db_result *raw = NULL, *res;
	enum db_status st;

	*resp = NULL;
	if (what != DB_INTROSPECT_TABLES && !table)
		return db_error_set(err, DB_ERR_OTHER, "mysql: introspection needs a table name");
	switch (what) {
	case DB_INTROSPECT_TABLES:
		return run(c, tables_sql, 0, NULL, resp, NULL, err);
	case DB_INTROSPECT_INDEXES:
		return run(c, indexes_sql, 1, p1, resp, NULL, err);
	case DB_INTROSPECT_TRIGGERS:
		return run(c, triggers_sql, 1, p1, resp, NULL, err);
	case DB_INTROSPECT_COLUMNS:
		st = run(c, columns_sql, 1, p1, &raw, NULL, err);
		if (st != DB_OK)
			return st;
		res = db_columns_result(raw, my_types, "varchar(", norm_default, c);
		db_result_free(&raw);
		*resp = res;
		return DB_OK;
	}
	return db_error_set(err, DB_ERR_OTHER, "mysql: unknown introspection");
}

static const char *my_describe(struct db_conn *c)
{
	return c->desc;
}

const struct db_ops db_mysql_ops = {
	.scheme = "mysql",
	.engine = DB_ENGINE_MYSQL,
	.connect = my_connect,
	.close = my_close,
	.exec = my_exec,
	.insert = my_insert,
	.exec_script = my_exec_script,
	.begin = my_begin,
	.commit = my_commit,
	.rollback = my_rollback,
	.introspect = my_introspect,
	.describe = my_describe,
};
