/* SPDX-License-Identifier: MIT */
/* store.c: the "Store" screen: runs `store check` (storecheck.h), lists
 * the findings, and Enter runs the selected finding's repair statement
 * after a confirmation that shows it (shell repairs are shown, never run).
 * The findings are kept in memory up to STORE_SCREEN_MAX; the statement
 * lists them all. */
#include <stdlib.h>
#include <string.h>

#include "core/mailsys/storecheck.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

#define STORE_SCREEN_MAX 5000

struct finding_row {
	enum store_kind kind;
	char *object, *detail, *repair; /* owned; repair NULL = none */
	int done;                       /* its repair ran */
};

struct store_screen {
	struct finding_row *rows;
	size_t n, cap;
	long long total;
	int cur, top, ran;
	char summary[256];
};

static void add_finding(void *ctx, const struct store_finding *f)
{
	struct store_screen *st = ctx;
	struct finding_row *r;

	st->total++;
	if (st->n >= STORE_SCREEN_MAX)
		return;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->rows = xreallocarray(st->rows, st->cap, sizeof *st->rows);
	}
	r = &st->rows[st->n++];
	r->kind = f->kind;
	r->object = xstrdup(f->object);
	r->detail = xstrdup(f->detail);
	r->repair = f->repair ? xstrdup(f->repair) : NULL;
	r->done = 0;
}

static void clear_rows(struct store_screen *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->rows[i].object);
		free(st->rows[i].detail);
		free(st->rows[i].repair);
	}
	st->n = 0;
	st->total = 0;
	st->cur = st->top = 0;
}

static void run_check(struct ui *ui, struct store_screen *st)
{
	struct store_check_opts o = {0};
	struct store_check_summary sum;
	struct vm_error err = {0};

	clear_rows(st);
	st->ran = 1;
	if (!ui_db_ready(ui))
		return;
	o.emit = add_finding;
	o.ctx = st;
	if (store_check(ui->vm, &o, &sum, &err) != VM_OK) {
		snprintf(st->summary, sizeof st->summary, "the check failed");
		ui_error(ui, "store check", &err);
		return;
	}
	snprintf(st->summary, sizeof st->summary, "%lld finding(s); %lld home(s) on disk, %lld mailbox(es)%s",
		 sum.findings, sum.homes, sum.mailboxes,
		 st->total > (long long)st->n ? " (the first ones shown: `vmailadm store check` lists all)" : "");
	if (store_summary_save(ui->vm, &sum, &err) != VM_OK)
		ui_error(ui, "keeping the summary", &err);
	ui->dirty = 1;
}

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct store_screen *st = s->data;
	int list_h = h - 4, kw = 16, ow = w / 3;
	char line[512];

	if (!st->ran)
		run_check(ui, st);
	snprintf(line, sizeof line, " %s   Enter: repair the selected finding   r: run again", st->summary);
	draw_cell(ui, y0, 0, line, w, ui->attrs[UIC_INFO], 0);
	snprintf(line, sizeof line, "  %-*s %-*s %s", kw, "KIND", ow, "OBJECT", "DETAIL");
	draw_cell(ui, y0 + 1, 0, line, w, ui->attrs[UIC_HEADER], 0);
	if (list_h < 1)
		return;
	if (st->cur < st->top)
		st->top = st->cur;
	if (st->cur >= st->top + list_h)
		st->top = st->cur - list_h + 1;
	for (int i = 0; i < list_h; i++) {
		int r = st->top + i, y = y0 + 2 + i, attr;
		const struct finding_row *f;

		if (r >= (int)st->n) {
			draw_cell(ui, y, 0, "", w, ui->attrs[UIC_NORMAL], 0);
			continue;
		}
		f = &st->rows[r];
		attr = r == st->cur ? ui->attrs[UIC_CURSOR] : f->done ? ui->attrs[UIC_DISABLED] : ui->attrs[UIC_NORMAL];
		draw_cell(ui, y, 0, "", 2, attr, 0);
		draw_cell(ui, y, 2, store_kind_name(f->kind), kw, attr, 0);
		draw_cell(ui, y, 3 + kw, f->object, ow, attr, 0);
		draw_cell(ui, y, 4 + kw + ow, f->done ? "(repaired)" : f->detail, w - (4 + kw + ow), attr, 0);
	}
	if (st->n) {
		const struct finding_row *f = &st->rows[st->cur];

		draw_cell(ui, y0 + h - 2, 0, f->detail, w, ui->attrs[UIC_INFO], 0);
		snprintf(line, sizeof line, "repair: %s", f->repair ? f->repair : "- (look at it by hand)");
		draw_cell(ui, y0 + h - 1, 0, line, w, ui->attrs[UIC_INFO], 0);
	} else {
		draw_cell(ui, y0 + 2, 2, st->ran ? "the store agrees with the database" : "", w - 2,
			  ui->attrs[UIC_NORMAL], 0);
	}
}

