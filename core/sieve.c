/* SPDX-License-Identifier: MIT */
/* sieve.c: vacation and filters per mailbox, and the script rendered from
 * them (rules in sieve.h). */
#include "core/sieve.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth.h"
#include "core/mailbox.h"
#include "core/match.h"
#include "core/sieveprog.h"
#include "lib/xalloc.h"

static const char *const own[] = {"vmailadm_sieve", "vmailadm_vacation", "vmailadm_filter"};

/* Are the three tables there? *have = 1/0. Cached once seen. */
static enum vm_status tables_have(struct vm *vm, int *have, struct vm_error *err)
{
	struct db_result *res = NULL;
	struct db_error dberr = {0};
	size_t found = 0;

	if (vm->sieve_state > 0) {
		*have = 1;
		return VM_OK;
	}
	if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_TABLES, NULL, &res, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "reading the catalog");
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		for (size_t r = 0; r < res->nrows; r++)
			if (db_value(res, r, 0) && strcmp(db_value(res, r, 0), own[i]) == 0) {
				found++;
				break;
			}
	db_result_free(&res);
	*have = found == sizeof own / sizeof *own;
	if (*have)
		vm->sieve_state = 1;
	return VM_OK;
}

static enum vm_status tables_ready(struct vm *vm, struct vm_error *err)
{
	int have = 0;
	enum vm_status st = tables_have(vm, &have, err);

	if (st == VM_OK && !have)
		return vm_fail(err, VM_ERR_REFUSED,
			       "the database has no vacation/filter tables yet (vmailadm_vacation, vmailadm_filter, "
			       "vmailadm_sieve): run vmailadm db upgrade");
	return st;
}

/* Today as YYYY-MM-DD in local time, the clock Sieve's currentdate reads */
static void today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void vacation_info_clear(struct vacation_info *v)
{
	free(v->subject);
	free(v->text);
	free(v->addresses);
	memset(v, 0, sizeof *v);
}

/* The mailbox a statement names, with the actor's rights checked (write:
 * also that the account is not an administrator's, as mailbox set does). */
static enum vm_status target(struct vm *vm, const char *address, int write, struct mailbox *mb, struct vm_error *err)
{
	enum vm_status st;

	if ((st = tables_ready(vm, err)) != VM_OK)
		return st;
	if ((st = mailbox_get(vm, address, mb, err)) != VM_OK)
		return st;
	if ((st = vm_check_domain(vm, mb->domain_id, mb->domain, err)) != VM_OK)
		return st;
	return write ? auth_check_user(vm, mb->user_id, mb->address, err) : VM_OK;
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

#define VACATION_COLS                                                                                                   \
	"v.mbox_id, mb.address, d.name, v.subject, v.body, v.from_date, v.until_date, v.days, v.addresses, v.enabled, " \
	"v.domain_id "

static void fill_vacation(const struct db_result *res, size_t r, const char *day, struct vacation_info *v)
{
	memset(v, 0, sizeof *v);
	v->mbox_id = vm_ll(db_value(res, r, 0));
	snprintf(v->address, sizeof v->address, "%s@%s", db_value(res, r, 1), db_value(res, r, 2));
	v->subject = dup_or_empty(db_value(res, r, 3));
	v->text = dup_or_empty(db_value(res, r, 4));
	snprintf(v->from, sizeof v->from, "%s", db_value(res, r, 5) ? db_value(res, r, 5) : "");
	snprintf(v->until, sizeof v->until, "%s", db_value(res, r, 6) ? db_value(res, r, 6) : "");
	v->days = (int)vm_ll(db_value(res, r, 7));
	v->addresses = dup_or_empty(db_value(res, r, 8));
	v->enabled = vm_ll(db_value(res, r, 9)) != 0;
	v->domain_id = vm_ll(db_value(res, r, 10));
	v->active = v->enabled && (!*v->from || strcmp(v->from, day) <= 0) && (!*v->until || strcmp(v->until, day) >= 0);
}

static enum vm_status read_vacation(struct vm *vm, long long mbox_id, struct vacation_info *v, int *found,
				    struct vm_error *err)
{
	struct db_result *res = NULL;
	char mid[32], day[11];
	enum vm_status st;

