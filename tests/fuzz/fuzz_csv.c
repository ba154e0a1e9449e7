/* SPDX-License-Identifier: MIT */
/* fuzz_csv.c: libFuzzer target for the CSV reader (csv_parse), with the
 * first byte choosing the separator; rows written back must parse again. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/lang/csvio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[] = {';', ',', '\t', '|'};
	struct csv_doc doc, again;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (size < 1)
		return 0;
	if (csv_parse("fuzz", (const char *)data + 1, size - 1, seps[data[0] % 4], &doc, err, sizeof err) != 0)
		return 0;
	f = open_memstream(&buf, &len);
	for (size_t i = 0; i < doc.n; i++)
		csv_write_row(f, seps[data[0] % 4], (const char *const *)doc.rows[i].fields, doc.rows[i].nfields);
	fclose(f);
	/* what the writer makes, the reader takes back, with as many rows */
	if (csv_parse("again", buf, len, seps[data[0] % 4], &again, err, sizeof err) != 0 || again.n != doc.n)
		abort();
	csv_doc_free(&again);
	csv_doc_free(&doc);
	free(buf);
	return 0;
}
