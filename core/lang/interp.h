/* SPDX-License-Identifier: MIT */
/* interp.h: the statement interpreter, and the one action table that gives
 * every action its enum, its statement name, its options and its help. The
 * console's keys name these actions too, so a key and a script line reach the
 * same core call.
 *
 * To add a statement: a line in ACTION_LIST and a handler with the
 * action_fn signature in core/lang/cmd_<object>.c (this header declares
 * every handler from the table). */
#ifndef VMAILADM_INTERP_H
#define VMAILADM_INTERP_H

#include "core/lang/stmt.h"
#include "core/vm.h"

/* Parsed words of one statement: positional words and key=value options
 * (read with the args_* functions of core/lang/args.c). */
struct args {
	int npos;
	const char **pos;
	int nopt;
	const char **keys;
	const char **vals;
	const char *where; /* "FILE:LINE" or "statement", for messages */
};
/* The value of option key, or NULL. */
const char *args_opt(const struct args *a, const char *key);
/* Every value of a repeatable option (marked "key*" in the action's
 * options) in the order given, into vals (room for a->nopt); the count. */
size_t args_opt_all(const struct args *a, const char *key, const char **vals);
/* 1 if the positional word `word` (a flag like keep-files) is present; it is
 * removed from pos so handlers see only the real positional words. */
int args_flag(struct args *a, const char *word);
/* Option key as a size (valid_size_mb) into *mb, or as yes|no (valid_bool)
 * into *b; *has says whether it was given. An invalid value is an error
 * naming the key. */
enum vm_status args_size(const struct args *a, const char *key, int *has, int *mb, struct vm_error *err);
enum vm_status args_bool(const struct args *a, const char *key, int *has, int *b, struct vm_error *err);

typedef enum vm_status (*action_fn)(struct vm *vm, struct args *a, struct vm_error *err);

/* X(ENUM, object, verb, min positional, max positional (-1 = any), writes,
 *   options (comma-separated keys; "key*" may be given more than once, any
 *   other key once), handler, usage, help) */
