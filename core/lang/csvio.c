/* SPDX-License-Identifier: MIT */
/* csvio.c: Modoboa CSV reader and writer (see csvio.h). */
#include "core/lang/csvio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/readfile.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

static void row_add(struct csv_row *r, const char *s, size_t n)
{
	r->fields = xreallocarray(r->fields, r->nfields + 1, sizeof *r->fields);
	r->fields[r->nfields++] = xstrndup(s, n);
}

static void row_free(struct csv_row *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
	memset(r, 0, sizeof *r);
}

/* Parses one line; -1 with *col and reason on error. */
static int parse_line(const char *line, size_t len, char sep, struct csv_row *row, char *field, size_t *col,
		      const char **reason)
{
	size_t i = 0;

	for (size_t k = 0; k < len;) {
		size_t n;

		if (line[k] == '\0') {
			*col = k + 1;
			*reason = "NUL byte in line";
			return -1;
		}
		if (!(n = utf8_seq((const unsigned char *)line + k, len - k))) {
			*col = k + 1;
			*reason = "invalid UTF-8";
			return -1;
		}
		k += n;
	}
	for (;;) {
		size_t fl = 0;

		if (i < len && line[i] == '"') {
			size_t start = i++;

			for (;;) {
				if (i >= len) {
					*col = start + 1;
					*reason = "the line ends inside a \"...\" quote";
					return -1;
				}
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						field[fl++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				field[fl++] = line[i++];
			}
			if (i < len && line[i] != sep) {
				*col = i + 1;
				*reason = "text after a closing quote (quote the whole field, \"\" for a quote)";
				return -1;
			}
		} else {
			while (i < len && line[i] != sep)
				field[fl++] = line[i++];
		}
		row_add(row, field, fl);
		if (i >= len)
			return 0;
		i++; /* the separator: a field follows, maybe empty */
	}
}

int csv_parse(const char *name, const char *buf, size_t len, char sep, struct csv_doc *out, char *errbuf, size_t errlen)
{
	size_t pos = 0;
	int lineno = 0;
	char *field = NULL;

	memset(out, 0, sizeof *out);
	if (sep == '"' || sep == '\n' || sep == '\r' || sep == '\0') {
		snprintf(errbuf, errlen, "%s: the separator may not be a quote, a line end or NUL", name);
		return -1;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		size_t next = pos + ll + 1, col = 0;
		const char *reason = NULL;
		struct csv_row row = {0};

		lineno++;
		if (ll > 0 && buf[pos + ll - 1] == '\r')
			ll--;
		if (ll > CSV_LINE_MAX) {
			snprintf(errbuf, errlen, "%s:%d:1: line is too long (%zu bytes, at most %d)", name, lineno, ll,
				 CSV_LINE_MAX);
			goto fail;
		}
		if (ll == 0) {
			pos = next;
			continue;
		}
		field = xrealloc(field, ll + 1);
		row.line = lineno;
		if (parse_line(buf + pos, ll, sep, &row, field, &col, &reason) != 0) {
			row_free(&row);
			snprintf(errbuf, errlen, "%s:%d:%zu: %s", name, lineno, col, reason);
			goto fail;
		}
		out->rows = xreallocarray(out->rows, out->n + 1, sizeof *out->rows);
		out->rows[out->n++] = row;
		pos = next;
	}
	free(field);
	return 0;
fail:
	free(field);
	csv_doc_free(out);
	return -1;
}

int csv_load(const char *path, char sep, struct csv_doc *out, char *errbuf, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (read_whole_file(path, "a CSV file", &buf, &len, errbuf, errlen) != 0)
		return -1;
	rc = csv_parse(read_file_name(path), buf ? buf : "", len, sep, out, errbuf, errlen);
	free(buf);
	return rc;
}

void csv_doc_free(struct csv_doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		row_free(&d->rows[i]);
	free(d->rows);
	memset(d, 0, sizeof *d);
}

void csv_write_row(FILE *out, char sep, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = fields[i] ? fields[i] : "";
		size_t l = strlen(f);
		/* a lone empty field is quoted (an empty line is skipped on reading),
		 * and so is one starting with U+FEFF (it would be read as a BOM) */
		int quote = strchr(f, sep) || strpbrk(f, "\"\r\n") || (l && (f[0] == ' ' || f[l - 1] == ' ')) ||
			    (n == 1 && l == 0) || strncmp(f, "\xef\xbb\xbf", 3) == 0;

		if (i)
			fputc(sep, out);
		if (!quote) {
			fputs(f, out);
			continue;
		}
		fputc('"', out);
		for (; *f; f++) {
			if (*f == '"')
				fputc('"', out);
			fputc(*f, out);
		}
		fputc('"', out);
	}
	fputc('\n', out);
}
