/* SPDX-License-Identifier: MIT */
/* db.c: picks the backend by URL and wraps its ops; shared result helpers. */
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "lib/xalloc.h"

const char *db_status_name(enum db_status st)
{
	switch (st) {
#define X(e, s)                                                                                                        \
	case e:                                                                                                        \
		return s;
		DB_STATUS_LIST(X)
#undef X
	}
	return "unknown";
}

enum db_status db_error_set(struct db_error *err, enum db_status st, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->status = st;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return st;
}

struct db_result *db_result_new(size_t ncols)
{
	struct db_result *res = xcalloc(1, sizeof *res);

	res->ncols = ncols;
	res->colnames = xcalloc(ncols ? ncols : 1, sizeof *res->colnames);
	return res;
}

void db_result_set_colname(struct db_result *res, size_t c, const char *name)
{
	free(res->colnames[c]);
	res->colnames[c] = xstrdup(name ? name : "");
}

void db_result_add_row(struct db_result *res, const char *const *vals, const size_t *lens)
{
	size_t c, base;

	/* grow by doubling: the capacity is the next power of two >= nrows */
	if ((res->nrows & (res->nrows - 1)) == 0)
		res->cells = xreallocarray(res->cells, (res->nrows ? res->nrows * 2 : 1) * (res->ncols ? res->ncols : 1),
					   sizeof *res->cells);
	base = res->nrows * res->ncols;
	for (c = 0; c < res->ncols; c++) {
		if (!vals[c])
			res->cells[base + c] = NULL;
		else if (lens && lens[c] != (size_t)-1)
			res->cells[base + c] = xstrndup(vals[c], lens[c]);
		else
			res->cells[base + c] = xstrdup(vals[c]);
	}
	res->nrows++;
}

void db_result_free(struct db_result **resp)
{
	struct db_result *res;
	size_t i;

	if (!resp || !*resp)
		return;
	res = *resp;
	for (i = 0; i < res->nrows * res->ncols; i++)
		free(res->cells[i]);
	for (i = 0; i < res->ncols; i++)
		free(res->colnames[i]);
	free(res->cells);
	free(res->colnames);
	free(res);
	*resp = NULL;
}

static int has_prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

/* A libpq key=value conninfo: "host=... dbname=..." */
static int looks_like_conninfo(const char *url)
{
	const char *eq = strchr(url, '=');
	const char *colon = strchr(url, ':');

	return eq && (!colon || eq < colon);
}

const struct db_ops *db_ops_for_url(const char *url, struct db_error *err)
{
	const char *engine = NULL;
	const struct db_ops *ops = NULL;

	if (!url || !*url) {
		db_error_set(err, DB_ERR_URL, "no database given (use -d URL, VMAILADM_DATABASE or [database] url)");
		return NULL;
	}
	if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://") || looks_like_conninfo(url)) {
		engine = "postgresql";
#if HAVE_PGSQL
		ops = &db_pg_ops;
#endif
	} else if (has_prefix(url, "mysql://") || has_prefix(url, "mariadb://")) {
		engine = "mysql";
#if HAVE_MYSQL
		ops = &db_mysql_ops;
#endif
	} else if (has_prefix(url, "sqlite:")) {
		engine = "sqlite";
#if HAVE_SQLITE
		ops = &db_sqlite_ops;
#endif
	} else {
		const char *colon = strchr(url, ':');
		int n = colon ? (int)(colon - url) : 0;

		if (n > 0 && n < 20)
			db_error_set(err, DB_ERR_URL,
				     "unknown database URL scheme '%.*s:' (expected postgresql://, mysql:// or sqlite:PATH)",
				     n, url);
		else
			db_error_set(err, DB_ERR_URL,
				     "not a database URL (expected postgresql://..., mysql://... or sqlite:PATH)");
		return NULL;
	}
	if (!ops)
		db_error_set(err, DB_ERR_NOT_BUILT, "%s support is not built in (vmailadm was configured --without-%s)",
			     engine, strcmp(engine, "postgresql") == 0 ? "pgsql" : engine);
	return ops;
}

