/* SPDX-License-Identifier: MIT */
/* fuzz_stmt.c: libFuzzer target for the statement reader (stmt_parse_line, script_parse). */
#include <stddef.h>
#include <stdint.h>

#include "core/lang/stmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script sc;
	struct stmt s;
	char err[512];
	int col = 0;

	if (script_parse("fuzz", (const char *)data, size, &sc, err, sizeof err) == 0)
		script_free(&sc);
	if (stmt_parse_line((const char *)data, size, 1, &s, &col, err, sizeof err) == 0)
		stmt_free(&s);
	return 0;
}
