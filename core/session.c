/* SPDX-License-Identifier: MIT */
/* session.c: the end of a session and its transactions (vm.h). It sits above
 * what a commit finishes -- the rollup counts (usage.c) and the audit log
 * (audit.c) -- so that the services below call vm_tx_* and nothing they call
 * calls back into them. */
#include "core/vm.h"

#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/usage.h"

void vm_close(struct vm *vm)
{
	if (vm->db)
		db_close(&vm->db);
	if (vm->url) {
		memset(vm->url, 0, strlen(vm->url)); /* the password */
		free(vm->url);
		vm->url = NULL;
	}
	change_list_clear(&vm->changes);
	usage_free(vm);
	audit_free(vm);
}

enum vm_status vm_tx_begin(struct vm *vm, int write, struct vm_error *err)
{
	struct db_error dberr = {0};

	if (write && vm->read_only)
		return vm_fail(err, VM_ERR_READ_ONLY, "this session is read-only: nothing can be changed");
	if (vm->tx_depth++ > 0)
		return VM_OK;
	if (db_begin(vm->db, &dberr) != DB_OK) {
		vm->tx_depth = 0;
		return vm_db_fail(err, &dberr, "starting a transaction");
	}
	return VM_OK;
}

enum vm_status vm_tx_end(struct vm *vm, int ok, struct vm_error *err)
{
	struct db_error dberr = {0};

	if (vm->tx_depth <= 0)
		return VM_OK;
	if (--vm->tx_depth > 0)
		return VM_OK;
	/* the rollup counts, last: their row locks are held only until the
	 * commit, taken in one order by every transaction */
	if (ok) {
		enum vm_status bst = domain_usage_flush(vm, err);

		if (bst != VM_OK) {
			db_rollback(vm->db);
			vm->audit_done = vm->changes.n;
			return bst;
		}
	}
	usage_forget(vm);
	if (!ok || vm->dry_run) {
		db_rollback(vm->db);
		/* rolled-back changes never reach the audit log */
		vm->audit_done = vm->changes.n;
		return VM_OK;
	}
	/* the audit rows commit with the changes they describe, or not at all */
	{
		struct vm_error aerr = {0};
		enum vm_status ast = audit_record(vm, &aerr);

		if (ast != VM_OK) {
			db_rollback(vm->db);
			vm->audit_done = vm->changes.n;
			if (err)
				*err = aerr;
			return ast;
		}
	}
	if (db_commit(vm->db, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "commit failed, nothing was changed");
	return VM_OK;
}

enum vm_status vm_tx_finish(struct vm *vm, enum vm_status st, struct vm_error *err)
{
	enum vm_status st2 = vm_tx_end(vm, st == VM_OK, err);

	return st != VM_OK ? st : st2;
}

void vm_changes_clear(struct vm *vm)
{
	change_list_clear(&vm->changes);
	vm->audit_done = 0;
}

enum vm_status vm_tx_leave(struct vm *vm, const char *what, int *left, struct vm_error *err)
{
	*left = 0;
	if (vm->tx_depth == 0)
		return VM_OK;
	if (vm->tx_depth > 1 || vm->changes.n > 0)
		return vm_fail(err, VM_ERR_USAGE,
			       "%s cannot run inside a script's transaction: run it alone (or use --keep-going)", what);
	*left = 1;
	return vm_tx_end(vm, 1, err);
}

enum vm_status vm_tx_rejoin(struct vm *vm, int left, struct vm_error *err)
{
	return left && vm->tx_depth == 0 ? vm_tx_begin(vm, 0, err) : VM_OK;
}
