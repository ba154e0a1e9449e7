/* SPDX-License-Identifier: MIT */
/* dburl.c: takes a database URL apart into connection parameters (see dburl.h). */
#include "core/mailsys/dburl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/str.h"
#include "lib/xalloc.h"

static void set(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

static int valid_port(const char *s)
{
	char *e;
	long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return 0;
	errno = 0;
	v = strtol(s, &e, 10);
	return !errno && !*e && v > 0 && v <= 65535;
}

/* Applies one key=value (from a URL query or a libpq string). The keys
 * that do not change where and as whom to connect (sslmode, ...) are kept
 * out: the generated files use the server's defaults for them. */
static void apply_key(struct db_params *p, const char *key, char *val)
{
	if (strcmp(key, "host") == 0 || strcmp(key, "hostaddr") == 0) {
		if (val[0] == '/')
			set(&p->socket, val);
		else
			set(&p->host, val);
	} else if (strcmp(key, "port") == 0) {
		set(&p->port, val);
	} else if (strcmp(key, "socket") == 0 && p->engine == DB_ENGINE_MYSQL) {
		set(&p->socket, val);
	} else if (strcmp(key, "user") == 0) {
		set(&p->user, val);
	} else if (strcmp(key, "password") == 0) {
		if (p->password)
			memset(p->password, 0, strlen(p->password));
		set(&p->password, val);
	} else if (strcmp(key, "dbname") == 0 || strcmp(key, "database") == 0) {
		set(&p->dbname, val);
	} else {
		free(val);
	}
}

/* scheme://[user[:password]@][host][:port][/db][?k=v&...] */
static enum vm_status parse_uri(const char *url, struct db_params *p, struct vm_error *err)
{
	const char *s = strstr(url, "://") + 3, *q, *end, *at = NULL, *hp, *slash, *colon;

	q = strchr(s, '?');
	end = q ? q : s + strlen(s);
	for (hp = s; hp < end; hp++)
		if (*hp == '@')
			at = hp;
	if (at) {
		colon = memchr(s, ':', (size_t)(at - s));
		p->user = str_pct_decode(s, (size_t)((colon ? colon : at) - s));
		if (colon)
			p->password = str_pct_decode(colon + 1, (size_t)(at - colon - 1));
		if (!p->user || (colon && !p->password))
			return vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in the user or password");
		hp = at + 1;
	} else {
		hp = s;
	}
	slash = memchr(hp, '/', (size_t)(end - hp));
	if (!slash)
		slash = end;
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(slash - hp));

		if (!rb)
			return vm_fail(err, VM_ERR_INVALID, "database URL: unterminated [IPv6 address]");
		p->host = xstrndup(hp + 1, (size_t)(rb - hp - 1));
		colon = rb + 1 < slash && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(hp, ':', (size_t)(slash - hp));
		if ((colon ? colon : slash) > hp) {
			p->host = str_pct_decode(hp, (size_t)((colon ? colon : slash) - hp));
			if (!p->host)
				return vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in the host");
			if (p->host[0] == '/') { /* postgresql://%2Frun%2Fpostgresql/db */
				p->socket = p->host;
				p->host = NULL;
			}
		}
	}
	if (colon)
		p->port = xstrndup(colon + 1, (size_t)(slash - colon - 1));
	if (slash < end) {
		p->dbname = str_pct_decode(slash + 1, (size_t)(end - slash - 1));
		if (!p->dbname)
			return vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in the database name");
	}
	while (q && *q) {
		const char *key = q + 1, *amp = strchr(key, '&'), *eq;
		const char *kend = amp ? amp : key + strlen(key);
		char *k, *v;

		eq = memchr(key, '=', (size_t)(kend - key));
		if (eq) {
			k = xstrndup(key, (size_t)(eq - key));
			v = str_pct_decode(eq + 1, (size_t)(kend - eq - 1));
			if (!v) {
				vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in parameter '%s'", k);
				free(k);
				return VM_ERR_INVALID;
			}
			apply_key(p, k, v);
			free(k);
		}
		q = amp;
	}
	return VM_OK;
}

