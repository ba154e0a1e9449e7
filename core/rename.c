/* SPDX-License-Identifier: MIT */
/* rename.c: mailbox and domain renames (rules in rename.h). */
#include "core/rename.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/domain.h"
#include "core/mailbox.h"
#include "core/match.h"
#include "core/ops.h"
#include "core/sieve.h"
#include "core/sender.h"
#include "core/usage.h"
#include "core/validate.h"
#include "lib/xalloc.h"

/* "%needle%" for LIKE ... ESCAPE '!', with the needle's wildcards escaped. */
static char *like_contains(const char *needle)
{
	size_t n = strlen(needle);
	char *p = xmalloc(2 * n + 3), *o = p;

	*o++ = '%';
	for (const char *s = needle; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '!')
			*o++ = '!';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

/* The rewritten form of one extmboxes entry, or NULL when it does not name
 * old_key. old_key "@domain" names every address of the domain. Caller frees. */
static char *rewrite_entry(const char *e, size_t len, const char *old_key, const char *new_key)
{
	if (old_key[0] == '@') {
		const char *at = memchr(e, '@', len);

		while (at && memchr(at + 1, '@', len - (size_t)(at + 1 - e)))
			at = memchr(at + 1, '@', len - (size_t)(at + 1 - e));
		if (at && at > e && strlen(old_key) == len - (size_t)(at - e) &&
		    strncasecmp(at, old_key, len - (size_t)(at - e)) == 0)
			return xasprintf("%.*s%s", (int)(at - e), e, new_key);
		return NULL;
	}
	if (strlen(old_key) == len && strncasecmp(e, old_key, len) == 0)
		return xstrdup(new_key);
	return NULL;
}

/* Rewrites the external recipients of every alias that names old_key (an
 * address, or "@domain" for all of a domain's) to new_key. */
static enum vm_status rewrite_extmboxes(struct vm *vm, const char *old_key, const char *new_key, struct vm_error *err)
{
	struct db_result *res = NULL;
	char *pat = like_contains(old_key);
	enum vm_status st;

	st = vm_sql(vm,
		    "SELECT al.id, al.address, d.name, al.extmboxes FROM admin_alias al JOIN admin_domain d ON "
		    "d.id = al.domain_id WHERE LOWER(al.extmboxes) LIKE ? ESCAPE '!' ORDER BY al.id",
		    1, (const char *const[]){pat}, &res, err, "reading aliases' external recipients");
	free(pat);
	if (st != VM_OK)
		return st;
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++) {
		const char *ext = db_value(res, r, 3), *local = db_value(res, r, 1);
		char *out = NULL, *key;
		int changed = 0;

		if (!ext)
			continue;
		for (const char *p = ext;;) {
			const char *c = strchr(p, ',');
			size_t len = c ? (size_t)(c - p) : strlen(p);
			char *nw = rewrite_entry(p, len, old_key, new_key);

			if (out)
				str_append(&out, ",");
			if (nw) {
				str_append(&out, nw);
				changed = 1;
				free(nw);
			} else {
				char *same = xstrndup(p, len);

				str_append(&out, same);
				free(same);
			}
			if (!c)
				break;
			p = c + 1;
		}
		if (changed) {
			struct change *ch;

			st = vm_sql(vm, "UPDATE admin_alias SET extmboxes = ? WHERE id = ?", 2,
				    (const char *const[]){out, db_value(res, r, 0)}, NULL, err,
				    "rewriting an alias's external recipients");
			key = strcmp(local, "*") == 0 ? xasprintf("@%s", db_value(res, r, 2))
						      : xasprintf("%s@%s", local, db_value(res, r, 2));
			ch = change_begin(&vm->changes, CHANGE_SET, "alias", key);
			change_field(ch, "external", ext, out);
			change_end(&vm->changes);
			free(key);
		}
		free(out);
	}
	db_result_free(&res);
	return st;
}