	snprintf(mid, sizeof mid, "%lld", mbox_id);
	*found = 0;
	if ((st = vm_sql(vm,
			 "SELECT " VACATION_COLS "FROM vmailadm_vacation v JOIN admin_mailbox mb ON mb.id = v.mbox_id "
			 "JOIN admin_domain d ON d.id = mb.domain_id WHERE v.mbox_id = ?",
			 1, (const char *const[]){mid}, &res, err, "reading the vacation")) != VM_OK)
		return st;
	today(day);
	if (res->nrows) {
		fill_vacation(res, 0, day, v);
		*found = 1;
	}
	db_result_free(&res);
	return VM_OK;
}

void filter_rows_free(struct filter_info **rows, size_t n)
{
	if (!*rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free((*rows)[i].tests);
		free((*rows)[i].action);
		free((*rows)[i].argument);
	}
	free(*rows);
	*rows = NULL;
}

static enum vm_status read_filters(struct vm *vm, long long mbox_id, struct filter_info **rows, size_t *n,
				   struct vm_error *err)
{
	struct db_result *res = NULL;
	char mid[32];
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	snprintf(mid, sizeof mid, "%lld", mbox_id);
	if ((st = vm_sql(vm,
			 "SELECT name, ord, match_any, tests, action, argument, stop FROM vmailadm_filter "
			 "WHERE mbox_id = ? ORDER BY ord, name",
			 1, (const char *const[]){mid}, &res, err, "reading the filters")) != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++) {
		struct filter_info *f = &(*rows)[r];

		snprintf(f->name, sizeof f->name, "%s", db_value(res, r, 0));
		f->ord = (int)vm_ll(db_value(res, r, 1));
		f->any = vm_ll(db_value(res, r, 2)) != 0;
		f->tests = dup_or_empty(db_value(res, r, 3));
		f->action = dup_or_empty(db_value(res, r, 4));
		f->argument = dup_or_empty(db_value(res, r, 5));
		f->stop = vm_ll(db_value(res, r, 6)) != 0;
	}
	*n = res->nrows;
	db_result_free(&res);
	return VM_OK;
}

/* 64-bit FNV-1a: a short fingerprint for the script id (the counter in
 * front makes it change on every write; the hash lets a reader see two
 * mailboxes share a script) */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The rule (or "the vacation") that a compile error's line falls in */
static void rule_at(const struct filter_info *f, size_t n, const int *lines, int line, char *out, size_t len)
{
	if (line <= 0 || line < (n ? lines[0] : lines[n])) {
		snprintf(out, len, "the script");
		return;
	}
	if (line >= lines[n]) {
		snprintf(out, len, "the vacation");
		return;
	}
	for (size_t i = n; i-- > 0;)
		if (line >= lines[i]) {
			snprintf(out, len, "filter %s", f[i].name);
			return;
		}
	snprintf(out, len, "the script");
}

/* Renders the mailbox's script from its rows, compiles it when it changed,
 * and stores it (or removes the row when nothing is left to run). Records
 * a "sieve" change with the script id. */
static enum vm_status rebuild(struct vm *vm, long long mbox_id, const char *address, struct vm_error *err)
{
	struct vacation_info v = {0};
	struct filter_info *f = NULL;
	struct sieve_rule *rules = NULL;
	struct db_result *res = NULL;
	struct sieve_vacation sv = {0};
	size_t n = 0;
	int found = 0, *lines = NULL;
	char *script = NULL, *old_id = NULL, *new_id = NULL;
	enum vm_status st;

