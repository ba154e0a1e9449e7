/* SPDX-License-Identifier: MIT */
/* db.h: one interface over PostgreSQL, MySQL/MariaDB and SQLite.
 *
 * The layer knows SQL and drivers, nothing of mail. A backend is a table of
 * function pointers (struct db_ops) picked at run time by the URL's scheme.
 *
 * Conventions every backend follows, so that core/ can write one SQL text:
 *  - Placeholders are written `?` in the SQL given to db_exec(); the PostgreSQL
 *    backend renumbers them to $1..$n (outside quoted strings).
 *  - Every value is a bound parameter, passed as text (NULL = SQL NULL).
 *    Booleans are bound as "1"/"0"; every engine accepts that for its boolean
 *    type (PostgreSQL casts the unknown literal, MySQL tinyint(1), SQLite int).
 *  - Result values come back as text; booleans are normalised to "1"/"0"
 *    (PostgreSQL's 't'/'f' is translated), NULL is a NULL pointer.
 *  - Errors keep the engine's own message and map to one of a few kinds.
 *  - A connection string's password never appears in an error message.
 */
#ifndef VMAILADM_DB_H
#define VMAILADM_DB_H

#include <stddef.h>

/* X-macro: the error kinds and their one-line meaning. */
#define DB_STATUS_LIST(X)                                                                                              \
	X(DB_OK, "ok")                                                                                                 \
	X(DB_ERR_DUPLICATE, "duplicate")                                                                               \
	X(DB_ERR_NOT_FOUND, "not found")                                                                               \
	X(DB_ERR_CONNECTION, "connection lost or refused")                                                             \
	X(DB_ERR_PERMISSION, "permission denied")                                                                      \
	X(DB_ERR_READ_ONLY, "read-only session")                                                                       \
	X(DB_ERR_URL, "bad database URL")                                                                              \
	X(DB_ERR_NOT_BUILT, "engine not built in")                                                                     \
	X(DB_ERR_OTHER, "database error")

enum db_status {
#define X(e, s) e,
	DB_STATUS_LIST(X)
#undef X
};

const char *db_status_name(enum db_status st);

struct db_error {
	enum db_status status;
	char message[1024]; /* the engine's message, with context; never a password */
};

