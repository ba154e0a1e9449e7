/* SPDX-License-Identifier: MIT */
/* aliases.c: one domain's aliases: address, kind (alias, forward, dlist,
 * catch-all) and recipients. */
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/alias.h"
#include "core/page.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

struct aliases {
	struct list list;
	long long domain_id;
	char domain[256];
};

static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct aliases *a = l->ctx;
	struct alias_query q = {0};
	struct alias *r = NULL;
	enum vm_status st;

	q.domain_id = a->domain_id;
	q.local_glob = l->glob[0] ? l->glob : NULL;
	q.local_prefix = !l->glob[0] && l->filter[0] ? l->filter : NULL;
	q.after = after;
	q.limit = n;
	st = alias_list(ui->vm, &q, &r, nrows, err);
	*rows = r;
	return st;
}

static enum vm_status start_before(struct ui *ui, struct list *l, const char *before, int n, char *after, size_t len,
				   int *count, struct vm_error *err)
{
	struct aliases *a = l->ctx;
	struct page_filter f = {0};

	f.domain_id = a->domain_id;
	f.prefix = l->filter[0] ? l->filter : NULL;
	return page_start_before(ui->vm, PAGE_ALIASES, &f, before, n, after, len, count, err);
}

static const char *key(const void *row)
{
	return ((const struct alias *)row)->local;
}

static void free_row(void *row)
{
	alias_clear(row);
}

static void draw_row(struct ui *ui, struct list *l, const void *row, int y, int x, int w, int attr)
{
	const struct alias *a = row;
	int aw = w / 3 > 12 ? w / 3 : 12;
	char u[VM_ADDRESS_SHOWN];
	char *ru = a->recipients && idn_locale_utf8() ? idn_list_to_unicode(a->recipients) : NULL;

	(void)l;
	draw_cell(ui, y, x, idn_shown_address(a->address, u, sizeof u), aw, attr, 0);
	x += aw + 1;
	draw_cell(ui, y, x, a->enabled ? "yes" : "no", 4,
		  a->enabled || attr == ui->attrs[UIC_CURSOR] ? attr : ui->attrs[UIC_DISABLED], 0);
	x += 5;
	draw_cell(ui, y, x, a->kind, 9, attr, 0);
	x += 10;
	draw_cell(ui, y, x, ru ? ru : a->recipients ? a->recipients : "", w - (x - 2) > 0 ? w - (x - 2) : 0, attr, 0);
	free(ru);
}

static const char *header(struct list *l, int w, char *buf, size_t len)
{
	int aw = w / 3 > 12 ? w / 3 : 12;

	(void)l;
	snprintf(buf, len, "  %-*s %-4s %-9s %s", aw, "ADDRESS", "ON", "KIND", "RECIPIENTS");
	return buf;
}

static const struct list_ops alias_list_ops = {
	.row_size = sizeof(struct alias),
	.fetch = fetch,
	.start_before = start_before,
	.key = key,
	.free_row = free_row,
	.draw_row = draw_row,
	.header = header,
};

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct aliases *a = s->data;

	if (!a->list.loaded)
		list_reload(ui, &a->list, 1);
	list_draw(ui, &a->list, y0, h, w);
}

static int action_for(enum req r)
{
	switch (r) {
	case REQ_ADD:
		return ACTION_ALIAS_ADD;
	case REQ_EDIT:
	case REQ_ENABLE:
	case REQ_DISABLE:
		return ACTION_ALIAS_SET;
	case REQ_DELETE:
		return ACTION_ALIAS_DEL;
	default:
		return -1;
	}
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct aliases *a = s->data;
	struct alias *row = list_current(&a->list);

	(void)ch;
	if (list_key(ui, &a->list, r))
		return 1;
	switch (r) {
	case REQ_ADD:
		if (edit_alias(ui, a->domain, NULL))
			ui_refresh_all(ui);
		return 1;
	case REQ_ENTER:
	case REQ_EDIT:
		if (row && edit_alias(ui, a->domain, row->address))
			ui_refresh_all(ui);
		return 1;
	case REQ_SET_QUOTA:
		ui_message(ui, 1, "aliases have no quota");
		return 1;
	case REQ_DELETE:
	case REQ_ENABLE:
	case REQ_DISABLE: {
		size_t n = 0;
		const char **t = list_targets(&a->list, &n);
		char **full = xcalloc(n ? n : 1, sizeof *full);

		for (size_t i = 0; i < n; i++)
			full[i] = strcmp(t[i], "*") == 0 ? xasprintf("@%s", a->domain)
							 : xasprintf("%s@%s", t[i], a->domain);
		if (n && edit_bulk(ui, "alias", r, (const char *const *)full, n)) {
			if (r == REQ_DELETE)
				list_unmark_all(&a->list);
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
	struct aliases *a = s->data;

	list_reload(ui, &a->list, 0);
}

static void close_fn(struct screen *s)
{
	struct aliases *a = s->data;

	list_free(&a->list);
	free(a);
}

static const struct screen_ops aliases_ops = {
	.name = "Aliases",
	.view = REQ_VIEW_ALIASES,
	.draw = draw,
	.key = key_fn,
	.reload = refresh_fn,
	.close = close_fn,
	.action_for = action_for,
};

struct screen *screen_aliases_new(struct ui *ui, const char *domain, long long domain_id)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct aliases *a = xcalloc(1, sizeof *a);
	char shown[VM_DOMAIN_SHOWN];

	(void)ui;
	list_init(&a->list, &alias_list_ops, a);
	a->domain_id = domain_id;
	snprintf(a->domain, sizeof a->domain, "%s", domain);
	s->ops = &aliases_ops;
	s->data = a;
	s->list = &a->list;
	snprintf(s->domain, sizeof s->domain, "%s", domain);
	s->domain_id = domain_id;
	snprintf(s->title, sizeof s->title, "Aliases of %s", idn_shown(domain, shown, sizeof shown));
	return s;
}
