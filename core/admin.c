/* SPDX-License-Identifier: MIT */
/* admin.c: administrators and their grants (see admin.h). */
#include "core/admin.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/domain.h"
#include "core/password.h"
#include "core/validate.h"
#include "lib/xalloc.h"

static enum vm_status valid_login(const char *in, char *out, struct vm_error *err)
{
	size_t n = strlen(in);

	if (n == 0 || n > ADMIN_LOGIN_MAX)
		return vm_fail(err, VM_ERR_INVALID, "login: 1 to %d characters", ADMIN_LOGIN_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (!isalnum(c) && !strchr("@._+-", c))
			return vm_fail(err, VM_ERR_INVALID,
				       "login: character %zu (\\x%02x) is not allowed (letters, digits and @._+- only)",
				       i + 1, c);
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	if (out[0] == '-' || out[0] == '.')
		return vm_fail(err, VM_ERR_INVALID, "login may not start with '%c'", out[0]);
	return VM_OK;
}

/* auth_group id of name, made when missing. */
static enum vm_status group_id(struct vm *vm, const char *name, char *out, size_t len, struct vm_error *err)
{
	struct db_result *res = NULL;
	long long id = 0;
	enum vm_status st;

	if ((st = vm_sql(vm, "SELECT id FROM auth_group WHERE name = ?", 1, (const char *const[]){name}, &res, err,
			 "reading groups")) != VM_OK)
		return st;
	if (res->nrows)
		id = vm_ll(db_value(res, 0, 0));
	db_result_free(&res);
	if (!id && (st = vm_sql_insert(vm, "INSERT INTO auth_group (name) VALUES (?)", 1, (const char *const[]){name},
				       &id, err, "adding a group")) != VM_OK)
		return st;
	snprintf(out, len, "%lld", id);
	return VM_OK;
}

/* django_content_type id of admin.domain, made when missing. */
static enum vm_status domain_ctype(struct vm *vm, char *out, size_t len, struct vm_error *err)
{
	struct db_result *res = NULL;
	long long id = 0;
	enum vm_status st;

	if ((st = vm_sql(vm, "SELECT id FROM django_content_type WHERE app_label = 'admin' AND model = 'domain'", 0,
			 NULL, &res, err, "reading content types")) != VM_OK)
		return st;
	if (res->nrows)
		id = vm_ll(db_value(res, 0, 0));
	db_result_free(&res);
	if (!id && (st = vm_sql_insert(vm, "INSERT INTO django_content_type (app_label, model) VALUES (?, ?)", 2,
				       (const char *const[]){"admin", "domain"}, &id, err, "adding a content type")) != VM_OK)
		return st;
	snprintf(out, len, "%lld", id);
	return VM_OK;
}

struct account {
	long long id;
	int found, superadmin, domainadmin, enabled, has_mailbox;
	char first[VM_NAME_MAX * 4 + 1], last[VM_NAME_MAX * 4 + 1];
	char *domains; /* owned */
};

static enum vm_status read_domains(struct vm *vm, long long uid, char **out, struct vm_error *err)
{
	struct db_result *res = NULL;
	char ub[32];
	enum vm_status st;

