/* SPDX-License-Identifier: MIT */
/* help.c: the help screen, generated from the request list, the key
 * bindings and, for the screen it was opened from, the statements the keys
 * run (the same names a script uses). */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "tui/ui.h"

struct help {
	int top;
	const struct screen_ops *from;
};

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct help *hp = s->data;
	int y = y0, line = 0;

	draw_cell(ui, y++, 0, "  KEYS            ACTION               WHAT IT DOES", w, ui->attrs[UIC_HEADER], 0);
	for (int r = 1; r < REQ_COUNT; r++) {
		char keys[128], what[512];
		int act = hp->from && hp->from->action_for ? hp->from->action_for(hp->from, (enum req)r) : -1;

		if (line++ < hp->top)
			continue;
		if (y >= y0 + h)
			break;
		keys_for((enum req)r, keys, sizeof keys);
		if (act >= 0)
			snprintf(what, sizeof what, "%s  [%s %s]", req_help((enum req)r),
				 action_get((enum action)act)->object, action_get((enum action)act)->verb);
		else
			snprintf(what, sizeof what, "%s%s", req_help((enum req)r),
				 ui->vm->read_only && req_writes((enum req)r) ? "  (read-only: off)" : "");
		draw_cell(ui, y, 2, keys, 15, A_NORMAL, 0);
		draw_cell(ui, y, 18, req_name((enum req)r), 20, ui->attrs[UIC_TITLE], 0);
		draw_text(ui, y, 39, what, w - 40, A_NORMAL);
		y++;
	}
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct help *hp = s->data;

	(void)ch;
	switch (r) {
	case REQ_DOWN:
	case REQ_PGDN:
		if (hp->top < REQ_COUNT - 5)
			hp->top += r == REQ_DOWN ? 1 : 10;
		ui->dirty = 1;
		return 1;
	case REQ_UP:
	case REQ_PGUP:
		hp->top -= r == REQ_UP ? 1 : 10;
		if (hp->top < 0)
			hp->top = 0;
		ui->dirty = 1;
		return 1;
	case REQ_HELP:
	case REQ_ENTER:
		ui_pop(ui);
		return 1;
	default:
		return 0;
	}
}

static void close_fn(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops help_ops = {
	.name = "Help",
	.view = REQ_HELP,
	.draw = draw,
	.key = key_fn,
	.close = close_fn,
};

struct screen *screen_help_new(struct ui *ui)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct help *hp = xcalloc(1, sizeof *hp);

	hp->from = ui->top ? ui->top->ops : NULL;
	s->ops = &help_ops;
	s->data = hp;
	snprintf(s->title, sizeof s->title, "Help: keys of the %s screen (Esc/q: back)",
		 hp->from ? hp->from->name : "console");
	return s;
}
