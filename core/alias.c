/* SPDX-License-Identifier: MIT */
/* alias.c: aliases, forwards, distribution lists and catch-alls (rules in alias.h). */
#include "core/alias.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/match.h"
#include "core/usage.h"
#include "lib/xalloc.h"

void alias_clear(struct alias *a)
{
	free(a->recipients);
	a->recipients = NULL;
	a->nrecipients = a->rlen = a->rcap = 0;
}

void alias_rows_free(struct alias **rows, size_t n)
{
	if (!rows || !*rows)
		return;
	for (size_t i = 0; i < n; i++)
		alias_clear(&(*rows)[i]);
	free(*rows);
	*rows = NULL;
}

/* Appends r to a's list; the buffer grows geometrically (a distribution
 * list of thousands of recipients is not copied once per recipient). */
static void add_rcpt(struct alias *a, const char *r)
{
	size_t rl = strlen(r), need = a->rlen + (a->rlen ? 1 : 0) + rl + 1;

	if (need > a->rcap) {
		a->rcap = need > 2 * a->rcap ? need : 2 * a->rcap;
		a->recipients = xrealloc(a->recipients, a->rcap);
	}
	if (a->rlen)
		a->recipients[a->rlen++] = ',';
	memcpy(a->recipients + a->rlen, r, rl + 1);
	a->rlen += rl;
	a->nrecipients++;
}

/* Aliases whose recipients one query reads (each IN list). */
#define RCPT_CHUNK 200

struct rcpt_key {
	long long id;
	size_t i;
};

static int rcpt_key_cmp(const void *x, const void *y)
{
	const struct rcpt_key *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

/* The recipients of aliases (mailboxes, then other aliases), for an IN list
 * of alias ids; column 0 is the alias id. */
static const char *const rcpt_sql[2] = {
	"SELECT am.alias_id, mb.address, d.name FROM admin_alias_mboxes am JOIN admin_mailbox mb ON mb.id = "
	"am.mailbox_id JOIN admin_domain d ON d.id = mb.domain_id WHERE am.alias_id IN (",
	"SELECT aa.from_alias_id, al.address, d.name FROM admin_alias_aliases aa JOIN admin_alias al ON al.id = "
	"aa.to_alias_id JOIN admin_domain d ON d.id = al.domain_id WHERE aa.from_alias_id IN (",
};

/* Reads the recipients of the n aliases a[] (ext[i]: the extmboxes column of
 * a[i]) and sets their kinds: two queries per RCPT_CHUNK aliases, so a page
 * of the console costs two round trips, not two per alias. */
static enum vm_status load_recipients(struct vm *vm, struct alias *a, size_t n, const char *const *ext, struct vm_error *err)
{
	struct rcpt_key *keys = xcalloc(n ? n : 1, sizeof *keys);
	char(*ids)[24] = xcalloc(n ? n : 1, sizeof *ids);
	const char **p = xcalloc(n ? n : 1, sizeof *p);
	size_t *local = xcalloc(n ? n : 1, sizeof *local);
	struct db_result *res = NULL;
	enum vm_status st = VM_OK;

	for (size_t i = 0; i < n; i++) {
		alias_clear(&a[i]);
		snprintf(ids[i], sizeof ids[i], "%lld", a[i].id);
		p[i] = ids[i];
		keys[i].id = a[i].id;
		keys[i].i = i;
	}
	for (size_t off = 0; off < n && st == VM_OK; off += RCPT_CHUNK) {
		size_t m = n - off < RCPT_CHUNK ? n - off : RCPT_CHUNK;

		qsort(keys + off, m, sizeof *keys, rcpt_key_cmp);
		for (int q = 0; q < 2 && st == VM_OK; q++) {
			char *sql = str_in_list(rcpt_sql[q], m, ") ORDER BY 1, 3, 2");

			st = vm_sql(vm, sql, (int)m, p + off, &res, err, "reading alias recipients");
			free(sql);
			for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
				struct rcpt_key k = {vm_ll(db_value(res, r, 0)), 0}, *hit;
				const char *l = db_value(res, r, 1);
				char *full;

				hit = bsearch(&k, keys + off, m, sizeof *keys, rcpt_key_cmp);
				if (!hit)
					continue;
				full = q == 1 && strcmp(l, "*") == 0 ? xasprintf("@%s", db_value(res, r, 2))
								     : xasprintf("%s@%s", l, db_value(res, r, 2));
				add_rcpt(&a[hit->i], full);
				local[hit->i]++;
				free(full);
			}
			db_result_free(&res);
		}
	}
	for (size_t i = 0; i < n && st == VM_OK; i++) {
		if (ext[i] && *ext[i]) {
			char *copy = xstrdup(ext[i]), *save = NULL;

			for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
				if (*t)
					add_rcpt(&a[i], t);
			free(copy);
		}
		if (strcmp(a[i].local, "*") == 0)
			a[i].kind = "catch-all";
		else if (a[i].nrecipients > 1)
			a[i].kind = "dlist";
		else if (local[i] == 0 && a[i].nrecipients > 0)
			a[i].kind = "forward";
		else
			a[i].kind = "alias";
	}
	free(keys);
	free(ids);
	free(p);
	free(local);
	return st;
}

