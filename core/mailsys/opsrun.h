/* SPDX-License-Identifier: MIT */
/* opsrun.h: the runner of pending mailbox operations (ops.h): it moves
 * renamed homes and archives or removes deleted ones, under the mail root
 * only, and removes each row once its operation is done.
 *
 * Contract:
 *  - One runner at a time: flock on <root>/.vmailadm-ops.lock; a second
 *    runner is refused at once (VM_ERR_REFUSED), it does not wait.
 *  - It runs as [mail] owner; another user is refused unless as_any_user.
 *  - Operations run in id order; each success deletes its row in a
 *    transaction of its own, so it must be called outside a transaction.
 *  - rename: destination = the home of the mailbox's current address;
 *    create its domain directory, rename(2) (another file system is refused:
 *    EXDEV). delete: rename(2) into [mail] archive as
 *    "<local>@<domain>-<UTC time>-<row id>", or with [mail] delete = remove
 *    into <root>/.vmailadm-trash and removed there (leftovers of a killed
 *    run are removed by the next one).
 *  - Done also when the source is missing (logged), and for a rename when
 *    the source is missing and the destination present: a runner killed
 *    between the move and the row's deletion is completed by the next run.
 *  - Refused (row kept, logged): a path that is empty, relative, contains
 *    "..", is outside the mail root or the root itself, is not exactly
 *    <root>/<domain>/<local part> (no component starting with '.'), goes
 *    through a symbolic link, or a rename onto an existing home. Paths are
 *    walked from the root with O_NOFOLLOW, so a symlink cannot lead out.
 *  - Failures keep the row (the next run retries) and are logged.
 *  - Log: one line per operation on o->log (stderr for the statement),
 *    "<UTC time> vmailadm ops: Rename <old> -> <new>" / "Delete <path> ...",
 *    with the reason on failure.
 *  - vm->dry_run: checks and logs what it would do; changes nothing.
 *  - Test hook: VMAILADM_OPS_TEST_PAUSE_AFTER=move makes the runner log
 *    "pausing after move" and sleep after each move, before the row's
 *    deletion, so a test can kill it there. */
#ifndef VMAILADM_OPSRUN_H
#define VMAILADM_OPSRUN_H

#include <stddef.h>
#include <stdio.h>

#include "core/vm.h"

struct opsrun_opts {
	int as_any_user; /* run even when the process is not [mail] owner */
	FILE *log;       /* the log lines; NULL = stderr */
};

struct opsrun_stats {
	size_t done, failed;
};

/* Runs every pending operation. VM_ERR_REFUSED when one or more failed
 * (stats says how many; they are kept) or when refused as a whole. */
enum vm_status ops_run(struct vm *vm, const struct opsrun_opts *o, struct opsrun_stats *stats, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