/* Runs the selected finding's repair when it is a statement, after the
 * confirmation. */
static void repair(struct ui *ui, struct store_screen *st)
{
	struct finding_row *f;
	struct stmt s;
	struct vm_error err = {0};
	char q[1200], ebuf[256];
	int ecol = 0;

	if (!st->n)
		return;
	f = &st->rows[st->cur];
	if (f->done) {
		ui_message(ui, 0, "already repaired (r runs the check again)");
		return;
	}
	if (!f->repair) {
		ui_message(ui, 1, "no repair to run: look at it by hand");
		return;
	}
	if (stmt_parse_line(f->repair, strlen(f->repair), 0, &s, &ecol, ebuf, sizeof ebuf) != 0)
		return;
	if (s.nwords < 2 || action_find(s.words[0], s.words[1]) < 0) {
		ui_message(ui, 0, "a shell command, to run yourself as [mail] owner: %s", f->repair);
		stmt_free(&s);
		return;
	}
	if (ui->vm->read_only) {
		ui_message(ui, 1, "read-only session: the repair is not available");
		stmt_free(&s);
		return;
	}
	snprintf(q, sizeof q, "Run this statement?\n\n  %s\n\n(y/n)", f->repair);
	if (dialog_ask(ui, "Repair", q, "y") == 'y') {
		if (ui_exec(ui, s.nwords, (const char *const *)s.words, &err) == VM_OK) {
			f->done = 1;
			ui_message(ui, 0, "done: %s", f->repair);
		} else {
			ui_error(ui, "repair", &err);
		}
		vm_changes_clear(ui->vm);
	}
	stmt_free(&s);
	ui->dirty = 1;
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct store_screen *st = s->data;
	int page = ui->lines > 10 ? ui->lines - 8 : 1;

	(void)ch;
	switch (r) {
	case REQ_UP:
		st->cur = st->cur > 0 ? st->cur - 1 : 0;
		break;
	case REQ_DOWN:
		st->cur = st->cur + 1 < (int)st->n ? st->cur + 1 : st->cur;
		break;
	case REQ_PGUP:
		st->cur = st->cur > page ? st->cur - page : 0;
		break;
	case REQ_PGDN:
		st->cur = st->cur + page < (int)st->n ? st->cur + page : (st->n ? (int)st->n - 1 : 0);
		break;
	case REQ_HOME:
		st->cur = 0;
		break;
	case REQ_END:
		st->cur = st->n ? (int)st->n - 1 : 0;
		break;
	case REQ_ENTER:
		repair(ui, st);
		break;
	case REQ_REFRESH:
		run_check(ui, st);
		break;
	default:
		return 0;
	}
	ui->dirty = 1;
	return 1;
}

static void close_fn(struct screen *s)
{
	struct store_screen *st = s->data;

	clear_rows(st);
	free(st->rows);
	free(st);
}

static int action_for(const struct screen_ops *ops, enum req r)
{
	(void)ops;
	return r == REQ_VIEW_STORE ? ACTION_STORE_CHECK : -1;
}

static const struct screen_ops store_ops = {
	.name = "Store",
	.view = REQ_VIEW_STORE,
	.draw = draw,
	.key = key_fn,
	.close = close_fn,
	.action_for = action_for,
};

struct screen *screen_store_new(struct ui *ui)
{
	struct screen *s = xcalloc(1, sizeof *s);

	(void)ui;
	s->ops = &store_ops;
	s->data = xcalloc(1, sizeof(struct store_screen));
	snprintf(s->title, sizeof s->title, "Store: the database held against [mail] root");
	return s;
}
