/* SPDX-License-Identifier: MIT */
/* mailcheck.c: the running Dovecot and Postfix configuration against vmailadm's (see mailcheck.h). */
#include "core/mailsys/mailcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mailsys/dburl.h"
#include "core/mailsys/dovecot.h"
#include "lib/run.h"
#include "lib/xalloc.h"

#define OUTPUT_MAX (8u << 20) /* doveconf -n of a big host is some KiB: a bound, not a limit */

static void add(struct mailcheck_report *rep, const char *server, const char *setting, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct mailcheck_report *rep, const char *server, const char *setting, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		xdie("out of memory (vasprintf)");
	va_end(ap);
	if (rep->n == rep->cap) {
		rep->cap = rep->cap ? rep->cap * 2 : 16;
		rep->v = xreallocarray(rep->v, rep->cap, sizeof *rep->v);
	}
	rep->v[rep->n].server = xstrdup(server);
	rep->v[rep->n].setting = xstrdup(setting);
	rep->v[rep->n].text = text;
	rep->n++;
}

void mailcheck_report_free(struct mailcheck_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->v[i].server);
		free(rep->v[i].setting);
		free(rep->v[i].text);
	}
	free(rep->v);
	memset(rep, 0, sizeof *rep);
}

/* ---- words ---- */

/* Is word one of the words of list (split on blanks and commas)? */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (!list)
		return 0;
	for (const char *p = list; *p;) {
		size_t len;

		p += strspn(p, " \t,");
		len = strcspn(p, " \t,");
		if (len == n && strncmp(p, word, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* The position (0-based) of word in list, or -1. */
static int word_pos(const char *list, const char *word)
{
	size_t n = strlen(word);
	int i = 0;

	if (!list)
		return -1;
	for (const char *p = list; *p; i++) {
		size_t len;

		p += strspn(p, " \t,");
		if (!*p)
			break;
		len = strcspn(p, " \t,");
		if (len == n && strncmp(p, word, n) == 0)
			return i;
		p += len;
	}
	return -1;
}

/* ---- doveconf -n ---- */

struct dc_entry {
	char *path; /* "service dict/unix_listener dict/mode" */
	char *val;
};

struct dc_conf {
	struct dc_entry *v;
	size_t n, cap;
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* doveconf -n: "key = value" lines, "name {" opens a section, "}" closes it.
 * A quoted value ("\" quota\"") is unquoted. */
static void dc_parse(const char *text, struct dc_conf *c)
{
	char *copy = xstrdup(text), *save = NULL;
	char stack[16][128];
	int depth = 0;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = trim(line), *eq, *key, *val, path[1024];
		size_t len = strlen(s);
		int off = 0;

		if (!*s || *s == '#')
			continue;
		if (strcmp(s, "}") == 0) {
			if (depth > 0)
				depth--;
			continue;
		}
		eq = strstr(s, " = ");
		if (!eq && len >= 2 && s[len - 1] == '{') {
			s[len - 1] = '\0';
			if (depth < 16)
				snprintf(stack[depth], sizeof stack[depth], "%s", trim(s));
			depth++;
			continue;
		}
		if (!eq) {
			if (len >= 2 && strcmp(s + len - 2, " =") == 0) { /* an empty value */
				s[len - 2] = '\0';
				key = trim(s);
				val = s + len; /* "" */
			} else {
				continue;
			}
		} else {
			*eq = '\0';
			key = trim(s);
			val = trim(eq + 3);
		}
		len = strlen(val);
		if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
			val[len - 1] = '\0';
			val++;
		}
		for (int i = 0; i < depth && i < 16; i++)
			off += snprintf(path + off, sizeof path - (size_t)off, "%s/", stack[i]);
		snprintf(path + off, sizeof path - (size_t)off, "%s", key);
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
		}
		c->v[c->n].path = xstrdup(path);
		c->v[c->n].val = xstrdup(val);
		c->n++;
	}
	free(copy);
}

static void dc_free(struct dc_conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].val);
	}
	free(c->v);
}

/* The last value of path (doveconf -n prints each once; a later one wins), or NULL. */
static const char *dc_get(const struct dc_conf *c, const char *path)
{
	const char *v = NULL;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].path, path) == 0)
			v = c->v[i].val;
	return v;
}

/* Is there an entry path = val (passdb/args: there may be several passdbs)? */
static int dc_has(const struct dc_conf *c, const char *path, const char *val)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].path, path) == 0 && strcmp(c->v[i].val, val) == 0)
			return 1;
	return 0;
}

