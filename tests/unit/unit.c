/* SPDX-License-Identifier: MIT */
/* unit.c: counters and report for the unit test harness. */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>

int unit_passed, unit_failed;

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	unit_failed++;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int unit_finish(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