#define ACTION_LIST(X)                                                                                                  \
	X(DB_INIT, "db", "init", 0, 0, 1, "", cmd_db_init, "db init", "create the schema, or check an existing one")    \
	X(DB_CHECK, "db", "check", 0, 0, 0, "", cmd_db_check, "db check",                                               \
	  "report whether the database has what vmailadm needs")                                                        \
	X(DOMAIN_ADD, "domain", "add", 1, 1, 1, "quota,enabled,services", cmd_domain_add,                               \
	  "domain add NAME [quota=SIZE] [enabled=yes|no] [services=imap,pop3,smtp,sieve]", "add a mail domain")         \
	X(DOMAIN_SET, "domain", "set", 1, 1, 1, "quota,enabled,services", cmd_domain_set,                               \
	  "domain set NAME [quota=SIZE] [enabled=yes|no] [services=imap,pop3,smtp,sieve]",                              \
	  "change a domain (services=: what its new mailboxes may use)")                                                \
	X(DOMAIN_DEL, "domain", "del", 1, 2, 1, "", cmd_domain_del, "domain del NAME [keep-files]",                     \
	  "delete a domain with its mailboxes and aliases")                                                             \
	X(DOMAIN_RENAME, "domain", "rename", 2, 2, 1, "", cmd_domain_rename, "domain rename OLD NEW",                   \
	  "rename a domain: every address in it, and queue the moves of their homes")                                   \
	X(DOMAIN_LIST, "domain", "list", 0, 1, 0, "", cmd_domain_list, "domain list [PATTERN]", "list domains")         \
	X(DOMAINALIAS_ADD, "domainalias", "add", 2, 2, 1, "enabled", cmd_domainalias_add,                               \
	  "domainalias add NAME TARGET [enabled=yes|no]", "add a domain alias")                                         \
	X(DOMAINALIAS_SET, "domainalias", "set", 1, 1, 1, "target,enabled", cmd_domainalias_set,                        \
	  "domainalias set NAME [target=DOMAIN] [enabled=yes|no]", "change a domain alias")                             \
	X(DOMAINALIAS_DEL, "domainalias", "del", 1, 1, 1, "", cmd_domainalias_del, "domainalias del NAME",              \
	  "delete a domain alias")                                                                                      \
	X(DOMAINALIAS_LIST, "domainalias", "list", 0, 1, 0, "", cmd_domainalias_list, "domainalias list [DOMAIN]",      \
	  "list domain aliases")                                                                                        \
	X(MAILBOX_ADD, "mailbox", "add", 1, 1, 1,                                                                       \
	  "password,password-hash,quota,name,enabled,imap,pop3,smtp,sieve,send-only", cmd_mailbox_add,                  \
	  "mailbox add ADDRESS password=TEXT|password-hash=HASH [quota=SIZE] [name=\"First Last\"] "                    \
	  "[enabled=yes|no] [imap|pop3|smtp|sieve=yes|no] [send-only=yes|no]",                                          \
	  "add a mailbox")                                                                                              \
	X(MAILBOX_SET, "mailbox", "set", 1, 1, 1,                                                                       \
	  "password,password-hash,quota,name,enabled,imap,pop3,smtp,sieve,send-only", cmd_mailbox_set,                  \
	  "mailbox set ADDRESS [password=..] [quota=..] [name=..] [enabled=..] [imap|pop3|smtp|sieve=..] "              \
	  "[send-only=..]",                                                                                             \
	  "change a mailbox")                                                                                           \
	X(MAILBOX_DEL, "mailbox", "del", 1, 2, 1, "", cmd_mailbox_del, "mailbox del ADDRESS [keep-files]",              \
	  "delete a mailbox (its files are queued for removal unless keep-files)")                                      \
	X(MAILBOX_RENAME, "mailbox", "rename", 2, 2, 1, "", cmd_mailbox_rename, "mailbox rename OLD NEW",               \
	  "rename a mailbox (maybe into another domain) and queue the move of its home")                                \
	X(MAILBOX_LIST, "mailbox", "list", 0, 1, 0, "", cmd_mailbox_list, "mailbox list [PATTERN]",                     \
	  "list mailboxes (PATTERN: a domain, or a glob like a*@example.com)")                                          \
	X(ALIAS_ADD, "alias", "add", 2, -1, 1, "enabled", cmd_alias_add,                                                \
	  "alias add ADDRESS RECIPIENT... [enabled=yes|no]", "add an alias (@domain: a catch-all)")                     \
	X(ALIAS_SET, "alias", "set", 1, 1, 1, "recipients,enabled", cmd_alias_set,                                      \
	  "alias set ADDRESS [recipients=a,b] [enabled=yes|no]", "change an alias")                                     \
	X(ALIAS_DEL, "alias", "del", 1, 1, 1, "", cmd_alias_del, "alias del ADDRESS", "delete an alias")                \
	X(ALIAS_LIST, "alias", "list", 0, 1, 0, "", cmd_alias_list, "alias list [PATTERN]", "list aliases")             \
	X(VACATION_SET, "vacation", "set", 1, 1, 1, "subject,text,from,until,days,addresses", cmd_vacation_set,         \
	  "vacation set ADDRESS subject=TEXT text=TEXT [from=DATE] [until=DATE] [days=N] [addresses=a,b]",              \
	  "set a mailbox's vacation reply (dates YYYY-MM-DD; it starts and ends by itself)")                            \
	X(VACATION_OFF, "vacation", "off", 1, 1, 1, "", cmd_vacation_off, "vacation off ADDRESS",                       \
	  "turn a mailbox's vacation reply off (vacation set turns it on again)")                                       \
	X(VACATION_SHOW, "vacation", "show", 1, 1, 0, "", cmd_vacation_show, "vacation show ADDRESS",                   \
	  "show a mailbox's vacation reply")                                                                            \
	X(VACATION_LIST, "vacation", "list", 0, 1, 0, "", cmd_vacation_list, "vacation list [DOMAIN]",                  \
	  "list vacation replies: who is away, from and until when")                                                    \
	X(FILTER_ADD, "filter", "add", 2, 4, 1, "if*,then", cmd_filter_add,                                             \
	  "filter add ADDRESS NAME if=HEADER:OP:VALUE [if=...] [any] "                                                  \
	  "then=fileinto:FOLDER|redirect:ADDR|discard|keep [stop]",                                                     \
	  "add a filter rule at the end (OP: is, contains, matches, regex, not-...; all tests unless any)")             \
	X(FILTER_DEL, "filter", "del", 2, 2, 1, "", cmd_filter_del, "filter del ADDRESS NAME", "remove a filter rule")  \
	X(FILTER_LIST, "filter", "list", 1, 1, 0, "", cmd_filter_list, "filter list ADDRESS",                           \
	  "list a mailbox's filter rules in the order they run")                                                        \
	X(FILTER_MOVE, "filter", "move", 3, 3, 1, "", cmd_filter_move, "filter move ADDRESS NAME up|down",              \
	  "run a filter rule one place earlier or later")                                                               \
	X(SIEVE_SHOW, "sieve", "show", 1, 1, 0, "", cmd_sieve_show, "sieve show ADDRESS",                               \
	  "print the Sieve script Dovecot runs for a mailbox before the user's own ([sieve] user_scripts: those too)")  \
	X(SIEVE_LIST, "sieve", "list", 1, 1, 0, "", cmd_sieve_list, "sieve list ADDRESS",                               \
	  "list a mailbox's Sieve scripts: vmailadm's, and with [sieve] user_scripts the user's own")                   \
	X(SENDER_ADD, "sender", "add", 2, 2, 1, "", cmd_sender_add, "sender add MAILBOX ADDRESS|@DOMAIN",               \
	  "let a mailbox send as another address, or as any address of a domain")                                       \
	X(SENDER_DEL, "sender", "del", 2, 2, 1, "", cmd_sender_del, "sender del MAILBOX ADDRESS|@DOMAIN",               \
	  "take back a sender address granted to a mailbox")                                                            \
	X(SENDER_LIST, "sender", "list", 0, 1, 0, "", cmd_sender_list, "sender list [MAILBOX|DOMAIN]",                  \
	  "list the sender addresses granted to mailboxes")                                                             \
	X(QUOTA_SHOW, "quota", "show", 0, 1, 0, "top", cmd_quota_show, "quota show [ADDRESS|DOMAIN] [top=N]",           \
	  "show quota usage (exit status 4 when a mailbox is over [monitor] critical)")                                 \
	X(QUOTA_RECALC, "quota", "recalc", 1, 1, 0, "", cmd_quota_recalc, "quota recalc ADDRESS|all",                   \
	  "ask Dovecot to recount ([dovecot] recalc) and show the new figures")                                         \
	X(QUOTA_ROLLUP, "quota", "rollup", 0, 0, 1, "", cmd_quota_rollup, "quota rollup",                               \
	  "refresh the per-domain usage totals (run it from cron for the monitor)")                                     \
	X(QUOTA_FORGET, "quota", "forget", 1, 1, 1, "", cmd_quota_forget, "quota forget ADDRESS",                       \
	  "delete the admin_quota row of an address no account owns (store check: orphan-quota)")                       \
	X(DB_UPGRADE, "db", "upgrade", 0, 0, 1, "", cmd_db_upgrade, "db upgrade",                                       \
	  "add what this vmailadm needs to an existing database (live quota usage)")                                    \
	X(IMPORT_CSV, "import", "csv", 1, 1, 1, "sep", cmd_import_csv, "import csv FILE [sep=X]",                       \
	  "import Modoboa's CSV: domains, domain aliases, accounts, aliases (all or nothing)")                          \
	X(EXPORT_CSV, "export", "csv", 0, 1, 0, "sep", cmd_export_csv, "export csv [FILE|-] [sep=X]",                   \
	  "write domains, domain aliases, accounts (hashes) and aliases as Modoboa's CSV")                              \
	X(EXPORT_SCRIPT, "export", "script", 0, 1, 0, "", cmd_export_script, "export script [FILE|-]",                  \
	  "write a statement script that recreates the content (password hashes included)")                             \
	X(OPS_LIST, "ops", "list", 0, 0, 0, "", cmd_ops_list, "ops list", "list pending mailbox operations")            \
	X(OPS_RUN, "ops", "run", 0, 1, 1, "", cmd_ops_run, "ops run [as-any-user]",                                     \
	  "apply pending renames and deletions on disk (as [mail] owner; see README)")                                  \
	X(OPS_QUEUE, "ops", "queue", 2, 2, 1, "", cmd_ops_queue, "ops queue delete PATH",                               \
	  "queue the archiving of a home no mailbox owns (store check: orphan-home)")                                   \
	X(STORE_CHECK, "store", "check", 0, 2, 0, "", cmd_store_check, "store check [DOMAIN|ADDRESS] [usage]",          \
	  "hold the database against [mail] root: a finding a line with its repair (exit status 5)")                    \
	X(MAPS_GENERATE, "maps", "generate", 0, 2, 0, "", cmd_maps_generate, "maps generate [DIR] [force]",             \
	  "write the Postfix map files for this database (DIR: [postfix] maps)")                                        \
	X(DOVECOT_GENERATE, "dovecot", "generate", 0, 2, 0, "", cmd_dovecot_generate, "dovecot generate [DIR] [force]", \
	  "write Dovecot's SQL, dict and Sieve configuration, one file to include ([dovecot] dir)")                     \
	X(MAILSERVER_CHECK, "mailserver", "check", 0, 0, 0, "maps,dovecot", cmd_mailserver_check,                       \
	  "mailserver check [maps=DIR] [dovecot=DIR]",                                                                  \
	  "compare doveconf -n / postconf -n with what vmailadm expects; name each difference")                         \
	X(ADMIN_ADD, "admin", "add", 1, 1, 1, "password,role,domains,name,enabled", cmd_admin_add,                      \
	  "admin add LOGIN password=.. [role=superadmin|domainadmin] [domains=a.test,b.test] "                          \
	  "[name=..] [enabled=..]",                                                                                     \
	  "add an administrator (or make a mail account one)")                                                          \
	X(ADMIN_SET, "admin", "set", 1, 1, 1, "password,role,domains,name,enabled", cmd_admin_set,                      \
	  "admin set LOGIN [password=..] [role=..] [domains=..] [name=..] [enabled=..]",                                \
	  "change an administrator (domains= is the whole new list)")                                                   \
	X(ADMIN_DEL, "admin", "del", 1, 1, 1, "", cmd_admin_del, "admin del LOGIN",                                     \
	  "remove an administrator (a mail account keeps its mailbox)")                                                 \
	X(ADMIN_LIST, "admin", "list", 0, 0, 0, "", cmd_admin_list, "admin list", "list administrators")                \
	X(AUDIT_LIST, "audit", "list", 0, 0, 0, "object,admin,since,until", cmd_audit_list,                             \
	  "audit list [object=KIND|KEY] [admin=LOGIN] [since=TIME] [until=TIME]",                                       \
	  "show the audit log (times UTC: YYYY-MM-DD[ HH:MM[:SS]])")

