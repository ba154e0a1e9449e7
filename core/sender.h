/* SPDX-License-Identifier: MIT */
/* sender.h: the addresses a mailbox may send as beyond the ones it has by
 * itself (vmailadm_sender, owntables.h). Postfix's submission service asks
 * sql-sender-login.cf (maps.c) who owns a sender address: the mailbox of
 * that address, the members of an alias of that address, the mailboxes
 * granted it here, or granted its whole domain (@domain); an address of a
 * domain alias is owned by the owners of the same address in the target.
 *
 * Rules:
 *  - A grant is an address (local@domain) or a whole domain (@domain),
 *    given to one mailbox. The mailbox's own address is refused (it has it
 *    already), and so is a grant it holds already.
 *  - A domain administrator manages the grants of the mailboxes of his
 *    domains, and grants only addresses of those domains (or of domain
 *    aliases pointing at them); a superadministrator may grant any
 *    address, also one of no local domain.
 *  - Deleting the mailbox removes its grants; deleting a domain or domain
 *    alias removes the grants of addresses in it; renaming a domain renames
 *    the grants of its addresses. A mailbox rename keeps them (they follow
 *    the mailbox's id).
 * Every change is in the change list, so in the audit log ("sender" KEY =
 * the mailbox, field address). */
#ifndef VMAILADM_SENDER_H
#define VMAILADM_SENDER_H

#include <stddef.h>

#include "core/validate.h"
#include "core/vm.h"

struct sender_grant {
	char mailbox[VM_ADDRESS_MAX + 1];
	char address[VM_ADDRESS_MAX + 2]; /* "local@domain" or "@domain" */
};

enum vm_status sender_add(struct vm *vm, const char *mailbox, const char *address, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status sender_del(struct vm *vm, const char *mailbox, const char *address, struct vm_error *err)
	__attribute__((warn_unused_result));
/* The grants of one mailbox (filter holds '@'), of the mailboxes of one
 * domain (a name), or of every mailbox the actor manages (NULL), ordered by
 * mailbox then address. *rows is malloc'd (one block); caller frees. */
enum vm_status sender_list(struct vm *vm, const char *filter, struct sender_grant **rows, size_t *n, struct vm_error *err)
	__attribute__((warn_unused_result));

/* domain_rename's part: grants of addresses in old_name move to new_name.
 * Inside the caller's transaction; nothing when the table is missing. */
enum vm_status sender_domain_renamed(struct vm *vm, const char *old_name, const char *new_name, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
