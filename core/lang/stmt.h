/* SPDX-License-Identifier: MIT */
/* stmt.h: the statement language's reader (DESIGN.md "Statement language").
 *
 * One statement a line; '#' at the start of a word begins a comment; words
 * are split at blanks with shell-like quoting: '...' keeps everything
 * literally, "..." keeps everything but \" \\ \$ \` (escaped), and a
 * backslash outside quotes keeps the next character. A whole file is read
 * and parsed before anything runs; errors name FILE:LINE:COLUMN and the
 * reason: a line ending inside a quote, a NUL byte, invalid UTF-8, a line
 * over STMT_LINE_MAX bytes, a file that is missing or is a directory. */
#ifndef VMAILADM_STMT_H
#define VMAILADM_STMT_H

#include <stddef.h>

#define STMT_LINE_MAX 65536

struct stmt {
	int line; /* 1-based; 0 for a statement from the command line */
	int nwords;
	char **words; /* owned */
	int *cols;    /* 1-based column of each word */
};

struct script {
	char *name; /* file name as given, "-" shown as "<stdin>" */
	struct stmt *stmts;
	size_t n;
};

/* Parses one line (without its newline). On error returns -1 and writes
 * "COLUMN: reason" parts: *errcol and errbuf. An empty or comment-only line
 * gives nwords = 0. */
int stmt_parse_line(const char *line, size_t len, int lineno, struct stmt *out, int *errcol, char *errbuf, size_t errlen);
/* A statement from argv words (already split by the shell). */
void stmt_from_argv(struct stmt *out, int argc, const char *const *argv);
void stmt_free(struct stmt *s);

/* Parses text as a whole script; on error returns -1 with
 * "NAME:LINE:COLUMN: reason" in errbuf, and out is empty. */
int script_parse(const char *name, const char *text, size_t len, struct script *out, char *errbuf, size_t errlen);
/* Reads path ("-" = standard input) and parses it. */
int script_load(const char *path, struct script *out, char *errbuf, size_t errlen);
void script_free(struct script *s);

#endif
