/* SPDX-License-Identifier: MIT */
/* bulk.h: adding many mailboxes at once, bounded by password hashing rather
 * than by database round trips.
 *
 * bulk_hash_all() hashes (or checks given hashes) on all cores with a small
 * pthread pool; crypt_rn is thread-safe (password.h). bulk_mailbox_add()
 * applies exactly mailbox_add()'s rules (mailbox.h) to a run of mailboxes:
 * validation in C, the domain and its quota cap read once per domain,
 * duplicates found with a few set queries (and in C within the run), then
 * rows written with multi-row INSERTs of up to BULK_CHUNK mailboxes inside
 * the caller's transaction (or its own). The change list gets the same
 * entries, in the same order, as n mailbox_add() calls would give. */
#ifndef VMAILADM_BULK_H
#define VMAILADM_BULK_H

#include <stddef.h>

#include "core/mailbox.h"
#include "core/password.h"
#include "core/vm.h"

#define BULK_CHUNK 500

struct hash_job {
	const char *plain;               /* hash this with the scheme, or */
	const char *given;               /* check this given hash (password-hash=) */
	char out[PASSWORD_HASH_MAX + 1]; /* the stored form, when ok */
	int ok;                          /* 0: failed; the single path will report why */
};

/* Runs every job on min(cores, n) threads ($VMAILADM_HASH_THREADS may set
 * the count). Never fails as a whole: a job that fails has ok = 0. */
void bulk_hash_all(const char *scheme, struct hash_job *jobs, size_t n);
/* The same in the background: bulk_hash_start starts the threads on jobs
 * (kept by the caller until bulk_hash_stop), which take them in order;
 * bulk_hash_wait returns once jobs [0, need) are done (hashing them itself
 * when no thread could start); bulk_hash_stop lets the running jobs end,
 * takes no more, joins the threads and frees the pool (*p NULL). */
struct hash_pool;
struct hash_pool *bulk_hash_start(const char *scheme, struct hash_job *jobs, size_t n);
void bulk_hash_wait(struct hash_pool *p, size_t need);
void bulk_hash_stop(struct hash_pool **p);
/* Threads bulk_hash_all would use for n jobs. */
int bulk_hash_threads(size_t n);

struct bulk_mailbox {
	const char *address;
	struct mailbox_opts o;
	const char *hash; /* the stored form, already made or checked by
	                   * bulk_hash_all (then not checked again), or NULL */
};

/* Adds the n mailboxes. On failure nothing of the run is kept (the
 * transaction level is rolled back), *failed is the index of the first
 * mailbox that mailbox_add() would have refused, and err holds the message
 * mailbox_add() would have given for it. */
enum vm_status bulk_mailbox_add(struct vm *vm, const struct bulk_mailbox *items, size_t n, size_t *failed,
				struct vm_error *err) __attribute__((warn_unused_result));

#endif
