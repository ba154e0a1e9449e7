/* SPDX-License-Identifier: MIT */
/* pg.c: the PostgreSQL backend (libpq). Values are sent as text parameters of
 * PQexecParams; `?` placeholders become $1..$n. */
#include "db/db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/xalloc.h"

#define PG_BOOLOID 16

/* A statement kept prepared under a name (pg_exec_reused). */
struct kept {
	char *text; /* as sent: $n placeholders; NULL when the slot is free */
	char name[32];
	unsigned long used;
};

#define PG_KEPT 16

struct db_conn {
	PGconn *pg;
	char *desc;
	char *password; /* from the URL, only to scrub it from messages */
	struct kept kept[PG_KEPT];
	unsigned long uses;
};

/* Replaces every occurrence of secret in msg (in place) with "***". */
static void scrub(char *msg, size_t size, const char *secret)
{
	size_t n, tail;
	char *p = msg;

	if (!secret || !*secret)
		return;
	n = strlen(secret);
	while ((p = strstr(p, secret)) != NULL) {
		if ((size_t)(p - msg) + 4 > size) {
			*p = '\0';
			break;
		}
		tail = strlen(p + n);
		if ((size_t)(p - msg) + 3 + tail + 1 > size)
			tail = size - (size_t)(p - msg) - 4; /* cut the end to make room */
		memmove(p + 3, p + n, tail);
		p[3 + tail] = '\0';
		memcpy(p, "***", 3);
		p += 3;
	}
}

/* Copies a libpq message into err, on one line, without trailing newlines. */
static void set_message(struct db_error *err, const char *prefix, const char *msg, const char *password)
{
	size_t i, j, len;

	if (!err)
		return;
	snprintf(err->message, sizeof err->message, "%s%s", prefix, msg ? msg : "unknown error");
	len = strlen(err->message);
	while (len > 0 && (err->message[len - 1] == '\n' || err->message[len - 1] == ' '))
		err->message[--len] = '\0';
	/* one line: every run of white space (libpq's "\n\t") becomes one space */
	for (i = 0, j = 0; i < len; i++) {
		char ch = err->message[i];

		if (ch == '\n' || ch == '\t' || ch == '\r')
			ch = ' ';
		if (ch == ' ' && j > 0 && err->message[j - 1] == ' ')
			continue;
		err->message[j++] = ch;
	}
	err->message[j] = '\0';
	scrub(err->message, sizeof err->message, password);
}

static enum db_status status_of_sqlstate(const char *state)
{
	if (!state)
		return DB_ERR_OTHER;
	if (strcmp(state, "23505") == 0)
		return DB_ERR_DUPLICATE;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0)
		return DB_ERR_CONNECTION;
	if (strncmp(state, "28", 2) == 0 || strcmp(state, "42501") == 0)
		return DB_ERR_PERMISSION;
	if (strcmp(state, "25006") == 0)
		return DB_ERR_READ_ONLY;
	return DB_ERR_OTHER;
}

/* Maps a failed result (or a NULL one) to a status and message. */
static enum db_status result_error(struct db_conn *c, PGresult *r, struct db_error *err)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	enum db_status st = status_of_sqlstate(state);
	char buf[1024];

	if (!state && PQstatus(c->pg) == CONNECTION_BAD)
		st = DB_ERR_CONNECTION;
	if (primary)
		snprintf(buf, sizeof buf, "%s%s%s", primary, detail ? " -- " : "", detail ? detail : "");
	else
		snprintf(buf, sizeof buf, "%s", PQerrorMessage(c->pg));
	if (st == DB_ERR_CONNECTION) {
		char pre[300];

		snprintf(pre, sizeof pre, "postgresql: connection to %s lost: ", c->desc);
		set_message(err, pre, buf, c->password);
	} else {
		set_message(err, "postgresql: ", buf, c->password);
	}
	if (err)
		err->status = st;
	return st;
}

/* --- placeholders ------------------------------------------------------- */

static int is_ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       (unsigned char)ch >= 0x80;
}

/* Length of the dollar-quote tag ($tag$ or $$) starting at s, or 0. */
static size_t dollar_tag(const char *s)
{
	size_t i = 1;

	if (s[1] >= '0' && s[1] <= '9')
		return 0;
	while (s[i] && s[i] != '$' && is_ident_char(s[i]))
		i++;
	return s[i] == '$' ? i + 1 : 0;
}