/* Every handler's prototype, so a module implementing one only includes this header. */
#define X(e, o, v, mn, mx, w, opts, fn, usage, help)                                                                   \
	enum vm_status fn(struct vm *vm, struct args *a, struct vm_error *err);
ACTION_LIST(X)
#undef X

enum action {
#define X(e, o, v, mn, mx, w, opts, fn, usage, help) ACTION_##e,
	ACTION_LIST(X)
#undef X
		ACTION_COUNT
};

struct action_info {
	const char *object, *verb;
	int min_pos, max_pos;
	int writes;
	const char *options;
	action_fn fn;
	const char *usage, *help;
};

const struct action_info *action_get(enum action a);
/* The action named by object + verb, or -1. */
int action_find(const char *object, const char *verb);

/* Runs one statement. where names it in messages ("FILE:LINE", or
 * "statement" for a command line). Joins an open transaction; otherwise the
 * statement is its own. Prints list output and, for changes, nothing (the
 * caller prints vm->changes). */
enum vm_status interp_exec(struct vm *vm, const struct stmt *s, const char *where, struct vm_error *err);
/* 1 if the statement would write (unknown statements count as writes). */
int interp_writes(const struct stmt *s);
/* Prints the list of statements with their usage and help. */
void interp_help(FILE *out);

#endif
