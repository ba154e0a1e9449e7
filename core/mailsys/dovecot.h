/* SPDX-License-Identifier: MIT */
/* dovecot.h: Dovecot's configuration for the database in use: the SQL
 * passdb/userdb file (dovecot-sql.conf.ext: password_query, user_query,
 * iterate_query), the quota dictionary (dovecot-dict-sql.conf.ext), the
 * Sieve dictionary (dovecot-dict-sieve.conf.ext: vmailadm_sieve for
 * sieve_before), and dovecot-vmailadm.conf (mode 0644: no secret in it), a
 * file dovecot.conf can !include first that wires them up: passdb, userdb,
 * mail_location maildir:~/.maildir, the inbox namespace with Drafts, Junk,
 * Sent and Trash, [dovecot] postmaster, the quota plugin, Sieve at delivery
 * (lda, lmtp) with the users' storage file:~/sieve;active=~/.dovecot.sieve,
 * sieve_before from the dict, ManageSieve, and the dict socket open to the
 * mail owner's uid and group (mode 0660). Nothing of the host: no listen
 * address, port, ssl or path.
 *
 * As in Modoboa's guide (reference/modoboa-dovecot-postfix.rst), except
 * where the guide is wrong: a user of a disabled domain cannot log in and
 * gets no userdb entry (the queries join admin_domain), and iterate_query
 * lists mail accounts only (not administrators without a mailbox, whom
 * user_query does not know). Homes are <[mail] root>/%d/%n, owned by the uid
 * and gid of [mail] owner; quota_rule is *:bytes=<quota>M (0 = unlimited).
 * Statement: `dovecot generate [DIR] [force]` (core/lang/cmd_dovecot.c). */
#ifndef VMAILADM_DOVECOT_H
#define VMAILADM_DOVECOT_H

#include "core/vm.h"

/* The dict vmailadm's per-mailbox Sieve script comes through, its table and the
 * script name sieve_before asks for (name=): the row of vmailadm_sieve with
 * this script_name is the one Dovecot runs before the user's own script. */
#define DOVECOT_SIEVE_DICT "vmailadm_sieve"
#define DOVECOT_SIEVE_TABLE "vmailadm_sieve"
#define DOVECOT_SIEVE_NAME "active"

/* Writes the four files into dir (atomic, 0640, group [dovecot] group,
 * hand edits kept unless force: see genfile.h). */
enum vm_status dovecot_generate(struct vm *vm, const char *dir, int force, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
