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

static const char *id_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	snprintf(buf, len, "%lld", ((const struct op_item *)row)->op.id);
	return buf;
}

static int mailbox_width(int w)
{
	return (w - 18) / 2;
}

static const char *mailbox_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const struct op_item *it = row;

	(void)c;
	(void)buf;
	(void)len;
	return it->op.address[0] ? it->op.address : "(deleted)";
}

static const struct list_column columns[] = {
	{.title = "ID", .width = 8, .right = 1, .text = id_text},
	{.title = "TYPE", .width = 8, .text = list_col_chars, .field = offsetof(struct op_item, op.type)},
	{.title = "MAILBOX", .width_of = mailbox_width, .text = mailbox_text},
	{.title = "PATH", .width = LIST_REST, .text = list_col_string, .field = offsetof(struct op_item, op.argument)},
};

#define NOT_HERE "not available on the operations screen"

static const struct screen_key keys[] = {
	SCREEN_SAYS(REQ_SEARCH, NOT_HERE, 0, 1),
	SCREEN_SAYS(REQ_MARK, NOT_HERE, 0, 1),
	SCREEN_SAYS(REQ_MARK_PATTERN, NOT_HERE, 0, 1),
	SCREEN_SAYS(REQ_SORT, NOT_HERE, 0, 1),
};

static const struct list_screen operations = {
	.ops = {.name = "Operations", .view = REQ_VIEW_OPS, LIST_SCREEN_OPS},
	.list =
		{
			.row_size = sizeof(struct op_item),
			.fetch = fetch,
			.start_before = start_before,
			.key = key,
			.free_row = free_row,
			.columns = columns,
			.ncolumns = LIST_COUNT(columns),
		},
	.title = "Pending operations (applied by `ops run`)",
	.keys = keys,
	.nkeys = LIST_COUNT(keys),
	.no_status = 1,
};

struct screen *screen_ops_new(struct ui *ui)
{
	(void)ui;
	return list_screen_new(&operations, "", 0);
}
