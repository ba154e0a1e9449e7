/* SPDX-License-Identifier: MIT */
/* cmd_mailbox.c: the `mailbox` statements (services in mailbox.h, rename.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/idn.h"
#include "core/lang/interp.h"
#include "core/lang/listing.h"
#include "core/mailbox.h"
#include "core/rename.h"
#include "core/services.h"
#include "core/validate.h"
#include "lib/xalloc.h"

static enum vm_status mailbox_opts_from(const struct args *a, struct mailbox_opts *o, struct vm_error *err)
{
	enum vm_status st;

	memset(o, 0, sizeof *o);
	o->password = args_opt(a, "password");
	o->password_hash = args_opt(a, "password-hash");
	o->name = args_opt(a, "name");
	if ((st = args_size(a, "quota", &o->has_quota, &o->quota_mb, err)) != VM_OK)
		return st;
	for (int s = 0; s < SERVICE_COUNT; s++)
		if ((st = args_bool(a, service_name(s), &o->services.has[s], &o->services.on[s], err)) != VM_OK)
			return st;
	if ((st = args_bool(a, "send-only", &o->services.has_send_only, &o->services.send_only, err)) != VM_OK)
		return st;
	return args_bool(a, "enabled", &o->has_enabled, &o->enabled, err);
}

enum vm_status cmd_mailbox_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct mailbox_opts o;
	enum vm_status st = mailbox_opts_from(a, &o, err);

	return st != VM_OK ? st : mailbox_add(vm, a->pos[0], &o, err);
}

enum vm_status cmd_mailbox_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct mailbox_opts o;
	enum vm_status st = mailbox_opts_from(a, &o, err);

	if (st != VM_OK)
		return st;
	if (!o.password && !o.password_hash && !o.name && !o.has_quota && !o.has_enabled && !services_opts_any(&o.services))
		return vm_fail(err, VM_ERR_USAGE,
			       "nothing to change (give password=, quota=, name=, enabled=, imap=, pop3=, smtp=, sieve= or "
			       "send-only=)");
	return mailbox_set(vm, a->pos[0], &o, err);
}

enum vm_status cmd_mailbox_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	int keep = args_flag(a, "keep-files");

	if (a->npos != 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: mailbox del ADDRESS [keep-files])",
			       a->pos[a->npos - 1]);
	return mailbox_del(vm, a->pos[0], keep, err);
}

struct mb_list_ctx {
	struct out_table *t;
	const char *local_glob;
};

static void mailbox_usage_cells(const struct mailbox *m, char *q, char *used, char *msgs, char *pct, size_t len)
{
	fmt_mb(m->quota_mb, 1, q, len);
	snprintf(used, len, "%lld", m->bytes);
	snprintf(msgs, len, "%lld", m->messages);
	if (m->quota_mb > 0)
		snprintf(pct, len, "%.1f", (double)m->bytes * 100.0 / ((double)m->quota_mb * 1048576.0));
	else
		snprintf(pct, len, "-");
}

static enum vm_status list_domain_mailboxes(struct vm *vm, const struct domain *d, void *vctx, struct vm_error *err)
{
	struct mb_list_ctx *ctx = vctx;
	char after[VM_LOCAL_MAX + 1] = "";
	enum vm_status st;

	for (;;) {
		struct mailbox *rows = NULL;
		size_t n = 0;
		struct mailbox_query q = {d->id, NULL, ctx->local_glob, after, 500};

		if ((st = mailbox_list(vm, &q, &rows, &n, err)) != VM_OK)
			return st;
		for (size_t i = 0; i < n; i++) {
			struct mailbox *m = &rows[i];
			static const int ascii[] = {1, -1};
			char qb[32], used[32], msgs[32], pct[32], pend[32], u[VM_ADDRESS_SHOWN];
			char *name = xasprintf("%s%s%s", m->first, *m->last ? " " : "", m->last);
			const char *v[9] = {listing_address(vm, m->address, u, sizeof u),
					    m->address,
					    name,
					    m->enabled ? "yes" : "no",
					    qb,
					    used,
					    msgs,
					    pct,
					    pend};

			mailbox_usage_cells(m, qb, used, msgs, pct, sizeof qb);
			snprintf(pend, sizeof pend, "%lld", m->pending_ops);
			listing_row(ctx->t, v, ascii);
			free(name);
		}
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].local);
		free(rows);
		if (n < 500)
			return VM_OK;
	}
}

enum vm_status cmd_mailbox_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"address",    "address_ascii", "name",    "enabled",    "quota",
					   "used_bytes", "messages",      "percent", "pending_ops"};
	static const char *const tcols[] = {"address",    "name",     "enabled", "quota",
					    "used_bytes", "messages", "percent", "pending_ops"};
	struct out_table t;
	char *dom = NULL, *local = NULL;
	struct mb_list_ctx ctx = {&t, NULL};
	enum vm_status st;

	listing_split_pattern(a->npos ? a->pos[0] : NULL, &dom, &local);
	ctx.local_glob = local;
	/* a local pattern without wildcards is an exact local part */
	listing_begin(vm, &t, 9, cols, tcols, 1);
	st = listing_each_domain(vm, dom, list_domain_mailboxes, &ctx, err);
	out_table_end(&t);
	free(dom);
	free(local);
	return st;
}

enum vm_status cmd_mailbox_rename(struct vm *vm, struct args *a, struct vm_error *err)
{
	return mailbox_rename(vm, a->pos[0], a->pos[1], err);
}