static const char *shown(const char *v)
{
	return !v ? "(not set)" : *v ? v : "(empty)";
}

/* The home the generated user_query returns, read back from the file it is in. Caller frees. */
static char *query_home(const char *sqlfile)
{
	FILE *f = fopen(sqlfile, "r");
	char line[8192], *home = NULL;

	if (!f)
		return NULL;
	while (!home && fgets(line, sizeof line, f)) {
		char *q, *e;

		if (strncmp(line, "user_query", 10) != 0 || !(q = strstr(line, "SELECT '")))
			continue;
		q += 8;
		e = strstr(q, "' AS home");
		if (e)
			home = xasprintf("%.*s", (int)(e - q), q);
	}
	fclose(f);
	return home;
}

/* May a process of the owner (uid, any of its groups) open a socket user:group mode? */
static int socket_open_to(const struct mailcheck_expect *x, const char *user, const char *group, unsigned mode)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr = getgrnam(group);

	if (x->uid == 0)
		return 1;
	if (pw && (unsigned)pw->pw_uid == x->uid)
		return (mode & 0600) == 0600;
	if (gr)
		for (size_t i = 0; i < x->ngroups; i++)
			if (x->groups[i] == (unsigned)gr->gr_gid)
				return (mode & 0060) == 0060;
	return (mode & 0006) == 0006;
}

/* "$default_internal_user" and the like, as Dovecot expands them. */
static const char *dc_expand(const struct dc_conf *c, const char *v)
{
	if (v && v[0] == '$') {
		const char *r = dc_get(c, v + 1);

		if (r)
			return r;
		if (strcmp(v, "$default_internal_user") == 0)
			return "dovecot";
		if (strcmp(v, "$default_internal_group") == 0)
			return "dovecot";
		if (strcmp(v, "$default_login_user") == 0)
			return "dovenull";
	}
	return v;
}

static long dc_long(const struct dc_conf *c, const char *path, long dflt)
{
	const char *v = dc_get(c, path);
	char *end;
	long n;

	if (!v)
		return dflt;
	n = strtol(v, &end, 0);
	return *v && !*end ? n : dflt;
}

