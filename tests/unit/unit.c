/* SPDX-License-Identifier: MIT */
/* unit.c: counters and report for the unit test harness. */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "lib/xalloc.h"

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

char *unit_sqlite_path(const char *name)
{
	const char *tmp = getenv("VMAILADM_TEST_TMP");
	char *path = xasprintf("%s/vmailadm-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		free(path);
		return NULL;
	}
	close(fd);
	unlink(path); /* SQLite creates it */
	return path;
}

void unit_remove_sqlite_files(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char *f = xasprintf("%s%s", path, suffixes[i]);

		unlink(f);
		free(f);
	}
}

void unit_each_engine(const char *test, void (*run)(const char *engine, const char *url))
{
	const char *pg = getenv("VMAILADM_TEST_PG_URL"), *my = getenv("VMAILADM_TEST_MYSQL_URL");

	if (pg && *pg && HAVE_PGSQL)
		run("postgresql", pg);
	else
		printf("postgresql: SKIPPED\n");
	if (my && *my && HAVE_MYSQL)
		run("mysql", my);
	else
		printf("mysql: SKIPPED\n");
#if HAVE_SQLITE
	{
		const char *tmp = getenv("VMAILADM_TEST_TMP");
		char *path = xasprintf("%s/vmailadm-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", test);
		int fd = mkstemp(path);

		if (fd >= 0) {
			char *url = xasprintf("sqlite:%s", path);

			close(fd);
			run("sqlite", url);
			unit_remove_sqlite_files(path);
			free(url);
		} else {
			perror("mkstemp");
			unit_failed++;
		}
		free(path);
	}
#endif
}
