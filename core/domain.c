/* SPDX-License-Identifier: MIT */
/* domain.c: domains and domain aliases (rules in domain.h). */
#include "core/domain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/match.h"
#include "core/usage.h"
#include "lib/xalloc.h"

#define DOMAIN_COLS "id, name, quota, enabled, dates_id"

static void fill_domain(const struct db_result *res, size_t r, struct domain *d)
{
	d->id = vm_ll(db_value(res, r, 0));
	snprintf(d->name, sizeof d->name, "%s", db_value(res, r, 1));
	d->quota_mb = (int)vm_ll(db_value(res, r, 2));
	d->enabled = vm_ll(db_value(res, r, 3)) != 0;
	d->dates_id = vm_ll(db_value(res, r, 4));
}

enum vm_status domain_get(struct vm *vm, const char *name, struct domain *d, struct vm_error *err)
{
	char norm[VM_DOMAIN_MAX + 1];
	struct db_result *res = NULL;
	const char *p[1] = {norm};
	enum vm_status st;

	if ((st = valid_domain(name, norm, err)) != VM_OK)
		return st;
	if ((st = vm_sql(vm, "SELECT " DOMAIN_COLS " FROM admin_domain WHERE name = ?", 1, p, &res, err,
			 "reading domain")) != VM_OK)
		return st;
	if (res->nrows == 0) {
		db_result_free(&res);
		return vm_fail(err, VM_ERR_NOT_FOUND, "no domain %s", norm);
	}
	fill_domain(res, 0, d);
	db_result_free(&res);
	return VM_OK;
}

static const char *yesno(int b)
{
	return b ? "yes" : "no";
}

/* Is name used by a domain alias? */
static enum vm_status domainalias_exists(struct vm *vm, const char *name, int *exists, struct vm_error *err)
{
	struct db_result *res = NULL;
	const char *p[1] = {name};
	enum vm_status st =
		vm_sql(vm, "SELECT 1 FROM admin_domainalias WHERE name = ?", 1, p, &res, err, "reading domain aliases");

	if (st == VM_OK)
		*exists = res->nrows > 0;
	db_result_free(&res);
	return st;
}

enum vm_status domain_add(struct vm *vm, const char *name, const struct domain_opts *o, struct vm_error *err)
{
	char norm[VM_DOMAIN_MAX + 1], qb[32], mbuf[32];
	struct domain d;
	long long dates_id, id;
	int exists = 0;
	enum vm_status st;
	struct change *c;

	if ((st = valid_domain(name, norm, err)) != VM_OK)
		return st;
	if (!vm->actor.superuser)
		return vm_fail(err, VM_ERR_DENIED, "only a superadministrator may add domains");
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	st = domain_get(vm, norm, &d, err);
	if (st == VM_OK) {
		st = vm_fail(err, VM_ERR_EXISTS, "domain %s already exists", norm);
		goto out;
	}
	if (st != VM_ERR_NOT_FOUND)
		goto out;
	if ((st = domainalias_exists(vm, norm, &exists, err)) != VM_OK)
		goto out;
	if (exists) {
		st = vm_fail(err, VM_ERR_EXISTS, "%s is already a domain alias", norm);
		goto out;
	}
	if ((st = vm_new_dates(vm, &dates_id, err)) != VM_OK)
		goto out;
	snprintf(qb, sizeof qb, "%d", o->has_quota ? o->quota_mb : 0);
	{
		char db_[32];
		const char *p[4] = {norm, qb, (o->has_enabled && !o->enabled) ? "0" : "1", db_};

		snprintf(db_, sizeof db_, "%lld", dates_id);
		if ((st = vm_sql_insert(vm, "INSERT INTO admin_domain (name, quota, enabled, dates_id) VALUES (?, ?, ?, ?)",
					4, p, &id, err, "adding domain")) != VM_OK)
			goto out;
	}
	c = change_begin(&vm->changes, CHANGE_ADD, "domain", norm);
	change_field(c, "quota", NULL, fmt_mb(o->has_quota ? o->quota_mb : 0, 1, mbuf, sizeof mbuf));
	change_field(c, "enabled", NULL, yesno(!(o->has_enabled && !o->enabled)));
	if (o->has_services)
		st = services_domain_set(vm, id, o->services, c, err);
out:
	return vm_tx_finish(vm, st, err);
}

