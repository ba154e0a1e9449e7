/* SPDX-License-Identifier: MIT */
/* list.c: the keyset window every list screen uses (see ui.h). Only a few
 * pages around the cursor are held; moving past them reads the next or the
 * previous page by key, so a key press costs one or two indexed queries
 * whatever the size of the table. */
#include <stdlib.h>
#include <string.h>

#include "core/search.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

#define LIST_KEY_MAX 512

void list_init(struct list *l, const struct list_ops *ops, void *ctx)
{
	memset(l, 0, sizeof *l);
	l->ops = ops;
	l->ctx = ctx;
	l->height = 20;
}

void *list_row(struct list *l, int i)
{
	return l->rows + (size_t)i * l->ops->row_size;
}

void *list_current(struct list *l)
{
	return l->n && l->cur >= 0 && (size_t)l->cur < l->n ? list_row(l, l->cur) : NULL;
}

static void free_range(struct list *l, size_t from, size_t to)
{
	if (l->ops->free_row)
		for (size_t i = from; i < to; i++)
			l->ops->free_row(list_row(l, (int)i));
}

static void clear_rows(struct list *l)
{
	free_range(l, 0, l->n);
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
	l->top = l->cur = 0;
}

void list_free(struct list *l)
{
	clear_rows(l);
	list_unmark_all(l);
}

/* ---- the four page reads, in ascending key order ---- */

static enum vm_status asc_after(struct ui *ui, struct list *l, const char *k, int n, char **rows, size_t *got,
				struct vm_error *err)
{
	void *r = NULL;
	enum vm_status st = l->ops->fetch(ui, l, k ? k : "", n, &r, got, err);

	*rows = r;
	return st;
}

static enum vm_status asc_before(struct ui *ui, struct list *l, const char *k, int n, char **rows, size_t *got,
				 struct vm_error *err)
{
	char after[LIST_KEY_MAX];
	int count = 0;
	enum vm_status st;

	*rows = NULL;
	*got = 0;
	if ((st = l->ops->start_before(ui, l, k, n, after, sizeof after, &count, err)) != VM_OK)
		return st;
	if (count == 0)
		return VM_OK;
	return asc_after(ui, l, after, count, rows, got, err);
}

static void reverse_rows(struct list *l, char *rows, size_t n)
{
	size_t sz = l->ops->row_size;
	char *tmp = xmalloc(sz);

	for (size_t i = 0; i < n / 2; i++) {
		memcpy(tmp, rows + i * sz, sz);
		memcpy(rows + i * sz, rows + (n - 1 - i) * sz, sz);
		memcpy(rows + (n - 1 - i) * sz, tmp, sz);
	}
	free(tmp);
}

/* Rows after k in display order (k NULL: from the first). */
static enum vm_status disp_next(struct ui *ui, struct list *l, const char *k, int n, char **rows, size_t *got,
				struct vm_error *err)
{
	enum vm_status st;

	if (!l->reverse)
		return asc_after(ui, l, k, n, rows, got, err);
	st = asc_before(ui, l, k, n, rows, got, err);
	if (st == VM_OK)
		reverse_rows(l, *rows, *got);
	return st;
}

/* Rows before k in display order (k NULL: the last ones). */
static enum vm_status disp_prev(struct ui *ui, struct list *l, const char *k, int n, char **rows, size_t *got,
				struct vm_error *err)
{
	enum vm_status st;

	if (!l->reverse)
		return asc_before(ui, l, k, n, rows, got, err);
	st = asc_after(ui, l, k, n, rows, got, err);
	if (st == VM_OK)
		reverse_rows(l, *rows, *got);
	return st;
}

static const char *key_at(struct list *l, int i)
{
	return l->ops->key(list_row(l, i));
}

/* Keeps the window to a few pages: drops rows far from the cursor. */
static void trim(struct list *l)
{
	size_t cap = (size_t)(l->height > 10 ? l->height : 10) * 5;
	size_t sz = l->ops->row_size;

	if (l->n <= cap)
		return;
	if ((size_t)l->cur * 2 > l->n) {
		size_t drop = (size_t)(l->top > l->height ? l->top - l->height : 0);

		if (drop == 0)
			return;
		free_range(l, 0, drop);
		memmove(l->rows, l->rows + drop * sz, (l->n - drop) * sz);
		l->n -= drop;
		l->top -= (int)drop;
		l->cur -= (int)drop;
		l->at_start = 0;
	} else {
		size_t keep = (size_t)(l->top + 2 * l->height);

		if (keep >= l->n)
			return;
		free_range(l, keep, l->n);
		l->n = keep;
		l->at_end = 0;
	}
}

