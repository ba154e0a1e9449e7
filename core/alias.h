/* SPDX-License-Identifier: MIT */
/* alias.h: aliases (admin_alias) and their recipients, stored as Modoboa
 * does: local mailboxes in admin_alias_mboxes, local aliases in
 * admin_alias_aliases, external addresses joined by ',' in extmboxes ('' when
 * none). A catch-all is written "@domain" and stored with address '*'.
 *
 * Rules:
 *  - The alias's domain must exist. A recipient in a local domain must be an
 *    existing mailbox or alias of it (else mail to it would bounce); any
 *    other valid address is external. An alias may not list itself (a
 *    forward that keeps copies lists the mailbox of the same address, which
 *    is a mailbox, not the alias). A recipient listed twice counts once.
 *  - At least one recipient.
 *  - Kinds as Modoboa shows them: more than one recipient = dlist; only
 *    external recipients = forward; else alias; '*' = catch-all.
 *  - When a recipient mailbox or alias is deleted, an alias left without
 *    recipients is deleted too. */
#ifndef VMAILADM_ALIAS_H
#define VMAILADM_ALIAS_H

#include "core/validate.h"
#include "core/vm.h"

struct alias {
	long long id, domain_id, dates_id;
	char local[VM_LOCAL_MAX + 1]; /* "*" for a catch-all */
	char domain[VM_DOMAIN_MAX + 1];
	char address[VM_ADDRESS_MAX + 2]; /* as written: "a@b" or "@b" */
	int enabled;
	char *recipients; /* full addresses joined by ','; owned */
	size_t nrecipients;
	size_t rlen, rcap; /* strlen(recipients) and its buffer's size */
	const char *kind;  /* "alias", "forward", "dlist", "catch-all" */
};

void alias_clear(struct alias *a);
void alias_rows_free(struct alias **rows, size_t n);

enum vm_status alias_get(struct vm *vm, const char *address, struct alias *a, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status alias_add(struct vm *vm, const char *address, const char *const *rcpts, size_t n, int has_enabled,
			 int enabled, struct vm_error *err) __attribute__((warn_unused_result));
/* rcpts NULL: recipients unchanged. */
enum vm_status alias_set(struct vm *vm, const char *address, const char *const *rcpts, size_t n, int has_enabled,
			 int enabled, struct vm_error *err) __attribute__((warn_unused_result));
enum vm_status alias_del(struct vm *vm, const char *address, struct vm_error *err) __attribute__((warn_unused_result));
/* A recipient (mailbox or alias) of alias_id was removed: record it, and
 * delete the alias if it has no recipient left. */
enum vm_status alias_note_recipient_removed(struct vm *vm, long long alias_id, const char *recipient,
					    struct vm_error *err) __attribute__((warn_unused_result));

struct alias_query {
	long long domain_id;
	const char *local_prefix;
	const char *local_glob;
	const char *after;
	int limit;
};
enum vm_status alias_list(struct vm *vm, const struct alias_query *q, struct alias **rows, size_t *n,
			  struct vm_error *err) __attribute__((warn_unused_result));

#endif
