/* SPDX-License-Identifier: MIT */
/* output.c: text and JSON row output with escaping (see output.h). */
#include "core/output.h"

#include <string.h>

/* Length of a valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static int utf8_seq(const unsigned char *p)
{
	int n, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2)
		n = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates and code points past U+10FFFF are
	 * not UTF-8 either (a terminal or a JSON reader may take them apart) */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) || (p[0] == 0xf0 && p[1] < 0x90) ||
	    (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	/* C1 controls U+0080..U+009F would act on some terminals */
	if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return 0;
	return n;
}

void out_safe(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = utf8_seq(p);

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
		int n = utf8_seq(p);

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