/* Where the lexical element that starts at s ends, when it is a quoted string,
 * quoted identifier, comment or dollar-quoted string; NULL otherwise. */
static const char *skip_quoted(const char *sql, const char *s)
{
	if (*s == '\'' || *s == '"') {
		char q = *s;
		/* E'...' strings take backslash escapes */
		int esc = q == '\'' && s > sql && (s[-1] == 'E' || s[-1] == 'e') &&
			  (s - 1 == sql || !is_ident_char(s[-2]));

		for (s++; *s; s++) {
			if (esc && *s == '\\' && s[1])
				s++;
			else if (*s == q && s[1] == q)
				s++;
			else if (*s == q)
				return s + 1;
		}
		return s;
	}
	if (s[0] == '-' && s[1] == '-') {
		while (*s && *s != '\n')
			s++;
		return s;
	}
	if (s[0] == '/' && s[1] == '*') {
		int depth = 1;

		for (s += 2; *s && depth > 0; s++) {
			if (s[0] == '/' && s[1] == '*') {
				depth++;
				s++;
			} else if (s[0] == '*' && s[1] == '/') {
				depth--;
				s++;
			}
		}
		return s;
	}
	if (*s == '$' && (s == sql || !is_ident_char(s[-1]))) {
		size_t n = dollar_tag(s);
		const char *end;

		if (!n)
			return NULL;
		for (end = s + n; *end; end++)
			if (strncmp(end, s, n) == 0)
				return end + n;
		return end;
	}
	return NULL;
}

