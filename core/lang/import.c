/* SPDX-License-Identifier: MIT */
/* import.c: `import csv` (see import.h). */
#include "core/lang/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alias.h"
#include "core/bulk.h"
#include "core/lang/csvio.h"
#include "core/domain.h"
#include "core/lang/interp.h"
#include "lib/xalloc.h"

static char default_sep = ';';

void import_set_default_sep(char sep)
{
	default_sep = sep;
}

int import_parse_sep(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	if (strlen(s) != 1 || *s == '"' || *s == '\n' || *s == '\r')
		return -1;
	return (unsigned char)*s;
}

/* Modoboa's booleans: true/1/yes/y (any case); empty is no. */
static enum vm_status csv_bool(const char *v, const char *what, int *out, struct vm_error *err)
{
	if (!*v) {
		*out = 0;
		return VM_OK;
	}
	return valid_bool(v, what, out, err);
}

static const char *field(const struct csv_row *r, size_t i)
{
	return i < r->nfields ? r->fields[i] : "";
}

static int is_account(const struct csv_row *r)
{
	return strcasecmp(r->fields[0], "account") == 0;
}

/* The shape of every row, before anything is written. */
static enum vm_status check_shapes(const char *name, const struct csv_doc *doc, struct vm_error *err)
{
	static const struct {
		const char *kind;
		size_t min;
		const char *form;
	} kinds[] = {
		{"domain", 4, "domain;name;quota;enabled"},
		{"domainalias", 4, "domainalias;name;target;enabled"},
		{"account", 8, "account;username;password;first name;last name;enabled;group;email[;quota]"},
		{"alias", 4, "alias;address;enabled;recipient[;recipient...]"},
		{"forward", 4, "forward;address;enabled;recipient[;recipient...]"},
		{"dlist", 4, "dlist;address;enabled;recipient[;recipient...]"},
	};

	for (size_t i = 0; i < doc->n; i++) {
		const struct csv_row *r = &doc->rows[i];
		size_t k;

		for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
			if (strcasecmp(r->fields[0], kinds[k].kind) == 0)
				break;
		if (k == sizeof kinds / sizeof *kinds)
			return vm_fail(err, VM_ERR_INVALID,
				       "%s:%d: unknown row kind '%.40s' (domain, domainalias, account, alias, forward, dlist)",
				       name, r->line, r->fields[0]);
		if (r->nfields < kinds[k].min)
			return vm_fail(err, VM_ERR_INVALID, "%s:%d: %s row has %zu fields, at least %zu expected (%s)", name,
				       r->line, kinds[k].kind, r->nfields, kinds[k].min, kinds[k].form);
	}
	return VM_OK;
}

/* Fills a bulk item from an account row; NULL name buffer is owned by caller. */
static enum vm_status account_item(const struct csv_row *r, struct bulk_mailbox *b, char **name,
				   struct vm_error *err)
{
	const char *user = field(r, 1), *pw = field(r, 2), *first = field(r, 3), *last = field(r, 4);
	const char *email = field(r, 7), *quota = field(r, 8);
	enum vm_status st;

	memset(b, 0, sizeof *b);
	*name = NULL;
	b->address = *email ? email : user;
	if (!*pw)
		return vm_fail(err, VM_ERR_INVALID, "account %s: the password field is empty", b->address);
	if (pw[0] == '{' || pw[0] == '$')
		b->o.password_hash = pw;
	else
		b->o.password = pw;
	if ((st = csv_bool(field(r, 5), "enabled", &b->o.enabled, err)) != VM_OK)
		return st;
	b->o.has_enabled = 1;
	if (*quota && strcmp(quota, "0") != 0) {
		if ((st = valid_size_mb(quota, "quota", &b->o.quota_mb, err)) != VM_OK)
			return st;
		b->o.has_quota = 1;
	}
	if (*first || *last) {
		*name = xasprintf("%s%s%s", first, *first && *last ? " " : "", last);
		b->o.name = *name;
	}
	return VM_OK;
}

