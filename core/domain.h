/* SPDX-License-Identifier: MIT */
/* domain.h: mail domains (admin_domain) and domain aliases (admin_domainalias).
 *
 * Rules beyond validate.h:
 *  - The domain quota (MB) is the default and the cap of its mailboxes; 0 is
 *    unlimited. Lowering it below a mailbox's quota, or to a cap when a
 *    mailbox is unlimited, is refused with the numbers. Mailboxes that
 *    follow the domain quota (use_domain_quota) take the new value.
 *  - A domain alias name may not be a domain, and its target must exist.
 *  - Deleting a domain removes its mailboxes (as mailbox_del does, queueing
 *    the removal of their files unless keep_files), its aliases, the domain
 *    aliases pointing at it, and administrators' grants on it; a domain's
 *    or domain alias's deletion takes the sender grants of its addresses
 *    (sender.h) with it. domain_del is cascade.c, above mailbox.c and
 *    alias.c whose deletions it runs. */
#ifndef VMAILADM_DOMAIN_H
#define VMAILADM_DOMAIN_H

#include "core/services.h"
#include "core/validate.h"
#include "core/vm.h"

struct domain {
	long long id;
	char name[VM_DOMAIN_MAX + 1];
	int quota_mb;
	int enabled;
	long long dates_id;
};

/* A row of a domain list, with counts. */
struct domain_row {
	struct domain d;
	long long mailboxes;
	long long aliases;
	long long allocated_mb; /* sum of mailbox quotas */
	long long used_bytes;   /* sum of admin_quota.bytes */
	long long domain_aliases;
	/* "" when the figures above are exact; else the time of the rollup
	 * (vmailadm_domain_usage, refreshed by `quota rollup` and `db upgrade`)
	 * that allocated_mb and used_bytes (and a big domain's mailboxes) are
	 * as of */
	char as_of[40];
	/* mailboxes and aliases are the rollup's too (a big domain: see
	 * DOMAIN_BIG) */
	int counts_as_of;
};

/* allocated_mb and used_bytes sum every mailbox row of the domain: on each
 * page that is a random read per mailbox, so domain_list takes them from the rollup
 * when the domain has a rollup row. Counts are exact (index-only), except
 * in a domain the rollup counts at least DOMAIN_BIG mailboxes or aliases
 * in: its mailbox and alias counts are the rollup's, which vmailadm's own
 * additions and deletions keep current (usage_bump, usage.h) and `quota
 * rollup` refreshes. So a page counts at most 2 x DOMAIN_BIG index entries
 * per domain (tests/bench/RESULTS.md has the figures). */
#define DOMAIN_BIG 1000

struct domain_opts {
	int has_quota, quota_mb;
	int has_enabled, enabled;
	int has_services, services[SERVICE_COUNT]; /* the default of new mailboxes (services.h) */
};

/* Reads the domain called name (normalised first). VM_ERR_NOT_FOUND if none. */
enum vm_status domain_get(struct vm *vm, const char *name, struct domain *d, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status domain_add(struct vm *vm, const char *name, const struct domain_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status domain_set(struct vm *vm, const char *name, const struct domain_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status domain_del(struct vm *vm, const char *name, int keep_files, struct vm_error *err)
	__attribute__((warn_unused_result));
/* A page of domains in name order after `after` ("" = from the start),
 * whose name starts with prefix (NULL = all). *rows is malloc'd; caller frees.
 * See DOMAIN_BIG and domain_row.as_of for which figures are the rollup's;
 * a domain with no rollup row yet (or a database before `db upgrade`) is
 * counted and summed exactly. */
enum vm_status domain_list(struct vm *vm, const char *prefix, const char *after, int limit, struct domain_row **rows,
			   size_t *n, struct vm_error *err) __attribute__((warn_unused_result));
struct domainalias {
	long long id;
	char name[VM_DOMAIN_MAX + 1];
	char target[VM_DOMAIN_MAX + 1];
	int enabled;
};

/* One domain alias by name (the console's edit re-reads it to see a change
 * made since it was shown); a domain administrator gets only those pointing
 * at a granted domain. Fills *da; nothing to free. */
enum vm_status domainalias_get(struct vm *vm, const char *name, struct domainalias *da, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status domainalias_add(struct vm *vm, const char *name, const char *target, int has_enabled, int enabled,
			       struct vm_error *err) __attribute__((warn_unused_result));
enum vm_status domainalias_set(struct vm *vm, const char *name, const char *target, int has_enabled, int enabled,
			       struct vm_error *err) __attribute__((warn_unused_result));
enum vm_status domainalias_del(struct vm *vm, const char *name, struct vm_error *err) __attribute__((warn_unused_result));
/* A page of domain aliases in name order; target_filter (NULL = all) limits
 * them to one target domain. */
enum vm_status domainalias_list(struct vm *vm, const char *target_filter, const char *after, int limit,
				struct domainalias **rows, size_t *n, struct vm_error *err)
	__attribute__((warn_unused_result));

/* Escapes LIKE's % and _ (and the escape '!') in s for "LIKE ? ESCAPE '!'",
 * appending suffix. Caller frees. */
char *sql_like_prefix(const char *s);

#endif
