/* SPDX-License-Identifier: MIT */
/* schema.h: `vmailadm db init` and `vmailadm db check`.
 *
 * vmailadm works on the tables of Modoboa 1.0.x (reference/modoboa-1.0-facts.md)
 * plus one table of its own, vmailadm_meta. schema.c holds what it needs as a C
 * table (tables, columns with their normalised types and nullability, the
 * indexes it relies on) and compares a live database with it through the db
 * layer's catalog introspection. It also knows one harmful thing to look for:
 * the merge_quota trigger printed in Modoboa's Dovecot guide, which makes
 * Dovecot 2.3 store negative message counts.
 *
 * Report lines (text, one a line, control characters escaped):
 *   a problem:  "missing column admin_user.is_local"
 *   a warning:  "warning: missing index on admin_mailbox (domain_id, address) — ..."
 *   the end:    "db check: OK" or "db check: N problem(s)"
 * Problems are what breaks vmailadm, Dovecot or Postfix (a missing table or
 * column, a narrower or different type, NULL allowed where a value is needed,
 * admin_quota without DEFAULT 0 or without a key on username, the merge_quota
 * trigger). Warnings are fine to run with (a wider type, a missing index that
 * only costs speed, an unknown trigger on admin_quota, no vmailadm_meta in a
 * database Modoboa made). Extra tables and columns are not reported. */
#ifndef VMAILADM_SCHEMA_H
#define VMAILADM_SCHEMA_H

#include <stdio.h>

#include "core/vm.h"

/* `db check`: compares the database with what vmailadm needs and prints the
 * report to out. Sets *problems (may be NULL) to the number of problems.
 * Returns VM_OK when the check ran, even when it found problems (the caller
 * turns problems > 0 into a failed statement); an error only when the
 * catalog could not be read. Changes nothing; fine in a read-only session. */
enum vm_status schema_check(struct vm *vm, FILE *out, int *problems, struct vm_error *err)
	__attribute__((warn_unused_result));

/* `db init`:
 *  - none of the tables exists: runs the engine's create script (sql/) in a
 *    transaction and prints "created the vmailadm schema (N tables)";
 *  - all of Modoboa's tables exist: changes nothing, prints "schema already
 *    present" and the check report (vmailadm_meta may be missing: a database
 *    Modoboa made has none);
 *  - some exist, others not: refuses (VM_ERR_REFUSED) naming both, changes
 *    nothing.
 * A read-only session is refused (VM_ERR_READ_ONLY). On MySQL/MariaDB DDL
 * commits at once: a failed create drops what it made, and --dry-run is
 * refused there (it could not be rolled back). */
enum vm_status schema_init(struct vm *vm, FILE *out, struct vm_error *err) __attribute__((warn_unused_result));

/* The same; *problems (may be NULL) gets the check's count when the schema
 * was already present, else 0. */
enum vm_status schema_init_ex(struct vm *vm, FILE *out, int *problems, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