/* load_recipients for one alias. */
static enum vm_status load_recipients1(struct vm *vm, struct alias *a, const char *ext, struct vm_error *err)
{
	return load_recipients(vm, a, 1, &ext, err);
}

#define ALIAS_SELECT                                                                                                   \
	"SELECT al.id, al.domain_id, al.dates_id, al.address, d.name, al.enabled, al.extmboxes "                       \
	"FROM admin_alias al JOIN admin_domain d ON d.id = al.domain_id "

static void fill_alias(const struct db_result *res, size_t r, struct alias *a)
{
	memset(a, 0, sizeof *a);
	a->id = vm_ll(db_value(res, r, 0));
	a->domain_id = vm_ll(db_value(res, r, 1));
	a->dates_id = vm_ll(db_value(res, r, 2));
	snprintf(a->local, sizeof a->local, "%s", db_value(res, r, 3));
	snprintf(a->domain, sizeof a->domain, "%s", db_value(res, r, 4));
	if (strcmp(a->local, "*") == 0)
		snprintf(a->address, sizeof a->address, "@%s", a->domain);
	else
		snprintf(a->address, sizeof a->address, "%s@%s", a->local, a->domain);
	a->enabled = vm_ll(db_value(res, r, 5)) != 0;
}

static enum vm_status get_by_parts(struct vm *vm, const char *local, const char *domain, struct alias *a,
				   struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	if ((st = vm_sql(vm, ALIAS_SELECT "WHERE d.name = ? AND al.address = ?", 2,
			 (const char *const[]){domain, local}, &res, err, "reading alias")) != VM_OK)
		return st;
	if (res->nrows == 0) {
		db_result_free(&res);
		return vm_fail(err, VM_ERR_NOT_FOUND, "no alias %s%s@%s", strcmp(local, "*") ? local : "", "", domain);
	}
	fill_alias(res, 0, a);
	st = load_recipients1(vm, a, db_value(res, 0, 6), err);
	db_result_free(&res);
	return st;
}

enum vm_status alias_get(struct vm *vm, const char *address, struct alias *a, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1];
	enum vm_status st;

	memset(a, 0, sizeof *a);
	if ((st = valid_address(address, 1, local, domain, err)) != VM_OK)
		return st;
	return get_by_parts(vm, local, domain, a, err);
}

/* Resolved recipients, ready to write. */
struct rcpt_set {
	long long *mboxes;
	size_t nm;
	long long *aliases;
	size_t na;
	char *ext; /* ','-joined */
};

static void rcpt_set_free(struct rcpt_set *rs)
{
	free(rs->mboxes);
	free(rs->aliases);
	free(rs->ext);
	memset(rs, 0, sizeof *rs);
}

