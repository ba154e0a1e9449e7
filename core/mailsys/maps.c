/* SPDX-License-Identifier: MIT */
/* maps.c: Postfix map files for the database in use (see maps.h). */
#include "core/mailsys/maps.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mailsys/genfile.h"
#include "core/services.h"
#include "lib/xalloc.h"

char *maps_sql_for(enum db_engine engine, const char *tmpl)
{
	size_t cap = strlen(tmpl) * 2 + 64, len = 0;
	char *out = xmalloc(cap);
	const char *p = tmpl;

#define PUT(s, n)                                                                                                      \
	do {                                                                                                           \
		size_t n_ = (n);                                                                                       \
		if (len + n_ + 1 > cap) {                                                                              \
			cap = (len + n_ + 1) * 2;                                                                      \
			out = xrealloc(out, cap);                                                                      \
		}                                                                                                      \
		memcpy(out + len, (s), n_);                                                                            \
		len += n_;                                                                                             \
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
#define ALIAS_RECIPIENTS(cond)                                                                                         \
	"SELECT ADDR(mb.address,mdom.name) FROM admin_alias al "                                                       \
	"INNER JOIN admin_domain dom ON al.domain_id=dom.id "                                                          \
	"INNER JOIN admin_alias_mboxes am ON am.alias_id=al.id "                                                       \
	"INNER JOIN admin_mailbox mb ON mb.id=am.mailbox_id "                                                          \
	"INNER JOIN admin_domain mdom ON mdom.id=mb.domain_id "                                                        \
	"INNER JOIN admin_user u ON u.id=mb.user_id "                                                                  \
	"WHERE " cond " AND al.enabled$T AND dom.enabled$T AND mdom.enabled$T AND u.is_active$T "                      \
	"UNION SELECT ADDR(al2.address,dom2.name) FROM admin_alias al "                                                \
	"INNER JOIN admin_domain dom ON al.domain_id=dom.id "                                                          \
	"INNER JOIN admin_alias_aliases aa ON aa.from_alias_id=al.id "                                                 \
	"INNER JOIN admin_alias al2 ON al2.id=aa.to_alias_id "                                                         \
	"INNER JOIN admin_domain dom2 ON dom2.id=al2.domain_id "                                                       \
	"WHERE " cond " AND al.enabled$T AND dom.enabled$T AND al2.enabled$T AND dom2.enabled$T "                      \
	"UNION SELECT al.extmboxes FROM admin_alias al INNER JOIN admin_domain dom ON al.domain_id=dom.id "            \
	"WHERE " cond " AND al.enabled$T AND dom.enabled$T AND al.extmboxes<>''"

/* The domain of the key and, when the key's domain is an enabled domain alias
 * of an enabled domain, that target: "x@alias" is owned by the owners of
 * "x@target". A two-value IN on a unique key is an index lookup on every
 * engine (a UNION of the alias case would double the branches, and their
 * planning). */
#define SENDER_DOMAINS                                                                                                 \
	"('%d',(SELECT t.name FROM admin_domainalias da INNER JOIN admin_domain t ON t.id=da.target_id "               \
	"WHERE da.name='%d' AND da.enabled$T AND t.enabled$T))"

/* The owners of a sender address: the enabled mailbox of that address, the
 * enabled members of the enabled alias of that address (a distribution
 * list's members may send as the list; a catch-all owns nothing), and the
 * enabled mailboxes granted the address or its whole domain
 * (vmailadm_sender, local_part ''), a grant's domain being also one of no
 * local domain. */
#define SENDER_LOGIN_QUERY                                                                                             \
	"SELECT u.email FROM admin_domain dom INNER JOIN admin_mailbox mb ON mb.domain_id=dom.id "                     \
	"INNER JOIN admin_user u ON u.id=mb.user_id "                                                                  \
	"WHERE dom.name IN " SENDER_DOMAINS " AND mb.address='%u' AND dom.enabled$T AND u.is_active$T "                \
	"UNION SELECT u.email FROM admin_domain dom INNER JOIN admin_alias al ON al.domain_id=dom.id "                 \
	"INNER JOIN admin_alias_mboxes am ON am.alias_id=al.id INNER JOIN admin_mailbox mb ON mb.id=am.mailbox_id "    \
	"INNER JOIN admin_domain mdom ON mdom.id=mb.domain_id INNER JOIN admin_user u ON u.id=mb.user_id "             \
	"WHERE dom.name IN " SENDER_DOMAINS " AND al.address='%u' AND al.address<>'*' AND al.enabled$T "               \
	"AND dom.enabled$T AND mdom.enabled$T AND u.is_active$T "                                                      \
	"UNION SELECT u.email FROM vmailadm_sender s INNER JOIN admin_mailbox mb ON mb.id=s.mailbox_id "               \
	"INNER JOIN admin_domain mdom ON mdom.id=mb.domain_id INNER JOIN admin_user u ON u.id=mb.user_id "             \
	"WHERE s.domain IN " SENDER_DOMAINS " AND s.local_part IN ('%u','') AND mdom.enabled$T AND u.is_active$T"

static const struct {
	const char *name, *tmpl;
} map_queries[] = {
	/* a disabled domain or domain alias stays ours: Postfix then refuses its
	 * addresses (550 5.1.1, no map answers for them) instead of treating it as
	 * a foreign domain, which relays (or loops) mail from trusted clients */
	{"sql-domains.cf", "SELECT name FROM admin_domain WHERE name='%s'"},
	{"sql-domain-aliases.cf",
	 "SELECT dom.name FROM admin_domain dom INNER JOIN admin_domainalias domal ON dom.id=domal.target_id "
	 "WHERE domal.name='%s'"},
	{"sql-mailboxes.cf",
	 "SELECT 1 FROM admin_mailbox mb INNER JOIN admin_domain dom ON mb.domain_id=dom.id "
	 "INNER JOIN admin_user u ON mb.user_id=u.id "
	 "WHERE dom.enabled$T AND dom.name='%d' AND u.is_active$T AND mb.address='%u' "
	 /* a send-only account has no mailbox to deliver to */
	 "AND NOT EXISTS (SELECT 1 FROM vmailadm_services sv WHERE sv.mailbox_id=mb.id AND sv.send_only$T)"},
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
	{"sql-maintain.cf", "SELECT '450 Requested mail action not taken: mailbox unavailable' FROM admin_mailbox mb "
			    "INNER JOIN admin_domain dom ON mb.domain_id=dom.id "
			    "INNER JOIN admin_mailboxoperation mbop ON mbop.mailbox_id=mb.id "
			    "WHERE dom.name='%d' AND mb.address='%u' LIMIT 1"},
	/* smtpd_sender_login_maps: every login that owns the sender address, in
	 * one query (Postfix stops at the first map that answers, and joins the
	 * rows of one answer with commas). An address of a domain alias is
	 * owned by the owners of the same address in the target domain. */
	{"sql-sender-login.cf", SENDER_LOGIN_QUERY},
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

/* What main.cf.vmailadm and master.cf.vmailadm need besides the maps. */
struct mail_host {
	const char *root;  /* [mail] root: virtual_mailbox_base */
	const char *owner; /* [mail] owner: the pipe's user */
	unsigned uid, gid; /* its ids: virtual_minimum_uid, virtual_uid_maps/gid_maps */
	const char *lda;   /* [dovecot] lda: the command the pipe runs */
	const char *sasl;  /* [postfix] sasl_socket: Dovecot's auth socket for submission */
};

static char *main_cf_snippet(const char *driver, const char *dir, const struct mail_host *h)
{
	return xasprintf("# How to use the maps in this directory: put these lines in /etc/postfix/main.cf\n"
			 "# and the `dovecot` service of master.cf.vmailadm (beside this file) at the end of\n"
			 "# /etc/postfix/master.cf. The self map sql-email2email.cf must stay before the\n"
			 "# catch-all map. Deliveries go through Dovecot's LDA, one recipient at a time, as\n"
			 "# the mail owner.\n"
			 "virtual_transport = dovecot\n"
			 "dovecot_destination_recipient_limit = 1\n"
			 "virtual_minimum_uid = %3$u\n"
			 "virtual_uid_maps = static:%3$u\n"
			 "virtual_gid_maps = static:%4$u\n"
			 "virtual_mailbox_base = %5$s\n"
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
			 "        reject_unauth_destination\n"
			 "# submission (master.cf.vmailadm): logins go through Dovecot's auth socket (the one\n"
			 "# `dovecot generate` declares, [postfix] sasl_socket), and an authenticated user may\n"
			 "# send only as the addresses sql-sender-login.cf names him an owner of\n"
			 "smtpd_sender_login_maps = %1$s:%2$s/sql-sender-login.cf\n"
			 "smtpd_sasl_type = dovecot\n"
			 "smtpd_sasl_path = %6$s\n",
			 driver, dir, h->uid, h->gid, h->root, h->sasl);
}

/* The guide's pipe transport: Dovecot's LDA as the mail owner. D adds
 * Delivered-To (loop detection), R Return-Path, h and u fold the domain and
 * the local part to lower case as Dovecot's userdb keys are. */
static char *master_cf_snippet(const struct mail_host *h)
{
	return xasprintf("# Add this service at the end of /etc/postfix/master.cf (main.cf.vmailadm's\n"
			 "# virtual_transport names it).\n"
			 "dovecot   unix  -       n       n       -       -       pipe\n"
			 "  flags=DRhu user=%s argv=%s -f ${sender} -d ${recipient}\n"
			 "# Mail submission (port 587) for the accounts: TLS first, then a login through\n"
			 "# Dovecot (smtp=no refuses it), then only the sender addresses the login owns.\n"
			 "# Not chrooted: smtpd_sasl_path is an absolute path.\n"
			 "submission inet n       -       n       -       -       smtpd\n"
			 "  -o syslog_name=postfix/submission\n"
			 "  -o smtpd_tls_security_level=encrypt\n"
			 "  -o smtpd_sasl_auth_enable=yes\n"
			 "  -o smtpd_tls_auth_only=yes\n"
			 "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
			 "  -o smtpd_sender_restrictions=reject_authenticated_sender_login_mismatch,"
			 "permit_sasl_authenticated,reject\n"
			 "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n"
			 "  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject\n"
			 "  -o milter_macro_daemon_name=ORIGINATING\n",
			 h->owner, h->lda);
}

/* The LDA command as master.cf holds it: blank-separated words Postfix
 * passes on as they are, so nothing it would expand ($, braces) or that
 * would end the line. */
static enum vm_status lda_ok(const char *lda, struct vm_error *err)
{
	if (lda[0] != '/')
		return vm_fail(err, VM_ERR_INVALID, "[dovecot] lda '%s': must start with an absolute path", lda);
	for (const char *c = lda; *c; c++)
		if (*c == '$' || *c == '{' || *c == '}' || *c == '"' || *c == '\'' || *c == '\\' ||
		    (unsigned char)*c < 0x20 || *c == 0x7f) {
			if (*c == '\t')
				continue;
			return vm_fail(err, VM_ERR_INVALID,
				       "[dovecot] lda '%s': a '$', brace, quote, backslash or control character cannot be "
				       "written in master.cf",
				       lda);
		}
	return VM_OK;
}

static enum vm_status mail_host_of(struct vm *vm, struct mail_host *h, struct vm_error *err)
{
	struct passwd *pw;

	h->root = vm->cfg && vm->cfg->mail_root ? vm->cfg->mail_root : "/var/vmail";
	h->owner = vm->cfg && vm->cfg->mail_owner ? vm->cfg->mail_owner : "vmail";
	h->lda = vm->cfg && vm->cfg->dovecot_lda ? vm->cfg->dovecot_lda : "/usr/lib/dovecot/deliver";
	h->sasl = vm->cfg && vm->cfg->sasl_socket ? vm->cfg->sasl_socket : "/var/spool/postfix/private/auth";
	if (cf_value_ok("[mail] root", h->root, err) != VM_OK)
		return err->status;
	if (h->root[0] != '/' || strpbrk(h->root, " \t,"))
		return vm_fail(err, VM_ERR_INVALID, "[mail] root %s: must be absolute, without blanks or commas", h->root);
	if (!*h->owner || strpbrk(h->owner, " \t\r\n:,=$"))
		return vm_fail(err, VM_ERR_INVALID, "[mail] owner '%s' cannot be written in master.cf", h->owner);
	if (lda_ok(h->lda, err) != VM_OK)
		return err->status;
	errno = 0;
	pw = getpwnam(h->owner);
	if (!pw)
		return vm_fail(err, VM_ERR_INVALID,
			       "[mail] owner '%s' is not a user of this system: the pipe transport and "
			       "virtual_uid_maps need its uid",
			       h->owner);
	h->uid = (unsigned)pw->pw_uid;
	h->gid = (unsigned)pw->pw_gid;
	return VM_OK;
}

enum vm_status maps_generate(struct vm *vm, const char *dir, int force, struct vm_error *err)
{
	struct gen_file files[NMAPS + 2] = {{0}};
	struct mail_host host = {0};
	struct db_params p;
	char *conn;
	enum vm_status st;
	size_t i;

	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_USAGE, "no directory given and no [postfix] maps configured");
	/* sql-sender-login.cf and sql-mailboxes.cf read them: without, every lookup would fail */
	if ((st = services_require_tables(vm, "maps generate", err)) != VM_OK)
		return st;
	if ((st = mail_host_of(vm, &host, err)) != VM_OK)
		return st;
	if ((st = db_params_parse(vm->url, &p, err)) != VM_OK)
		return st;
	if (strpbrk(dir, "\r\n,\t ")) {
		db_params_free(&p);
		return vm_fail(err, VM_ERR_INVALID,
			       "directory %s: Postfix cannot name files under it (a blank, comma or line break)", dir);
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
	files[NMAPS].body = main_cf_snippet(db_params_driver(&p), dir, &host);
	files[NMAPS + 1].name = "master.cf.vmailadm";
	files[NMAPS + 1].body = master_cf_snippet(&host);
	return genfile_write_db_set(vm, dir, "maps generate", &p, conn, files, NMAPS + 2,
				    vm->cfg ? vm->cfg->postfix_group : "postfix", force, err);
}
