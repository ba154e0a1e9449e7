/* SPDX-License-Identifier: MIT */
/* page.c: where a backward page starts (see page.h). */
#include "core/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/match.h"
#include "core/validate.h"
#include "lib/xalloc.h"

enum vm_status page_start_before(struct vm *vm, enum page_list list, const struct page_filter *f, const char *before,
				 int n, char *after, size_t after_len, int *count, struct vm_error *err)
{
	struct match_params mp = {0};
	struct db_result *res = NULL;
	char *sql = NULL, did[32], uid[32], tnorm[VM_DOMAIN_MAX + 1], lim[64];
	const char *p[8], *col = "d.name";
	int np = 0;
	enum vm_status st;

	*after = '\0';
	*count = 0;
	if (n <= 0)
		return VM_OK;
	if (list == PAGE_MAILBOXES || list == PAGE_ALIASES) {
		/* the same rows as the forward list's (core/match.h), read backwards */
		int mb = list == PAGE_MAILBOXES;

		st = match_domain_rows(vm,
				       mb ? "SELECT mb.address FROM admin_mailbox mb WHERE mb.domain_id = ?"
					  : "SELECT al.address FROM admin_alias al WHERE al.domain_id = ?",
				       mb ? "mb.address" : "al.address", f->domain_id, before, 1, f->prefix, f->glob,
				       n + 1, &res, err, "reading the page before");
		if (st != VM_OK)
			return st;
		goto got;
	}
	snprintf(did, sizeof did, "%lld", f->domain_id);
	switch (list) {
	case PAGE_DOMAINS:
		str_append(&sql, "SELECT d.name FROM admin_domain d WHERE 1 = 1");
		if (!vm->actor.superuser) {
			snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
			str_append(&sql, " AND d.id IN (SELECT oa.object_id FROM admin_objectaccess oa JOIN "
					 "django_content_type ct ON ct.id = oa.content_type_id WHERE ct.app_label = "
					 "'admin' AND ct.model = 'domain' AND oa.user_id = ?)");
			p[np++] = uid;
		}
		break;
	case PAGE_MAILBOXES:
	case PAGE_ALIASES:
		break; /* above */
	case PAGE_DOMAINALIASES:
		col = "da.name";
		str_append(&sql, "SELECT da.name FROM admin_domainalias da JOIN admin_domain d ON d.id = da.target_id "
				 "WHERE 1 = 1");
		if (f->target) {
			if ((st = valid_domain(f->target, tnorm, err)) != VM_OK) {
				free(sql);
				return st;
			}
			str_append(&sql, " AND d.name = ?");
			p[np++] = tnorm;
		}
		break;
	}
	if (before) {
		char *frag = xasprintf(" AND %s < ?", col);

		str_append(&sql, frag);
		free(frag);
		p[np++] = before;
	}
	if (f->glob && *f->glob && list != PAGE_DOMAINS && list != PAGE_DOMAINALIASES)
		match_glob(&sql, col, f->glob, &mp);
	else if (f->prefix && *f->prefix && list != PAGE_DOMAINALIASES && match_has_wildcard(f->prefix))
		match_glob(&sql, col, f->prefix, &mp);
	else if (f->prefix && *f->prefix && list != PAGE_DOMAINALIASES)
		match_prefix(vm, &sql, col, f->prefix, &mp);
	for (int i = 0; i < mp.n; i++)
		p[np++] = mp.v[i];
	/* n + 1 keys: the extra one is where the forward list starts after */
	snprintf(lim, sizeof lim, " ORDER BY %s DESC LIMIT %d", col, n + 1);
	str_append(&sql, lim);
	st = vm_sql(vm, sql, np, p, &res, err, "reading the page before");
	free(sql);
	match_params_free(&mp);
	if (st != VM_OK)
		return st;
got:
	if (res->nrows > (size_t)n) {
		snprintf(after, after_len, "%s", db_value(res, (size_t)n, 0) ? db_value(res, (size_t)n, 0) : "");
		*count = n;
	} else {
		*count = (int)res->nrows;
	}
	db_result_free(&res);
	return VM_OK;
}
