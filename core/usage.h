/* SPDX-License-Identifier: MIT */
/* usage.h: the per-domain rollup counts (vmailadm_domain_usage) that a
 * transaction's additions and deletions change.
 *
 * The objects that count (mailbox.c, alias.c, bulk.c, rename.c) call
 * usage_bump; the transaction's end (session.c) calls usage_flush before the
 * commit, or usage_forget when it rolls back. What this file remembers per
 * session -- whether the rollup is there, the changes still to write -- is
 * its own, behind the opaque vm->usage, allocated on first use and freed by
 * usage_free (vm_close). */
#ifndef VMAILADM_USAGE_H
#define VMAILADM_USAGE_H

#include "core/vm.h"

/* *present = 1 when the rollup (and admin_quota's domain copy, added with it
 * by the live-quota addition) is there with its aliases column; a rollup
 * made before that column is used only once `db upgrade` adds it. Looked up
 * once per session; usage_recheck() makes the next call look again. */
enum vm_status usage_present(struct vm *vm, int *present, struct vm_error *err) __attribute__((warn_unused_result));
void usage_recheck(struct vm *vm);

/* Adds mailboxes and aliases (negative: removes) to the domain's rollup
 * counts when the open transaction commits (nothing when the database has
 * no rollup, or the domain no rollup row). */
enum vm_status usage_bump(struct vm *vm, long long domain_id, long long mailboxes, long long aliases,
			  struct vm_error *err) __attribute__((warn_unused_result));
/* Writes the pending changes and forgets them: in domain id order, so two
 * transactions (or a transaction and `quota rollup`) never wait for each
 * other's rows in opposite orders, and last before the commit, so the row
 * locks are held only for the moment of the commit. */
enum vm_status usage_flush(struct vm *vm, struct vm_error *err) __attribute__((warn_unused_result));
/* Drops the pending changes: the transaction rolled back, or a refresh of
 * the whole rollup (quota_rollup) already counted them. */
void usage_forget(struct vm *vm);
/* Frees vm->usage and sets it to NULL. */
void usage_free(struct vm *vm);

#endif