enum vm_status domain_set(struct vm *vm, const char *name, const struct domain_opts *o, struct vm_error *err)
{
	struct domain d;
	enum vm_status st;
	struct change *c;
	char idb[32], qb[32], b1[32], b2[32];

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domain_get(vm, name, &d, err)) != VM_OK)
		goto out;
	if ((st = vm_check_domain(vm, d.id, d.name, err)) != VM_OK)
		goto out;
	snprintf(idb, sizeof idb, "%lld", d.id);
	if (o->has_quota && o->quota_mb != d.quota_mb) {
		if (!vm->actor.superuser) {
			st = vm_fail(err, VM_ERR_DENIED, "only a superadministrator may change a domain's quota");
			goto out;
		}
		snprintf(qb, sizeof qb, "%d", o->quota_mb);
		if (o->quota_mb > 0) {
			/* mailboxes over the new cap (or unlimited) that do not follow the domain */
			struct db_result *res = NULL;
			const char *p[4] = {idb, qb, "0", "0"};

			if ((st = vm_sql(vm,
					 "SELECT mb.address, mb.quota FROM admin_mailbox mb WHERE mb.domain_id = ? AND "
					 "(mb.quota > ? OR mb.quota = ?) AND mb.use_domain_quota = ? ORDER BY mb.address",
					 4, p, &res, err, "checking quotas")) != VM_OK)
				goto out;
			if (res->nrows > 0) {
				st = vm_fail(err, VM_ERR_QUOTA,
					     "domain %s: quota %s is below the quota of %zu mailbox(es), e.g. %s@%s (%s); "
					     "lower those first",
					     d.name, fmt_mb(o->quota_mb, 1, b1, sizeof b1), res->nrows,
					     db_value(res, 0, 0), d.name,
					     fmt_mb((int)vm_ll(db_value(res, 0, 1)), 1, b2, sizeof b2));
				db_result_free(&res);
				goto out;
			}
			db_result_free(&res);
		}
		{
			const char *p[2] = {qb, idb};

			if ((st = vm_sql(vm, "UPDATE admin_domain SET quota = ? WHERE id = ?", 2, p, NULL, err,
					 "changing domain quota")) != VM_OK)
				goto out;
			/* mailboxes that follow the domain's quota take the new one */
			if ((st = vm_sql(vm, "UPDATE admin_mailbox SET quota = ? WHERE domain_id = ? AND use_domain_quota = ?",
					 3, (const char *const[]){qb, idb, "1"}, NULL, err, "changing mailbox quotas")) !=
			    VM_OK)
				goto out;
		}
	}
	if (o->has_enabled && o->enabled != d.enabled) {
		const char *p[2] = {o->enabled ? "1" : "0", idb};

		if ((st = vm_sql(vm, "UPDATE admin_domain SET enabled = ? WHERE id = ?", 2, p, NULL, err,
				 "changing domain")) != VM_OK)
			goto out;
	}
	c = change_begin(&vm->changes, CHANGE_SET, "domain", d.name);
	if (o->has_quota)
		change_field(c, "quota", fmt_mb(d.quota_mb, 1, b1, sizeof b1), fmt_mb(o->quota_mb, 1, b2, sizeof b2));
	if (o->has_enabled)
		change_field(c, "enabled", yesno(d.enabled), yesno(o->enabled));
	if (o->has_services && (st = services_domain_set(vm, d.id, o->services, c, err)) != VM_OK) {
		change_end(&vm->changes);
		goto out;
	}
	if (change_end(&vm->changes))
		st = vm_touch_dates(vm, d.dates_id, err);
out:
	return vm_tx_finish(vm, st, err);
}

#define STR_(x) #x
#define STR(x) STR_(x)
#define BIG_S STR(DOMAIN_BIG)
#define IS_BIG "(u.mailboxes >= " BIG_S " OR u.aliases >= " BIG_S ")"