static int has_id(const long long *v, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

static enum vm_status resolve(struct vm *vm, const struct alias *self, const char *const *rcpts, size_t n,
			      struct rcpt_set *rs, struct vm_error *err)
{
	enum vm_status st = VM_OK;

	memset(rs, 0, sizeof *rs);
	if (n == 0)
		return vm_fail(err, VM_ERR_USAGE, "alias %s: give at least one recipient", self->address);
	rs->ext = xstrdup("");
	for (size_t i = 0; i < n && st == VM_OK; i++) {
		char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1], full[VM_ADDRESS_MAX + 2];
		struct db_result *res = NULL;

		if ((st = valid_address(rcpts[i], 0, local, domain, err)) != VM_OK) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			vm_fail(err, st, "alias %s: recipient: %s", self->address, msg);
			break;
		}
		snprintf(full, sizeof full, "%s@%s", local, domain);
		if ((st = vm_sql(vm,
				 "SELECT (SELECT mb.id FROM admin_mailbox mb WHERE mb.domain_id = d.id AND mb.address = ?), "
				 "(SELECT al.id FROM admin_alias al WHERE al.domain_id = d.id AND al.address = ?), d.id "
				 "FROM admin_domain d WHERE d.name = ?",
				 3, (const char *const[]){local, local, domain}, &res, err, "resolving recipients")) != VM_OK)
			break;
		/* a local recipient must be in a domain the actor manages: a
		 * domain administrator may forward outside, but not read or
		 * probe another customer's mailboxes through an alias */
		if (res->nrows > 0 && (st = vm_check_domain(vm, vm_ll(db_value(res, 0, 2)), domain, err)) != VM_OK) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			vm_fail(err, st, "alias %s: recipient %s: %s", self->address, full, msg);
			db_result_free(&res);
			break;
		}
		if (res->nrows == 0) {
			/* external; skip duplicates */
			char *probe = xasprintf(",%s,", rs->ext);
			char *needle = xasprintf(",%s,", full);

			if (!strstr(probe, needle)) {
				char *next = xasprintf("%s%s%s", rs->ext, *rs->ext ? "," : "", full);

				free(rs->ext);
				rs->ext = next;
			}
			free(probe);
			free(needle);
		} else if (db_value(res, 0, 0)) {
			long long id = vm_ll(db_value(res, 0, 0));

			if (!has_id(rs->mboxes, rs->nm, id)) {
				rs->mboxes = xreallocarray(rs->mboxes, rs->nm + 1, sizeof *rs->mboxes);
				rs->mboxes[rs->nm++] = id;
			}
		} else if (db_value(res, 0, 1)) {
			long long id = vm_ll(db_value(res, 0, 1));

			if (id == self->id)
				st = vm_fail(err, VM_ERR_INVALID, "alias %s cannot list itself as a recipient",
					     self->address);
			else if (!has_id(rs->aliases, rs->na, id)) {
				rs->aliases = xreallocarray(rs->aliases, rs->na + 1, sizeof *rs->aliases);
				rs->aliases[rs->na++] = id;
			}
		} else if (strcmp(full, self->address) == 0) {
			st = vm_fail(err, VM_ERR_INVALID, "alias %s cannot list itself as a recipient", self->address);
		} else {
			st = vm_fail(err, VM_ERR_NOT_FOUND,
				     "alias %s: recipient %s: %s is a local domain and has no such mailbox or alias",
				     self->address, full, domain);
		}
		db_result_free(&res);
	}
	if (st == VM_OK && strlen(rs->ext) > 65535)
		st = vm_fail(err, VM_ERR_INVALID, "alias %s: too many external recipients", self->address);
	if (st != VM_OK)
		rcpt_set_free(rs);
	return st;
}

static enum vm_status write_recipients(struct vm *vm, long long alias_id, const struct rcpt_set *rs, struct vm_error *err)
{
	char aid[32], xid[32];
	long long dummy;
	enum vm_status st = VM_OK;

	snprintf(aid, sizeof aid, "%lld", alias_id);
	for (size_t i = 0; i < rs->nm && st == VM_OK; i++) {
		snprintf(xid, sizeof xid, "%lld", rs->mboxes[i]);
		st = vm_sql_insert(vm, "INSERT INTO admin_alias_mboxes (alias_id, mailbox_id) VALUES (?, ?)", 2,
				   (const char *const[]){aid, xid}, &dummy, err, "adding alias recipient");
	}
	for (size_t i = 0; i < rs->na && st == VM_OK; i++) {
		snprintf(xid, sizeof xid, "%lld", rs->aliases[i]);
		st = vm_sql_insert(vm, "INSERT INTO admin_alias_aliases (from_alias_id, to_alias_id) VALUES (?, ?)", 2,
				   (const char *const[]){aid, xid}, &dummy, err, "adding alias recipient");
	}
	return st;
}

static const char *yesno(int b)
{
	return b ? "yes" : "no";
}

