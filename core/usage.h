/* SPDX-License-Identifier: MIT */
/* usage.h: the per-domain rollup counts (vmailadm_domain_usage) that a
 * transaction's additions and deletions change, kept apart from the
 * transaction that writes them (session.c) and the objects that count them
 * (domain.c, mailbox.c, alias.c, bulk.c). The state (whether the table is
 * there, the pending changes) is this file's, behind vm->usage. */
#ifndef VMAILADM_USAGE_H
#define VMAILADM_USAGE_H

#include "core/vm.h"

/* *present = 1 when the rollup is there with its aliases column (a rollup
 * made before that column is used only once `db upgrade` adds it), else 0.
 * Looked up once per session; usage_recheck() makes the next call look
 * again (after `db upgrade` added it). */
enum vm_status usage_table(struct vm *vm, int *present, struct vm_error *err) __attribute__((warn_unused_result));
void usage_recheck(struct vm *vm);
/* Adds mailboxes and aliases (negative: removes) to the domain's rollup
 * counts when the open transaction commits (nothing when the domain has no
 * rollup row or the database no rollup). The changes are written by
 * domain_usage_flush, which vm_tx_end calls before the commit: in domain id
 * order, so two transactions (or a transaction and `quota rollup`) never
 * wait for each other's rows in opposite orders, and only for the moment
 * of the commit. */
enum vm_status domain_usage_bump(struct vm *vm, long long domain_id, long long mailboxes, long long aliases,
				 struct vm_error *err) __attribute__((warn_unused_result));
enum vm_status domain_usage_flush(struct vm *vm, struct vm_error *err) __attribute__((warn_unused_result));
/* Drops the pending changes: the transaction rolled back, or a refresh of
 * the whole rollup already counted them. */
void usage_forget(struct vm *vm);
/* Frees vm->usage (vm_close). */
void usage_free(struct vm *vm);

#endif
