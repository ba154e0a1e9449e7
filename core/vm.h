/* SPDX-License-Identifier: MIT */
/* vm.h: the core's session object and its error type.
 *
 * A struct vm is what every front end (console, monitor, batch, one-shot
 * statement) holds: the open database, the configuration, who is acting, the
 * output format, and the list of changes made in the current transaction.
 * Services (domain.c, mailbox.c, ...) take a struct vm and a struct vm_error;
 * they validate, check the actor's rights, and read/write inside a
 * transaction opened with vm_tx_begin() and closed with vm_tx_end(). Nested
 * begin/end pairs join the outermost transaction, so a batch script can make
 * a whole file one transaction and a single statement its own. No curses.
 *
 * Two files implement this header. vm.c is the bottom of core/: errors, the
 * SQL helpers, the access check, dates; it calls nothing else of core/.
 * session.c is the session's life: vm_open, the transactions
 * (vm_tx_*, vm_changes_clear) and vm_close; it sits above what a commit
 * finishes, the rollup counts (usage.h) and the audit log (auditlog.h), so
 * those call vm.c and nothing they call calls back up into the commit. */
#ifndef VMAILADM_VM_H
#define VMAILADM_VM_H

#include <stdarg.h>
#include <stdio.h>

#include "core/change.h"
#include "core/conf.h"
#include "db/db.h"

struct audit_state;
struct usage_state;

#define VM_STATUS_LIST(X)                                                                                              \
	X(VM_OK, "ok")                                                                                                 \
	X(VM_ERR_INVALID, "invalid value")                                                                             \
	X(VM_ERR_USAGE, "usage error")                                                                                 \
	X(VM_ERR_NOT_FOUND, "not found")                                                                               \
	X(VM_ERR_EXISTS, "already exists")                                                                             \
	X(VM_ERR_QUOTA, "quota rule")                                                                                  \
	X(VM_ERR_REFUSED, "refused")                                                                                   \
	X(VM_ERR_DENIED, "permission denied")                                                                          \
	X(VM_ERR_READ_ONLY, "read-only session")                                                                       \
	X(VM_ERR_CONFLICT, "changed by someone else")                                                                  \
	X(VM_ERR_DB, "database error")                                                                                 \
	X(VM_ERR_CONNECTION, "database unreachable")

enum vm_status {
#define X(e, s) e,
	VM_STATUS_LIST(X)
#undef X
};

const char *vm_status_name(enum vm_status st);

struct vm_error {
	enum vm_status status;
	char msg[1024];
};