	if ((st = read_vacation(vm, mbox_id, &v, &found, err)) != VM_OK)
		return st;
	if ((st = read_filters(vm, mbox_id, &f, &n, err)) != VM_OK)
		goto out;
	rules = xcalloc(n ? n : 1, sizeof *rules);
	for (size_t i = 0; i < n; i++) {
		rules[i].name = f[i].name;
		rules[i].tests = f[i].tests;
		rules[i].action = f[i].action;
		rules[i].argument = f[i].argument;
		rules[i].any = f[i].any;
		rules[i].stop = f[i].stop;
	}
	if (found) {
		sv.subject = v.subject;
		sv.text = v.text;
		sv.from = *v.from ? v.from : NULL;
		sv.until = *v.until ? v.until : NULL;
		sv.addresses = v.addresses;
		sv.days = v.days;
		sv.enabled = v.enabled;
	}
	lines = xcalloc(n + 2, sizeof *lines);
	script = sieve_render(found ? &sv : NULL, rules, n, lines);
	if ((st = vm_sql(vm, "SELECT script_id, script_data FROM vmailadm_sieve WHERE username = ? AND script_name = 'active'",
			 1, (const char *const[]){address}, &res, err, "reading the script")) != VM_OK)
		goto out;
	if (res->nrows) {
		old_id = xstrdup(db_value(res, 0, 0) ? db_value(res, 0, 0) : "");
		if (script && db_value(res, 0, 1) && strcmp(db_value(res, 0, 1), script) == 0)
			goto out; /* unchanged: the id stays, Dovecot's cached binary stays good */
	} else if (!script) {
		goto out;
	}
	if (!script) {
		if ((st = vm_sql(vm, "DELETE FROM vmailadm_sieve WHERE username = ? AND script_name = 'active'", 1,
				 (const char *const[]){address}, NULL, err, "removing the script")) != VM_OK)
			goto out;
	} else {
		const char *sievec = vm->cfg && vm->cfg->sievec ? vm->cfg->sievec : "/usr/bin/sievec";
		long long version = old_id && old_id[0] == 'v' ? atoll(old_id + 1) : 0;

		if (strcmp(sievec, "none") != 0) {
			char msg[512], where[SIEVE_NAME_MAX + 16];
			int line = 0;

			switch (sievec_check(sievec, script, &line, msg, sizeof msg)) {
			case SIEVEC_OK:
				break;
			case SIEVEC_ERROR:
				rule_at(f, n, lines, line, where, sizeof where);
				st = vm_fail(err, VM_ERR_REFUSED, "%s: Pigeonhole refuses the script at %s: %s",
					     address, where, msg);
				goto out;
			case SIEVEC_UNRUNNABLE:
				st = vm_fail(err, VM_ERR_REFUSED,
					     "%s: the script could not be checked: %s ([sieve] sievec = %s; install "
					     "dovecot-sieve, or set it to none to store scripts unchecked)",
					     address, msg, sievec);
				goto out;
			}
		}
		new_id = xasprintf("v%lld-%016llx", version + 1, (unsigned long long)fnv1a(script));
		if (old_id)
			st = vm_sql(vm,
				    "UPDATE vmailadm_sieve SET script_id = ?, script_data = ? WHERE username = ? AND "
				    "script_name = 'active'",
				    3, (const char *const[]){new_id, script, address}, NULL, err, "storing the script");
		else
			st = vm_sql(vm,
				    "INSERT INTO vmailadm_sieve (username, script_name, script_id, script_data) "
				    "VALUES (?, 'active', ?, ?)",
				    3, (const char *const[]){address, new_id, script}, NULL, err, "storing the script");
		if (st != VM_OK)
			goto out;
	}
	{
		struct change *c = change_begin(&vm->changes,
						!old_id   ? CHANGE_ADD
						: !script ? CHANGE_DEL
							  : CHANGE_SET,
						"sieve", address);

		change_field(c, "script_id", old_id, new_id);
		change_end(&vm->changes);
	}
out:
	db_result_free(&res);
	vacation_info_clear(&v);
	filter_rows_free(&f, n);
	free(rules);
	free(lines);
	free(script);
	free(old_id);
	free(new_id);
	return st;
}

static const char *yesno(int b)
{
	return b ? "yes" : "no";
}

/* ---- vacation ---- */

static enum vm_status check_vacation(const struct vacation_opts *o, struct vm_error *err)
{
	enum vm_status st;

	if (!o->subject || !o->text)
		return vm_fail(err, VM_ERR_USAGE, "give subject= and text=");
	if ((st = sieve_check_text(o->subject, "subject", SIEVE_SUBJECT_MAX, 0, err)) != VM_OK ||
	    (st = sieve_check_text(o->text, "text", SIEVE_TEXT_MAX, 1, err)) != VM_OK)
		return st;
	if (!*o->text)
		return vm_fail(err, VM_ERR_INVALID, "text: the reply needs a text");
	if (o->from && (st = sieve_check_date(o->from, "from", err)) != VM_OK)
		return st;
	if (o->until && (st = sieve_check_date(o->until, "until", err)) != VM_OK)
		return st;
	if (o->from && o->until && strcmp(o->from, o->until) > 0)
		return vm_fail(err, VM_ERR_INVALID, "from=%s is after until=%s", o->from, o->until);
	if (o->has_days && (o->days < 1 || o->days > SIEVE_DAYS_MAX))
		return vm_fail(err, VM_ERR_INVALID, "days: 1 to %d", SIEVE_DAYS_MAX);
	if (o->addresses && (st = sieve_check_addresses(o->addresses, err)) != VM_OK)
		return st;
	return VM_OK;
}

enum vm_status vacation_set(struct vm *vm, const char *address, const struct vacation_opts *o, struct vm_error *err)
{
	struct mailbox mb;
	struct vacation_info old = {0};
	int found = 0;
	char mid[32], did[32], days[16];
	enum vm_status st;
	struct change *c;

