/* SPDX-License-Identifier: MIT */
/* form.c: create/edit forms on libform. The form is rebuilt from its
 * values after a resize, so what was typed survives; Esc leaves without
 * writing anything; the core's messages are shown next to the field they
 * name. */
#include <form.h>
#include <stdlib.h>
#include <string.h>

#include "core/password.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

#define CTRL(c) ((c)&0x1f)

static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* Copies the fields' buffers back into the spec. */
static void sync_values(FORM *form, FIELD **fields, struct form_spec *f)
{
	form_driver(form, REQ_VALIDATION);
	for (int i = 0; i < f->nfields; i++) {
		const char *b = field_buffer(fields[i], 0);

		snprintf(f->fields[i].value, sizeof f->fields[i].value, "%s", b ? b : "");
		trim_right(f->fields[i].value);
	}
}

int form_field_error(struct form_spec *f, const char *msg)
{
	for (int i = 0; i < f->nfields; i++) {
		const char *k = f->fields[i].key;

		if (k && *k && strstr(msg, k)) {
			snprintf(f->fields[i].error, sizeof f->fields[i].error, "%s", msg);
			return 1;
		}
	}
	return 0;
}

static int label_width(const struct form_spec *f)
{
	int lw = 0;

	for (int i = 0; i < f->nfields; i++)
		if (text_width(f->fields[i].label) > lw)
			lw = text_width(f->fields[i].label);
	return lw;
}

/* A form on screen: the libform objects and what the loop keeps. */
struct form_state {
	FIELD **fields;
	FORM *form;
	WINDOW *sub;
	int lw, x0, y0, fx; /* label width, the labels' column, first row, the fields' column */
	int current;        /* the field to come back to after a rebuild */
	int done;           /* -1 running, 0 cancelled, 1 submitted */
	char bottom[1024];  /* the form's own message line */
};

/* Makes the fields for the terminal's size from the values, and posts them. */
static void build_form(struct ui *ui, struct form_spec *f, struct form_state *st)
{
	int fw;

	st->lw = label_width(f);
	st->x0 = 2;
	st->y0 = 3;
	st->fx = st->x0 + st->lw + 2;
	fw = COLS - st->fx - 2 > 60 ? 60 : COLS - st->fx - 2;
	if (fw < 8)
		fw = 8;
	st->fields = xcalloc((size_t)f->nfields + 1, sizeof *st->fields);
	for (int i = 0; i < f->nfields; i++) {
		struct form_field *ff = &f->fields[i];
		FIELD *fl = new_field(1, ff->width > 0 && ff->width < fw ? ff->width : fw, st->y0 + i * 2, st->fx, 0, 0);

		field_opts_off(fl, O_AUTOSKIP | O_BLANK);
		if (ff->width <= 0 || ff->width >= fw)
			field_opts_off(fl, O_STATIC);
		set_max_field(fl, (int)sizeof ff->value - 1);
		if (ff->hidden)
			field_opts_off(fl, O_PUBLIC);
		if (ff->readonly)
			field_opts_off(fl, O_EDIT | O_ACTIVE);
		set_field_back(fl, (chtype)ui->attrs[UIC_FIELD]);
		set_field_buffer(fl, 0, ff->value);
		st->fields[i] = fl;
	}
	st->form = new_form(st->fields);
	st->sub = derwin(stdscr, LINES - 2, COLS, 0, 0);
	set_form_win(st->form, stdscr);
	set_form_sub(st->form, st->sub);
	ui_draw(ui);
	for (int y = 1; y < LINES - 2; y++) {
		move(y, 0);
		clrtoeol();
	}
	post_form(st->form);
	if (st->current < f->nfields && !f->fields[st->current].readonly)
		set_current_field(st->form, st->fields[st->current]);
	curs_set(1);
}

static void free_form_state(struct form_spec *f, struct form_state *st)
{
	unpost_form(st->form);
	free_form(st->form);
	for (int i = 0; i < f->nfields; i++)
		free_field(st->fields[i]);
	free(st->fields);
	delwin(st->sub);
	curs_set(0);
}

/* The title, labels, errors next to the fields, the hint and the message. */
static void draw_form(struct ui *ui, const struct form_spec *f, struct form_state *st)
{
	int y_end = st->y0 + f->nfields * 2;

	draw_text(ui, 1, st->x0, f->title, COLS - 4, ui->attrs[UIC_TITLE]);
	for (int i = 0; i < f->nfields; i++) {
		int y = st->y0 + i * 2;

		draw_cell(ui, y, st->x0, f->fields[i].label, st->lw, A_NORMAL, 0);
		move(y + 1, st->fx);
		clrtoeol();
		if (f->fields[i].error[0])
			draw_text(ui, y + 1, st->fx, f->fields[i].error, COLS - st->fx - 1, ui->attrs[UIC_ERROR]);
	}
	move(y_end, 0);
	clrtoeol();
	draw_text(ui, y_end, st->x0, f->hint ? f->hint : "Enter: save   Tab/Up/Down: move   Esc: cancel", COLS - 4,
		  ui->attrs[UIC_INFO]);
	move(y_end + 1, 0);
	clrtoeol();
	if (st->bottom[0])
		draw_text(ui, y_end + 1, st->x0, st->bottom, COLS - 4, ui->attrs[UIC_ERROR]);
	pos_form_cursor(st->form);
	refresh();
}

