/* SPDX-License-Identifier: MIT */
/* listing.c: what the list statements share (see listing.h). */
#include "core/lang/listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/match.h"
#include "lib/xalloc.h"

const char *listing_ll(long long v, char *buf, size_t len)
{
	snprintf(buf, len, "%lld", v);
	return buf;
}

const char *listing_domain(const struct vm *vm, const char *ascii, char *buf, size_t len)
{
	return vm->format == VM_FORMAT_JSON ? idn_to_unicode(ascii, buf, len) : idn_shown(ascii, buf, len);
}

const char *listing_address(const struct vm *vm, const char *ascii, char *buf, size_t len)
{
	return vm->format == VM_FORMAT_JSON ? idn_address_to_unicode(ascii, buf, len) : idn_shown_address(ascii, buf, len);
}

/* text keeps the columns it always had */
void listing_row(struct out_table *t, const char **v, const int *ascii)
{
	if (!t->json) {
		int o = 0, k = 0;

		for (int i = 0; i < t->ncols + k; i++) {
			if (ascii[k] == i) {
				k++;
				continue;
			}
			v[o++] = v[i];
		}
	}
	out_table_row(t, v);
}

void listing_begin(struct vm *vm, struct out_table *t, int ncols, const char *const *cols, const char *const *text_cols,
		   int nascii)
{
	if (vm->format == VM_FORMAT_JSON)
		out_table_begin(t, vm->out, 1, ncols, cols);
	else
		out_table_begin(t, vm->out, 0, ncols - nascii, text_cols);
}

/* Splits a list PATTERN into a domain pattern and a local-part pattern:
 * "example.com" = every mailbox of that domain; "a*@example.com";
 * "*@*.org"; "ali*" = local parts starting so, in every domain. */
void listing_split_pattern(const char *pat, char **dom, char **local)
{
	const char *at;

	*dom = *local = NULL;
	if (!pat || !*pat)
		return;
	at = strrchr(pat, '@');
	if (at) {
		*local = at > pat ? xstrndup(pat, (size_t)(at - pat)) : NULL;
		*dom = at[1] ? xstrdup(at + 1) : NULL;
	} else if (match_has_wildcard(pat)) {
		*local = xstrdup(pat);
	} else {
		*dom = xstrdup(pat);
	}
}

enum vm_status listing_each_domain(struct vm *vm, const char *dom_pat,
				   enum vm_status (*fn)(struct vm *, const struct domain *, void *, struct vm_error *),
				   void *ctx, struct vm_error *err)
{
	char after[VM_DOMAIN_MAX + 1] = "";
	enum vm_status st = VM_OK;

	if (dom_pat && !match_has_wildcard(dom_pat)) {
		struct domain d;

		if ((st = domain_get(vm, dom_pat, &d, err)) != VM_OK)
			return st;
		if ((st = vm_check_domain(vm, d.id, d.name, err)) != VM_OK)
			return st;
		return fn(vm, &d, ctx, err);
	}
	for (;;) {
		struct domain_row *rows = NULL;
		size_t n = 0;

		if ((st = domain_list(vm, dom_pat, after, 200, &rows, &n, err)) != VM_OK)
			return st;
		for (size_t i = 0; i < n && st == VM_OK; i++)
			st = fn(vm, &rows[i].d, ctx, err);
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].d.name);
		free(rows);
		if (st != VM_OK || n < 200)
			return st;
	}
}
