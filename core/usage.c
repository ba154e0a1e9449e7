/* SPDX-License-Identifier: MIT */
/* usage.c: the per-domain rollup counts a transaction changes (usage.h). */
#include "core/usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

struct usage_bump {
	long long domain_id, mailboxes, aliases;
};

struct usage_state {
	int present; /* 0 not looked yet, 1 vmailadm_domain_usage there (with its aliases column), -1 not */
	struct usage_bump *bumps; /* the counts to change at commit */
	size_t nbumps, capbumps;
};

static struct usage_state *state(struct vm *vm)
{
	if (!vm->usage)
		vm->usage = xcalloc(1, sizeof *vm->usage);
	return vm->usage;
}

enum vm_status usage_present(struct vm *vm, int *present, struct vm_error *err)
{
	struct usage_state *u = state(vm);
	struct db_result *res = NULL;
	struct db_error dberr = {0};

	*present = 0;
	if (!u->present) {
		if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_COLUMNS, "vmailadm_domain_usage", &res, &dberr) !=
		    DB_OK)
			return vm_db_fail(err, &dberr, "looking for the table vmailadm_domain_usage");
		u->present = -1;
		for (size_t r = 0; r < res->nrows; r++)
			if (db_value(res, r, 0) && strcmp(db_value(res, r, 0), "aliases") == 0)
				u->present = 1;
		db_result_free(&res);
	}
	*present = u->present > 0;
	return VM_OK;
}

void usage_recheck(struct vm *vm)
{
	if (vm->usage)
		vm->usage->present = 0;
}

enum vm_status usage_bump(struct vm *vm, long long domain_id, long long mailboxes, long long aliases, struct vm_error *err)
{
	struct usage_state *u;
	struct usage_bump *b = NULL;
	enum vm_status st;
	int present;

	if ((st = usage_present(vm, &present, err)) != VM_OK || !present || (!mailboxes && !aliases))
		return st;
	u = state(vm);
	/* a script mostly works domain by domain: look from the last one */
	for (size_t i = u->nbumps; i-- > 0 && !b;)
		if (u->bumps[i].domain_id == domain_id)
			b = &u->bumps[i];
	if (!b) {
		if (u->nbumps == u->capbumps) {
			u->capbumps = u->capbumps ? 2 * u->capbumps : 16;
			u->bumps = xreallocarray(u->bumps, u->capbumps, sizeof *u->bumps);
		}
		b = &u->bumps[u->nbumps++];
		b->domain_id = domain_id;
		b->mailboxes = b->aliases = 0;
	}
	b->mailboxes += mailboxes;
	b->aliases += aliases;
	return VM_OK;
}

static int bump_cmp(const void *x, const void *y)
{
	const struct usage_bump *a = x, *b = y;

	return a->domain_id < b->domain_id ? -1 : a->domain_id > b->domain_id;
}

enum vm_status usage_flush(struct vm *vm, struct vm_error *err)
{
	struct usage_state *u = vm->usage;
	enum vm_status st = VM_OK;

	if (!u || !u->nbumps)
		return VM_OK;
	qsort(u->bumps, u->nbumps, sizeof *u->bumps, bump_cmp);
	for (size_t i = 0; i < u->nbumps && st == VM_OK; i++) {
		char id[24], m[24], a[24];

		if (!u->bumps[i].mailboxes && !u->bumps[i].aliases)
			continue;
		snprintf(id, sizeof id, "%lld", u->bumps[i].domain_id);
		snprintf(m, sizeof m, "%lld", u->bumps[i].mailboxes);
		snprintf(a, sizeof a, "%lld", u->bumps[i].aliases);
		st = vm_sql(vm,
			    "UPDATE vmailadm_domain_usage SET mailboxes = mailboxes + CAST(? AS INTEGER), "
			    "aliases = aliases + CAST(? AS INTEGER) WHERE domain_id = ?",
			    3, (const char *const[]){m, a, id}, NULL, err, "counting in the per-domain rollup");
	}
	u->nbumps = 0;
	return st;
}

void usage_forget(struct vm *vm)
{
	if (vm->usage)
		vm->usage->nbumps = 0;
}

void usage_free(struct vm *vm)
{
	if (vm->usage) {
		free(vm->usage->bumps);
		free(vm->usage);
		vm->usage = NULL;
	}
}
