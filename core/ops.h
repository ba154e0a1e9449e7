/* SPDX-License-Identifier: MIT */
/* ops.h: the queue of pending mailbox operations (admin_mailboxoperation),
 * Modoboa's "Operations on the file system": a `rename` row keeps its
 * mailbox_id (so sql-maintain.cf answers 450 until the move is done), a
 * `delete` row has mailbox_id NULL; the argument is the home path. The
 * runner that applies them lives in opsrun.c. */
#ifndef VMAILADM_OPS_H
#define VMAILADM_OPS_H

#include "core/vm.h"

/* Queues an operation inside the open transaction; mailbox_id 0 = NULL. */
enum vm_status ops_queue(struct vm *vm, long long mailbox_id, const char *type, const char *argument,
			 struct vm_error *err) __attribute__((warn_unused_result));
/* The mailbox is being deleted: drops its pending renames and, unless
 * keep_files, queues the deletion of where its files are now (the old home
 * when a rename is still pending). */
enum vm_status ops_mailbox_deleted(struct vm *vm, long long mailbox_id, const char *home, int keep_files,
				   struct vm_error *err) __attribute__((warn_unused_result));

#endif
