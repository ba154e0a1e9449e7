/* SPDX-License-Identifier: MIT */
/* admin.h: administrators (admin_user rows that may log in): the statements
 * `admin add|set|del|list`. Only a superadministrator may run them.
 *
 * Roles as Modoboa 1.0 keeps them: superadmin = is_superuser (and is_staff);
 * domainadmin = a row in admin_user_groups for the group 'DomainAdmins' and
 * one admin_objectaccess row (content type admin.domain) per granted domain.
 * A login is 1..254 characters of letters, digits and @._+- (an address, or
 * a plain name), lowercased.
 *  - add: a new account needs password=; the default role is domainadmin.
 *    An existing mailbox account (a SimpleUsers user) is promoted: it keeps
 *    its mailbox and password unless password= is given.
 *  - set: password=, enabled=, role=, domains= (the whole new list), name=.
 *  - del: an account with a mailbox goes back to being a plain mail user
 *    (SimpleUsers, no grants); any other is removed.
 *  - Nobody may disable, demote or delete their own login (a lock-out).
 * Passwords are hashed with [passwords] scheme and never shown; the change
 * list says "(set)". */
#ifndef VMAILADM_ADMIN_H
#define VMAILADM_ADMIN_H

#include "core/vm.h"

#define ADMIN_LOGIN_MAX 254

struct admin_opts {
	const char *password; /* plain, hashed here */
	int has_role, superadmin;
	const char *domains; /* "a.test,b.test" ("" = none), NULL = unchanged */
	const char *name;    /* "First Last" */
	int has_enabled, enabled;
};

enum vm_status admin_add(struct vm *vm, const char *login, const struct admin_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status admin_set(struct vm *vm, const char *login, const struct admin_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status admin_del(struct vm *vm, const char *login, struct vm_error *err) __attribute__((warn_unused_result));

struct admin_info {
	long long id;
	char login[ADMIN_LOGIN_MAX + 1];
	int superadmin, domainadmin, enabled, has_mailbox;
	char *name;    /* "First Last"; owned */
	char *domains; /* "a.test,b.test"; owned */
};
/* Every administrator in login order. Free with admin_infos_free. */
enum vm_status admin_list(struct vm *vm, struct admin_info **rows, size_t *n, struct vm_error *err)
	__attribute__((warn_unused_result));
void admin_infos_free(struct admin_info **rows, size_t n);

#endif
