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

/* core frees audit rows (audit_rows_free): it is handed a copy of this one */
static void free_row(void *row)
{
	struct audit_row *r = xmalloc(sizeof *r);

	*r = ((struct audit_item *)row)->r;
	audit_rows_free(&r, 1);
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
static int time_width(int w)
{
	return w >= 100 ? 19 : 16;
}

static int key_width(int w)
{
	return w >= 100 ? (w - 54) / 2 : 20;
}

/* what it became; a removal shows what was there */
static const char *values_text(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const struct audit_row *r = &((const struct audit_item *)row)->r;

	(void)c;
	(void)buf;
	(void)len;
	return r->after && strcmp(r->after, "{}") != 0 ? r->after : or_empty(r->before);
}

#define AUDIT_FIELD(m) .text = list_col_string, .field = offsetof(struct audit_item, r.m)

static const struct list_column columns[] = {
	{.title = "AT (UTC)", .width_of = time_width, AUDIT_FIELD(at)},
	{.title = "ADMIN", .width = 10, AUDIT_FIELD(actor)},
	{.title = "OP", .width = 6, AUDIT_FIELD(op)},
	{.title = "OBJECT", .width = 11, AUDIT_FIELD(object)},
	{.title = "KEY", .width_of = key_width, AUDIT_FIELD(key)},
	{.title = "VALUES", .width = LIST_REST, .text = values_text},
};

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

static int set_filter_key(struct ui *ui, struct screen *s, enum req r, void *row)
{
	(void)r;
	(void)row;
	set_filter(ui, &list_screen_state(s)->list);
	return 1;
}

static int show(struct ui *ui, struct screen *s, enum req r, void *row)
{
	(void)s;
	(void)r;
	if (row)
		show_row(ui, row);
	return 1;
}

static int sort(struct ui *ui, struct screen *s, enum req r, void *row)
{
	struct list *l = &list_screen_state(s)->list;

	(void)r;
	(void)row;
	l->reverse = !l->reverse;
	list_reload(ui, l, 1);
	ui_message(ui, 0, "%s first", l->reverse ? "oldest" : "newest");
	return 1;
}

#define READ_ONLY "the audit log is read-only: nothing to mark"

static const struct screen_key keys[] = {
	SCREEN_KEY(REQ_SEARCH, NULL, set_filter_key),
	SCREEN_KEY(REQ_ENTER, NULL, show),
	SCREEN_KEY(REQ_SORT, NULL, sort),
	SCREEN_SAYS(REQ_MARK, READ_ONLY, 0, 0),
	SCREEN_SAYS(REQ_MARK_PATTERN, READ_ONLY, 0, 0),
	SCREEN_KEY(REQ_VIEW_AUDIT, "list", NULL),
};

static const struct list_screen audit = {
	.ops = {.name = "Audit log", .view = REQ_VIEW_AUDIT, LIST_SCREEN_OPS},
	.list =
		{
			.row_size = sizeof(struct audit_item),
			.fetch = fetch,
			.start_before = start_before,
			.key = key,
			.free_row = free_row,
			.columns = columns,
			.ncolumns = LIST_COUNT(columns),
		},
	.title = "Audit log, newest first   (/ filters, Enter shows an entry, o: oldest first)",
	.object = "audit",
	.keys = keys,
	.nkeys = LIST_COUNT(keys),
};

struct screen *screen_audit_new(struct ui *ui)
{
	(void)ui;
	return list_screen_new(&audit, "", 0);
}