enum vm_status domain_list(struct vm *vm, const char *prefix, const char *after, int limit, struct domain_row **rows,
			   size_t *n, struct vm_error *err)
{
	char *sql = NULL, lim[48], uid[32], pat[VM_DOMAIN_SHOWN];
	struct match_params mp = {0};
	struct db_result *res = NULL;
	const char *p[8];
	int np = 0, rollup;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	/* a Unicode label of the prefix or glob matches its stored xn-- form */
	if (prefix && idn_needed(prefix)) {
		if ((st = idn_pattern(prefix, pat, sizeof pat, err)) != VM_OK)
			return st;
		prefix = pat;
	}
	if ((st = usage_present(vm, &rollup, err)) != VM_OK)
		return st;
	if (rollup)
		/* CASE evaluates the subquery only for the rows that take that
		 * branch (on all three engines): a big domain costs one primary
		 * key lookup in the rollup */
		str_append(&sql,
			   "SELECT d.id, d.name, d.quota, d.enabled, d.dates_id, "
			   "CASE WHEN " IS_BIG " THEN u.mailboxes ELSE "
			   "(SELECT COUNT(*) FROM admin_mailbox mb WHERE mb.domain_id = d.id) END, "
			   "CASE WHEN " IS_BIG " THEN u.aliases ELSE "
			   "(SELECT COUNT(*) FROM admin_alias al WHERE al.domain_id = d.id) END, "
			   "CASE WHEN u.domain_id IS NOT NULL THEN u.allocated_mb ELSE "
			   "(SELECT COALESCE(SUM(mb.quota), 0) FROM admin_mailbox mb WHERE mb.domain_id = d.id) END, "
			   "CASE WHEN u.domain_id IS NOT NULL THEN u.bytes ELSE "
			   "(SELECT COALESCE(SUM(q.bytes), 0) FROM admin_quota q WHERE q.domain_id = d.id) END, "
			   "(SELECT COUNT(*) FROM admin_domainalias da WHERE da.target_id = d.id), "
			   "u.refreshed, CASE WHEN " IS_BIG " THEN 1 ELSE 0 END "
			   "FROM admin_domain d LEFT JOIN vmailadm_domain_usage u ON u.domain_id = d.id WHERE d.name > ?");
	else
		str_append(&sql, "SELECT d.id, d.name, d.quota, d.enabled, d.dates_id, "
				 "(SELECT COUNT(*) FROM admin_mailbox mb WHERE mb.domain_id = d.id), "
				 "(SELECT COUNT(*) FROM admin_alias al WHERE al.domain_id = d.id), "
				 "(SELECT COALESCE(SUM(mb.quota), 0) FROM admin_mailbox mb WHERE mb.domain_id = d.id), "
				 "(SELECT COALESCE(SUM(q.bytes), 0) FROM admin_quota q JOIN admin_mailbox mb ON q.mbox_id = mb.id "
				 "WHERE mb.domain_id = d.id), "
				 "(SELECT COUNT(*) FROM admin_domainalias da WHERE da.target_id = d.id), NULL, 0 "
				 "FROM admin_domain d WHERE d.name > ?");
	p[np++] = after ? after : "";
	if (!vm->actor.superuser) {
		snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
		str_append(&sql, " AND d.id IN (SELECT oa.object_id FROM admin_objectaccess oa JOIN django_content_type ct "
				 "ON ct.id = oa.content_type_id WHERE ct.app_label = 'admin' AND ct.model = 'domain' "
				 "AND oa.user_id = ?)");
		p[np++] = uid;
	}
	if (prefix && *prefix) {
		if (match_has_wildcard(prefix))
			match_glob(&sql, "d.name", prefix, &mp);
		else
			match_prefix(vm, &sql, "d.name", prefix, &mp);
		for (int i = 0; i < mp.n; i++)
			p[np++] = mp.v[i];
	}
	snprintf(lim, sizeof lim, " ORDER BY d.name LIMIT %d", limit > 0 ? limit : 50);
	str_append(&sql, lim);
	st = vm_sql(vm, sql, np, p, &res, err, "listing domains");
	free(sql);
	match_params_free(&mp);
	if (st != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++) {
		struct domain_row *row = &(*rows)[r];

		fill_domain(res, r, &row->d);
		row->mailboxes = vm_ll(db_value(res, r, 5));
		row->aliases = vm_ll(db_value(res, r, 6));
		row->allocated_mb = vm_ll(db_value(res, r, 7));
		row->used_bytes = vm_ll(db_value(res, r, 8));
		row->domain_aliases = vm_ll(db_value(res, r, 9));
		/* "YYYY-MM-DD HH:MM:SS" on every engine */
		snprintf(row->as_of, sizeof row->as_of, "%.19s", db_value(res, r, 10) ? db_value(res, r, 10) : "");
		row->counts_as_of = vm_ll(db_value(res, r, 11)) != 0;
	}
	*n = res->nrows;
	db_result_free(&res);
	return VM_OK;
}

/* ---- domain aliases ---- */

