/* SPDX-License-Identifier: MIT */
/* test_dburl.c: the URL forms db_params_parse() takes apart for the generated
 * Postfix/Dovecot files, table-driven, plus the checksum of generated files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mailsys/dburl.h"
#include "core/mailsys/genfile.h"
#include "unit.h"

static const struct {
	const char *url;
	int ok;
	const char *engine, *host, *port, *socket, *user, *password, *dbname, *path;
} cases[] = {
	{"postgresql://vm:s3cret@127.0.0.1:5433/mail", 1, "pgsql", "127.0.0.1", "5433", NULL, "vm", "s3cret", "mail", NULL},
	{"postgres://vm@db.example/mail", 1, "pgsql", "db.example", NULL, NULL, "vm", NULL, "mail", NULL},
	{"postgresql://vm:p%40ss%2Fw@/mail?host=/run/postgresql&port=5433", 1, "pgsql", NULL, "5433", "/run/postgresql",
	 "vm", "p@ss/w", "mail", NULL},
	{"postgresql://%2Fvar%2Frun%2Fpostgresql/mail", 1, "pgsql", NULL, NULL, "/var/run/postgresql", NULL, NULL,
	 "mail", NULL},
	{"postgresql://[::1]:5432/mail", 1, "pgsql", "::1", "5432", NULL, NULL, NULL, "mail", NULL},
	{"host=/tmp port=5433 dbname='my db' user=vm password='it''s'", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	{"host=/tmp port=5433 dbname='my db' user=vm password='a\\'b'", 1, "pgsql", NULL, "5433", "/tmp", "vm", "a'b",
	 "my db", NULL},
	{"mysql://vm:pw@127.0.0.1:3307/mail", 1, "mysql", "127.0.0.1", "3307", NULL, "vm", "pw", "mail", NULL},
	{"mariadb://vm:pw@localhost/mail?socket=/run/mysqld/mysqld.sock", 1, "mysql", "localhost", NULL,
	 "/run/mysqld/mysqld.sock", "vm", "pw", "mail", NULL},
	{"sqlite:/var/lib/vmail/mail.db", 1, "sqlite", NULL, NULL, NULL, NULL, NULL, NULL, "/var/lib/vmail/mail.db"},
	{"sqlite:///var/lib/vmail/mail.db", 1, "sqlite", NULL, NULL, NULL, NULL, NULL, NULL, "/var/lib/vmail/mail.db"},
	{"postgresql://vm@host:99999/mail", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	{"postgresql://vm@host:54x/mail", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	{"postgresql://vm@host", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	{"mysql://vm:p%zz@host/mail", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	{"sqlite:", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	{"ftp://x/y", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct db_params p;
		struct vm_error err = {0};
		enum vm_status st = db_params_parse(cases[i].url, &p, &err);

		CHECK_MSG((st == VM_OK) == cases[i].ok, "%s: status %d (%s)", cases[i].url, (int)st, err.msg);
		if (st != VM_OK) {
			/* a message never quotes the password */
			CHECK_MSG(!strstr(err.msg, "s3cret") && !strstr(err.msg, "p%zz"), "%s: %s", cases[i].url, err.msg);
			continue;
		}
		CHECK_STR(db_params_driver(&p), cases[i].engine);
		CHECK_STR(p.host, cases[i].host);
		CHECK_STR(p.port, cases[i].port);
		CHECK_STR(p.socket, cases[i].socket);
		CHECK_STR(p.user, cases[i].user);
		CHECK_STR(p.password, cases[i].password);
		CHECK_STR(p.dbname, cases[i].dbname);
		CHECK_STR(p.path, cases[i].path);
		{
			char *d = db_params_describe(&p);

			CHECK_MSG(!p.password || !strstr(d, p.password), "describe shows the password: %s", d);
			free(d);
		}
		db_params_free(&p);
	}
}

static void test_relative_sqlite(void)
{
	struct db_params p;
	struct vm_error err = {0};

	CHECK(db_params_parse("sqlite:rel/x.db", &p, &err) == VM_OK);
	CHECK_MSG(p.path && p.path[0] == '/' && strstr(p.path, "/rel/x.db"), "path %s", p.path ? p.path : "(null)");
	db_params_free(&p);
}

static void test_checksum(void)
{
	char a[17], b[17];

	genfile_checksum("query = x\n", 10, a);
	genfile_checksum("query = y\n", 10, b);
	CHECK_INT(strlen(a), 16);
	CHECK(strcmp(a, b) != 0);
	genfile_checksum("", 0, a);
	CHECK_STR(a, "cbf29ce484222325"); /* FNV-1a's offset basis: the algorithm is the documented one */
}

int main(void)
{
	test_parse();
	test_relative_sqlite();
	test_checksum();
	return unit_finish("test_dburl");
}
