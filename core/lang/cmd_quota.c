/* SPDX-License-Identifier: MIT */
/* cmd_quota.c: the statements quota show, quota recalc and quota rollup
 * (services in quota.h; quota forget is in cmd_store.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/idn.h"
#include "core/lang/interp.h"
#include "core/mailbox.h"
#include "core/match.h"
#include "core/quota.h"
#include "core/validate.h"
#include "lib/output.h"
#include "lib/xalloc.h"

/* JSON adds the stored (ASCII) address last, "address" being the Unicode
 * form of an international domain's (idn.h); text shows that when the
 * locale is UTF-8 */
static const char *const show_cols[] = {"address", "used_bytes", "messages", "quota",
					"percent", "status",     "flags",    "address_ascii"};
#define SHOW_COLS(vm) ((vm)->format == VM_FORMAT_JSON ? 8 : 7)

static void show_row(struct out_table *t, const struct quota_usage *u)
{
	char shown[VM_ADDRESS_SHOWN];
	struct quota_cells c;

	quota_usage_cells(u, &c);
	out_table_row(t, (const char *const[]){t->json ? idn_address_to_unicode(u->address, shown, sizeof shown)
						       : idn_shown_address(u->address, shown, sizeof shown),
					       c.used, c.messages, c.quota, c.percent, c.status, c.flags, u->address});
	quota_alert_note(u->level);
}

static enum vm_status show_domain(struct vm *vm, const struct domain *d, const char *local_glob, struct out_table *t,
				  struct vm_error *err)
{
	char after[VM_LOCAL_MAX + 1] = "";
	enum vm_status st;

	for (;;) {
		struct mailbox *rows = NULL;
		size_t n = 0;
		struct mailbox_query q = {d->id, NULL, local_glob, after, 500};

		if ((st = mailbox_list(vm, &q, &rows, &n, err)) != VM_OK)
			return st;
		for (size_t i = 0; i < n; i++) {
			struct quota_usage u = {0};

			snprintf(u.address, sizeof u.address, "%s", rows[i].address);
			u.bytes = rows[i].bytes;
			u.messages = rows[i].messages;
			u.quota_mb = rows[i].quota_mb;
			u.has_row = rows[i].has_usage;
			u.linked = 1;
			quota_usage_eval(&u, vm->cfg);
			show_row(t, &u);
		}
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].local);
		free(rows);
		if (n < 500)
			return VM_OK;
	}
}

/* Every domain the actor may see, in name order, page by page. */
static enum vm_status show_all(struct vm *vm, struct out_table *t, struct vm_error *err)
{
	char after[VM_DOMAIN_MAX + 1] = "";
	enum vm_status st = VM_OK;

	for (;;) {
		struct domain_row *rows = NULL;
		size_t n = 0;

		if ((st = domain_list(vm, NULL, after, 200, &rows, &n, err)) != VM_OK)
			return st;
		for (size_t i = 0; i < n && st == VM_OK; i++)
			st = show_domain(vm, &rows[i].d, NULL, t, err);
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].d.name);
		free(rows);
		if (st != VM_OK || n < 200)
			return st;
	}
}

/* The domain named by what (validated, visible to the actor). */
static enum vm_status find_domain(struct vm *vm, const char *what, struct domain *d, struct vm_error *err)
{
	char name[VM_DOMAIN_MAX + 1];
	enum vm_status st;

	if ((st = valid_domain(what, name, err)) != VM_OK)
		return st;
	if ((st = domain_get(vm, name, d, err)) != VM_OK)
		return st;
	return vm_check_domain(vm, d->id, d->name, err);
}

enum vm_status cmd_quota_show(struct vm *vm, struct args *a, struct vm_error *err)
{
	const char *what = a->npos ? a->pos[0] : NULL;
	const char *top = args_opt(a, "top");
	struct out_table t;
	struct domain d = {0};
	enum vm_status st = VM_OK;
	int ntop = 0;