/* The account, quota row and files of mailbox mbox_id follow its new address. */
static enum vm_status move_account(struct vm *vm, long long mbox_id, long long user_id, const char *old_addr,
				   const char *new_addr, const char *old_home, struct vm_error *err)
{
	char mid[32], uid[32];
	struct db_result *res = NULL;
	enum vm_status st;
	int has_quota_row;

	snprintf(mid, sizeof mid, "%lld", mbox_id);
	snprintf(uid, sizeof uid, "%lld", user_id);
	if ((st = vm_sql(vm, "SELECT 1 FROM admin_user WHERE username = ? AND id <> ?", 2,
			 (const char *const[]){new_addr, uid}, &res, err, "reading accounts")) != VM_OK)
		return st;
	if (res->nrows) {
		db_result_free(&res);
		return vm_fail(err, VM_ERR_EXISTS, "renaming %s to %s: an account with the login %s already exists",
			       old_addr, new_addr, new_addr);
	}
	db_result_free(&res);
	if ((st = vm_sql(vm, "UPDATE admin_user SET username = ?, email = ? WHERE id = ?", 3,
			 (const char *const[]){new_addr, new_addr, uid}, NULL, err, "renaming the account")) != VM_OK)
		return st;
	/* a usage row left under the new name belongs to no mailbox (mailbox del
	 * removes its row): it would block the primary key */
	if ((st = vm_sql(vm, "DELETE FROM admin_quota WHERE username = ? AND (mbox_id IS NULL OR mbox_id <> ?)", 2,
			 (const char *const[]){new_addr, mid}, NULL, err, "clearing a stale quota row")) != VM_OK)
		return st;
	if ((st = vm_sql(vm, "SELECT 1 FROM admin_quota WHERE username = ? OR mbox_id = ?", 2,
			 (const char *const[]){old_addr, mid}, &res, err, "reading the quota row")) != VM_OK)
		return st;
	has_quota_row = res->nrows > 0;
	db_result_free(&res);
	/* the usage figures (bytes, messages) stay: the files move, not the mail */
	st = vm_sql(vm,
		    has_quota_row ? "UPDATE admin_quota SET username = ?, mbox_id = ? WHERE username = ? OR mbox_id = ?"
				  : "INSERT INTO admin_quota (username, mbox_id, bytes, messages) VALUES (?, ?, 0, 0)",
		    has_quota_row ? 4 : 2, (const char *const[]){new_addr, mid, old_addr, mid}, NULL, err,
		    "moving the quota row");
	if (st != VM_OK)
		return st;
	/* its vacation, filters and Sieve script (core/sieve.h) */
	if ((st = sieve_mailbox_renamed(vm, mbox_id, old_addr, new_addr, err)) != VM_OK)
		return st;
	/* one pending rename is enough: its argument is where the files are, and
	 * the runner moves them to the home of the address at run time */
	if ((st = vm_sql(vm, "SELECT 1 FROM admin_mailboxoperation WHERE mailbox_id = ? AND type = 'rename'", 1,
			 (const char *const[]){mid}, &res, err, "reading pending operations")) != VM_OK)
		return st;
	if (res->nrows == 0)
		st = ops_queue(vm, mbox_id, "rename", old_home, err);
	db_result_free(&res);
	return st;
}

enum vm_status mailbox_rename(struct vm *vm, const char *old_address, const char *new_address, struct vm_error *err)
{
	char nlocal[VM_LOCAL_MAX + 1], ndomain[VM_DOMAIN_MAX + 1], naddr[VM_ADDRESS_MAX + 1];
	char mid[32], did[32], qb[32], b1[32], b2[32];
	struct mailbox mb, other;
	struct domain nd;
	char *home = NULL;
	int quota;
	enum vm_status st;
	struct change *c;

