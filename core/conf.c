/* SPDX-License-Identifier: MIT */
/* conf.c: reads the INI configuration file and resolves the database URL. */
#include "core/conf.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/xalloc.h"

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? xstrdup(v) : NULL;
}

void conf_defaults(struct conf *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	set_str(&cfg->mail_root, "/var/vmail");
	set_str(&cfg->mail_owner, "vmail");
	set_str(&cfg->password_scheme, "SHA512-CRYPT");
	set_str(&cfg->postfix_maps, "/etc/postfix/sql");
	set_str(&cfg->postfix_group, "postfix");
	set_str(&cfg->sasl_socket, "/var/spool/postfix/private/auth");
	set_str(&cfg->dovecot_dir, "/etc/dovecot");
	set_str(&cfg->dovecot_group, "dovecot");
	set_str(&cfg->quota_recalc, "doveadm quota recalc");
	set_str(&cfg->dovecot_lda, "/usr/lib/dovecot/deliver");
	set_str(&cfg->doveconf, "doveconf");
	set_str(&cfg->postconf, "postconf");
	set_str(&cfg->sievec, "/usr/bin/sievec");
	set_str(&cfg->sieve_doveadm, "doveadm");
	cfg->monitor_interval = 5;
	cfg->mail_stuck_after = 10;
	cfg->monitor_warn = 80;
	cfg->monitor_critical = 95;
}

void conf_free(struct conf *cfg)
{
	free(cfg->path);
	free(cfg->db_url);
	free(cfg->db_password_file);
	free(cfg->mail_root);
	free(cfg->mail_owner);
	free(cfg->mail_archive);
	free(cfg->password_scheme);
	free(cfg->postfix_maps);
	free(cfg->postfix_group);
	free(cfg->sasl_socket);
	free(cfg->dovecot_dir);
	free(cfg->dovecot_group);
	free(cfg->quota_recalc);
	free(cfg->dovecot_lda);
	free(cfg->dovecot_postmaster);
	free(cfg->doveconf);
	free(cfg->postconf);
	free(cfg->sievec);
	free(cfg->sieve_doveadm);
	free(cfg->unix_logins);
	memset(cfg, 0, sizeof *cfg);
}

