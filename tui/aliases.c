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

static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct alias_query q = {0};
	struct alias *r = NULL;
	enum vm_status st;

	q.domain_id = list_screen_of(l)->domain_id;
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
	struct page_filter f = {0};

	f.domain_id = list_screen_of(l)->domain_id;
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

static int address_width(int w)
{
	return w / 3 > 12 ? w / 3 : 12;
}

static const char *address_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	return idn_shown_address(((const struct alias *)row)->address, buf, len);
}

static void draw_recipients(struct ui *ui, const void *row, int y, int x, int w, int attr)
{
	const struct alias *a = row;
	char *ru = a->recipients && idn_locale_utf8() ? idn_list_to_unicode(a->recipients) : NULL;

	draw_cell(ui, y, x, ru ? ru : a->recipients ? a->recipients : "", w, attr, 0);
	free(ru);
}

static const struct list_column columns[] = {
	{.title = "ADDRESS", .width_of = address_width, .text = address_text},
	LIST_COL_ON(struct alias, enabled),
	{.title = "KIND", .width = 9, .text = list_col_string, .field = offsetof(struct alias, kind)},
	{.title = "RECIPIENTS", .width = LIST_REST, .draw = draw_recipients},
};

static const char *word(const void *row)
{
	return ((const struct alias *)row)->address;
}

static const struct screen_key keys[] = {
	SCREEN_KEY(REQ_ADD, "add", screen_add),      SCREEN_KEY(REQ_ENTER, NULL, screen_edit),
	SCREEN_KEY(REQ_EDIT, "set", screen_edit),    SCREEN_SAYS(REQ_SET_QUOTA, "aliases have no quota", 1, 0),
	SCREEN_KEY(REQ_DELETE, "del", screen_bulk),  SCREEN_KEY(REQ_ENABLE, "set", screen_bulk),
	SCREEN_KEY(REQ_DISABLE, "set", screen_bulk),
};

static const struct list_screen aliases = {
	.ops = {.name = "Aliases", .view = REQ_VIEW_ALIASES, LIST_SCREEN_OPS},
	.list =
		{
			.row_size = sizeof(struct alias),
			.fetch = fetch,
			.start_before = start_before,
			.key = key,
			.free_row = free_row,
			.columns = columns,
			.ncolumns = LIST_COUNT(columns),
		},
	.title = "Aliases of ",
	.object = "alias",
	.local_keys = 1,
	.word = word,
	.edit = edit_alias,
	.keys = keys,
	.nkeys = LIST_COUNT(keys),
};

struct screen *screen_aliases_new(struct ui *ui, const char *domain, long long domain_id)
{
	(void)ui;
	return list_screen_new(&aliases, domain, domain_id);
}