enum db_status db_open(const char *url, int read_only, struct db **out, struct db_error *err)
{
	const struct db_ops *ops = db_ops_for_url(url, err);
	struct db_conn *conn = NULL;
	enum db_status st;

	*out = NULL;
	if (!ops)
		return err ? err->status : DB_ERR_URL;
	st = ops->connect(url, read_only, &conn, err);
	if (st != DB_OK)
		return st;
	*out = xcalloc(1, sizeof **out);
	(*out)->ops = ops;
	(*out)->conn = conn;
	return DB_OK;
}

void db_close(struct db **dbp)
{
	if (!dbp || !*dbp)
		return;
	if ((*dbp)->in_tx)
		db_rollback(*dbp);
	(*dbp)->ops->close((*dbp)->conn);
	free(*dbp);
	*dbp = NULL;
}

enum db_status db_exec(struct db *db, const char *sql, int nparams, const char *const *params, struct db_result **res,
		       struct db_error *err)
{
	return db->ops->exec(db->conn, sql, nparams, params, res, err);
}

enum db_status db_exec_reused(struct db *db, const char *sql, int nparams, const char *const *params,
			      struct db_result **res, struct db_error *err)
{
	if (db->ops->exec_reused)
		return db->ops->exec_reused(db->conn, sql, nparams, params, res, err);
	return db->ops->exec(db->conn, sql, nparams, params, res, err);
}

enum db_status db_insert(struct db *db, const char *sql, int nparams, const char *const *params, long long *id,
			 struct db_error *err)
{
	return db->ops->insert(db->conn, sql, nparams, params, id, err);
}

enum db_status db_begin(struct db *db, struct db_error *err)
{
	enum db_status st = db->ops->begin(db->conn, err);

	if (st == DB_OK)
		db->in_tx = 1;
	return st;
}

enum db_status db_commit(struct db *db, struct db_error *err)
{
	enum db_status st = db->ops->commit(db->conn, err);

	db->in_tx = 0;
	return st;
}

void db_rollback(struct db *db)
{
	if (db->in_tx) {
		db->ops->rollback(db->conn, NULL);
		db->in_tx = 0;
	}
}

static int type_matches(const struct db_type_rule *rule, const char *t)
{
	size_t n;

	switch (rule->match) {
	case DB_TYPE_EXACT:
		return strcmp(t, rule->engine) == 0;
	case DB_TYPE_WORD:
		n = strcspn(t, "( ");
		return strlen(rule->engine) == n && strncmp(t, rule->engine, n) == 0;
	case DB_TYPE_PREFIX:
		return strncmp(t, rule->engine, strlen(rule->engine)) == 0;
	}
	return 0;
}

char *db_norm_type(const char *t, const struct db_type_rule *rules, const char *varchar_prefix)
{
	unsigned n;

	for (; rules->engine; rules++)
		if (type_matches(rules, t))
			return xstrdup(rules->name);
	if (strncmp(t, varchar_prefix, strlen(varchar_prefix)) == 0 && sscanf(t + strlen(varchar_prefix), "%u", &n) == 1)
		return xasprintf("varchar(%u)", n);
	return xasprintf("other:%s", t);
}

struct db_result *db_columns_result(const struct db_result *raw, const struct db_type_rule *rules,
				    const char *varchar_prefix,
				    char *(*norm_default)(const void *ctx, const char *d, const char *type),
				    const void *ctx)
{
	struct db_result *res = db_result_new(4);
	size_t r;

	for (r = 0; r < 4; r++)
		db_result_set_colname(res, r, raw->colnames[r]);
	for (r = 0; r < raw->nrows; r++) {
		char *type = db_norm_type(db_value(raw, r, 1), rules, varchar_prefix);
		const char *dflt = db_value(raw, r, 3);
		char *d = dflt ? norm_default(ctx, dflt, type) : NULL;
		const char *v[4] = {db_value(raw, r, 0), type, db_value(raw, r, 2), d};

		db_result_add_row(res, v, NULL);
		free(type);
		free(d);
	}
	return res;
}