static void append(struct list *l, char *rows, size_t got)
{
	size_t sz = l->ops->row_size;

	l->rows = xrealloc(l->rows, (l->n + got + 1) * sz);
	if (got)
		memcpy(l->rows + l->n * sz, rows, got * sz);
	l->n += got;
	free(rows);
}

static void prepend(struct list *l, char *rows, size_t got)
{
	size_t sz = l->ops->row_size;

	l->rows = xrealloc(l->rows, (l->n + got + 1) * sz);
	memmove(l->rows + got * sz, l->rows, l->n * sz);
	if (got)
		memcpy(l->rows, rows, got * sz);
	l->n += got;
	l->cur += (int)got;
	l->top += (int)got;
	free(rows);
}

static int page(struct list *l)
{
	return l->height > 1 ? l->height : 1;
}

/* list_reload, with ahead rows read from the cursor's row on. */
static void reload(struct ui *ui, struct list *l, int from_start, int ahead)
{
	struct vm_error err = {0};
	char anchor[LIST_KEY_MAX] = "";
	char *before = NULL, *rest = NULL;
	size_t nb = 0, nr = 0;
	int offset = l->cur - l->top, has_anchor = 0;
	enum vm_status st;

	if (!ui_db_ready(ui))
		return;
	if (!from_start && list_current(l)) {
		snprintf(anchor, sizeof anchor, "%s", key_at(l, l->cur));
		has_anchor = 1;
	}
	if (has_anchor) {
		st = disp_prev(ui, l, anchor, page(l), &before, &nb, &err);
		if (st == VM_OK)
			st = disp_next(ui, l, nb ? l->ops->key(before + (nb - 1) * l->ops->row_size) : NULL, ahead,
				       &rest, &nr, &err);
	} else {
		st = disp_next(ui, l, NULL, ahead, &rest, &nr, &err);
	}
	if (st != VM_OK) {
		if (before) {
			for (size_t i = 0; l->ops->free_row && i < nb; i++)
				l->ops->free_row(before + i * l->ops->row_size);
			free(before);
		}
		ui_error(ui, "reading the list", &err);
		return;
	}
	clear_rows(l);
	l->at_start = has_anchor ? nb < (size_t)page(l) : 1;
	l->at_end = nr < (size_t)ahead;
	append(l, before, nb);
	append(l, rest, nr);
	l->cur = has_anchor ? (int)nb : 0;
	if ((size_t)l->cur >= l->n)
		l->cur = l->n ? (int)l->n - 1 : 0;
	l->top = l->cur - (offset >= 0 && offset < page(l) ? offset : 0);
	if (l->top < 0)
		l->top = 0;
	l->loaded = 1;
	ui->dirty = 1;
}

void list_reload(struct ui *ui, struct list *l, int from_start)
{
	reload(ui, l, from_start, page(l) * 2);
}

static void move_to(struct ui *ui, struct list *l, int target)
{
	struct vm_error err = {0};
	char *rows = NULL;
	size_t got = 0;

	if (target >= (int)l->n && !l->at_end && l->n) {
		int want = target - (int)l->n + 1 > page(l) ? target - (int)l->n + 1 : page(l);

		if (disp_next(ui, l, key_at(l, (int)l->n - 1), want, &rows, &got, &err) != VM_OK) {
			ui_error(ui, "reading the next page", &err);
			return;
		}
		append(l, rows, got);
		if (got < (size_t)want)
			l->at_end = 1;
	}
	if (target < 0 && !l->at_start && l->n) {
		int want = -target > page(l) ? -target : page(l);

		if (disp_prev(ui, l, key_at(l, 0), want, &rows, &got, &err) != VM_OK) {
			ui_error(ui, "reading the previous page", &err);
			return;
		}
		prepend(l, rows, got);
		target += (int)got;
		if (got < (size_t)want)
			l->at_start = 1;
	}
	if (target >= (int)l->n)
		target = (int)l->n - 1;
	if (target < 0)
		target = 0;
	l->cur = target;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->cur >= l->top + page(l))
		l->top = l->cur - page(l) + 1;
	trim(l);
	ui->dirty = 1;
}

static void go_end(struct ui *ui, struct list *l)
{
	struct vm_error err = {0};
	char *rows = NULL;
	size_t got = 0;

	if (!ui_db_ready(ui))
		return;
	if (disp_prev(ui, l, NULL, page(l) * 2, &rows, &got, &err) != VM_OK) {
		ui_error(ui, "reading the last page", &err);
		return;
	}
	clear_rows(l);
	append(l, rows, got);
	l->at_end = 1;
	l->at_start = got < (size_t)page(l) * 2;
	l->cur = l->n ? (int)l->n - 1 : 0;
	l->top = l->cur - page(l) + 1 > 0 ? l->cur - page(l) + 1 : 0;
	ui->dirty = 1;
}

