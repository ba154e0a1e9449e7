/* SPDX-License-Identifier: MIT */
/* keys.c: the console requests' names and help, and the default key
 * bindings as one data table (the help screen is generated from it). */
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static const struct {
	const char *name, *help;
} reqs[] = {
#define X(e, n, h) {n, h},
	REQ_LIST(X)
#undef X
};

const char *req_name(enum req r)
{
	return r >= 0 && r < REQ_COUNT ? reqs[r].name : "?";
}

const char *req_help(enum req r)
{
	return r >= 0 && r < REQ_COUNT ? reqs[r].help : "";
}

#define CTRL(c) ((c)&0x1f)

/* Default bindings: tig/mutt habits (j/k, PgUp/PgDn, / to search, space to
 * mark). A key not listed here does nothing. */
static const struct binding {
	int key;
	enum req req;
	const char *label;
} bindings[] = {
	{'q', REQ_QUIT, "q"},
	{27, REQ_BACK, "Esc"},
	{KEY_LEFT, REQ_BACK, "Left"},
	{'\n', REQ_ENTER, "Enter"},
	{'\r', REQ_ENTER, NULL},
	{KEY_ENTER, REQ_ENTER, NULL},
	{KEY_RIGHT, REQ_ENTER, "Right"},
	{KEY_UP, REQ_UP, "Up"},
	{'k', REQ_UP, "k"},
	{KEY_DOWN, REQ_DOWN, "Down"},
	{'j', REQ_DOWN, "j"},
	{KEY_PPAGE, REQ_PGUP, "PgUp"},
	{CTRL('b'), REQ_PGUP, "^B"},
	{KEY_NPAGE, REQ_PGDN, "PgDn"},
	{CTRL('f'), REQ_PGDN, "^F"},
	{KEY_HOME, REQ_HOME, "Home"},
	{'g', REQ_HOME, "g"},
	{KEY_END, REQ_END, "End"},
	{'G', REQ_END, "G"},
	{'\t', REQ_NEXT_TAB, "Tab"},
	{'1', REQ_VIEW_DOMAINS, "1"},
	{'2', REQ_VIEW_MAILBOXES, "2"},
	{'3', REQ_VIEW_ALIASES, "3"},
	{'4', REQ_VIEW_DOMAINALIASES, "4"},
	{'5', REQ_VIEW_OPS, "5"},
	{'6', REQ_VIEW_AUDIT, "6"},
	{'7', REQ_VIEW_STORE, "7"},
	{'?', REQ_HELP, "?"},
	{KEY_F(1), REQ_HELP, "F1"},
	{'/', REQ_SEARCH, "/"},
	{'o', REQ_SORT, "o"},
	{' ', REQ_MARK, "Space"},
	{'*', REQ_MARK_PATTERN, "*"},
	{'u', REQ_UNMARK_ALL, "u"},
	{'a', REQ_ADD, "a"},
	{KEY_IC, REQ_ADD, "Ins"},
	{'e', REQ_EDIT, "e"},
	{'d', REQ_DELETE, "d"},
	{KEY_DC, REQ_DELETE, "Del"},
	{'R', REQ_RENAME, "R"},
	{'+', REQ_ENABLE, "+"},
	{'-', REQ_DISABLE, "-"},
	{'Q', REQ_SET_QUOTA, "Q"},
	{'M', REQ_MAPS_GENERATE, "M"},
	{'X', REQ_OPS_RUN, "X"},
	{'C', REQ_QUOTA_RECALC, "C"},
	{'r', REQ_REFRESH, "r"},
	{KEY_F(5), REQ_REFRESH, "F5"},
	{CTRL('l'), REQ_REDRAW, "^L"},
};

enum req keys_lookup(int ch)
{
	for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++)
		if (bindings[i].key == ch)
			return bindings[i].req;
	return REQ_NONE;
}

const char *keys_for(enum req r, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++) {
		if (bindings[i].req != r || !bindings[i].label)
			continue;
		int k = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", bindings[i].label);

		if (k < 0 || (size_t)k >= len - used)
			break;
		used += (size_t)k;
	}
	return buf;
}

int req_writes(enum req r)
{
	switch (r) {
	case REQ_ADD:
	case REQ_EDIT:
	case REQ_DELETE:
	case REQ_RENAME:
	case REQ_ENABLE:
	case REQ_DISABLE:
	case REQ_SET_QUOTA:
	case REQ_MAPS_GENERATE:
	case REQ_OPS_RUN:
	case REQ_QUOTA_RECALC:
		return 1;
	default:
		return 0;
	}
}
