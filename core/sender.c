/* SPDX-License-Identifier: MIT */
/* sender.c: sender addresses granted to mailboxes (rules in sender.h). */
#include "core/sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/mailbox.h"
#include "core/services.h"
#include "lib/xalloc.h"

/* Splits "local@domain" or "@domain" (local = ""), normalised. */
static enum vm_status parse_grant(const char *in, char *local, char *domain, struct vm_error *err)
{
	enum vm_status st;

	if (in[0] == '@') {
		local[0] = '\0';
		return valid_domain(in + 1, domain, err);
	}
	if ((st = valid_address(in, 0, local, domain, err)) != VM_OK)
		return st;
	return VM_OK;
}

/* May the actor grant addresses of domain `name`? A superadministrator
 * always; a domain administrator when it is one of his domains, or a
 * domain alias pointing at one. */
static enum vm_status check_grant_domain(struct vm *vm, const char *name, struct vm_error *err)
{
	struct domain d;
	struct db_result *res = NULL;
	enum vm_status st;

	if (vm->actor.superuser)
		return VM_OK;
	st = domain_get(vm, name, &d, err);
	if (st == VM_ERR_NOT_FOUND) {
		/* a domain alias: its target decides */
		if ((st = vm_sql(vm,
				 "SELECT d.id, d.name FROM admin_domainalias da JOIN admin_domain d ON d.id = da.target_id "
				 "WHERE da.name = ?",
				 1, (const char *const[]){name}, &res, err, "reading domain aliases")) != VM_OK)
			return st;
		if (!res->nrows) {
			db_result_free(&res);
			return vm_fail(err, VM_ERR_DENIED,
				       "%s is in no local domain: only a superadministrator may grant an address outside them",
				       name);
		}
		d.id = vm_ll(db_value(res, 0, 0));
		snprintf(d.name, sizeof d.name, "%s", db_value(res, 0, 1));
		db_result_free(&res);
	} else if (st != VM_OK) {
		return st;
	}
	return vm_check_domain(vm, d.id, d.name, err);
}

static enum vm_status grant_exists(struct vm *vm, const char *mid, const char *local, const char *domain, int *exists,
				   struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	if ((st = vm_sql(vm, "SELECT 1 FROM vmailadm_sender WHERE domain = ? AND local_part = ? AND mailbox_id = ?", 3,
			 (const char *const[]){domain, local, mid}, &res, err, "reading sender grants")) != VM_OK)
		return st;
	*exists = res->nrows > 0;
	db_result_free(&res);
	return VM_OK;
}

/* sender add (add) or sender del (!add) of address for mailbox: one
 * transaction, the same checks of the mailbox and the actor's grant */
static enum vm_status grant_change(struct vm *vm, int add, const char *mailbox, const char *address, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1], mid[32], shown[VM_ADDRESS_MAX + 2];
	struct mailbox mb;
	struct change *c;
	int exists = 0;
	enum vm_status st;

	if ((st = parse_grant(address, local, domain, err)) != VM_OK)
		return st;
	snprintf(shown, sizeof shown, "%s@%s", local, domain);
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = services_require_tables(vm, add ? "sender add" : "sender del", err)) != VM_OK)
		goto out;
	if ((st = mailbox_get(vm, mailbox, &mb, err)) != VM_OK)
		goto out;
	if ((st = vm_check_domain(vm, mb.domain_id, mb.domain, err)) != VM_OK)
		goto out;
	if (add && (st = check_grant_domain(vm, domain, err)) != VM_OK)
		goto out;
	if (add && strcmp(local, mb.local) == 0 && strcmp(domain, mb.domain) == 0) {
		st = vm_fail(err, VM_ERR_INVALID, "%s is the mailbox's own address: it may send as it already", shown);
		goto out;
	}
	snprintf(mid, sizeof mid, "%lld", mb.id);
	if ((st = grant_exists(vm, mid, local, domain, &exists, err)) != VM_OK)
		goto out;
	if (add && exists) {
		st = vm_fail(err, VM_ERR_EXISTS, "mailbox %s may send as %s already", mb.address, shown);
		goto out;
	}
	if (!add && !exists) {
		st = vm_fail(err, VM_ERR_NOT_FOUND, "mailbox %s has no grant of %s", mb.address, shown);
		goto out;
	}
	if ((st = vm_sql(vm,
			 add ? "INSERT INTO vmailadm_sender (domain, local_part, mailbox_id) VALUES (?, ?, ?)"
			     : "DELETE FROM vmailadm_sender WHERE domain = ? AND local_part = ? AND mailbox_id = ?",
			 3, (const char *const[]){domain, local, mid}, NULL, err,
			 add ? "adding the sender grant" : "removing the sender grant")) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, add ? CHANGE_ADD : CHANGE_DEL, "sender", mb.address);
	change_field(c, "address", add ? NULL : shown, add ? shown : NULL);
