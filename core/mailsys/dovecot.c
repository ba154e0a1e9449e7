/* SPDX-License-Identifier: MIT */
/* dovecot.c: Dovecot's SQL and quota dict configuration (see dovecot.h). */
#include "core/mailsys/dovecot.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mailsys/dburl.h"
#include "core/mailsys/genfile.h"
#include "core/mailsys/maps.h"
#include "core/services.h"
#include "core/validate.h"
#include "lib/xalloc.h"

/* One key=value of the connect string, in the driver's syntax: libpq quotes
 * what needs it; Dovecot's MySQL driver splits on blanks and knows no quotes. */
static enum vm_status put_kv(FILE *f, enum db_engine engine, const char *key, const char *val, struct vm_error *err)
{
	if (strpbrk(val, "\r\n"))
		return vm_fail(err, VM_ERR_INVALID, "the database %s holds a line break: Dovecot cannot read it", key);
	if (engine == DB_ENGINE_MYSQL) {
		if (!*val || strpbrk(val, " \t'\"\\"))
			return vm_fail(err, VM_ERR_INVALID,
				       "the database %s is empty or holds a blank, a quote or a backslash: Dovecot's MySQL "
				       "driver cannot read it",
				       key);
		fprintf(f, " %s=%s", key, val);
		return VM_OK;
	}
	if (*val && !strpbrk(val, " \t'\\")) {
		fprintf(f, " %s=%s", key, val);
		return VM_OK;
	}
	fprintf(f, " %s='", key);
	for (; *val; val++) {
		if (*val == '\'' || *val == '\\')
			fputc('\\', f);
		fputc(*val, f);
	}
	fputc('\'', f);
	return VM_OK;
}

/* `connect = ...` for the SQL and dict files. Caller frees. */
static char *connect_line(const struct db_params *p, struct vm_error *err)
{
	char *buf = NULL, *val, *out;
	size_t len = 0;
	FILE *f;
	enum vm_status st = VM_OK;
	const char *host = p->socket ? p->socket : p->host;

	if (p->engine == DB_ENGINE_SQLITE) {
		if (strpbrk(p->path, "\r\n\"\\"))
			return vm_fail(err, VM_ERR_INVALID, "the SQLite path holds a quote, backslash or line break"), NULL;
		return xasprintf("connect = %s\n", p->path);
	}
	f = open_memstream(&buf, &len);
	if (!f)
		xdie("out of memory (open_memstream)");
	if (host)
		st = put_kv(f, p->engine, "host", host, err);
	if (st == VM_OK && p->port)
		st = put_kv(f, p->engine, "port", p->port, err);
	if (st == VM_OK)
		st = put_kv(f, p->engine, "dbname", p->dbname, err);
	if (st == VM_OK && p->user)
		st = put_kv(f, p->engine, "user", p->user, err);
	if (st == VM_OK && p->password)
		st = put_kv(f, p->engine, "password", p->password, err);
	fclose(f);
	if (st != VM_OK) {
		memset(buf, 0, len);
		free(buf);
		return NULL;
	}
	val = buf + 1; /* the leading blank */
	/* Dovecot's settings reader keeps a value whole, but '#' or '"' would
	 * start a comment or a quoted string there: quote and escape then */
	if (strpbrk(val, "#\"")) {
		FILE *g = open_memstream(&out, &len);

		if (!g)
			xdie("out of memory (open_memstream)");
		fputs("connect = \"", g);
		for (const char *c = val; *c; c++) {
			if (*c == '"' || *c == '\\')
				fputc('\\', g);
			fputc(*c, g);
		}
		fputs("\"\n", g);
		fclose(g);
	} else {
		out = xasprintf("connect = %s\n", val);
	}
	memset(buf, 0, strlen(buf));
	free(buf);
	return out;
}

static char *sql_file(const struct db_params *p, const char *conn, const char *root, unsigned uid, unsigned gid)
{
	char *pw = maps_sql_for(p->engine,
				"SELECT u.email AS user, u.password FROM admin_user u "
				"INNER JOIN admin_mailbox mb ON mb.user_id=u.id INNER JOIN admin_domain dom ON dom.id=mb.domain_id "
				"LEFT JOIN vmailadm_services sv ON sv.mailbox_id=mb.id "
				"WHERE u.email='%u' AND u.is_active$T AND dom.enabled$T "
				/* the service asked for (%s): no row = every service; Postfix's
				 * SASL asks as smtp, Dovecot's own submission as submission,
				 * ManageSieve as sieve; anything else (doveadm, lmtp) is not
				 * a login of the account's */
				"AND (sv.mailbox_id IS NULL OR '%s' NOT IN ('imap','pop3','smtp','submission','sieve') "
				"OR ('%s'='imap' AND sv.imap$T) OR ('%s'='pop3' AND sv.pop3$T) "
				"OR ('%s' IN ('smtp','submission') AND sv.smtp$T) OR ('%s'='sieve' AND sv.sieve$T))");
	char *uq_tail = maps_sql_for(p->engine, "FROM admin_mailbox mb INNER JOIN admin_domain dom ON mb.domain_id=dom.id "
						"WHERE mb.address='%n' AND dom.name='%d' AND dom.enabled$T");
	char *it = maps_sql_for(p->engine,
				"SELECT u.email AS username FROM admin_user u INNER JOIN admin_mailbox mb ON mb.user_id=u.id "
				"INNER JOIN admin_domain dom ON dom.id=mb.domain_id WHERE dom.enabled$T");
	char *text = xasprintf("driver = %s\n%sdefault_pass_scheme = CRYPT\n"
			       "password_query = %s\n"
			       "user_query = SELECT '%s/%%d/%%n' AS home, %u AS uid, %u AS gid, %s AS quota_rule %s\n"
			       "iterate_query = %s\n",
			       db_params_driver(p), conn, pw, root, uid, gid,
			       p->engine == DB_ENGINE_MYSQL ? "CONCAT('*:bytes=', mb.quota, 'M')"
							    : "'*:bytes=' || mb.quota || 'M'",
			       uq_tail, it);

	free(pw);
	free(uq_tail);
	free(it);
	return text;
}

