/* SPDX-License-Identifier: MIT */
/* maps.c: Postfix map files for the database in use (see maps.h). */
#include "core/mailsys/maps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mailsys/genfile.h"
#include "lib/xalloc.h"

char *maps_sql_for(enum db_engine engine, const char *tmpl)
{
	size_t cap = strlen(tmpl) * 2 + 64, len = 0;
	char *out = xmalloc(cap);
	const char *p = tmpl;

#define PUT(s, n)                                                                                  \
	do {                                                                                       \
		size_t n_ = (n);                                                                   \
		if (len + n_ + 1 > cap) {                                                          \
			cap = (len + n_ + 1) * 2;                                                  \
			out = xrealloc(out, cap);                                                  \
		}                                                                                  \
		memcpy(out + len, (s), n_);                                                        \
		len += n_;                                                                         \
	} while (0)
	while (*p) {
		if (p[0] == '$' && p[1] == 'T') {
			if (engine != DB_ENGINE_PGSQL)
				PUT("=1", 2);
			p += 2;
		} else if (strncmp(p, "ADDR(", 5) == 0) {
			const char *a = p + 5, *comma = strchr(a, ','), *close = comma ? strchr(comma, ')') : NULL;

			if (!close)
				xdie("maps: bad template near %.20s", p);
			if (engine == DB_ENGINE_MYSQL) {
				PUT("CONCAT(", 7);
				PUT(a, (size_t)(comma - a));
				PUT(", '@', ", 7);
				PUT(comma + 1, (size_t)(close - comma - 1));
				PUT(")", 1);
			} else {
				PUT(a, (size_t)(comma - a));
				PUT(" || '@' || ", 11);
				PUT(comma + 1, (size_t)(close - comma - 1));
			}
			p = close + 1;
		} else {
			PUT(p, 1);
			p++;
		}
	}
#undef PUT
	out[len] = '\0';
	return out;
}

/* The recipients of the enabled alias(es) selected by `cond` (on al, of
 * domain dom), from enabled domains: local mailboxes whose account is
 * active, local aliases that are enabled, and the external addresses. */
#define ALIAS_RECIPIENTS(cond)                                                                           \
	"SELECT ADDR(mb.address,mdom.name) FROM admin_alias al "                                        \
	"INNER JOIN admin_domain dom ON al.domain_id=dom.id "                                          \
	"INNER JOIN admin_alias_mboxes am ON am.alias_id=al.id "                                       \
	"INNER JOIN admin_mailbox mb ON mb.id=am.mailbox_id "                                          \
	"INNER JOIN admin_domain mdom ON mdom.id=mb.domain_id "                                        \
	"INNER JOIN admin_user u ON u.id=mb.user_id "                                                  \
	"WHERE " cond " AND al.enabled$T AND dom.enabled$T AND mdom.enabled$T AND u.is_active$T "      \
	"UNION SELECT ADDR(al2.address,dom2.name) FROM admin_alias al "                                 \
	"INNER JOIN admin_domain dom ON al.domain_id=dom.id "                                          \
	"INNER JOIN admin_alias_aliases aa ON aa.from_alias_id=al.id "                                 \
	"INNER JOIN admin_alias al2 ON al2.id=aa.to_alias_id "                                         \
	"INNER JOIN admin_domain dom2 ON dom2.id=al2.domain_id "                                       \
	"WHERE " cond " AND al.enabled$T AND dom.enabled$T AND al2.enabled$T AND dom2.enabled$T "      \
	"UNION SELECT al.extmboxes FROM admin_alias al INNER JOIN admin_domain dom ON al.domain_id=dom.id " \
	"WHERE " cond " AND al.enabled$T AND dom.enabled$T AND al.extmboxes<>''"