void mailcheck_dovecot(const struct mailcheck_expect *x, const char *doveconf_n, struct mailcheck_report *rep)
{
	static const char *const folders[] = {"Drafts", "Junk", "Sent", "Trash"};
	struct dc_conf c = {0};
	char *sqlf = xasprintf("%s/dovecot-sql.conf.ext", x->dovecot_dir);
	char *want, *home;
	const char *v, *user, *group;
	unsigned mode;

	dc_parse(doveconf_n, &c);
	if (!dc_has(&c, "passdb/args", sqlf))
		add(rep, "dovecot", "passdb",
		    "no passdb reads %s (is %s/dovecot-vmailadm.conf included in dovecot.conf?)", sqlf, x->dovecot_dir);
	if (!dc_has(&c, "userdb/args", sqlf))
		add(rep, "dovecot", "userdb", "no userdb reads %s: the homes, uid and quota come from it", sqlf);

	/* the home layout: the userdb gives <root>/%d/%n, mail_location is under it */
	v = dc_get(&c, "mail_location");
	if (!v || strcmp(v, "maildir:~/.maildir") != 0)
		add(rep, "dovecot", "mail_location", "is %s; vmailadm's homes hold maildir:~/.maildir", shown(v));
	want = xasprintf("%s/%%d/%%n", x->root);
	v = dc_get(&c, "mail_home");
	if (v && *v && strcmp(v, want) != 0)
		add(rep, "dovecot", "mail_home",
		    "wrong home layout: mail_home is %s, vmailadm's homes are %s (mailbox "
		    "renames and deletions act there)",
		    v, want);
	home = query_home(sqlf);
	if (home && strcmp(home, want) != 0)
		add(rep, "dovecot", "user_query",
		    "wrong home layout: %s gives the home %s, [mail] root says %s (run "
		    "vmailadm dovecot generate)",
		    sqlf, home, want);
	free(home);
	free(want);

	/* quota */
	v = dc_get(&c, "mail_plugins");
	if (!has_word(v, "quota"))
		add(rep, "dovecot", "mail_plugins", "missing quota plugin (mail_plugins is %s): usage is not counted",
		    shown(v));
	v = dc_get(&c, "protocol imap/mail_plugins");
	if (!has_word(v, "imap_quota"))
		add(rep, "dovecot", "protocol imap/mail_plugins", "no imap_quota (is %s): IMAP clients see no quota",
		    shown(v));
	v = dc_get(&c, "plugin/quota");
	if (!v || strncmp(v, "dict:", 5) != 0 || !strstr(v, "proxy::quota"))
		add(rep, "dovecot", "plugin/quota",
		    "is %s; vmailadm reads usage from admin_quota through "
		    "dict:User quota::proxy::quota",
		    shown(v));
	want = xasprintf("%s:%s/dovecot-dict-sql.conf.ext", x->driver, x->dovecot_dir);
	v = dc_get(&c, "dict/quota");
	if (!v || strcmp(v, want) != 0)
		add(rep, "dovecot", "dict/quota", "is %s, not %s", shown(v), want);
	free(want);

	/* Sieve at delivery, the users' scripts, vmailadm's script, ManageSieve */
	v = dc_get(&c, "protocol lda/mail_plugins");
	if (!has_word(v, "sieve"))
		add(rep, "dovecot", "protocol lda/mail_plugins",
		    "missing sieve plugin (is %s): no filter or vacation "
		    "runs at delivery",
		    shown(v));
	v = dc_get(&c, "protocol lmtp/mail_plugins");
	if (!has_word(v, "sieve"))
		add(rep, "dovecot", "protocol lmtp/mail_plugins",
		    "missing sieve plugin (is %s): deliveries over LMTP "
		    "run no filter",
		    shown(v));
	v = dc_get(&c, "plugin/sieve");
	if (!v || strcmp(v, "file:~/sieve;active=~/.dovecot.sieve") != 0)
		add(rep, "dovecot", "plugin/sieve",
		    "is %s; the users' scripts live in file:~/sieve;active=~/.dovecot.sieve", shown(v));
	v = dc_get(&c, "plugin/sieve_before");
	if (!v ||
	    strcmp(v, "dict:proxy::" DOVECOT_SIEVE_DICT ";name=" DOVECOT_SIEVE_NAME ";bindir=~/.sieve-before-bin") != 0)
		add(rep, "dovecot", "plugin/sieve_before",
		    "is %s; vmailadm's scripts come from dict:proxy::" DOVECOT_SIEVE_DICT ";name=" DOVECOT_SIEVE_NAME
		    ";bindir=~/.sieve-before-bin",
		    shown(v));
	want = xasprintf("%s:%s/dovecot-dict-sieve.conf.ext", x->driver, x->dovecot_dir);
	v = dc_get(&c, "dict/" DOVECOT_SIEVE_DICT);
	if (!v || strcmp(v, want) != 0)
		add(rep, "dovecot", "dict/" DOVECOT_SIEVE_DICT, "is %s, not %s", shown(v), want);
	free(want);
	v = dc_get(&c, "protocols");
	if (!has_word(v, "sieve"))
		add(rep, "dovecot", "protocols", "no ManageSieve (protocols is %s): users cannot upload their scripts",
		    shown(v));

	/* the dict socket: quota updates and sieve_before come through it from
	 * processes running as the mail owner; a socket they cannot open fails
	 * quietly (Dovecot logs it and delivers anyway) */
	user = dc_expand(&c, dc_get(&c, "service dict/unix_listener dict/user"));
	group = dc_expand(&c, dc_get(&c, "service dict/unix_listener dict/group"));
	v = dc_get(&c, "service dict/unix_listener dict/mode");
	if (!user || !*user)
		user = "root";
	if (!group)
		group = dc_expand(&c, "$default_internal_group");
	if (!*group)
		group = "root";
	mode = v ? (unsigned)strtoul(v, NULL, 8) : 0660;
	if (!socket_open_to(x, user, group, mode))
		add(rep, "dovecot", "service dict/unix_listener dict",
		    "wrong dict socket owner: %s:%s mode %04o, which the mail owner %s (uid %u) cannot open: quota "
		    "updates and sieve_before fail quietly",
		    user, group, mode, x->owner, x->uid);

	if (x->postmaster) {
		v = dc_get(&c, "postmaster_address");
		if (!v || strcmp(v, x->postmaster) != 0)
			add(rep, "dovecot", "postmaster_address", "is %s, [dovecot] postmaster says %s", shown(v),
			    x->postmaster);
	}
	if ((unsigned long)dc_long(&c, "first_valid_uid", 500) > x->uid ||
	    (dc_long(&c, "last_valid_uid", 0) != 0 && (unsigned long)dc_long(&c, "last_valid_uid", 0) < x->uid))
		add(rep, "dovecot", "first_valid_uid",
		    "the mail owner's uid %u is outside first_valid_uid..last_valid_uid "
		    "(%ld..%ld): Dovecot refuses its mail",
		    x->uid, dc_long(&c, "first_valid_uid", 500), dc_long(&c, "last_valid_uid", 0));
	for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
		char p1[128], p2[128], su[32];
		const char *a, *s;

		snprintf(p1, sizeof p1, "namespace inbox/mailbox %s/auto", folders[i]);
		snprintf(p2, sizeof p2, "namespace inbox/mailbox %s/special_use", folders[i]);
		snprintf(su, sizeof su, "\\%s", folders[i]);
		a = dc_get(&c, p1);
		s = dc_get(&c, p2);
		if (!a || strcmp(a, "create") != 0 || !s || strcmp(s, su) != 0)
			add(rep, "dovecot", p1, "the folder %s is not created automatically with special_use %s",
			    folders[i], su);
	}
	free(sqlf);
	dc_free(&c);
}

