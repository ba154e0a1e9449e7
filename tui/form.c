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

int form_run(struct ui *ui, struct form_spec *f)
{
	int current = 0, done = -1;
	char bottom[1024] = "";

	while (done < 0) {
		int lw = label_width(f), x0 = 2, y0 = 3, fx = x0 + lw + 2;
		int fw = COLS - fx - 2 > 60 ? 60 : COLS - fx - 2;
		FIELD **fields = xcalloc((size_t)f->nfields + 1, sizeof *fields);
		FORM *form;
		WINDOW *sub;
		int rebuild = 0;

		if (fw < 8)
			fw = 8;
		for (int i = 0; i < f->nfields; i++) {
			struct form_field *ff = &f->fields[i];

			fields[i] = new_field(1, ff->width > 0 && ff->width < fw ? ff->width : fw, y0 + i * 2, fx, 0, 0);
			field_opts_off(fields[i], O_AUTOSKIP | O_BLANK);
			if (ff->width <= 0 || ff->width >= fw)
				field_opts_off(fields[i], O_STATIC);
			set_max_field(fields[i], (int)sizeof ff->value - 1);
			if (ff->hidden)
				field_opts_off(fields[i], O_PUBLIC);
			if (ff->readonly)
				field_opts_off(fields[i], O_EDIT | O_ACTIVE);
			set_field_back(fields[i], (chtype)ui->attrs[UIC_FIELD]);
			set_field_buffer(fields[i], 0, ff->value);
		}
		form = new_form(fields);
		sub = derwin(stdscr, LINES - 2, COLS, 0, 0);
		set_form_win(form, stdscr);
		set_form_sub(form, sub);
		ui_draw(ui);
		for (int y = 1; y < LINES - 2; y++) {
			move(y, 0);
			clrtoeol();
		}
		post_form(form);
		if (current < f->nfields && !f->fields[current].readonly)
			set_current_field(form, fields[current]);
		curs_set(1);
		while (!rebuild && done < 0) {
			int ch;

			draw_text(ui, 1, x0, f->title, COLS - 4, ui->attrs[UIC_TITLE]);
			for (int i = 0; i < f->nfields; i++) {
				int y = y0 + i * 2;

				draw_cell(ui, y, x0, f->fields[i].label, lw, A_NORMAL, 0);
				move(y + 1, fx);
				clrtoeol();
				if (f->fields[i].error[0])
					draw_text(ui, y + 1, fx, f->fields[i].error, COLS - fx - 1, ui->attrs[UIC_ERROR]);
			}
			move(y0 + f->nfields * 2, 0);
			clrtoeol();
			draw_text(ui, y0 + f->nfields * 2, x0,
				  f->hint ? f->hint : "Enter: save   Tab/Up/Down: move   Esc: cancel", COLS - 4,
				  ui->attrs[UIC_INFO]);
			move(y0 + f->nfields * 2 + 1, 0);
			clrtoeol();
			if (bottom[0])
				draw_text(ui, y0 + f->nfields * 2 + 1, x0, bottom, COLS - 4, ui->attrs[UIC_ERROR]);
			pos_form_cursor(form);
			refresh();
			ch = ui_getch(ui);
			if (ui_signal) {
				done = 0; /* interrupted: nothing is written */
				break;
			}
			switch (ch) {
			case ERR:
				break;
			case KEY_RESIZE:
				sync_values(form, fields, f);
				current = field_index(current_field(form));
				rebuild = 1;
				break;
			case 27:
				done = 0;
				break;
			case '\t':
			case KEY_DOWN:
				form_driver(form, REQ_NEXT_FIELD);
				form_driver(form, REQ_END_LINE);
				break;
			case KEY_BTAB:
			case KEY_UP:
				form_driver(form, REQ_PREV_FIELD);
				form_driver(form, REQ_END_LINE);
				break;
			case KEY_LEFT:
				form_driver(form, REQ_PREV_CHAR);
				break;
			case KEY_RIGHT:
				form_driver(form, REQ_NEXT_CHAR);
				break;
			case KEY_HOME:
				form_driver(form, REQ_BEG_LINE);
				break;
			case KEY_END:
				form_driver(form, REQ_END_LINE);
				break;
			case KEY_BACKSPACE:
			case 127:
			case 8:
				form_driver(form, REQ_DEL_PREV);
				break;
			case KEY_DC:
				form_driver(form, REQ_DEL_CHAR);
				break;
			case CTRL('u'):
				form_driver(form, REQ_CLR_FIELD);
				break;
			case CTRL('g'):
				if (f->gen_field >= 0) {
					password_generate(f->generated, sizeof f->generated, 16);
					set_field_buffer(fields[f->gen_field], 0, f->generated);
					if (f->gen_field2 >= 0)
						set_field_buffer(fields[f->gen_field2], 0, f->generated);
					snprintf(bottom, sizeof bottom,
						 "a password was generated: it is shown once, after saving");
				}
				break;
			case '\n':
			case '\r':
			case KEY_ENTER: {
				struct vm_error err = {0};
				int bad = 0;

				sync_values(form, fields, f);
				current = field_index(current_field(form));
				bottom[0] = '\0';
				for (int i = 0; i < f->nfields; i++) {
					f->fields[i].error[0] = '\0';
					if (f->fields[i].check && f->fields[i].check(f->fields[i].value, &err) != VM_OK) {
						snprintf(f->fields[i].error, sizeof f->fields[i].error, "%.255s", err.msg);
						bad = 1;
					}
				}
				if (!bad) {
					enum vm_status st = f->submit(ui, f, f->ctx, &err);

					if (st == VM_OK) {
						done = 1;
						break;
					}
					/* an empty message: submit put it next to a field itself */
					if (err.msg[0] && !form_field_error(f, err.msg))
						snprintf(bottom, sizeof bottom, "%s", err.msg);
					/* the values shown may have been re-read (a conflict) */
					for (int i = 0; i < f->nfields; i++)
						set_field_buffer(fields[i], 0, f->fields[i].value);
				}
				break;
			}
			default:
				if (ch >= 0x20 && ch < 0x100 && ch != 0x7f)
					form_driver(form, ch);
				break;
			}
		}
		unpost_form(form);
		free_form(form);
		for (int i = 0; i < f->nfields; i++)
			free_field(fields[i]);
		free(fields);
		delwin(sub);
		curs_set(0);
	}
	/* nothing typed lingers in memory longer than needed */
	for (int i = 0; i < f->nfields; i++)
		if (f->fields[i].hidden)
			memset(f->fields[i].value, 0, sizeof f->fields[i].value);
	ui->dirty = 1;
	return done == 1;
}
