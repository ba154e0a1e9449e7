/* SPDX-License-Identifier: MIT */
/* stmt.c: reads statement lines and script files (see stmt.h). */
#include "core/lang/stmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/readfile.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

static void add_word(struct stmt *s, const char *w, size_t wl, int col)
{
	s->words = xreallocarray(s->words, (size_t)s->nwords + 1, sizeof *s->words);
	s->cols = xreallocarray(s->cols, (size_t)s->nwords + 1, sizeof *s->cols);
	s->words[s->nwords] = xstrndup(w, wl);
	s->cols[s->nwords] = col;
	s->nwords++;
}

int stmt_parse_line(const char *line, size_t len, int lineno, struct stmt *out, int *errcol, char *errbuf, size_t errlen)
{
	char *word = xmalloc(len + 1);
	size_t wl = 0, i = 0;
	int in_word = 0, word_col = 0;

	memset(out, 0, sizeof *out);
	out->line = lineno;
	if (len > STMT_LINE_MAX) {
		*errcol = 1;
		snprintf(errbuf, errlen, "line is too long (%zu bytes, at most %d)", len, STMT_LINE_MAX);
		goto fail;
	}
	/* the whole line is checked first, so the column points at the byte */
	for (size_t k = 0; k < len;) {
		size_t n;

		if (line[k] == '\0') {
			*errcol = (int)k + 1;
			snprintf(errbuf, errlen, "NUL byte in line");
			goto fail;
		}
		n = utf8_seq((const unsigned char *)line + k, len - k);
		if (!n) {
			*errcol = (int)k + 1;
			snprintf(errbuf, errlen, "invalid UTF-8");
			goto fail;
		}
		k += n;
	}
	while (i < len) {
		char c = line[i];

		if (c == ' ' || c == '\t' || c == '\r') {
			if (in_word) {
				add_word(out, word, wl, word_col);
				wl = 0;
				in_word = 0;
			}
			i++;
			continue;
		}
		if (c == '#' && !in_word)
			break;
		if (!in_word) {
			in_word = 1;
			word_col = (int)i + 1;
		}
		if (c == '\'') {
			size_t start = i++;

			while (i < len && line[i] != '\'')
				word[wl++] = line[i++];
			if (i >= len) {
				*errcol = (int)start + 1;
				snprintf(errbuf, errlen, "the line ends inside a '...' quote");
				goto fail;
			}
			i++;
		} else if (c == '"') {
			size_t start = i++;

			while (i < len && line[i] != '"') {
				if (line[i] == '\\' && i + 1 < len && strchr("\"\\$`", line[i + 1]))
					i++;
				word[wl++] = line[i++];
			}
			if (i >= len) {
				*errcol = (int)start + 1;
				snprintf(errbuf, errlen, "the line ends inside a \"...\" quote");
				goto fail;
			}
			i++;
		} else if (c == '\\') {
			if (i + 1 >= len) {
				*errcol = (int)i + 1;
				snprintf(errbuf, errlen, "the line ends with a backslash");
				goto fail;
			}
			word[wl++] = line[i + 1];
			i += 2;
		} else {
			word[wl++] = c;
			i++;
		}
	}
	if (in_word)
		add_word(out, word, wl, word_col);
	free(word);
	return 0;
fail:
	free(word);
	stmt_free(out);
	return -1;
}

void stmt_from_argv(struct stmt *out, int argc, const char *const *argv)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < argc; i++)
		add_word(out, argv[i], strlen(argv[i]), 0);
}

void stmt_free(struct stmt *s)
{
	for (int i = 0; i < s->nwords; i++)
		free(s->words[i]);
	free(s->words);
	free(s->cols);
	memset(s, 0, sizeof *s);
}

int script_parse(const char *name, const char *text, size_t len, struct script *out, char *errbuf, size_t errlen)
{
	size_t pos = 0;
	int lineno = 0;

	memset(out, 0, sizeof *out);
	out->name = xstrdup(name);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct stmt s;
		int col = 0;
		char reason[256];

		lineno++;
		if (stmt_parse_line(text + pos, ll, lineno, &s, &col, reason, sizeof reason) != 0) {
			snprintf(errbuf, errlen, "%s:%d:%d: %s", name, lineno, col, reason);
			script_free(out);
			return -1;
		}
		if (s.nwords > 0) {
			out->stmts = xreallocarray(out->stmts, out->n + 1, sizeof *out->stmts);
			out->stmts[out->n++] = s;
		} else {
			stmt_free(&s);
		}
		pos += ll + 1;
	}
	return 0;
}

int script_load(const char *path, struct script *out, char *errbuf, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (read_whole_file(path, "a script file", &buf, &len, errbuf, errlen) != 0)
		return -1;
	rc = script_parse(read_file_name(path), buf ? buf : "", len, out, errbuf, errlen);
	free(buf);
	return rc;
}

void script_free(struct script *s)
{
	for (size_t i = 0; i < s->n; i++)
		stmt_free(&s->stmts[i]);
	free(s->stmts);
	free(s->name);
	memset(s, 0, sizeof *s);
}
