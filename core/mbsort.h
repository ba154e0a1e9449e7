/* SPDX-License-Identifier: MIT */
/* mbsort.h: one domain's mailboxes a page at a time, ordered by usage or by
 * quota, with keyset pagination (never a count, never OFFSET, never all
 * rows): the console's `o` on the mailboxes screen.
 *
 * The orders (ties broken in the same direction, so that one index serves
 * both directions on every engine, MariaDB included):
 *  - MBSORT_USAGE: the usage ratio (bytes per MB of quota) as the index
 *    admin_quota_domain_usage_name has it (sql/<engine>-quota.sql), then
 *    the login (admin_quota.username). Unlimited mailboxes (quota 0, ratio
 *    NULL) come last when desc ("fullest first"), first when ascending. A
 *    mailbox without an admin_quota row (Dovecot has not counted it, or is
 *    between its DELETE and re-insert) is not listed in this order; the
 *    address order lists every mailbox.
 *  - MBSORT_QUOTA: admin_mailbox.quota, then the local part (index
 *    admin_mailbox_domain_quota).
 * A page is read as at most three index ranges (the bound's ties, the rows
 * beyond it, the unlimited ones), each ORDER BY ... LIMIT n, concatenated;
 * the bound is the previous row itself, compared through its own stored
 * values, so floating-point keys compare exactly. */
#ifndef VMAILADM_MBSORT_H
#define VMAILADM_MBSORT_H

#include <stddef.h>

#include "core/mailbox.h"
#include "core/vm.h"

enum mbsort_key { MBSORT_USAGE, MBSORT_QUOTA };

struct mbsort_query {
	long long domain_id;
	enum mbsort_key key;
	int desc;          /* fullest / largest first */
	const char *bound; /* local part of the row to page from; NULL or "" = from the start (before: the end) */
	int before;        /* the rows just before bound instead of after it */
	int limit;         /* at most this many rows (<= 0: 50) */
};

/* Up to q->limit rows in the query's order (also when q->before: the page
 * ends just before the bound). A bound that no longer exists (deleted or
 * renamed meanwhile) reads from the start (before: from the end). Domain
 * administrators: only granted domains. *rows: caller frees with free(). */
enum vm_status mbsort_page(struct vm *vm, const struct mbsort_query *q, struct mailbox **rows, size_t *n,
			   struct vm_error *err) __attribute__((warn_unused_result));

#endif
