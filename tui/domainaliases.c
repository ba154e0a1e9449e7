/* SPDX-License-Identifier: MIT */
/* domainaliases.c: the domain aliases pointing at one domain. */
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/domain.h"
#include "core/page.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct domainalias *r = NULL;
	enum vm_status st = domainalias_list(ui->vm, list_screen_of(l)->domain, after, n, &r, nrows, err);

	*rows = r;
	return st;
}

static enum vm_status start_before(struct ui *ui, struct list *l, const char *before, int n, char *after, size_t len,
				   int *count, struct vm_error *err)
{
	struct page_filter f = {0};

	f.target = list_screen_of(l)->domain;
	return page_start_before(ui->vm, PAGE_DOMAINALIASES, &f, before, n, after, len, count, err);
}

static const char *key(const void *row)
{
	return ((const struct domainalias *)row)->name;
}

static int name_width(int w)
{
	return (w - 6) / 2;
}

static const char *name_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	return idn_shown(((const struct domainalias *)row)->name, buf, len);
}

static const char *target_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	return idn_shown(((const struct domainalias *)row)->target, buf, len);
}

static const struct list_column columns[] = {
	{.title = "DOMAIN ALIAS", .width_of = name_width, .text = name_text},
	LIST_COL_ON(struct domainalias, enabled),
	{.title = "TARGET", .width = LIST_REST, .text = target_text},
};

static const struct screen_key keys[] = {
	SCREEN_KEY(REQ_ADD, "add", screen_add),      SCREEN_KEY(REQ_ENTER, NULL, screen_edit),
	SCREEN_KEY(REQ_EDIT, "set", screen_edit),    SCREEN_SAYS(REQ_SET_QUOTA, "domain aliases have no quota", 1, 0),
	SCREEN_KEY(REQ_DELETE, "del", screen_bulk),  SCREEN_KEY(REQ_ENABLE, "set", screen_bulk),
	SCREEN_KEY(REQ_DISABLE, "set", screen_bulk),
};

static const struct list_screen domainaliases = {
	.ops = {.name = "Domain aliases", .view = REQ_VIEW_DOMAINALIASES, LIST_SCREEN_OPS},
	.list =
		{
			.row_size = sizeof(struct domainalias),
			.fetch = fetch,
			.start_before = start_before,
			.key = key,
			.columns = columns,
			.ncolumns = LIST_COUNT(columns),
		},
	.title = "Domain aliases of ",
	.object = "domainalias",
	.word = key,
	.edit = edit_domainalias,
	.keys = keys,
	.nkeys = LIST_COUNT(keys),
};

struct screen *screen_domainaliases_new(struct ui *ui, const char *domain, long long domain_id)
{
	(void)ui;
	return list_screen_new(&domainaliases, domain, domain_id);
}
