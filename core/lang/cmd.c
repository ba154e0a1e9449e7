/* SPDX-License-Identifier: MIT */
/* cmd.c: what several statement handlers share (see cmd.h). */
#include "core/lang/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/match.h"
#include "core/validate.h"
#include "lib/xalloc.h"

enum vm_status cmd_opt_size(const struct args *a, const char *key, int *has, int *mb, struct vm_error *err)
{
	const char *v = args_opt(a, key);

	*has = v != NULL;
	return v ? valid_size_mb(v, key, mb, err) : VM_OK;
}

enum vm_status cmd_opt_bool(const struct args *a, const char *key, int *has, int *b, struct vm_error *err)
{
	const char *v = args_opt(a, key);

	*has = v != NULL;
	return v ? valid_bool(v, key, b, err) : VM_OK;
}

const char *cmd_fmt_ll(long long v, char *buf, size_t len)
{
	snprintf(buf, len, "%lld", v);
	return buf;
}

/* Splits a list PATTERN into a domain pattern and a local-part pattern:
 * "example.com" = every mailbox of that domain; "a*@example.com";
 * "*@*.org"; "ali*" = local parts starting so, in every domain. */
void cmd_split_pattern(const char *pat, char **dom, char **local)
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

/* Calls fn for every domain matching dom_pat (exact name, glob, or all). */
enum vm_status cmd_each_domain(struct vm *vm, const char *dom_pat,
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


enum vm_status cmd_generate(struct vm *vm, struct args *a, const struct cmd_generate_what *w, struct vm_error *err)
{
	int force = args_flag(a, "force");
	const char *dir = a->npos ? a->pos[0] : w->conf_dir;
	char *abs;
	enum vm_status st;

	if (a->npos > 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: %s [DIR] [force])", a->pos[1], w->statement);
	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_USAGE, "no directory given and no %s configured", w->conf_key);
	/* the files name each other by absolute path, and Postfix reads
	 * pgsql:file.cf as main.cf parameters unless the path is absolute */
	abs = realpath(dir, NULL);
	if (!abs)
		return vm_fail(err, VM_ERR_INVALID, "directory %s: %s", dir, strerror(errno));
	st = w->generate(vm, abs, force, err);
	free(abs);
	return st;
}