	if ((st = check_vacation(o, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = target(vm, address, 1, &mb, err)) != VM_OK)
		goto out;
	if ((st = read_vacation(vm, mb.id, &old, &found, err)) != VM_OK)
		goto out;
	snprintf(mid, sizeof mid, "%lld", mb.id);
	snprintf(did, sizeof did, "%lld", mb.domain_id);
	snprintf(days, sizeof days, "%d", o->has_days ? o->days : 7);
	{
		const char *p[9] = {o->subject, o->text, o->from, o->until, days, o->addresses ? o->addresses : "",
				    "1",        did,     mid};

		if (found)
			st = vm_sql(vm,
				    "UPDATE vmailadm_vacation SET subject = ?, body = ?, from_date = ?, until_date = ?, "
				    "days = ?, addresses = ?, enabled = ?, domain_id = ? WHERE mbox_id = ?",
				    9, p, NULL, err, "changing the vacation");
		else
			st = vm_sql(vm,
				    "INSERT INTO vmailadm_vacation (subject, body, from_date, until_date, days, addresses, "
				    "enabled, domain_id, mbox_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				    9, p, NULL, err, "adding the vacation");
		if (st != VM_OK)
			goto out;
	}
	c = change_begin(&vm->changes, found ? CHANGE_SET : CHANGE_ADD, "vacation", mb.address);
	{
		char od[16];

		snprintf(od, sizeof od, "%d", old.days);
		change_field(c, "subject", found ? old.subject : NULL, o->subject);
		change_field(c, "text", found ? old.text : NULL, o->text);
		change_field(c, "from", found ? old.from : NULL, o->from ? o->from : "");
		change_field(c, "until", found ? old.until : NULL, o->until ? o->until : "");
		change_field(c, "days", found ? od : NULL, days);
		change_field(c, "addresses", found ? old.addresses : NULL, o->addresses ? o->addresses : "");
		change_field(c, "enabled", found ? yesno(old.enabled) : NULL, "yes");
	}
	change_end(&vm->changes);
	st = rebuild(vm, mb.id, mb.address, err);
out:
	vacation_info_clear(&old);
	return vm_tx_finish(vm, st, err);
}

enum vm_status vacation_off(struct vm *vm, const char *address, struct vm_error *err)
{
	struct mailbox mb;
	struct vacation_info old = {0};
	int found = 0;
	char mid[32];
	enum vm_status st;
	struct change *c;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = target(vm, address, 1, &mb, err)) != VM_OK)
		goto out;
	if ((st = read_vacation(vm, mb.id, &old, &found, err)) != VM_OK)
		goto out;
	if (!found) {
		st = vm_fail(err, VM_ERR_NOT_FOUND, "%s has no vacation reply", mb.address);
		goto out;
	}
	snprintf(mid, sizeof mid, "%lld", mb.id);
	if ((st = vm_sql(vm, "UPDATE vmailadm_vacation SET enabled = 0 WHERE mbox_id = ?", 1,
			 (const char *const[]){mid}, NULL, err, "turning the vacation off")) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_SET, "vacation", mb.address);
	change_field(c, "enabled", yesno(old.enabled), "no");
	change_end(&vm->changes);
	st = rebuild(vm, mb.id, mb.address, err);
out:
	vacation_info_clear(&old);
	return vm_tx_finish(vm, st, err);
}

enum vm_status vacation_get(struct vm *vm, const char *address, struct vacation_info *v, struct vm_error *err)
{
	struct mailbox mb;
	int found = 0;
	enum vm_status st;

	memset(v, 0, sizeof *v);
	if ((st = target(vm, address, 0, &mb, err)) != VM_OK)
		return st;
	if ((st = read_vacation(vm, mb.id, v, &found, err)) != VM_OK)
		return st;
	if (!found)
		return vm_fail(err, VM_ERR_NOT_FOUND, "%s has no vacation reply", mb.address);
	return VM_OK;
}

void vacation_rows_free(struct vacation_info **rows, size_t n)
{
	if (!*rows)
		return;
	for (size_t i = 0; i < n; i++)
		vacation_info_clear(&(*rows)[i]);
	free(*rows);
	*rows = NULL;
}

enum vm_status vacation_list(struct vm *vm, const char *domain, long long after_domain_id, long long after_mbox_id,
			     int limit, struct vacation_info **rows, size_t *n, struct vm_error *err)
{
	struct db_result *res = NULL;
	char *sql, dname[VM_DOMAIN_MAX + 1] = "", uid[32], lim[16], day[11], ad[32], am[32];
	const char *p[5];
	int np = 0;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if ((st = tables_ready(vm, err)) != VM_OK)
		return st;
	snprintf(ad, sizeof ad, "%lld", after_domain_id);
	snprintf(am, sizeof am, "%lld", after_mbox_id);
	sql = xstrdup("SELECT " VACATION_COLS "FROM vmailadm_vacation v JOIN admin_mailbox mb ON mb.id = v.mbox_id "
		      "JOIN admin_domain d ON d.id = mb.domain_id WHERE ");
	if (domain) {
		struct db_result *d = NULL;
		long long did;

		if ((st = valid_domain(domain, dname, err)) != VM_OK) {
			free(sql);
			return st;
		}
		if ((st = vm_sql(vm, "SELECT id FROM admin_domain WHERE name = ?", 1, (const char *const[]){dname}, &d,
				 err, "reading the domain")) != VM_OK) {
			free(sql);
			return st;
		}
		did = d->nrows ? vm_ll(db_value(d, 0, 0)) : 0;
		db_result_free(&d);
		if (!did) {
			free(sql);
			return vm_fail(err, VM_ERR_NOT_FOUND, "no domain %s", dname);
		}
		if ((st = vm_check_domain(vm, did, dname, err)) != VM_OK) {
			free(sql);
			return st;
		}
		/* the (domain_id, mbox_id) index drives it: a range, then a
		 * primary-key lookup per row; the domain's mailboxes are never
		 * scanned nor sorted */
		snprintf(uid, sizeof uid, "%lld", did);
		str_append(&sql, "v.domain_id = ? AND v.mbox_id > ? ORDER BY v.domain_id, v.mbox_id");
		p[np++] = uid;
		p[np++] = am;
	} else {
		str_append(&sql, "(v.domain_id > ? OR (v.domain_id = ? AND v.mbox_id > ?))");
		p[np++] = ad;
		p[np++] = ad;
		p[np++] = am;
		if (!vm->actor.superuser) {
			snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
			str_append(&sql, " AND v.domain_id IN (SELECT oa.object_id FROM admin_objectaccess oa JOIN "
					 "django_content_type ct ON ct.id = oa.content_type_id WHERE ct.app_label = 'admin' "
					 "AND ct.model = 'domain' AND oa.user_id = ?)");
			p[np++] = uid;
		}
		str_append(&sql, " ORDER BY v.domain_id, v.mbox_id");
	}
	snprintf(lim, sizeof lim, "%d", limit > 0 ? limit : 500);
	str_append(&sql, " LIMIT ");
	str_append(&sql, lim);
	st = vm_sql(vm, sql, np, p, &res, err, "listing vacations");
	free(sql);
	if (st != VM_OK)
		return st;
	today(day);
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++)
		fill_vacation(res, r, day, &(*rows)[r]);
	*n = res->nrows;
	db_result_free(&res);
	return VM_OK;
}

