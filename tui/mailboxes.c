/* SPDX-License-Identifier: MIT */
/* mailboxes.c: one domain's mailboxes: address, name, enabled, quota,
 * usage bar and percent, and a marker for a pending operation. */
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/mailbox.h"
#include "core/sieve.h"
#include "core/mbsort.h"
#include "core/page.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

/* The orders o cycles through; the address ones are the list's own
 * (l->reverse), the others come from mbsort.h. */
enum mb_order { MB_ORDER_ADDRESS, MB_ORDER_ADDRESS_DESC, MB_ORDER_USAGE, MB_ORDER_QUOTA, MB_ORDER_COUNT };

struct mailboxes {
	struct list list;
	long long domain_id;
	char domain[256];
	enum mb_order order;
};

/* Usage and quota orders read through mbsort; a search or a mark by
 * pattern reads in address order (the key order of mailbox_list). */
static int sorted(const struct mailboxes *m, const struct list *l)
{
	return (m->order == MB_ORDER_USAGE || m->order == MB_ORDER_QUOTA) && !l->glob[0] && !l->filter[0];
}

static enum vm_status sorted_page(struct ui *ui, struct mailboxes *m, const char *bound, int before, int n,
				  struct mailbox **rows, size_t *nrows, struct vm_error *err)
{
	struct mbsort_query q = {0};

	q.domain_id = m->domain_id;
	q.key = m->order == MB_ORDER_USAGE ? MBSORT_USAGE : MBSORT_QUOTA;
	q.desc = 1; /* fullest / largest first */
	q.bound = bound;
	q.before = before;
	q.limit = n;
	return mbsort_page(ui->vm, &q, rows, nrows, err);
}

/* The "V" flag: one query by primary key for the page on screen */
static enum vm_status vacation_flags(struct ui *ui, struct mailbox *r, size_t n, struct vm_error *err)
{
	long long *ids = xcalloc(n ? n : 1, sizeof *ids);
	int *on = xcalloc(n ? n : 1, sizeof *on);
	enum vm_status st;

	for (size_t i = 0; i < n; i++)
		ids[i] = r[i].id;
	st = vacation_active_flags(ui->vm, ids, n, on, err);
	for (size_t i = 0; i < n && st == VM_OK; i++)
		r[i].vacation = on[i];
	free(ids);
	free(on);
	return st;
}

static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct mailboxes *m = l->ctx;
	struct mailbox_query q = {0};
	struct mailbox *r = NULL;
	enum vm_status st;

	if (sorted(m, l)) {
		st = sorted_page(ui, m, after, 0, n, &r, nrows, err);
	} else {
		q.domain_id = m->domain_id;
		q.local_glob = l->glob[0] ? l->glob : NULL;
		q.local_prefix = !l->glob[0] && l->filter[0] ? l->filter : NULL;
		q.after = after;
		q.limit = n;
		st = mailbox_list(ui->vm, &q, &r, nrows, err);
	}
	*rows = r;
	return st == VM_OK ? vacation_flags(ui, r, *nrows, err) : st;
}

static enum vm_status start_before(struct ui *ui, struct list *l, const char *before, int n, char *after, size_t len,
				   int *count, struct vm_error *err)
{
	struct mailboxes *m = l->ctx;
	struct page_filter f = {0};

	if (sorted(m, l)) {
		/* n + 1 rows before: the extra one is the key to fetch after,
		 * as page_start_before does for the address order */
		struct mailbox *r = NULL;
		size_t got = 0;
		enum vm_status st = sorted_page(ui, m, before, 1, n + 1, &r, &got, err);

		*after = '\0';
		*count = 0;
		if (st == VM_OK && got > (size_t)n) {
			snprintf(after, len, "%s", r[0].local);
			*count = n;
		} else if (st == VM_OK) {
			*count = (int)got;
		}
		free(r);
		return st;
	}
	f.domain_id = m->domain_id;
	f.prefix = l->filter[0] ? l->filter : NULL;
	return page_start_before(ui->vm, PAGE_MAILBOXES, &f, before, n, after, len, count, err);
}

static const char *key(const void *row)
{
	return ((const struct mailbox *)row)->local;
}

static void draw_row(struct ui *ui, struct list *l, const void *row, int y, int x, int w, int attr)
{
	const struct mailbox *mb = row;
	char q[32], name[VM_NAME_MAX * 8 + 64], u[VM_ADDRESS_SHOWN];
	int aw = (w - 40) * 5 / 9, nw = (w - 40) - aw - 1;

	(void)l;
	if (aw < 10)
		aw = 10;
	if (nw < 1)
		nw = 1;
	/* a pending operation matters more than a vacation */
	draw_cell(ui, y, x,
		  mb->pending_ops ? "!"
		  : mb->vacation  ? "V"
				  : " ",
		  1, mb->pending_ops ? ui->attrs[UIC_PENDING] : attr, 0);
	x += 1;
	draw_cell(ui, y, x, idn_shown_address(mb->address, u, sizeof u), aw, attr, 0);
	x += aw + 1;
	/* disabled services after the name: "[no pop3]", "[send-only]" */
	snprintf(name, sizeof name, "%s%s%s%s%s%s", mb->first, mb->first[0] && mb->last[0] ? " " : "", mb->last,
		 mb->services[0] ? (mb->first[0] || mb->last[0] ? " [" : "[") : "", mb->services,
		 mb->services[0] ? "]" : "");
	draw_cell(ui, y, x, name, nw, attr, 0);
	x += nw + 1;
	draw_cell(ui, y, x, mb->enabled ? "yes" : "no", 4,
		  mb->enabled || attr == ui->attrs[UIC_CURSOR] ? attr : ui->attrs[UIC_DISABLED], 0);
	x += 5;
	draw_cell(ui, y, x, fmt_mb(mb->quota_mb, 1, q, sizeof q), 10, attr, 1);
	x += 11;
	draw_usage(ui, y, x, 18, mb->bytes, mb->quota_mb, attr);
}

