/* SPDX-License-Identifier: MIT */
/* domainaliases.c: the domain aliases pointing at one domain. */
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/domain.h"
#include "core/page.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

struct domainaliases {
	struct list list;
	char domain[256];
};

static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct domainaliases *d = l->ctx;
	struct domainalias *r = NULL;
	enum vm_status st = domainalias_list(ui->vm, d->domain, after, n, &r, nrows, err);

	*rows = r;
	return st;
}

static enum vm_status start_before(struct ui *ui, struct list *l, const char *before, int n, char *after, size_t len,
				   int *count, struct vm_error *err)
{
	struct domainaliases *d = l->ctx;
	struct page_filter f = {0};

	f.target = d->domain;
	return page_start_before(ui->vm, PAGE_DOMAINALIASES, &f, before, n, after, len, count, err);
}

static const char *key(const void *row)
{
	return ((const struct domainalias *)row)->name;
}

static void draw_row(struct ui *ui, struct list *l, const void *row, int y, int x, int w, int attr)
{
	const struct domainalias *da = row;
	int nw = (w - 6) / 2;
	char un[VM_DOMAIN_SHOWN], ut[VM_DOMAIN_SHOWN];

	(void)l;
	draw_cell(ui, y, x, idn_shown(da->name, un, sizeof un), nw, attr, 0);
	x += nw + 1;
	draw_cell(ui, y, x, da->enabled ? "yes" : "no", 4,
		  da->enabled || attr == ui->attrs[UIC_CURSOR] ? attr : ui->attrs[UIC_DISABLED], 0);
	x += 5;
	draw_cell(ui, y, x, idn_shown(da->target, ut, sizeof ut), w - (x - 2) > 0 ? w - (x - 2) : 0, attr, 0);
}

static const char *header(struct list *l, int w, char *buf, size_t len)
{
	(void)l;
	snprintf(buf, len, "  %-*s %-4s %s", (w - 6) / 2, "DOMAIN ALIAS", "ON", "TARGET");
	return buf;
}

static const struct list_ops da_list_ops = {
	.row_size = sizeof(struct domainalias),
	.fetch = fetch,
	.start_before = start_before,
	.key = key,
	.draw_row = draw_row,
	.header = header,
};

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct domainaliases *d = s->data;

	if (!d->list.loaded)
		list_reload(ui, &d->list, 1);
	list_draw(ui, &d->list, y0, h, w);
}

static int action_for(enum req r)
{
	switch (r) {
	case REQ_ADD:
		return ACTION_DOMAINALIAS_ADD;
	case REQ_EDIT:
	case REQ_ENABLE:
	case REQ_DISABLE:
		return ACTION_DOMAINALIAS_SET;
	case REQ_DELETE:
		return ACTION_DOMAINALIAS_DEL;
	default:
		return -1;
	}
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct domainaliases *d = s->data;
	struct domainalias *row = list_current(&d->list);

	(void)ch;
	if (list_key(ui, &d->list, r))
		return 1;
	switch (r) {
	case REQ_ADD:
		if (edit_domainalias(ui, d->domain, NULL))
			ui_refresh_all(ui);
		return 1;
	case REQ_ENTER:
	case REQ_EDIT:
		if (row && edit_domainalias(ui, d->domain, row->name))
			ui_refresh_all(ui);
		return 1;
	case REQ_SET_QUOTA:
		ui_message(ui, 1, "domain aliases have no quota");
		return 1;
	case REQ_DELETE:
	case REQ_ENABLE:
	case REQ_DISABLE: {
		size_t n = 0;
		const char **t = list_targets(&d->list, &n);

		if (n && edit_bulk(ui, "domainalias", r, t, n)) {
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
	struct domainaliases *d = s->data;

	list_reload(ui, &d->list, 0);
}

static void close_fn(struct screen *s)
{
	struct domainaliases *d = s->data;

	list_free(&d->list);
	free(d);
}

static const struct screen_ops domainaliases_ops = {
	.name = "Domain aliases",
	.view = REQ_VIEW_DOMAINALIASES,
	.draw = draw,
	.key = key_fn,
	.reload = refresh_fn,
	.close = close_fn,
	.action_for = action_for,
};

struct screen *screen_domainaliases_new(struct ui *ui, const char *domain, long long domain_id)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct domainaliases *d = xcalloc(1, sizeof *d);
	char shown[VM_DOMAIN_SHOWN];

	(void)ui;
	list_init(&d->list, &da_list_ops, d);
	snprintf(d->domain, sizeof d->domain, "%s", domain);
	s->ops = &domainaliases_ops;
	s->data = d;
	s->list = &d->list;
	snprintf(s->domain, sizeof s->domain, "%s", domain);
	s->domain_id = domain_id;
	snprintf(s->title, sizeof s->title, "Domain aliases of %s", idn_shown(domain, shown, sizeof shown));
	return s;
}
