/* SPDX-License-Identifier: MIT */
/* oplist.c: pages of the pending operations queue (see oplist.h). */
#include "core/oplist.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/xalloc.h"

enum vm_status op_list(struct vm *vm, long long after_id, int limit, struct op_row **rows, size_t *n, struct vm_error *err)
{
	struct db_result *res = NULL;
	char aid[32], sql[512];
	const char *p[1] = {aid};
	enum vm_status st;

	*rows = NULL;
	*n = 0;
	snprintf(aid, sizeof aid, "%lld", after_id);
	snprintf(sql, sizeof sql,
		 "SELECT o.id, o.mailbox_id, o.type, o.argument, mb.address, d.name FROM admin_mailboxoperation o "
		 "LEFT JOIN admin_mailbox mb ON mb.id = o.mailbox_id LEFT JOIN admin_domain d ON d.id = mb.domain_id "
		 "WHERE o.id > ? ORDER BY o.id LIMIT %d",
		 limit > 0 ? limit : 50);
	if ((st = vm_sql(vm, sql, 1, p, &res, err, "listing pending operations")) != VM_OK)
		return st;
	*rows = xcalloc(res->nrows ? res->nrows : 1, sizeof **rows);
	for (size_t r = 0; r < res->nrows; r++) {
		struct op_row *o = &(*rows)[r];
		const char *t = db_value(res, r, 2), *arg = db_value(res, r, 3);
		const char *local = db_value(res, r, 4), *dom = db_value(res, r, 5);

		o->id = vm_ll(db_value(res, r, 0));
		o->mailbox_id = vm_ll(db_value(res, r, 1));
		snprintf(o->type, sizeof o->type, "%s", t ? t : "");
		if (local && dom)
			snprintf(o->address, sizeof o->address, "%s@%s", local, dom);
		o->argument = xstrdup(arg ? arg : "");
	}
	*n = res->nrows;
	db_result_free(&res);
	return VM_OK;
}

enum vm_status op_start_before(struct vm *vm, long long before_id, int limit, long long *after_id, int *count,
			       struct vm_error *err)
{
	struct db_result *res = NULL;
	char sql[200], bid[32];
	const char *p[1] = {bid};
	enum vm_status st;

	*after_id = 0;
	*count = 0;
	if (limit <= 0)
		limit = 50;
	snprintf(bid, sizeof bid, "%lld", before_id);
	snprintf(sql, sizeof sql, "SELECT id FROM admin_mailboxoperation %s ORDER BY id DESC LIMIT %d",
		 before_id > 0 ? "WHERE id < ?" : "", limit + 1);
	if ((st = vm_sql(vm, sql, before_id > 0 ? 1 : 0, p, &res, err, "listing pending operations")) != VM_OK)
		return st;
	if (res->nrows > (size_t)limit) {
		*after_id = vm_ll(db_value(res, (size_t)limit, 0));
		*count = limit;
	} else {
		*count = (int)res->nrows;
	}
	db_result_free(&res);
	return VM_OK;
}

void op_rows_free(struct op_row **rows, size_t n)
{
	if (!*rows)
		return;
	for (size_t i = 0; i < n; i++)
		free((*rows)[i].argument);
	free(*rows);
	*rows = NULL;
}
