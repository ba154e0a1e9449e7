/* SPDX-License-Identifier: MIT */
/* conf.h: the configuration file (/etc/vmailadm.conf or -c FILE).
 *
 * INI format: [section], key = value, '#' or ';' starts a comment at the start
 * of a line or after whitespace; values may be "double quoted" to keep a '#'.
 * Unknown sections or keys are errors (a typo must not be silently ignored).
 * A file that holds a password (in the URL) and is readable by others is
 * refused, as is a password_file readable by others. */
#ifndef VMAILADM_CONF_H
#define VMAILADM_CONF_H

#include <stddef.h>

struct conf {
	char *path;             /* the file read, NULL when none */
	char *db_url;           /* [database] url */
	char *db_password_file; /* [database] password_file */
	char *mail_root;        /* [mail] root, default /var/vmail */
	char *mail_owner;       /* [mail] owner, default vmail */
	int mail_delete_remove; /* [mail] delete = archive (0) | remove (1) */
	char *mail_archive;     /* [mail] archive, default <root>/.deleted */
	int mail_stuck_after;   /* [mail] stuck_after, minutes a pending operation may wait (store check), default 10 */
	char *password_scheme;  /* [passwords] scheme, default SHA512-CRYPT */
	char *postfix_maps;     /* [postfix] maps, default /etc/postfix/sql */
	char *postfix_group;    /* [postfix] group, default postfix */
	char *sasl_socket; /* [postfix] sasl_socket: Dovecot's auth socket for Postfix's submission, default /var/spool/postfix/private/auth */
	char *dovecot_dir;   /* [dovecot] dir, default /etc/dovecot */
	char *dovecot_group; /* [dovecot] group of the 0640 config files, default dovecot */
	char *quota_recalc;  /* [dovecot] recalc command, default "doveadm quota recalc" */
	char *dovecot_lda; /* [dovecot] lda: the LDA command master.cf's pipe runs, default /usr/lib/dovecot/deliver */
	char *dovecot_postmaster; /* [dovecot] postmaster: the LDA's postmaster_address; NULL = Dovecot's default */
	char *doveconf;           /* [dovecot] doveconf: the command `mailserver check` runs, default "doveconf" */
	char *postconf;           /* [postfix] postconf: the command `mailserver check` runs, default "postconf" */
	int monitor_interval;     /* [monitor] interval, seconds, default 5 */
	int monitor_warn;         /* [monitor] warn, percent, default 80 */
	int monitor_critical;     /* [monitor] critical, percent, default 95 */
	char *sievec;             /* [sieve] sievec, default /usr/bin/sievec; "none" skips the compile check */
	int sieve_user_scripts;   /* [sieve] user_scripts = yes: sieve show/list read the user's own scripts too */
	char *sieve_doveadm;      /* [sieve] doveadm command for them, default "doveadm" */
	char *unix_logins;        /* [access] map of unix account -> login, "root=admin,alice=alice@x" */
};

/* Fills cfg with the defaults. */
void conf_defaults(struct conf *cfg);
/* Reads path into cfg (defaults first). On error returns -1 with a message
 * "FILE:LINE: reason" in errbuf, and cfg holds nothing to free. */
int conf_load(struct conf *cfg, const char *path, char *errbuf, size_t errlen) __attribute__((warn_unused_result));
void conf_free(struct conf *cfg);

/* The database URL to use: explicit (-d) first, then VMAILADM_DATABASE, then
 * the config's url, with the password from password_file (or
 * VMAILADM_DB_PASSWORD) put in. Caller frees. NULL with a message when none
 * or when the password file is unusable. */
char *conf_database_url(const struct conf *cfg, const char *explicit_url, char *errbuf, size_t errlen);

/* The URL with any password replaced by "***", for messages. Caller frees. */
char *conf_url_redacted(const char *url);

/* Refuses (returns -1, message in errbuf) a file readable or writable by
 * others. what names it in the message ("config file", "password file"). */
int conf_check_private(const char *path, const char *what, char *errbuf, size_t errlen);

#endif