/* ---- postconf -n, postconf -M ---- */

/* The value of key in `postconf -n` output (one "key = value" a line). Caller frees. */
static char *pc_get(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len > n + 2 && strncmp(p, key, n) == 0 && strncmp(p + n, " =", 2) == 0) {
			const char *v = p + n + 2;

			while (*v == ' ')
				v++;
			return xasprintf("%.*s", (int)(len - (size_t)(v - p)), v);
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static void pc_want_map(const struct mailcheck_expect *x, const char *text, const char *key, const char *file,
			struct mailcheck_report *rep)
{
	char *v = pc_get(text, key), *map = xasprintf("%s:%s/%s", x->driver, x->maps_dir, file);

	if (!has_word(v, map))
		add(rep, "postfix", key, "maps not referenced: %s is not in it (is %s)", map, shown(v));
	free(map);
	free(v);
}

static void pc_want(const char *text, const char *key, const char *want, const char *why, struct mailcheck_report *rep)
{
	char *v = pc_get(text, key);

	if (!v || strcmp(v, want) != 0)
		add(rep, "postfix", key, "is %s, vmailadm expects %s%s", shown(v), want, why);
	free(v);
}

void mailcheck_postfix(const struct mailcheck_expect *x, const char *postconf_n, const char *postconf_m,
		       struct mailcheck_report *rep)
{
	char buf[64], *v, *m1, *m2;
	const char *l;

	v = pc_get(postconf_n, "virtual_transport");
	if (!v || strcmp(v, "dovecot") != 0)
		add(rep, "postfix", "virtual_transport", "missing transport: is %s, not dovecot (the LDA pipe)", shown(v));
	free(v);
	pc_want(postconf_n, "dovecot_destination_recipient_limit", "1", " (the LDA takes one recipient)", rep);
	snprintf(buf, sizeof buf, "static:%u", x->uid);
	pc_want(postconf_n, "virtual_uid_maps", buf, " ([mail] owner)", rep);
	snprintf(buf, sizeof buf, "static:%u", x->gid);
	pc_want(postconf_n, "virtual_gid_maps", buf, " ([mail] owner's group)", rep);
	v = pc_get(postconf_n, "virtual_minimum_uid");
	if ((v ? strtoul(v, NULL, 10) : 100) > x->uid)
		add(rep, "postfix", "virtual_minimum_uid", "is %s, above the mail owner's uid %u",
		    v ? v : "100 (default)", x->uid);
	free(v);
	pc_want(postconf_n, "virtual_mailbox_base", x->root, " ([mail] root)", rep);
	pc_want_map(x, postconf_n, "virtual_mailbox_domains", "sql-domains.cf", rep);
	pc_want_map(x, postconf_n, "virtual_alias_domains", "sql-domain-aliases.cf", rep);
	pc_want_map(x, postconf_n, "virtual_mailbox_maps", "sql-mailboxes.cf", rep);
	pc_want_map(x, postconf_n, "virtual_alias_maps", "sql-aliases.cf", rep);
	pc_want_map(x, postconf_n, "virtual_alias_maps", "sql-domain-aliases-mailboxes.cf", rep);
	pc_want_map(x, postconf_n, "virtual_alias_maps", "sql-email2email.cf", rep);
	pc_want_map(x, postconf_n, "virtual_alias_maps", "sql-catchall-aliases.cf", rep);
	v = pc_get(postconf_n, "virtual_alias_maps");
	m1 = xasprintf("%s:%s/sql-email2email.cf", x->driver, x->maps_dir);
	m2 = xasprintf("%s:%s/sql-catchall-aliases.cf", x->driver, x->maps_dir);
	if (word_pos(v, m1) >= 0 && word_pos(v, m2) >= 0 && word_pos(v, m1) > word_pos(v, m2))
		add(rep, "postfix", "virtual_alias_maps",
		    "the catch-all map comes before the self map "
		    "sql-email2email.cf: a catch-all takes every mailbox's mail");
	free(m1);
	free(m2);
	free(v);
	v = pc_get(postconf_n, "smtpd_recipient_restrictions");
	m1 = xasprintf("%s:%s/sql-maintain.cf", x->driver, x->maps_dir);
	if (word_pos(v, m1) < 0 || word_pos(v, "check_recipient_access") != word_pos(v, m1) - 1)
		add(rep, "postfix", "smtpd_recipient_restrictions",
		    "maps not referenced: no check_recipient_access %s "
		    "(a mailbox with a pending operation must answer 450)",
		    m1);
	else if (word_pos(v, "permit_mynetworks") >= 0 && word_pos(v, "permit_mynetworks") < word_pos(v, m1))
		add(rep, "postfix", "smtpd_recipient_restrictions",
		    "permit_mynetworks comes before check_recipient_access "
		    "%s: trusted clients deliver into mailboxes with a pending operation",
		    m1);
	free(m1);
	free(v);

	/* master.cf: "dovecot unix - n n - - pipe flags=DRhu user=U argv=LDA ..." */
	l = postconf_m;
	while (l && (*l == ' ' || *l == '\n'))
		l++;
	if (!l || strncmp(l, "dovecot", 7) != 0 || (l[7] != ' ' && l[7] != '\t')) {
		add(rep, "postfix", "master.cf dovecot",
		    "missing transport: master.cf has no `dovecot unix ... pipe` "
		    "service (see master.cf.vmailadm)");
	} else {
		char *copy = xstrdup(l), *save = NULL, *w;
		int field = 0, pipe = 0, user_ok = 0, argv_ok = 0;
		size_t ldalen = strcspn(x->lda, " \t");
		char *user = NULL;

		for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save), field++) {
			if (field == 7)
				pipe = strcmp(w, "pipe") == 0;
			if (field > 7 && strncmp(w, "user=", 5) == 0) {
				size_t ul = strcspn(w + 5, ":");

				user = xasprintf("%.*s", (int)ul, w + 5);
				user_ok = strcmp(user, x->owner) == 0;
			}
			if (field > 7 && strncmp(w, "argv=", 5) == 0)
				argv_ok = strlen(w + 5) == ldalen && strncmp(w + 5, x->lda, ldalen) == 0;
		}
		if (!pipe)
			add(rep, "postfix", "master.cf dovecot", "the dovecot service is no pipe");
		else {
			if (!user_ok)
				add(rep, "postfix", "master.cf dovecot", "the pipe runs as %s, not as [mail] owner %s",
				    user ? user : "(no user=)", x->owner);
			if (!argv_ok)
				add(rep, "postfix", "master.cf dovecot", "the pipe does not run [dovecot] lda (%.*s)",
				    (int)ldalen, x->lda);
		}
		free(user);
		free(copy);
	}
}

