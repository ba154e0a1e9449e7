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

/* Usage and quota orders read through mbsort; a search or a mark by
 * pattern reads in address order (the key order of mailbox_list). */
static int sorted(const struct list_screen_state *m, const struct list *l)
{
	return (m->order == MB_ORDER_USAGE || m->order == MB_ORDER_QUOTA) && !l->glob[0] && !l->filter[0];
}

static enum vm_status sorted_page(struct ui *ui, const struct list *l, const char *bound, int before, int n,
				  struct mailbox **rows, size_t *nrows, struct vm_error *err)
{
	struct mbsort_query q = {0};

	q.domain_id = list_screen_of(l)->domain_id;
	q.key = list_screen_state(list_screen_of(l))->order == MB_ORDER_USAGE ? MBSORT_USAGE : MBSORT_QUOTA;
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
	const struct list_screen_state *m = list_screen_state(list_screen_of(l));
	struct mailbox_query q = {0};
	struct mailbox *r = NULL;
	enum vm_status st;

	if (sorted(m, l)) {
		st = sorted_page(ui, l, after, 0, n, &r, nrows, err);
	} else {
		q.domain_id = list_screen_of(l)->domain_id;
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
	const struct list_screen_state *m = list_screen_state(list_screen_of(l));
	struct page_filter f = {0};

	if (sorted(m, l)) {
		/* n + 1 rows before: the extra one is the key to fetch after,
		 * as page_start_before does for the address order */
		struct mailbox *r = NULL;
		size_t got = 0;
		enum vm_status st = sorted_page(ui, l, before, 1, n + 1, &r, &got, err);

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
	f.domain_id = list_screen_of(l)->domain_id;
	f.prefix = l->filter[0] ? l->filter : NULL;
	return page_start_before(ui->vm, PAGE_MAILBOXES, &f, before, n, after, len, count, err);
}

static const char *key(const void *row)
{
	return ((const struct mailbox *)row)->local;
}

static int address_width(int w)
{
	int aw = (w - 40) * 5 / 9;

	return aw < 10 ? 10 : aw;
}

static int name_width(int w)
{
	int nw = (w - 40) - (w - 40) * 5 / 9 - 1;

	return nw < 1 ? 1 : nw;
}

/* a pending operation matters more than a vacation */
static const char *flag_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const struct mailbox *mb = row;

	(void)c;
	(void)buf;
	(void)len;
	return mb->pending_ops ? "!" : mb->vacation ? "V" : " ";
}

static int flag_attr(struct ui *ui, const struct list_column *c, const void *row, int attr)
{
	(void)c;
	return ((const struct mailbox *)row)->pending_ops ? ui->attrs[UIC_PENDING] : attr;
}

static const char *address_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	return idn_shown_address(((const struct mailbox *)row)->address, buf, len);
}

/* disabled services after the name: "[no pop3]", "[send-only]" */
static const char *name_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const struct mailbox *mb = row;

	(void)c;
	snprintf(buf, len, "%s%s%s%s%s%s", mb->first, mb->first[0] && mb->last[0] ? " " : "", mb->last,
		 mb->services[0] ? (mb->first[0] || mb->last[0] ? " [" : "[") : "", mb->services,
		 mb->services[0] ? "]" : "");
	return buf;
}

static const char *quota_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)c;
	return fmt_mb(((const struct mailbox *)row)->quota_mb, 1, buf, len);
}

static void draw_usage_cell(struct ui *ui, const void *row, int y, int x, int w, int attr)
{
	const struct mailbox *mb = row;

	draw_usage(ui, y, x, w, mb->bytes, mb->quota_mb, attr);
}

static const struct list_column columns[] = {
	{.title = "", .width = 1, .tight = 1, .text = flag_text, .attr = flag_attr},
	{.title = "ADDRESS", .width_of = address_width, .text = address_text},
	{.title = "NAME", .width_of = name_width, .text = name_text},
	LIST_COL_ON(struct mailbox, enabled),
	{.title = "QUOTA", .width = 10, .right = 1, .text = quota_text},
	{.title = " USAGE", .width = 18, .draw = draw_usage_cell},
};

static const char *word(const void *row)
{
	return ((const struct mailbox *)row)->address;
}

/* o: address, address descending, fullest, largest quota */
static int sort(struct ui *ui, struct screen *s, enum req r, void *row)
{
	static const char *const names[MB_ORDER_COUNT] = {"by address", "by address, descending", "fullest first",
							  "largest quota first"};
	struct list_screen_state *st = list_screen_state(s);

	(void)r;
	(void)row;
	st->order = (st->order + 1) % MB_ORDER_COUNT;
	st->list.reverse = st->order == MB_ORDER_ADDRESS_DESC;
	if (sorted(st, &st->list))
		st->list.order_name = st->order == MB_ORDER_USAGE ? "usage" : "quota";
	else
		st->list.order_name = NULL;
	list_reload(ui, &st->list, 1);
	ui_message(ui, 0, "sorted %s", names[st->order]);
	return 1;
}

/* a search is done in address order (the database's prefix match follows
 * the address index); the list does the rest */
static int search(struct ui *ui, struct screen *s, enum req r, void *row)
{
	struct list_screen_state *st = list_screen_state(s);

	(void)ui;
	(void)r;
	(void)row;
	if (sorted(st, &st->list)) {
		st->order = MB_ORDER_ADDRESS;
		st->list.reverse = 0;
		st->list.order_name = NULL;
	}
	return 0;
}

static int open_mailbox(struct ui *ui, struct screen *s, enum req r, void *row)
{
	(void)s;
	(void)r;
	if (row)
		ui_push(ui, screen_mailbox_new(ui, ((const struct mailbox *)row)->address));
	return 1;
}

static const struct screen_key keys[] = {
	SCREEN_KEY(REQ_SORT, NULL, sort),
	SCREEN_KEY(REQ_SEARCH, NULL, search),
	SCREEN_KEY(REQ_ENTER, NULL, open_mailbox),
	SCREEN_KEY(REQ_ADD, "add", screen_add),
	SCREEN_KEY(REQ_EDIT, "set", screen_edit),
	SCREEN_KEY(REQ_RENAME, "rename", screen_rename),
	SCREEN_KEY(REQ_DELETE, "del", screen_bulk),
	SCREEN_KEY(REQ_ENABLE, "set", screen_bulk),
	SCREEN_KEY(REQ_DISABLE, "set", screen_bulk),
	SCREEN_KEY(REQ_SET_QUOTA, "set", screen_bulk),
};

static const struct list_screen mailboxes = {
	.ops = {.name = "Mailboxes", .view = REQ_VIEW_MAILBOXES, LIST_SCREEN_OPS},
	.list =
		{
			.row_size = sizeof(struct mailbox),
			.fetch = fetch,
			.start_before = start_before,
			.key = key,
			.columns = columns,
			.ncolumns = LIST_COUNT(columns),
		},
	.title = "Mailboxes of ",
	.title_after = "   (! = operation pending, V = vacation reply on)",
	.object = "mailbox",
	.local_keys = 1,
	.word = word,
	.edit = edit_mailbox,
	.keys = keys,
	.nkeys = LIST_COUNT(keys),
};

struct screen *screen_mailboxes_new(struct ui *ui, const char *domain, long long domain_id)
{
	(void)ui;
	return list_screen_new(&mailboxes, domain, domain_id);
}