	if ((st = valid_address(new_address, 0, nlocal, ndomain, err)) != VM_OK)
		return st;
	snprintf(naddr, sizeof naddr, "%s@%s", nlocal, ndomain);
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	/* renaming changes the account's login: not another administrator's */
	if ((st = mailbox_get_to_change(vm, old_address, &mb, err)) != VM_OK)
		goto out;
	if (strcmp(mb.address, naddr) == 0) {
		st = vm_fail(err, VM_ERR_INVALID, "mailbox %s is already called %s", mb.address, naddr);
		goto out;
	}
	if ((st = domain_get(vm, ndomain, &nd, err)) != VM_OK) {
		if (st == VM_ERR_NOT_FOUND)
			vm_fail(err, st, "renaming %s to %s: domain %s does not exist", mb.address, naddr, ndomain);
		goto out;
	}
	if ((st = vm_check_domain(vm, nd.id, nd.name, err)) != VM_OK)
		goto out;
	st = mailbox_get(vm, naddr, &other, err);
	if (st == VM_OK) {
		st = vm_fail(err, VM_ERR_EXISTS, "renaming %s: mailbox %s already exists", mb.address, naddr);
		goto out;
	}
	if (st != VM_ERR_NOT_FOUND)
		goto out;
	quota = mb.quota_mb;
	if (nd.id != mb.domain_id) {
		if (mb.use_domain_quota)
			quota = nd.quota_mb;
		else if (nd.quota_mb > 0 && (mb.quota_mb == 0 || mb.quota_mb > nd.quota_mb)) {
			st = vm_fail(err, VM_ERR_QUOTA, "renaming %s to %s: quota %s is over the cap of domain %s (%s)",
				     mb.address, naddr, fmt_mb(mb.quota_mb, 1, b1, sizeof b1), nd.name,
				     fmt_mb(nd.quota_mb, 1, b2, sizeof b2));
			goto out;
		}
	}
	snprintf(mid, sizeof mid, "%lld", mb.id);
	snprintf(did, sizeof did, "%lld", nd.id);
	snprintf(qb, sizeof qb, "%d", quota);
	if ((st = vm_sql(vm, "UPDATE admin_mailbox SET address = ?, domain_id = ?, quota = ? WHERE id = ?", 4,
			 (const char *const[]){nlocal, did, qb, mid}, NULL, err, "renaming mailbox")) != VM_OK)
		goto out;
	if (nd.id != mb.domain_id && ((st = usage_bump(vm, mb.domain_id, -1, 0, err)) != VM_OK ||
				      (st = usage_bump(vm, nd.id, 1, 0, err)) != VM_OK))
		goto out;
	c = change_begin(&vm->changes, CHANGE_SET, "mailbox", mb.address);
	change_field(c, "address", mb.address, naddr);
	if (quota != mb.quota_mb)
		change_field(c, "quota", fmt_mb(mb.quota_mb, 1, b1, sizeof b1), fmt_mb(quota, 1, b2, sizeof b2));
	change_end(&vm->changes);
	home = mailbox_home(vm, mb.domain, mb.local);
	if ((st = move_account(vm, mb.id, mb.user_id, mb.address, naddr, home, err)) != VM_OK)
		goto out;
	if ((st = rewrite_extmboxes(vm, mb.address, naddr, err)) != VM_OK)
		goto out;
	st = vm_touch_dates(vm, mb.dates_id, err);
out:
	free(home);
	return vm_tx_finish(vm, st, err);
}

/* The checks domain_rename and its preview share; fills d and norm. */
static enum vm_status domain_rename_check(struct vm *vm, const char *old_name, const char *new_name, struct domain *d,
					  char *norm, struct vm_error *err)
{
	struct domain other;
	struct db_result *res = NULL;
	enum vm_status st;

	if ((st = valid_domain(new_name, norm, err)) != VM_OK)
		return st;
	if ((st = domain_get(vm, old_name, d, err)) != VM_OK)
		return st;
	if (!vm->actor.superuser)
		return vm_fail(err, VM_ERR_DENIED, "only a superadministrator may rename domains");
	if (strcmp(d->name, norm) == 0)
		return vm_fail(err, VM_ERR_INVALID, "domain %s is already called %s", d->name, norm);
	st = domain_get(vm, norm, &other, err);
	if (st == VM_OK)
		return vm_fail(err, VM_ERR_EXISTS, "renaming domain %s: domain %s already exists", d->name, norm);
	if (st != VM_ERR_NOT_FOUND)
		return st;
	if ((st = vm_sql(vm, "SELECT 1 FROM admin_domainalias WHERE name = ?", 1, (const char *const[]){norm}, &res,
			 err, "reading domain aliases")) != VM_OK)
		return st;
	st = res->nrows ? vm_fail(err, VM_ERR_EXISTS, "renaming domain %s: %s is a domain alias", d->name, norm) : VM_OK;
	db_result_free(&res);
	return st;
}

