/* SPDX-License-Identifier: MIT */
/* audit.h: the audit log, vmailadm's own table vmailadm_audit (named apart
 * from Modoboa's tables): one row per change (the change list of change.h)
 * with when (UTC), who (the administrator's login, or "unix:NAME" for the
 * implicit superadministrator), from where ("ssh HOST" from SSH_CLIENT, else
 * "local"), which object (kind and key), the operation (add, change, remove)
 * and the fields before and after as JSON objects. Never a password or
 * hash: the change list holds only "(set)" for them, and any field whose
 * name says password or hash is stored as "(set)" whatever it holds.
 *
 * The rows are written by vm_tx_end() just before the outermost commit, in
 * the same transaction: a change and its audit row commit together or not at
 * all. A dry run writes none. When the table is missing (a database Modoboa
 * made, before `db init` added it), a superadministrator's change goes on
 * with a warning on stderr; a domain administrator's change is refused.
 * Writing is auditlog.h (below the transaction, which calls it); this
 * header is adding the table and reading the log back. */
#ifndef VMAILADM_AUDIT_H
#define VMAILADM_AUDIT_H

#include <stdio.h>

#include "core/vm.h"

/* Adds the table to an existing database (`db init` on a database that has
 * Modoboa's tables but no vmailadm_audit) and prints a line to out. */
enum vm_status audit_create_table(struct vm *vm, FILE *out, struct vm_error *err) __attribute__((warn_unused_result));

/* The same when the table is missing, else nothing (`db upgrade`). */
enum vm_status audit_ensure_table(struct vm *vm, FILE *out, struct vm_error *err) __attribute__((warn_unused_result));

/* One audit row as read back. */
struct audit_row {
	char *at, *actor, *origin, *object, *key, *op, *before, *after; /* owned */
	long long id;                                                   /* the row's id (audit_page fills it) */
};

struct audit_query {
	const char *object; /* a kind ("mailbox") or a key ("a@b.test"); NULL = all */
	const char *actor;  /* a login; NULL = all */
	const char *since;  /* "YYYY-MM-DD[ HH:MM[:SS]]" UTC, inclusive; NULL = no bound */
	const char *until;  /* the same; a bare date means the end of that day */
	long long after_id; /* keyset: rows with id > after_id (0 = from the start) */
	int limit;
};

/* A page of rows in id order. A domain administrator sees only their own
 * rows. *rows is malloc'd; free with audit_rows_free. *last_id gets the
 * last row's id. */
enum vm_status audit_list(struct vm *vm, const struct audit_query *q, struct audit_row **rows, size_t *n,
			  long long *last_id, struct vm_error *err) __attribute__((warn_unused_result));
void audit_rows_free(struct audit_row **rows, size_t n);

/* A page of rows with the filters of q (after_id and limit are ignored),
 * read by id with one query: newer = 0 gives up to limit rows with
 * id < bound (bound 0 = no bound), newest first, as the console shows the
 * log; newer = 1 gives rows with id > bound, oldest first (paging back up).
 * A domain administrator sees only their own rows, as with audit_list.
 * *rows is malloc'd; free with audit_rows_free. */
enum vm_status audit_page(struct vm *vm, const struct audit_query *q, long long bound, int newer, int limit,
			  struct audit_row **rows, size_t *n, struct vm_error *err) __attribute__((warn_unused_result));

#endif
