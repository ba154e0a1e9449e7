/* SPDX-License-Identifier: MIT */
/* owntables.h: vmailadm's own tables beyond Modoboa's, the ones a feature
 * adds (the Sieve scripts Dovecot reads, ...). Each is one line in
 * owntables.c's list and one SQL file per engine, sql/ENGINE-STEM.sql, that
 * creates it with its indexes (and triggers, if any). `db init` creates
 * them all, `db upgrade` adds the missing ones, `db check` names each one
 * missing with the command that adds it. A database Modoboa made has none
 * of them; Dovecot and Postfix never need them unless the configuration
 * vmailadm generates names them.
 *
 * To add a table: a line in the list and sql/{pgsql,mysql,sqlite}-STEM.sql. */
#ifndef VMAILADM_OWNTABLES_H
#define VMAILADM_OWNTABLES_H

#include <stddef.h>
#include <stdio.h>

#include "core/vm.h"

struct own_table {
	const char *table;   /* the table db check looks for */
	const char *stem;    /* sql/ENGINE-STEM.sql creates it */
	const char *purpose; /* for messages: what it holds, who reads it */
};

/* The list, and its length. Static data. */
const struct own_table *owntables_list(size_t *n);

/* Writes into buf (always terminated) the names of the tables missing, as
 * "vmailadm_sieve, vmailadm_x", or "" when none is. Reads the catalog only. */
enum vm_status owntables_missing(struct vm *vm, char *buf, size_t len, struct vm_error *err)
	__attribute__((warn_unused_result));

/* Creates every missing table inside the open (or a new) transaction and
 * prints "db upgrade: added table T (purpose)" for each to out (may be
 * NULL). Refused in a read-only session and, on MySQL/MariaDB, in a dry run
 * when something is missing (its DDL commits at once). On MySQL/MariaDB,
 * where DDL ends the transaction, an enclosing batch's transaction is opened
 * again. */
enum vm_status owntables_add_missing(struct vm *vm, FILE *out, struct vm_error *err) __attribute__((warn_unused_result));

/* MySQL/MariaDB: drops every table of the list (best effort), for db init's
 * undo after a failed create on a database that had none of them. */
void owntables_drop_all(struct vm *vm);

#endif
