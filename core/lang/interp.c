/* SPDX-License-Identifier: MIT */
/* interp.c: runs statements through the action table (see interp.h). */
#include "core/lang/interp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alias.h"
#include "core/auth.h"
#include "core/domain.h"
#include "core/idn.h"
#include "core/mailbox.h"
#include "core/match.h"
#include "lib/output.h"
#include "core/schema.h"
#include "core/services.h"
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

const char *args_opt(const struct args *a, const char *key)
{
	for (int i = a->nopt - 1; i >= 0; i--)
		if (strcmp(a->keys[i], key) == 0)
			return a->vals[i];
	return NULL;
}

int args_flag(struct args *a, const char *word)
{
	for (int i = 0; i < a->npos; i++)
		if (strcmp(a->pos[i], word) == 0) {
			memmove(&a->pos[i], &a->pos[i + 1], (size_t)(a->npos - i - 1) * sizeof *a->pos);
			a->npos--;
			return 1;
		}
	return 0;
}

size_t args_opt_all(const struct args *a, const char *key, const char **vals)
{
	size_t n = 0;

	for (int i = 0; i < a->nopt; i++)
		if (strcmp(a->keys[i], key) == 0)
			vals[n++] = a->vals[i];
	return n;
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

/* ---- option helpers ---- */

static enum vm_status opt_size(const struct args *a, const char *key, int *has, int *mb, struct vm_error *err)
{
	const char *v = args_opt(a, key);

	*has = v != NULL;
	return v ? valid_size_mb(v, key, mb, err) : VM_OK;
}

static enum vm_status opt_bool(const struct args *a, const char *key, int *has, int *b, struct vm_error *err)
{
	const char *v = args_opt(a, key);

	*has = v != NULL;
	return v ? valid_bool(v, key, b, err) : VM_OK;
}

/* ---- db ---- */

enum vm_status cmd_db_init(struct vm *vm, struct args *a, struct vm_error *err)
{
	(void)a;
	return schema_init(vm, vm->out, err);
}

enum vm_status cmd_db_check(struct vm *vm, struct args *a, struct vm_error *err)
{
	int problems = 0;
	enum vm_status st;

	(void)a;
	st = schema_check(vm, vm->out, &problems, err);
	if (st == VM_OK && problems > 0)
		return vm_fail(err, VM_ERR_REFUSED, "the database has %d problem(s), listed above", problems);
	return st;
}

/* ---- domains ---- */

static enum vm_status domain_opts_from(const struct args *a, struct domain_opts *o, struct vm_error *err)
{
	enum vm_status st;

	memset(o, 0, sizeof *o);
	if ((st = opt_size(a, "quota", &o->has_quota, &o->quota_mb, err)) != VM_OK)
		return st;
	if (args_opt(a, "services")) {
		if ((st = services_parse_list(args_opt(a, "services"), o->services, err)) != VM_OK)
			return st;
		o->has_services = 1;
	}
	return opt_bool(a, "enabled", &o->has_enabled, &o->enabled, err);
}

enum vm_status cmd_domain_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct domain_opts o;
	enum vm_status st = domain_opts_from(a, &o, err);

	return st != VM_OK ? st : domain_add(vm, a->pos[0], &o, err);
}

enum vm_status cmd_domain_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct domain_opts o;
	enum vm_status st = domain_opts_from(a, &o, err);

	if (st != VM_OK)
		return st;
	if (!o.has_quota && !o.has_enabled && !o.has_services)
		return vm_fail(err, VM_ERR_USAGE, "nothing to change (give quota=, enabled= or services=)");
	return domain_set(vm, a->pos[0], &o, err);
}

enum vm_status cmd_domain_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	int keep = args_flag(a, "keep-files");

	if (a->npos != 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: domain del NAME [keep-files])",
			       a->pos[a->npos - 1]);
	return domain_del(vm, a->pos[0], keep, err);
}