	snprintf(ub, sizeof ub, "%lld", uid);
	*out = xstrdup("");
	if ((st = vm_sql(vm,
			 "SELECT d.name FROM admin_objectaccess oa JOIN django_content_type ct ON ct.id = oa.content_type_id "
			 "JOIN admin_domain d ON d.id = oa.object_id WHERE ct.app_label = 'admin' AND ct.model = 'domain' "
			 "AND oa.user_id = ? ORDER BY d.name",
			 1, (const char *const[]){ub}, &res, err, "reading grants")) != VM_OK)
		return st;
	for (size_t r = 0; r < res->nrows; r++) {
		char *next = xasprintf("%s%s%s", *out, **out ? "," : "", db_value(res, r, 0));

		free(*out);
		*out = next;
	}
	db_result_free(&res);
	return VM_OK;
}

static enum vm_status read_account(struct vm *vm, const char *login, struct account *a, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	memset(a, 0, sizeof *a);
	if ((st = vm_sql(vm,
			 "SELECT u.id, u.is_superuser, u.is_active, u.first_name, u.last_name, "
			 "(SELECT COUNT(*) FROM admin_user_groups ug JOIN auth_group g ON g.id = ug.group_id "
			 "WHERE ug.user_id = u.id AND g.name = 'DomainAdmins'), "
			 "(SELECT COUNT(*) FROM admin_mailbox mb WHERE mb.user_id = u.id) "
			 "FROM admin_user u WHERE u.username = ?",
			 1, (const char *const[]){login}, &res, err, "reading administrators")) != VM_OK)
		return st;
	if (res->nrows) {
		a->found = 1;
		a->id = vm_ll(db_value(res, 0, 0));
		a->superadmin = vm_ll(db_value(res, 0, 1)) != 0;
		a->enabled = vm_ll(db_value(res, 0, 2)) != 0;
		snprintf(a->first, sizeof a->first, "%s", db_value(res, 0, 3) ? db_value(res, 0, 3) : "");
		snprintf(a->last, sizeof a->last, "%s", db_value(res, 0, 4) ? db_value(res, 0, 4) : "");
		a->domainadmin = vm_ll(db_value(res, 0, 5)) > 0;
		a->has_mailbox = vm_ll(db_value(res, 0, 6)) > 0;
	}
	db_result_free(&res);
	if (a->found)
		return read_domains(vm, a->id, &a->domains, err);
	a->domains = xstrdup("");
	return VM_OK;
}

/* Replaces the user's domain grants by the comma-separated list; *shown
 * gets the normalised list. Each domain must exist. */
static enum vm_status set_grants(struct vm *vm, long long uid, const char *list, char **shown, struct vm_error *err)
{
	char ub[32], ct[32], *copy = xstrdup(list), *save = NULL;
	long long *ids = NULL, dummy;
	size_t n = 0;
	enum vm_status st;

	*shown = xstrdup("");
	snprintf(ub, sizeof ub, "%lld", uid);
	if ((st = domain_ctype(vm, ct, sizeof ct, err)) != VM_OK)
		goto out;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct domain d;
		int dup = 0;

		while (*t == ' ')
			t++;
		if (!*t)
			continue;
		if ((st = domain_get(vm, t, &d, err)) != VM_OK) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			vm_fail(err, st, "domains: %s", msg);
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			dup |= ids[i] == d.id;
		if (dup)
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = d.id;
	}
	if ((st = vm_sql(vm, "DELETE FROM admin_objectaccess WHERE user_id = ? AND content_type_id = ?", 2,
			 (const char *const[]){ub, ct}, NULL, err, "changing grants")) != VM_OK)
		goto out;
	for (size_t i = 0; i < n && st == VM_OK; i++) {
		char ib[32];

		snprintf(ib, sizeof ib, "%lld", ids[i]);
		st = vm_sql_insert(vm,
				   "INSERT INTO admin_objectaccess (user_id, content_type_id, object_id, is_owner) "
				   "VALUES (?, ?, ?, ?)",
				   4, (const char *const[]){ub, ct, ib, "0"}, &dummy, err, "adding a grant");
	}
	if (st == VM_OK) {
		free(*shown);
		st = read_domains(vm, uid, shown, err);
	}
out:
	free(ids);
	free(copy);
	return st;
}

/* Makes the user's groups exactly `group` (NULL = none). */
static enum vm_status set_group(struct vm *vm, long long uid, const char *group, struct vm_error *err)
{
	char ub[32], gid[32];
	long long dummy;
	enum vm_status st;

	snprintf(ub, sizeof ub, "%lld", uid);
	if ((st = vm_sql(vm, "DELETE FROM admin_user_groups WHERE user_id = ?", 1, (const char *const[]){ub}, NULL, err,
			 "changing groups")) != VM_OK)
		return st;
	if (!group)
		return VM_OK;
	if ((st = group_id(vm, group, gid, sizeof gid, err)) != VM_OK)
		return st;
	return vm_sql_insert(vm, "INSERT INTO admin_user_groups (user_id, group_id) VALUES (?, ?)", 2,
			     (const char *const[]){ub, gid}, &dummy, err, "adding to a group");
}

static const char *role_name(int superadmin)
{
	return superadmin ? "superadmin" : "domainadmin";
}

static const char *yesno(int b)
{
	return b ? "yes" : "no";
}

static char *full_name(const char *first, const char *last)
{
	return xasprintf("%s%s%s", first, *first && *last ? " " : "", last);
}

/* What admin add and admin set check before their transaction: the name
 * given split into first and last (room for VM_NAME_MAX * 4 + 1 each), the
 * password given hashed into hash (room for PASSWORD_HASH_MAX + 1). */
static enum vm_status name_and_hash(struct vm *vm, const struct admin_opts *o, char *first, char *last, char *hash,
				    struct vm_error *err)
{
	enum vm_status st;