enum vm_status vacation_active_flags(struct vm *vm, const long long *ids, size_t n, int *active, struct vm_error *err)
{
	struct db_result *res = NULL;
	const char **p;
	char **idb, day[11];
	char *sql;
	int have = 0;
	enum vm_status st;

	for (size_t i = 0; i < n; i++)
		active[i] = 0;
	if (n == 0 || (st = tables_have(vm, &have, err)) != VM_OK || !have)
		return n == 0 ? VM_OK : st;
	today(day);
	p = xcalloc(n + 2, sizeof *p);
	idb = xcalloc(n, sizeof *idb);
	sql = xstrdup("SELECT mbox_id FROM vmailadm_vacation WHERE enabled = 1 AND (from_date IS NULL OR from_date <= ?) "
		      "AND (until_date IS NULL OR until_date >= ?) AND mbox_id IN (");
	p[0] = day;
	p[1] = day;
	for (size_t i = 0; i < n; i++) {
		idb[i] = xasprintf("%lld", ids[i]);
		p[i + 2] = idb[i];
		str_append(&sql, i ? ", ?" : "?");
	}
	str_append(&sql, ")");
	st = vm_sql(vm, sql, (int)n + 2, p, &res, err, "reading vacations");
	if (st == VM_OK) {
		for (size_t r = 0; r < res->nrows; r++) {
			long long id = vm_ll(db_value(res, r, 0));

			for (size_t i = 0; i < n; i++)
				if (ids[i] == id)
					active[i] = 1;
		}
		db_result_free(&res);
	}
	for (size_t i = 0; i < n; i++)
		free(idb[i]);
	free(idb);
	free(p);
	free(sql);
	return st;
}

enum vm_status vacation_count_active(struct vm *vm, long long *count, struct vm_error *err)
{
	struct db_result *res = NULL;
	char day[11];
	int have = 0;
	enum vm_status st;

	*count = -1;
	if ((st = tables_have(vm, &have, err)) != VM_OK || !have)
		return st;
	today(day);
	if ((st = vm_sql(vm,
			 "SELECT COUNT(*) FROM vmailadm_vacation WHERE enabled = 1 AND (from_date IS NULL OR from_date <= ?) "
			 "AND (until_date IS NULL OR until_date >= ?)",
			 2, (const char *const[]){day, day}, &res, err, "counting vacations")) != VM_OK)
		return st;
	*count = res->nrows ? vm_ll(db_value(res, 0, 0)) : 0;
	db_result_free(&res);
	return VM_OK;
}

/* ---- filters ---- */

static char *filter_then(const struct filter_info *f)
{
	return *f->argument ? xasprintf("%s:%s", f->action, f->argument) : xstrdup(f->action);
}

enum vm_status filter_add(struct vm *vm, const char *address, const char *name, const struct filter_opts *o,
			  struct vm_error *err)
{
	struct mailbox mb;
	struct filter_info *rows = NULL;
	size_t n = 0, tlen = 0;
	char nm[SIEVE_NAME_MAX + 1], mid[32], ord[16];
	const char *action, *argument;
	char *tests = NULL;
	enum vm_status st;
	struct change *c;

