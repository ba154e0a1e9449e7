/* SPDX-License-Identifier: MIT */
/* reopen.c: reconnecting a session (see reopen.h). */
#include "core/reopen.h"

enum vm_status vm_reopen(struct vm *vm, const char *url, struct vm_error *err)
{
	struct db_error dberr = {0};

	if (vm->db)
		db_close(&vm->db);
	vm->tx_depth = 0;
	vm->simple_users_group = 0; /* a cache of the old connection's database */
	vm_changes_clear(vm);
	if (!url)
		return vm_fail(err, VM_ERR_CONNECTION, "no database URL to reconnect to");
	if (db_open(url, vm->read_only, &vm->db, &dberr) != DB_OK) {
		vm->db = NULL;
		return vm_db_fail(err, &dberr, "reconnecting");
	}
	return VM_OK;
}
