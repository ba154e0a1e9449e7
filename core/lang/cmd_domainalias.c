/* SPDX-License-Identifier: MIT */
/* cmd_domainalias.c: the `domainalias` statements (services in domain.h). */
#include <stdio.h>
#include <stdlib.h>

#include "core/domain.h"
#include "core/idn.h"
#include "core/lang/interp.h"
#include "core/lang/listing.h"

enum vm_status cmd_domainalias_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = args_bool(a, "enabled", &has, &en, err);

	return st != VM_OK ? st : domainalias_add(vm, a->pos[0], a->pos[1], has, en, err);
}

enum vm_status cmd_domainalias_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = args_bool(a, "enabled", &has, &en, err);

	if (st != VM_OK)
		return st;
	if (!has && !args_opt(a, "target"))
		return vm_fail(err, VM_ERR_USAGE, "nothing to change (give target= or enabled=)");
	return domainalias_set(vm, a->pos[0], args_opt(a, "target"), has, en, err);
}

enum vm_status cmd_domainalias_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	return domainalias_del(vm, a->pos[0], err);
}

enum vm_status cmd_domainalias_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"name", "name_ascii", "target", "target_ascii", "enabled"};
	static const char *const tcols[] = {"name", "target", "enabled"};
	static const int ascii[] = {1, 3, -1};
	struct out_table t;
	char after[VM_DOMAIN_MAX + 1] = "";
	enum vm_status st = VM_OK;

	listing_begin(vm, &t, 5, cols, tcols, 2);
	for (;;) {
		struct domainalias *rows = NULL;
		size_t n = 0;

		if ((st = domainalias_list(vm, a->npos ? a->pos[0] : NULL, after, 500, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			char un[VM_DOMAIN_SHOWN], ut[VM_DOMAIN_SHOWN];
			const char *v[5] = {listing_domain(vm, rows[i].name, un, sizeof un), rows[i].name,
					    listing_domain(vm, rows[i].target, ut, sizeof ut), rows[i].target,
					    rows[i].enabled ? "yes" : "no"};

			listing_row(&t, v, ascii);
		}
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].name);
		free(rows);
		if (n < 500)
			break;
	}
	out_table_end(&t);
	return st;
}
