/* SPDX-License-Identifier: MIT */
/* test_auth.c: the Unix-account map, hiding a URL's password from ps, the role
 * gate, and error messages made safe for a terminal (core/auth.c, core/vm.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "unit.h"

static void test_unix_map(void)
{
	static const struct {
		const char *map, *user, *want;
	} cases[] = {
		{"alice=a@x.test,bob=admin", "alice", "a@x.test"},
		{"alice=a@x.test,bob=admin", "bob", "admin"},
		{"alice=a@x.test, bob = admin ", "bob", "admin"},
		{"alice=a@x.test,bob=admin", "bo", NULL},
		{"alice=a@x.test,bob=admin", "alicex", NULL},
		{"alice=a@x.test,bob=admin", "", NULL},
		{"alice=,bob=admin", "alice", NULL},
		{"=admin", "", NULL},
		{"alice", "alice", NULL},
		{"", "alice", NULL},
		{NULL, "alice", NULL},
		{"root=r,root=s", "root", "r"}, /* the first mapping wins */
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = auth_unix_login(cases[i].map, cases[i].user);

		CHECK_MSG((got == NULL) == (cases[i].want == NULL) && (!got || strcmp(got, cases[i].want) == 0),
			  "map '%s' user '%s': got '%s', want '%s'", cases[i].map ? cases[i].map : "(null)",
			  cases[i].user, got ? got : "(null)", cases[i].want ? cases[i].want : "(null)");
		free(got);
	}
}

static void test_hide_password(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"postgresql://vm:s3cret@db.example/mail", "postgresql://vm:xxxxxx@db.example/mail"},
		{"mysql://vm:p@ss@db/mail", "mysql://vm:xxxx@db/mail"},
		{"postgresql://vm@db/mail", "postgresql://vm@db/mail"},
		{"host=db user=vm password=s3cret dbname=mail", "host=db user=vm password=xxxxxx dbname=mail"},
		{"postgresql://db/mail?password=s3cret&sslmode=require",
		 "postgresql://db/mail?password=xxxxxx&sslmode=require"},
		{"sqlite:/var/lib/mail.db", "sqlite:/var/lib/mail.db"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *s = strdup(cases[i].in);

		auth_hide_url_password(s);
		CHECK_STR(s, cases[i].want);
		free(s);
	}
}

static void test_gate(void)
{
	struct vm vm;
	struct vm_error err = {0};

	memset(&vm, 0, sizeof vm);
	vm.actor.superuser = 1;
	CHECK_INT(auth_statement_allowed(&vm, "db", "init", &err), VM_OK);
	CHECK_INT(auth_statement_allowed(&vm, "admin", "add", &err), VM_OK);
	vm.actor.superuser = 0;
	vm.actor.user_id = 7;
	snprintf(vm.actor.login, sizeof vm.actor.login, "da1");
	for (const char *const *o =
		     (const char *const[]){"db", "admin", "maps", "dovecot", "ops", "export", "import", NULL};
	     *o; o++) {
		CHECK_INT(auth_statement_allowed(&vm, *o, "x", &err), VM_ERR_DENIED);
		CHECK(strstr(err.msg, "only a superadministrator") != NULL);
	}
	for (const char *const *o =
		     (const char *const[]){"domain", "mailbox", "alias", "domainalias", "quota", "audit", NULL};
	     *o; o++)
		CHECK_INT(auth_statement_allowed(&vm, *o, "list", &err), VM_OK);
	CHECK_INT(auth_require_superuser(&vm, "generating maps", &err), VM_ERR_DENIED);
	CHECK_STR(err.msg, "generating maps: only a superadministrator may do this (da1 is a domain administrator)");
}

static void test_safe_messages(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain 'x'", "plain 'x'"},
		{"esc '\x1b[2J'", "esc '\\x1b[2J'"},
		{"bell \a tab \t nl \n", "bell \\x07 tab \\x09 nl \\x0a"},
		{"c1 \xc2\x9b"
		 "2J",
		 "c1 \\xc2\\x9b2J"},
		{"raw c1 \x9b", "raw c1 \\x9b"},
		{"bad \xff\xfe", "bad \\xff\\xfe"},
		{"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
		{"overlong \xc0\xaf \xe0\x80\xaf", "overlong \\xc0\\xaf \\xe0\\x80\\xaf"},
		{"too big \xf4\x90\x80\x80", "too big \\xf4\\x90\\x80\\x80"},
		{"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80"},
		{"back\\slash", "back\\slash"}, /* untouched: quoting a message twice changes nothing */
	};
	struct vm_error err;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		vm_fail(&err, VM_ERR_INVALID, "%s", cases[i].in);
		CHECK_STR(err.msg, cases[i].want);
		/* idempotent */
		{
			char copy[sizeof err.msg];

			snprintf(copy, sizeof copy, "%s", err.msg);
			vm_fail(&err, VM_ERR_INVALID, "%s", copy);
			CHECK_STR(err.msg, cases[i].want);
		}
	}
	/* a long message of escapes is cut, still terminated and safe */
	{
		char big[2000];

		memset(big, 0x1b, sizeof big - 1);
		big[sizeof big - 1] = '\0';
		vm_fail(&err, VM_ERR_INVALID, "%s", big);
		CHECK(strlen(err.msg) < sizeof err.msg);
		CHECK(strchr(err.msg, 0x1b) == NULL);
	}
}

int main(void)
{
	test_unix_map();
	test_hide_password();
	test_gate();
	test_safe_messages();
	return unit_finish("test_auth");
}
