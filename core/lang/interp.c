/* SPDX-License-Identifier: MIT */
/* interp.c: runs statements through the action table (see interp.h). */
#include "core/lang/interp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "lib/xalloc.h"

static const struct action_info actions[] = {
#define X(e, o, v, mn, mx, w, opts, fn, usage, help) {o, v, mn, mx, w, opts, fn, usage, help},
	ACTION_LIST(X)
#undef X
};

const struct action_info *action_get(enum action a)
{
	return (a >= 0 && a < ACTION_COUNT) ? &actions[a] : NULL;
}

int action_find(const char *object, const char *verb)
{
	for (int i = 0; i < ACTION_COUNT; i++)
		if (strcmp(actions[i].object, object) == 0 && strcmp(actions[i].verb, verb) == 0)
			return i;
	return -1;
}

void interp_help(FILE *out)
{
	for (int i = 0; i < ACTION_COUNT; i++)
		fprintf(out, "  %-60s %s\n", actions[i].usage, actions[i].help);
}

/* Is key one of the comma-separated names in list? 2 when it is marked
 * repeatable ("if*"), 1 when it is there, 0 when not. */
static int opt_known(const char *list, const char *key, size_t keylen)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int many = n > 0 && p[n - 1] == '*';

		if (n - (size_t)many == keylen && strncmp(p, key, keylen) == 0)
			return many ? 2 : 1;
		p += n + (e ? 1 : 0);
	}
	return 0;
}

static int find_action(const struct stmt *s)
{
	if (s->nwords < 2)
		return -1;
	return action_find(s->words[0], s->words[1]);
}

int interp_writes(const struct stmt *s)
{
	int a = find_action(s);

	return a < 0 ? 1 : actions[a].writes;
}

enum vm_status interp_exec(struct vm *vm, const struct stmt *s, const char *where, struct vm_error *err)
{
	const struct action_info *ai;
	struct args a = {0};
	enum vm_status st;
	int idx, i;

	if (s->nwords == 0)
		return VM_OK;
	idx = find_action(s);
	if (idx < 0) {
		int known_object = 0;

		for (i = 0; i < ACTION_COUNT; i++)
			if (strcmp(actions[i].object, s->words[0]) == 0)
				known_object = 1;
		if (known_object && s->nwords >= 2)
			return vm_fail(err, VM_ERR_USAGE, "%s: unknown statement '%s %s'", where, s->words[0], s->words[1]);
		if (known_object)
			return vm_fail(err, VM_ERR_USAGE, "%s: '%s' needs a verb (add, set, del, list, ...)", where,
				       s->words[0]);
		return vm_fail(err, VM_ERR_USAGE, "%s: unknown statement '%s'", where, s->words[0]);
	}
	ai = &actions[idx];
	a.where = where;
	a.pos = xcalloc((size_t)s->nwords, sizeof *a.pos);
	a.keys = xcalloc((size_t)s->nwords, sizeof *a.keys);
	a.vals = xcalloc((size_t)s->nwords, sizeof *a.vals);
	for (i = 2; i < s->nwords; i++) {
		const char *w = s->words[i];
		const char *eq = strchr(w, '=');

		int known = eq && eq > w ? opt_known(ai->options, w, (size_t)(eq - w)) : 0;

		if (known) {
			char *k = xstrndup(w, (size_t)(eq - w));

			/* a second value of a one-value option is a mistake, not "the last one wins" */
			if (known == 1 && args_opt(&a, k)) {
				st = vm_fail(err, VM_ERR_USAGE, "%s: %s %s: option '%s' given twice (usage: %s)", where,
					     ai->object, ai->verb, k, ai->usage);
				free(k);
				goto out;
			}
			a.keys[a.nopt] = k;
			a.vals[a.nopt++] = eq + 1;
		} else if (eq && eq > w && ai->max_pos >= 0 && !strchr(w, '@')) {
			st = vm_fail(err, VM_ERR_USAGE, "%s: %s %s: unknown option '%.*s' (usage: %s)", where,
				     ai->object, ai->verb, (int)(eq - w), w, ai->usage);
			goto out;
		} else {
			a.pos[a.npos++] = w;
		}
	}
	if (a.npos < ai->min_pos || (ai->max_pos >= 0 && a.npos > ai->max_pos)) {
		st = vm_fail(err, VM_ERR_USAGE, "%s: %s %s: %s arguments (usage: %s)", where, ai->object, ai->verb,
			     a.npos < ai->min_pos ? "missing" : "too many", ai->usage);
		goto out;
	}
	if (ai->writes && vm->read_only) {
		st = vm_fail(err, VM_ERR_READ_ONLY, "%s: %s %s: this session is read-only", where, ai->object, ai->verb);
		goto out;
	}
	/* the role gate: statements beyond one domain are a superadministrator's */
	if ((st = auth_statement_allowed(vm, ai->object, ai->verb, err)) == VM_OK)
		st = ai->fn(vm, &a, err);
	if (st != VM_OK && strncmp(err->msg, where, strlen(where)) != 0) {
		char msg[sizeof err->msg];

		snprintf(msg, sizeof msg, "%s", err->msg);
		vm_fail(err, st, "%s: %s %s: %s", where, ai->object, ai->verb, msg);
	}
out:
	for (i = 0; i < a.nopt; i++)
		free((char *)(uintptr_t)a.keys[i]);
	free(a.pos);
	free(a.keys);
	free(a.vals);
	return st;
}
