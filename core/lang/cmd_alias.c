/* SPDX-License-Identifier: MIT */
/* cmd_alias.c: the alias statements (interp.h's ACTION_LIST) over alias.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alias.h"
#include "core/domain.h"
#include "core/lang/cmd.h"
#include "core/lang/interp.h"
#include "core/match.h"
#include "core/validate.h"
#include "lib/output.h"
#include "lib/xalloc.h"


enum vm_status cmd_alias_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = cmd_opt_bool(a, "enabled", &has, &en, err);

	return st != VM_OK ? st : alias_add(vm, a->pos[0], a->pos + 1, (size_t)a->npos - 1, has, en, err);
}

enum vm_status cmd_alias_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	const char *r = args_opt(a, "recipients");
	enum vm_status st = cmd_opt_bool(a, "enabled", &has, &en, err);
	char *copy = NULL, *save = NULL;
	const char **list = NULL;
	size_t n = 0;

	if (st != VM_OK)
		return st;
	if (!has && !r)
		return vm_fail(err, VM_ERR_USAGE, "nothing to change (give recipients= or enabled=)");
	if (r) {
		copy = xstrdup(r);
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			while (*t == ' ')
				t++;
			if (!*t)
				continue;
			list = xreallocarray(list, n + 1, sizeof *list);
			list[n++] = t;
		}
	}
	st = alias_set(vm, a->pos[0], r ? list : NULL, n, has, en, err);
	free(list);
	free(copy);
	return st;
}

enum vm_status cmd_alias_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	return alias_del(vm, a->pos[0], err);
}

/* What list_domain_aliases needs per domain. */
struct al_list_ctx {
	struct out_table *t;
	const char *local_glob;
};

static enum vm_status list_domain_aliases(struct vm *vm, const struct domain *d, void *vctx, struct vm_error *err)
{
	struct al_list_ctx *ctx = vctx;
	char after[VM_LOCAL_MAX + 1] = "";
	enum vm_status st;

	for (;;) {
		struct alias *rows = NULL;
		size_t n = 0;
		struct alias_query q = {d->id, NULL, ctx->local_glob, after, 200};

		if ((st = alias_list(vm, &q, &rows, &n, err)) != VM_OK)
			return st;
		for (size_t i = 0; i < n; i++) {
			const char *v[4] = {rows[i].address, rows[i].kind, rows[i].enabled ? "yes" : "no",
					    rows[i].recipients ? rows[i].recipients : ""};

			out_table_row(ctx->t, v);
		}
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].local);
		alias_rows_free(&rows, n);
		if (n < 200)
			return VM_OK;
	}
}

enum vm_status cmd_alias_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"address", "kind", "enabled", "recipients"};
	struct out_table t;
	char *dom = NULL, *local = NULL;
	struct al_list_ctx ctx = {&t, NULL};
	enum vm_status st;

	cmd_split_pattern(a->npos ? a->pos[0] : NULL, &dom, &local);
	if (local && strcmp(local, "") == 0) {
		free(local);
		local = NULL;
	}
	ctx.local_glob = local;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 4, cols);
	st = cmd_each_domain(vm, dom, list_domain_aliases, &ctx, err);
	out_table_end(&t);
	free(dom);
	free(local);
	return st;
}

/* quota show, recalc, rollup: core/quota.c */
