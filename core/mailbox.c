/* SPDX-License-Identifier: MIT */
/* mailbox.c: mail accounts (rules in mailbox.h). */
#include "core/mailbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/domain.h"
#include "core/match.h"
#include "core/usage.h"
#include "lib/xalloc.h"

#define MAILBOX_SELECT                                                                                                 \
	MAILBOX_COLUMNS "FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id "                            \
			"JOIN admin_user u ON u.id = mb.user_id LEFT JOIN admin_quota q ON q.username = u.username "

void mailbox_from_row(const struct db_result *res, size_t r, struct mailbox *mb)
{
	memset(mb, 0, sizeof *mb);
	mb->id = vm_ll(db_value(res, r, 0));
	mb->user_id = vm_ll(db_value(res, r, 1));
	mb->domain_id = vm_ll(db_value(res, r, 2));
	mb->dates_id = vm_ll(db_value(res, r, 3));
	snprintf(mb->local, sizeof mb->local, "%s", db_value(res, r, 4) ? db_value(res, r, 4) : "");
	snprintf(mb->domain, sizeof mb->domain, "%s", db_value(res, r, 5) ? db_value(res, r, 5) : "");
	snprintf(mb->address, sizeof mb->address, "%s@%s", mb->local, mb->domain);
	mb->quota_mb = (int)vm_ll(db_value(res, r, 6));
	mb->use_domain_quota = vm_ll(db_value(res, r, 7)) != 0;
	mb->enabled = vm_ll(db_value(res, r, 8)) != 0;
	snprintf(mb->first, sizeof mb->first, "%s", db_value(res, r, 9) ? db_value(res, r, 9) : "");
	snprintf(mb->last, sizeof mb->last, "%s", db_value(res, r, 10) ? db_value(res, r, 10) : "");
	mb->has_usage = db_value(res, r, 11) != NULL;
	mb->bytes = vm_ll(db_value(res, r, 11));
	mb->messages = vm_ll(db_value(res, r, 12));
	mb->pending_ops = vm_ll(db_value(res, r, 13));
}

static enum vm_status get_by_parts(struct vm *vm, const char *local, const char *domain, struct mailbox *mb,
				   struct vm_error *err)
{
	struct db_result *res = NULL;
	const char *p[2] = {domain, local};
	enum vm_status st;

	if ((st = vm_sql(vm, MAILBOX_SELECT "WHERE d.name = ? AND mb.address = ?", 2, p, &res, err, "reading mailbox")) !=
	    VM_OK)
		return st;
	if (res->nrows == 0) {
		db_result_free(&res);
		return vm_fail(err, VM_ERR_NOT_FOUND, "no mailbox %s@%s", local, domain);
	}
	mailbox_from_row(res, 0, mb);
	db_result_free(&res);
	{
		struct services sv;

		if ((st = services_get(vm, mb->id, &sv, err)) != VM_OK)
			return st;
		services_short(&sv, mb->services, sizeof mb->services);
	}
	return VM_OK;
}

enum vm_status mailbox_get(struct vm *vm, const char *address, struct mailbox *mb, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1];
	enum vm_status st;

	if ((st = valid_address(address, 0, local, domain, err)) != VM_OK)
		return st;
	return get_by_parts(vm, local, domain, mb, err);
}

enum vm_status mailbox_get_to_change(struct vm *vm, const char *address, struct mailbox *mb, struct vm_error *err)
{
	enum vm_status st;

	if ((st = mailbox_get(vm, address, mb, err)) != VM_OK)
		return st;
	if ((st = vm_check_domain(vm, mb->domain_id, mb->domain, err)) != VM_OK)
		return st;
	return auth_check_user(vm, mb->user_id, mb->address, err);
}

char *mailbox_home(struct vm *vm, const char *domain, const char *local)
{
	return xasprintf("%s/%s/%s", vm->cfg && vm->cfg->mail_root ? vm->cfg->mail_root : "/var/vmail", domain, local);
}

static const char *yesno(int b)
{
	return b ? "yes" : "no";
}

enum vm_status mailbox_quota_rule(const struct domain *d, const char *addr, int has_q, int q, int *out_q, int *follows,
				  struct vm_error *err)
{
	char b1[32], b2[32];

