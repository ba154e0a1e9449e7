/* SPDX-License-Identifier: MIT */
/* auth.h: who is acting: administrator logins, the Unix-account mapping, the
 * implicit superadministrator, and which statements need which role.
 *
 * Roles are Modoboa 1.0's: admin_user.is_superuser = superadministrator (may
 * do everything); membership of the auth_group 'DomainAdmins' = domain
 * administrator (may see and change only the domains granted to them in
 * admin_objectaccess; vm_check_domain() enforces it in every service). Any
 * other account (a mailbox's own user, SimpleUsers) cannot log in.
 *
 * How the caller is decided (core_login):
 *  1. --user LOGIN: the password comes from --password-file (refused when
 *     others may read it), else VMAILADM_PASSWORD (removed from the
 *     environment once read), else the terminal without echo. An unknown
 *     login, a wrong password, an account that is not an administrator and
 *     a disabled administrator all get the same message; each failure is
 *     logged (syslog LOG_AUTHPRIV and stderr) and slowed down (1 s, 2 s,
 *     4 s, ... up to 8 s within one process).
 *  2. else [access] unix_logins maps the real Unix account to a login
 *     ("alice=alice@example.com,bob=admin"): the session is that
 *     administrator, without a password (the SSH forced-command case: sshd
 *     has already authenticated the Unix account). The login must exist, be
 *     an administrator and be enabled.
 *  3. else the caller is the superadministrator, because they could read the
 *     database credentials. In a set-user/group-ID process (the credentials
 *     are readable by the program, not necessarily by the caller) that is
 *     checked with the REAL ids: the config file and the password file must
 *     be readable by the caller (access(2)), else the session is refused. */
#ifndef VMAILADM_AUTH_H
#define VMAILADM_AUTH_H

#include "core/vm.h"

/* Decides who is acting (see above) and fills vm->actor. user and
 * password_file may be NULL. */
enum vm_status core_login(struct vm *vm, const char *user, const char *password_file, struct vm_error *err)
	__attribute__((warn_unused_result));

/* Checks login + password against admin_user and fills vm->actor. The
 * same message for every failure; failures are logged and delayed. */
enum vm_status auth_login_password(struct vm *vm, const char *login, const char *password, struct vm_error *err)
	__attribute__((warn_unused_result));

/* The login mapped to the Unix account unix_name in the map "a=b,c=d", or
 * NULL. Caller frees. */
char *auth_unix_login(const char *map, const char *unix_name);

/* 1 when the process runs set-user-ID or set-group-ID. */
int auth_privileged(void);

/* The gate for statements that only a superadministrator may run (db, admin,
 * maps, dovecot, ops, export, import). VM_OK or VM_ERR_DENIED. */
enum vm_status auth_statement_allowed(struct vm *vm, const char *object, const char *verb, struct vm_error *err)
	__attribute__((warn_unused_result));

/* VM_ERR_DENIED unless the actor is a superadministrator; what (may be
 * NULL) names the action in the message ("generating maps"). */
enum vm_status auth_require_superuser(struct vm *vm, const char *what, struct vm_error *err)
	__attribute__((warn_unused_result));

/* A domain administrator may not change or remove the account of another
 * administrator (a superadministrator's mailbox in a domain they manage
 * would otherwise give them its password). VM_OK when the actor is a
 * superadministrator, when user_id is the actor, or when the account is
 * not an administrator. */
enum vm_status auth_check_user(struct vm *vm, long long user_id, const char *what, struct vm_error *err)
	__attribute__((warn_unused_result));

/* Overwrites, in place, the password of a database URL given on the
 * command line (user:PASSWORD@ or password=PASSWORD) with 'x', so that ps
 * does not show it. */
void auth_hide_url_password(char *arg);

/* Number of failed logins in this process (for tests of the delay). */
int auth_failures(void);

#endif
