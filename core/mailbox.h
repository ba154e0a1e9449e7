/* SPDX-License-Identifier: MIT */
/* mailbox.h: mail accounts: admin_mailbox with its admin_user (username and
 * email = the full address), its SimpleUsers group row and its admin_quota
 * row (0, 0).
 *
 * Rules beyond validate.h and domain.h:
 *  - The domain must exist; an address used by a mailbox or by any
 *    admin_user login is refused.
 *  - A password (hashed here) or a password-hash (checked) is required to
 *    add a mailbox; it is never printed.
 *  - No quota given: the mailbox takes the domain's quota and follows it
 *    (use_domain_quota). A given quota must not be over the domain's cap; 0
 *    (unlimited) is over any cap.
 *  - Disabling sets admin_user.is_active false.
 *  - Services (services.h): a new mailbox takes its domain's default, then
 *    the options given; the row is written only when there is either.
 *  - Deleting removes the user, its group rows, its quota row and its alias
 *    links (an alias left without recipients is removed too), and queues the
 *    removal of its home (ops.h) unless keep_files. mailbox_del is
 *    cascade.c, with the other deletions that take objects along. */
#ifndef VMAILADM_MAILBOX_H
#define VMAILADM_MAILBOX_H

#include "core/password.h"
#include "core/services.h"
#include "core/validate.h"
#include "core/vm.h"

struct domain;

struct mailbox {
	long long id, user_id, domain_id, dates_id;
	char local[VM_LOCAL_MAX + 1];
	char domain[VM_DOMAIN_MAX + 1];
	char address[VM_ADDRESS_MAX + 1];
	int quota_mb;
	int use_domain_quota;
	int enabled;
	char first[VM_NAME_MAX * 4 + 1], last[VM_NAME_MAX * 4 + 1];
	long long bytes, messages; /* from admin_quota; 0 when no row */
	int has_usage;             /* an admin_quota row exists */
	long long pending_ops;     /* queued operations on this mailbox */
	int vacation;              /* an active vacation reply: filled only where asked
	                            * (the console, with vacation_active_flags), else 0 */
	char services[48];         /* services_short(): "" = every service, else "no pop3", "send-only" */
};

struct mailbox_opts {
	const char *password;      /* plain, hashed with the configured scheme */
	const char *password_hash; /* a given hash (checked) */
	int has_quota, quota_mb;
	const char *name; /* "First Last" */
	int has_enabled, enabled;
	struct services_opts services; /* imap= pop3= smtp= sieve= send-only= (services.h) */
};

enum vm_status mailbox_get(struct vm *vm, const char *address, struct mailbox *mb, struct vm_error *err)
	__attribute__((warn_unused_result));
/* mailbox_get for a change: then the actor's rights over it, its domain
 * (vm_check_domain) and, as a mailbox's account may be an administrator's
 * login, auth_check_user. */
enum vm_status mailbox_get_to_change(struct vm *vm, const char *address, struct mailbox *mb, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status mailbox_add(struct vm *vm, const char *address, const struct mailbox_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status mailbox_set(struct vm *vm, const char *address, const struct mailbox_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status mailbox_del(struct vm *vm, const char *address, int keep_files, struct vm_error *err)
	__attribute__((warn_unused_result));

/* One page of one domain's mailboxes in address order (keyset: after the
 * local part `after`). local_prefix or local_glob (NULL = all) filter on
 * the local part. */
struct mailbox_query {
	long long domain_id;
	const char *local_prefix;
	const char *local_glob;
	const char *after;
	int limit;
};
enum vm_status mailbox_list(struct vm *vm, const struct mailbox_query *q, struct mailbox **rows, size_t *n,
			    struct vm_error *err) __attribute__((warn_unused_result));

/* The quota rule of a new or changed mailbox addr in domain d: quota q MB
 * when has_q (0 = unlimited), refused (VM_ERR_QUOTA, naming both) over a
 * capped domain's cap; without has_q the domain's quota, followed
 * (*follows = 1). *out_q is the quota to store. bulk.c applies it too. */
enum vm_status mailbox_quota_rule(const struct domain *d, const char *addr, int has_q, int q, int *out_q, int *follows,
				  struct vm_error *err) __attribute__((warn_unused_result));

/* The columns of a struct mailbox, in the order mailbox_from_row reads
 * them, over mb (admin_mailbox), d (admin_domain), u (admin_user) and q
 * (admin_quota, outer-joined: NULL usage = no row). Every query that lists
 * mailboxes (mailbox.c, mbsort.c) selects these and decodes with
 * mailbox_from_row. */
#define MAILBOX_COLUMNS                                                                                                \
	"SELECT mb.id, mb.user_id, mb.domain_id, mb.dates_id, mb.address, d.name, mb.quota, "                          \
	"mb.use_domain_quota, u.is_active, u.first_name, u.last_name, q.bytes, q.messages, "                           \
	"(SELECT COUNT(*) FROM admin_mailboxoperation o WHERE o.mailbox_id = mb.id) "
/* Row r of a MAILBOX_COLUMNS result into *mb (cleared first; services and
 * vacation are left empty). */
void mailbox_from_row(const struct db_result *res, size_t r, struct mailbox *mb);

/* The id of auth_group SimpleUsers, which every mailbox's user joins (read
 * once per session; made when missing), as decimal text into out. */
enum vm_status mailbox_users_group(struct vm *vm, char *out, size_t len, struct vm_error *err)
	__attribute__((warn_unused_result));

/* The home directory of a mailbox: <root>/<domain>/<local>. Caller frees. */
char *mailbox_home(struct vm *vm, const char *domain, const char *local);

#endif