	if (top) {
		char *end;
		long v = strtol(top, &end, 10);

		if (!*top || *end || v < 1 || v > 10000)
			return vm_fail(err, VM_ERR_USAGE, "%s: quota show: top=%s is not a number from 1 to 10000",
				       a->where, top);
		ntop = (int)v;
	}
	if (what && strchr(what, '@') && !match_has_wildcard(what)) {
		struct quota_usage u;

		if (ntop)
			return vm_fail(err, VM_ERR_USAGE, "%s: quota show: top= goes with a domain or nothing", a->where);
		if ((st = quota_get(vm, what, &u, err)) != VM_OK)
			return st;
		out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, SHOW_COLS(vm), show_cols);
		show_row(&t, &u);
		out_table_end(&t);
		return VM_OK;
	}
	if (what && strchr(what, '@')) {
		/* LOCALGLOB@DOMAIN */
		const char *at = strrchr(what, '@');
		char *local = xstrndup(what, (size_t)(at - what));

		if (ntop) {
			free(local);
			return vm_fail(err, VM_ERR_USAGE, "%s: quota show: top= goes with a domain or nothing", a->where);
		}
		if ((st = find_domain(vm, at + 1, &d, err)) == VM_OK) {
			out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, SHOW_COLS(vm), show_cols);
			st = show_domain(vm, &d, local, &t, err);
			out_table_end(&t);
		}
		free(local);
		return st;
	}
	if (what && (st = find_domain(vm, what, &d, err)) != VM_OK)
		return st;
	if (!what && ntop && !vm->actor.superuser)
		return vm_fail(err, VM_ERR_DENIED, "%s: quota show top=: name one of your domains", a->where);
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, SHOW_COLS(vm), show_cols);
	if (ntop) {
		struct quota_usage *rows = NULL;
		size_t n = 0;

		if ((st = quota_top(vm, d.id, ntop, &rows, &n, err)) == VM_OK)
			for (size_t i = 0; i < n; i++)
				show_row(&t, &rows[i]);
		free(rows);
	} else if (what) {
		st = show_domain(vm, &d, NULL, &t, err);
	} else {
		st = show_all(vm, &t, err);
	}
	out_table_end(&t);
	return st;
}

enum vm_status cmd_quota_recalc(struct vm *vm, struct args *a, struct vm_error *err)
{
	const char *what = a->pos[0];
	int all = strcmp(what, "all") == 0;
	enum vm_status st;
	struct out_table t;

	int left;

	if (!all && !strchr(what, '@'))
		return vm_fail(err, VM_ERR_USAGE, "%s: quota recalc: '%s' is not an address or 'all'", a->where, what);
	/* Dovecot rewrites admin_quota through its own connection: no
	 * transaction of ours may hold a lock on it (SQLite) or a snapshot
	 * older than the recount (MySQL) while it does */
	if ((st = vm_tx_leave(vm, "quota recalc", &left, err)) != VM_OK)
		return st;
	st = quota_recalc(vm, all ? NULL : what, err);
	{
		enum vm_status st2 = vm_tx_rejoin(vm, left, err);

		if (st == VM_OK)
			st = st2;
	}
	if (st != VM_OK)
		return st;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, SHOW_COLS(vm), show_cols);
	if (all) {
		struct quota_usage *rows = NULL;
		size_t n = 0;

		if ((st = quota_top(vm, 0, 20, &rows, &n, err)) == VM_OK)
			for (size_t i = 0; i < n; i++)
				show_row(&t, &rows[i]);
		free(rows);
	} else {
		struct quota_usage u;

		if ((st = quota_get(vm, what, &u, err)) == VM_OK)
			show_row(&t, &u);
	}
	out_table_end(&t);
	return st;
}

enum vm_status cmd_quota_rollup(struct vm *vm, struct args *a, struct vm_error *err)
{
	long long n = 0;
	enum vm_status st;

	(void)a;
	if (!vm->actor.superuser)
		return vm_fail(err, VM_ERR_DENIED,
			       "quota rollup: only a superadministrator may refresh every domain's totals");
	if ((st = quota_rollup(vm, &n, err)) == VM_OK && vm->format == VM_FORMAT_TEXT)
		fprintf(vm->out, "quota rollup: per-domain usage of %lld domain(s) refreshed\n", n);
	return st;
}