static const struct {
	const char *name, *tmpl;
} map_queries[] = {
	{"sql-domains.cf", "SELECT name FROM admin_domain WHERE name='%s' AND enabled$T"},
	{"sql-domain-aliases.cf",
	 "SELECT dom.name FROM admin_domain dom INNER JOIN admin_domainalias domal ON dom.id=domal.target_id "
	 "WHERE domal.name='%s' AND domal.enabled$T AND dom.enabled$T"},
	{"sql-mailboxes.cf",
	 "SELECT 1 FROM admin_mailbox mb INNER JOIN admin_domain dom ON mb.domain_id=dom.id "
	 "INNER JOIN admin_user u ON mb.user_id=u.id "
	 "WHERE dom.enabled$T AND dom.name='%d' AND u.is_active$T AND mb.address='%u'"},
	{"sql-aliases.cf", ALIAS_RECIPIENTS("al.address='%u' AND dom.name='%d'")},
	{"sql-domain-aliases-mailboxes.cf",
	 "SELECT ADDR(mb.address,dom.name) FROM admin_domainalias domal "
	 "INNER JOIN admin_domain dom ON dom.id=domal.target_id "
	 "INNER JOIN admin_mailbox mb ON mb.domain_id=dom.id INNER JOIN admin_user u ON u.id=mb.user_id "
	 "WHERE domal.name='%d' AND mb.address='%u' AND domal.enabled$T AND dom.enabled$T AND u.is_active$T "
	 "UNION SELECT ADDR(al.address,dom.name) FROM admin_domainalias domal "
	 "INNER JOIN admin_domain dom ON dom.id=domal.target_id INNER JOIN admin_alias al ON al.domain_id=dom.id "
	 "WHERE domal.name='%d' AND al.address='%u' AND domal.enabled$T AND dom.enabled$T AND al.enabled$T"},
	/* the self map: an enabled mailbox is its own final address, so the
	 * catch-all after it never sees it */
	{"sql-email2email.cf",
	 "SELECT ADDR(mb.address,dom.name) FROM admin_mailbox mb INNER JOIN admin_domain dom ON mb.domain_id=dom.id "
	 "INNER JOIN admin_user u ON u.id=mb.user_id "
	 "WHERE mb.address='%u' AND dom.name='%d' AND dom.enabled$T AND u.is_active$T"},
	/* %u in the query: Postfix skips it for "@domain" keys, and it lets the
	 * query refuse addresses that exist as a mailbox or alias of the domain */
	{"sql-catchall-aliases.cf",
	 ALIAS_RECIPIENTS("al.address='*' AND dom.name='%d' "
			  "AND NOT EXISTS (SELECT 1 FROM admin_mailbox xmb WHERE xmb.domain_id=dom.id AND xmb.address='%u') "
			  "AND NOT EXISTS (SELECT 1 FROM admin_alias xal WHERE xal.domain_id=dom.id AND xal.address='%u')")},
	{"sql-maintain.cf",
	 "SELECT '450 Requested mail action not taken: mailbox unavailable' FROM admin_mailbox mb "
	 "INNER JOIN admin_domain dom ON mb.domain_id=dom.id "
	 "INNER JOIN admin_mailboxoperation mbop ON mbop.mailbox_id=mb.id "
	 "WHERE dom.name='%d' AND mb.address='%u' LIMIT 1"},
};

#define NMAPS (sizeof map_queries / sizeof map_queries[0])

/* A value Postfix reads back whole: one line, no surrounding blanks (Postfix trims them). */
static enum vm_status cf_value_ok(const char *what, const char *v, struct vm_error *err)
{
	size_t n = strlen(v);

