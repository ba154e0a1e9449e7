/* SPDX-License-Identifier: MIT */
/* reopen.h: reconnecting a session whose database connection was lost
 * (a restarted server, a dropped network), for the long-lived console. */
#ifndef VMAILADM_REOPEN_H
#define VMAILADM_REOPEN_H

#include "core/vm.h"

/* Closes vm's connection (abandoning an open transaction, which the server
 * rolls back) and opens url again with the same read-only setting. On
 * failure vm->db is NULL: the caller must not use vm until a later
 * vm_reopen succeeds. */
enum vm_status vm_reopen(struct vm *vm, const char *url, struct vm_error *err) __attribute__((warn_unused_result));

#endif
