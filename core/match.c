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

/* How rows_query reads: ROWS_CAND adds the search index's candidates;
 * ROWS_BTREE keeps PostgreSQL on the ordered index (a window of the domain
 * read in col's order, where its planner might take the pg_trgm index and
 * read every match of the table). */
#define ROWS_CAND 1
#define ROWS_BTREE 2
/* PostgreSQL, mailboxes: the candidates from the domain's own trigrams;
 * the caller has asked search_domain_grams whether they serve glob, and the
 * select names the domain without its index (index_page) */
#define ROWS_GRAMS 4
/* a window longer than this (the density seen says the page needs more rows
 * than that) goes to the domain's trigrams instead: in the bench's wide
 * shape '*777*' found 3 in the first 1,000 rows, and the next 16,500 rows
 * took 4.9 ms against ~0.5 for the domain's own matches of '777' */
#define GRAMS_WINDOW 4000

/* which object's search index serves col */
static enum search_object object_of(const char *col)
{
	return strcmp(col, "al.address") == 0 ? SEARCH_ALIASES : SEARCH_MAILBOXES;
}

/* One query of match_domain_rows: bound (may be NULL) limits the scan to
 * the rows up to it (from key). */
static enum vm_status rows_query(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *key, int desc, const char *bound, const char *prefix, const char *glob,
				 int how, int nrows, struct db_result **res, struct vm_error *err, const char *what)
{
	char *sql = xstrdup(select), *frag, did[32];
	struct match_params mp = {0};
	const char *p[4 + MATCH_MAX_PARAMS];
	int np = 0, grams = (how & ROWS_GRAMS) != 0;
	enum search_object obj = object_of(col);
	enum vm_status st;
	char *expr = xasprintf("(%s || '')", col);
	/* the domain's trigrams imply the domain and are the only index such a
	 * query needs: the key's bounds use an expression, so that the planner
	 * cannot AND them with the domain's whole btree range (the wide shape's
	 * 10,000-row domain: 4.3 against 0.6 ms for '*777*') */
	const char *kcol = grams ? expr : col;

	snprintf(did, sizeof did, "%lld", domain_id);
	p[np++] = did;
	if (!desc) {
		/* left out when the prefix implies it: see match_after_implied */
		if ((glob && *glob) || !match_after_implied(vm, key, prefix)) {
			frag = xasprintf(" AND %s > ?", kcol);
			str_append(&sql, frag);
			free(frag);
			p[np++] = key ? key : "";
		}
	} else if (key) {
		frag = xasprintf(" AND %s < ?", kcol);
		str_append(&sql, frag);
		free(frag);
		p[np++] = key;
	}
	if (bound) {
		frag = xasprintf(" AND %s %s ?", kcol, desc ? ">=" : "<=");
		str_append(&sql, frag);
		free(frag);
		p[np++] = bound;
	}
	if (glob && *glob && vm->db->ops->engine == DB_ENGINE_PGSQL &&
	    ((how & ROWS_BTREE) || grams || !search_has_trigram(glob))) {
		/* with no trigram to look up, PostgreSQL's planner still took the
		 * pg_trgm index for '%z' and read all of it, far slower than the
		 * domain's scan (tests/bench/RESULTS.md): an expression keeps it off.
		 * With the domain's trigrams it keeps the two GIN indexes from being
		 * ANDed: pg_trgm's rows are rechecked, and the recheck would compute
		 * every row's trigrams again (22 against 1.5 ms for '*777*' at 1M). */
		match_glob(&sql, expr, glob, &mp);
	} else if (glob && *glob) {
		match_glob(&sql, col, glob, &mp);
	} else if (prefix && *prefix) {
		match_prefix(vm, &sql, col, prefix, &mp);
	}
	if (grams)
		search_domain_grams(vm, &sql, obj, domain_id, glob, &mp);
	else if (how & ROWS_CAND)
		search_candidates(vm, &sql, obj, obj == SEARCH_ALIASES ? "al.id" : "mb.id", domain_id, glob, &mp);
	for (int i = 0; i < mp.n; i++)
		p[np++] = mp.v[i];
	frag = xasprintf(" ORDER BY %s%s LIMIT %d", col, desc ? " DESC" : "", nrows);
	str_append(&sql, frag);
	free(frag);
	/* without a pattern the plan is the same for every page: kept */
	if ((glob && *glob) || (prefix && *prefix))
		st = vm_sql(vm, sql, np, p, res, err, what);
	else
		st = vm_sql_reused(vm, sql, np, p, res, err, what);
	free(sql);
	free(expr);
	match_params_free(&mp);
	return st;
}