static void search_changed(struct ui *ui, void *ctx, const char *text)
{
	struct list *l = ctx;

	snprintf(l->filter, sizeof l->filter, "%s", text);
	/* while the text is typed, the screenful it shows (and one row to know
	 * whether more follow) is enough; a page down reads the next one */
	reload(ui, l, 1, page(l) + 1);
	ui_draw(ui);
}

static void mark_pattern(struct ui *ui, struct list *l)
{
	struct vm_error err = {0};
	char pat[256] = "", after[LIST_KEY_MAX] = "";
	size_t total = 0;

	if (!dialog_prompt(ui, "mark (pattern, * and ?): ", pat, sizeof pat, NULL, NULL) || !*pat)
		return;
	snprintf(l->glob, sizeof l->glob, "%s", pat);
	for (;;) {
		void *rows = NULL;
		size_t got = 0;

		if (l->ops->fetch(ui, l, after, 500, &rows, &got, &err) != VM_OK) {
			ui_error(ui, "marking", &err);
			break;
		}
		for (size_t i = 0; i < got; i++)
			list_mark(l, l->ops->key((char *)rows + i * l->ops->row_size), 1);
		if (got)
			snprintf(after, sizeof after, "%s", l->ops->key((char *)rows + (got - 1) * l->ops->row_size));
		for (size_t i = 0; l->ops->free_row && i < got; i++)
			l->ops->free_row((char *)rows + i * l->ops->row_size);
		free(rows);
		total += got;
		/* a bound, so a pattern that matches a million rows cannot eat the memory */
		if (got < 500 || total >= 100000)
			break;
	}
	l->glob[0] = '\0';
	ui_message(ui, 0, "%zu row(s) match '%s'; %zu marked", total, pat, l->nmarks);
	ui->dirty = 1;
}

int list_key(struct ui *ui, struct list *l, enum req r)
{
	int off = l->cur - l->top;

	switch (r) {
	case REQ_UP:
		move_to(ui, l, l->cur - 1);
		return 1;
	case REQ_DOWN:
		move_to(ui, l, l->cur + 1);
		return 1;
	case REQ_PGDN:
		move_to(ui, l, l->cur + page(l));
		l->top = l->cur - off >= 0 ? l->cur - off : 0;
		return 1;
	case REQ_PGUP:
		move_to(ui, l, l->cur - page(l));
		l->top = l->cur - off >= 0 ? l->cur - off : 0;
		return 1;
	case REQ_HOME:
		list_reload(ui, l, 1);
		return 1;
	case REQ_END:
		go_end(ui, l);
		return 1;
	case REQ_SORT:
		l->reverse = !l->reverse;
		list_reload(ui, l, 1);
		ui_message(ui, 0, "sorted %s", l->reverse ? "descending" : "ascending");
		return 1;
	case REQ_SEARCH: {
		char text[256];

		snprintf(text, sizeof text, "%s", l->filter);
		search_prepare(ui->vm);
		if (!dialog_prompt(ui, "search: ", text, sizeof text, search_changed, l)) {
			l->filter[0] = '\0';
			list_reload(ui, l, 1);
		}
		return 1;
	}
	case REQ_BACK:
		if (l->filter[0]) {
			l->filter[0] = '\0';
			list_reload(ui, l, 1);
			return 1;
		}
		return 0;
	case REQ_MARK: {
		void *row = list_current(l);

		if (row) {
			const char *k = l->ops->key(row);

			list_mark(l, k, !list_marked(l, k));
			move_to(ui, l, l->cur + 1);
		}
		return 1;
	}
	case REQ_MARK_PATTERN:
		mark_pattern(ui, l);
		return 1;
	case REQ_UNMARK_ALL:
		list_unmark_all(l);
		ui->dirty = 1;
		return 1;
	case REQ_REFRESH:
		list_reload(ui, l, 0);
		return 1;
	default:
		return 0;
	}
}

/* ---- columns ---- */

const char *list_col_yes_no(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return *(const int *)((const char *)row + c->field) ? "yes" : "no";
}

const char *list_col_chars(const struct list_column *c, const void *row, char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return (const char *)row + c->field;
}

const char *list_col_string(const struct list_column *c, const void *row, char *buf, size_t len)
{
	const char *s = *(const char *const *)(const void *)((const char *)row + c->field);

	(void)buf;
	(void)len;
	return s ? s : "";
}

int list_col_dim_off(struct ui *ui, const struct list_column *c, const void *row, int attr)
{
	int on = *(const int *)((const char *)row + c->field);

	return on || attr == ui->attrs[UIC_CURSOR] ? attr : ui->attrs[UIC_DISABLED];
}

