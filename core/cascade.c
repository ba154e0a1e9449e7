/* SPDX-License-Identifier: MIT */
/* cascade.c: the deletions that take other objects along (declared with
 * their objects' rules in mailbox.h and domain.h): a mailbox takes its alias
 * links (and the aliases it was the last recipient of), its services, sieve
 * scripts and quota row and queues its files' removal; a domain takes its
 * mailboxes (each as mailbox_del), its aliases, the domain aliases pointing
 * at it, the grants on it and its rollup row. Above mailbox.c, alias.c,
 * domain.c and sieve.c, which it calls and which never call it, so that
 * those call only downwards; impact.c beside it counts what these will
 * take, for the console's confirmations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alias.h"
#include "core/domain.h"
#include "core/mailbox.h"
#include "core/ops.h"
#include "core/sieve.h"
#include "core/usage.h"
#include "lib/xalloc.h"

static const char *yesno(int b)
{
	return b ? "yes" : "no";
}

enum vm_status mailbox_del(struct vm *vm, const char *address, int keep_files, struct vm_error *err)
{
	struct mailbox mb;
	struct db_result *res = NULL;
	char uid[32], mid[32], dates[32], mbuf[32];
	char *home = NULL;
	enum vm_status st;
	struct change *c;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = mailbox_get_to_change(vm, address, &mb, err)) != VM_OK)
		goto out;
	snprintf(uid, sizeof uid, "%lld", mb.user_id);
	snprintf(mid, sizeof mid, "%lld", mb.id);
	snprintf(dates, sizeof dates, "%lld", mb.dates_id);
	/* aliases that lose their last recipient go too */
	if ((st = vm_sql(vm, "SELECT alias_id FROM admin_alias_mboxes WHERE mailbox_id = ?", 1,
			 (const char *const[]){mid}, &res, err, "reading aliases")) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_alias_mboxes WHERE mailbox_id = ?", 1, (const char *const[]){mid}, NULL,
			 err, "removing alias links")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++)
		st = alias_note_recipient_removed(vm, vm_ll(db_value(res, r, 0)), mb.address, err);
	db_result_free(&res);
	if (st != VM_OK)
		goto out;
	if ((st = services_forget_mailbox(vm, mb.id, err)) != VM_OK)
		goto out;
	home = mailbox_home(vm, mb.domain, mb.local);
	if ((st = ops_mailbox_deleted(vm, mb.id, home, keep_files, err)) != VM_OK)
		goto out;
	if ((st = sieve_mailbox_deleted(vm, mb.id, mb.address, err)) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_quota WHERE mbox_id = ? OR username = ?", 2,
			 (const char *const[]){mid, mb.address}, NULL, err, "removing quota row")) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_mailbox WHERE id = ?", 1, (const char *const[]){mid}, NULL, err,
			 "deleting mailbox")) != VM_OK ||
	    (st = usage_bump(vm, mb.domain_id, -1, 0, err)) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_user_groups WHERE user_id = ?", 1, (const char *const[]){uid}, NULL,
			 err, "deleting user")) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_objectaccess WHERE user_id = ?", 1, (const char *const[]){uid}, NULL,
			 err, "deleting user")) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_user WHERE id = ?", 1, (const char *const[]){uid}, NULL, err,
			 "deleting user")) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_objectdates WHERE id = ?", 1, (const char *const[]){dates}, NULL, err,
			 "deleting mailbox")) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_DEL, "mailbox", mb.address);
	change_field(c, "quota", fmt_mb(mb.quota_mb, 1, mbuf, sizeof mbuf), NULL);
	change_field(c, "enabled", yesno(mb.enabled), NULL);
	change_field(c, "files", keep_files ? "kept" : "queued for removal", NULL);
out:
	free(home);
	db_result_free(&res);
	return vm_tx_finish(vm, st, err);
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
	if ((st = vm_sql(vm, "SELECT address FROM admin_mailbox WHERE domain_id = ? ORDER BY address", 1, p, &res, err,
			 "reading mailboxes")) != VM_OK)
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
	if ((st = services_forget_domain(vm, d.id, d.name, err)) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_domain WHERE id = ?", 1, p, NULL, err, "deleting domain")) != VM_OK)
		goto out;
	/* its rollup row, which a later domain given the same id (SQLite
	 * reuses the highest) would otherwise inherit */
	if ((st = usage_present(vm, &rollup, err)) != VM_OK ||
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
