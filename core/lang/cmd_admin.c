/* SPDX-License-Identifier: MIT */
/* cmd_admin.c: the `admin` statements (services in admin.h). */
#include <string.h>

#include "core/admin.h"
#include "core/lang/interp.h"
#include "core/validate.h"
#include "lib/output.h"

static enum vm_status opts_from(const struct args *a, struct admin_opts *o, struct vm_error *err)
{
	const char *role = args_opt(a, "role"), *en = args_opt(a, "enabled");
	enum vm_status st;

	memset(o, 0, sizeof *o);
	o->password = args_opt(a, "password");
	o->domains = args_opt(a, "domains");
	o->name = args_opt(a, "name");
	if (role) {
		o->has_role = 1;
		if (strcmp(role, "superadmin") == 0)
			o->superadmin = 1;
		else if (strcmp(role, "domainadmin") != 0)
			return vm_fail(err, VM_ERR_INVALID, "role: expected superadmin or domainadmin");
	}
	if (en) {
		o->has_enabled = 1;
		if ((st = valid_bool(en, "enabled", &o->enabled, err)) != VM_OK)
			return st;
	}
	return VM_OK;
}

enum vm_status cmd_admin_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct admin_opts o;
	enum vm_status st = opts_from(a, &o, err);

	return st != VM_OK ? st : admin_add(vm, a->pos[0], &o, err);
}

enum vm_status cmd_admin_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct admin_opts o;
	enum vm_status st = opts_from(a, &o, err);

	if (st != VM_OK)
		return st;
	if (!o.password && !o.has_role && !o.domains && !o.name && !o.has_enabled)
		return vm_fail(err, VM_ERR_USAGE, "nothing to change (give password=, role=, domains=, name= or enabled=)");
	return admin_set(vm, a->pos[0], &o, err);
}

enum vm_status cmd_admin_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	return admin_del(vm, a->pos[0], err);
}

enum vm_status cmd_admin_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"login", "role", "enabled", "name", "domains", "mailbox"};
	struct admin_info *rows = NULL;
	struct out_table t;
	size_t n = 0;
	enum vm_status st;

	(void)a;
	if ((st = admin_list(vm, &rows, &n, err)) != VM_OK)
		return st;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 6, cols);
	for (size_t i = 0; i < n; i++) {
		const struct admin_info *r = &rows[i];
		const char *v[6] = {r->login,
				    r->superadmin ? "superadmin" : "domainadmin",
				    r->enabled ? "yes" : "no",
				    r->name,
				    r->superadmin ? "*" : r->domains,
				    r->has_mailbox ? "yes" : "no"};

		out_table_row(&t, v);
	}
	out_table_end(&t);
	admin_infos_free(&rows, n);
	return VM_OK;
}
