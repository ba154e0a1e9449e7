/* SPDX-License-Identifier: MIT */
/* sieve.h: vacation replies and filter rules per mailbox, kept in
 * vmailadm's tables (vmailadm_vacation, vmailadm_filter) and rendered into
 * one Sieve script per mailbox in vmailadm_sieve, which Dovecot runs before
 * the user's own script (sieve_before through its SQL dict).
 *
 * Rules:
 *  - Every change re-renders the mailbox's script inside the same
 *    transaction (so dry-run, keep-going, the audit log and domain
 *    administrators' limits apply unchanged). A script that differs from the
 *    stored one is compiled by Pigeonhole's sievec ([sieve] sievec) before
 *    it is stored; a compile error refuses the statement naming the rule,
 *    and so does a sievec that cannot be run (set [sieve] sievec = none to
 *    store unchecked). The script_id changes whenever the script does
 *    ("vN-HASH", N counting up): Pigeonhole caches the compiled script by it.
 *    A mailbox without rules has no row.
 *  - The values pass sieverender.h's checks; a vacation's from/until are
 *    YYYY-MM-DD, from <= until; days 1..365 (default 7).
 *  - The tables follow the mailbox: kept by its id through a rename (the
 *    script's username and the vacation's domain follow, see
 *    sieve_mailbox_renamed), removed with it (sieve_mailbox_deleted).
 *  - Without the tables (a database from before `db upgrade`), every
 *    statement here says to run `vmailadm db upgrade`; the follow-ups do
 *    nothing. */
#ifndef VMAILADM_SIEVE_H
#define VMAILADM_SIEVE_H

#include <stddef.h>
#include <stdio.h>

#include "core/sieverender.h"
#include "core/validate.h"
#include "core/vm.h"

struct vacation_opts {
	const char *subject, *text; /* required */
	const char *from, *until;   /* YYYY-MM-DD or NULL */
	int has_days, days;
	const char *addresses; /* a,b or NULL */
};

/* One vacation as read back. The strings are owned: vacation_info_clear. */
struct vacation_info {
	long long mbox_id, domain_id;
	char address[VM_ADDRESS_MAX + 1];
	char *subject, *text, *addresses;
	char from[11], until[11]; /* "" = no bound */
	int days, enabled;
	int active; /* enabled, and today is within from..until (local time) */
};
void vacation_info_clear(struct vacation_info *v);

enum vm_status vacation_set(struct vm *vm, const char *address, const struct vacation_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));
/* Disables the vacation (the row stays, enabled = no). */
enum vm_status vacation_off(struct vm *vm, const char *address, struct vm_error *err) __attribute__((warn_unused_result));
/* VM_ERR_NOT_FOUND when the mailbox has none. */
enum vm_status vacation_get(struct vm *vm, const char *address, struct vacation_info *v, struct vm_error *err)
	__attribute__((warn_unused_result));
/* A page of the vacations of one domain (NULL: every domain the actor may
 * see), in the order of the table's (domain_id, mbox_id) index, after the
 * row (after_domain_id, after_mbox_id) (0, 0 = from the start): one indexed
 * range scan and a primary-key lookup per row, never a sort over the
 * mailboxes. *rows malloc'd: vacation_rows_free. */
enum vm_status vacation_list(struct vm *vm, const char *domain, long long after_domain_id, long long after_mbox_id,
			     int limit, struct vacation_info **rows, size_t *n, struct vm_error *err)
	__attribute__((warn_unused_result));
void vacation_rows_free(struct vacation_info **rows, size_t n);
/* For the console's "V" flag: active[i] = 1 when mailbox ids[i] has an active
 * vacation. One query by primary key. All 0 when the tables are missing. */
enum vm_status vacation_active_flags(struct vm *vm, const long long *ids, size_t n, int *active, struct vm_error *err)
	__attribute__((warn_unused_result));
/* For the monitor: how many vacations are active today (-1: no tables). */
enum vm_status vacation_count_active(struct vm *vm, long long *count, struct vm_error *err)
	__attribute__((warn_unused_result));

struct filter_opts {
	const char *const *tests; /* HEADER:OP:VALUE each */
	size_t ntests;
	int any;
	const char *then; /* fileinto:FOLDER | redirect:ADDR | discard | keep */
	int stop;
};

/* One filter as read back; strings owned (filter_rows_free). */
struct filter_info {
	char name[SIEVE_NAME_MAX + 1];
	int ord, any, stop;
	char *tests, *action, *argument;
};

enum vm_status filter_add(struct vm *vm, const char *address, const char *name, const struct filter_opts *o,
			  struct vm_error *err) __attribute__((warn_unused_result));
enum vm_status filter_del(struct vm *vm, const char *address, const char *name, struct vm_error *err)
	__attribute__((warn_unused_result));
/* up = 1: one place earlier; 0: later. At the end already: refused. */
enum vm_status filter_move(struct vm *vm, const char *address, const char *name, int up, struct vm_error *err)
	__attribute__((warn_unused_result));
/* The mailbox's filters in order. *rows malloc'd: filter_rows_free. */
enum vm_status filter_list(struct vm *vm, const char *address, struct filter_info **rows, size_t *n, struct vm_error *err)
	__attribute__((warn_unused_result));
void filter_rows_free(struct filter_info **rows, size_t n);

/* The script vmailadm keeps for the mailbox: *id and *data malloc'd (both
 * NULL when it has none). */
enum vm_status sieve_script_get(struct vm *vm, const char *address, char **id, char **data, struct vm_error *err)
	__attribute__((warn_unused_result));

/* Follow-ups, called inside the caller's transaction: a mailbox renamed
 * (its script's username and its vacation's domain follow), a mailbox
 * deleted (its rows go). sieve_mailbox_renamed reads the new domain from
 * admin_mailbox: call it after that row changed. */
enum vm_status sieve_mailbox_renamed(struct vm *vm, long long mbox_id, const char *old_address, const char *new_address,
				     struct vm_error *err) __attribute__((warn_unused_result));
enum vm_status sieve_mailbox_deleted(struct vm *vm, long long mbox_id, const char *address, struct vm_error *err)
	__attribute__((warn_unused_result));

/* db upgrade: when Modoboa's postfix_autoreply_armessage exists, turns each
 * of its rows into a vacation of the mailbox (unless that has one already),
 * renders the scripts, and prints one line per import (or refusal) to out. */
enum vm_status sieve_import_modoboa(struct vm *vm, FILE *out, struct vm_error *err) __attribute__((warn_unused_result));

#endif
