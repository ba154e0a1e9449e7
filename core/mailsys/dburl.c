/* SPDX-License-Identifier: MIT */
/* dburl.c: takes a database URL apart into connection parameters (see dburl.h). */
#include "core/mailsys/dburl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/url.h"
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
	struct url_parts u;
	enum url_status us = url_split(strstr(url, "://") + 3, &u);
	const char *key, *val;
	size_t klen, vlen;

	if (us != URL_OK) {
		url_parts_free(&u);
		if (us == URL_BAD_USER || us == URL_BAD_PASSWORD)
			return vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in the user or password");
		if (us == URL_BAD_BRACKET)
			return vm_fail(err, VM_ERR_INVALID, "database URL: unterminated [IPv6 address]");
		if (us == URL_BAD_HOST)
			return vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in the host");
		return vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in the database name");
	}
	p->user = u.user;
	p->password = u.password;
	if (u.host && u.host[0] == '/' && !u.bracketed)
		p->socket = u.host; /* postgresql://%2Frun%2Fpostgresql/db */
	else
		p->host = u.host;
	p->port = u.port;
	p->dbname = u.path;
	while (url_query_next(&u.query, &key, &klen, &val, &vlen)) {
		char *k, *v;

		if (!val)
			continue;
		k = xstrndup(key, klen);
		v = url_pct_decode(val, vlen);
		if (!v) {
			vm_fail(err, VM_ERR_INVALID, "database URL: bad percent-encoding in parameter '%s'", k);
			free(k);
			return VM_ERR_INVALID;
		}
		apply_key(p, k, v);
		free(k);
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
	return xasprintf("%s database %s on %s%s%s", p->engine == DB_ENGINE_PGSQL ? "postgresql" : "mysql", p->dbname,
			 p->socket ? p->socket
			 : p->host ? p->host
				   : "localhost",
			 p->port ? ":" : "", p->port ? p->port : "");
}