static enum vm_status domainalias_read(struct vm *vm, const char *name, struct domainalias *da, struct vm_error *err)
{
	char norm[VM_DOMAIN_MAX + 1];
	struct db_result *res = NULL;
	const char *p[1] = {norm};
	enum vm_status st;

	if ((st = valid_domain(name, norm, err)) != VM_OK)
		return st;
	if ((st = vm_sql(vm,
			 "SELECT da.id, da.name, d.name, da.enabled FROM admin_domainalias da JOIN admin_domain d ON "
			 "d.id = da.target_id WHERE da.name = ?",
			 1, p, &res, err, "reading domain alias")) != VM_OK)
		return st;
	if (res->nrows == 0) {
		db_result_free(&res);
		return vm_fail(err, VM_ERR_NOT_FOUND, "no domain alias %s", norm);
	}
	da->id = vm_ll(db_value(res, 0, 0));
	snprintf(da->name, sizeof da->name, "%s", db_value(res, 0, 1));
	snprintf(da->target, sizeof da->target, "%s", db_value(res, 0, 2));
	da->enabled = vm_ll(db_value(res, 0, 3)) != 0;
	db_result_free(&res);
	return VM_OK;
}

enum vm_status domainalias_get(struct vm *vm, const char *name, struct domainalias *da, struct vm_error *err)
{
	struct domain t;
	enum vm_status st;

	if ((st = domainalias_read(vm, name, da, err)) != VM_OK)
		return st;
	/* a domain administrator reads only aliases of granted domains, as
	 * domainalias_list shows them */
	if ((st = domain_get(vm, da->target, &t, err)) != VM_OK)
		return st;
	return vm_check_domain(vm, t.id, t.name, err);
}

enum vm_status domainalias_add(struct vm *vm, const char *name, const char *target, int has_enabled, int enabled,
			       struct vm_error *err)
{
	char norm[VM_DOMAIN_MAX + 1], tid[32], dates[32];
	struct domain t, other;
	struct domainalias da;
	long long dates_id, id;
	enum vm_status st;
	struct change *c;

	if ((st = valid_domain(name, norm, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domain_get(vm, target, &t, err)) != VM_OK) {
		if (st == VM_ERR_NOT_FOUND)
			vm_fail(err, st, "domain alias %s: target domain %s does not exist", norm, target);
		goto out;
	}
	if ((st = vm_check_domain(vm, t.id, t.name, err)) != VM_OK)
		goto out;
	if (strcmp(norm, t.name) == 0) {
		st = vm_fail(err, VM_ERR_INVALID, "domain alias %s cannot point at itself", norm);
		goto out;
	}
	st = domain_get(vm, norm, &other, err);
	if (st == VM_OK) {
		st = vm_fail(err, VM_ERR_EXISTS, "%s is already a domain", norm);
		goto out;
	}
	if (st != VM_ERR_NOT_FOUND)
		goto out;
	st = domainalias_read(vm, norm, &da, err);
	if (st == VM_OK) {
		st = vm_fail(err, VM_ERR_EXISTS, "domain alias %s already exists (-> %s)", norm, da.target);
		goto out;
	}
	if (st != VM_ERR_NOT_FOUND)
		goto out;
	if ((st = vm_new_dates(vm, &dates_id, err)) != VM_OK)
		goto out;
	snprintf(tid, sizeof tid, "%lld", t.id);
	snprintf(dates, sizeof dates, "%lld", dates_id);
	{
		const char *p[4] = {norm, tid, (has_enabled && !enabled) ? "0" : "1", dates};

		if ((st = vm_sql_insert(vm, "INSERT INTO admin_domainalias (name, target_id, enabled, dates_id) VALUES (?, ?, ?, ?)",
					4, p, &id, err, "adding domain alias")) != VM_OK)
			goto out;
	}
	c = change_begin(&vm->changes, CHANGE_ADD, "domainalias", norm);
	change_field(c, "target", NULL, t.name);
	change_field(c, "enabled", NULL, yesno(!(has_enabled && !enabled)));
out:
	return vm_tx_finish(vm, st, err);
}

enum vm_status domainalias_set(struct vm *vm, const char *name, const char *target, int has_enabled, int enabled,
			       struct vm_error *err)
{
	struct domainalias da;
	struct domain t;
	enum vm_status st;
	char idb[32], tid[32];
	struct change *c;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domainalias_get(vm, name, &da, err)) != VM_OK)
		goto out;
	snprintf(idb, sizeof idb, "%lld", da.id);
	c = change_begin(&vm->changes, CHANGE_SET, "domainalias", da.name);
	if (target) {
		if ((st = domain_get(vm, target, &t, err)) != VM_OK)
			goto out;
		if ((st = vm_check_domain(vm, t.id, t.name, err)) != VM_OK)
			goto out;
		snprintf(tid, sizeof tid, "%lld", t.id);
		if ((st = vm_sql(vm, "UPDATE admin_domainalias SET target_id = ? WHERE id = ?", 2,
				 (const char *const[]){tid, idb}, NULL, err, "changing domain alias")) != VM_OK)
			goto out;
		change_field(c, "target", da.target, t.name);
	}
	if (has_enabled) {
		if ((st = vm_sql(vm, "UPDATE admin_domainalias SET enabled = ? WHERE id = ?", 2,
				 (const char *const[]){enabled ? "1" : "0", idb}, NULL, err, "changing domain alias")) !=
		    VM_OK)
			goto out;
		change_field(c, "enabled", yesno(da.enabled), yesno(enabled));
	}
	change_end(&vm->changes);
