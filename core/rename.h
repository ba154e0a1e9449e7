/* SPDX-License-Identifier: MIT */
/* rename.h: renaming mailboxes and domains in the database, and queueing the
 * move of their homes on disk (ops.h; the runner is opsrun.h).
 *
 * Rules:
 *  - mailbox_rename: the new address must not be a mailbox or an account
 *    login; its domain must exist (a rename may move the mailbox to another
 *    domain, whose quota rule then applies: a mailbox that follows its
 *    domain's quota takes the new domain's, an own quota over the new cap is
 *    refused). admin_mailbox, admin_user username/email and the admin_quota
 *    row (bytes and messages kept) follow; aliases' local recipients are ids
 *    and follow by themselves; external recipients (extmboxes) that name the
 *    old address are rewritten.
 *  - domain_rename (superadministrators only): the new name must not be a
 *    domain or a domain alias. Every mailbox's account and quota row, and
 *    extmboxes anywhere naming an address of the domain, follow; aliases,
 *    domain aliases and administrators' grants point at the domain by id.
 *  - Each renamed mailbox gets one `rename` operation (mailbox_id kept,
 *    argument = where its files are now, the old home), unless one is already
 *    pending: the runner moves the files from the oldest pending argument to
 *    the home of the mailbox's address at run time, so one row is enough. */
#ifndef VMAILADM_RENAME_H
#define VMAILADM_RENAME_H

#include <stddef.h>

#include "core/vm.h"

enum vm_status mailbox_rename(struct vm *vm, const char *old_address, const char *new_address, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status domain_rename(struct vm *vm, const char *old_name, const char *new_name, struct vm_error *err)
	__attribute__((warn_unused_result));

/* One line of a domain rename preview. */
struct rename_pair {
	const char *kind; /* "domain", "mailbox", "alias", "catch-all" (static) */
	char *old_addr;   /* owned */
	char *new_addr;   /* owned */
};

/* What domain_rename(old, new) would rename, checked as it would be (the
 * same refusals), without changing anything: the domain, then its
 * mailboxes and aliases in address order. *pairs is malloc'd: free with
 * rename_pairs_free. For the console's confirmation screen. */
enum vm_status domain_rename_preview(struct vm *vm, const char *old_name, const char *new_name, struct rename_pair **pairs,
				     size_t *n, struct vm_error *err) __attribute__((warn_unused_result));
void rename_pairs_free(struct rename_pair **pairs, size_t n);

#endif
