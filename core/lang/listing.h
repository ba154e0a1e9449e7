/* SPDX-License-Identifier: MIT */
/* listing.h: what the list statements (domain, domainalias, mailbox and
 * alias list) share: how a stored name is shown, the _ascii columns that
 * only JSON has, and the walk over the domains a pattern names. */
#ifndef VMAILADM_LISTING_H
#define VMAILADM_LISTING_H

#include <stddef.h>

#include "core/domain.h"
#include "core/vm.h"
#include "lib/output.h"

/* v as decimal in buf; returns buf. */
const char *listing_ll(long long v, char *buf, size_t len);
/* How a list shows a stored domain or address (idn.h): JSON always in
 * Unicode, beside a NAME_ascii column with the stored form; text in Unicode
 * when the locale is UTF-8, else as stored. Returns buf. */
const char *listing_domain(const struct vm *vm, const char *ascii, char *buf, size_t len);
const char *listing_address(const struct vm *vm, const char *ascii, char *buf, size_t len);
/* Starts a table of ncols columns cols for JSON, or for text the
 * ncols - nascii columns text_cols (cols without the _ascii ones). */
void listing_begin(struct vm *vm, struct out_table *t, int ncols, const char *const *cols, const char *const *text_cols,
		   int nascii);
/* Prints row v (every column of cols); for text first drops the _ascii
 * columns at the indexes in ascii[] (ending with -1). v is changed. */
void listing_row(struct out_table *t, const char **v, const int *ascii);
/* Splits a list PATTERN into a domain pattern and a local-part pattern
 * (each malloc'd or NULL; the caller frees both). */
void listing_split_pattern(const char *pat, char **dom, char **local);
/* Calls fn for every domain matching dom_pat (exact name, glob, or NULL:
 * all) that the actor may see, in name order; stops at the first error. */
enum vm_status listing_each_domain(struct vm *vm, const char *dom_pat,
				   enum vm_status (*fn)(struct vm *, const struct domain *, void *, struct vm_error *),
				   void *ctx, struct vm_error *err) __attribute__((warn_unused_result));

#endif
