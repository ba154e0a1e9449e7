/* SPDX-License-Identifier: MIT */
/* unit.h: the small test harness every tests/unit/test_*.c links with.
 * CHECK() records a pass or a failure with file:line; the program's main
 * calls the tests and returns unit_finish(), which prints
 * "NAME: N passed, N failed" and returns 0 only when nothing failed. */
#ifndef VMAILADM_UNIT_H
#define VMAILADM_UNIT_H

#include <string.h>

extern int unit_passed, unit_failed;
void unit_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int unit_finish(const char *name);
/* Runs run(engine, url) on each engine built in: PostgreSQL and MySQL on the
 * empty databases VMAILADM_TEST_PG_URL / VMAILADM_TEST_MYSQL_URL name
 * (SKIPPED when unset), SQLite on a new file under VMAILADM_TEST_TMP (or
 * /tmp) named after test, removed afterwards with its -wal and -shm. */
void unit_each_engine(const char *test, void (*run)(const char *engine, const char *url));
/* A path for a new SQLite database under VMAILADM_TEST_TMP (or /tmp), named
 * after name, that does not exist yet (SQLite creates it); NULL after perror
 * when none can be made. Caller frees. */
char *unit_sqlite_path(const char *name);
/* Removes an SQLite database file and its -wal, -shm and -journal files. */
void unit_remove_sqlite_files(const char *path);

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (cond)                                                                                              \
			unit_passed++;                                                                                 \
		else                                                                                                   \
			unit_fail(__FILE__, __LINE__, "%s", #cond);                                                    \
	} while (0)

#define CHECK_MSG(cond, ...)                                                                                           \
	do {                                                                                                           \
		if (cond)                                                                                              \
			unit_passed++;                                                                                 \
		else                                                                                                   \
			unit_fail(__FILE__, __LINE__, __VA_ARGS__);                                                    \
	} while (0)

#define CHECK_STR(got, want)                                                                                           \
	do {                                                                                                           \
		const char *g_ = (got), *w_ = (want);                                                                  \
		if ((g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0))                                   \
			unit_passed++;                                                                                 \
		else                                                                                                   \
			unit_fail(__FILE__, __LINE__, "%s: got '%s', want '%s'", #got, g_ ? g_ : "(null)",             \
				  w_ ? w_ : "(null)");                                                                 \
	} while (0)

#define CHECK_INT(got, want)                                                                                           \
	do {                                                                                                           \
		long long g_ = (long long)(got), w_ = (long long)(want);                                               \
		if (g_ == w_)                                                                                          \
			unit_passed++;                                                                                 \
		else                                                                                                   \
			unit_fail(__FILE__, __LINE__, "%s: got %lld, want %lld", #got, g_, w_);                        \
	} while (0)

#endif