/* Sets err (if not NULL) and returns st: for one-line error returns. */
enum db_status db_error_set(struct db_error *err, enum db_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

enum db_engine { DB_ENGINE_PGSQL, DB_ENGINE_MYSQL, DB_ENGINE_SQLITE };

/* A materialised result: rows x columns of text (NULL allowed). */
struct db_result {
	size_t nrows, ncols;
	char **colnames;     /* ncols names */
	char **cells;        /* nrows * ncols, row-major; NULL for SQL NULL */
	long long affected;  /* rows changed by INSERT/UPDATE/DELETE, else 0 */
	long long insert_id; /* id of the row inserted by db_insert(), else 0 */
};

/* Value of row r, column c (NULL for SQL NULL). */
static inline const char *db_value(const struct db_result *res, size_t r, size_t c)
{
	return res->cells[r * res->ncols + c];
}
void db_result_free(struct db_result **res);

/* Catalog introspection, for `db check`: what exists in the connected database. */
enum db_introspect {
	DB_INTROSPECT_TABLES,   /* rows: (table_name) */
	DB_INTROSPECT_COLUMNS,  /* rows: (column_name, type, nullable "1"/"0", default or NULL)
	                         * type normalised: int, bigint, bool, text, timestamp,
	                         * varchar(N), other:<engine's type> */
	DB_INTROSPECT_INDEXES,  /* rows: (index_name, unique "1"/"0", columns "a,b") */
	DB_INTROSPECT_TRIGGERS, /* rows: (trigger_name, timing+event e.g. "BEFORE INSERT",
	                         * body or function name as the engine reports it) */
};

struct db_conn;

struct db_ops {
	const char *scheme; /* "postgresql", "mysql", "sqlite" */
	enum db_engine engine;
	/* url: the whole URL as given. read_only: make the session itself read-only. */
	enum db_status (*connect)(const char *url, int read_only, struct db_conn **out, struct db_error *err);
	void (*close)(struct db_conn *conn);
	/* Runs one statement with bound parameters. res may be NULL when no rows
	 * are wanted; otherwise *res is set (caller frees with db_result_free). */
	enum db_status (*exec)(struct db_conn *conn, const char *sql, int nparams, const char *const *params,
			       struct db_result **res, struct db_error *err);
	/* exec for a statement a session runs again and again with the same
	 * text (a page query without a pattern): PostgreSQL keeps it prepared,
	 * so that the server may reuse its plan. NULL: exec. */
	enum db_status (*exec_reused)(struct db_conn *conn, const char *sql, int nparams, const char *const *params,
				      struct db_result **res, struct db_error *err);
	/* Runs one INSERT into a table whose key column is `id` and returns the new
	 * id (PostgreSQL appends RETURNING id). */
	enum db_status (*insert)(struct db_conn *conn, const char *sql, int nparams, const char *const *params,
				 long long *id, struct db_error *err);
	/* Runs a script of several statements without parameters (schema files). */
	enum db_status (*exec_script)(struct db_conn *conn, const char *sql, struct db_error *err);
	enum db_status (*begin)(struct db_conn *conn, struct db_error *err);
	enum db_status (*commit)(struct db_conn *conn, struct db_error *err);
	enum db_status (*rollback)(struct db_conn *conn, struct db_error *err);
	/* table NULL for DB_INTROSPECT_TABLES. */
	enum db_status (*introspect)(struct db_conn *conn, enum db_introspect what, const char *table,
				     struct db_result **res, struct db_error *err);
	/* A human description for status lines and messages: engine, host or
	 * path, database, user. Never the password. Valid while conn is open. */
	const char *(*describe)(struct db_conn *conn);
};

/* An open database: the backend and its connection. */
struct db {
	const struct db_ops *ops;
	struct db_conn *conn;
	int in_tx;
};

/* Opens the database named by url (postgresql://, postgres://, libpq key=value
 * strings, mysql://, mariadb://, sqlite:PATH, sqlite://PATH). An engine left
 * out of the build gives DB_ERR_NOT_BUILT; an unknown scheme DB_ERR_URL.
 * Caller frees with db_close(). */
enum db_status db_open(const char *url, int read_only, struct db **out, struct db_error *err)
	__attribute__((warn_unused_result));
void db_close(struct db **db);

/* The backend for a URL, or NULL (err says why). */
const struct db_ops *db_ops_for_url(const char *url, struct db_error *err);

/* Thin wrappers over the ops, tracking the transaction state. */
enum db_status db_exec(struct db *db, const char *sql, int nparams, const char *const *params, struct db_result **res,
		       struct db_error *err) __attribute__((warn_unused_result));
enum db_status db_exec_reused(struct db *db, const char *sql, int nparams, const char *const *params,
			      struct db_result **res, struct db_error *err) __attribute__((warn_unused_result));
enum db_status db_insert(struct db *db, const char *sql, int nparams, const char *const *params, long long *id,
			 struct db_error *err) __attribute__((warn_unused_result));
enum db_status db_begin(struct db *db, struct db_error *err) __attribute__((warn_unused_result));
enum db_status db_commit(struct db *db, struct db_error *err) __attribute__((warn_unused_result));
/* Rolls back if a transaction is open; errors are ignored (used on failure paths). */
void db_rollback(struct db *db);

/* Backends compiled in (NULL when left out by configure). */
extern const struct db_ops db_pg_ops;
extern const struct db_ops db_mysql_ops;
extern const struct db_ops db_sqlite_ops;

/* Helpers for backends: build a result incrementally. */
struct db_result *db_result_new(size_t ncols);
void db_result_set_colname(struct db_result *res, size_t c, const char *name);
/* Appends a row; values copied (NULL allowed). lens[i] may be (size_t)-1 for strlen. */
void db_result_add_row(struct db_result *res, const char *const *vals, const size_t *lens);

/* Helpers for backends' introspection: the engine's type names as db.h names
 * them (DB_INTROSPECT_COLUMNS). A rule matches the catalog's type text whole
 * (EXACT), its first word, up to '(' or ' ' (WORD), or its start (PREFIX). */
enum db_type_match { DB_TYPE_EXACT, DB_TYPE_WORD, DB_TYPE_PREFIX };
struct db_type_rule {
	enum db_type_match match;
	const char *engine; /* NULL ends a table */
	const char *name;   /* "int", "bool", ... */
};
/* The first rule that matches t, else "varchar(N)" when t is varchar_prefix
 * (the engine's spelling of "varchar(") and a number N, else "other:<t>".
 * Caller frees. */
char *db_norm_type(const char *t, const struct db_type_rule *rules, const char *varchar_prefix);
/* The DB_INTROSPECT_COLUMNS result from raw rows (column_name, engine type,
 * nullable, engine default or NULL): types by db_norm_type, defaults (when not
 * NULL) by norm_default(ctx, default, normalised type), which returns an owned
 * string or NULL for none. Caller frees with db_result_free. */
struct db_result *db_columns_result(const struct db_result *raw, const struct db_type_rule *rules,
				    const char *varchar_prefix,
				    char *(*norm_default)(const void *ctx, const char *d, const char *type),
				    const void *ctx);

#endif