/* ---- running the commands ---- */

/* Runs cmd (split on blanks) with the extra arguments, no shell, stdin
 * /dev/null; *out gets stdout, *errout the first line of stderr. Returns the
 * exit status, or -1 when it could not run (reason in *errout). */
static int capture(const char *cmd, const char *const *extra, char **out, char **errout)
{
	char **argv = run_argv(cmd, extra);
	struct run_output o;
	int rc;

	*out = *errout = NULL;
	if (!argv) {
		*errout = xstrdup("the command is empty");
		return -1;
	}
	rc = run_capture(argv, OUTPUT_MAX, &o);
	run_argv_free(argv);
	o.err[strcspn(o.err, "\n")] = '\0';
	*out = o.out;
	*errout = o.err;
	return rc;
}

/* One command's output, or a finding saying why there is none. Caller frees. */
static char *run_for(struct mailcheck_report *rep, const char *server, const char *cmd, const char *const *extra)
{
	char *out, *errout, shown_cmd[512];
	int rc = capture(cmd, extra, &out, &errout);
	int off = snprintf(shown_cmd, sizeof shown_cmd, "%s", cmd);

	for (const char *const *e = extra; *e && off < (int)sizeof shown_cmd; e++)
		off += snprintf(shown_cmd + off, sizeof shown_cmd - (size_t)off, " %s", *e);
	if (rc != 0) {
		add(rep, server, shown_cmd, "%s%s%s", rc < 0 ? "" : "failed",
		    rc < 0    ? ""
		    : *errout ? ": "
			      : "",
		    *errout  ? errout
		    : rc > 0 ? ""
			     : "could not run");
		free(out);
		out = NULL;
	}
	free(errout);
	return out;
}

