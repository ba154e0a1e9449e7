/* SPDX-License-Identifier: MIT */
/* output.h: how statements print rows, as text or JSON, and safely.
 *
 * Text: one row per line, fields separated by a TAB (readable by people and
 * by `cut`), no header. JSON: one array of objects per list. Data never
 * reaches the terminal raw: control characters are shown as \xNN, a
 * backslash as \\ (text), or escaped per RFC 8259 (JSON). Rows are written
 * as they come, so a list of a million rows streams in constant memory. */
#ifndef VMAILADM_OUTPUT_H
#define VMAILADM_OUTPUT_H

#include <stdio.h>

/* Writes s with control characters and invalid UTF-8 bytes escaped. */
void out_safe(FILE *out, const char *s);
/* Writes s as a JSON string literal (with quotes). */
void out_json_string(FILE *out, const char *s);

struct out_table {
	FILE *out;
	int json;
	int ncols;
	const char *const *cols;
	long long rows;
};

void out_table_begin(struct out_table *t, FILE *out, int json, int ncols, const char *const *cols);
/* vals[i] NULL prints as empty text / JSON null. */
void out_table_row(struct out_table *t, const char *const *vals);
void out_table_end(struct out_table *t);

#endif
