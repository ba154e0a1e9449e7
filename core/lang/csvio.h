/* SPDX-License-Identifier: MIT */
/* csvio.h: Modoboa's CSV files (';'-separated, first field = row kind):
 * a reader that is a pure function over a buffer (so it can be fuzzed
 * without a database) and a writer.
 *
 * Reader rules: one record a line (LF or CRLF); a UTF-8 byte order mark at
 * the start is skipped; empty lines are skipped; a field that starts with
 * '"' is quoted and ends at the next lone '"' ("" inside is one quote);
 * after a closing quote only the separator or the end of the line may come.
 * A quoted field may not span lines (Modoboa never writes one, and an
 * unclosed quote would otherwise swallow the rest of the file). Refused,
 * with NAME:LINE:COLUMN and the reason: a line ending inside a quote, text
 * after a closing quote, a NUL byte, invalid UTF-8, a line over
 * CSV_LINE_MAX bytes. The file loader also names a missing file or a
 * directory. */
#ifndef VMAILADM_CSVIO_H
#define VMAILADM_CSVIO_H

#include <stddef.h>
#include <stdio.h>

#define CSV_LINE_MAX 65536

struct csv_row {
	int line; /* 1-based line of the file */
	size_t nfields;
	char **fields; /* owned, NUL-terminated */
};

struct csv_doc {
	struct csv_row *rows;
	size_t n;
};

/* Parses buf (len bytes, need not be NUL-terminated) with separator sep.
 * Returns 0, or -1 with "NAME:LINE:COLUMN: reason" in errbuf and out
 * empty. Caller frees out with csv_doc_free. */
int csv_parse(const char *name, const char *buf, size_t len, char sep, struct csv_doc *out, char *errbuf, size_t errlen);
/* Reads path ("-" = standard input) and parses it. */
int csv_load(const char *path, char sep, struct csv_doc *out, char *errbuf, size_t errlen);
void csv_doc_free(struct csv_doc *d);

/* Writes one record: fields joined by sep, a field quoted when it holds the
 * separator, a quote, CR/LF, or starts/ends with a blank. */
void csv_write_row(FILE *out, char sep, const char *const *fields, size_t n);

#endif
