/* SPDX-License-Identifier: MIT */
/* page.h: paging backwards over the core's keyset lists (domain_list,
 * mailbox_list, alias_list, domainalias_list), for the console's PgUp and
 * End. The lists only go forward (`after` a key); this module finds the key
 * to start from so that a forward list returns the rows just before a given
 * key, or the last page, with one indexed query (ORDER BY key DESC LIMIT
 * n+1) and never a count or an OFFSET. The row SQL stays in the list
 * functions, so a page read backwards has exactly the rows and columns of
 * a page read forwards. */
#ifndef VMAILADM_PAGE_H
#define VMAILADM_PAGE_H

#include <stddef.h>

#include "core/vm.h"

enum page_list { PAGE_DOMAINS, PAGE_MAILBOXES, PAGE_ALIASES, PAGE_DOMAINALIASES };

/* The same filters the forward lists take. */
struct page_filter {
	long long domain_id; /* mailboxes, aliases: the domain */
	const char *prefix;  /* NULL = all; a glob when it has * or ? */
	const char *glob;    /* mailboxes, aliases: a glob on the local part */
	const char *target;  /* domain aliases: only those pointing at this domain */
};

/* Sets after (room for after_len bytes, at least 256) to the key a forward
 * list should start after to return the n rows just before `before`
 * (NULL = the end of the list, i.e. the last page); "" when fewer than n rows
 * precede it. *count is how many rows that page has (0..n). */
enum vm_status page_start_before(struct vm *vm, enum page_list list, const struct page_filter *f, const char *before,
				 int n, char *after, size_t after_len, int *count, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