static const char *fmt_ll(long long v, char *buf, size_t len)
{
	snprintf(buf, len, "%lld", v);
	return buf;
}

/* How a list shows a stored domain or address (idn.h): JSON always in
 * Unicode, beside a NAME_ascii column with the stored form; text in Unicode
 * when the locale is UTF-8, else as stored. */
static const char *shown_domain(const struct vm *vm, const char *ascii, char *buf, size_t len)
{
	return vm->format == VM_FORMAT_JSON ? idn_to_unicode(ascii, buf, len) : idn_shown(ascii, buf, len);
}

static const char *shown_address(const struct vm *vm, const char *ascii, char *buf, size_t len)
{
	return vm->format == VM_FORMAT_JSON ? idn_address_to_unicode(ascii, buf, len) : idn_shown_address(ascii, buf, len);
}

/* Drops the _ascii columns (at the indexes in ascii[], ending with -1) of a
 * row for text output: text keeps the columns it always had. */
static void row_out(struct out_table *t, const char **v, const int *ascii)
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

static void table_begin(struct vm *vm, struct out_table *t, int ncols, const char *const *cols,
			const char *const *text_cols, int nascii)
{
	if (vm->format == VM_FORMAT_JSON)
		out_table_begin(t, vm->out, 1, ncols, cols);
	else
		out_table_begin(t, vm->out, 0, ncols - nascii, text_cols);
}

enum vm_status cmd_domain_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"name",    "name_ascii",     "enabled",    "quota",        "mailboxes",
					   "aliases", "domain_aliases", "used_bytes", "allocated_mb", "as_of"};
	static const char *const tcols[] = {"name",           "enabled",    "quota",        "mailboxes", "aliases",
					    "domain_aliases", "used_bytes", "allocated_mb", "as_of"};
	static const int ascii[] = {1, -1};
	struct out_table t;
	char after[VM_DOMAIN_MAX + 1] = "";
	enum vm_status st = VM_OK;

	table_begin(vm, &t, 10, cols, tcols, 1);
	for (;;) {
		struct domain_row *rows = NULL;
		size_t n = 0;

		if ((st = domain_list(vm, a->npos ? a->pos[0] : NULL, after, 500, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			char q[32], mbx[32], al[32], da[32], used[32], alloc[32], u[VM_DOMAIN_SHOWN];
			const char *v[10] = {shown_domain(vm, rows[i].d.name, u, sizeof u),
					     rows[i].d.name,
					     rows[i].d.enabled ? "yes" : "no",
					     fmt_mb(rows[i].d.quota_mb, 1, q, sizeof q),
					     fmt_ll(rows[i].mailboxes, mbx, sizeof mbx),
					     fmt_ll(rows[i].aliases, al, sizeof al),
					     fmt_ll(rows[i].domain_aliases, da, sizeof da),
					     fmt_ll(rows[i].used_bytes, used, sizeof used),
					     fmt_ll(rows[i].allocated_mb, alloc, sizeof alloc),
					     rows[i].as_of};

			row_out(&t, v, ascii);
		}
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].d.name);
		free(rows);
		if (n < 500)
			break;
	}
	out_table_end(&t);
	return st;
}

/* ---- domain aliases ---- */

enum vm_status cmd_domainalias_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = opt_bool(a, "enabled", &has, &en, err);

	return st != VM_OK ? st : domainalias_add(vm, a->pos[0], a->pos[1], has, en, err);
}

