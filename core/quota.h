/* SPDX-License-Identifier: MIT */
/* quota.h: live quota usage as Dovecot's quota dict records it in admin_quota.
 *
 * Every read here is bounded: one indexed query returning at most `limit`
 * rows or a few aggregates, never all mailboxes. What makes that possible is
 * vmailadm's addition to the schema (sql/<engine>-quota.sql): a copy of the
 * mailbox's quota and domain in admin_quota kept by triggers, an index on the
 * usage ratio, a change marker, and the per-domain rollup table
 * vmailadm_domain_usage refreshed by quota_rollup(). The addition keeps
 * Dovecot's statements (UPDATE bytes=bytes+N; DELETE + upsert), Postfix's
 * lookups and Modoboa's inserts working; `db init` makes it, `db upgrade`
 * (quota_schema_upgrade) adds it to an existing database, `db check` warns
 * when it is missing (quota_schema_missing).
 *
 * Exit status of `quota show` and `--monitor --once` when a mailbox is at or
 * over the critical threshold: QUOTA_EXIT_CRITICAL (4), distinct from 1/2/3. */
#ifndef VMAILADM_QUOTA_H
#define VMAILADM_QUOTA_H

#include <stddef.h>
#include <stdio.h>

#include "core/validate.h"
#include "core/vm.h"

#define QUOTA_EXIT_CRITICAL 4

/* Figures that cannot be true; flagged, never hidden. */
enum {
	QUOTA_FLAG_NEGATIVE = 1,   /* bytes or messages < 0 (the guide's merge_quota trigger) */
	QUOTA_FLAG_NO_ROW = 2,     /* no admin_quota row: Dovecot has not counted yet */
	QUOTA_FLAG_FAR_OVER = 4,   /* more than 4 times the limit: a wrong count or limit */
	QUOTA_FLAG_IMPOSSIBLE = 8, /* more messages than bytes */
	QUOTA_FLAG_UNLINKED = 16,  /* a quota row no mailbox matches */
};

enum quota_level { QUOTA_LEVEL_OK, QUOTA_LEVEL_WARN, QUOTA_LEVEL_CRIT };

struct quota_usage {
	char address[VM_ADDRESS_MAX + 1];
	long long bytes, messages;
	int quota_mb;   /* 0 = unlimited */
	int has_row;    /* an admin_quota row exists */
	int linked;     /* the quota row belongs to a mailbox (quota_mb known) */
	double percent; /* of the limit; < 0 when unlimited */
	unsigned flags; /* QUOTA_FLAG_* */
	enum quota_level level;
};

/* Fills percent, flags and level from the figures, with the thresholds of
 * cfg ([monitor] warn, critical). */
void quota_usage_eval(struct quota_usage *u, const struct conf *cfg);
/* "negative, far over the limit" ("" when none). Returns buf. */
const char *quota_flags_text(unsigned flags, char *buf, size_t len);
/* "12.3" or "unlimited". Returns buf. */
const char *quota_percent_text(const struct quota_usage *u, char *buf, size_t len);
/* A usage row's figures as the tables print them ("-" for an unknown quota
 * or no percent; status "ok", "warn", "critical"). */
struct quota_cells {
	char used[32], messages[32], quota[32], percent[32], flags[128];
	const char *status;
};
void quota_usage_cells(const struct quota_usage *u, struct quota_cells *c);

/* The usage of one mailbox (by address). */
enum vm_status quota_get(struct vm *vm, const char *address, struct quota_usage *u, struct vm_error *err)
	__attribute__((warn_unused_result));

/* The `limit` mailboxes nearest to or over their limit, highest first
 * (domain_id 0 = all domains; unlimited ones come last). *rows: caller
 * frees with free(). One indexed query. */
enum vm_status quota_top(struct vm *vm, long long domain_id, int limit, struct quota_usage **rows, size_t *n,
			 struct vm_error *err) __attribute__((warn_unused_result));

struct quota_domain {
	long long domain_id;
	char name[VM_DOMAIN_MAX + 1];
	long long mailboxes, unlimited, bytes, messages, allocated_mb, anomalies;
};
/* Per-domain totals from the rollup, the biggest users of space first, at
 * most limit rows. refreshed (may be NULL) gets the rollup's time ("" when
 * never refreshed). *rows: caller frees with free(). */
enum vm_status quota_domains(struct vm *vm, int limit, struct quota_domain **rows, size_t *n, char *refreshed,
			     size_t rlen, struct vm_error *err) __attribute__((warn_unused_result));
/* Recomputes vmailadm_domain_usage from the copies in admin_quota (one
 * scan; run by `quota rollup`, e.g. from cron). Writes: needs a writable
 * session and joins the open transaction. */
enum vm_status quota_rollup(struct vm *vm, long long *domains, struct vm_error *err) __attribute__((warn_unused_result));

/* The number of pending mailbox operations. */
enum vm_status quota_pending_ops(struct vm *vm, long long *n, struct vm_error *err) __attribute__((warn_unused_result));

/* Where the last look at changes ended; empty = never looked. */
struct quota_mark {
	char v[64];
};
/* Rows changed since *mark (at most limit, newest first), and moves *mark
 * on. The first call (empty mark) only sets the mark. Rows may repeat
 * across calls (the marker is read with some overlap); *more is set when
 * there were more than limit. *rows: caller frees with free(). */
enum vm_status quota_changes(struct vm *vm, struct quota_mark *mark, int limit, struct quota_usage **rows, size_t *n,
			     int *more, struct vm_error *err) __attribute__((warn_unused_result));

/* Schema: what of the addition is missing, as "column admin_quota.quota_mb,
 * trigger vmailadm_quota_fill, ..." into buf ("" when complete). */
enum vm_status quota_schema_missing(struct vm *vm, char *buf, size_t len, struct vm_error *err)
	__attribute__((warn_unused_result));
/* Adds what is missing (idempotent), fills the copies and the rollup, prints
 * what it did to out. */
enum vm_status quota_schema_upgrade(struct vm *vm, FILE *out, struct vm_error *err) __attribute__((warn_unused_result));
/* 1 if name is one of vmailadm's own triggers (db check does not warn). */
int quota_own_trigger(const char *name);

/* Runs the configured recount ([dovecot] recalc, default "doveadm quota
 * recalc") for address (-u ADDRESS) or all (-A), without a shell; the
 * address is validated first. Its output goes to stderr. */
enum vm_status quota_recalc(struct vm *vm, const char *address, struct vm_error *err) __attribute__((warn_unused_result));

/* Set when a statement saw a mailbox at or over critical (quota show);
 * main.c turns it into QUOTA_EXIT_CRITICAL. */
int quota_alert_seen(void);
void quota_alert_note(enum quota_level level);

#endif
