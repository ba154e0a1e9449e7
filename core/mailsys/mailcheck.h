/* SPDX-License-Identifier: MIT */
/* mailcheck.h: `mailserver check` — the running Dovecot and Postfix
 * configuration (`doveconf -n`, `postconf -n`, `postconf -M dovecot/unix`)
 * compared with what vmailadm's generated files and its configuration expect:
 * the SQL passdb/userdb and dicts of [dovecot] dir, the mail location and the
 * home layout (<[mail] root>/%d/%n), the quota and Sieve plugins, ManageSieve,
 * the dict socket the mail owner must open, the maps of [postfix] maps and the
 * `dovecot` pipe transport run as [mail] owner. Each difference is a finding
 * that names the setting, what it is and what vmailadm expects.
 *
 * The commands run without a shell: the configured text is split on blanks
 * and the arguments (-n, -M dovecot/unix) appended. Read-only; nothing is
 * changed anywhere. */
#ifndef VMAILADM_MAILCHECK_H
#define VMAILADM_MAILCHECK_H

#include <stddef.h>

#include "core/vm.h"

struct mailcheck_opts {
	const char *maps_dir;    /* NULL: [postfix] maps */
	const char *dovecot_dir; /* NULL: [dovecot] dir */
};

struct mailcheck_finding {
	char *server;  /* "dovecot" or "postfix" */
	char *setting; /* "mail_location", "service dict/unix_listener dict", "master.cf dovecot" */
	char *text;    /* what is wrong and what vmailadm expects */
};

struct mailcheck_report {
	struct mailcheck_finding *v;
	size_t n, cap;
};

/* Runs the commands and fills rep (empty = all as expected). Fails only when
 * the check itself cannot run (the mail owner unknown, the database URL
 * unreadable, not a superadministrator); a command that fails is a finding.
 * The caller frees rep with mailcheck_report_free, also after a failure. */
enum vm_status mailcheck_run(struct vm *vm, const struct mailcheck_opts *o, struct mailcheck_report *rep,
			     struct vm_error *err) __attribute__((warn_unused_result));

/* The Dovecot part alone, on the text of `doveconf -n` (for tests and for
 * callers that have the text already). */
struct mailcheck_expect {
	const char *dovecot_dir, *maps_dir; /* absolute */
	const char *driver;                 /* pgsql, mysql, sqlite: Dovecot's and Postfix's name */
	const char *root, *owner, *lda, *postmaster;
	unsigned uid, gid;
	const unsigned *groups; /* every gid of the owner (primary and supplementary) */
	size_t ngroups;
};
void mailcheck_dovecot(const struct mailcheck_expect *x, const char *doveconf_n, struct mailcheck_report *rep);
void mailcheck_postfix(const struct mailcheck_expect *x, const char *postconf_n, const char *postconf_m,
		       struct mailcheck_report *rep);

void mailcheck_report_free(struct mailcheck_report *rep);

#endif