static enum vm_status import_accounts(struct vm *vm, const char *fname, const struct csv_doc *doc, size_t from,
				      size_t to, struct vm_error *err)
{
	struct bulk_mailbox *items = xcalloc(to - from + 1, sizeof *items);
	char **names = xcalloc(to - from + 1, sizeof *names);
	int *lines = xcalloc(to - from + 1, sizeof *lines);
	size_t n = 0, failed = 0;
	enum vm_status st = VM_OK;

	for (size_t i = from; i < to; i++) {
		const struct csv_row *r = &doc->rows[i];
		const char *group = field(r, 6);

		if (*group && strcasecmp(group, "SimpleUsers") != 0) {
			fprintf(stderr, "%s:%d: note: administrator %s (%s) skipped: manage administrators with admin statements\n",
				fname, r->line, field(r, 1), group);
			continue;
		}
		lines[n] = r->line;
		if ((st = account_item(r, &items[n], &names[n], err)) != VM_OK) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			vm_fail(err, st, "%s:%d: %s", fname, r->line, msg);
			n++;
			goto out;
		}
		n++;
	}
	if ((st = bulk_mailbox_add(vm, items, n, &failed, err)) != VM_OK) {
		char msg[sizeof err->msg];

		snprintf(msg, sizeof msg, "%s", err->msg);
		vm_fail(err, st, "%s:%d: %s", fname, failed < n ? lines[failed] : 0, msg);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(items);
	free(lines);
	return st;
}

static enum vm_status import_row(struct vm *vm, const struct csv_row *r, struct vm_error *err)
{
	const char *kind = r->fields[0];
	enum vm_status st;
	int en;

	if (strcasecmp(kind, "domain") == 0) {
		struct domain_opts o = {0};

		if (*field(r, 2)) {
			if ((st = valid_size_mb(field(r, 2), "quota", &o.quota_mb, err)) != VM_OK)
				return st;
			o.has_quota = 1;
		}
		if ((st = csv_bool(field(r, 3), "enabled", &o.enabled, err)) != VM_OK)
			return st;
		o.has_enabled = 1;
		return domain_add(vm, field(r, 1), &o, err);
	}
	if (strcasecmp(kind, "domainalias") == 0) {
		if ((st = csv_bool(field(r, 3), "enabled", &en, err)) != VM_OK)
			return st;
		return domainalias_add(vm, field(r, 1), field(r, 2), 1, en, err);
	}
	return VM_OK; /* aliases: import_aliases */
}

static int is_alias_row(const struct csv_row *r)
{
	return strcasecmp(r->fields[0], "alias") == 0 || strcasecmp(r->fields[0], "forward") == 0 ||
	       strcasecmp(r->fields[0], "dlist") == 0;
}

struct al_key {
	const char *addr;
	size_t idx;
};

static int cmp_al_key(const void *a, const void *b)
{
	return strcasecmp(((const struct al_key *)a)->addr, ((const struct al_key *)b)->addr);
}

/* Index (into rows) of the alias row for addr, or -1. */
static long alias_row_of(const struct al_key *keys, size_t n, const char *addr)
{
	struct al_key k = {addr, 0}, *hit = n ? bsearch(&k, keys, n, sizeof *keys, cmp_al_key) : NULL;

	return hit ? (long)hit->idx : -1;
}

static enum vm_status alias_fail(const char *fname, const struct csv_row *r, enum vm_status st,
				 struct vm_error *err)
{
	char msg[sizeof err->msg];

	snprintf(msg, sizeof msg, "%s", err->msg);
	return vm_fail(err, st, "%s:%d: %s", fname, r->line, msg);
}

/* alias, forward, dlist rows (the kind follows from the recipients), after
 * everything else. An alias may list aliases of later rows, or form a cycle
 * with them (export csv writes them so): each is first added with its other
 * recipients, then completed with alias_set once every alias exists. */
static enum vm_status import_aliases(struct vm *vm, const char *fname, const struct csv_doc *doc,
				     struct vm_error *err)
{
	struct al_key *keys = xcalloc(doc->n + 1, sizeof *keys);
	unsigned char *state = xcalloc(doc->n + 1, 1); /* 0 not alias, 1 to add, 2 added, 3 added partly */
	size_t nk = 0, left = 0;
	enum vm_status st = VM_OK;
	int progress = 1;

