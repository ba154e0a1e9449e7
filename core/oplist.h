/* SPDX-License-Identifier: MIT */
/* oplist.h: reading the queue of pending mailbox operations
 * (admin_mailboxoperation) page by page, for the console's operations
 * screen. Writing the queue is ops.h; running it is the runner's. */
#ifndef VMAILADM_OPLIST_H
#define VMAILADM_OPLIST_H

#include <stddef.h>

#include "core/validate.h"
#include "core/vm.h"

struct op_row {
	long long id;
	long long mailbox_id;             /* 0 when NULL (a deletion) */
	char type[21];                    /* "rename", "delete" */
	char address[VM_ADDRESS_MAX + 1]; /* the mailbox's address, "" when none */
	char *argument;                   /* owned: the home path */
};

/* Up to limit operations with id > after_id, in id order (the order the
 * runner applies them). *rows is malloc'd: free with op_rows_free. */
enum vm_status op_list(struct vm *vm, long long after_id, int limit, struct op_row **rows, size_t *n,
		       struct vm_error *err) __attribute__((warn_unused_result));
/* The id to list after so that op_list returns the `limit` rows before
 * before_id (0 = the last rows); *count: how many there are (0..limit). */
enum vm_status op_start_before(struct vm *vm, long long before_id, int limit, long long *after_id, int *count,
			       struct vm_error *err) __attribute__((warn_unused_result));
void op_rows_free(struct op_row **rows, size_t n);

#endif
