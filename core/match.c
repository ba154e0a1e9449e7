/* SPDX-License-Identifier: MIT */
/* match.c: prefix and glob conditions per engine (see match.h). */
#include "core/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static void add_param(struct match_params *mp, char *v)
{
	if (mp->n >= 2)
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

enum vm_status match_domain_page(struct vm *vm, const char *select, const char *col, long long domain_id,
				 const char *after, const char *prefix, const char *glob, int limit,
				 struct db_result **res, struct vm_error *err, const char *what)
{
	char *sql = xstrdup(select), *frag, did[32];
	struct match_params mp = {0};
	const char *p[6];
	int np = 0;
	enum vm_status st;

	/* a search text with * or ? is a pattern: *text* finds a substring */
	if ((!glob || !*glob) && prefix && match_has_wildcard(prefix)) {
		glob = prefix;
		prefix = NULL;
	}
	snprintf(did, sizeof did, "%lld", domain_id);
	p[np++] = did;
	/* left out when the prefix implies it: see match_after_implied */
	if ((glob && *glob) || !match_after_implied(vm, after, prefix)) {
		frag = xasprintf(" AND %s > ?", col);
		str_append(&sql, frag);
		free(frag);
		p[np++] = after ? after : "";
	}
	if (glob && *glob)
		match_glob(&sql, col, glob, &mp);
	else if (prefix && *prefix)
		match_prefix(vm, &sql, col, prefix, &mp);
	for (int i = 0; i < mp.n; i++)
		p[np++] = mp.v[i];
	frag = xasprintf(" ORDER BY %s LIMIT %d", col, limit > 0 ? limit : 50);
	str_append(&sql, frag);
	free(frag);
	st = vm_sql(vm, sql, np, p, res, err, what);
	free(sql);
	match_params_free(&mp);
	return st;
}