enum vm_status cmd_domainalias_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = opt_bool(a, "enabled", &has, &en, err);

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

	table_begin(vm, &t, 5, cols, tcols, 2);
	for (;;) {
		struct domainalias *rows = NULL;
		size_t n = 0;

		if ((st = domainalias_list(vm, a->npos ? a->pos[0] : NULL, after, 500, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			char un[VM_DOMAIN_SHOWN], ut[VM_DOMAIN_SHOWN];
			const char *v[5] = {shown_domain(vm, rows[i].name, un, sizeof un), rows[i].name,
					    shown_domain(vm, rows[i].target, ut, sizeof ut), rows[i].target,
					    rows[i].enabled ? "yes" : "no"};

			row_out(&t, v, ascii);
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

/* ---- mailboxes ---- */

static enum vm_status mailbox_opts_from(const struct args *a, struct mailbox_opts *o, struct vm_error *err)
{
	enum vm_status st;

	memset(o, 0, sizeof *o);
	o->password = args_opt(a, "password");
	o->password_hash = args_opt(a, "password-hash");
	o->name = args_opt(a, "name");
	if ((st = opt_size(a, "quota", &o->has_quota, &o->quota_mb, err)) != VM_OK)
		return st;
	for (int s = 0; s < SERVICE_COUNT; s++)
		if ((st = opt_bool(a, service_name(s), &o->services.has[s], &o->services.on[s], err)) != VM_OK)
			return st;
	if ((st = opt_bool(a, "send-only", &o->services.has_send_only, &o->services.send_only, err)) != VM_OK)
		return st;
	return opt_bool(a, "enabled", &o->has_enabled, &o->enabled, err);
}

enum vm_status cmd_mailbox_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct mailbox_opts o;
	enum vm_status st = mailbox_opts_from(a, &o, err);

	return st != VM_OK ? st : mailbox_add(vm, a->pos[0], &o, err);
}

enum vm_status cmd_mailbox_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct mailbox_opts o;
	enum vm_status st = mailbox_opts_from(a, &o, err);

	if (st != VM_OK)
		return st;
	if (!o.password && !o.password_hash && !o.name && !o.has_quota && !o.has_enabled && !services_opts_any(&o.services))
		return vm_fail(err, VM_ERR_USAGE,
			       "nothing to change (give password=, quota=, name=, enabled=, imap=, pop3=, smtp=, sieve= or "
			       "send-only=)");
	return mailbox_set(vm, a->pos[0], &o, err);
}

enum vm_status cmd_mailbox_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	int keep = args_flag(a, "keep-files");

	if (a->npos != 1)
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (usage: mailbox del ADDRESS [keep-files])",
			       a->pos[a->npos - 1]);
	return mailbox_del(vm, a->pos[0], keep, err);
}

/* Splits a list PATTERN into a domain pattern and a local-part pattern:
 * "example.com" = every mailbox of that domain; "a*@example.com";
 * "*@*.org"; "ali*" = local parts starting so, in every domain. */