enum vm_status alias_add(struct vm *vm, const char *address, const char *const *rcpts, size_t n, int has_enabled,
			 int enabled, struct vm_error *err)
{
	struct alias a = {0}, existing = {0};
	struct domain d;
	struct rcpt_set rs = {0};
	long long dates_id;
	char did[32], dates[32];
	enum vm_status st;
	struct change *c;

	if ((st = valid_address(address, 1, a.local, a.domain, err)) != VM_OK)
		return st;
	if (strcmp(a.local, "*") == 0)
		snprintf(a.address, sizeof a.address, "@%s", a.domain);
	else
		snprintf(a.address, sizeof a.address, "%s@%s", a.local, a.domain);
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = domain_get(vm, a.domain, &d, err)) != VM_OK) {
		if (st == VM_ERR_NOT_FOUND)
			vm_fail(err, st, "alias %s: domain %s does not exist (add it first)", a.address, a.domain);
		goto out;
	}
	if ((st = vm_check_domain(vm, d.id, d.name, err)) != VM_OK)
		goto out;
	st = get_by_parts(vm, a.local, a.domain, &existing, err);
	alias_clear(&existing);
	if (st == VM_OK) {
		st = vm_fail(err, VM_ERR_EXISTS, "alias %s already exists (use alias set to change it)", a.address);
		goto out;
	}
	if (st != VM_ERR_NOT_FOUND)
		goto out;
	if ((st = resolve(vm, &a, rcpts, n, &rs, err)) != VM_OK)
		goto out;
	if ((st = vm_new_dates(vm, &dates_id, err)) != VM_OK)
		goto out;
	snprintf(did, sizeof did, "%lld", d.id);
	snprintf(dates, sizeof dates, "%lld", dates_id);
	if ((st = vm_sql_insert(vm, "INSERT INTO admin_alias (address, domain_id, extmboxes, enabled, dates_id) VALUES (?, ?, ?, ?, ?)",
				5, (const char *const[]){a.local, did, rs.ext, (has_enabled && !enabled) ? "0" : "1", dates},
				&a.id, err, "adding alias")) != VM_OK)
		goto out;
	if ((st = usage_bump(vm, d.id, 0, 1, err)) != VM_OK)
		goto out;
	if ((st = write_recipients(vm, a.id, &rs, err)) != VM_OK)
		goto out;
	if ((st = load_recipients1(vm, &a, rs.ext, err)) != VM_OK)
		goto out;
	c = change_begin(&vm->changes, CHANGE_ADD, "alias", a.address);
	change_field(c, "kind", NULL, a.kind);
	change_field(c, "recipients", NULL, a.recipients);
	change_field(c, "enabled", NULL, yesno(!(has_enabled && !enabled)));
out:
	rcpt_set_free(&rs);
	alias_clear(&a);
	return vm_tx_finish(vm, st, err);
}

enum vm_status alias_set(struct vm *vm, const char *address, const char *const *rcpts, size_t n, int has_enabled,
			 int enabled, struct vm_error *err)
{
	struct alias a = {0};
	struct rcpt_set rs = {0};
	char aid[32];
	char *before = NULL;
	enum vm_status st;
	struct change *c;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = alias_get(vm, address, &a, err)) != VM_OK)
		goto out;
	if ((st = vm_check_domain(vm, a.domain_id, a.domain, err)) != VM_OK)
		goto out;
	snprintf(aid, sizeof aid, "%lld", a.id);
	c = change_begin(&vm->changes, CHANGE_SET, "alias", a.address);
	if (rcpts) {
		before = xstrdup(a.recipients ? a.recipients : "");
		if ((st = resolve(vm, &a, rcpts, n, &rs, err)) != VM_OK)
			goto out;
		if ((st = vm_sql(vm, "DELETE FROM admin_alias_mboxes WHERE alias_id = ?", 1, (const char *const[]){aid},
				 NULL, err, "changing alias")) != VM_OK ||
		    (st = vm_sql(vm, "DELETE FROM admin_alias_aliases WHERE from_alias_id = ?", 1,
				 (const char *const[]){aid}, NULL, err, "changing alias")) != VM_OK ||
		    (st = vm_sql(vm, "UPDATE admin_alias SET extmboxes = ? WHERE id = ?", 2,
				 (const char *const[]){rs.ext, aid}, NULL, err, "changing alias")) != VM_OK ||
		    (st = write_recipients(vm, a.id, &rs, err)) != VM_OK ||
		    (st = load_recipients1(vm, &a, rs.ext, err)) != VM_OK)
			goto out;
		change_field(c, "recipients", before, a.recipients ? a.recipients : "");
	}
	if (has_enabled) {
		if ((st = vm_sql(vm, "UPDATE admin_alias SET enabled = ? WHERE id = ?", 2,
				 (const char *const[]){enabled ? "1" : "0", aid}, NULL, err, "changing alias")) != VM_OK)
			goto out;
		change_field(c, "enabled", yesno(a.enabled), yesno(enabled));
	}
	if (change_end(&vm->changes))
		st = vm_touch_dates(vm, a.dates_id, err);
out:
	free(before);
	rcpt_set_free(&rs);
	alias_clear(&a);
	return vm_tx_finish(vm, st, err);
}

/* Deletes alias a (already read) and its links; aliases pointing at it
 * lose it as a recipient. */