/* The value of col `off` rows after key (before it, desc) in the domain:
 * where a scan of that many rows ends; *bound NULL when fewer are left. An
 * index-only read. */
static enum vm_status scan_bound(struct vm *vm, const char *table, const char *col, long long domain_id, const char *key,
				 int desc, int off, char **bound, struct vm_error *err, const char *what)
{
	struct db_result *res = NULL;
	char *sql, did[32];
	const char *p[2];
	int np = 0;
	enum vm_status st;

	*bound = NULL;
	snprintf(did, sizeof did, "%lld", domain_id);
	p[np++] = did;
	if (key)
		p[np++] = key;
	sql = xasprintf("SELECT %s FROM %s WHERE %.2s.domain_id = ?%s%s%s ORDER BY %s%s LIMIT 1 OFFSET %d", col, table,
			col, key ? " AND " : "", key ? col : "", key ? (desc ? " < ?" : " > ?") : "", col,
			desc ? " DESC" : "", off - 1);
	st = vm_sql_reused(vm, sql, np, p, &res, err, what);
	free(sql);
	if (st == VM_OK && res->nrows && db_value(res, 0, 0))
		*bound = xstrdup(db_value(res, 0, 0));
	db_result_free(&res);
	return st;
}

/* The rows of select whose col is one of keys[0..n), in col's order. On
 * PostgreSQL one array parameter, `= ANY (?::text[])`: the planner takes
 * half the time it takes for an IN list of n parameters (0.6 against 1.5
 * ms for a page of 36 in a warm session), and this statement runs for
 * every page of a search: kept prepared (vm_sql_reused), its plan is
 * reused after a few pages. */
static enum vm_status rows_of_keys(struct vm *vm, const char *select, const char *col, long long domain_id, int desc,
				   char **keys, int n, struct db_result **res, struct vm_error *err, const char *what)
{
	const char **p = xcalloc((size_t)n + 1, sizeof *p);
	char *sql, *in, *arr = NULL, *head, *tail = xasprintf(") ORDER BY %s%s", col, desc ? " DESC" : "");
	char did[32];
	int np = 1;
	enum vm_status st;

	snprintf(did, sizeof did, "%lld", domain_id);
	p[0] = did;
	if (vm->db->ops->engine == DB_ENGINE_PGSQL) {
		head = xasprintf(" AND %s = ANY (?::text[]", col);
		p[np++] = arr = str_pg_array(keys, n);
		in = xasprintf("%s%s", head, tail);
	} else {
		head = xasprintf(" AND %s IN (", col);
		for (int i = 0; i < n; i++)
			p[np++] = keys[i];
		in = str_in_list(head, (size_t)n, tail);
	}
	sql = xasprintf("%s%s", select, in);
	st = vm_sql_reused(vm, sql, np, p, res, err, what);
	free(sql);
	free(in);
	free(head);
	free(tail);
	free(arr);
	free(p);
	return st;
}

/* MariaDB's page of keys: up to n keys after key (before it, desc) that
 * match glob, read in col's order from the trigram table's rows of one of
 * glob's trigrams, which carry the address (search_gram_table). *res NULL
 * when that table cannot answer (the caller reads windows then). */