/* ^G: a generated password in the field (and its repetition). */
static void generate_password(struct form_spec *f, struct form_state *st)
{
	if (f->gen_field < 0)
		return;
	password_generate(f->generated, sizeof f->generated, 16);
	set_field_buffer(st->fields[f->gen_field], 0, f->generated);
	if (f->gen_field2 >= 0)
		set_field_buffer(st->fields[f->gen_field2], 0, f->generated);
	snprintf(st->bottom, sizeof st->bottom, "a password was generated: it is shown once, after saving");
}

/* Enter: the fields' checks, then submit; errors stay on the form. */
static void submit_form(struct ui *ui, struct form_spec *f, struct form_state *st)
{
	struct vm_error err = {0};
	int bad = 0;

	sync_values(st->form, st->fields, f);
	st->current = field_index(current_field(st->form));
	st->bottom[0] = '\0';
	for (int i = 0; i < f->nfields; i++) {
		f->fields[i].error[0] = '\0';
		if (f->fields[i].check && f->fields[i].check(f->fields[i].value, &err) != VM_OK) {
			snprintf(f->fields[i].error, sizeof f->fields[i].error, "%.255s", err.msg);
			bad = 1;
		}
	}
	if (bad)
		return;
	if (f->submit(ui, f, f->ctx, &err) == VM_OK) {
		st->done = 1;
		return;
	}
	/* an empty message: submit put it next to a field itself */
	if (err.msg[0] && !form_field_error(f, err.msg))
		snprintf(st->bottom, sizeof st->bottom, "%s", err.msg);
	/* the values shown may have been re-read (a conflict) */
	for (int i = 0; i < f->nfields; i++)
		set_field_buffer(st->fields[i], 0, f->fields[i].value);
}

/* One key; returns 1 when the form must be rebuilt (a resize). */
static int form_key(struct ui *ui, struct form_spec *f, struct form_state *st, int ch)
{
	static const struct {
		int ch, req, req2;
	} edits[] = {
		{'\t', REQ_NEXT_FIELD, REQ_END_LINE},
		{KEY_DOWN, REQ_NEXT_FIELD, REQ_END_LINE},
		{KEY_BTAB, REQ_PREV_FIELD, REQ_END_LINE},
		{KEY_UP, REQ_PREV_FIELD, REQ_END_LINE},
		{KEY_LEFT, REQ_PREV_CHAR, 0},
		{KEY_RIGHT, REQ_NEXT_CHAR, 0},
		{KEY_HOME, REQ_BEG_LINE, 0},
		{KEY_END, REQ_END_LINE, 0},
		{KEY_BACKSPACE, REQ_DEL_PREV, 0},
		{127, REQ_DEL_PREV, 0},
		{8, REQ_DEL_PREV, 0},
		{KEY_DC, REQ_DEL_CHAR, 0},
		{CTRL('u'), REQ_CLR_FIELD, 0},
	};

	for (size_t i = 0; i < sizeof edits / sizeof *edits; i++)
		if (edits[i].ch == ch) {
			form_driver(st->form, edits[i].req);
			if (edits[i].req2)
				form_driver(st->form, edits[i].req2);
			return 0;
		}
	switch (ch) {
	case ERR:
		break;
	case KEY_RESIZE:
		sync_values(st->form, st->fields, f);
		st->current = field_index(current_field(st->form));
		return 1;
	case 27:
		st->done = 0;
		break;
	case CTRL('g'):
		generate_password(f, st);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		submit_form(ui, f, st);
		break;
	default:
		if (ch >= 0x20 && ch < 0x100 && ch != 0x7f)
			form_driver(st->form, ch);
		break;
	}
	return 0;
}

int form_run(struct ui *ui, struct form_spec *f)
{
	struct form_state st;

	memset(&st, 0, sizeof st);
	st.done = -1;
	while (st.done < 0) {
		int rebuild = 0;

		build_form(ui, f, &st);
		while (!rebuild && st.done < 0) {
			int ch;

			draw_form(ui, f, &st);
			ch = ui_getch(ui);
			if (ui_signal) {
				st.done = 0; /* interrupted: nothing is written */
				break;
			}
			rebuild = form_key(ui, f, &st, ch);
		}
		free_form_state(f, &st);
	}
	/* nothing typed lingers in memory longer than needed */
	for (int i = 0; i < f->nfields; i++)
		if (f->fields[i].hidden)
			memset(f->fields[i].value, 0, sizeof f->fields[i].value);
	ui->dirty = 1;
	return st.done == 1;
}