	if (!has_q) {
		*out_q = d->quota_mb;
		*follows = 1;
		return VM_OK;
	}
	if (d->quota_mb > 0 && (q == 0 || q > d->quota_mb))
		return vm_fail(err, VM_ERR_QUOTA, "mailbox %s: quota %s is over the cap of domain %s (%s)", addr,
			       fmt_mb(q, 1, b1, sizeof b1), d->name, fmt_mb(d->quota_mb, 1, b2, sizeof b2));
	*out_q = q;
	*follows = 0;
	return VM_OK;
}

/* The password to store, from password= (hashed) or password-hash= (checked). */
static enum vm_status stored_password(struct vm *vm, const struct mailbox_opts *o, char *out, struct vm_error *err)
{
	if (o->password && o->password_hash)
		return vm_fail(err, VM_ERR_USAGE, "give password= or password-hash=, not both");
	if (o->password_hash)
		return password_check_hash(o->password_hash, out, err);
	return password_hash(password_scheme(vm), o->password, out, err);
}

enum vm_status mailbox_users_group(struct vm *vm, char *out, size_t len, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	if (!vm->simple_users_group) {
		if ((st = vm_sql(vm, "SELECT id FROM auth_group WHERE name = 'SimpleUsers'", 0, NULL, &res, err,
				 "reading groups")) != VM_OK)
			return st;
		if (res->nrows)
			vm->simple_users_group = vm_ll(db_value(res, 0, 0));
		db_result_free(&res);
		if (!vm->simple_users_group) {
			const char *p[1] = {"SimpleUsers"};

			if ((st = vm_sql_insert(vm, "INSERT INTO auth_group (name) VALUES (?)", 1, p,
						&vm->simple_users_group, err, "adding group SimpleUsers")) != VM_OK)
				return st;
		}
	}
	snprintf(out, len, "%lld", vm->simple_users_group);
	return VM_OK;
}

