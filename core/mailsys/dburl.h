/* SPDX-License-Identifier: MIT */
/* dburl.h: the connection parameters inside a database URL, for writing them
 * into other programs' configuration (Postfix maps, Dovecot's SQL files).
 *
 * The db/ backends open connections; this module only takes a URL apart, the
 * same forms db_open() accepts: postgresql:// or postgres:// URLs (with
 * ?host=/socket-dir&port=N&dbname=..&user=..&password=..), libpq
 * "key=value ..." strings, mysql:// or mariadb:// URLs (with ?socket=PATH),
 * and sqlite:PATH / sqlite://PATH (made absolute). Messages never quote the
 * password. */
#ifndef VMAILADM_DBURL_H
#define VMAILADM_DBURL_H

#include "core/vm.h"

struct db_params {
	enum db_engine engine;
	char *host;   /* NULL: the engine's default (local socket) */
	char *port;   /* NULL: the default port */
	char *socket; /* PostgreSQL: the socket directory; MySQL: the socket file */
	char *user, *password, *dbname;
	char *path; /* SQLite: the database file, absolute */
};

/* Fills p from url (every field owned by p; free with db_params_free). */
enum vm_status db_params_parse(const char *url, struct db_params *p, struct vm_error *err)
	__attribute__((warn_unused_result));
/* Frees the fields (the password wiped first) and zeroes p. */
void db_params_free(struct db_params *p);
/* "postgresql database mail on 127.0.0.1:5432" (no user, no password). Caller frees. */
char *db_params_describe(const struct db_params *p);
/* The engine's short name as Postfix and Dovecot spell it ("pgsql", "mysql", "sqlite"). */
const char *db_params_driver(const struct db_params *p);

#endif
