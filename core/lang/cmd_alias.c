/* SPDX-License-Identifier: MIT */
/* cmd_alias.c: the `alias` statements (services in alias.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alias.h"
#include "core/idn.h"
#include "core/lang/interp.h"
#include "core/lang/listing.h"
#include "lib/xalloc.h"

enum vm_status cmd_alias_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = args_bool(a, "enabled", &has, &en, err);

	return st != VM_OK ? st : alias_add(vm, a->pos[0], a->pos + 1, (size_t)a->npos - 1, has, en, err);
}

enum vm_status cmd_alias_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	const char *r = args_opt(a, "recipients");
	enum vm_status st = args_bool(a, "enabled", &has, &en, err);
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
			static const int ascii[] = {1, 5, -1};
			char u[VM_ADDRESS_SHOWN];
			const char *r = rows[i].recipients ? rows[i].recipients : "";
			/* JSON always, text under a UTF-8 locale: recipients in Unicode too */
			char *ru = vm->format == VM_FORMAT_JSON || idn_locale_utf8() ? idn_list_to_unicode(r) : NULL;
			const char *v[6] = {listing_address(vm, rows[i].address, u, sizeof u),
					    rows[i].address,
					    rows[i].kind,
					    rows[i].enabled ? "yes" : "no",
					    ru ? ru : r,
					    r};

			listing_row(ctx->t, v, ascii);
			free(ru);
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
	static const char *const cols[] = {"address", "address_ascii", "kind",
					   "enabled", "recipients",    "recipients_ascii"};
	static const char *const tcols[] = {"address", "kind", "enabled", "recipients"};
	struct out_table t;
	char *dom = NULL, *local = NULL;
	struct al_list_ctx ctx = {&t, NULL};
	enum vm_status st;

	listing_split_pattern(a->npos ? a->pos[0] : NULL, &dom, &local);
	if (local && strcmp(local, "") == 0) {
		free(local);
		local = NULL;
	}
	ctx.local_glob = local;
	listing_begin(vm, &t, 6, cols, tcols, 2);
	st = listing_each_domain(vm, dom, list_domain_aliases, &ctx, err);
	out_table_end(&t);
	free(dom);
	free(local);
	return st;
}
