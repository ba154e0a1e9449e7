/* SPDX-License-Identifier: MIT */
/* session.c: a session's life (vm.h): vm_open, the transactions and
 * vm_close. Above what a commit finishes -- the rollup counts (usage.c) and
 * the audit log (auditlog.c) -- so that every service below calls vm_tx_*
 * and nothing a commit calls calls back into a service. */
#include "core/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auditlog.h"
#include "core/usage.h"
#include "lib/xalloc.h"

enum vm_status vm_open(struct vm *vm, struct conf *cfg, const char *url, int read_only, struct vm_error *err)
{
	struct db_error dberr = {0};

	memset(vm, 0, sizeof *vm);
	vm->cfg = cfg;
	vm->read_only = read_only;
	vm->out = stdout;
	vm->actor.superuser = 1;
	snprintf(vm->actor.origin, sizeof vm->actor.origin, "local");
	{
		const char *ssh = getenv("SSH_CLIENT");

		if (ssh && *ssh) {
			size_t n = strcspn(ssh, " ");

			snprintf(vm->actor.origin, sizeof vm->actor.origin, "ssh %.*s", (int)(n > 100 ? 100 : n), ssh);
		}
	}
	if (db_open(url, read_only, &vm->db, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, NULL);
	vm->url = xstrdup(url);
	return VM_OK;
}

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

/* Ends the outermost transaction in rollback; its changes are finished
 * without reaching the audit log. */
static void rollback(struct vm *vm)
{
	db_rollback(vm->db);
	usage_forget(vm);
	vm->audit_done = vm->changes.n;
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
		enum vm_status bst = usage_flush(vm, err);

		if (bst != VM_OK) {
			rollback(vm);
			return bst;
		}
	}
	if (!ok || vm->dry_run) {
		rollback(vm);
		return VM_OK;
	}
	/* the audit rows commit with the changes they describe, or not at all */
	{
		struct vm_error aerr = {0};
		enum vm_status ast =
			audit_record(vm, vm->changes.items + vm->audit_done, vm->changes.n - vm->audit_done, &aerr);

		if (ast != VM_OK) {
			rollback(vm);
			if (err)
				*err = aerr;
			return ast;
		}
		vm->audit_done = vm->changes.n;
	}
	if (db_commit(vm->db, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "commit failed, nothing was changed");
	return VM_OK;
}

enum vm_status vm_tx_finish(struct vm *vm, enum vm_status st, struct vm_error *err)
{
	/* a rollback's own failure must not overwrite the error that caused it */
	enum vm_status st2 = vm_tx_end(vm, st == VM_OK, st == VM_OK ? err : NULL);

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
