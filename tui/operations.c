/* SPDX-License-Identifier: MIT */
/* operations.c: the queue of pending mailbox operations (renames and
 * deletions of homes on disk), oldest first. */
#include <stdlib.h>
#include <string.h>

#include "core/oplist.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

/* A row with its id as text, the list's key. */
struct op_item {
	struct op_row op;
	char key[24];
};

struct ops_screen {
	struct list list;
};

static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct op_row *r = NULL;
	struct op_item *items;
	enum vm_status st;

	(void)l;
	*rows = NULL;
	if ((st = op_list(ui->vm, vm_ll(after), n, &r, nrows, err)) != VM_OK)
		return st;
	items = xcalloc(*nrows ? *nrows : 1, sizeof *items);
	for (size_t i = 0; i < *nrows; i++) {
		items[i].op = r[i];
		/* zero-padded so the keys sort as the ids do */
		snprintf(items[i].key, sizeof items[i].key, "%020lld", r[i].id);
	}
	free(r); /* the arguments moved into items */
	*rows = items;
	return VM_OK;
}

static enum vm_status start_before(struct ui *ui, struct list *l, const char *before, int n, char *after, size_t len,
				   int *count, struct vm_error *err)
{
	long long id = 0;
	enum vm_status st;

	(void)l;
	st = op_start_before(ui->vm, before ? vm_ll(before) : 0, n, &id, count, err);
	snprintf(after, len, "%lld", id);
	return st;
}

static const char *key(const void *row)
{
	return ((const struct op_item *)row)->key;
}

static void free_row(void *row)
{
	free(((struct op_item *)row)->op.argument);
}

static void draw_row(struct ui *ui, struct list *l, const void *row, int y, int x, int w, int attr)
{
	const struct op_item *it = row;
	char id[24];
	int aw = (w - 18) / 2;

	(void)l;
	snprintf(id, sizeof id, "%lld", it->op.id);
	draw_cell(ui, y, x, id, 8, attr, 1);
	x += 9;
	draw_cell(ui, y, x, it->op.type, 8, attr, 0);
	x += 9;
	draw_cell(ui, y, x, it->op.address[0] ? it->op.address : "(deleted)", aw, attr, 0);
	x += aw + 1;
	draw_cell(ui, y, x, it->op.argument, w - (x - 2) > 0 ? w - (x - 2) : 0, attr, 0);
}

static const char *header(struct list *l, int w, char *buf, size_t len)
{
	(void)l;
	snprintf(buf, len, "  %8s %-8s %-*s %s", "ID", "TYPE", (w - 18) / 2, "MAILBOX", "PATH");
	return buf;
}

static const struct list_ops op_list_ops = {
	.row_size = sizeof(struct op_item),
	.fetch = fetch,
	.start_before = start_before,
	.key = key,
	.free_row = free_row,
	.draw_row = draw_row,
	.header = header,
};

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct ops_screen *o = s->data;

	if (!o->list.loaded)
		list_reload(ui, &o->list, 1);
	list_draw(ui, &o->list, y0, h, w);
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct ops_screen *o = s->data;

	(void)ch;
	if (r == REQ_SEARCH || r == REQ_MARK || r == REQ_MARK_PATTERN || r == REQ_SORT) {
		ui_message(ui, 0, "%s: not available on the operations screen", req_name(r));
		return 1;
	}
	return list_key(ui, &o->list, r);
}

static void refresh_fn(struct ui *ui, struct screen *s)
{
	struct ops_screen *o = s->data;

	list_reload(ui, &o->list, 0);
}

static void close_fn(struct screen *s)
{
	struct ops_screen *o = s->data;

	list_free(&o->list);
	free(o);
}

static int action_for(enum req r)
{
	(void)r;
	return -1;
}

static const struct screen_ops ops_ops = {
	.name = "Operations",
	.view = REQ_VIEW_OPS,
	.draw = draw,
	.key = key_fn,
	.reload = refresh_fn,
	.close = close_fn,
	.action_for = action_for,
};

struct screen *screen_ops_new(struct ui *ui)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct ops_screen *o = xcalloc(1, sizeof *o);

	(void)ui;
	list_init(&o->list, &op_list_ops, o);
	s->ops = &ops_ops;
	s->data = o;
	snprintf(s->title, sizeof s->title, "Pending operations (applied by `ops run`)");
	return s;
}
