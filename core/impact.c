/* SPDX-License-Identifier: MIT */
/* impact.c: counts for deletion confirmations (see impact.h). */
#include "core/impact.h"

#include <stdio.h>
#include <string.h>

#include "core/domain.h"
#include "core/mailbox.h"

static enum vm_status count(struct vm *vm, const char *sql, const char *id, long long *out, struct vm_error *err)
{
	struct db_result *res = NULL;
	const char *p[1] = {id};
	enum vm_status st = vm_sql(vm, sql, 1, p, &res, err, "counting what a deletion takes along");

	if (st != VM_OK)
		return st;
	*out = res->nrows ? vm_ll(db_value(res, 0, 0)) : 0;
	db_result_free(&res);
	return VM_OK;
}

enum vm_status impact_mailbox_del(struct vm *vm, const char *address, struct impact *im, struct vm_error *err)
{
	struct mailbox mb;
	char id[32];
	enum vm_status st;

	memset(im, 0, sizeof *im);
	if ((st = mailbox_get(vm, address, &mb, err)) != VM_OK)
		return st;
	snprintf(id, sizeof id, "%lld", mb.id);
	if ((st = count(vm, "SELECT COUNT(*) FROM admin_alias_mboxes WHERE mailbox_id = ?", id, &im->aliases, err)) != VM_OK)
		return st;
	/* aliases whose only recipient is this mailbox: no other mailbox, alias or external address */
	return count(vm,
		     "SELECT COUNT(*) FROM admin_alias_mboxes am JOIN admin_alias al ON al.id = am.alias_id "
		     "WHERE am.mailbox_id = ? AND al.extmboxes = '' "
		     "AND NOT EXISTS (SELECT 1 FROM admin_alias_mboxes o WHERE o.alias_id = al.id AND o.mailbox_id <> am.mailbox_id) "
		     "AND NOT EXISTS (SELECT 1 FROM admin_alias_aliases aa WHERE aa.from_alias_id = al.id)",
		     id, &im->aliases_emptied, err);
}

enum vm_status impact_domain_del(struct vm *vm, const char *name, struct impact *im, struct vm_error *err)
{
	struct domain d;
	char id[32];
	enum vm_status st;

	memset(im, 0, sizeof *im);
	if ((st = domain_get(vm, name, &d, err)) != VM_OK)
		return st;
	snprintf(id, sizeof id, "%lld", d.id);
	if ((st = count(vm, "SELECT COUNT(*) FROM admin_mailbox WHERE domain_id = ?", id, &im->mailboxes, err)) != VM_OK)
		return st;
	if ((st = count(vm, "SELECT COUNT(*) FROM admin_alias WHERE domain_id = ?", id, &im->aliases, err)) != VM_OK)
		return st;
	return count(vm, "SELECT COUNT(*) FROM admin_domainalias WHERE target_id = ?", id, &im->domain_aliases, err);
}