enum vm_status mailcheck_run(struct vm *vm, const struct mailcheck_opts *o, struct mailcheck_report *rep,
			     struct vm_error *err)
{
	static const char *const dn[] = {"-n", NULL}, *const pn[] = {"-n", NULL}, *const pm[] = {"-M", "dovecot/unix", NULL};
	const struct conf *cfg = vm->cfg;
	struct mailcheck_expect x = {0};
	struct db_params p;
	struct passwd *pw;
	int ngroups = 64;
	gid_t gids[64];
	unsigned ugids[64];
	char *dc_dir, *pf_dir, *text, *m;
	enum vm_status st;

	if (!vm->actor.superuser)
		return vm_fail(err, VM_ERR_DENIED,
			       "mailserver check: only a superadministrator may read the mail servers' "
			       "configuration");
	x.owner = cfg && cfg->mail_owner ? cfg->mail_owner : "vmail";
	x.root = cfg && cfg->mail_root ? cfg->mail_root : "/var/vmail";
	x.lda = cfg && cfg->dovecot_lda ? cfg->dovecot_lda : "/usr/lib/dovecot/deliver";
	x.postmaster = cfg ? cfg->dovecot_postmaster : NULL;
	pw = getpwnam(x.owner);
	if (!pw)
		return vm_fail(err, VM_ERR_INVALID, "[mail] owner '%s' is not a user of this system", x.owner);
	x.uid = (unsigned)pw->pw_uid;
	x.gid = (unsigned)pw->pw_gid;
	if (getgrouplist(x.owner, pw->pw_gid, gids, &ngroups) < 0)
		ngroups = 64;
	for (int i = 0; i < ngroups; i++)
		ugids[i] = (unsigned)gids[i];
	x.groups = ugids;
	x.ngroups = (size_t)ngroups;
	if ((st = db_params_parse(vm->url, &p, err)) != VM_OK)
		return st;
	x.driver = db_params_driver(&p);
	/* the generated files name each other by absolute path */
	dc_dir = realpath(o->dovecot_dir            ? o->dovecot_dir
			  : cfg && cfg->dovecot_dir ? cfg->dovecot_dir
						    : "/etc/dovecot",
			  NULL);
	pf_dir = realpath(o->maps_dir                ? o->maps_dir
			  : cfg && cfg->postfix_maps ? cfg->postfix_maps
						     : "/etc/postfix/sql",
			  NULL);
	x.dovecot_dir = dc_dir                    ? dc_dir
			: o->dovecot_dir          ? o->dovecot_dir
			: cfg && cfg->dovecot_dir ? cfg->dovecot_dir
						  : "/etc/dovecot";
	x.maps_dir = pf_dir                     ? pf_dir
		     : o->maps_dir              ? o->maps_dir
		     : cfg && cfg->postfix_maps ? cfg->postfix_maps
						: "/etc/postfix/sql";

	text = run_for(rep, "dovecot", cfg && cfg->doveconf ? cfg->doveconf : "doveconf", dn);
	if (text)
		mailcheck_dovecot(&x, text, rep);
	free(text);
	text = run_for(rep, "postfix", cfg && cfg->postconf ? cfg->postconf : "postconf", pn);
	m = text ? run_for(rep, "postfix", cfg && cfg->postconf ? cfg->postconf : "postconf", pm) : NULL;
	if (text && m)
		mailcheck_postfix(&x, text, m, rep);
	free(text);
	free(m);
	free(dc_dir);
	free(pf_dir);
	db_params_free(&p);
	return VM_OK;
}
