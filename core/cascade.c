/* SPDX-License-Identifier: MIT */
/* cascade.c: the deletions that take other objects along -- a domain with
 * its mailboxes, aliases and domain aliases (domain_del, domain.h) -- and the
 * counts the console's confirmations show beforehand (impact.h). Above
 * domain.c, mailbox.c and alias.c, so that those call only downwards. */
#include "core/impact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alias.h"
#include "core/domain.h"
#include "core/mailbox.h"
#include "core/usage.h"
#include "lib/xalloc.h"

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
	if ((st = count(vm, "SELECT COUNT(*) FROM admin_alias_mboxes WHERE mailbox_id = ?", id, &im->aliases, err)) !=
	    VM_OK)
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

/* ---- domain_del ---- */

static const char *yesno(int b)
{
	return b ? "yes" : "no";
}

enum vm_status domain_del(struct vm *vm, const char *name, int keep_files, struct vm_error *err)
{
	struct domain d;
	struct db_result *res = NULL;
	enum vm_status st;
	char idb[32], mbuf[32];
	const char *p[1] = {idb};
	struct change *c;
	int rollup;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domain_get(vm, name, &d, err)) != VM_OK)
		goto out;
	if (!vm->actor.superuser) {
		st = vm_fail(err, VM_ERR_DENIED, "only a superadministrator may delete domains");
		goto out;
	}
	snprintf(idb, sizeof idb, "%lld", d.id);
	/* mailboxes, one by one: each removes its user, quota row, alias links
	 * and queues its files' removal */
	if ((st = vm_sql(vm, "SELECT address FROM admin_mailbox WHERE domain_id = ? ORDER BY address", 1, p, &res,
			 err, "reading mailboxes")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++) {
		char *addr = xasprintf("%s@%s", db_value(res, r, 0), d.name);

		st = mailbox_del(vm, addr, keep_files, err);
		free(addr);
	}
	db_result_free(&res);
	if (st != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "SELECT address FROM admin_alias WHERE domain_id = ? ORDER BY address", 1, p, &res, err,
			 "reading aliases")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++) {
		const char *local = db_value(res, r, 0);
		char *addr = strcmp(local, "*") == 0 ? xasprintf("@%s", d.name) : xasprintf("%s@%s", local, d.name);

		st = alias_del(vm, addr, err);
		/* an alias may already be gone: removed with its last recipient */
		if (st == VM_ERR_NOT_FOUND)
			st = VM_OK;
		free(addr);
	}
	db_result_free(&res);
	if (st != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "SELECT name FROM admin_domainalias WHERE target_id = ? ORDER BY name", 1, p, &res, err,
			 "reading domain aliases")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++)
		st = domainalias_del(vm, db_value(res, r, 0), err);
	db_result_free(&res);
	if (st != VM_OK)
		goto out;
	if ((st = vm_sql(vm,
			 "DELETE FROM admin_objectaccess WHERE object_id = ? AND content_type_id IN "
			 "(SELECT id FROM django_content_type WHERE app_label = 'admin' AND model = 'domain')",
			 1, p, NULL, err, "removing grants")) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_domain WHERE id = ?", 1, p, NULL, err, "deleting domain")) != VM_OK)
		goto out;
	/* its rollup row, which a later domain given the same id (SQLite
	 * reuses the highest) would otherwise inherit */
	if ((st = usage_table(vm, &rollup, err)) != VM_OK ||
	    (rollup && (st = vm_sql(vm, "DELETE FROM vmailadm_domain_usage WHERE domain_id = ?", 1, p, NULL, err,
				    "deleting domain")) != VM_OK))
		goto out;
	snprintf(idb, sizeof idb, "%lld", d.dates_id);
	if ((st = vm_sql(vm, "DELETE FROM admin_objectdates WHERE id = ?", 1, p, NULL, err, "deleting domain")) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_DEL, "domain", d.name);
	change_field(c, "quota", fmt_mb(d.quota_mb, 1, mbuf, sizeof mbuf), NULL);
	change_field(c, "enabled", yesno(d.enabled), NULL);
out:
	db_result_free(&res);
	return vm_tx_finish(vm, st, err);
}