int conf_check_private(const char *path, const char *what, char *errbuf, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(errbuf, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(errbuf, errlen, "%s %s holds a password and is readable by others (mode %03o): run chmod o-rwx %s",
			 what, path, (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	return 0;
}

/* Does the URL carry a password? user:pass@ or password= */
static int url_has_password(const char *url)
{
	const char *scheme_end = strstr(url, "://");
	const char *at, *colon;

	if (strstr(url, "password="))
		return 1;
	if (!scheme_end)
		return 0;
	scheme_end += 3;
	at = strchr(scheme_end, '@');
	if (!at)
		return 0;
	colon = memchr(scheme_end, ':', (size_t)(at - scheme_end));
	return colon != NULL;
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Strips a trailing comment and surrounding quotes from a value. */
static int clean_value(char *v, char **out)
{
	char *p;

	v = trim(v);
	if (*v == '"') {
		char *q = strchr(v + 1, '"');

		if (!q)
			return -1;
		*q = '\0';
		p = trim(q + 1);
		if (*p && *p != '#' && *p != ';')
			return -1;
		*out = v + 1;
		return 0;
	}
	for (p = v; *p; p++)
		if ((*p == '#' || *p == ';') && (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	*out = trim(v);
	return 0;
}

/* Checks of string values: 1 when v may be used. */
static int path_not_root(const char *v)
{
	return v[0] == '/' && strcmp(v, "/") != 0;
}

static int abs_path(const char *v)
{
	return v[0] == '/';
}

static int socket_path(const char *v)
{
	return v[0] == '/' && !strpbrk(v, " \t,\"#");
}

/* The configuration keys, one line each: section, key, how the value is read
 * (STR: a string, checked when the last column says CHECK; STR_OR_NULL: an
 * empty value sets NULL; INT: a number in RANGE; CHOICE: one of two WORDS, 0
 * or 1), the field of struct conf it sets, and what it must be. A refused
 * value reads "FILE:LINE: [section] key must be ..." (with ", not 'VALUE'"
 * for INT and CHOICE). */
#define CONF_KEY_LIST(X)                                                                                                   \
	X(database, url, STR, db_url, ANY)                                                                                 \
	X(database, password_file, STR, db_password_file, ANY)                                                             \
	X(mail, root, STR, mail_root, CHECK(path_not_root, "an absolute path other than /"))                               \
	X(mail, owner, STR, mail_owner, ANY)                                                                               \
	X(mail, delete, CHOICE, mail_delete_remove, WORDS("archive", "remove", "archive or remove"))                       \
	X(mail, archive, STR, mail_archive, CHECK(abs_path, "an absolute path"))                                           \
	X(mail, stuck_after, INT, mail_stuck_after, RANGE(1, 525600, "1..525600 minutes"))                                 \
	X(passwords, scheme, STR, password_scheme, ANY)                                                                    \
	X(postfix, maps, STR, postfix_maps, ANY)                                                                           \
	X(postfix, group, STR, postfix_group, ANY)                                                                         \
	X(postfix, sasl_socket, STR, sasl_socket, CHECK(socket_path, "an absolute path without blanks, ',', '\"' or '#'")) \
	X(postfix, postconf, STR, postconf, ANY)                                                                           \
	X(dovecot, dir, STR, dovecot_dir, ANY)                                                                             \
	X(dovecot, group, STR, dovecot_group, ANY)                                                                         \
	X(dovecot, recalc, STR, quota_recalc, ANY)                                                                         \
	X(dovecot, lda, STR, dovecot_lda, CHECK_AS(abs_path, "start with an absolute path"))                               \
	X(dovecot, postmaster, STR_OR_NULL, dovecot_postmaster, ANY)                                                       \
	X(dovecot, doveconf, STR, doveconf, ANY)                                                                           \
	X(sieve, sievec, STR, sievec, ANY)                                                                                 \
	X(sieve, doveadm, STR, sieve_doveadm, ANY)                                                                         \
	X(sieve, user_scripts, CHOICE, sieve_user_scripts, WORDS("no", "yes", "yes or no"))                                \
	X(monitor, interval, INT, monitor_interval, RANGE(1, 3600, "1..3600 seconds"))                                     \
	X(monitor, warn, INT, monitor_warn, RANGE(1, 1000, "a percentage"))                                                \
	X(monitor, critical, INT, monitor_critical, RANGE(1, 1000, "a percentage"))                                        \
	X(access, unix_logins, STR, unix_logins, ANY)

enum conf_type { CONF_STR, CONF_STR_OR_NULL, CONF_INT, CONF_CHOICE };

struct conf_key {
	const char *section, *key;
	enum conf_type type;
	size_t offset;               /* of a char * (STR...) or an int (INT, CHOICE) in struct conf */
	int (*check)(const char *v); /* STR: NULL or 1 when v may be used */
	int lo, hi;                  /* INT */
	const char *word[2];         /* CHOICE: the words for 0 and 1 */
	const char *must;            /* the message after "[section] key " */
};

#define ANY .check = NULL
#define CHECK(fn, what) .check = fn, .must = "must be " what
#define CHECK_AS(fn, what) .check = fn, .must = "must " what
#define RANGE(l, h, what) .lo = l, .hi = h, .must = "must be " what
#define WORDS(w0, w1, what) .word = {w0, w1}, .must = "must be " what
#define X(sec, k, type_, field, rule) {#sec, #k, CONF_##type_, offsetof(struct conf, field), rule},
static const struct conf_key conf_keys[] = {CONF_KEY_LIST(X)};
#undef X
#undef ANY
#undef CHECK
#undef CHECK_AS
#undef RANGE
#undef WORDS

static const struct conf_key *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++)
		if ((!key || strcmp(conf_keys[i].key, key) == 0) && strcmp(conf_keys[i].section, section) == 0)
			return &conf_keys[i];
	return NULL;
}

/* Sets the key's field from val; -1 with the message (after "FILE:LINE: ") when val is refused. */
static int set_key(struct conf *cfg, const struct conf_key *k, const char *val, char *errbuf, size_t errlen)
{
	char *base = (char *)cfg;
	char **str = (char **)(void *)(base + k->offset);
	int *num = (int *)(void *)(base + k->offset);

	switch (k->type) {
	case CONF_STR:
		if (k->check && !k->check(val))
			break;
		set_str(str, val);
		return 0;
	case CONF_STR_OR_NULL:
		set_str(str, *val ? val : NULL);
		return 0;
	case CONF_INT:
		if (parse_int(val, k->lo, k->hi, num) == 0)
			return 0;
		snprintf(errbuf, errlen, "[%s] %s %s, not '%s'", k->section, k->key, k->must, val);
		return -1;
	case CONF_CHOICE:
		for (int i = 0; i < 2; i++)
			if (strcmp(val, k->word[i]) == 0) {
				*num = i;
				return 0;
			}
		snprintf(errbuf, errlen, "[%s] %s %s, not '%s'", k->section, k->key, k->must, val);
		return -1;
	}
	snprintf(errbuf, errlen, "[%s] %s %s", k->section, k->key, k->must);
	return -1;
}

/* Reads one line (trimmed, not empty, not a comment) into cfg, keeping the
 * current [section]; -1 with the message (after "FILE:LINE: ") in errbuf. */
static int conf_line(struct conf *cfg, char *s, char *section, size_t seclen, char *errbuf, size_t errlen)
{
	const struct conf_key *k;
	char *eq, *key, *val;

	if (*s == '[') {
		char *e = strchr(s, ']');

		if (!e || e - s - 1 >= (long)seclen) {
			snprintf(errbuf, errlen, "bad section header");
			return -1;
		}
		*e = '\0';
		snprintf(section, seclen, "%s", trim(s + 1));
		if (!find_key(section, NULL)) {
			snprintf(errbuf, errlen, "unknown section [%s]", section);
			return -1;
		}
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq) {
		snprintf(errbuf, errlen, "expected 'key = value'");
		return -1;
	}
	*eq = '\0';
	key = trim(s);
	if (clean_value(eq + 1, &val) != 0) {
		snprintf(errbuf, errlen, "%s: unterminated or misplaced quote", key);
		return -1;
	}
	if (!*section) {
		snprintf(errbuf, errlen, "'%s' outside of a [section]", key);
		return -1;
	}
	k = find_key(section, key);
	if (!k) {
		snprintf(errbuf, errlen, "unknown key '%s' in [%s]", key, section);
		return -1;
	}
	return set_key(cfg, k, val, errbuf, errlen);
}

int conf_load(struct conf *cfg, const char *path, char *errbuf, size_t errlen)
{
	FILE *f;
	char line[4096], *msg = xmalloc(errlen ? errlen : 1);
	char section[64] = "";
	int lineno = 0, rc = -1;

	conf_defaults(cfg);
	f = fopen(path, "r");
	if (!f) {
		snprintf(errbuf, errlen, "config file %s: %s", path, strerror(errno));
		conf_free(cfg);
		free(msg);
		return -1;
	}
	set_str(&cfg->path, path);
	while (fgets(line, sizeof line, f)) {
		size_t len = strlen(line);
		char *s;

		lineno++;
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			snprintf(errbuf, errlen, "%s:%d: line too long", path, lineno);
			goto out;
		}
		if (memchr(line, '\0', len) != NULL && strlen(line) != len) {
			snprintf(errbuf, errlen, "%s:%d: NUL byte in line", path, lineno);
			goto out;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (conf_line(cfg, s, section, sizeof section, msg, errlen ? errlen : 1) != 0) {
			snprintf(errbuf, errlen, "%s:%d: %s", path, lineno, msg);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(errbuf, errlen, "config file %s: read error", path);
		goto out;
	}
	if (cfg->monitor_warn > cfg->monitor_critical) {
		snprintf(errbuf, errlen, "%s: [monitor] warn (%d) is above critical (%d)", path, cfg->monitor_warn,
			 cfg->monitor_critical);
		goto out;
	}
	if (cfg->db_url && url_has_password(cfg->db_url) && conf_check_private(path, "config file", errbuf, errlen) != 0)
		goto out;
	rc = 0;
out:
	fclose(f);
	free(msg);
	if (rc != 0)
		conf_free(cfg); /* nothing half-read stays behind */
	return rc;
}

static char *pct_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/* Puts password into url: user:PW@ for URL forms, password='PW' for conninfo. */
static char *url_add_password(const char *url, const char *pw)
{
	const char *p = strstr(url, "://");
	char *enc, *res;

	if (!p) {
		/* libpq key=value: quote the value */
		char *q = xmalloc(strlen(pw) * 2 + 3), *o = q;
		const char *s;

		*o++ = '\'';
		for (s = pw; *s; s++) {
			if (*s == '\'' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o++ = '\'';
		*o = '\0';
		res = xasprintf("%s password=%s", url, q);
		free(q);
		return res;
	}
	p += 3;
	enc = pct_encode(pw);
	{
		const char *at = strchr(p, '@');
		const char *slash = strchr(p, '/');

		if (at && (!slash || at < slash)) {
			/* user@host: insert :pw before @ (replacing any existing password) */
			const char *colon = memchr(p, ':', (size_t)(at - p));
			const char *uend = colon ? colon : at;

			res = xasprintf("%.*s:%s%s", (int)(uend - url), url, enc, at);
		} else {
			res = NULL;
		}
	}
	free(enc);
	return res;
}

char *conf_database_url(const struct conf *cfg, const char *explicit_url, char *errbuf, size_t errlen)
{
	const char *url = explicit_url;
	const char *envpw = getenv("VMAILADM_DB_PASSWORD");
	char pw[1024];

	if (!url || !*url)
		url = getenv("VMAILADM_DATABASE");
	if (!url || !*url)
		url = cfg->db_url;
	if (!url || !*url) {
		snprintf(errbuf, errlen, "no database: give -d URL, set VMAILADM_DATABASE, or set [database] url in %s",
			 cfg->path ? cfg->path : "/etc/vmailadm.conf");
		return NULL;
	}
	if (strncmp(url, "sqlite:", 7) == 0 || (!cfg->db_password_file && !(envpw && *envpw)))
		return xstrdup(url);
	if (cfg->db_password_file) {
		FILE *f;
		size_t n;

		if (conf_check_private(cfg->db_password_file, "password file", errbuf, errlen) != 0)
			return NULL;
		f = fopen(cfg->db_password_file, "r");
		if (!f) {
			snprintf(errbuf, errlen, "password file %s: %s", cfg->db_password_file, strerror(errno));
			return NULL;
		}
		if (!fgets(pw, sizeof pw, f))
			pw[0] = '\0';
		fclose(f);
		n = strcspn(pw, "\r\n");
		pw[n] = '\0';
		if (!*pw) {
			snprintf(errbuf, errlen, "password file %s is empty", cfg->db_password_file);
			return NULL;
		}
	} else {
		snprintf(pw, sizeof pw, "%s", envpw);
	}
	{
		char *res = url_add_password(url, pw);

		memset(pw, 0, sizeof pw);
		if (!res)
			snprintf(errbuf, errlen,
				 "database URL has no user@ part to attach the password file's password to");
		return res;
	}
}

char *conf_url_redacted(const char *url)
{
	const char *p = strstr(url, "://");
	const char *at, *colon;
	char *pw;

	if ((pw = strstr(url, "password=")) != NULL) {
		/* conninfo: cut at password= */
		return xasprintf("%.*spassword=***", (int)(pw - url), url);
	}
	if (!p)
		return xstrdup(url);
	p += 3;
	at = strchr(p, '@');
	if (!at)
		return xstrdup(url);
	colon = memchr(p, ':', (size_t)(at - p));
	if (!colon)
		return xstrdup(url);
	return xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}