static void split_pattern(const char *pat, char **dom, char **local)
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
static enum vm_status each_domain(struct vm *vm, const char *dom_pat,
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

struct mb_list_ctx {
	struct out_table *t;
	const char *local_glob;
	int usage_only; /* quota show columns */
};

static void mailbox_usage_cells(const struct mailbox *m, char *q, char *used, char *msgs, char *pct, size_t len)
{
	fmt_mb(m->quota_mb, 1, q, len);
	snprintf(used, len, "%lld", m->bytes);
	snprintf(msgs, len, "%lld", m->messages);
	if (m->quota_mb > 0)
		snprintf(pct, len, "%.1f", (double)m->bytes * 100.0 / ((double)m->quota_mb * 1048576.0));
	else
		snprintf(pct, len, "-");
}

static enum vm_status list_domain_mailboxes(struct vm *vm, const struct domain *d, void *vctx, struct vm_error *err)
{
	struct mb_list_ctx *ctx = vctx;
	char after[VM_LOCAL_MAX + 1] = "";
	enum vm_status st;

	for (;;) {
		struct mailbox *rows = NULL;
		size_t n = 0;
		struct mailbox_query q = {d->id, NULL, ctx->local_glob, after, 500};

		if ((st = mailbox_list(vm, &q, &rows, &n, err)) != VM_OK)
			return st;
		for (size_t i = 0; i < n; i++) {
			struct mailbox *m = &rows[i];
			char qb[32], used[32], msgs[32], pct[32], pend[32];
			char *name = xasprintf("%s%s%s", m->first, *m->last ? " " : "", m->last);

			char u[VM_ADDRESS_SHOWN];
			const char *shown = shown_address(vm, m->address, u, sizeof u);
			static const int ascii[] = {1, -1};

			mailbox_usage_cells(m, qb, used, msgs, pct, sizeof qb);
			snprintf(pend, sizeof pend, "%lld", m->pending_ops);
			if (ctx->usage_only) {
				const char *v[6] = {shown, m->address, used, msgs, qb, pct};

				row_out(ctx->t, v, ascii);
			} else {
				const char *v[9] = {shown, m->address, name, m->enabled ? "yes" : "no", qb, used,
						    msgs,  pct,        pend};

				row_out(ctx->t, v, ascii);
			}
			free(name);
		}
		if (n)
			snprintf(after, sizeof after, "%s", rows[n - 1].local);
		free(rows);
		if (n < 500)
			return VM_OK;
	}
}

static enum vm_status list_mailboxes(struct vm *vm, const char *pattern, int usage_only, struct vm_error *err)
{
	static const char *const cols[] = {"address",    "address_ascii", "name",    "enabled",    "quota",
					   "used_bytes", "messages",      "percent", "pending_ops"};
	static const char *const tcols[] = {"address",    "name",     "enabled", "quota",
					    "used_bytes", "messages", "percent", "pending_ops"};
	static const char *const qcols[] = {"address", "address_ascii", "used_bytes", "messages", "quota", "percent"};
	static const char *const tqcols[] = {"address", "used_bytes", "messages", "quota", "percent"};
	struct out_table t;
	char *dom = NULL, *local = NULL;
	struct mb_list_ctx ctx;
	enum vm_status st;

	split_pattern(pattern, &dom, &local);
	ctx.t = &t;
	ctx.local_glob = local;
	ctx.usage_only = usage_only;
	/* a local pattern without wildcards is an exact local part */
	table_begin(vm, &t, usage_only ? 6 : 9, usage_only ? qcols : cols, usage_only ? tqcols : tcols, 1);
	st = each_domain(vm, dom, list_domain_mailboxes, &ctx, err);
	out_table_end(&t);
	free(dom);
	free(local);
	return st;
}

enum vm_status cmd_mailbox_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	return list_mailboxes(vm, a->npos ? a->pos[0] : NULL, 0, err);
}

/* ---- aliases ---- */

enum vm_status cmd_alias_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	enum vm_status st = opt_bool(a, "enabled", &has, &en, err);

	return st != VM_OK ? st : alias_add(vm, a->pos[0], a->pos + 1, (size_t)a->npos - 1, has, en, err);
}

enum vm_status cmd_alias_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	int has = 0, en = 0;
	const char *r = args_opt(a, "recipients");
	enum vm_status st = opt_bool(a, "enabled", &has, &en, err);
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

static enum vm_status list_domain_aliases(struct vm *vm, const struct domain *d, void *vctx, struct vm_error *err)
{
	struct mb_list_ctx *ctx = vctx;
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
			const char *v[6] = {shown_address(vm, rows[i].address, u, sizeof u),
					    rows[i].address,
					    rows[i].kind,
					    rows[i].enabled ? "yes" : "no",
					    ru ? ru : r,
					    r};

			row_out(ctx->t, v, ascii);
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
	struct mb_list_ctx ctx = {&t, NULL, 0};
	enum vm_status st;

	split_pattern(a->npos ? a->pos[0] : NULL, &dom, &local);
	if (local && strcmp(local, "") == 0) {
		free(local);
		local = NULL;
	}
	ctx.local_glob = local;
	table_begin(vm, &t, 6, cols, tcols, 2);
	st = each_domain(vm, dom, list_domain_aliases, &ctx, err);
	out_table_end(&t);
	free(dom);
	free(local);
	return st;
}

/* quota show, recalc, rollup: core/quota.c */
