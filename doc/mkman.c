/* SPDX-License-Identifier: MIT */
/* mkman.c: writes the manual page: doc/vmailadm.8 with its line
 * ".\" @STATEMENTS@" replaced by one entry per statement of core/lang/interp.h's
 * action table (usage and help, grouped by object in the order of the table),
 * so the manual lists what the binary built from the same table runs.
 *
 *     doc/mkman doc/vmailadm.8 > vmailadm.8
 *
 * It takes the table's strings at compile time and links nothing of the
 * program: built with the compiler of the build machine, it runs there
 * even when the package is cross-built. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/lang/interp.h"

struct entry {
	const char *object, *verb, *usage, *help;
};

static const struct entry entries[] = {
#define X(e, o, v, mn, mx, w, opts, fn, usage, help) {o, v, usage, help},
	ACTION_LIST(X)
#undef X
};
#define NENTRIES (sizeof entries / sizeof entries[0])

#define MARKER ".\\\" @STATEMENTS@"

/* Writes text escaped for roff; with placeholders set, a word written in
 * capitals (NAME, SIZE, FILE, N) is set in italics, as a man page sets what
 * the user replaces. */
static void put_text(const char *s, int placeholders)
{
	char prev = ' ';

	while (*s) {
		if (placeholders && isupper((unsigned char)*s) && !isalnum((unsigned char)prev)) {
			const char *e = s;
			int caps = 1;

			while (isalnum((unsigned char)*e) || *e == '_') {
				if (islower((unsigned char)*e))
					caps = 0;
				e++;
			}
			if (caps) {
				printf("\\fI%.*s\\fR", (int)(e - s), s);
				prev = e[-1];
				s = e;
				continue;
			}
		}
		switch (*s) {
		case '\\':
			fputs("\\e", stdout);
			break;
		case '-':
			fputs("\\-", stdout);
			break;
		default:
			putchar(*s);
		}
		prev = *s++;
	}
}

static void put_statements(void)
{
	int done[NENTRIES] = {0};

	for (size_t i = 0; i < NENTRIES; i++) {
		if (done[i])
			continue;
		printf(".SS %s\n", entries[i].object);
		for (size_t j = i; j < NENTRIES; j++) {
			const struct entry *en = &entries[j];
			const char *rest;
			size_t head = strlen(en->object) + 1 + strlen(en->verb);

			if (done[j] || strcmp(en->object, entries[i].object) != 0)
				continue;
			done[j] = 1;
			/* the usage starts with "object verb"; the rest is its words */
			rest = en->usage;
			if (strncmp(rest, en->object, strlen(en->object)) == 0 && strlen(rest) >= head)
				rest += head;
			else
				rest = "";
			printf(".TP\n\\fB%s %s\\fR", en->object, en->verb);
			if (*rest)
				put_text(rest, 1);
			fputs("\n\\&", stdout);
			put_text(en->help, 0);
			fputs(".\n", stdout);
		}
	}
}

int main(int argc, char **argv)
{
	FILE *in;
	char line[4096];
	int found = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkman TEMPLATE > PAGE\n");
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof line, in)) {
		if (strncmp(line, MARKER, strlen(MARKER)) == 0) {
			put_statements();
			found++;
		} else {
			fputs(line, stdout);
		}
	}
	fclose(in);
	if (found != 1) {
		fprintf(stderr, "mkman: %s: expected one line '%s', found %d\n", argv[1], MARKER, found);
		return 1;
	}
	return ferror(stdout) ? 1 : 0;
}