enum vm_status mailbox_add(struct vm *vm, const char *address, const struct mailbox_opts *o, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], dname[VM_DOMAIN_MAX + 1], addr[VM_ADDRESS_MAX + 1];
	char first[VM_NAME_MAX * 4 + 1] = "", last[VM_NAME_MAX * 4 + 1] = "";
	char hash[PASSWORD_HASH_MAX + 1], qb[32], uid[32], did[32], dates[32], mid[32], grp[32], mbuf[32];
	struct domain d;
	struct mailbox existing;
	struct db_result *res = NULL;
	long long dates_id, user_id, mbox_id, dummy;
	int quota, follows;
	enum vm_status st;
	struct change *c;
	const char *now;

	if ((st = valid_address(address, 0, local, dname, err)) != VM_OK)
		return st;
	snprintf(addr, sizeof addr, "%s@%s", local, dname);
	if (!o->password && !o->password_hash)
		return vm_fail(err, VM_ERR_USAGE, "mailbox %s: give password= or password-hash=", addr);
	if (o->name && (st = valid_name(o->name, first, last, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domain_get(vm, dname, &d, err)) != VM_OK) {
		if (st == VM_ERR_NOT_FOUND)
			vm_fail(err, st, "mailbox %s: domain %s does not exist (add it first)", addr, dname);
		goto out;
	}
	if ((st = vm_check_domain(vm, d.id, d.name, err)) != VM_OK)
		goto out;
	if ((st = mailbox_quota_rule(&d, addr, o->has_quota, o->quota_mb, &quota, &follows, err)) != VM_OK)
		goto out;
	st = get_by_parts(vm, local, dname, &existing, err);
	if (st == VM_OK) {
		st = vm_fail(err, VM_ERR_EXISTS, "mailbox %s already exists", addr);
		goto out;
	}
	if (st != VM_ERR_NOT_FOUND)
		goto out;
	if ((st = vm_sql(vm, "SELECT 1 FROM admin_user WHERE username = ?", 1, (const char *const[]){addr}, &res, err,
			 "reading users")) != VM_OK)
		goto out;
	if (res->nrows) {
		st = vm_fail(err, VM_ERR_EXISTS, "mailbox %s: an account with that login already exists", addr);
		goto out;
	}
	db_result_free(&res);
	if ((st = stored_password(vm, o, hash, err)) != VM_OK)
		goto out;
	if ((st = mailbox_users_group(vm, grp, sizeof grp, err)) != VM_OK)
		goto out;
	if ((st = vm_new_dates(vm, &dates_id, err)) != VM_OK)
		goto out;
	now = vm_now();
	{
		const char *p[11] = {hash, now,   "0",
				     addr, first, last,
				     addr, "0",   (o->has_enabled && !o->enabled) ? "0" : "1",
				     now,  "1"};

		if ((st = vm_sql_insert(vm,
					"INSERT INTO admin_user (password, last_login, is_superuser, username, first_name, "
					"last_name, email, is_staff, is_active, date_joined, is_local) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					11, p, &user_id, err, "adding the mailbox's user")) != VM_OK)
			goto out;
	}
	snprintf(uid, sizeof uid, "%lld", user_id);
	if ((st = vm_sql_insert(vm, "INSERT INTO admin_user_groups (user_id, group_id) VALUES (?, ?)", 2,
				(const char *const[]){uid, grp}, &dummy, err, "adding the user's group")) != VM_OK)
		goto out;
	snprintf(qb, sizeof qb, "%d", quota);
	snprintf(did, sizeof did, "%lld", d.id);
	snprintf(dates, sizeof dates, "%lld", dates_id);
	{
		const char *p[6] = {local, qb, follows ? "1" : "0", did, uid, dates};

		if ((st = vm_sql_insert(vm,
					"INSERT INTO admin_mailbox (address, quota, use_domain_quota, domain_id, user_id, dates_id) "
					"VALUES (?, ?, ?, ?, ?, ?)",
					6, p, &mbox_id, err, "adding mailbox")) != VM_OK)
			goto out;
	}
	snprintf(mid, sizeof mid, "%lld", mbox_id);
	/* Dovecot may have made a usage row already (mail before the account):
	 * keep its figures and attach it to the mailbox */
	if ((st = vm_sql(vm, "SELECT 1 FROM admin_quota WHERE username = ?", 1, (const char *const[]){addr}, &res, err,
			 "reading quota row")) != VM_OK)
		goto out;
	st = vm_sql(vm,
		    res->nrows ? "UPDATE admin_quota SET mbox_id = ? WHERE username = ?"
			       : "INSERT INTO admin_quota (mbox_id, username, bytes, messages) VALUES (?, ?, 0, 0)",
		    2, (const char *const[]){mid, addr}, NULL, err, "adding quota row");
	db_result_free(&res);
	if (st != VM_OK)
		goto out;
	if ((st = usage_bump(vm, d.id, 1, 0, err)) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_ADD, "mailbox", addr);
	change_field(c, "quota", NULL, follows ? "domain" : fmt_mb(quota, 1, mbuf, sizeof mbuf));
	if (follows)
		change_field(c, "quota_mb", NULL, fmt_mb(quota, 1, mbuf, sizeof mbuf));
	if (*first || *last) {
		char *nm = xasprintf("%s%s%s", first, *last ? " " : "", last);

		change_field(c, "name", NULL, nm);
		free(nm);
	}
	change_field(c, "enabled", NULL, yesno(!(o->has_enabled && !o->enabled)));
	change_field(c, "password", NULL, "(set)");
	st = services_apply(vm, mbox_id, d.id, 1, &o->services, c, err);
out:
	db_result_free(&res);
	explicit_bzero(hash, sizeof hash);
	return vm_tx_finish(vm, st, err);
}

enum vm_status mailbox_set(struct vm *vm, const char *address, const struct mailbox_opts *o, struct vm_error *err)
{
	struct mailbox mb;
	struct domain d;
	char first[VM_NAME_MAX * 4 + 1], last[VM_NAME_MAX * 4 + 1], hash[PASSWORD_HASH_MAX + 1];
	char uid[32], mid[32], qb[32], b1[32], b2[32];
	enum vm_status st;
	struct change *c;

	if (o->name && (st = valid_name(o->name, first, last, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = mailbox_get_to_change(vm, address, &mb, err)) != VM_OK)
		goto out;
	if ((st = domain_get(vm, mb.domain, &d, err)) != VM_OK)
		goto out;
	snprintf(uid, sizeof uid, "%lld", mb.user_id);
	snprintf(mid, sizeof mid, "%lld", mb.id);
	c = change_begin(&vm->changes, CHANGE_SET, "mailbox", mb.address);
	if (o->has_quota) {
		int q, follows;

		if ((st = mailbox_quota_rule(&d, mb.address, 1, o->quota_mb, &q, &follows, err)) != VM_OK)
			goto out;
		snprintf(qb, sizeof qb, "%d", q);
		if ((st = vm_sql(vm, "UPDATE admin_mailbox SET quota = ?, use_domain_quota = ? WHERE id = ?", 3,
				 (const char *const[]){qb, "0", mid}, NULL, err, "changing quota")) != VM_OK)
			goto out;
		change_field(c, "quota", mb.use_domain_quota ? "domain" : fmt_mb(mb.quota_mb, 1, b1, sizeof b1),
			     fmt_mb(q, 1, b2, sizeof b2));
	}
	if (o->name) {
		char *before = xasprintf("%s%s%s", mb.first, *mb.last ? " " : "", mb.last);
		char *after = xasprintf("%s%s%s", first, *last ? " " : "", last);

		st = vm_sql(vm, "UPDATE admin_user SET first_name = ?, last_name = ? WHERE id = ?", 3,
			    (const char *const[]){first, last, uid}, NULL, err, "changing name");
		change_field(c, "name", before, after);
		free(before);
		free(after);
		if (st != VM_OK)
			goto out;
	}
	if (o->has_enabled) {
		if ((st = vm_sql(vm, "UPDATE admin_user SET is_active = ? WHERE id = ?", 2,
				 (const char *const[]){o->enabled ? "1" : "0", uid}, NULL, err, "changing mailbox")) != VM_OK)
			goto out;
		change_field(c, "enabled", yesno(mb.enabled), yesno(o->enabled));
	}
	if (o->password || o->password_hash) {
		if ((st = stored_password(vm, o, hash, err)) != VM_OK)
			goto out;
		st = vm_sql(vm, "UPDATE admin_user SET password = ? WHERE id = ?", 2, (const char *const[]){hash, uid},
			    NULL, err, "changing password");
		explicit_bzero(hash, sizeof hash);
		if (st != VM_OK)
			goto out;
		change_field(c, "password", "(set)", "(changed)");
	}
	if ((st = services_apply(vm, mb.id, mb.domain_id, 0, &o->services, c, err)) != VM_OK)
		goto out;
	if (change_end(&vm->changes))
		st = vm_touch_dates(vm, mb.dates_id, err);
out:
	return vm_tx_finish(vm, st, err);
}

enum vm_status mailbox_list(struct vm *vm, const struct mailbox_query *q, struct mailbox **rows, size_t *n,
			    struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	st = match_domain_page(vm, MAILBOX_SELECT "WHERE mb.domain_id = ?", "mb.address", q->domain_id, q->after,
			       q->local_prefix, q->local_glob, q->limit, &res, err, "listing mailboxes");
	if (st != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++)
		mailbox_from_row(res, r, &(*rows)[r]);
	*n = res->nrows;
	db_result_free(&res);
	/* the page's services in one more query (the console shows the disabled ones) */
	if (*n) {
		long long *ids = xcalloc(*n, sizeof *ids);
		struct services *sv = xcalloc(*n, sizeof *sv);

		for (size_t i = 0; i < *n; i++)
			ids[i] = (*rows)[i].id;
		st = services_get_many(vm, ids, *n, sv, err);
		for (size_t i = 0; st == VM_OK && i < *n; i++)
			services_short(&sv[i], (*rows)[i].services, sizeof(*rows)[i].services);
		free(ids);
		free(sv);
		if (st != VM_OK) {
			free(*rows);
			*rows = NULL;
			*n = 0;
			return st;
		}
	}
	return VM_OK;
}