/* Sets err and returns st. */
enum vm_status vm_fail(struct vm_error *err, enum vm_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Turns a db error into a vm error (duplicate -> VM_ERR_EXISTS, ...) with
 * `what` as context ("adding mailbox a@b.test"). */
enum vm_status vm_db_fail(struct vm_error *err, const struct db_error *dberr, const char *what);
/* Exit status for a failed statement: 1, or 2 for usage, 3 for connection. */
int vm_exit_status(enum vm_status st);

enum vm_format { VM_FORMAT_TEXT, VM_FORMAT_JSON };

/* Who is acting. Filled by main.c (and by the login code); by default the
 * caller is the superadministrator (they could read the database
 * credentials). */
struct vm_actor {
	int superuser;
	long long user_id; /* admin_user.id, 0 when not logged in as a user */
	char login[256];
	char origin[128]; /* "ssh 1.2.3.4" or "local" */
};

struct vm {
	struct db *db;
	struct conf *cfg; /* owned by the caller */
	struct vm_actor actor;
	int read_only; /* refuse every write (also enforced by the db session) */
	int dry_run;   /* the outermost transaction ends in rollback */
	int tx_depth;
	struct change_list changes; /* changes made in the open transaction */
	size_t audit_done;          /* changes[0..audit_done) are finished: in the audit log, or rolled back */
	enum vm_format format;
	FILE *out;                    /* where statements print (stdout) */
	long long simple_users_group; /* auth_group id cache, 0 = not read yet */
	char *url;                    /* the URL opened (owned; holds a password: never print it);
	                     * map and Dovecot config generation read its parameters */
	int search_state; /* core/search.c: 0 not looked yet, 1 the substring search index is whole, 2 whole but for
			   * PostgreSQL's domain trigrams (a database not upgraded since), -1 not */
	int sieve_state;  /* core/sieve.c: 1 once its tables were seen (a miss is looked again) */
	int services_state; /* core/services.c: 0 not looked yet, 1 vmailadm_sender and the services tables present, -1 not */
	/* What one file keeps per session, opaque here: that file allocates it
	 * on first use, vm_close frees it. */
	struct audit_state *audit; /* core/auditlog.c: whether the audit log table is there */
	struct usage_state *usage; /* core/usage.c: whether the rollup is there, its counts to change at commit */
	/* Called with each statement vm_sql and vm_sql_reused run, before it
	 * runs (tests: the statements a page ran, to EXPLAIN them); NULL by
	 * default. */
	void (*on_sql)(void *arg, const char *sql, int n, const char *const *params);
	void *on_sql_arg;
};

/* Opens the database named in cfg/url and fills vm. read_only makes the
 * session read-only in the database itself. */
enum vm_status vm_open(struct vm *vm, struct conf *cfg, const char *url, int read_only, struct vm_error *err)
	__attribute__((warn_unused_result));
void vm_close(struct vm *vm);

/* Transactions. vm_tx_begin refuses in a read-only session when write is set. */
enum vm_status vm_tx_begin(struct vm *vm, int write, struct vm_error *err) __attribute__((warn_unused_result));
/* ok = 1: commit (or roll back in dry-run) when this is the outermost level;
 * ok = 0: roll back. Returns a commit failure in err. The change list is
 * left for the caller to print; vm_changes_clear() empties it. */
enum vm_status vm_tx_end(struct vm *vm, int ok, struct vm_error *err);
/* The tail of a service that began a transaction: ends it (commit when st is
 * VM_OK, else roll back) and returns st, or the commit's failure when st was
 * VM_OK; a failed rollback leaves err as st left it. */
enum vm_status vm_tx_finish(struct vm *vm, enum vm_status st, struct vm_error *err);
void vm_changes_clear(struct vm *vm);
/* For work that must not run inside the statement's transaction: an external
 * program that writes the same database (doveadm), or a runner that commits
 * step by step. When the open transaction is the statement's own and holds no
 * change yet, it is ended and *left is set; vm_tx_rejoin() opens it again for
 * the caller. Inside a transaction that holds a script's earlier changes the
 * work cannot run: VM_ERR_USAGE, naming `what`. */
enum vm_status vm_tx_leave(struct vm *vm, const char *what, int *left, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status vm_tx_rejoin(struct vm *vm, int left, struct vm_error *err);

/* Checks the actor may see/change the domain (by id). Superadmins may do all. */
enum vm_status vm_check_domain(struct vm *vm, long long domain_id, const char *domain_name, struct vm_error *err)
	__attribute__((warn_unused_result));

/* Convenience: run SQL with ? placeholders and the parameters as a list of
 * strings; NULL-terminated is not used: n gives the count. */
enum vm_status vm_sql(struct vm *vm, const char *sql, int n, const char *const *params, struct db_result **res,
		      struct vm_error *err, const char *what) __attribute__((warn_unused_result));
/* vm_sql for a statement run again and again with the same text
 * (db_exec_reused): a page query whose plan does not depend on a pattern. */
enum vm_status vm_sql_reused(struct vm *vm, const char *sql, int n, const char *const *params, struct db_result **res,
			     struct vm_error *err, const char *what) __attribute__((warn_unused_result));
enum vm_status vm_sql_insert(struct vm *vm, const char *sql, int n, const char *const *params, long long *id,
			     struct vm_error *err, const char *what) __attribute__((warn_unused_result));

/* "2026-11-25 14:00:00" UTC, for the timestamp columns. Static buffer. */
const char *vm_now(void);

/* Inserts an admin_objectdates row (creation = last_modification = now). */
enum vm_status vm_new_dates(struct vm *vm, long long *id, struct vm_error *err) __attribute__((warn_unused_result));
/* Sets last_modification = now on an admin_objectdates row. */
enum vm_status vm_touch_dates(struct vm *vm, long long dates_id, struct vm_error *err) __attribute__((warn_unused_result));
/* Parses a decimal id/count from a result cell (NULL -> 0). */
long long vm_ll(const char *s);
#endif