static char *dict_file(const char *conn)
{
	return xasprintf("%s"
			 "map {\n  pattern = priv/quota/storage\n  table = admin_quota\n  username_field = username\n"
			 "  value_field = bytes\n}\n"
			 "map {\n  pattern = priv/quota/messages\n  table = admin_quota\n  username_field = username\n"
			 "  value_field = messages\n}\n",
			 conn);
}

/* Pigeonhole's dict storage asks for the id of a script by its name, then for
 * the script by its id (and caches the compiled binary under that id). */
static char *sieve_dict_file(const char *conn)
{
	return xasprintf("%s"
			 "map {\n  pattern = priv/sieve/name/$script_name\n  table = " DOVECOT_SIEVE_TABLE "\n"
			 "  username_field = username\n  value_field = script_id\n"
			 "  fields {\n    script_name = $script_name\n  }\n}\n"
			 "map {\n  pattern = priv/sieve/data/$script_id\n  table = " DOVECOT_SIEVE_TABLE "\n"
			 "  username_field = username\n  value_field = script_data\n"
			 "  fields {\n    script_id = $script_id\n  }\n}\n",
			 conn);
}

struct wiring {
	const char *dir, *driver, *owner, *group, *postmaster;
	const char *sasl, *postfix_group; /* the auth socket for Postfix's submission */
};

/* Everything the guide configures, minus what belongs to the host (listen
 * addresses, ports, ssl, log and base paths). It must work included first in
 * a bare dovecot.conf, so it sets whole values or appends to Dovecot's own
 * ($protocols, $mail_plugins), never to something the host sets before it. */
static char *wiring_file(const struct wiring *w)
{
	char *pm = w->postmaster ? xasprintf("postmaster_address = %s\n", w->postmaster)
				 : xstrdup("# postmaster_address: Dovecot's default (postmaster@ the recipient's domain);\n"
					   "# set [dovecot] postmaster to choose one\n");
	char *text =
		xasprintf("# !include this file from dovecot.conf (first, or before the host's own lines): it\n"
			  "# wires the SQL passdb/userdb, the mail location, the inbox namespace, the quota and\n"
			  "# the Sieve dictionaries (files beside it), Sieve at delivery and ManageSieve.\n"
			  "# Listen addresses, ports, ssl and paths belong to dovecot.conf.\n"
			  "passdb {\n  driver = sql\n  args = %1$s/dovecot-sql.conf.ext\n}\n"
			  "userdb {\n  driver = sql\n  args = %1$s/dovecot-sql.conf.ext\n}\n"
			  "# the homes are <[mail] root>/<domain>/<local part>, from the user_query\n"
			  "mail_location = maildir:~/.maildir\n"
			  "namespace inbox {\n  inbox = yes\n"
			  "  mailbox Drafts {\n    auto = create\n    special_use = \\Drafts\n  }\n"
			  "  mailbox Junk {\n    auto = create\n    special_use = \\Junk\n  }\n"
			  "  mailbox Sent {\n    auto = create\n    special_use = \\Sent\n  }\n"
			  "  mailbox Trash {\n    auto = create\n    special_use = \\Trash\n  }\n"
			  "}\n"
			  "%5$s"
			  "mail_plugins = $mail_plugins quota\n"
			  "protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n}\n"
			  "protocol lda {\n  mail_plugins = $mail_plugins sieve\n}\n"
			  "protocol lmtp {\n  mail_plugins = $mail_plugins sieve\n}\n"
			  "protocols = $protocols sieve\n"
			  "service managesieve-login {\n  # its inet_listener sieve (port 4190) belongs to dovecot.conf\n}\n"
			  "service managesieve {\n}\n"
			  "protocol sieve {\n}\n"
			  "dict {\n  quota = %2$s:%1$s/dovecot-dict-sql.conf.ext\n"
			  "  " DOVECOT_SIEVE_DICT " = %2$s:%1$s/dovecot-dict-sieve.conf.ext\n}\n"
			  "plugin {\n  quota = dict:User quota::proxy::quota\n"
			  "  # the users' own scripts (ManageSieve), the guide's layout\n"
			  "  sieve = file:~/sieve;active=~/.dovecot.sieve\n"
			  "  # the administrator's script from " DOVECOT_SIEVE_TABLE ", run before the user's\n"
			  "  sieve_before = dict:proxy::" DOVECOT_SIEVE_DICT ";name=" DOVECOT_SIEVE_NAME
			  ";bindir=~/.sieve-before-bin\n}\n"
			  "# deliveries, IMAP and ManageSieve run as the mail owner: its uid and group may\n"
			  "# open the dict socket (quota updates and sieve_before go through it)\n"
			  "service dict {\n  unix_listener dict {\n    mode = 0660\n    user = %3$s\n    group = %4$s\n  }\n}\n"
			  "# Postfix's submission service (master.cf.vmailadm) logs users in through this\n"
			  "# socket ([postfix] sasl_socket, main.cf.vmailadm's smtpd_sasl_path), as the\n"
			  "# service smtp\n"
			  "service auth {\n  unix_listener %6$s {\n    mode = 0660\n    user = postfix\n    group = %7$s\n  }\n}\n",
			  w->dir, w->driver, w->owner, w->group, pm, w->sasl, w->postfix_group);

	free(pm);
	return text;
}

