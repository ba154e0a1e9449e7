/* SPDX-License-Identifier: MIT */
/* match.c: prefix and glob conditions per engine (see match.h). */
#include "core/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/search.h"
#include "lib/xalloc.h"

static void add_param(struct match_params *mp, char *v)
{
	if (mp->n >= MATCH_MAX_PARAMS)
		xdie("match: too many parameters");
	mp->v[mp->n++] = v;
}

/* s with LIKE's metacharacters escaped by '!', then tail appended. */
static char *like_escape(const char *s, const char *tail, int glob)
{
	char *out = xmalloc(strlen(s) * 2 + strlen(tail) + 1), *o = out;

	for (; *s; s++) {
		if (glob && *s == '*') {
			*o++ = '%';
		} else if (glob && *s == '?') {
			*o++ = '_';
		} else {
			if (*s == '%' || *s == '_' || *s == '!')
				*o++ = '!';
			*o++ = *s;
		}
	}
	strcpy(o, tail);
	return out;
}

void match_prefix(struct vm *vm, char **sql, const char *col, const char *prefix, struct match_params *mp)
{
	char *frag;

	if (vm->db->ops->engine == DB_ENGINE_SQLITE) {
		/* [prefix, prefix with its last byte raised): a byte range the index serves */
		size_t n = strlen(prefix);
		char *hi;

		if (n == 0)
			return;
		hi = xstrdup(prefix);
		while (n > 0 && (unsigned char)hi[n - 1] == 0xff)
			hi[--n] = '\0';
		if (n == 0) {
			free(hi);
			frag = xasprintf(" AND %s >= ?", col);
			add_param(mp, xstrdup(prefix));
		} else {
			hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
			frag = xasprintf(" AND %s >= ? AND %s < ?", col, col);
			add_param(mp, xstrdup(prefix));
			add_param(mp, hi);
		}
	} else {
		/* LIKE cannot use the ordered (collation) index that a keyset page
		 * scans, so PostgreSQL filtered the domain from its start; a
		 * string sorts at or after its own prefix in any collation, so
		 * `>= prefix` drops no row and starts the scan at the prefix */
		frag = xasprintf(" AND %s LIKE ? ESCAPE '!' AND %s >= ?", col, col);
		add_param(mp, like_escape(prefix, "%", 0));
		add_param(mp, xstrdup(prefix));
	}
	str_append(sql, frag);
	free(frag);
}

void match_glob(char **sql, const char *col, const char *glob, struct match_params *mp)
{
	char *frag = xasprintf(" AND %s LIKE ? ESCAPE '!'", col);

	str_append(sql, frag);
	free(frag);
	add_param(mp, like_escape(glob, "", 1));
}