	for (size_t i = 0; i < doc->n; i++)
		if (is_alias_row(&doc->rows[i])) {
			keys[nk++] = (struct al_key){doc->rows[i].fields[1], i};
			state[i] = 1;
		}
	qsort(keys, nk, sizeof *keys, cmp_al_key);
	/* rounds: add what lists no alias still missing; then the rest with their other recipients */
	while (st == VM_OK && progress) {
		progress = 0;
		left = 0;
		for (size_t i = 0; i < doc->n && st == VM_OK; i++) {
			const struct csv_row *r = &doc->rows[i];
			size_t k;
			int en;

			if (state[i] != 1)
				continue;
			for (k = 3; k < r->nfields; k++) {
				long j = alias_row_of(keys, nk, r->fields[k]);

				if (j >= 0 && (size_t)j != i && state[j] == 1)
					break;
			}
			if (k < r->nfields) {
				left++;
				continue;
			}
			if ((st = csv_bool(field(r, 2), "enabled", &en, err)) == VM_OK)
				st = alias_add(vm, field(r, 1), (const char *const *)(r->fields + 3), r->nfields - 3, 1, en, err);
			if (st != VM_OK)
				st = alias_fail(fname, r, st, err);
			state[i] = 2;
			progress = 1;
		}
		if (st == VM_OK && !progress && left) {
			/* a cycle: add the first waiting alias with its other recipients */
			for (size_t i = 0; i < doc->n; i++) {
				const struct csv_row *r = &doc->rows[i];
				const char **some;
				size_t ns = 0;
				int en;

				if (state[i] != 1)
					continue;
				some = xcalloc(r->nfields, sizeof *some);
				for (size_t k = 3; k < r->nfields; k++) {
					long j = alias_row_of(keys, nk, r->fields[k]);

					if (!(j >= 0 && (size_t)j != i && state[j] == 1))
						some[ns++] = r->fields[k];
				}
				if (!ns) {
					free(some);
					continue;
				}
				if ((st = csv_bool(field(r, 2), "enabled", &en, err)) == VM_OK)
					st = alias_add(vm, field(r, 1), some, ns, 1, en, err);
				free(some);
				if (st != VM_OK)
					st = alias_fail(fname, r, st, err);
				state[i] = 3;
				progress = 1;
				break;
			}
			if (st == VM_OK && !progress)
				for (size_t i = 0; i < doc->n; i++)
					if (state[i] == 1) {
						st = vm_fail(err, VM_ERR_INVALID,
							     "%s:%d: alias %s lists only aliases that list it back: nothing to start from",
							     fname, doc->rows[i].line, doc->rows[i].fields[1]);
						break;
					}
		}
	}
	for (size_t i = 0; i < doc->n && st == VM_OK; i++)
		if (state[i] == 3) {
			const struct csv_row *r = &doc->rows[i];

			if ((st = alias_set(vm, field(r, 1), (const char *const *)(r->fields + 3), r->nfields - 3, 0, 0, err)) !=
			    VM_OK)
				st = alias_fail(fname, r, st, err);
		}
	free(keys);
	free(state);
	return st;
}

enum vm_status cmd_import_csv(struct vm *vm, struct args *a, struct vm_error *err)
{
	const char *sepopt = args_opt(a, "sep");
	int sep = sepopt ? import_parse_sep(sepopt) : default_sep;
	struct csv_doc doc;
	char ebuf[1024];
	enum vm_status st;
	size_t i = 0;

	if (sep < 0)
		return vm_fail(err, VM_ERR_USAGE, "sep='%.20s' must be one character (or tab)", sepopt);
	if (csv_load(a->pos[0], (char)sep, &doc, ebuf, sizeof ebuf) != 0)
		return vm_fail(err, VM_ERR_INVALID, "%s", ebuf);
	if ((st = check_shapes(a->pos[0], &doc, err)) != VM_OK)
		goto out;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		goto out;
	while (i < doc.n && st == VM_OK) {
		if (is_account(&doc.rows[i])) {
			size_t j = i;

			while (j < doc.n && is_account(&doc.rows[j]))
				j++;
			st = import_accounts(vm, a->pos[0], &doc, i, j, err);
			i = j;
			continue;
		}
		if (!is_alias_row(&doc.rows[i]) && (st = import_row(vm, &doc.rows[i], err)) != VM_OK) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			vm_fail(err, st, "%s:%d: %s", a->pos[0], doc.rows[i].line, msg);
		}
		i++;
	}
	if (st == VM_OK)
		st = import_aliases(vm, a->pos[0], &doc, err);
	st = vm_tx_finish(vm, st, err);
out:
	csv_doc_free(&doc);
	return st;
}