/* libpq "host=x port=5432 dbname='a b'" */
static enum vm_status parse_kv(const char *s, struct db_params *p, struct vm_error *err)
{
	while (*s) {
		const char *k, *eq;
		char *key, *val, *o;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		k = s;
		while (*s && *s != '=' && *s != ' ')
			s++;
		eq = s;
		while (*s == ' ')
			s++;
		if (*s != '=')
			return vm_fail(err, VM_ERR_INVALID, "database connection string: expected key=value");
		key = xstrndup(k, (size_t)(eq - k));
		s++;
		while (*s == ' ')
			s++;
		val = o = xmalloc(strlen(s) + 1);
		if (*s == '\'') {
			s++;
			while (*s && *s != '\'') {
				if (*s == '\\' && s[1])
					s++;
				*o++ = *s++;
			}
			if (*s != '\'') {
				free(key);
				free(val);
				return vm_fail(err, VM_ERR_INVALID, "database connection string: unterminated quote");
			}
			s++;
		} else {
			while (*s && *s != ' ' && *s != '\t') {
				if (*s == '\\' && s[1])
					s++;
				*o++ = *s++;
			}
		}
		*o = '\0';
		apply_key(p, key, val);
		free(key);
	}
	return VM_OK;
}

enum vm_status db_params_parse(const char *url, struct db_params *p, struct vm_error *err)
{
	enum vm_status st = VM_OK;

	memset(p, 0, sizeof *p);
	if (!url || !*url)
		return vm_fail(err, VM_ERR_INVALID, "no database URL");
	if (strncmp(url, "sqlite:", 7) == 0) {
		const char *path = url + 7;

		p->engine = DB_ENGINE_SQLITE;
		if (strncmp(path, "//", 2) == 0)
			path += 2;
		if (!*path)
			return vm_fail(err, VM_ERR_INVALID, "database URL: no file path (expected sqlite:PATH)");
		if (path[0] == '/') {
			p->path = xstrdup(path);
		} else {
			/* Postfix and Dovecot run elsewhere: a relative path means nothing to them */
			char *cwd = getcwd(NULL, 0);

			if (!cwd)
				return vm_fail(err, VM_ERR_INVALID, "database URL: cannot make %s absolute: %s", path,
					       strerror(errno));
			p->path = xasprintf("%s/%s", cwd, path);
			free(cwd);
		}
		return VM_OK;
	}
	if (strncmp(url, "mysql://", 8) == 0 || strncmp(url, "mariadb://", 10) == 0) {
		p->engine = DB_ENGINE_MYSQL;
		st = parse_uri(url, p, err);
	} else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		p->engine = DB_ENGINE_PGSQL;
		st = parse_uri(url, p, err);
	} else if (strchr(url, '=') && !strstr(url, "://")) {
		p->engine = DB_ENGINE_PGSQL;
		st = parse_kv(url, p, err);
	} else {
		return vm_fail(err, VM_ERR_INVALID, "database URL: unknown scheme (postgresql://, mysql://, sqlite:)");
	}
	if (st == VM_OK && p->port && !valid_port(p->port))
		st = vm_fail(err, VM_ERR_INVALID, "database URL: bad port (a number 1-65535)");
	if (st == VM_OK && (!p->dbname || !*p->dbname))
		st = vm_fail(err, VM_ERR_INVALID, "database URL: no database name");
	if (st != VM_OK)
		db_params_free(p);
	return st;
}

void db_params_free(struct db_params *p)
{
	if (p->password)
		memset(p->password, 0, strlen(p->password));
	free(p->host);
	free(p->port);
	free(p->socket);
	free(p->user);
	free(p->password);
	free(p->dbname);
	free(p->path);
	memset(p, 0, sizeof *p);
}

const char *db_params_driver(const struct db_params *p)
{
	switch (p->engine) {
	case DB_ENGINE_PGSQL:
		return "pgsql";
	case DB_ENGINE_MYSQL:
		return "mysql";
	case DB_ENGINE_SQLITE:
		break;
	}
	return "sqlite";
}

char *db_params_describe(const struct db_params *p)
{
	if (p->engine == DB_ENGINE_SQLITE)
		return xasprintf("sqlite database %s", p->path);
	return xasprintf("%s database %s on %s%s%s", p->engine == DB_ENGINE_PGSQL ? "postgresql" : "mysql",
			 p->dbname, p->socket ? p->socket : p->host ? p->host : "localhost", p->port ? ":" : "",
			 p->port ? p->port : "");
}
