/* SPDX-License-Identifier: MIT */
/* mbsort.c: a domain's mailboxes ordered by usage or quota, by keyset (see
 * mbsort.h). */
#include "core/mbsort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* usage: driven by admin_quota's per-domain index; quota: by admin_mailbox's */
#define MBSORT_FROM_USAGE                                                                                              \
	"FROM admin_quota q JOIN admin_user u ON u.username = q.username "                                             \
	"JOIN admin_mailbox mb ON mb.user_id = u.id JOIN admin_domain d ON d.id = mb.domain_id "                       \
	"WHERE q.domain_id = ? AND mb.domain_id = q.domain_id"
#define MBSORT_FROM_QUOTA                                                                                              \
	"FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id "                                            \
	"JOIN admin_user u ON u.id = mb.user_id LEFT JOIN admin_quota q ON q.username = u.username "                   \
	"WHERE mb.domain_id = ?"

/* The usage ratio of admin_quota row `t`, written exactly as the engine's
 * index admin_quota_domain_usage_name is (else the planner cannot use it). */
static char *ratio_of(enum db_engine eng, const char *t)
{
	switch (eng) {
	case DB_ENGINE_PGSQL:
		return xasprintf("(%s.bytes::float8 / NULLIF(%s.quota_mb, 0))", t, t);
	case DB_ENGINE_MYSQL:
		return xasprintf("%s.usage_ratio", t);
	case DB_ENGINE_SQLITE:
		break;
	}
	return xasprintf("(CAST(%s.bytes AS REAL) / NULLIF(%s.quota_mb, 0))", t, t);
}

/* One index range: rows of the domain matching cond (params p after the
 * domain), in scan order, at most want; appended to *rows. */
static enum vm_status range(struct vm *vm, const struct mbsort_query *q, int scan_desc, const char *cond, int np,
			    const char *const *p, int want, struct mailbox **rows, size_t *n, struct vm_error *err)
{
	enum db_engine eng = vm->db->ops->engine;
	struct db_result *res = NULL;
	const char *params[4];
	char did[32], *sql, *k1 = NULL;
	const char *dir = scan_desc ? "DESC" : "ASC", *nulls = "";
	enum vm_status st;

	snprintf(did, sizeof did, "%lld", q->domain_id);
	params[0] = did;
	for (int i = 0; i < np && i < 3; i++)
		params[i + 1] = p[i];
	if (q->key == MBSORT_USAGE) {
		k1 = ratio_of(eng, "q");
		/* PostgreSQL's index is DESC NULLS LAST; the ORDER BY must say
		 * the same (or its mirror) to be read from it */
		if (eng == DB_ENGINE_PGSQL)
			nulls = scan_desc ? " NULLS LAST" : " NULLS FIRST";
		sql = xasprintf(MAILBOX_COLUMNS MBSORT_FROM_USAGE " AND %s ORDER BY %s %s%s, q.username %s LIMIT %d",
				cond, k1, dir, nulls, dir, want);
	} else {
		sql = xasprintf(MAILBOX_COLUMNS MBSORT_FROM_QUOTA " AND %s ORDER BY mb.quota %s, mb.address %s LIMIT %d",
				cond, dir, dir, want);
	}
	st = vm_sql(vm, sql, np + 1, params, &res, err, "reading the sorted mailboxes");
	free(sql);
	free(k1);
	if (st != VM_OK)
		return st;
	*rows = xreallocarray(*rows, *n + res->nrows + 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++)
		mailbox_from_row(res, r, &(*rows)[(*n)++]);
	db_result_free(&res);
	return VM_OK;
}

/* The conditions of up to three consecutive ranges after the bound in the
 * scan direction (see mbsort.h); bp: the bound's parameters. */
struct segs {
	char *cond[3];
	int np[3];
	const char *p[3][3];
	int n;
};

static void seg(struct segs *s, char *cond, int np, const char *a, const char *b)
{
	s->cond[s->n] = cond;
	s->np[s->n] = np;
	s->p[s->n][0] = a;
	s->p[s->n][1] = b;
	s->n++;
}