static enum vm_status gram_keys(struct vm *vm, const char *col, long long domain_id, const char *key, int desc,
				const char *glob, int n, struct db_result **res, struct vm_error *err, const char *what)
{
	char *gram = NULL, *sql, *frag, did[32];
	const char *table = search_gram_table(vm, object_of(col), glob, &gram);
	struct match_params mp = {0};
	const char *p[3 + MATCH_MAX_PARAMS];
	int np = 0;
	enum vm_status st;

	*res = NULL;
	if (!table)
		return VM_OK;
	snprintf(did, sizeof did, "%lld", domain_id);
	p[np++] = gram;
	p[np++] = did;
	sql = xasprintf("SELECT g.address FROM %s g WHERE g.gram = ? AND g.domain_id = ?", table);
	if (key) {
		str_append(&sql, desc ? " AND g.address < ?" : " AND g.address > ?");
		p[np++] = key;
	}
	match_glob(&sql, "g.address", glob, &mp);
	for (int i = 0; i < mp.n; i++)
		p[np++] = mp.v[i];
	frag = xasprintf(" ORDER BY g.address%s LIMIT %d", desc ? " DESC" : "", n);
	str_append(&sql, frag);
	free(frag);
	st = vm_sql(vm, sql, np, p, res, err, what);
	free(sql);
	free(gram);
	match_params_free(&mp);
	return st;
}

/* Appends the first column of *win's rows to keys (*found of nrows taken),
 * then frees *win. */
static void take_keys(struct db_result **win, char **keys, int *found, int nrows)
{
	for (size_t r = 0; r < (*win)->nrows && *found < nrows; r++)
		if (db_value(*win, r, 0))
			keys[(*found)++] = xstrdup(db_value(*win, r, 0));
	db_result_free(win);
}

/* The search index's path (match.h). The page's keys first, read
 * index-only. Where the trigram rows carry the address in col's order
 * (MariaDB: gram_keys), from one trigram's rows alone: they are the rows a
 * window would have found, without the rows that cannot match. Otherwise
 * windows of the domain in col's order, the first MATCH_SCAN_ROWS long and
 * each next one sized from the matches seen so far, until the page is full
 * or MATCH_SCAN_MAX rows are read; then, when matches are rare, the rest
 * from the index's candidates after the last window. Then the page's rows
 * by their keys, so that the select's joins run for the page's rows alone,
 * never for every candidate. *res NULL (and VM_OK) when the select leaves
 * out a row whose key matched: the caller's plain query decides then. */
static enum vm_status index_page(struct vm *vm, const char *select, const char *table, const char *col,
				 long long domain_id, const char *key, int desc, const char *glob, int nrows,
				 struct db_result **res, struct vm_error *err, const char *what)
{
	char *keysel = xasprintf("SELECT %s FROM %s WHERE %.2s.domain_id = ?", col, table, col);
	char **keys = xcalloc((size_t)nrows, sizeof *keys), *pos = key ? xstrdup(key) : NULL, *bound = NULL;
	long scanned = 0, w = MATCH_SCAN_ROWS;
	int found = 0, end = 0;
	/* PostgreSQL, mailboxes: the domain's own trigrams serve glob */
	int grams = search_domain_grams(vm, NULL, object_of(col), domain_id, glob, NULL);
	struct db_result *win = NULL;
	enum vm_status st = VM_OK;

