/* SPDX-License-Identifier: MIT */
/* output.c: text and JSON row output with escaping (see output.h). */
#include "lib/output.h"

#include <string.h>

#include "lib/utf8.h"

void out_safe(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = (int)utf8_shown_seq(p);

		if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			fprintf(out, "\\x%02x", *p);
			p++;
		} else if (n == 1 && *p == '\\') {
			fputs("\\\\", out);
			p++;
		} else if (n == 0) {
			fprintf(out, "\\x%02x", *p);
			p++;
		} else {
			fwrite(p, 1, (size_t)n, out);
			p += n;
		}
	}
}

void out_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		int n = (int)utf8_shown_seq(p);

		if (n == 0) {
			fputs("\\ufffd", out); /* invalid byte: JSON must be UTF-8 */
			p++;
			continue;
		}
		if (n == 1) {
			switch (*p) {
			case '"':
				fputs("\\\"", out);
				break;
			case '\\':
				fputs("\\\\", out);
				break;
			case '\n':
				fputs("\\n", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fprintf(out, "\\u%04x", *p);
				else
					fputc(*p, out);
			}
			p++;
			continue;
		}
		fwrite(p, 1, (size_t)n, out);
		p += n;
	}
	fputc('"', out);
}

void out_table_begin(struct out_table *t, FILE *out, int json, int ncols, const char *const *cols)
{
	t->out = out;
	t->json = json;
	t->ncols = ncols;
	t->cols = cols;
	t->rows = 0;
	if (json)
		fputc('[', out);
}

void out_table_row(struct out_table *t, const char *const *vals)
{
	int i;

	if (t->json) {
		fputs(t->rows ? ",\n{" : "\n{", t->out);
		for (i = 0; i < t->ncols; i++) {
			if (i)
				fputc(',', t->out);
			out_json_string(t->out, t->cols[i]);
			fputc(':', t->out);
			if (vals[i])
				out_json_string(t->out, vals[i]);
			else
				fputs("null", t->out);
		}
		fputc('}', t->out);
	} else {
		for (i = 0; i < t->ncols; i++) {
			if (i)
				fputc('\t', t->out);
			if (vals[i])
				out_safe(t->out, vals[i]);
		}
		fputc('\n', t->out);
	}
	t->rows++;
}

void out_table_end(struct out_table *t)
{
	if (t->json)
		fputs(t->rows ? "\n]\n" : "]\n", t->out);
	fflush(t->out);
}
