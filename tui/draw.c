/* SPDX-License-Identifier: MIT */
/* draw.c: colour roles and themes, and drawing data safely: UTF-8 decoded
 * to wide characters, control characters and invalid bytes escaped, so
 * nothing read from the database reaches the terminal raw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/ui.h"

/* One theme: the colour pair (foreground, background) and attributes of each
 * role; -1 = the terminal's default colour. */
static const struct theme_entry {
	enum uic role;
	short fg, bg;
	int attr;
} theme_default[] = {
	{UIC_NORMAL, -1, -1, A_NORMAL},
	{UIC_TITLE, COLOR_CYAN, -1, A_BOLD},
	{UIC_TAB, COLOR_WHITE, COLOR_BLUE, A_NORMAL},
	{UIC_TAB_ACTIVE, COLOR_BLACK, COLOR_CYAN, A_BOLD},
	{UIC_HEADER, COLOR_YELLOW, -1, A_BOLD},
	{UIC_CURSOR, COLOR_BLACK, COLOR_GREEN, A_NORMAL},
	{UIC_MARKED, COLOR_MAGENTA, -1, A_BOLD},
	{UIC_DISABLED, COLOR_RED, -1, A_NORMAL},
	{UIC_QUOTA_OK, COLOR_GREEN, -1, A_NORMAL},
	{UIC_QUOTA_WARN, COLOR_YELLOW, -1, A_BOLD},
	{UIC_QUOTA_CRIT, COLOR_RED, -1, A_BOLD},
	{UIC_PENDING, COLOR_YELLOW, -1, A_BOLD},
	{UIC_STATUS, COLOR_WHITE, COLOR_BLUE, A_NORMAL},
	{UIC_ERROR, COLOR_WHITE, COLOR_RED, A_BOLD},
	{UIC_INFO, COLOR_GREEN, -1, A_NORMAL},
	{UIC_FIELD, -1, -1, A_UNDERLINE},
	{UIC_ESCAPED, COLOR_MAGENTA, -1, A_NORMAL},
};

/* The monochrome fallback (TERM=vt100, NO_COLOR): attributes only. */
static const int theme_mono[UIC_COUNT] = {
	[UIC_NORMAL] = A_NORMAL,
	[UIC_TITLE] = A_BOLD,
	[UIC_TAB] = A_NORMAL,
	[UIC_TAB_ACTIVE] = A_REVERSE,
	[UIC_HEADER] = A_BOLD,
	[UIC_CURSOR] = A_REVERSE,
	[UIC_MARKED] = A_BOLD,
	[UIC_DISABLED] = A_DIM,
	[UIC_QUOTA_OK] = A_NORMAL,
	[UIC_QUOTA_WARN] = A_BOLD,
	[UIC_QUOTA_CRIT] = A_BOLD | A_UNDERLINE,
	[UIC_PENDING] = A_BOLD,
	[UIC_STATUS] = A_REVERSE,
	[UIC_ERROR] = A_BOLD | A_REVERSE,
	[UIC_INFO] = A_NORMAL,
	[UIC_FIELD] = A_UNDERLINE,
	[UIC_ESCAPED] = A_BOLD,
};

void draw_init_colors(struct ui *ui)
{
	const char *nc = getenv("NO_COLOR");

	ui->color = has_colors() && !(nc && *nc);
	if (ui->color && start_color() == ERR)
		ui->color = 0;
	if (!ui->color) {
		for (int i = 0; i < UIC_COUNT; i++)
			ui->attrs[i] = theme_mono[i];
		return;
	}
	use_default_colors();
	for (size_t i = 0; i < sizeof theme_default / sizeof *theme_default; i++) {
		const struct theme_entry *t = &theme_default[i];
		short pair = (short)(t->role + 1);

		init_pair(pair, t->fg, t->bg);
		ui->attrs[t->role] = (int)COLOR_PAIR(pair) | t->attr;
	}
}

/* Decodes one character of s; returns its length in bytes, 0 at the end,
 * and -1 for an invalid or control byte (shown escaped). */