	if ((st = sieve_check_name(name, nm, err)) != VM_OK)
		return st;
	if (o->ntests == 0)
		return vm_fail(err, VM_ERR_USAGE, "filter %s: give at least one if=HEADER:OP:VALUE", nm);
	if (o->ntests > SIEVE_TESTS_MAX)
		return vm_fail(err, VM_ERR_INVALID, "filter %s: at most %d if= tests", nm, SIEVE_TESTS_MAX);
	for (size_t i = 0; i < o->ntests; i++)
		if ((st = sieve_check_test(o->tests[i], err)) != VM_OK)
			return st;
	if (!o->then)
		return vm_fail(err, VM_ERR_USAGE, "filter %s: give then=fileinto:FOLDER|redirect:ADDRESS|discard|keep", nm);
	if ((st = sieve_check_action(o->then, &action, &argument, err)) != VM_OK)
		return st;
	for (size_t i = 0; i < o->ntests; i++)
		tlen += strlen(o->tests[i]) + 1;
	tests = xcalloc(tlen + 1, 1);
	for (size_t i = 0; i < o->ntests; i++) {
		strcat(tests, o->tests[i]);
		if (i + 1 < o->ntests)
			strcat(tests, "\n");
	}
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK) {
		free(tests);
		return st;
	}
	if ((st = target(vm, address, 1, &mb, err)) != VM_OK)
		goto out;
	if ((st = read_filters(vm, mb.id, &rows, &n, err)) != VM_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, nm) == 0) {
			st = vm_fail(err, VM_ERR_EXISTS, "%s already has a filter %s", mb.address, nm);
			goto out;
		}
	if (n >= SIEVE_FILTERS_MAX) {
		st = vm_fail(err, VM_ERR_REFUSED, "%s has %d filters already, the most a mailbox may have", mb.address,
			     SIEVE_FILTERS_MAX);
		goto out;
	}
	snprintf(mid, sizeof mid, "%lld", mb.id);
	snprintf(ord, sizeof ord, "%d", n ? rows[n - 1].ord + 1 : 1);
	if ((st = vm_sql(vm,
			 "INSERT INTO vmailadm_filter (mbox_id, name, ord, match_any, tests, action, argument, stop) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			 8, (const char *const[]){mid, nm, ord, o->any ? "1" : "0", tests, action, argument, o->stop ? "1" : "0"},
			 NULL, err, "adding the filter")) != VM_OK)
		goto out;
	{
		char *key = xasprintf("%s %s", mb.address, nm);

		c = change_begin(&vm->changes, CHANGE_ADD, "filter", key);
		free(key);
	}
	change_field(c, "if", NULL, tests);
	change_field(c, "match", NULL, o->any ? "any" : "all");
	change_field(c, "then", NULL, o->then);
	change_field(c, "stop", NULL, yesno(o->stop));
	change_field(c, "position", NULL, ord);
	change_end(&vm->changes);
	st = rebuild(vm, mb.id, mb.address, err);
out:
	filter_rows_free(&rows, n);
	free(tests);
	return vm_tx_finish(vm, st, err);
}

/* In an open transaction: the mailbox of address (the actor's to change),
 * its filters (*rows, *n: the caller frees them, also on an error) and the
 * index *i of the one named nm. */
static enum vm_status find_filter(struct vm *vm, const char *address, const char *nm, struct mailbox *mb,
				  struct filter_info **rows, size_t *n, size_t *i, struct vm_error *err)
{
	enum vm_status st;

	if ((st = target(vm, address, 1, mb, err)) != VM_OK)
		return st;
	if ((st = read_filters(vm, mb->id, rows, n, err)) != VM_OK)
		return st;
	for (*i = 0; *i < *n && strcmp((*rows)[*i].name, nm) != 0; (*i)++)
		;
	if (*i == *n)
		return vm_fail(err, VM_ERR_NOT_FOUND, "%s has no filter %s", mb->address, nm);
	return VM_OK;
}

enum vm_status filter_del(struct vm *vm, const char *address, const char *name, struct vm_error *err)
{
	struct mailbox mb;
	struct filter_info *rows = NULL;
	size_t n = 0, i;
	char nm[SIEVE_NAME_MAX + 1], mid[32];
	enum vm_status st;

	if ((st = sieve_check_name(name, nm, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = find_filter(vm, address, nm, &mb, &rows, &n, &i, err)) != VM_OK)
		goto out;
	snprintf(mid, sizeof mid, "%lld", mb.id);
	if ((st = vm_sql(vm, "DELETE FROM vmailadm_filter WHERE mbox_id = ? AND name = ?", 2,
			 (const char *const[]){mid, nm}, NULL, err, "removing the filter")) != VM_OK)
		goto out;
	{
		char *key = xasprintf("%s %s", mb.address, nm), *then = filter_then(&rows[i]);
		struct change *c = change_begin(&vm->changes, CHANGE_DEL, "filter", key);

		change_field(c, "if", rows[i].tests, NULL);
		change_field(c, "then", then, NULL);
		change_end(&vm->changes);
		free(key);
		free(then);
	}
	st = rebuild(vm, mb.id, mb.address, err);
out:
	filter_rows_free(&rows, n);
	return vm_tx_finish(vm, st, err);
}

enum vm_status filter_move(struct vm *vm, const char *address, const char *name, int up, struct vm_error *err)
{
	struct mailbox mb;
	struct filter_info *rows = NULL;
	size_t n = 0, i, j;
	char nm[SIEVE_NAME_MAX + 1], mid[32];
	enum vm_status st;

