/* SPDX-License-Identifier: MIT */
/* maps.h: the Postfix map files (sql-*.cf) and a main.cf snippet for the
 * database in use, in that engine's Postfix syntax (pgsql:, mysql:, sqlite:).
 *
 * The queries are Modoboa 1.0's (reference/modoboa-1.0-facts.md), corrected
 * where Modoboa is wrong:
 *  - a catch-all never takes mail for an address that exists in its domain
 *    as a mailbox or an alias (enabled or not): the self map
 *    (sql-email2email.cf, listed before the catch-all) answers for enabled
 *    mailboxes, and the catch-all query itself skips existing addresses, so
 *    mail for a disabled mailbox is rejected rather than delivered elsewhere;
 *  - a disabled mailbox, alias, domain alias or domain receives nothing
 *    through any map: every map checks every object on the path (an alias
 *    never expands to a disabled mailbox or to a disabled alias); a disabled
 *    domain or domain alias is still listed as ours (sql-domains.cf,
 *    sql-domain-aliases.cf), so its addresses get 550 5.1.1 rather than
 *    being relayed;
 *  - sql-maintain.cf answers 450 for a mailbox with a pending operation.
 * Beside the maps: main.cf.vmailadm (the maps wired up, the `dovecot`
 * virtual transport, the uid/gid of [mail] owner, [mail] root as the
 * mailbox base) and master.cf.vmailadm (the guide's `dovecot` pipe service,
 * running [dovecot] lda as [mail] owner).
 * Statement: `maps generate [DIR] [force]` (core/lang/cmd_maps.c). */
#ifndef VMAILADM_MAPS_H
#define VMAILADM_MAPS_H

#include "core/mailsys/dburl.h"
#include "core/vm.h"

/* Writes the map files and main.cf.vmailadm into dir (see genfile.h for how:
 * atomic, 0640, group [postfix] group, hand edits kept unless force). */
enum vm_status maps_generate(struct vm *vm, const char *dir, int force, struct vm_error *err)
	__attribute__((warn_unused_result));

/* Expands a query template for an engine: `$T` becomes the test that a
 * boolean column is true ("" for PostgreSQL, "=1" elsewhere) and
 * ADDR(a,b) the address a@b (`a || '@' || b`, or CONCAT for MySQL).
 * Caller frees. Shared with dovecot.c. */
char *maps_sql_for(enum db_engine engine, const char *tmpl);

#endif
