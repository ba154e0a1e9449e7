/* SPDX-License-Identifier: MIT */
/* storecheck.h: the database held against the mail store ([mail] root):
 * every disagreement named, one finding at a time, with the statement (or
 * the shell command, for files) that repairs it.
 *
 * Contract:
 *  - Read-only: it reads directory entries, lstat(2)s homes and (with
 *    usage) sizes maildirs; it never follows a symbolic link (every path is
 *    reached from the root's fd with O_NOFOLLOW, mailroot.h), never leaves
 *    the root and changes nothing on disk or in the database. Allowed in a
 *    read-only session. A domain administrator sees his granted domains
 *    only (and no directory of the root that no domain owns).
 *  - Bounded memory, flat in the size of the store: the domains and each
 *    domain's mailboxes are taken from the database in keyset pages, each
 *    mailbox lstat(2)ing its own home and noting the names it found in a
 *    Bloom filter of fixed size (8 kB, or 2 MB past one page); then each
 *    domain directory (and the root) is streamed with readdir(3), 1000
 *    entries held at a time (CHUNK). An entry the filter does not hold is
 *    nobody's; when the held entries are exactly as many as the names found
 *    they are all owned, and the directory costs no query. Otherwise (a
 *    false positive, a home gone meanwhile) a second pass asks the database
 *    which held entries a row owns, one query a chunk (answers compared
 *    byte for byte). What grows with the store is the pending operations
 *    queue, the domain names (for aliases) and the alias-to-alias edges,
 *    never the number of mailboxes nor the size of a directory.
 *  - Findings are given to o->emit as they are found, in this order:
 *    stuck operations; domain by domain its mailboxes' findings (by address),
 *    then its directory's entries no mailbox owns; the root's directories no
 *    domain owns; orphan quota rows, aliases, alias loops. Unowned entries
 *    come chunk by chunk in directory order, sorted (bytes) within a chunk
 *    (those a second pass finds after the others).
 *    The strings are valid during the call only.
 *  - A name that is not printable UTF-8 (control characters, invalid bytes)
 *    or starts with '.' is reported but never put into a repair: its repair
 *    is NULL ("-"), to be looked at by hand. */
#ifndef VMAILADM_STORECHECK_H
#define VMAILADM_STORECHECK_H

#include <stdio.h>

#include "core/vm.h"

/* Exit status of `store check` when it found something (0 when clean;
 * 1/2/3 keep their meanings). */
#define STORE_EXIT_FINDINGS 5

#define STORE_KIND_LIST(X)                                                                                             \
	X(STORE_ORPHAN_HOME, "orphan-home", "a home (or domain directory) that no mailbox owns")                       \
	X(STORE_MISSING_HOME, "missing-home", "a mailbox with recorded usage whose home is gone")                      \
	X(STORE_SYMLINK_HOME, "symlink-home", "a home or domain directory that is a symbolic link")                    \
	X(STORE_WRONG_OWNER, "wrong-owner", "a home not owned by [mail] owner, or group/world-writable")               \
	X(STORE_USAGE_DRIFT, "usage-drift", "recorded usage differs from the maildir (with usage)")                    \
	X(STORE_ORPHAN_QUOTA, "orphan-quota", "an admin_quota row of no account")                                      \
	X(STORE_STUCK_OPERATION, "stuck-operation", "a pending operation that waits too long or cannot run")           \
	X(STORE_DANGLING_ALIAS, "dangling-alias", "an alias recipient that is missing or disabled")                    \
	X(STORE_ALIAS_LOOP, "alias-loop", "aliases that reach themselves")

enum store_kind {
#define X(e, name, help) e,
	STORE_KIND_LIST(X)
#undef X
		STORE_KIND_COUNT
};

/* "orphan-home", ... */
const char *store_kind_name(enum store_kind k);
/* The one-line description of a kind. */
const char *store_kind_help(enum store_kind k);

struct store_finding {
	enum store_kind kind;
	const char *object; /* a path, an address, "operation 12" */
	const char *detail;
	const char *repair; /* a statement or a shell command; NULL = none */
};

typedef void (*store_emit_fn)(void *ctx, const struct store_finding *f);

struct store_check_opts {
	const char *scope; /* NULL = everything the actor may see; a DOMAIN or an ADDRESS */
	int usage;         /* also size every maildir (slower): usage-drift */
	store_emit_fn emit;
	void *ctx;
};

struct store_check_summary {
	long long homes;     /* home directories seen on disk */
	long long mailboxes; /* mailboxes read from the database */
	long long findings;
	long long by_kind[STORE_KIND_COUNT];
	int whole; /* the whole store was checked (a superadministrator, no scope) */
	int usage;
	int ops_untimed; /* vmailadm_op_queued is missing: operations are not timed (db upgrade) */
};

/* Runs the check. VM_OK also when it found something (see the summary);
 * an error only when it could not check (a bad scope, a refused root, the
 * database). Sets the flag store_findings_seen() reads when it found
 * anything. Joins an open transaction (reads only). */
enum vm_status store_check(struct vm *vm, const struct store_check_opts *o, struct store_check_summary *sum,
			   struct vm_error *err) __attribute__((warn_unused_result));

/* 1 once a store check in this process found something (main.c turns it
 * into STORE_EXIT_FINDINGS). */
int store_findings_seen(void);

/* Keeps sum as the last check's summary in vmailadm_store_check (scope ''),
 * with the time. Does nothing (VM_OK) in a read-only session, for a check
 * that was not of the whole store, or when the table is missing. Its own
 * write; not an audited change. */
enum vm_status store_summary_save(struct vm *vm, const struct store_check_summary *sum, struct vm_error *err)
	__attribute__((warn_unused_result));

struct store_last {
	char checked_at[32]; /* "YYYY-MM-DD HH:MM:SS" UTC */
	long long homes, mailboxes, findings;
	int usage;
	char kinds[512]; /* "orphan-home=2,missing-home=1" */
};
/* The last whole-store check: *have = 0 when there is none (or no table,
 * or the actor is not a superadministrator). */
enum vm_status store_summary_get(struct vm *vm, struct store_last *last, int *have, struct vm_error *err)
	__attribute__((warn_unused_result));

/* `quota forget ADDRESS`: deletes the admin_quota row of ADDRESS when no
 * account owns it (the repair of orphan-quota); refused when a mailbox has
 * that address. A domain administrator: only in his domains. */
enum vm_status store_quota_forget(struct vm *vm, const char *address, struct vm_error *err)
	__attribute__((warn_unused_result));

/* `ops queue delete PATH`: queues the archiving (or removal, [mail]
 * delete) of a home no mailbox owns (the repair of orphan-home), through
 * the runner, whose path checks apply: PATH must be exactly
 * <root>/<domain>/<local> (mailroot.h). Refused: the home of an existing
 * mailbox, a path already queued. A domain administrator: only in his
 * domains. */
enum vm_status store_queue_delete(struct vm *vm, const char *path, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