	if ((st = sieve_check_name(name, nm, err)) != VM_OK)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = find_filter(vm, address, nm, &mb, &rows, &n, &i, err)) != VM_OK)
		goto out;
	if ((up && i == 0) || (!up && i + 1 == n)) {
		st = vm_fail(err, VM_ERR_REFUSED, "filter %s is %s already", nm, up ? "the first" : "the last");
		goto out;
	}
	j = up ? i - 1 : i + 1;
	snprintf(mid, sizeof mid, "%lld", mb.id);
	/* renumber 1..n in the new order: positions stay dense and unique */
	for (size_t k = 0; k < n; k++) {
		size_t at = k == i ? j : k == j ? i : k; /* rows[k] goes to place at */
		char ord[32], before[16];

		if (rows[k].ord == (int)at + 1)
			continue;
		snprintf(ord, sizeof ord, "%zu", at + 1);
		snprintf(before, sizeof before, "%d", rows[k].ord);
		if ((st = vm_sql(vm, "UPDATE vmailadm_filter SET ord = ? WHERE mbox_id = ? AND name = ?", 3,
				 (const char *const[]){ord, mid, rows[k].name}, NULL, err, "moving the filter")) != VM_OK)
			goto out;
		{
			char *key = xasprintf("%s %s", mb.address, rows[k].name);
			struct change *c = change_begin(&vm->changes, CHANGE_SET, "filter", key);

			change_field(c, "position", before, ord);
			change_end(&vm->changes);
			free(key);
		}
	}
	st = rebuild(vm, mb.id, mb.address, err);
out:
	filter_rows_free(&rows, n);
	return vm_tx_finish(vm, st, err);
}

enum vm_status filter_list(struct vm *vm, const char *address, struct filter_info **rows, size_t *n, struct vm_error *err)
{
	struct mailbox mb;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if ((st = target(vm, address, 0, &mb, err)) != VM_OK)
		return st;
	return read_filters(vm, mb.id, rows, n, err);
}

enum vm_status sieve_script_get(struct vm *vm, const char *address, char **id, char **data, struct vm_error *err)
{
	struct mailbox mb;
	struct db_result *res = NULL;
	enum vm_status st;

	*id = *data = NULL;
	if ((st = target(vm, address, 0, &mb, err)) != VM_OK)
		return st;
	if ((st = vm_sql(vm, "SELECT script_id, script_data FROM vmailadm_sieve WHERE username = ? AND script_name = 'active'",
			 1, (const char *const[]){mb.address}, &res, err, "reading the script")) != VM_OK)
		return st;
	if (res->nrows) {
		*id = dup_or_empty(db_value(res, 0, 0));
		*data = dup_or_empty(db_value(res, 0, 1));
	}
	db_result_free(&res);
	return VM_OK;
}

/* ---- following the mailbox ---- */

enum vm_status sieve_mailbox_renamed(struct vm *vm, long long mbox_id, const char *old_address, const char *new_address,
				     struct vm_error *err)
{
	char mid[32];
	int have = 0;
	enum vm_status st;

	if ((st = tables_have(vm, &have, err)) != VM_OK || !have)
		return st;
	snprintf(mid, sizeof mid, "%lld", mbox_id);
	/* a stale row under the new name (left by hand) would block the move */
	if ((st = vm_sql(vm, "DELETE FROM vmailadm_sieve WHERE username = ?", 1, (const char *const[]){new_address},
			 NULL, err, "moving the Sieve script")) != VM_OK ||
	    (st = vm_sql(vm, "UPDATE vmailadm_sieve SET username = ? WHERE username = ?", 2,
			 (const char *const[]){new_address, old_address}, NULL, err, "moving the Sieve script")) != VM_OK)
		return st;
	return vm_sql(vm,
		      "UPDATE vmailadm_vacation SET domain_id = (SELECT mb.domain_id FROM admin_mailbox mb WHERE mb.id = ?) "
		      "WHERE mbox_id = ?",
		      2, (const char *const[]){mid, mid}, NULL, err, "moving the vacation");
}

enum vm_status sieve_mailbox_deleted(struct vm *vm, long long mbox_id, const char *address, struct vm_error *err)
{
	char mid[32];
	int have = 0;
	enum vm_status st;

	if ((st = tables_have(vm, &have, err)) != VM_OK || !have)
		return st;
	snprintf(mid, sizeof mid, "%lld", mbox_id);
	if ((st = vm_sql(vm, "DELETE FROM vmailadm_vacation WHERE mbox_id = ?", 1, (const char *const[]){mid}, NULL,
			 err, "removing the vacation")) != VM_OK ||
	    (st = vm_sql(vm, "DELETE FROM vmailadm_filter WHERE mbox_id = ?", 1, (const char *const[]){mid}, NULL, err,
			 "removing the filters")) != VM_OK)
		return st;
	return vm_sql(vm, "DELETE FROM vmailadm_sieve WHERE username = ?", 1, (const char *const[]){address}, NULL, err,
		      "removing the Sieve script");
}