static int next_char(const char *s, wchar_t *wc, mbstate_t *ps)
{
	size_t k;

	if (!*s)
		return 0;
	if ((unsigned char)*s < 0x20 || *s == 0x7f)
		return -1;
	k = mbrtowc(wc, s, strlen(s), ps);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		memset(ps, 0, sizeof *ps);
		return -1;
	}
	/* C1 controls (U+0080..U+009F) and characters the terminal cannot show */
	if ((*wc >= 0x80 && *wc < 0xa0) || wcwidth(*wc) < 0)
		return -(int)k - 1;
	return (int)k;
}

static int draw_or_measure(struct ui *ui, int y, int x, const char *s, int w, int attr, int draw)
{
	mbstate_t ps;
	int used = 0;

	memset(&ps, 0, sizeof ps);
	if (draw)
		move(y, x);
	while (*s && used < w) {
		wchar_t wc = 0;
		int k = next_char(s, &wc, &ps);

		if (k > 0) {
			int cw = wcwidth(wc);

			if (used + cw > w)
				break;
			if (draw) {
				cchar_t cc;
				wchar_t str[2] = {wc, 0};

				setcchar(&cc, str, (attr_t)attr, (short)PAIR_NUMBER(attr), NULL);
				add_wch(&cc);
			}
			used += cw;
			s += k;
		} else {
			/* escaped: every byte of it as \xNN */
			int nbytes = k == -1 ? 1 : -k - 1;

			for (int b = 0; b < nbytes && *s; b++, s++) {
				char esc[8];

				snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)*s);
				if (used + 4 > w) {
					used = w;
					break;
				}
				if (draw) {
					attrset(ui ? ui->attrs[UIC_ESCAPED] : (int)A_BOLD);
					addstr(esc);
					attrset(attr);
				}
				used += 4;
			}
		}
	}
	return used;
}

int draw_text(struct ui *ui, int y, int x, const char *s, int w, int attr)
{
	int n;

	if (w <= 0 || !s)
		return 0;
	attrset(attr);
	n = draw_or_measure(ui, y, x, s, w, attr, 1);
	attrset(A_NORMAL);
	return n;
}

int text_width(const char *s)
{
	return draw_or_measure(NULL, 0, 0, s, 1 << 30, 0, 0);
}

void draw_cell(struct ui *ui, int y, int x, const char *s, int w, int attr, int right)
{
	int tw, n;

	if (w <= 0)
		return;
	tw = text_width(s);
	if (tw > w)
		tw = w;
	attrset(attr);
	mvhline(y, x, ' ', w);
	n = draw_text(ui, y, right ? x + w - tw : x, s, w, attr);
	(void)n;
	attrset(A_NORMAL);
}

const char *fmt_bytes(long long b, char *buf, size_t len)
{
	static const char units[] = "BKMGTP";
	double v = (double)b;
	int u = 0;

	if (b < 0) {
		snprintf(buf, len, "!%lld", b);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lldB", b);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}

void draw_usage(struct ui *ui, int y, int x, int w, long long used, int quota_mb, int attr_base)
{
	char txt[32];
	int bar = w - 6, filled, pct, role;

	if (w < 6)
		return;
	if (used < 0) {
		/* a negative figure (e.g. left by a broken trigger) is flagged, not hidden */
		draw_cell(ui, y, x, "bad usage", w, ui->attrs[UIC_QUOTA_CRIT], 0);
		return;
	}
	if (quota_mb <= 0) {
		draw_cell(ui, y, x, "unlimited", w, attr_base, 0);
		return;
	}
	pct = (int)(used * 100 / ((long long)quota_mb * 1048576));
	role = pct >= 95 ? UIC_QUOTA_CRIT : pct >= 80 ? UIC_QUOTA_WARN : UIC_QUOTA_OK;
	filled = pct >= 100 ? bar : pct * bar / 100;
	attrset(attr_base);
	mvaddch(y, x, '[');
	attrset(attr_base == ui->attrs[UIC_CURSOR] ? attr_base : ui->attrs[role]);
	for (int i = 0; i < bar - 2; i++)
		addch(i < filled * (bar - 2) / (bar > 0 ? bar : 1) ? '#' : ' ');
	attrset(attr_base);
	addch(']');
	snprintf(txt, sizeof txt, "%3d%%", pct > 999 ? 999 : pct);
	draw_cell(ui, y, x + bar, txt, 6, attr_base == ui->attrs[UIC_CURSOR] ? attr_base : ui->attrs[role], 1);
}
