/* SPDX-License-Identifier: MIT */
/* cmd_domain.c: the `domain` statements (services in domain.h, rename.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/idn.h"
#include "core/lang/interp.h"
#include "core/lang/listing.h"
#include "core/rename.h"
#include "core/services.h"
#include "core/validate.h"

static enum vm_status domain_opts_from(const struct args *a, struct domain_opts *o, struct vm_error *err)
{
	enum vm_status st;

	memset(o, 0, sizeof *o);
	if ((st = args_size(a, "quota", &o->has_quota, &o->quota_mb, err)) != VM_OK)
		return st;
	if (args_opt(a, "services")) {
		if ((st = services_parse_list(args_opt(a, "services"), o->services, err)) != VM_OK)
			return st;
		o->has_services = 1;
	}
	return args_bool(a, "enabled", &o->has_enabled, &o->enabled, err);
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

	listing_begin(vm, &t, 10, cols, tcols, 1);
	for (;;) {
		struct domain_row *rows = NULL;
		size_t n = 0;

		if ((st = domain_list(vm, a->npos ? a->pos[0] : NULL, after, 500, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			char q[32], mbx[32], al[32], da[32], used[32], alloc[32], u[VM_DOMAIN_SHOWN];
			const char *v[10] = {listing_domain(vm, rows[i].d.name, u, sizeof u),
					     rows[i].d.name,
					     rows[i].d.enabled ? "yes" : "no",
					     fmt_mb(rows[i].d.quota_mb, 1, q, sizeof q),
					     listing_ll(rows[i].mailboxes, mbx, sizeof mbx),
					     listing_ll(rows[i].aliases, al, sizeof al),
					     listing_ll(rows[i].domain_aliases, da, sizeof da),
					     listing_ll(rows[i].used_bytes, used, sizeof used),
					     listing_ll(rows[i].allocated_mb, alloc, sizeof alloc),
					     rows[i].as_of};

			listing_row(&t, v, ascii);
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

enum vm_status cmd_domain_rename(struct vm *vm, struct args *a, struct vm_error *err)
{
	return domain_rename(vm, a->pos[0], a->pos[1], err);
}
