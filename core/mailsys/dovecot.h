/* SPDX-License-Identifier: MIT */
/* dovecot.h: Dovecot's configuration for the database in use: the SQL
 * passdb/userdb file (dovecot-sql.conf.ext: password_query, user_query,
 * iterate_query), the quota dictionary (dovecot-dict-sql.conf.ext), and
 * dovecot-vmailadm.conf, a file dovecot.conf can !include that wires them
 * up (passdb, userdb, the quota plugin and dict service).
 *
 * As in Modoboa's guide (reference/modoboa-dovecot-postfix.rst), except
 * where the guide is wrong: a user of a disabled domain cannot log in and
 * gets no userdb entry (the queries join admin_domain), and iterate_query
 * lists mail accounts only (not administrators without a mailbox, whom
 * user_query does not know). Homes are <[mail] root>/%d/%n, owned by the uid
 * and gid of [mail] owner; quota_rule is *:bytes=<quota>M (0 = unlimited).
 * Statement: `dovecot generate [DIR] [force]` (cmd_dovecot_generate). */
#ifndef VMAILADM_DOVECOT_H
#define VMAILADM_DOVECOT_H

#include "core/vm.h"

/* Writes the three files into dir (atomic, 0640, group [dovecot] group,
 * hand edits kept unless force: see genfile.h). */
enum vm_status dovecot_generate(struct vm *vm, const char *dir, int force, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