	if (o->name && (st = valid_name(o->name, first, last, err)) != VM_OK)
		return st;
	if (o->password && (st = password_hash(password_scheme(vm), o->password, hash, err)) != VM_OK)
		return st;
	return VM_OK;
}

enum vm_status admin_add(struct vm *vm, const char *login_in, const struct admin_opts *o, struct vm_error *err)
{
	char login[ADMIN_LOGIN_MAX + 1], hash[PASSWORD_HASH_MAX + 1] = "";
	char first[VM_NAME_MAX * 4 + 1] = "", last[VM_NAME_MAX * 4 + 1] = "";
	int superadmin = o->has_role && o->superadmin;
	int enabled = !(o->has_enabled && !o->enabled);
	struct account a = {0};
	char *domains = NULL, *nm = NULL;
	enum vm_status st;
	struct change *c;
	long long uid;

	if ((st = auth_require_superuser(vm, "admin add", err)) != VM_OK)
		return st;
	if ((st = valid_login(login_in, login, err)) != VM_OK)
		return st;
	if (superadmin && o->domains && *o->domains)
		return vm_fail(err, VM_ERR_USAGE,
			       "domains= goes with role=domainadmin (a superadministrator has every domain)");
	if ((st = name_and_hash(vm, o, first, last, hash, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		goto wipe;
	if ((st = read_account(vm, login, &a, err)) != VM_OK)
		goto out;
	if (a.found && (a.superadmin || a.domainadmin)) {
		st = vm_fail(err, VM_ERR_EXISTS, "administrator %s already exists (use admin set to change it)", login);
		goto out;
	}
	if (a.found) {
		/* a mail account becomes an administrator: keeps its mailbox */
		char ub[32];

		uid = a.id;
		snprintf(ub, sizeof ub, "%lld", uid);
		if ((st = vm_sql(vm, "UPDATE admin_user SET is_superuser = ?, is_staff = ? WHERE id = ?", 3,
				 (const char *const[]){superadmin ? "1" : "0", superadmin ? "1" : "0", ub}, NULL, err,
				 "promoting the account")) != VM_OK)
			goto out;
		if (*hash && (st = vm_sql(vm, "UPDATE admin_user SET password = ? WHERE id = ?", 2,
					  (const char *const[]){hash, ub}, NULL, err, "setting the password")) != VM_OK)
			goto out;
		if (o->name && (st = vm_sql(vm, "UPDATE admin_user SET first_name = ?, last_name = ? WHERE id = ?", 3,
					    (const char *const[]){first, last, ub}, NULL, err, "setting the name")) != VM_OK)
			goto out;
		if (o->has_enabled && (st = vm_sql(vm, "UPDATE admin_user SET is_active = ? WHERE id = ?", 2,
						   (const char *const[]){enabled ? "1" : "0", ub}, NULL, err,
						   "enabling the account")) != VM_OK)
			goto out;
		if (!o->name) {
			snprintf(first, sizeof first, "%s", a.first);
			snprintf(last, sizeof last, "%s", a.last);
		}
		if (!o->has_enabled)
			enabled = a.enabled;
	} else {
		const char *now = vm_now();

		if (!*hash) {
			st = vm_fail(err, VM_ERR_USAGE, "administrator %s: give password=", login);
			goto out;
		}
		if ((st = vm_sql_insert(vm,
					"INSERT INTO admin_user (password, last_login, is_superuser, username, first_name, "
					"last_name, email, is_staff, is_active, date_joined, is_local) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					11,
					(const char *const[]){hash, now, superadmin ? "1" : "0", login, first, last,
							      strchr(login, '@') ? login : "", superadmin ? "1" : "0",
							      enabled ? "1" : "0", now, "1"},
					&uid, err, "adding the administrator")) != VM_OK)
			goto out;
	}
	if ((st = set_group(vm, uid, superadmin ? NULL : "DomainAdmins", err)) != VM_OK)
		goto out;
	if ((st = set_grants(vm, uid, superadmin || !o->domains ? "" : o->domains, &domains, err)) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_ADD, "admin", login);
	change_field(c, "role", NULL, role_name(superadmin));
	if (!superadmin)
		change_field(c, "domains", NULL, domains);
	nm = full_name(first, last);
	if (*nm)
		change_field(c, "name", NULL, nm);
	change_field(c, "enabled", NULL, yesno(enabled));
	if (*hash)
		change_field(c, "password", NULL, "(set)");
	if (a.found)
		change_field(c, "mailbox", NULL, "kept");
out:
	free(a.domains);
	free(domains);
	free(nm);
	st = vm_tx_finish(vm, st, err);
wipe:
	explicit_bzero(hash, sizeof hash);
	return st;
}

/* Reads the administrator login, or fails with NOT_FOUND. */
static enum vm_status get_admin(struct vm *vm, const char *login_in, char *login, struct account *a, struct vm_error *err)
{
	enum vm_status st;

	if ((st = valid_login(login_in, login, err)) != VM_OK)
		return st;
	if ((st = read_account(vm, login, a, err)) != VM_OK)
		return st;
	if (!a->found || (!a->superadmin && !a->domainadmin))
		return vm_fail(err, VM_ERR_NOT_FOUND, "no administrator %s", login);
	return VM_OK;
}

enum vm_status admin_set(struct vm *vm, const char *login_in, const struct admin_opts *o, struct vm_error *err)
{
	char login[ADMIN_LOGIN_MAX + 1], hash[PASSWORD_HASH_MAX + 1] = "", ub[32];
	char first[VM_NAME_MAX * 4 + 1] = "", last[VM_NAME_MAX * 4 + 1] = "";
	struct account a = {0};
	char *domains = NULL, *before = NULL, *after = NULL;
	int superadmin;
	enum vm_status st;
	struct change *c;

	if ((st = auth_require_superuser(vm, "admin set", err)) != VM_OK)
		return st;
	if ((st = name_and_hash(vm, o, first, last, hash, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		goto wipe;
	if ((st = get_admin(vm, login_in, login, &a, err)) != VM_OK)
		goto out;
	superadmin = o->has_role ? o->superadmin : a.superadmin;
	if (a.id == vm->actor.user_id && ((o->has_enabled && !o->enabled) || (a.superadmin && !superadmin))) {
		st = vm_fail(err, VM_ERR_REFUSED, "administrator %s: you may not disable or demote your own login", login);
		goto out;
	}
	if (superadmin && o->domains && *o->domains) {
		st = vm_fail(err, VM_ERR_USAGE,
			     "domains= goes with role=domainadmin (a superadministrator has every domain)");
		goto out;
	}
	snprintf(ub, sizeof ub, "%lld", a.id);
	c = change_begin(&vm->changes, CHANGE_SET, "admin", login);
	if (superadmin != a.superadmin) {
		if ((st = vm_sql(vm, "UPDATE admin_user SET is_superuser = ?, is_staff = ? WHERE id = ?", 3,
				 (const char *const[]){superadmin ? "1" : "0", superadmin ? "1" : "0", ub}, NULL, err,
				 "changing the role")) != VM_OK)
			goto out;
		if ((st = set_group(vm, a.id, superadmin ? NULL : "DomainAdmins", err)) != VM_OK)
			goto out;
		change_field(c, "role", role_name(a.superadmin), role_name(superadmin));
	}
	if (superadmin && *a.domains) {
		/* a superadministrator's grants mean nothing; drop them */
		if ((st = set_grants(vm, a.id, "", &domains, err)) != VM_OK)
			goto out;
		change_field(c, "domains", a.domains, "");
	} else if (!superadmin && o->domains) {
		if ((st = set_grants(vm, a.id, o->domains, &domains, err)) != VM_OK)
			goto out;
		change_field(c, "domains", a.domains, domains);
	}
	if (o->name) {
		if ((st = vm_sql(vm, "UPDATE admin_user SET first_name = ?, last_name = ? WHERE id = ?", 3,
				 (const char *const[]){first, last, ub}, NULL, err, "setting the name")) != VM_OK)
			goto out;
		before = full_name(a.first, a.last);
		after = full_name(first, last);
		change_field(c, "name", before, after);
	}
	if (o->has_enabled && o->enabled != a.enabled) {
		if ((st = vm_sql(vm, "UPDATE admin_user SET is_active = ? WHERE id = ?", 2,
				 (const char *const[]){o->enabled ? "1" : "0", ub}, NULL, err, "enabling the account")) !=
		    VM_OK)
			goto out;
		change_field(c, "enabled", yesno(a.enabled), yesno(o->enabled));
	}
	if (*hash) {
		if ((st = vm_sql(vm, "UPDATE admin_user SET password = ? WHERE id = ?", 2,
				 (const char *const[]){hash, ub}, NULL, err, "setting the password")) != VM_OK)
			goto out;
		change_field(c, "password", "(set)", "(changed)");
	}
	change_end(&vm->changes);
out:
	free(a.domains);
	free(domains);
	free(before);
	free(after);
	st = vm_tx_finish(vm, st, err);
wipe:
	explicit_bzero(hash, sizeof hash);
	return st;
}

enum vm_status admin_del(struct vm *vm, const char *login_in, struct vm_error *err)
{
	char login[ADMIN_LOGIN_MAX + 1], ub[32], *dom = NULL;
	struct account a = {0};
	enum vm_status st;
	struct change *c;

	if ((st = auth_require_superuser(vm, "admin del", err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = get_admin(vm, login_in, login, &a, err)) != VM_OK)
		goto out;
	if (a.id == vm->actor.user_id) {
		st = vm_fail(err, VM_ERR_REFUSED, "administrator %s: you may not delete your own login", login);
		goto out;
	}
	snprintf(ub, sizeof ub, "%lld", a.id);
	if ((st = set_grants(vm, a.id, "", &dom, err)) != VM_OK)
		goto out;
	if (a.has_mailbox) {
		/* the mail account stays; only the administrator goes */
		if ((st = vm_sql(vm, "UPDATE admin_user SET is_superuser = ?, is_staff = ? WHERE id = ?", 3,
				 (const char *const[]){"0", "0", ub}, NULL, err, "demoting the account")) != VM_OK)
			goto out;
		if ((st = set_group(vm, a.id, "SimpleUsers", err)) != VM_OK)
			goto out;
	} else {
		if ((st = set_group(vm, a.id, NULL, err)) != VM_OK)
			goto out;
		if ((st = vm_sql(vm, "DELETE FROM admin_objectaccess WHERE user_id = ?", 1, (const char *const[]){ub},
				 NULL, err, "removing grants")) != VM_OK)
			goto out;
		if ((st = vm_sql(vm, "DELETE FROM admin_user WHERE id = ?", 1, (const char *const[]){ub}, NULL, err,
				 "deleting the administrator")) != VM_OK)
			goto out;
	}
	c = change_begin(&vm->changes, CHANGE_DEL, "admin", login);
	change_field(c, "role", role_name(a.superadmin), NULL);
	if (!a.superadmin)
		change_field(c, "domains", a.domains, NULL);
	change_field(c, "enabled", yesno(a.enabled), NULL);
	if (a.has_mailbox)
		change_field(c, "mailbox", "kept", NULL);
out:
	free(a.domains);
	free(dom);
	return vm_tx_finish(vm, st, err);
}

void admin_infos_free(struct admin_info **rows, size_t n)
{
	if (!*rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*rows)[i].name);
		free((*rows)[i].domains);
	}
	free(*rows);
	*rows = NULL;
}

enum vm_status admin_list(struct vm *vm, struct admin_info **rows, size_t *n, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if ((st = auth_require_superuser(vm, "admin list", err)) != VM_OK)
		return st;
	if ((st = vm_sql(vm,
			 "SELECT u.id, u.username, u.is_superuser, u.is_active, u.first_name, u.last_name, "
			 "(SELECT COUNT(*) FROM admin_user_groups ug JOIN auth_group g ON g.id = ug.group_id "
			 "WHERE ug.user_id = u.id AND g.name = 'DomainAdmins'), "
			 "(SELECT COUNT(*) FROM admin_mailbox mb WHERE mb.user_id = u.id) "
			 "FROM admin_user u WHERE u.is_superuser = ? OR u.id IN (SELECT ug.user_id FROM admin_user_groups ug "
			 "JOIN auth_group g ON g.id = ug.group_id WHERE g.name = 'DomainAdmins') ORDER BY u.username",
			 1, (const char *const[]){"1"}, &res, err, "listing administrators")) != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++) {
		struct admin_info *ai = &(*rows)[r];

		ai->id = vm_ll(db_value(res, r, 0));
		snprintf(ai->login, sizeof ai->login, "%s", db_value(res, r, 1));
		ai->superadmin = vm_ll(db_value(res, r, 2)) != 0;
		ai->enabled = vm_ll(db_value(res, r, 3)) != 0;
		ai->name = full_name(db_value(res, r, 4) ? db_value(res, r, 4) : "",
				     db_value(res, r, 5) ? db_value(res, r, 5) : "");
		ai->domainadmin = vm_ll(db_value(res, r, 6)) > 0;
		ai->has_mailbox = vm_ll(db_value(res, r, 7)) > 0;
		st = read_domains(vm, ai->id, &ai->domains, err);
		*n = r + 1;
	}
	db_result_free(&res);
	if (st != VM_OK)
		admin_infos_free(rows, *n);
	return st;
}