	*res = NULL;
	if ((st = gram_keys(vm, col, domain_id, key, desc, glob, nrows, &win, err, what)) == VM_OK && win) {
		take_keys(&win, keys, &found, nrows);
		end = 1;
	}
	while (st == VM_OK && !end && found < nrows) {
		if ((st = scan_bound(vm, table, col, domain_id, pos, desc, (int)w, &bound, err, what)) != VM_OK)
			break;
		end = bound == NULL;
		st = rows_query(vm, keysel, col, domain_id, pos, desc, bound, NULL, glob, ROWS_BTREE, nrows - found,
				&win, err, what);
		if (st != VM_OK)
			break;
		take_keys(&win, keys, &found, nrows);
		scanned += w;
		if (end)
			break;
		free(pos);
		pos = bound;
		bound = NULL;
		if (found == 0 || scanned >= MATCH_SCAN_MAX)
			break; /* rare in the domain: the index's candidates are fewer */
		/* enough rows, at the density seen, for the rest, with half again */
		w = (long)((double)(nrows - found) * (double)scanned / found * 1.5);
		if (w < MATCH_SCAN_ROWS)
			w = MATCH_SCAN_ROWS;
		if (w > MATCH_SCAN_MAX - scanned)
			w = MATCH_SCAN_MAX - scanned;
		/* PostgreSQL's domain trigrams fetch the domain's matches alone:
		 * fewer rows than a long window when the text is this rare */
		if (w > GRAMS_WINDOW && grams)
			break;
	}
	if (st == VM_OK && !end && found < nrows) {
		/* the rest after the windows: the candidates (PostgreSQL: the
		 * domain's trigrams for mailboxes, search_domain_grams; otherwise
		 * the plain query, which its planner serves from pg_trgm); the
		 * domain's trigrams name the domain: no index for its condition */
		char *sel = grams ? xasprintf("SELECT %s FROM %s WHERE %.2s.domain_id + 0 = ?", col, table, col) : NULL;

		st = rows_query(vm, sel ? sel : keysel, col, domain_id, pos, desc, NULL, NULL, glob,
				ROWS_CAND | (grams ? ROWS_GRAMS : 0), nrows - found, &win, err, what);
		free(sel);
		if (st == VM_OK)
			take_keys(&win, keys, &found, nrows);
	}
	if (st == VM_OK && found == 0) {
		/* no row: the select's own columns, empty */
		char *sql = xasprintf("%s AND 1 = 0", select), did[32];
		const char *p[1] = {did};

		snprintf(did, sizeof did, "%lld", domain_id);
		st = vm_sql_reused(vm, sql, 1, p, res, err, what);
		free(sql);
	} else if (st == VM_OK) {
		st = rows_of_keys(vm, select, col, domain_id, desc, keys, found, res, err, what);
		/* a row the select leaves out (its joins): the plain way decides */
		if (st == VM_OK && (*res)->nrows != (size_t)found)
			db_result_free(res);
	}
	for (int i = 0; i < found; i++)
		free(keys[i]);
	free(keys);
	free(pos);
	free(bound);
	free(keysel);
	return st;
}

enum vm_status match_domain_rows(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *key, int desc, const char *prefix, const char *glob, int nrows,
				 struct db_result **res, struct vm_error *err, const char *what)
{
	const char *table = strcmp(col, "mb.address") == 0   ? "admin_mailbox mb"
			    : strcmp(col, "al.address") == 0 ? "admin_alias al"
							     : NULL;
	enum vm_status st;

	/* a search text with * or ? is a pattern: *text* finds a substring */
	if ((!glob || !*glob) && prefix && match_has_wildcard(prefix)) {
		glob = prefix;
		prefix = NULL;
	}
	if (!table || !glob || !*glob || !search_usable(vm, glob))
		return rows_query(vm, select, col, domain_id, key, desc, NULL, prefix, glob, 0, nrows, res, err, what);
	if (nrows <= MATCH_SCAN_ROWS) {
		st = index_page(vm, select, table, col, domain_id, key, desc, glob, nrows, res, err, what);
		if (st != VM_OK || *res)
			return st;
	}
	return rows_query(vm, select, col, domain_id, key, desc, NULL, prefix, glob, ROWS_CAND, nrows, res, err, what);
}

enum vm_status match_domain_page(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *after, const char *prefix, const char *glob, int limit,
				 struct db_result **res, struct vm_error *err, const char *what)
{
	return match_domain_rows(vm, select, col, domain_id, after, 0, prefix, glob, limit > 0 ? limit : 50, res, err,
				 what);
}