	if (strpbrk(v, "\r\n") || (n && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')))
		return vm_fail(err, VM_ERR_INVALID,
			       "the database %s cannot be written in a Postfix map file (a line break, or blanks at an end)",
			       what);
	return VM_OK;
}

static void pct_encode(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

/* The connection lines of a map file. Caller frees. */
static char *connection_lines(const struct db_params *p, struct vm_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (p->engine == DB_ENGINE_SQLITE) {
		if (cf_value_ok("file path", p->path, err) != VM_OK)
			return NULL;
		return xasprintf("dbpath = %s\n", p->path);
	}
	if ((p->user && cf_value_ok("user", p->user, err) != VM_OK) ||
	    (p->password && cf_value_ok("password", p->password, err) != VM_OK) ||
	    cf_value_ok("name", p->dbname, err) != VM_OK || (p->host && cf_value_ok("host", p->host, err) != VM_OK) ||
	    (p->socket && cf_value_ok("socket", p->socket, err) != VM_OK))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		xdie("out of memory (open_memstream)");
	if (p->user)
		fprintf(f, "user = %s\n", p->user);
	if (p->password)
		fprintf(f, "password = %s\n", p->password);
	fprintf(f, "dbname = %s\n", p->dbname);
	if (p->engine == DB_ENGINE_PGSQL && p->socket && p->port && strcmp(p->port, "5432") != 0) {
		/* unix:/dir always means port 5432 to Postfix: another port needs libpq's URI form */
		fputs("hosts = postgresql://", f);
		if (p->user)
			pct_encode(f, p->user);
		if (p->password) {
			fputc(':', f);
			pct_encode(f, p->password);
		}
		fputs("@/", f);
		pct_encode(f, p->dbname);
		fputs("?host=", f);
		pct_encode(f, p->socket);
		fprintf(f, "&port=%s\n", p->port);
	} else if (p->socket) {
		fprintf(f, "hosts = unix:%s\n", p->socket);
	} else if (p->host) {
		if (strchr(p->host, ':')) /* IPv6 */
			fprintf(f, "hosts = inet:[%s]%s%s\n", p->host, p->port ? ":" : "", p->port ? p->port : "");
		else
			fprintf(f, "hosts = inet:%s%s%s\n", p->host, p->port ? ":" : "", p->port ? p->port : "");
	} else if (p->engine == DB_ENGINE_PGSQL) {
		fputs("hosts = unix:/var/run/postgresql\n", f);
	} else {
		fprintf(f, "hosts = localhost%s%s\n", p->port ? ":" : "", p->port ? p->port : "");
	}
	fclose(f);
	return buf;
}

static char *main_cf_snippet(const char *driver, const char *dir)
{
	return xasprintf(
		"# How to use the maps in this directory: put these lines in /etc/postfix/main.cf\n"
		"# (and a `dovecot` transport in master.cf, as in Modoboa's guide). The self map\n"
		"# sql-email2email.cf must stay before the catch-all map.\n"
		"virtual_mailbox_domains = %1$s:%2$s/sql-domains.cf\n"
		"virtual_alias_domains = %1$s:%2$s/sql-domain-aliases.cf\n"
		"virtual_mailbox_maps = %1$s:%2$s/sql-mailboxes.cf\n"
		"virtual_alias_maps = %1$s:%2$s/sql-aliases.cf,\n"
		"        %1$s:%2$s/sql-domain-aliases-mailboxes.cf,\n"
		"        %1$s:%2$s/sql-email2email.cf,\n"
		"        %1$s:%2$s/sql-catchall-aliases.cf\n"
		"smtpd_recipient_restrictions =\n"
		"        check_recipient_access %1$s:%2$s/sql-maintain.cf,\n"
		"        permit_mynetworks,\n"
		"        reject_unauth_destination\n",
		driver, dir);
}

enum vm_status maps_generate(struct vm *vm, const char *dir, int force, struct vm_error *err)
{
	struct gen_file files[NMAPS + 1];
	struct db_params p;
	char *conn, *source;
	enum vm_status st;
	size_t i;

	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_USAGE, "no directory given and no [postfix] maps configured");
	if ((st = db_params_parse(vm->url, &p, err)) != VM_OK)
		return st;
	if (strpbrk(dir, "\r\n,\t ")) {
		db_params_free(&p);
		return vm_fail(err, VM_ERR_INVALID, "directory %s: Postfix cannot name files under it (a blank, comma or line break)",
			       dir);
	}
	conn = connection_lines(&p, err);
	if (!conn) {
		db_params_free(&p);
		return err->status;
	}
	for (i = 0; i < NMAPS; i++) {
		char *q = maps_sql_for(p.engine, map_queries[i].tmpl);

		files[i].name = map_queries[i].name;
		files[i].body = xasprintf("%squery = %s\n", conn, q);
		free(q);
	}
	files[NMAPS].name = "main.cf.vmailadm";
	files[NMAPS].body = main_cf_snippet(db_params_driver(&p), dir);
	source = db_params_describe(&p);
	st = genfile_write_set(vm, dir, "maps generate", source, files, NMAPS + 1, vm->cfg ? vm->cfg->postfix_group : "postfix",
			       force, err);
	for (i = 0; i <= NMAPS; i++) {
		memset(files[i].body, 0, strlen(files[i].body));
		free(files[i].body);
	}
	memset(conn, 0, strlen(conn));
	free(conn);
	free(source);
	db_params_free(&p);
	return st;
}
