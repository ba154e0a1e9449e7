/* SPDX-License-Identifier: MIT */
/* dialog.c: a confirmation box and a one-line prompt, modal over the
 * screens (which are redrawn under them, also after a resize). */
#include <ctype.h>
#include <string.h>

#include "tui/ui.h"

int dialog_ask(struct ui *ui, const char *title, const char *text, const char *answers)
{
	for (;;) {
		int nlines = 1, w = text_width(title) + 4, h, y0, x0, ch;
		const char *p = text;

		/* measure */
		while (p) {
			const char *nl = strchr(p, '\n');
			char line[512];

			snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
			if (text_width(line) + 4 > w)
				w = text_width(line) + 4;
			nlines++;
			p = nl ? nl + 1 : NULL;
		}
		if (w > COLS - 2)
			w = COLS - 2;
		h = nlines + 2;
		y0 = (LINES - h) / 2 > 0 ? (LINES - h) / 2 : 0;
		x0 = (COLS - w) / 2 > 0 ? (COLS - w) / 2 : 0;
		ui_draw(ui);
		for (int y = 0; y < h && y0 + y < LINES; y++)
			draw_cell(ui, y0 + y, x0, "", w, ui->attrs[UIC_STATUS], 0);
		draw_text(ui, y0, x0 + 1, title, w - 2, ui->attrs[UIC_STATUS] | A_BOLD);
		p = text;
		for (int i = 0; p; i++) {
			const char *nl = strchr(p, '\n');
			char line[512];

			snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
			draw_text(ui, y0 + 2 + i, x0 + 2, line, w - 4, ui->attrs[UIC_STATUS]);
			p = nl ? nl + 1 : NULL;
		}
		refresh();
		ch = ui_getch(ui);
		if (ui_signal)
			return 0;
		if (ch == ERR || ch == KEY_RESIZE)
			continue;
		if (ch > 0 && ch < 256 && strchr(answers, tolower(ch)))
			return tolower(ch);
		ui->dirty = 1;
		return 0;
	}
}

int dialog_prompt(struct ui *ui, const char *label, char *buf, size_t len,
		  void (*on_change)(struct ui *ui, void *ctx, const char *text), void *ctx)
{
	curs_set(1);
	for (;;) {
		int y = LINES - 2, lw = text_width(label), ch;
		size_t n = strlen(buf);

		ui_draw(ui);
		move(y, 0);
		clrtoeol();
		draw_text(ui, y, 0, label, COLS, ui->attrs[UIC_TITLE]);
		draw_text(ui, y, lw, buf, COLS - lw - 1, A_NORMAL);
		move(y, lw + text_width(buf) < COLS - 1 ? lw + text_width(buf) : COLS - 1);
		refresh();
		ch = ui_getch(ui);
		if (ui_signal) {
			curs_set(0);
			return 0;
		}
		if (ch == ERR || ch == KEY_RESIZE)
			continue;
		if (ch == 27) {
			curs_set(0);
			ui->dirty = 1;
			return 0;
		}
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			curs_set(0);
			ui->dirty = 1;
			return 1;
		}
		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
			/* one UTF-8 character back */
			while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
				buf[--n] = '\0';
			if (n > 0)
				buf[--n] = '\0';
		} else if (ch == 21) { /* ^U */
			buf[0] = '\0';
		} else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && n + 1 < len) {
			buf[n++] = (char)ch;
			buf[n] = '\0';
			/* wait for the rest of a UTF-8 sequence before searching */
			if ((ch & 0xc0) == 0xc0 || (ch & 0xc0) == 0x80) {
				int need = 0;
				size_t s = n;

				while (s > 0 && ((unsigned char)buf[s - 1] & 0xc0) == 0x80)
					s--;
				if (s > 0) {
					unsigned char lead = (unsigned char)buf[s - 1];

					need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
					if ((int)(n - s + 1) < need)
						continue;
				}
			}
		} else {
			continue;
		}
		if (on_change)
			on_change(ui, ctx, buf);
	}
}