static enum vm_status delete_alias(struct vm *vm, struct alias *a, struct vm_error *err)
{
	char aid[32], dates[32];
	struct db_result *res = NULL;
	enum vm_status st;
	struct change *c;

	snprintf(aid, sizeof aid, "%lld", a->id);
	snprintf(dates, sizeof dates, "%lld", a->dates_id);
	if ((st = vm_sql(vm, "SELECT from_alias_id FROM admin_alias_aliases WHERE to_alias_id = ? AND from_alias_id <> ?",
			 2, (const char *const[]){aid, aid}, &res, err, "reading aliases")) != VM_OK)
		return st;
	if ((st = vm_sql(vm, "DELETE FROM admin_alias_aliases WHERE from_alias_id = ? OR to_alias_id = ?", 2,
			 (const char *const[]){aid, aid}, NULL, err, "deleting alias")) != VM_OK ||
	    (st = vm_sql(vm, "DELETE FROM admin_alias_mboxes WHERE alias_id = ?", 1, (const char *const[]){aid}, NULL,
			 err, "deleting alias")) != VM_OK ||
	    (st = vm_sql(vm, "DELETE FROM admin_alias WHERE id = ?", 1, (const char *const[]){aid}, NULL, err,
			 "deleting alias")) != VM_OK ||
	    (st = vm_sql(vm, "DELETE FROM admin_objectdates WHERE id = ?", 1, (const char *const[]){dates}, NULL, err,
			 "deleting alias")) != VM_OK ||
	    (st = usage_bump(vm, a->domain_id, 0, -1, err)) != VM_OK) {
		db_result_free(&res);
		return st;
	}
	c = change_begin(&vm->changes, CHANGE_DEL, "alias", a->address);
	change_field(c, "kind", a->kind, NULL);
	change_field(c, "recipients", a->recipients ? a->recipients : "", NULL);
	for (size_t r = 0; r < res->nrows && st == VM_OK; r++)
		st = alias_note_recipient_removed(vm, vm_ll(db_value(res, r, 0)), a->address, err);
	db_result_free(&res);
	return st;
}

enum vm_status alias_del(struct vm *vm, const char *address, struct vm_error *err)
{
	struct alias a = {0};
	enum vm_status st;

	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = alias_get(vm, address, &a, err)) == VM_OK &&
	    (st = vm_check_domain(vm, a.domain_id, a.domain, err)) == VM_OK)
		st = delete_alias(vm, &a, err);
	alias_clear(&a);
	return vm_tx_finish(vm, st, err);
}

enum vm_status alias_note_recipient_removed(struct vm *vm, long long alias_id, const char *recipient, struct vm_error *err)
{
	struct db_result *res = NULL;
	struct alias a;
	char aid[32];
	enum vm_status st;
	struct change *c;

	snprintf(aid, sizeof aid, "%lld", alias_id);
	if ((st = vm_sql(vm, ALIAS_SELECT "WHERE al.id = ?", 1, (const char *const[]){aid}, &res, err, "reading alias")) !=
	    VM_OK)
		return st;
	if (res->nrows == 0) {
		db_result_free(&res);
		return VM_OK;
	}
	fill_alias(res, 0, &a);
	st = load_recipients1(vm, &a, db_value(res, 0, 6), err);
	db_result_free(&res);
	if (st != VM_OK)
		return st;
	if (a.nrecipients == 0) {
		st = delete_alias(vm, &a, err);
	} else {
		c = change_begin(&vm->changes, CHANGE_SET, "alias", a.address);
		change_field(c, "recipient removed", recipient, "");
	}
	alias_clear(&a);
	return st;
}

enum vm_status alias_list(struct vm *vm, const struct alias_query *q, struct alias **rows, size_t *n, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	st = match_domain_page(vm, ALIAS_SELECT "WHERE al.domain_id = ?", "al.address", q->domain_id, q->after,
			       q->local_prefix, q->local_glob, q->limit, &res, err, "listing aliases");
	if (st != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	{
		const char **ext = xcalloc(res->nrows ? res->nrows : 1, sizeof *ext);

		for (size_t r = 0; r < res->nrows; r++) {
			fill_alias(res, r, &(*rows)[r]);
			ext[r] = db_value(res, r, 6);
		}
		st = load_recipients(vm, *rows, res->nrows, ext, err);
		free(ext);
	}
	*n = res->nrows;
	db_result_free(&res);
	if (st != VM_OK)
		alias_rows_free(rows, *n), *n = 0;
	return st;
}