int match_has_wildcard(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

void match_params_free(struct match_params *mp)
{
	for (int i = 0; i < mp->n; i++)
		free(mp->v[i]);
	mp->n = 0;
}

char *match_concat_address(struct vm *vm, const char *local_col, const char *domain_col)
{
	if (vm->db->ops->engine == DB_ENGINE_MYSQL)
		return xasprintf("CONCAT(%s, '@', %s)", local_col, domain_col);
	return xasprintf("%s || '@' || %s", local_col, domain_col);
}

int match_after_implied(struct vm *vm, const char *after, const char *prefix)
{
	return vm->db->ops->engine == DB_ENGINE_SQLITE && prefix && *prefix && strcmp(after ? after : "", prefix) < 0;
}

/* One query of match_domain_rows: bound (may be NULL) limits the scan to
 * the rows up to it (from key); cand adds the search index's candidates. */
static enum vm_status rows_query(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *key, int desc, const char *bound, const char *prefix, const char *glob,
				 int cand, int nrows, struct db_result **res, struct vm_error *err, const char *what)
{
	char *sql = xstrdup(select), *frag, did[32];
	struct match_params mp = {0};
	const char *p[4 + MATCH_MAX_PARAMS];
	int np = 0;
	enum vm_status st;

	snprintf(did, sizeof did, "%lld", domain_id);
	p[np++] = did;
	if (!desc) {
		/* left out when the prefix implies it: see match_after_implied */
		if ((glob && *glob) || !match_after_implied(vm, key, prefix)) {
			frag = xasprintf(" AND %s > ?", col);
			str_append(&sql, frag);
			free(frag);
			p[np++] = key ? key : "";
		}
	} else if (key) {
		frag = xasprintf(" AND %s < ?", col);
		str_append(&sql, frag);
		free(frag);
		p[np++] = key;
	}
	if (bound) {
		frag = xasprintf(" AND %s %s ?", col, desc ? ">=" : "<=");
		str_append(&sql, frag);
		free(frag);
		p[np++] = bound;
	}
	if (glob && *glob && vm->db->ops->engine == DB_ENGINE_PGSQL && !search_has_trigram(glob)) {
		/* with no trigram to look up, PostgreSQL's planner still took the
		 * pg_trgm index for '%z' and read all of it, far slower than the
		 * domain's scan (tests/bench/RESULTS.md): an expression keeps it off */
		char *expr = xasprintf("(%s || '')", col);

		match_glob(&sql, expr, glob, &mp);
		free(expr);
	} else if (glob && *glob) {
		match_glob(&sql, col, glob, &mp);
	} else if (prefix && *prefix) {
		match_prefix(vm, &sql, col, prefix, &mp);
	}
	if (cand)
		search_candidates(vm, &sql, strcmp(col, "al.address") == 0 ? SEARCH_ALIASES : SEARCH_MAILBOXES,
				  strcmp(col, "al.address") == 0 ? "al.id" : "mb.id", domain_id, glob, &mp);
	for (int i = 0; i < mp.n; i++)
		p[np++] = mp.v[i];
	frag = xasprintf(" ORDER BY %s%s LIMIT %d", col, desc ? " DESC" : "", nrows);
	str_append(&sql, frag);
	free(frag);
	st = vm_sql(vm, sql, np, p, res, err, what);
	free(sql);
	match_params_free(&mp);
	return st;
}

enum vm_status match_domain_rows(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *key, int desc, const char *prefix, const char *glob, int nrows,
				 struct db_result **res, struct vm_error *err, const char *what)
{
	const char *table = strcmp(col, "mb.address") == 0   ? "admin_mailbox mb"
			    : strcmp(col, "al.address") == 0 ? "admin_alias al"
							     : NULL;
	struct db_result *probe = NULL;
	char *sql, did[32], *bound;
	const char *p[2];
	int np = 0;
	enum vm_status st;

	/* a search text with * or ? is a pattern: *text* finds a substring */
	if ((!glob || !*glob) && prefix && match_has_wildcard(prefix)) {
		glob = prefix;
		prefix = NULL;
	}
	if (!table || !glob || !*glob || !search_usable(vm, glob))
		return rows_query(vm, select, col, domain_id, key, desc, NULL, prefix, glob, 0, nrows, res, err, what);
	/* where a scan of MATCH_SCAN_ROWS rows from key ends */
	snprintf(did, sizeof did, "%lld", domain_id);
	p[np++] = did;
	if (key)
		p[np++] = key;
	sql = xasprintf("SELECT %s FROM %s WHERE %.2s.domain_id = ?%s%s%s ORDER BY %s%s LIMIT 1 OFFSET %d", col, table,
			col, key ? " AND " : "", key ? col : "", key ? (desc ? " < ?" : " > ?") : "", col,
			desc ? " DESC" : "", MATCH_SCAN_ROWS - 1);
	st = vm_sql(vm, sql, np, p, &probe, err, what);
	free(sql);
	if (st != VM_OK)
		return st;
	if (probe->nrows == 0 || !db_value(probe, 0, 0)) {
		/* fewer rows than that left: the scan is cheap */
		db_result_free(&probe);
		return rows_query(vm, select, col, domain_id, key, desc, NULL, prefix, glob, 0, nrows, res, err, what);
	}
	bound = xstrdup(db_value(probe, 0, 0));
	db_result_free(&probe);
	st = rows_query(vm, select, col, domain_id, key, desc, bound, prefix, glob, 0, nrows, res, err, what);
	free(bound);
	if (st != VM_OK || (*res)->nrows >= (size_t)nrows)
		return st;
	db_result_free(res);
	return rows_query(vm, select, col, domain_id, key, desc, NULL, prefix, glob, 1, nrows, res, err, what);
}

enum vm_status match_domain_page(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *after, const char *prefix, const char *glob, int limit,
				 struct db_result **res, struct vm_error *err, const char *what)
{
	return match_domain_rows(vm, select, col, domain_id, after, 0, prefix, glob, limit > 0 ? limit : 50, res, err,
				 what);
}
