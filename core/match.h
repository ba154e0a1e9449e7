/* SPDX-License-Identifier: MIT */
/* match.h: turns what an administrator types to find things (a prefix, a
 * shell glob with * and ?) into SQL conditions that use the indexes of each
 * engine: PostgreSQL LIKE (varchar_pattern_ops index), MySQL LIKE (index
 * range), SQLite a byte range (its LIKE ignores indexes). The values are
 * bound parameters; only the column names, which come from the core, are
 * part of the SQL text. */
#ifndef VMAILADM_MATCH_H
#define VMAILADM_MATCH_H

#include <stddef.h>

#include "core/vm.h"
#include "lib/str.h" /* str_append, str_in_list: most users of match build SQL text with them */

/* The parameters conditions bind (a prefix or glob: up to 2; the search
 * index's candidates: up to 5 more); strings owned by the struct. */
#define MATCH_MAX_PARAMS 12
struct match_params {
	char *v[MATCH_MAX_PARAMS];
	int n;
};

/* Appends " AND <col matches prefix>" to sql (a malloc'd string, reallocated)
 * and its parameters to mp. */
void match_prefix(struct vm *vm, char **sql, const char *col, const char *prefix, struct match_params *mp);
/* 1 when a keyset list's " AND col > after" is implied by
 * match_prefix(prefix)'s condition and is best left out of the SQL: on
 * SQLite, whose planner bounds the index range by the first lower bound it
 * finds, so `address > ''` made a prefix search walk the domain from its
 * start instead of from the prefix. SQLite
 * compares bytes (BINARY), like strcmp. Other engines compare in a
 * collation and bound the range by the tighter value themselves: 0. */
int match_after_implied(struct vm *vm, const char *after, const char *prefix);
/* Appends " AND col LIKE ? ESCAPE '!'" for a glob (* and ?). */
void match_glob(char **sql, const char *col, const char *glob, struct match_params *mp);
/* 1 if s contains * or ?. */
int match_has_wildcard(const char *s);
void match_params_free(struct match_params *mp);
/* SQL text concatenating local, '@' and domain columns for this engine. */
char *match_concat_address(struct vm *vm, const char *local_col, const char *domain_col);
/* One keyset page of a domain's rows: runs `select` (which ends in
 * "WHERE <alias>.domain_id = ?") for domain_id, ordered by col (the local
 * part), after `after`, filtered by a glob (wins) or a prefix on col (a
 * prefix holding * or ? is taken as a glob), at most limit rows (50 when 0). *res: caller frees with db_result_free. */
enum vm_status match_domain_page(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *after, const char *prefix, const char *glob, int limit, struct db_result **res,
				 struct vm_error *err, const char *what) __attribute__((warn_unused_result));
/* match_domain_page's rows in either direction: desc = 0, the nrows rows
 * after key (NULL = from the start) in col's order; desc = 1, the nrows
 * rows before key (NULL = from the end), in descending order. A glob on a
 * mailbox's or alias's local part (col "mb.address" / "al.address") with a
 * trigram in it, where a search index is there (core/search.h), is first
 * looked for in windows of the domain from key, read index-only: the first
 * MATCH_SCAN_ROWS rows, each next window sized from the matches the ones
 * before held, up to MATCH_SCAN_MAX rows in all. They fill the page when
 * matches are common (a text thousands of rows hold, which the index would
 * hand over whole, to be sorted); only when they do not (matches are rare)
 * the index's candidates are read. Either way only the keys are collected
 * first; the page's rows (with select's joins) are then read by those keys
 * alone. Both give exactly the rows the plain scan would. */
#define MATCH_SCAN_ROWS 1000
#define MATCH_SCAN_MAX 30000
enum vm_status match_domain_rows(struct vm *vm, const char *select, const char *col, long long domain_id, const char *key,
				 int desc, const char *prefix, const char *glob, int nrows, struct db_result **res,
				 struct vm_error *err, const char *what) __attribute__((warn_unused_result));

#endif