/* The width of column c in a list w columns wide, `used` taken before it. */
static int column_width(const struct list_column *c, int w, int used)
{
	if (c->width_of)
		return c->width_of(w);
	if (c->width == LIST_REST)
		return w - used > 0 ? w - used : 0;
	return c->width;
}

static void draw_row(struct ui *ui, struct list *l, const void *row, int y, int x, int w, int attr)
{
	char buf[2048];
	int used = 0;

	for (int i = 0; i < l->ops->ncolumns; i++) {
		const struct list_column *c = &l->ops->columns[i];
		int cw = column_width(c, w, used), a = c->attr ? c->attr(ui, c, row, attr) : attr;

		if (c->draw)
			c->draw(ui, row, y, x + used, cw, a);
		else
			draw_cell(ui, y, x + used, c->text(c, row, buf, sizeof buf), cw, a, c->right);
		used += cw + !c->tight;
	}
}

/* The titles where draw_row puts the cells, after the cursor's two columns. */
static const char *header(struct list *l, int w, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "  ");
	int used = 0;

	for (int i = 0; i < l->ops->ncolumns && n < len; i++) {
		const struct list_column *c = &l->ops->columns[i];
		int cw = column_width(c, w, used);
		int k = snprintf(buf + n, len - n, c->right ? "%*s%s" : "%-*s%s", cw, c->title,
				 c->tight || i + 1 == l->ops->ncolumns ? "" : " ");

		if (k < 0)
			break;
		n += (size_t)k;
		used += cw + !c->tight;
	}
	return buf;
}

void list_draw(struct ui *ui, struct list *l, int y0, int h, int w)
{
	char hb[1024];

	l->height = h - 1 > 1 ? h - 1 : 1;
	if (l->top > l->cur)
		l->top = l->cur;
	if (l->cur >= l->top + l->height)
		l->top = l->cur - l->height + 1;
	draw_cell(ui, y0, 0, header(l, w - 2, hb, sizeof hb), w, ui->attrs[UIC_HEADER], 0);
	for (int i = 0; i < l->height; i++) {
		int idx = l->top + i, y = y0 + 1 + i;

		move(y, 0);
		clrtoeol();
		if (idx < 0 || (size_t)idx >= l->n)
			continue;
		{
			void *row = list_row(l, idx);
			int marked = list_marked(l, l->ops->key(row));
			int attr = idx == l->cur ? ui->attrs[UIC_CURSOR]
				   : marked      ? ui->attrs[UIC_MARKED]
						 : ui->attrs[UIC_NORMAL];

			/* visible without colour too: '>' the cursor, '*' a mark */
			draw_cell(ui, y, 0, idx == l->cur ? (marked ? ">*" : "> ") : (marked ? " *" : " "), 2, attr, 0);
			draw_row(ui, l, row, y, 2, w - 2, attr);
		}
	}
	if (l->n == 0 && l->loaded)
		draw_text(ui, y0 + 1, 2, l->filter[0] ? "(nothing matches the search)" : "(none)", w - 2,
			  ui->attrs[UIC_INFO]);
}

/* ---- marks: a sorted array of keys ---- */

static int find_mark(const struct list *l, const char *key, size_t *pos)
{
	size_t lo = 0, hi = l->nmarks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->marks[mid], key);

		if (c == 0) {
			*pos = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return 0;
}

int list_marked(const struct list *l, const char *key)
{
	size_t pos;

	return l->nmarks && find_mark(l, key, &pos);
}

void list_mark(struct list *l, const char *key, int on)
{
	size_t pos;
	int found = find_mark(l, key, &pos);

	if (on && !found) {
		l->marks = xreallocarray(l->marks, l->nmarks + 1, sizeof *l->marks);
		memmove(&l->marks[pos + 1], &l->marks[pos], (l->nmarks - pos) * sizeof *l->marks);
		l->marks[pos] = xstrdup(key);
		l->nmarks++;
	} else if (!on && found) {
		free(l->marks[pos]);
		memmove(&l->marks[pos], &l->marks[pos + 1], (l->nmarks - pos - 1) * sizeof *l->marks);
		l->nmarks--;
	}
}

void list_unmark_all(struct list *l)
{
	for (size_t i = 0; i < l->nmarks; i++)
		free(l->marks[i]);
	free(l->marks);
	l->marks = NULL;
	l->nmarks = 0;
}

const char **list_targets(struct list *l, size_t *n)
{
	const char **t;
	void *row = list_current(l);

	if (l->nmarks) {
		t = xcalloc(l->nmarks, sizeof *t);
		for (size_t i = 0; i < l->nmarks; i++)
			t[i] = l->marks[i];
		*n = l->nmarks;
		return t;
	}
	*n = row ? 1 : 0;
	t = xcalloc(1, sizeof *t);
	if (row)
		t[0] = l->ops->key(row);
	return t;
}