static const char *header(struct list *l, int w, char *buf, size_t len)
{
	int aw = (w - 40) * 5 / 9, nw = (w - 40) - aw - 1;

	(void)l;
	if (aw < 10)
		aw = 10;
	if (nw < 1)
		nw = 1;
	snprintf(buf, len, "   %-*s %-*s %-4s %10s %-18s", aw, "ADDRESS", nw, "NAME", "ON", "QUOTA", " USAGE");
	return buf;
}

static void free_row(void *row)
{
	(void)row;
}

static const struct list_ops mailbox_list_ops = {
	.row_size = sizeof(struct mailbox),
	.fetch = fetch,
	.start_before = start_before,
	.key = key,
	.free_row = free_row,
	.draw_row = draw_row,
	.header = header,
};

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct mailboxes *m = s->data;

	if (!m->list.loaded)
		list_reload(ui, &m->list, 1);
	list_draw(ui, &m->list, y0, h, w);
}

static int action_for(enum req r)
{
	switch (r) {
	case REQ_ADD:
		return ACTION_MAILBOX_ADD;
	case REQ_EDIT:
	case REQ_ENABLE:
	case REQ_DISABLE:
	case REQ_SET_QUOTA:
		return ACTION_MAILBOX_SET;
	case REQ_DELETE:
		return ACTION_MAILBOX_DEL;
	case REQ_RENAME:
		return action_find("mailbox", "rename");
	default:
		return -1;
	}
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct mailboxes *m = s->data;
	struct mailbox *row = list_current(&m->list);

	(void)ch;
	if (r == REQ_SORT) {
		static const char *const names[MB_ORDER_COUNT] = {"by address", "by address, descending",
								  "fullest first", "largest quota first"};

		m->order = (m->order + 1) % MB_ORDER_COUNT;
		m->list.reverse = m->order == MB_ORDER_ADDRESS_DESC;
		if (sorted(m, &m->list))
			m->list.order_name = m->order == MB_ORDER_USAGE ? "usage" : "quota";
		else
			m->list.order_name = NULL;
		list_reload(ui, &m->list, 1);
		ui_message(ui, 0, "sorted %s", names[m->order]);
		return 1;
	}
	/* a search is done in address order (the database's prefix match
	 * follows the address index) */
	if (r == REQ_SEARCH && sorted(m, &m->list)) {
		m->order = MB_ORDER_ADDRESS;
		m->list.reverse = 0;
		m->list.order_name = NULL;
	}
	if (list_key(ui, &m->list, r))
		return 1;
	switch (r) {
	case REQ_ENTER:
		if (row)
			ui_push(ui, screen_mailbox_new(ui, row->address));
		return 1;
	case REQ_ADD:
		if (edit_mailbox(ui, m->domain, NULL))
			ui_refresh_all(ui);
		return 1;
	case REQ_EDIT:
		if (row && edit_mailbox(ui, m->domain, row->address))
			ui_refresh_all(ui);
		return 1;
	case REQ_RENAME:
		if (row && edit_rename(ui, "mailbox", row->address)) {
			list_unmark_all(&m->list);
			ui_refresh_all(ui);
		}
		return 1;
	case REQ_DELETE:
	case REQ_ENABLE:
	case REQ_DISABLE:
	case REQ_SET_QUOTA: {
		size_t n = 0;
		const char **t = list_targets(&m->list, &n);
		char **full = xcalloc(n ? n : 1, sizeof *full);

		/* the list's keys are local parts; statements take addresses */
		for (size_t i = 0; i < n; i++)
			full[i] = xasprintf("%s@%s", t[i], m->domain);
		if (n && edit_bulk(ui, "mailbox", r, (const char *const *)full, n)) {
			if (r == REQ_DELETE)
				list_unmark_all(&m->list);
			ui_refresh_all(ui);
		}
		for (size_t i = 0; i < n; i++)
			free(full[i]);
		free(full);
		free(t);
		return 1;
	}
	default:
		return 0;
	}
}

static void refresh_fn(struct ui *ui, struct screen *s)
{
	struct mailboxes *m = s->data;

	list_reload(ui, &m->list, 0);
}

static void close_fn(struct screen *s)
{
	struct mailboxes *m = s->data;

	list_free(&m->list);
	free(m);
}

static const struct screen_ops mailboxes_ops = {
	.name = "Mailboxes",
	.view = REQ_VIEW_MAILBOXES,
	.draw = draw,
	.key = key_fn,
	.reload = refresh_fn,
	.close = close_fn,
	.action_for = action_for,
};

struct screen *screen_mailboxes_new(struct ui *ui, const char *domain, long long domain_id)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct mailboxes *m = xcalloc(1, sizeof *m);
	char shown[VM_DOMAIN_SHOWN];

	(void)ui;
	list_init(&m->list, &mailbox_list_ops, m);
	m->domain_id = domain_id;
	snprintf(m->domain, sizeof m->domain, "%s", domain);
	s->ops = &mailboxes_ops;
	s->data = m;
	s->list = &m->list;
	snprintf(s->domain, sizeof s->domain, "%s", domain);
	s->domain_id = domain_id;
	snprintf(s->title, sizeof s->title, "Mailboxes of %s   (! = operation pending, V = vacation reply on)",
		 idn_shown(domain, shown, sizeof shown));
	return s;
}