/* Rewrites `?` outside strings and comments as $1..$n; caller frees. */
static char *renumber(const char *sql, int *count)
{
	size_t len = strlen(sql), q = 0;
	const char *s;
	char *out, *o;

	for (s = sql; *s; s++)
		if (*s == '?')
			q++;
	out = xmalloc(len + q * 10 + 1);
	o = out;
	*count = 0;
	for (s = sql; *s;) {
		const char *end = skip_quoted(sql, s);

		if (end) {
			memcpy(o, s, (size_t)(end - s));
			o += end - s;
			s = end;
		} else if (*s == '?') {
			o += sprintf(o, "$%d", ++*count);
			s++;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* --- connection --------------------------------------------------------- */

static void ignore_notice(void *arg, const char *message)
{
	/* NOTICEs ("table does not exist, skipping") must not reach the terminal */
	(void)arg;
	(void)message;
}

static char *describe_conn(PGconn *pg)
{
	const char *host = PQhost(pg), *port = PQport(pg), *db = PQdb(pg), *user = PQuser(pg);

	if (!host || !*host)
		host = "localhost";
	if (host[0] == '/')
		return xasprintf("postgresql %s@localhost(socket %s)/%s", user ? user : "", host, db ? db : "");
	return xasprintf("postgresql %s@%s%s%s/%s", user ? user : "", host, port && *port ? ":" : "", port ? port : "",
			 db ? db : "");
}

/* A password written in a URL that libpq could not parse, to scrub it from
 * libpq's message (which may quote the URL). Caller frees; NULL if none. */
static char *guess_password(const char *url)
{
	const char *p = strstr(url, "://"), *at, *colon, *kv;

	if (p) {
		p += 3;
		at = strrchr(p, '@');
		if (!at)
			return NULL;
		colon = memchr(p, ':', (size_t)(at - p));
		return colon ? xstrndup(colon + 1, (size_t)(at - colon - 1)) : NULL;
	}
	kv = strstr(url, "password");
	if (!kv)
		return NULL;
	kv += strlen("password");
	while (*kv == ' ')
		kv++;
	if (*kv++ != '=')
		return NULL;
	while (*kv == ' ')
		kv++;
	if (*kv == '\'') {
		const char *e = strchr(kv + 1, '\'');

		return e ? xstrndup(kv + 1, (size_t)(e - kv - 1)) : xstrdup(kv + 1);
	}
	return xstrndup(kv, strcspn(kv, " "));
}

static int is_login_refusal(PGconn *pg, const char *msg)
{
	return PQconnectionNeedsPassword(pg) || strstr(msg, "password authentication failed") ||
	       strstr(msg, "authentication failed for user") || strstr(msg, "no password supplied") ||
	       strstr(msg, "pg_hba.conf") || strstr(msg, "permission denied") ||
	       strstr(msg, "is not permitted to log in");
}

static enum db_status pg_connect(const char *url, int read_only, struct db_conn **out, struct db_error *err)
{
	/* the expanded URL overrides what comes before it, what comes after
	 * overrides the URL: a default connect timeout, a forced encoding */
	static const char *const keys[] = {"connect_timeout", "dbname", "client_encoding", "fallback_application_name",
					   NULL};
	const char *vals[] = {"10", url, "UTF8", "vmailadm", NULL};
	PQconninfoOption *opts, *o;
	char *perr = NULL;
	struct db_conn *c;
	PGresult *r;
	char *d;

	*out = NULL;
	opts = PQconninfoParse(url, &perr);
	if (!opts) {
		char *pw = guess_password(url);

		set_message(err, "postgresql: bad connection string: ", perr ? perr : "out of memory", pw);
		if (err)
			err->status = DB_ERR_URL;
		free(pw);
		PQfreemem(perr);
		return DB_ERR_URL;
	}
	c = xcalloc(1, sizeof *c);
	for (o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			c->password = xstrdup(o->val);
	PQconninfoFree(opts);

	c->pg = PQconnectdbParams(keys, vals, 1);
	if (!c->pg)
		xdie("out of memory (PQconnectdbParams)");
	c->desc = describe_conn(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(c->pg);
		enum db_status st = is_login_refusal(c->pg, msg) ? DB_ERR_PERMISSION : DB_ERR_CONNECTION;
		char pre[300];

		snprintf(pre, sizeof pre, "postgresql: cannot connect to %s: ", c->desc);
		set_message(err, pre, msg, c->password);
		if (err)
			err->status = st;
		PQfinish(c->pg);
		free(c->desc);
		free(c->password);
		free(c);
		return st;
	}
	PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
	/* Every query here reads a page or a few rows, but the planner costs a
	 * list's correlated counts at thousands of rows each and crosses
	 * jit_above_cost: JIT then compiles for far longer than the query runs
	 * (domain list at 1M mailboxes, tests/bench/RESULTS.md). A server
	 * without JIT (before 11) refuses the name: ignored. */
	PQclear(PQexec(c->pg, "SET jit = off"));
	if (read_only) {
		r = PQexec(c->pg, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;"
				  "SET default_transaction_read_only = on");
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			enum db_status st = result_error(c, r, err);

			PQclear(r);
			PQfinish(c->pg);
			free(c->desc);
			free(c->password);
			free(c);
			return st;
		}
		PQclear(r);
		d = xasprintf("%s (read-only)", c->desc);
		free(c->desc);
		c->desc = d;
	}
	*out = c;
	return DB_OK;
}

static void pg_close(struct db_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	for (int i = 0; i < PG_KEPT; i++)
		free(c->kept[i].text);
	free(c->desc);
	free(c->password);
	free(c);
}

/* --- statements --------------------------------------------------------- */

/* Builds a db_result from a PGresult (rows and affected count). */
static struct db_result *materialise(PGresult *r)
{
	int nrows = PQntuples(r), ncols = PQnfields(r), i, j;
	struct db_result *res = db_result_new((size_t)ncols);
	const char **vals = xcalloc((size_t)ncols + 1, sizeof *vals);
	size_t *lens = xcalloc((size_t)ncols + 1, sizeof *lens);
	const char *cmd = PQcmdStatus(r);

	for (j = 0; j < ncols; j++)
		db_result_set_colname(res, (size_t)j, PQfname(r, j));
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncols; j++) {
			const char *v = PQgetvalue(r, i, j);

			if (PQgetisnull(r, i, j)) {
				vals[j] = NULL;
				lens[j] = 0;
			} else if (PQftype(r, j) == PG_BOOLOID) {
				vals[j] = v[0] == 't' ? "1" : "0";
				lens[j] = 1;
			} else {
				vals[j] = v;
				lens[j] = (size_t)PQgetlength(r, i, j);
			}
		}
		db_result_add_row(res, vals, lens);
	}
	if (cmd && (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
		    strncmp(cmd, "DELETE", 6) == 0 || strncmp(cmd, "MERGE", 5) == 0))
		res->affected = atoll(PQcmdTuples(r));
	free(vals);
	free(lens);
	return res;
}

/* A statement's result r into *resp (when wanted) or err; clears r. */
static enum db_status take_result(struct db_conn *c, PGresult *r, struct db_result **resp, struct db_error *err)
{
	enum db_status st = DB_OK;

	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		if (resp)
			*resp = materialise(r);
		break;
	default:
		st = result_error(c, r, err);
	}
	PQclear(r);
	return st;
}

