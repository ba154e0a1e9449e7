/* SPDX-License-Identifier: MIT */
/* batch.h: runs a parsed script (or one command-line statement).
 *
 * Atomic by default: the whole script is one transaction; the first failing
 * statement stops it, everything is rolled back and the message names
 * FILE:LINE, the statement and the reason. keep_going: each statement
 * commits alone, failures are reported and counted, the run goes on.
 * vm->dry_run: everything runs, the diff is printed, then rolled back.
 * Returns the exit status: 0 done, 1 a statement failed, 2 usage, 3 the
 * database could not be reached. */
#ifndef VMAILADM_BATCH_H
#define VMAILADM_BATCH_H

#include "core/lang/stmt.h"
#include "core/vm.h"

struct batch_opts {
	int keep_going;
	int quiet;    /* do not print the changes */
	int one_shot; /* a single command-line statement: messages say "vmailadm:" */
};

int batch_run(struct vm *vm, const struct script *sc, const struct batch_opts *o);

#endif