enum vm_status dovecot_generate(struct vm *vm, const char *dir, int force, struct vm_error *err)
{
	struct gen_file files[4] = {{0}};
	struct wiring w;
	struct db_params p;
	struct passwd *pw;
	struct group *gr;
	const char *root = vm->cfg ? vm->cfg->mail_root : "/var/vmail";
	const char *owner = vm->cfg ? vm->cfg->mail_owner : "vmail";
	const char *postmaster = vm->cfg ? vm->cfg->dovecot_postmaster : NULL;
	char *conn, *group;
	enum vm_status st;

	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_USAGE, "no directory given and no [dovecot] dir configured");
	if (strpbrk(dir, " \t\r\n\"#"))
		return vm_fail(err, VM_ERR_INVALID,
			       "directory %s: a blank, quote or '#' in it would break Dovecot's settings", dir);
	/* the home is written inside an SQL string and expanded by Dovecot */
	if (root[0] != '/' || strpbrk(root, "'%\\\r\n"))
		return vm_fail(err, VM_ERR_INVALID,
			       "[mail] root %s: must be absolute, without quote, '%%' or backslash", root);
	if (postmaster) {
		char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1];

		if (valid_address(postmaster, 0, local, domain, err) != VM_OK) {
			char why[sizeof err->msg];

			snprintf(why, sizeof why, "%s", err->msg);
			return vm_fail(err, VM_ERR_INVALID, "[dovecot] postmaster '%s': not an address (%s)",
				       postmaster, why);
		}
	}
	if (strpbrk(owner, " \t\r\n\"#{}"))
		return vm_fail(err, VM_ERR_INVALID, "[mail] owner '%s' cannot be written in Dovecot's settings", owner);
	pw = getpwnam(owner);
	if (!pw)
		return vm_fail(err, VM_ERR_INVALID, "[mail] owner '%s' is not a user of this system", owner);
	/* the password_query reads vmailadm_services */
	if ((st = services_require_tables(vm, "dovecot generate", err)) != VM_OK)
		return st;
	gr = getgrgid(pw->pw_gid);
	if (!gr)
		return vm_fail(err, VM_ERR_INVALID, "[mail] owner '%s': its group %u has no name", owner,
			       (unsigned)pw->pw_gid);
	group = xstrdup(gr->gr_name);
	if ((st = db_params_parse(vm->url, &p, err)) != VM_OK) {
		free(group);
		return st;
	}
	conn = connect_line(&p, err);
	if (!conn) {
		free(group);
		db_params_free(&p);
		return err->status;
	}
	w.dir = dir;
	w.driver = db_params_driver(&p);
	w.owner = owner;
	w.group = group;
	w.postmaster = postmaster;
	w.sasl = vm->cfg && vm->cfg->sasl_socket ? vm->cfg->sasl_socket : "/var/spool/postfix/private/auth";
	w.postfix_group = vm->cfg && vm->cfg->postfix_group ? vm->cfg->postfix_group : "postfix";
	files[0].name = "dovecot-sql.conf.ext";
	files[0].body = sql_file(&p, conn, root, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	files[1].name = "dovecot-dict-sql.conf.ext";
	files[1].body = dict_file(conn);
	files[2].name = "dovecot-dict-sieve.conf.ext";
	files[2].body = sieve_dict_file(conn);
	files[3].name = "dovecot-vmailadm.conf";
	files[3].body = wiring_file(&w);
	/* no password in it, and the LDA run as the mail owner reads it itself */
	files[3].mode = 0644;
	free(group);
	return genfile_write_db_set(vm, dir, "dovecot generate", &p, conn, files, 4,
				    vm->cfg ? vm->cfg->dovecot_group : "dovecot", force, err);
}