out:
	return vm_tx_finish(vm, st, err);
}

enum vm_status sender_add(struct vm *vm, const char *mailbox, const char *address, struct vm_error *err)
{
	return grant_change(vm, 1, mailbox, address, err);
}

enum vm_status sender_del(struct vm *vm, const char *mailbox, const char *address, struct vm_error *err)
{
	return grant_change(vm, 0, mailbox, address, err);
}

#define GRANT_SELECT                                                                                                   \
	"SELECT mb.address, d.name, s.local_part, s.domain FROM vmailadm_sender s "                                    \
	"JOIN admin_mailbox mb ON mb.id = s.mailbox_id JOIN admin_domain d ON d.id = mb.domain_id "
#define GRANT_ORDER " ORDER BY d.name, mb.address, s.domain, s.local_part"

enum vm_status sender_list(struct vm *vm, const char *filter, struct sender_grant **rows, size_t *n, struct vm_error *err)
{
	struct db_result *res = NULL;
	char id[32], uid[32];
	int present = 0;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if ((st = services_tables(vm, &present, err)) != VM_OK)
		return st;
	if (!present) /* nothing granted yet: the statements that grant say to upgrade */
		return VM_OK;
	if (filter && strchr(filter, '@')) {
		struct mailbox mb;

		if ((st = mailbox_get(vm, filter, &mb, err)) != VM_OK)
			return st;
		if ((st = vm_check_domain(vm, mb.domain_id, mb.domain, err)) != VM_OK)
			return st;
		snprintf(id, sizeof id, "%lld", mb.id);
		st = vm_sql(vm, GRANT_SELECT "WHERE s.mailbox_id = ?" GRANT_ORDER, 1, (const char *const[]){id}, &res,
			    err, "reading sender grants");
	} else if (filter) {
		struct domain d;

		if ((st = domain_get(vm, filter, &d, err)) != VM_OK)
			return st;
		if ((st = vm_check_domain(vm, d.id, d.name, err)) != VM_OK)
			return st;
		snprintf(id, sizeof id, "%lld", d.id);
		st = vm_sql(vm, GRANT_SELECT "WHERE mb.domain_id = ?" GRANT_ORDER, 1, (const char *const[]){id}, &res,
			    err, "reading sender grants");
	} else if (vm->actor.superuser) {
		st = vm_sql(vm, GRANT_SELECT GRANT_ORDER, 0, NULL, &res, err, "reading sender grants");
	} else {
		snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
		st = vm_sql(vm,
			    GRANT_SELECT
			    "WHERE d.id IN (SELECT oa.object_id FROM admin_objectaccess oa "
			    "JOIN django_content_type ct ON ct.id = oa.content_type_id "
			    "WHERE oa.user_id = ? AND ct.app_label = 'admin' AND ct.model = 'domain')" GRANT_ORDER,
			    1, (const char *const[]){uid}, &res, err, "reading sender grants");
	}
	if (st != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++) {
		snprintf((*rows)[r].mailbox, sizeof(*rows)[r].mailbox, "%s@%s", db_value(res, r, 0), db_value(res, r, 1));
		snprintf((*rows)[r].address, sizeof(*rows)[r].address, "%s@%s", db_value(res, r, 2), db_value(res, r, 3));
	}
	*n = res->nrows;
	db_result_free(&res);
	return VM_OK;
}

enum vm_status sender_domain_renamed(struct vm *vm, const char *old_name, const char *new_name, struct vm_error *err)
{
	struct db_result *res = NULL;
	int present = 0;
	enum vm_status st;

	if ((st = services_tables(vm, &present, err)) != VM_OK || !present)
		return st;
	if ((st = vm_sql(vm, GRANT_SELECT "WHERE s.domain = ?" GRANT_ORDER, 1, (const char *const[]){old_name}, &res,
			 err, "reading sender grants")) != VM_OK)
		return st;
	for (size_t r = 0; r < res->nrows; r++) {
		/* the mailbox may be in the renamed domain too: its key is the new address */
		const char *mdom = strcmp(db_value(res, r, 1), old_name) == 0 ? new_name : db_value(res, r, 1);
		char *m = xasprintf("%s@%s", db_value(res, r, 0), mdom);
		char *oa = xasprintf("%s@%s", db_value(res, r, 2), old_name);
		char *na = xasprintf("%s@%s", db_value(res, r, 2), new_name);
		struct change *c = change_begin(&vm->changes, CHANGE_SET, "sender", m);

		change_field(c, "address", oa, na);
		change_end(&vm->changes);
		free(m);
		free(oa);
		free(na);
	}
	db_result_free(&res);
	return vm_sql(vm, "UPDATE vmailadm_sender SET domain = ? WHERE domain = ?", 2,
		      (const char *const[]){new_name, old_name}, NULL, err, "renaming sender grants");
}