static enum db_status run(struct db_conn *c, const char *sql, int nparams, const char *const *params,
			  struct db_result **resp, struct db_error *err)
{
	int count;
	char *text = renumber(sql, &count);
	PGresult *r;

	if (resp)
		*resp = NULL;
	if (count != nparams) {
		free(text);
		return db_error_set(err, DB_ERR_OTHER, "postgresql: statement has %d placeholders, %d values given",
				    count, nparams);
	}
	r = PQexecParams(c->pg, text, nparams, NULL, params, NULL, NULL, 0);
	free(text);
	return take_result(c, r, resp, err);
}

static enum db_status pg_exec(struct db_conn *c, const char *sql, int nparams, const char *const *params,
			      struct db_result **res, struct db_error *err)
{
	return run(c, sql, nparams, params, res, err);
}

/* exec_reused (db.h): the statement prepared once under a name of its own
 * (vmailadm_k<n>), in one of the connection's PG_KEPT slots, the least
 * recently used slot given up (DEALLOCATE) for a new text. A named
 * statement's plan is the server's to reuse: after five runs it keeps a
 * generic plan when that costs no more than the custom ones did, and a
 * page query then skips the planner (1-2 ms here for a mailbox page's
 * five-table join, which runs in under 1). Where the server no longer knows
 * the name, or a table's change made the kept plan's result type wrong, the
 * slot is given up and, outside a transaction, the statement runs again
 * unnamed (inside one, the error is the caller's, as any other). */
static enum db_status pg_exec_reused(struct db_conn *c, const char *sql, int nparams, const char *const *params,
				     struct db_result **resp, struct db_error *err)
{
	int count, slot = -1;
	char *text = renumber(sql, &count);
	const char *state;
	struct kept *k;
	PGresult *r;
	enum db_status st;

	if (resp)
		*resp = NULL;
	if (count != nparams) {
		free(text);
		return run(c, sql, nparams, params, resp, err); /* which says why */
	}
	for (int i = 0; i < PG_KEPT && slot < 0; i++)
		if (c->kept[i].text && strcmp(c->kept[i].text, text) == 0)
			slot = i;
	if (slot < 0) {
		slot = 0;
		for (int i = 1; i < PG_KEPT; i++)
			if (c->kept[i].used < c->kept[slot].used)
				slot = i;
		k = &c->kept[slot];
		if (k->text) {
			char *dealloc = xasprintf("DEALLOCATE %s", k->name);

			PQclear(PQexec(c->pg, dealloc));
			free(dealloc);
			free(k->text);
			k->text = NULL;
		}
		/* a new name each time: one the server may still hold (a
		 * DEALLOCATE refused in a failed transaction) is never reused */
		snprintf(k->name, sizeof k->name, "vmailadm_k%lu", ++c->uses);
		r = PQprepare(c->pg, k->name, text, nparams, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			st = result_error(c, r, err);
			PQclear(r);
			free(text);
			return st;
		}
		PQclear(r);
		k->text = text;
		text = NULL;
	}
	free(text);
	k = &c->kept[slot];
	k->used = ++c->uses;
	r = PQexecPrepared(c->pg, k->name, nparams, params, NULL, NULL, 0);
	/* 26000: no such statement; 0A000: cached plan must not change result type */
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE); /* NULL unless it failed */
	if (state && (strcmp(state, "26000") == 0 || strcmp(state, "0A000") == 0)) {
		free(k->text);
		k->text = NULL;
		k->used = 0;
		if (PQtransactionStatus(c->pg) == PQTRANS_IDLE) {
			PQclear(r);
			return run(c, sql, nparams, params, resp, err);
		}
	}
	return take_result(c, r, resp, err);
}