/* ---- Modoboa's autoreply messages ---- */

/* A Modoboa timestamp ("2026-12-01 00:00:00+00", ...) to YYYY-MM-DD, or "" */
static void date_part(const char *ts, char out[11])
{
	out[0] = '\0';
	if (ts && strlen(ts) >= 10)
		snprintf(out, 11, "%.10s", ts);
}

/* Modoboa's texts end lines with CRLF: a vacation text holds LF */
static char *strip_cr(const char *s)
{
	char *o = xstrdup(s ? s : ""), *w = o;

	for (const char *p = o; *p; p++)
		if (*p != '\r')
			*w++ = *p;
	*w = '\0';
	return o;
}

enum vm_status sieve_import_modoboa(struct vm *vm, FILE *out, struct vm_error *err)
{
	struct db_result *tabs = NULL, *res = NULL;
	struct db_error dberr = {0};
	int present = 0, have = 0;
	size_t imported = 0;
	enum vm_status st;

	if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_TABLES, NULL, &tabs, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "reading the catalog");
	for (size_t r = 0; r < tabs->nrows; r++)
		if (db_value(tabs, r, 0) && strcmp(db_value(tabs, r, 0), "postfix_autoreply_armessage") == 0)
			present = 1;
	db_result_free(&tabs);
	if (!present)
		return VM_OK;
	if ((st = tables_have(vm, &have, err)) != VM_OK || !have)
		return st;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = vm_sql(vm,
			 "SELECT a.mbox_id, mb.address, d.name, a.subject, a.content, a.enabled, a.fromdate, a.untildate, "
			 "mb.domain_id FROM postfix_autoreply_armessage a JOIN admin_mailbox mb ON mb.id = a.mbox_id "
			 "JOIN admin_domain d ON d.id = mb.domain_id "
			 "WHERE NOT EXISTS (SELECT 1 FROM vmailadm_vacation v WHERE v.mbox_id = a.mbox_id) "
			 "ORDER BY d.name, mb.address",
			 0, NULL, &res, err, "reading Modoboa's autoreply messages")) != VM_OK)
		goto out;
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++) {
		char addr[VM_ADDRESS_MAX + 1], from[11], until[11], *text = strip_cr(db_value(res, r, 4));
		const char *subject = db_value(res, r, 3) ? db_value(res, r, 3) : "";
		const char *en = db_value(res, r, 5) ? db_value(res, r, 5) : "0";
		int enabled = strcmp(en, "1") == 0 || strcmp(en, "t") == 0 || strcmp(en, "true") == 0;
		struct vacation_opts o = {0};
		struct vm_error verr = {0};

		snprintf(addr, sizeof addr, "%s@%s", db_value(res, r, 1), db_value(res, r, 2));
		date_part(db_value(res, r, 6), from);
		date_part(db_value(res, r, 7), until);
		o.subject = subject;
		o.text = text;
		o.from = *from ? from : NULL;
		o.until = *until ? until : NULL;
		if (o.from && o.until && strcmp(o.from, o.until) > 0)
			o.until = NULL; /* Modoboa kept an old end date: the reply runs from `from` on */
		if (check_vacation(&o, &verr) != VM_OK) {
			if (out)
				fprintf(out, "db upgrade: Modoboa's autoreply of %s not imported: %s\n", addr, verr.msg);
		} else {
			const char *p[8] =
				{db_value(res, r, 0), db_value(res, r, 8), subject, text, o.from, o.until, "",
				 enabled ? "1" : "0"};

			st = vm_sql(vm,
				    "INSERT INTO vmailadm_vacation (mbox_id, domain_id, subject, body, from_date, until_date, "
				    "addresses, enabled, days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 7)",
				    8, p, NULL, err, "importing an autoreply message");
			if (st == VM_OK) {
				struct change *c = change_begin(&vm->changes, CHANGE_ADD, "vacation", addr);

				change_field(c, "subject", NULL, subject);
				change_field(c, "from", NULL, from);
				change_field(c, "until", NULL, o.until ? until : "");
				change_field(c, "enabled", NULL, yesno(enabled));
				change_field(c, "imported", NULL, "postfix_autoreply_armessage");
				change_end(&vm->changes);
				st = rebuild(vm, vm_ll(db_value(res, r, 0)), addr, err);
				imported++;
			}
		}
		free(text);
	}
	if (st == VM_OK && out && imported)
		fprintf(out, "db upgrade: imported %zu vacation repl%s from Modoboa's postfix_autoreply_armessage\n",
			imported, imported == 1 ? "y" : "ies");
out:
	db_result_free(&res);
	return vm_tx_finish(vm, st, err);
}
