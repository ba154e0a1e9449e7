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

static int name_width(int w)
{
	return w - 58 > 12 ? w - 58 : 12;
}

static const char *name_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	return idn_shown(((const struct domain_row *)row)->d.name, buf, len);
}

static const char *quota_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	return fmt_mb(((const struct domain_row *)row)->d.quota_mb, 1, buf, len);
}

/* "~": a big domain's counts, the rollup's (see DOMAIN_BIG) */
static const char *mailboxes_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const struct domain_row *d = row;

	(void)c;
	snprintf(buf, len, "%s%lld", d->counts_as_of ? "~" : "", d->mailboxes);
	return buf;
}

static const char *aliases_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const struct domain_row *d = row;

	(void)c;
	snprintf(buf, len, "%s%lld", d->counts_as_of ? "~" : "", d->aliases);
	return buf;
}

static const char *usage_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const struct domain_row *d = row;
	char used[32];

	(void)c;
	snprintf(buf, len, "%s/%lldM", fmt_bytes(d->used_bytes, used, sizeof used), d->allocated_mb);
	return buf;
}

static const struct list_column columns[] = {
	{.title = "DOMAIN", .width_of = name_width, .text = name_text},
	LIST_COL_ON(struct domain_row, d.enabled),
	{.title = "QUOTA", .width = 10, .right = 1, .text = quota_text},
	{.title = "MAILBOXES", .width = 9, .right = 1, .text = mailboxes_text},
	{.title = "ALIASES", .width = 7, .right = 1, .text = aliases_text},
	{.title = "USED/ALLOCATED", .width = LIST_REST, .right = 1, .text = usage_text},
};

static const char *word(const void *row)
{
	return ((const struct domain_row *)row)->d.name;
}

static int edit(struct ui *ui, const char *domain, const char *name)
{
	(void)domain;
	return edit_domain(ui, name);
}

static int open_mailboxes(struct ui *ui, struct screen *s, enum req r, void *row)
{
	const struct domain_row *d = row;

	(void)s;
	(void)r;
	if (d)
		ui_push(ui, screen_mailboxes_new(ui, d->d.name, d->d.id));
	return 1;
}

static const char *selected(struct screen *s, long long *id)
{
	struct domain_row *row = list_current(&list_screen_state(s)->list);

	if (!row)
		return NULL;
	*id = row->d.id;
	return row->d.name;
}

static const struct screen_key keys[] = {
	SCREEN_KEY(REQ_ENTER, NULL, open_mailboxes), SCREEN_KEY(REQ_ADD, "add", screen_add),
	SCREEN_KEY(REQ_EDIT, "set", screen_edit),    SCREEN_KEY(REQ_RENAME, "rename", screen_rename),
	SCREEN_KEY(REQ_DELETE, "del", screen_bulk),  SCREEN_KEY(REQ_ENABLE, "set", screen_bulk),
	SCREEN_KEY(REQ_DISABLE, "set", screen_bulk), SCREEN_KEY(REQ_SET_QUOTA, "set", screen_bulk),
};

static const struct list_screen domains = {
	.ops = {.name = "Domains", .view = REQ_VIEW_DOMAINS, LIST_SCREEN_OPS, .selected_domain = selected},
	.list =
		{
			.row_size = sizeof(struct domain_row),
			.fetch = fetch,
			.start_before = start_before,
			.key = key,
			.columns = columns,
			.ncolumns = LIST_COUNT(columns),
		},
	.title = "Domains",
	.object = "domain",
	.word = word,
	.edit = edit,
	.keys = keys,
	.nkeys = LIST_COUNT(keys),
};

struct screen *screen_domains_new(struct ui *ui)
{
	(void)ui;
	return list_screen_new(&domains, "", 0);
}