static enum db_status pg_insert(struct db_conn *c, const char *sql, int nparams, const char *const *params,
				long long *id, struct db_error *err)
{
	size_t len = strlen(sql);
	struct db_result *res = NULL;
	enum db_status st;
	char *text;

	while (len > 0 && (sql[len - 1] == ';' || sql[len - 1] == ' ' || sql[len - 1] == '\n' || sql[len - 1] == '\t' ||
			   sql[len - 1] == '\r'))
		len--;
	text = xasprintf("%.*s RETURNING id", (int)len, sql);
	st = run(c, text, nparams, params, &res, err);
	free(text);
	if (st == DB_OK && id)
		*id = res->nrows > 0 && res->ncols > 0 && db_value(res, 0, 0) ? atoll(db_value(res, 0, 0)) : 0;
	db_result_free(&res);
	return st;
}

/* 1-based line of the character (not byte) position pos in a UTF-8 text. */
static int line_of(const char *sql, long pos)
{
	int line = 1;
	long ch = 0;
	const unsigned char *s;

	for (s = (const unsigned char *)sql; *s && ch < pos - 1; s++) {
		if ((*s & 0xc0) != 0x80)
			ch++;
		if (*s == '\n')
			line++;
	}
	return line;
}

static enum db_status pg_exec_script(struct db_conn *c, const char *sql, struct db_error *err)
{
	/* PQexec runs all statements as one implicit transaction (unless the
	 * text has its own BEGIN/COMMIT) and stops at the first error */
	PGresult *r = PQexec(c->pg, sql);
	enum db_status st = DB_OK;
	ExecStatusType rs = PQresultStatus(r);

	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK && rs != PGRES_EMPTY_QUERY) {
		const char *pos = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;

		st = result_error(c, r, err);
		if (pos && err) {
			size_t l = strlen(err->message);

			snprintf(err->message + l, sizeof err->message - l, " (script line %d)", line_of(sql, atol(pos)));
		}
	}
	PQclear(r);
	return st;
}

static enum db_status simple(struct db_conn *c, const char *sql, struct db_error *err)
{
	PGresult *r = PQexec(c->pg, sql);
	enum db_status st = DB_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		st = result_error(c, r, err);
	PQclear(r);
	return st;
}

static enum db_status pg_begin(struct db_conn *c, struct db_error *err)
{
	return simple(c, "BEGIN", err);
}

static enum db_status pg_commit(struct db_conn *c, struct db_error *err)
{
	PGresult *r = PQexec(c->pg, "COMMIT");
	enum db_status st = DB_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		st = result_error(c, r, err);
	else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
		/* COMMIT of a transaction that a failed statement aborted */
		st = db_error_set(err, DB_ERR_OTHER, "postgresql: transaction rolled back: a statement in it had failed");
	PQclear(r);
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		simple(c, "ROLLBACK", NULL);
	return st;
}

static enum db_status pg_rollback(struct db_conn *c, struct db_error *err)
{
	if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return DB_OK;
	return simple(c, "ROLLBACK", err);
}

/* --- introspection ------------------------------------------------------ */

/* The catalog type as db.h names it. */
static const struct db_type_rule pg_types[] = {
	{DB_TYPE_EXACT, "integer", "int"},          {DB_TYPE_EXACT, "bigint", "bigint"},
	{DB_TYPE_EXACT, "boolean", "bool"},         {DB_TYPE_EXACT, "text", "text"},
	{DB_TYPE_PREFIX, "timestamp", "timestamp"}, {0, NULL, NULL},
};

/* A column default as the other backends give it: a string or number literal
 * unquoted and without its cast ('x'::character varying -> x, '-1'::integer
 * -> -1), booleans as 1/0, anything else (CURRENT_TIMESTAMP, nextval(...))
 * as PostgreSQL prints it. Caller frees. */
