/* SPDX-License-Identifier: MIT */
/* audit.c: the audit log screen: vmailadm_audit newest first, read page by
 * page by id (core/audit.h audit_page), with filters typed after `/`
 * (object=KIND|KEY admin=LOGIN since=TIME until=TIME). The core applies the
 * same filters and the same rule for a domain administrator (only their own
 * rows) as `audit list`. */
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

/* A row with its id as text, the list's key. */
struct audit_item {
	struct audit_row r;
	char key[24];
};

/* The filters, parsed from the list's filter text (which the status line
 * shows); the strings point into buf. */
struct audit_filter {
	char buf[256];
	struct audit_query q;
};

/* Parses "object=X admin=Y since=T until=T" (a bare word is an object);
 * times take a T between date and time, as they cannot hold a blank here.
 * Returns 0 and a message in msg when a word is not one of those. */
static int parse_filter(const char *text, struct audit_filter *f, char *msg, size_t mlen)
{
	char *save = NULL, *w;

	memset(f, 0, sizeof *f);
	snprintf(f->buf, sizeof f->buf, "%s", text);
	for (w = strtok_r(f->buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(w, '=');

		if (!eq) {
			f->q.object = w;
			continue;
		}
		*eq = '\0';
		if (!eq[1]) {
			snprintf(msg, mlen, "filter: %s= needs a value", w);
			return 0;
		}
		if (strcmp(w, "object") == 0)
			f->q.object = eq + 1;
		else if (strcmp(w, "admin") == 0)
			f->q.actor = eq + 1;
		else if (strcmp(w, "since") == 0)
			f->q.since = eq + 1;
		else if (strcmp(w, "until") == 0)
			f->q.until = eq + 1;
		else {
			/* the typed word may hold anything: drawn escaped by the message line */
			snprintf(msg, mlen, "filter: unknown '%s' (object=, admin=, since=, until=)", w);
			return 0;
		}
	}
	return 1;
}

static enum vm_status read_page(struct ui *ui, struct list *l, long long bound, int newer, int n,
				struct audit_item **items, size_t *got, struct vm_error *err)
{
	struct audit_filter f;
	struct audit_row *r = NULL;
	char msg[300];
	enum vm_status st;

	*items = NULL;
	*got = 0;
	if (!parse_filter(l->filter, &f, msg, sizeof msg))
		return vm_fail(err, VM_ERR_INVALID, "%s", msg);
	if ((st = audit_page(ui->vm, &f.q, bound, newer, n, &r, got, err)) != VM_OK)
		return st;
	*items = xcalloc(*got ? *got : 1, sizeof **items);
	for (size_t i = 0; i < *got; i++) {
		(*items)[i].r = r[i];
		snprintf((*items)[i].key, sizeof(*items)[i].key, "%lld", r[i].id);
	}
	free(r); /* the strings moved into the items */
	return VM_OK;
}

/* The list's key order is the display order: descending id. */
static enum vm_status fetch(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
			    struct vm_error *err)
{
	struct audit_item *items = NULL;
	enum vm_status st = read_page(ui, l, after && after[0] ? vm_ll(after) : 0, 0, n, &items, nrows, err);

	*rows = items;
	return st;
}

static void free_row(void *row)
{
	struct audit_row *r = &((struct audit_item *)row)->r;

	free(r->at);
	free(r->actor);
	free(r->origin);
	free(r->object);
	free(r->key);
	free(r->op);
	free(r->before);
	free(r->after);
}

/* The n rows just before `before` (NULL: the oldest) are the n newer ids
 * nearest to it; the forward read starts after the one past them. */
static enum vm_status start_before(struct ui *ui, struct list *l, const char *before, int n, char *after, size_t len,
				   int *count, struct vm_error *err)
{
	struct audit_item *items = NULL;
	size_t got = 0;
	enum vm_status st = read_page(ui, l, before ? vm_ll(before) : 0, 1, n + 1, &items, &got, err);

	after[0] = '\0';
	*count = 0;
	if (st != VM_OK)
		return st;
	*count = got > (size_t)n ? n : (int)got;
	if (got > (size_t)n)
		snprintf(after, len, "%s", items[n].key);
	for (size_t i = 0; i < got; i++)
		free_row(&items[i]);
	free(items);
	return VM_OK;
}

static const char *key(const void *row)
{
	return ((const struct audit_item *)row)->key;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Column widths for w columns: the time to the minute and a 20-column key
 * at 80 columns (Enter shows the whole entry), the rest for the value. */
static void widths(int w, int *tw, int *kw)
{
	*tw = w >= 100 ? 19 : 16;
	*kw = w >= 100 ? (w - 54) / 2 : 20;
}

static void draw_row(struct ui *ui, struct list *l, const void *row, int y, int x, int w, int attr)
{
	const struct audit_item *it = row;
	const struct audit_row *r = &it->r;
	int tw, kw, end = x + w;

	(void)l;
	widths(w, &tw, &kw);
	draw_cell(ui, y, x, or_empty(r->at), tw, attr, 0);
	x += tw + 1;
	draw_cell(ui, y, x, or_empty(r->actor), 10, attr, 0);
	x += 11;
	draw_cell(ui, y, x, or_empty(r->op), 6, attr, 0);
	x += 7;
	draw_cell(ui, y, x, or_empty(r->object), 11, attr, 0);
	x += 12;
	draw_cell(ui, y, x, or_empty(r->key), kw, attr, 0);
	x += kw + 1;
	/* what it became; a removal shows what was there */
	if (end - x > 0)
		draw_cell(ui, y, x, r->after && strcmp(r->after, "{}") != 0 ? r->after : or_empty(r->before), end - x,
			  attr, 0);
}

static const char *header(struct list *l, int w, char *buf, size_t len)
{
	int tw, kw;

	(void)l;
	widths(w, &tw, &kw);
	snprintf(buf, len, "  %-*s %-10s %-6s %-11s %-*s %s", tw, "AT (UTC)", "ADMIN", "OP", "OBJECT", kw, "KEY", "VALUES");
	return buf;
}

static const struct list_ops audit_list_ops = {
	.row_size = sizeof(struct audit_item),
	.fetch = fetch,
	.start_before = start_before,
	.key = key,
	.free_row = free_row,
	.draw_row = draw_row,
	.header = header,
};

struct audit_screen {
	struct list list;
};

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct audit_screen *a = s->data;

	if (!a->list.loaded)
		list_reload(ui, &a->list, 1);
	list_draw(ui, &a->list, y0, h, w);
}

/* `/` sets the filters: checked by one read before they replace the old. */
static void set_filter(struct ui *ui, struct list *l)
{
	struct vm_error err = {0};
	struct audit_item *items = NULL;
	size_t got = 0;
	char text[256], old[256];

	snprintf(text, sizeof text, "%s", l->filter);
	snprintf(old, sizeof old, "%s", l->filter);
	if (!dialog_prompt(ui, "filter (object= admin= since= until=, times YYYY-MM-DD[THH:MM]): ", text, sizeof text,
			   NULL, NULL))
		return;
	if (!ui_db_ready(ui))
		return;
	snprintf(l->filter, sizeof l->filter, "%s", text);
	if (read_page(ui, l, 0, 0, 1, &items, &got, &err) != VM_OK) {
		snprintf(l->filter, sizeof l->filter, "%s", old);
		ui_error(ui, "filter not applied", &err);
		return;
	}
	for (size_t i = 0; i < got; i++)
		free_row(&items[i]);
	free(items);
	list_reload(ui, l, 1);
	ui_message(ui, 0, "%s", l->filter[0] ? "filtered (Esc clears the filters)" : "all rows");
}

static void show_row(struct ui *ui, const struct audit_item *it)
{
	char text[1600];
	const struct audit_row *r = &it->r;

	snprintf(text, sizeof text, "%s by %s from %s\n%s %s %s\nbefore: %.600s\nafter:  %.600s", or_empty(r->at),
		 or_empty(r->actor), or_empty(r->origin), or_empty(r->op), or_empty(r->object), or_empty(r->key),
		 or_empty(r->before), or_empty(r->after));
	dialog_ask(ui, "Audit entry", text, "");
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct audit_screen *a = s->data;
	struct audit_item *row = list_current(&a->list);

	(void)ch;
	switch (r) {
	case REQ_SEARCH:
		set_filter(ui, &a->list);
		return 1;
	case REQ_ENTER:
		if (row)
			show_row(ui, row);
		return 1;
	case REQ_SORT:
		a->list.reverse = !a->list.reverse;
		list_reload(ui, &a->list, 1);
		ui_message(ui, 0, "%s first", a->list.reverse ? "oldest" : "newest");
		return 1;
	case REQ_MARK:
	case REQ_MARK_PATTERN:
		ui_message(ui, 0, "the audit log is read-only: nothing to mark");
		return 1;
	default:
		break;
	}
	return list_key(ui, &a->list, r);
}

static void refresh_fn(struct ui *ui, struct screen *s)
{
	struct audit_screen *a = s->data;

	list_reload(ui, &a->list, 0);
}

static void close_fn(struct screen *s)
{
	struct audit_screen *a = s->data;

	list_free(&a->list);
	free(a);
}

static int action_for(enum req r)
{
	return r == REQ_VIEW_AUDIT ? ACTION_AUDIT_LIST : -1;
}

static const struct screen_ops audit_ops = {
	.name = "Audit log",
	.view = REQ_VIEW_AUDIT,
	.draw = draw,
	.key = key_fn,
	.reload = refresh_fn,
	.close = close_fn,
	.action_for = action_for,
};

struct screen *screen_audit_new(struct ui *ui)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct audit_screen *a = xcalloc(1, sizeof *a);

	(void)ui;
	list_init(&a->list, &audit_list_ops, a);
	s->ops = &audit_ops;
	s->data = a;
	s->list = &a->list;
	snprintf(s->title, sizeof s->title, "Audit log, newest first   (/ filters, Enter shows an entry, o: oldest first)");
	return s;
}
