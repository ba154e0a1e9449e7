/* SPDX-License-Identifier: MIT */
/* services.h: which services a mail account may use (imap, pop3, smtp,
 * sieve) and send-only accounts, kept in vmailadm's own tables
 * (owntables.h) beside Modoboa's, never in its columns:
 *  - vmailadm_services (mailbox_id, imap, pop3, smtp, sieve, send_only):
 *    a mailbox without a row may use every service, so a database Modoboa
 *    made, and every mailbox made before this, behave as before. Dovecot's
 *    password_query (dovecot.c) joins it and checks the service it asks
 *    for (%s); Postfix authenticates submission through Dovecot, so smtp=no
 *    refuses submission too.
 *  - vmailadm_domain_services (domain_id, imap, pop3, smtp, sieve): the set a
 *    domain's new mailboxes get (copied when the mailbox is added, so a
 *    later change of the default leaves existing mailboxes alone).
 * send-only: the account may submit mail but has no mailbox: imap, pop3
 * and sieve are stored off (asking for one of them with send-only=yes is
 * refused), and Postfix's sql-mailboxes.cf does not accept mail for it.
 *
 * A database without the tables (before `db upgrade`) reads as "every
 * service"; changing services there is refused with the command to run. */
#ifndef VMAILADM_SERVICES_H
#define VMAILADM_SERVICES_H

#include <stddef.h>

#include "core/change.h"
#include "core/vm.h"

enum service { SERVICE_IMAP, SERVICE_POP3, SERVICE_SMTP, SERVICE_SIEVE, SERVICE_COUNT };

/* "imap", "pop3", "smtp", "sieve". Static. */
const char *service_name(int s);

struct services {
	int on[SERVICE_COUNT];
	int send_only;
};

/* What a statement or a form asks to change: has[s] = on[s] given. */
struct services_opts {
	int has[SERVICE_COUNT], on[SERVICE_COUNT];
	int has_send_only, send_only;
};

/* 1 when o asks for any change. */
int services_opts_any(const struct services_opts *o);

/* Parses a list "imap,smtp" (any order; "all" = every service, "none" or
 * "" = none) into on[]. An unknown name: VM_ERR_INVALID naming it and the
 * known ones. */
enum vm_status services_parse_list(const char *text, int on[SERVICE_COUNT], struct vm_error *err)
	__attribute__((warn_unused_result));
/* Writes "imap,pop3,smtp,sieve" (the ones on), or "none", into buf. */
const char *services_format(const int on[SERVICE_COUNT], char *buf, size_t len);
/* The console's short form: "" when every service is on and not send-only,
 * else e.g. "send-only" or "no pop3,sieve". */
const char *services_short(const struct services *s, char *buf, size_t len);

/* Whether vmailadm_sender, vmailadm_services and vmailadm_domain_services
 * exist (looked up once per session; `db upgrade` makes it look again). */
enum vm_status services_tables(struct vm *vm, int *present, struct vm_error *err) __attribute__((warn_unused_result));
/* VM_ERR_REFUSED "... run vmailadm db upgrade" when they do not; what
 * names the action in the message. */
enum vm_status services_require_tables(struct vm *vm, const char *what, struct vm_error *err)
	__attribute__((warn_unused_result));

/* A mailbox's services (every one, not send-only, when it has no row). */
enum vm_status services_get(struct vm *vm, long long mailbox_id, struct services *s, struct vm_error *err)
	__attribute__((warn_unused_result));
/* The services of many mailboxes at once (the console's and `mailbox
 * list`'s page): out[i] for ids[i]. */
enum vm_status services_get_many(struct vm *vm, const long long *ids, size_t n, struct services *out,
				 struct vm_error *err) __attribute__((warn_unused_result));

/* Inside the caller's transaction, for mailbox_add (adding = 1: starts from
 * the domain's default) and mailbox_set (from the mailbox's row): applies o,
 * checks it (send-only with imap, pop3 or sieve on is refused), writes the
 * row and records the fields that changed in c ("services", "send-only").
 * Nothing is written when o is empty and, on adding, the domain has no
 * default. */
enum vm_status services_apply(struct vm *vm, long long mailbox_id, long long domain_id, int adding,
			      const struct services_opts *o, struct change *c, struct vm_error *err)
	__attribute__((warn_unused_result));
/* For the bulk path: gives the ids' mailboxes (all of domain_id's, just
 * added) the domain's default, when it has one. One statement. */
enum vm_status services_bulk_defaults(struct vm *vm, const long long *ids, size_t n, struct vm_error *err)
	__attribute__((warn_unused_result));

/* A domain's default for new mailboxes (*has = 0 and every service when it
 * has none). */
enum vm_status services_domain_get(struct vm *vm, long long domain_id, int on[SERVICE_COUNT], int *has,
				   struct vm_error *err) __attribute__((warn_unused_result));
/* Sets it (inside the caller's transaction) and records "services" in c. */
enum vm_status services_domain_set(struct vm *vm, long long domain_id, const int on[SERVICE_COUNT], struct change *c,
				   struct vm_error *err) __attribute__((warn_unused_result));

/* The delete paths: a mailbox's services row and sender grants; a domain's
 * default and every grant of an address in it (name: a domain or a domain
 * alias). Nothing when the tables are missing. */
enum vm_status services_forget_mailbox(struct vm *vm, long long mailbox_id, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status services_forget_domain(struct vm *vm, long long domain_id, const char *name, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
