/* SPDX-License-Identifier: MIT */
/* test_password.c: password hashing and hash-form checks, verified with crypt(3). */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include "core/password.h"
#include "unit.h"

struct scheme_case {
	const char *scheme, *tag, *crypt_prefix;
};

static const struct scheme_case schemes[] = {
	{"SHA512-CRYPT", "{SHA512-CRYPT}", "$6$"},
	{"sha512-crypt", "{SHA512-CRYPT}", "$6$"},
	{"SHA256-CRYPT", "{SHA256-CRYPT}", "$5$"},
	{"BLF-CRYPT", "{BLF-CRYPT}", "$2b$"},
	{"YESCRYPT", "{CRYPT}", "$y$"},
};

static void test_schemes(void)
{
	for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
		const struct scheme_case *c = &schemes[i];
		char h[PASSWORD_HASH_MAX + 1], h2[PASSWORD_HASH_MAX + 1];
		struct vm_error err = {0};
		const char *part;
		const char *re;

		CHECK_INT(password_hash(c->scheme, "s3cret pass", h, &err), VM_OK);
		CHECK_MSG(strncmp(h, c->tag, strlen(c->tag)) == 0, "%s: '%s' lacks %s", c->scheme, h, c->tag);
		part = h + strlen(c->tag);
		CHECK_MSG(strncmp(part, c->crypt_prefix, strlen(c->crypt_prefix)) == 0, "%s: '%s'", c->scheme, part);
		/* crypt(3) itself reproduces the stored hash from the password */
		re = crypt("s3cret pass", part);
		CHECK_MSG(re && strcmp(re, part) == 0, "%s: crypt() gives '%s' for '%s'", c->scheme, re ? re : "NULL",
			  part);
		re = crypt("s3cret pasS", part);
		CHECK_MSG(re && strcmp(re, part) != 0, "%s: a wrong password matches", c->scheme);
		CHECK(password_verify("s3cret pass", h));
		CHECK(!password_verify("s3cret pas", h));
		CHECK(password_verify("s3cret pass", part)); /* bare form too */
		/* a fresh salt each time */
		CHECK_INT(password_hash(c->scheme, "s3cret pass", h2, &err), VM_OK);
		CHECK(strcmp(h, h2) != 0);
		/* what we write, password-hash= accepts */
		CHECK_INT(password_check_hash(h, h2, &err), VM_OK);
		CHECK_STR(h2, h);
	}
}

static void test_bad_plain(void)
{
	char h[PASSWORD_HASH_MAX + 1];
	struct vm_error err = {0};
	char longpw[1100];

	CHECK_INT(password_hash("SHA512-CRYPT", "", h, &err), VM_ERR_INVALID);
	CHECK(strstr(err.msg, "empty") != NULL);
	CHECK_INT(password_hash("SHA512-CRYPT", "a\nb", h, &err), VM_ERR_INVALID);
	CHECK_INT(password_hash("SHA512-CRYPT",
				"a\xff"
				"b",
				h, &err),
		  VM_ERR_INVALID);
	memset(longpw, 'x', sizeof longpw - 1);
	longpw[sizeof longpw - 1] = '\0';
	CHECK_INT(password_hash("SHA512-CRYPT", longpw, h, &err), VM_ERR_INVALID);
	CHECK_INT(password_hash("MD4", "x", h, &err), VM_ERR_INVALID);
	CHECK(strstr(err.msg, "unknown password scheme") != NULL);
	CHECK(!password_scheme_known("PLAIN"));
	CHECK(password_scheme_known("blf-crypt"));
}

static void test_given_hashes(void)
{
	static const struct {
		const char *hash;
		int ok;
	} cases[] = {
		/* well-formed, made by crypt(3) */
		{"{SHA512-CRYPT}$6$rounds=5000$abcdefghijklmnop$", 0}, /* truncated */
		{"$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/", 1},
		{"{SHA512-CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
		 1},
		{"{SHA256-CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
		 0},
		{"{MD5-CRYPT}$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", 1},
		{"$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", 1},
		{"{PLAIN}secret", 0},
		{"secret", 0},
		{"", 0},
		{"$6$saltsalt$short", 0},
		{"{SHA512-CRYPT}", 0},
		{"$2b$05$abcdefghijklmnopqrstuu", 0},
		{"$2b$05$abcdefghijklmnopqrstuuCp0mYMIbsqfNeWjkA9rPmsYkWPOAqWS", 1},
		{"$2b$99$abcdefghijklmnopqrstuuCp0mYMIbsqfNeWjkA9rPmsYkWPOAqWS", 0},
		{"$2b$05$abcdefghijklmnopqrstuuCp0mYMIbsqfNeWjkA9rPmsYkWPOAqW!", 0},
		{"$6$rounds=10$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
		 0},
		{"$6$rounds=6000$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
		 1},
		{"$6$saltsaltsaltsaltX$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
		 0},
		{"$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/x", 0},
		{"$y$j9T$abcdefghijklmnop$", 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char out[PASSWORD_HASH_MAX + 1];
		struct vm_error err = {0};
		enum vm_status st = password_check_hash(cases[i].hash, out, &err);

		CHECK_MSG((st == VM_OK) == cases[i].ok, "password-hash '%s': %s", cases[i].hash,
			  st == VM_OK ? "accepted" : err.msg);
	}
}

static void test_generate(void)
{
	char a[32], b[32];

	password_generate(a, sizeof a, 16);
	password_generate(b, sizeof b, 16);
	CHECK_INT(strlen(a), 16);
	CHECK(strcmp(a, b) != 0);
	for (size_t i = 0; a[i]; i++)
		CHECK_MSG(strchr("0O1lI", a[i]) == NULL, "ambiguous character '%c' in '%s'", a[i], a);
}

int main(void)
{
	test_schemes();
	test_bad_plain();
	test_given_hashes();
	test_generate();
	return unit_finish("test_password");
}
