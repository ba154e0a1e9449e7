/* SPDX-License-Identifier: MIT */
/* domains.c: the top screen: every domain with its quota, counts and
 * usage; Enter opens its mailboxes. */
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/domain.h"
#include "core/page.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

struct domains {
	struct list list;
};

/* The search text as the stored names spell it (idn_pattern): 0 when it
 * cannot match any (a Unicode label libidn2 refuses, which a search typed
 * a key at a time passes through: "bü-" on the way to "bü-cher"), so the
 * list is empty rather than an error at each key. */
static int search_prefix(const struct list *l, char *buf, size_t len, const char **prefix)
{
	struct vm_error e = {0};

	*prefix = l->filter[0] ? l->filter : NULL;
	if (!*prefix || !idn_needed(*prefix))
		return 1;
	if (idn_pattern(*prefix, buf, len, &e) != VM_OK)
		return 0;
	*prefix = buf;
	return 1;
}

static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct domain_row *r = NULL;
	char buf[VM_DOMAIN_SHOWN];
	const char *prefix;
	enum vm_status st;

	*nrows = 0;
	if (!l->glob[0] && !search_prefix(l, buf, sizeof buf, &prefix)) {
		*rows = xcalloc(1, sizeof(struct domain_row));
		return VM_OK;
	}
	st = domain_list(ui->vm, l->glob[0] ? l->glob : l->filter[0] ? prefix : NULL, after, n, &r, nrows, err);
	*rows = r;
	return st;
}

static enum vm_status start_before(struct ui *ui, struct list *l, const char *before, int n, char *after, size_t len,
				   int *count, struct vm_error *err)
{
	struct page_filter f = {0};
	char buf[VM_DOMAIN_SHOWN];

	if (!search_prefix(l, buf, sizeof buf, &f.prefix)) {
		*after = '\0';
		*count = 0;
		return VM_OK;
	}
	return page_start_before(ui->vm, PAGE_DOMAINS, &f, before, n, after, len, count, err);
}

static const char *key(const void *row)
{
	return ((const struct domain_row *)row)->d.name;
}

static void draw_row(struct ui *ui, struct list *l, const void *row, int y, int x, int w, int attr)
{
	const struct domain_row *d = row;
	char q[32], mb[32], al[32], used[32], alloc[48];
	int nw = w - 58 > 12 ? w - 58 : 12;
	char u[VM_DOMAIN_SHOWN];

	(void)l;
	draw_cell(ui, y, x, idn_shown(d->d.name, u, sizeof u), nw, attr, 0);
	x += nw + 1;
	draw_cell(ui, y, x, d->d.enabled ? "yes" : "no", 4,
		  d->d.enabled || attr == ui->attrs[UIC_CURSOR] ? attr : ui->attrs[UIC_DISABLED], 0);
	x += 5;
	draw_cell(ui, y, x, fmt_mb(d->d.quota_mb, 1, q, sizeof q), 10, attr, 1);
	x += 11;
	/* "~": a big domain's counts, the rollup's (see DOMAIN_BIG) */
	snprintf(mb, sizeof mb, "%s%lld", d->counts_as_of ? "~" : "", d->mailboxes);
	draw_cell(ui, y, x, mb, 9, attr, 1);
	x += 10;
	snprintf(al, sizeof al, "%s%lld", d->counts_as_of ? "~" : "", d->aliases);
	draw_cell(ui, y, x, al, 7, attr, 1);
	x += 8;
	fmt_bytes(d->used_bytes, used, sizeof used);
	snprintf(alloc, sizeof alloc, "%s/%lldM", used, d->allocated_mb);
	draw_cell(ui, y, x, alloc, w - (x - 2) > 0 ? w - (x - 2) : 0, attr, 1);
}

static const char *header(struct list *l, int w, char *buf, size_t len)
{
	int nw = w - 58 > 12 ? w - 58 : 12;

	(void)l;
	snprintf(buf, len, "  %-*s %-4s %10s %9s %7s %*s", nw, "DOMAIN", "ON", "QUOTA", "MAILBOXES", "ALIASES",
		 w - nw - 35 > 0 ? w - nw - 35 : 1, "USED/ALLOCATED");
	return buf;
}

static const struct list_ops domain_list_ops = {
	.row_size = sizeof(struct domain_row),
	.fetch = fetch,
	.start_before = start_before,
	.key = key,
	.draw_row = draw_row,
	.header = header,
};

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct domains *d = s->data;

	if (!d->list.loaded)
		list_reload(ui, &d->list, 1);
	list_draw(ui, &d->list, y0, h, w);
}

static int action_for(enum req r)
{
	switch (r) {
	case REQ_ADD:
		return ACTION_DOMAIN_ADD;
	case REQ_EDIT:
	case REQ_ENABLE:
	case REQ_DISABLE:
	case REQ_SET_QUOTA:
		return ACTION_DOMAIN_SET;
	case REQ_DELETE:
		return ACTION_DOMAIN_DEL;
	case REQ_RENAME:
		return action_find("domain", "rename");
	default:
		return -1;
	}
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct domains *d = s->data;
	struct domain_row *row = list_current(&d->list);

	(void)ch;
	if (list_key(ui, &d->list, r))
		return 1;
	switch (r) {
	case REQ_ENTER:
		if (row)
			ui_push(ui, screen_mailboxes_new(ui, row->d.name, row->d.id));
		return 1;
	case REQ_RENAME:
		if (row && edit_rename(ui, "domain", row->d.name)) {
			list_unmark_all(&d->list);
			ui_refresh_all(ui);
		}
		return 1;
	case REQ_ADD:
		if (edit_domain(ui, NULL))
			ui_refresh_all(ui);
		return 1;
	case REQ_EDIT:
		if (row && edit_domain(ui, row->d.name))
			ui_refresh_all(ui);
		return 1;
	case REQ_DELETE:
	case REQ_ENABLE:
	case REQ_DISABLE:
	case REQ_SET_QUOTA: {
		size_t n = 0;
		const char **t = list_targets(&d->list, &n);

		if (n && edit_bulk(ui, "domain", r, t, n)) {
			if (r == REQ_DELETE)
				list_unmark_all(&d->list);
			ui_refresh_all(ui);
		}
		free(t);
		return 1;
	}
	default:
		return 0;
	}
}

static void refresh_fn(struct ui *ui, struct screen *s)
{
	struct domains *d = s->data;

	list_reload(ui, &d->list, 0);
}

static void close_fn(struct screen *s)
{
	struct domains *d = s->data;

	list_free(&d->list);
	free(d);
}

static const char *selected(struct screen *s, long long *id)
{
	struct domains *d = s->data;
	struct domain_row *row = list_current(&d->list);

	if (!row)
		return NULL;
	*id = row->d.id;
	return row->d.name;
}

static const struct screen_ops domains_ops = {
	.name = "Domains",
	.view = REQ_VIEW_DOMAINS,
	.draw = draw,
	.key = key_fn,
	.reload = refresh_fn,
	.close = close_fn,
	.action_for = action_for,
	.selected_domain = selected,
};

struct screen *screen_domains_new(struct ui *ui)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct domains *d = xcalloc(1, sizeof *d);

	(void)ui;
	list_init(&d->list, &domain_list_ops, d);
	s->ops = &domains_ops;
	s->data = d;
	s->list = &d->list;
	snprintf(s->title, sizeof s->title, "Domains");
	return s;
}