out:
	return vm_tx_finish(vm, st, err);
}

enum vm_status domainalias_del(struct vm *vm, const char *name, struct vm_error *err)
{
	struct domainalias da;
	enum vm_status st;
	char idb[32];
	struct change *c;
	struct db_result *res = NULL;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domainalias_get(vm, name, &da, err)) != VM_OK)
		goto out;
	snprintf(idb, sizeof idb, "%lld", da.id);
	if ((st = vm_sql(vm, "SELECT dates_id FROM admin_domainalias WHERE id = ?", 1, (const char *const[]){idb}, &res,
			 err, "reading domain alias")) != VM_OK)
		goto out;
	if ((st = vm_sql(vm, "DELETE FROM admin_domainalias WHERE id = ?", 1, (const char *const[]){idb}, NULL, err,
			 "deleting domain alias")) != VM_OK)
		goto out;
	if ((st = services_forget_domain(vm, 0, da.name, err)) != VM_OK)
		goto out;
	if (res->nrows &&
	    (st = vm_sql(vm, "DELETE FROM admin_objectdates WHERE id = ?", 1,
			 (const char *const[]){db_value(res, 0, 0)}, NULL, err, "deleting domain alias")) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_DEL, "domainalias", da.name);
	change_field(c, "target", da.target, NULL);
out:
	db_result_free(&res);
	return vm_tx_finish(vm, st, err);
}

enum vm_status domainalias_list(struct vm *vm, const char *target_filter, const char *after, int limit,
				struct domainalias **rows, size_t *n, struct vm_error *err)
{
	char *sql = NULL, lim[48];
	struct db_result *res = NULL;
	const char *p[3];
	int np = 0;
	enum vm_status st;
	char tnorm[VM_DOMAIN_MAX + 1], uid[32];

	*rows = NULL;
	*n = 0;
	str_append(&sql, "SELECT da.id, da.name, d.name, da.enabled FROM admin_domainalias da JOIN admin_domain d "
			 "ON d.id = da.target_id WHERE da.name > ?");
	p[np++] = after ? after : "";
	if (target_filter) {
		if ((st = valid_domain(target_filter, tnorm, err)) != VM_OK) {
			free(sql);
			return st;
		}
		str_append(&sql, " AND d.name = ?");
		p[np++] = tnorm;
	}
	if (!vm->actor.superuser) {
		snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
		str_append(&sql, " AND d.id IN (SELECT oa.object_id FROM admin_objectaccess oa JOIN django_content_type ct "
				 "ON ct.id = oa.content_type_id WHERE ct.app_label = 'admin' AND ct.model = 'domain' "
				 "AND oa.user_id = ?)");
		p[np++] = uid;
	}
	snprintf(lim, sizeof lim, " ORDER BY da.name LIMIT %d", limit > 0 ? limit : 50);
	str_append(&sql, lim);
	st = vm_sql(vm, sql, np, p, &res, err, "listing domain aliases");
	free(sql);
	if (st != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++) {
		struct domainalias *da = &(*rows)[r];

		da->id = vm_ll(db_value(res, r, 0));
		snprintf(da->name, sizeof da->name, "%s", db_value(res, r, 1));
		snprintf(da->target, sizeof da->target, "%s", db_value(res, r, 2));
		da->enabled = vm_ll(db_value(res, r, 3)) != 0;
	}
	*n = res->nrows;
	db_result_free(&res);
	return VM_OK;
}