enum vm_status mbsort_page(struct vm *vm, const struct mbsort_query *q, struct mailbox **rows, size_t *n,
			   struct vm_error *err)
{
	enum db_engine eng = vm->db->ops->engine;
	int limit = q->limit > 0 ? q->limit : 50;
	/* before = the mirror order read forwards, then reversed */
	int scan_desc = q->desc ? !q->before : q->before;
	const char *lt = scan_desc ? "<" : ">";
	char user[VM_ADDRESS_MAX + 1] = "", quota[32] = "", did[32];
	int has_bound = 0, bound_null = 0;
	struct segs s = {0};
	char *k = NULL, *kb = NULL;
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	if ((st = vm_check_domain(vm, q->domain_id, "(by id)", err)) != VM_OK)
		return st;
	snprintf(did, sizeof did, "%lld", q->domain_id);
	if (q->bound && *q->bound) {
		struct db_result *res = NULL;
		const char *p[2] = {did, q->bound};

		if ((st = vm_sql(vm,
				 "SELECT u.username, mb.quota, q.username, q.quota_mb FROM admin_mailbox mb "
				 "JOIN admin_user u ON u.id = mb.user_id LEFT JOIN admin_quota q ON q.username = u.username "
				 "WHERE mb.domain_id = ? AND mb.address = ?",
				 2, p, &res, err, "reading the row to page from")) != VM_OK)
			return st;
		/* gone, or (usage) not in the order: page from the start */
		if (res->nrows && (q->key == MBSORT_QUOTA || db_value(res, 0, 2))) {
			has_bound = 1;
			snprintf(user, sizeof user, "%s", db_value(res, 0, 0) ? db_value(res, 0, 0) : "");
			snprintf(quota, sizeof quota, "%lld", vm_ll(db_value(res, 0, 1)));
			bound_null = vm_ll(db_value(res, 0, 3)) == 0;
		}
		db_result_free(&res);
	}
	if (q->key == MBSORT_QUOTA) {
		if (!has_bound) {
			seg(&s, xstrdup("1 = 1"), 0, NULL, NULL);
		} else {
			seg(&s, xasprintf("mb.quota = ? AND mb.address %s ?", lt), 2, quota, q->bound);
			seg(&s, xasprintf("mb.quota %s ?", lt), 1, quota, NULL);
		}
	} else {
		k = ratio_of(eng, "q");
		kb = ratio_of(eng, "qb");
		/* the bound's ratio read from its own row: the same double, bit
		 * for bit, as the rows compared with it */
		char *sub = xasprintf("(SELECT %s FROM admin_quota qb WHERE qb.username = ?)", kb);

		/* unlimited (NULL) rows come last in descending scans, first in
		 * ascending ones */
		if (!has_bound && scan_desc) {
			seg(&s, xasprintf("%s IS NOT NULL", k), 0, NULL, NULL);
			seg(&s, xasprintf("%s IS NULL", k), 0, NULL, NULL);
		} else if (!has_bound) {
			seg(&s, xasprintf("%s IS NULL", k), 0, NULL, NULL);
			seg(&s, xasprintf("%s IS NOT NULL", k), 0, NULL, NULL);
		} else if (bound_null && scan_desc) {
			seg(&s, xasprintf("%s IS NULL AND q.username < ?", k), 1, user, NULL);
		} else if (bound_null) {
			seg(&s, xasprintf("%s IS NULL AND q.username > ?", k), 1, user, NULL);
			seg(&s, xasprintf("%s IS NOT NULL", k), 0, NULL, NULL);
		} else {
			seg(&s, xasprintf("%s = %s AND q.username %s ?", k, sub, lt), 2, user, user);
			seg(&s, xasprintf("%s %s %s", k, lt, sub), 1, user, NULL);
			if (scan_desc)
				seg(&s, xasprintf("%s IS NULL", k), 0, NULL, NULL);
		}
		free(sub);
	}
	st = VM_OK;
	for (int i = 0; i < s.n; i++) {
		if (st == VM_OK && *n < (size_t)limit)
			st = range(vm, q, scan_desc, s.cond[i], s.np[i], s.p[i], limit - (int)*n, rows, n, err);
		free(s.cond[i]);
	}
	free(k);
	free(kb);
	if (st != VM_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return st;
	}
	if (!*rows)
		*rows = xcalloc(1, sizeof **rows);
	if (q->before)
		for (size_t i = 0; i < *n / 2; i++) {
			struct mailbox t = (*rows)[i];

			(*rows)[i] = (*rows)[*n - 1 - i];
			(*rows)[*n - 1 - i] = t;
		}
	return VM_OK;
}