static char *norm_default(const void *ctx, const char *d, const char *type)
{
	const char *s;
	char *out, *o;

	(void)ctx;
	if (strcmp(type, "bool") == 0 && (strcmp(d, "true") == 0 || strcmp(d, "false") == 0))
		return xstrdup(d[0] == 't' ? "1" : "0");
	if (d[0] != '\'')
		return xstrdup(d);
	for (s = d + 1; *s; s++) {
		if (*s == '\'' && s[1] == '\'')
			s++;
		else if (*s == '\'')
			break;
	}
	/* only a plain literal, optionally followed by one ::cast */
	if (*s != '\'' || (s[1] && strncmp(s + 1, "::", 2) != 0) || (s[1] && strchr(s + 3, '\'')))
		return xstrdup(d);
	out = o = xmalloc((size_t)(s - d) + 1);
	for (s = d + 1; *s; s++) {
		if (*s == '\'' && s[1] == '\'')
			s++;
		else if (*s == '\'')
			break;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static enum db_status pg_introspect(struct db_conn *c, enum db_introspect what, const char *table,
				    struct db_result **resp, struct db_error *err)
{
	static const char tables_sql[] = "SELECT c.relname FROM pg_catalog.pg_class c"
					 " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
					 " WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
					 " ORDER BY c.relname";
	static const char columns_sql[] =
		"SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,"
		" pg_catalog.pg_get_expr(d.adbin, d.adrelid)"
		" FROM pg_catalog.pg_attribute a"
		" JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
		" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
		" LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
		" WHERE c.relname = ? AND n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped"
		" ORDER BY a.attnum";
	/* key columns only (not INCLUDE ones), by position, expressions as text */
	static const char indexes_sql[] =
		"SELECT i.relname, x.indisunique,"
		" (SELECT string_agg(pg_catalog.pg_get_indexdef(x.indexrelid, k, true), ',' ORDER BY k)"
		"  FROM generate_series(1, x.indnkeyatts) AS k)"
		" FROM pg_catalog.pg_index x"
		" JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
		" JOIN pg_catalog.pg_class t ON t.oid = x.indrelid"
		" JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
		" WHERE t.relname = ? AND n.nspname = current_schema()"
		" ORDER BY i.relname";
	/* tgtype bits: 2 BEFORE, 64 INSTEAD OF, 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE */
	static const char triggers_sql[] =
		"SELECT g.tgname,"
		" CASE WHEN g.tgtype & 2 <> 0 THEN 'BEFORE' WHEN g.tgtype & 64 <> 0 THEN 'INSTEAD OF' ELSE 'AFTER' END"
		" || ' ' || concat_ws(' OR ', CASE WHEN g.tgtype & 4 <> 0 THEN 'INSERT' END,"
		"  CASE WHEN g.tgtype & 16 <> 0 THEN 'UPDATE' END, CASE WHEN g.tgtype & 8 <> 0 THEN 'DELETE' END,"
		"  CASE WHEN g.tgtype & 32 <> 0 THEN 'TRUNCATE' END),"
		" p.proname"
		" FROM pg_catalog.pg_trigger g"
		" JOIN pg_catalog.pg_class t ON t.oid = g.tgrelid"
		" JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
		" JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid"
		" WHERE NOT g.tgisinternal AND t.relname = ? AND n.nspname = current_schema()"
		" ORDER BY g.tgname";
	const char *p1[1] = {table};
	struct db_result *raw = NULL, *res;
	enum db_status st;

	*resp = NULL;
	if (what != DB_INTROSPECT_TABLES && !table)
		return db_error_set(err, DB_ERR_OTHER, "postgresql: introspection needs a table name");
	switch (what) {
	case DB_INTROSPECT_TABLES:
		return run(c, tables_sql, 0, NULL, resp, err);
	case DB_INTROSPECT_INDEXES:
		return run(c, indexes_sql, 1, p1, resp, err);
	case DB_INTROSPECT_TRIGGERS:
		return run(c, triggers_sql, 1, p1, resp, err);
	case DB_INTROSPECT_COLUMNS:
		st = run(c, columns_sql, 1, p1, &raw, err);
		if (st != DB_OK)
			return st;
		res = db_columns_result(raw, pg_types, "character varying(", norm_default, NULL);
		db_result_free(&raw);
		*resp = res;
		return DB_OK;
	}
	return db_error_set(err, DB_ERR_OTHER, "postgresql: unknown introspection");
}

static const char *pg_describe(struct db_conn *c)
{
	return c->desc;
}

const struct db_ops db_pg_ops = {
	.scheme = "postgresql",
	.engine = DB_ENGINE_PGSQL,
	.connect = pg_connect,
	.close = pg_close,
	.exec = pg_exec,
	.exec_reused = pg_exec_reused,
	.insert = pg_insert,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.introspect = pg_introspect,
	.describe = pg_describe,
};
