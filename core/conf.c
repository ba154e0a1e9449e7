/* SPDX-License-Identifier: MIT */
/* conf.c: reads the INI configuration file and resolves the database URL. */
#include "core/conf.h"

#include <ctype.h>
#include <errno.h>
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

int conf_load(struct conf *cfg, const char *path, char *errbuf, size_t errlen)
{
	FILE *f;
	char line[4096];
	char section[64] = "";
	int lineno = 0, rc = -1;

	conf_defaults(cfg);
	f = fopen(path, "r");
	if (!f) {
		snprintf(errbuf, errlen, "config file %s: %s", path, strerror(errno));
		conf_free(cfg);
		return -1;
	}
	set_str(&cfg->path, path);
	while (fgets(line, sizeof line, f)) {
		char *s, *eq, *key, *val;
		size_t len = strlen(line);

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
		if (*s == '[') {
			char *e = strchr(s, ']');

			if (!e || e - s - 1 >= (long)sizeof section) {
				snprintf(errbuf, errlen, "%s:%d: bad section header", path, lineno);
				goto out;
			}
			*e = '\0';
			snprintf(section, sizeof section, "%s", trim(s + 1));
			if (strcmp(section, "database") && strcmp(section, "mail") && strcmp(section, "passwords") &&
			    strcmp(section, "postfix") && strcmp(section, "dovecot") && strcmp(section, "monitor") &&
			    strcmp(section, "access") && strcmp(section, "sieve")) {
				snprintf(errbuf, errlen, "%s:%d: unknown section [%s]", path, lineno, section);
				goto out;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(errbuf, errlen, "%s:%d: expected 'key = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(s);
		if (clean_value(eq + 1, &val) != 0) {
			snprintf(errbuf, errlen, "%s:%d: %s: unterminated or misplaced quote", path, lineno, key);
			goto out;
		}
		if (!*section) {
			snprintf(errbuf, errlen, "%s:%d: '%s' outside of a [section]", path, lineno, key);
			goto out;
		}
#define IS(sec, k) (strcmp(section, sec) == 0 && strcmp(key, k) == 0)
		if (IS("database", "url")) {
			set_str(&cfg->db_url, val);
		} else if (IS("database", "password_file")) {
			set_str(&cfg->db_password_file, val);
		} else if (IS("mail", "root")) {
			if (val[0] != '/' || strcmp(val, "/") == 0) {
				snprintf(errbuf, errlen, "%s:%d: [mail] root must be an absolute path other than /",
					 path, lineno);
				goto out;
			}
			set_str(&cfg->mail_root, val);
		} else if (IS("mail", "owner")) {
			set_str(&cfg->mail_owner, val);
		} else if (IS("mail", "delete")) {
			if (strcmp(val, "archive") == 0)
				cfg->mail_delete_remove = 0;
			else if (strcmp(val, "remove") == 0)
				cfg->mail_delete_remove = 1;
			else {
				snprintf(errbuf, errlen, "%s:%d: [mail] delete must be archive or remove, not '%s'",
					 path, lineno, val);
				goto out;
			}
		} else if (IS("mail", "archive")) {
			if (val[0] != '/') {
				snprintf(errbuf, errlen, "%s:%d: [mail] archive must be an absolute path", path, lineno);
				goto out;
			}
			set_str(&cfg->mail_archive, val);
		} else if (IS("mail", "stuck_after")) {
			if (parse_int(val, 1, 525600, &cfg->mail_stuck_after)) {
				snprintf(errbuf, errlen, "%s:%d: [mail] stuck_after must be 1..525600 minutes, not '%s'",
					 path, lineno, val);
				goto out;
			}
		} else if (IS("passwords", "scheme")) {
			set_str(&cfg->password_scheme, val);
		} else if (IS("postfix", "maps")) {
			set_str(&cfg->postfix_maps, val);
		} else if (IS("postfix", "group")) {
			set_str(&cfg->postfix_group, val);
		} else if (IS("postfix", "sasl_socket")) {
			if (val[0] != '/' || strpbrk(val, " \t,\"#")) {
				snprintf(errbuf, errlen,
					 "%s:%d: [postfix] sasl_socket must be an absolute path without blanks, ',', '\"' or '#'",
					 path, lineno);
				goto out;
			}
			set_str(&cfg->sasl_socket, val);
		} else if (IS("dovecot", "dir")) {
			set_str(&cfg->dovecot_dir, val);
		} else if (IS("dovecot", "group")) {
			set_str(&cfg->dovecot_group, val);
		} else if (IS("dovecot", "recalc")) {
			set_str(&cfg->quota_recalc, val);
		} else if (IS("dovecot", "lda")) {
			if (val[0] != '/') {
				snprintf(errbuf, errlen, "%s:%d: [dovecot] lda must start with an absolute path", path,
					 lineno);
				goto out;
			}
			set_str(&cfg->dovecot_lda, val);
		} else if (IS("dovecot", "postmaster")) {
			set_str(&cfg->dovecot_postmaster, *val ? val : NULL);
		} else if (IS("dovecot", "doveconf")) {
			set_str(&cfg->doveconf, val);
		} else if (IS("postfix", "postconf")) {
			set_str(&cfg->postconf, val);
		} else if (IS("sieve", "sievec")) {
			set_str(&cfg->sievec, val);
		} else if (IS("sieve", "doveadm")) {
			set_str(&cfg->sieve_doveadm, val);
		} else if (IS("sieve", "user_scripts")) {
			if (strcmp(val, "yes") == 0)
				cfg->sieve_user_scripts = 1;
			else if (strcmp(val, "no") == 0)
				cfg->sieve_user_scripts = 0;
			else {
				snprintf(errbuf, errlen, "%s:%d: [sieve] user_scripts must be yes or no, not '%s'",
					 path, lineno, val);
				goto out;
			}
		} else if (IS("monitor", "interval")) {
			if (parse_int(val, 1, 3600, &cfg->monitor_interval)) {
				snprintf(errbuf, errlen, "%s:%d: [monitor] interval must be 1..3600 seconds, not '%s'",
					 path, lineno, val);
				goto out;
			}
		} else if (IS("monitor", "warn") || IS("monitor", "critical")) {
			int *dst = strcmp(key, "warn") == 0 ? &cfg->monitor_warn : &cfg->monitor_critical;

			if (parse_int(val, 1, 1000, dst)) {
				snprintf(errbuf, errlen, "%s:%d: [monitor] %s must be a percentage, not '%s'", path,
					 lineno, key, val);
				goto out;
			}
		} else if (IS("access", "unix_logins")) {
			set_str(&cfg->unix_logins, val);
		} else {
			snprintf(errbuf, errlen, "%s:%d: unknown key '%s' in [%s]", path, lineno, key, section);
			goto out;
		}
#undef IS
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