enum vm_status domain_rename(struct vm *vm, const char *old_name, const char *new_name, struct vm_error *err)
{
	char norm[VM_DOMAIN_MAX + 1], idb[32], oldkey[VM_DOMAIN_MAX + 2], newkey[VM_DOMAIN_MAX + 2];
	struct domain d;
	struct db_result *res = NULL;
	enum vm_status st;
	struct change *c;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domain_rename_check(vm, old_name, new_name, &d, norm, err)) != VM_OK)
		goto out;
	snprintf(idb, sizeof idb, "%lld", d.id);
	if ((st = vm_sql(vm, "UPDATE admin_domain SET name = ? WHERE id = ?", 2, (const char *const[]){norm, idb}, NULL,
			 err, "renaming domain")) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_SET, "domain", d.name);
	change_field(c, "name", d.name, norm);
	change_end(&vm->changes);
	if ((st = vm_sql(vm, "SELECT id, user_id, address FROM admin_mailbox WHERE domain_id = ? ORDER BY address", 1,
			 (const char *const[]){idb}, &res, err, "reading mailboxes")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++) {
		const char *local = db_value(res, r, 2);
		char *oa = xasprintf("%s@%s", local, d.name), *na = xasprintf("%s@%s", local, norm);
		char *home = mailbox_home(vm, d.name, local);

		c = change_begin(&vm->changes, CHANGE_SET, "mailbox", oa);
		change_field(c, "address", oa, na);
		change_end(&vm->changes);
		st = move_account(vm, vm_ll(db_value(res, r, 0)), vm_ll(db_value(res, r, 1)), oa, na, home, err);
		free(oa);
		free(na);
		free(home);
	}
	db_result_free(&res);
	if (st != VM_OK)
		goto out;
	/* aliases point at the domain by id: listed so the diff shows every address */
	if ((st = vm_sql(vm, "SELECT address FROM admin_alias WHERE domain_id = ? ORDER BY address", 1,
			 (const char *const[]){idb}, &res, err, "reading aliases")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows; r++) {
		const char *local = db_value(res, r, 0);
		int all = strcmp(local, "*") == 0;
		char *oa = xasprintf("%s@%s", all ? "" : local, d.name), *na = xasprintf("%s@%s", all ? "" : local, norm);

		c = change_begin(&vm->changes, CHANGE_SET, "alias", oa);
		change_field(c, "address", oa, na);
		change_end(&vm->changes);
		free(oa);
		free(na);
	}
	db_result_free(&res);
	if ((st = sender_domain_renamed(vm, d.name, norm, err)) != VM_OK)
		goto out;
	snprintf(oldkey, sizeof oldkey, "@%s", d.name);
	snprintf(newkey, sizeof newkey, "@%s", norm);
	if ((st = rewrite_extmboxes(vm, oldkey, newkey, err)) != VM_OK)
		goto out;
	st = vm_touch_dates(vm, d.dates_id, err);
out:
	db_result_free(&res);
	return vm_tx_finish(vm, st, err);
}

static void add_pair(struct rename_pair **pairs, size_t *n, size_t *cap, const char *kind, char *o, char *nw)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*pairs = xrealloc(*pairs, *cap * sizeof **pairs);
	}
	(*pairs)[*n].kind = kind;
	(*pairs)[*n].old_addr = o;
	(*pairs)[*n].new_addr = nw;
	(*n)++;
}

enum vm_status domain_rename_preview(struct vm *vm, const char *old_name, const char *new_name,
				     struct rename_pair **pairs, size_t *n, struct vm_error *err)
{
	char norm[VM_DOMAIN_MAX + 1], idb[32];
	struct domain d;
	struct db_result *res = NULL;
	size_t cap = 0;
	enum vm_status st;

	*pairs = NULL;
	*n = 0;
	if ((st = vm_tx_begin(vm, 0, err)) != VM_OK)
		return st;
	if ((st = domain_rename_check(vm, old_name, new_name, &d, norm, err)) != VM_OK)
		goto out;
	add_pair(pairs, n, &cap, "domain", xstrdup(d.name), xstrdup(norm));
	snprintf(idb, sizeof idb, "%lld", d.id);
	if ((st = vm_sql(vm, "SELECT address FROM admin_mailbox WHERE domain_id = ? ORDER BY address", 1,
			 (const char *const[]){idb}, &res, err, "reading mailboxes")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows; r++)
		add_pair(pairs, n, &cap, "mailbox", xasprintf("%s@%s", db_value(res, r, 0), d.name),
			 xasprintf("%s@%s", db_value(res, r, 0), norm));
	db_result_free(&res);
	if ((st = vm_sql(vm, "SELECT address FROM admin_alias WHERE domain_id = ? ORDER BY address", 1,
			 (const char *const[]){idb}, &res, err, "reading aliases")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows; r++) {
		const char *local = db_value(res, r, 0);
		int all = strcmp(local, "*") == 0;

		add_pair(pairs, n, &cap, all ? "catch-all" : "alias", xasprintf("%s@%s", all ? "" : local, d.name),
			 xasprintf("%s@%s", all ? "" : local, norm));
	}
out:
	db_result_free(&res);
	if (st != VM_OK)
		rename_pairs_free(pairs, *n);
	if (st != VM_OK)
		*n = 0;
	return vm_tx_finish(vm, st, err);
}

void rename_pairs_free(struct rename_pair **pairs, size_t n)
{
	if (!*pairs)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*pairs)[i].old_addr);
		free((*pairs)[i].new_addr);
	}
	free(*pairs);
	*pairs = NULL;
}
