/* SPDX-License-Identifier: MIT */
/* dovecot.c: Dovecot's SQL and quota dict configuration (see dovecot.h). */
#include "core/mailsys/dovecot.h"

#include <pwd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mailsys/dburl.h"
#include "core/mailsys/genfile.h"
#include "core/mailsys/maps.h"
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
				"WHERE u.email='%u' AND u.is_active$T AND dom.enabled$T");
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
			       p->engine == DB_ENGINE_MYSQL ? "CONCAT('*:bytes=', mb.quota, 'M')" : "'*:bytes=' || mb.quota || 'M'",
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

static char *wiring_file(const struct db_params *p, const char *dir, const char *owner)
{
	return xasprintf("# !include this file from dovecot.conf: it wires the SQL passdb/userdb and the\n"
			 "# quota dictionary (admin_quota) written beside it.\n"
			 "passdb {\n  driver = sql\n  args = %1$s/dovecot-sql.conf.ext\n}\n"
			 "userdb {\n  driver = sql\n  args = %1$s/dovecot-sql.conf.ext\n}\n"
			 "mail_plugins = $mail_plugins quota\n"
			 "protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n}\n"
			 "dict {\n  quota = %2$s:%1$s/dovecot-dict-sql.conf.ext\n}\n"
			 "plugin {\n  quota = dict:User quota::proxy::quota\n}\n"
			 "service dict {\n  unix_listener dict {\n    mode = 0600\n    user = %3$s\n  }\n}\n",
			 dir, db_params_driver(p), owner);
}

enum vm_status dovecot_generate(struct vm *vm, const char *dir, int force, struct vm_error *err)
{
	struct gen_file files[3];
	struct db_params p;
	struct passwd *pw;
	const char *root = vm->cfg ? vm->cfg->mail_root : "/var/vmail";
	const char *owner = vm->cfg ? vm->cfg->mail_owner : "vmail";
	char *conn, *source;
	enum vm_status st;

	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_USAGE, "no directory given and no [dovecot] dir configured");
	if (strpbrk(dir, " \t\r\n\"#"))
		return vm_fail(err, VM_ERR_INVALID, "directory %s: a blank, quote or '#' in it would break Dovecot's settings",
			       dir);
	/* the home is written inside an SQL string and expanded by Dovecot */
	if (root[0] != '/' || strpbrk(root, "'%\\\r\n"))
		return vm_fail(err, VM_ERR_INVALID, "[mail] root %s: must be absolute, without quote, '%%' or backslash",
			       root);
	pw = getpwnam(owner);
	if (!pw)
		return vm_fail(err, VM_ERR_INVALID, "[mail] owner '%s' is not a user of this system", owner);
	if ((st = db_params_parse(vm->url, &p, err)) != VM_OK)
		return st;
	conn = connect_line(&p, err);
	if (!conn) {
		db_params_free(&p);
		return err->status;
	}
	files[0].name = "dovecot-sql.conf.ext";
	files[0].body = sql_file(&p, conn, root, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	files[1].name = "dovecot-dict-sql.conf.ext";
	files[1].body = dict_file(conn);
	files[2].name = "dovecot-vmailadm.conf";
	files[2].body = wiring_file(&p, dir, owner);
	source = db_params_describe(&p);
	st = genfile_write_set(vm, dir, "dovecot generate", source, files, 3,
			       vm->cfg ? vm->cfg->dovecot_group : "dovecot", force, err);
	for (int i = 0; i < 3; i++) {
		memset(files[i].body, 0, strlen(files[i].body));
		free(files[i].body);
	}
	memset(conn, 0, strlen(conn));
	free(conn);
	free(source);
	db_params_free(&p);
	return st;
}
