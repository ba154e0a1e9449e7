/* SPDX-License-Identifier: MIT */
/* password.c: crypt(3) hashing and hash-form checks (see password.h). */
#include "core/password.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/validate.h"
#include "lib/xalloc.h"

struct scheme {
	const char *name;   /* as in [passwords] scheme */
	const char *prefix; /* crypt(3) setting prefix */
	const char *tag;    /* {TAG} stored before the hash */
};

static const struct scheme schemes[] = {
	{"SHA512-CRYPT", "$6$", "{SHA512-CRYPT}"},
	{"SHA256-CRYPT", "$5$", "{SHA256-CRYPT}"},
	{"BLF-CRYPT", "$2b$", "{BLF-CRYPT}"},
	{"YESCRYPT", "$y$", "{CRYPT}"},
};

static const struct scheme *find_scheme(const char *name)
{
	for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (strcasecmp(schemes[i].name, name) == 0)
			return &schemes[i];
	return NULL;
}

const char *password_scheme(const struct vm *vm)
{
	return vm->cfg && vm->cfg->password_scheme ? vm->cfg->password_scheme : "SHA512-CRYPT";
}

int password_scheme_known(const char *scheme)
{
	return find_scheme(scheme) != NULL;
}

enum vm_status password_check_plain(const char *plain, struct vm_error *err)
{
	if (!*plain)
		return vm_fail(err, VM_ERR_INVALID, "password is empty");
	if (strlen(plain) > 1024)
		return vm_fail(err, VM_ERR_INVALID, "password is too long (at most 1024 bytes)");
	if (!valid_text(plain))
		return vm_fail(err, VM_ERR_INVALID, "password has control characters or is not valid UTF-8");
	return VM_OK;
}

enum vm_status password_hash(const char *scheme, const char *plain, char *out, struct vm_error *err)
{
	const struct scheme *s = find_scheme(scheme);
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	enum vm_status st;

	if (!s)
		return vm_fail(err, VM_ERR_INVALID,
			       "unknown password scheme '%s' (use SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT or YESCRYPT)",
			       scheme);
	if ((st = password_check_plain(plain, err)) != VM_OK)
		return st;
	if (!crypt_gensalt_rn(s->prefix, 0, NULL, 0, setting, sizeof setting))
		return vm_fail(err, VM_ERR_INVALID, "crypt_gensalt for %s failed", s->name);
	cd = calloc(1, sizeof *cd); /* ~32 KB: not on the stack of a worker thread */
	if (!cd)
		return vm_fail(err, VM_ERR_INVALID, "out of memory for crypt");
	h = crypt_rn(plain, setting, cd, sizeof *cd);
	if (!h || h[0] == '*' || strlen(s->tag) + strlen(h) > PASSWORD_HASH_MAX) {
		free(cd);
		return vm_fail(err, VM_ERR_INVALID, "crypt(3) failed for scheme %s", s->name);
	}
	/* length checked above */
	strcpy(out, s->tag);
	strcat(out, h);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return VM_OK;
}

/* The crypt(3) string inside a stored hash, or NULL for a tag we don't know. */
static const char *crypt_part(const char *stored)
{
	static const char *const tags[] = {"{SHA512-CRYPT}", "{SHA256-CRYPT}", "{BLF-CRYPT}", "{MD5-CRYPT}", "{CRYPT}"};

	if (stored[0] != '{')
		return stored;
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
		if (strncasecmp(stored, tags[i], strlen(tags[i])) == 0)
			return stored + strlen(tags[i]);
	return NULL;
}

/* Number of characters at p from crypt(3)'s base-64 alphabet. */
static size_t b64_span(const char *p)
{
	return strspn(p, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}

/* Checks the layout of the common crypt(3) methods: 1 well-formed, 0 not,
 * -1 a method not known here. */
static int crypt_layout(const char *c)
{
	size_t n, want;
	const char *p;

	if (strncmp(c, "$6$", 3) == 0 || strncmp(c, "$5$", 3) == 0 || strncmp(c, "$1$", 3) == 0) {
		int md5 = c[1] == '1';

		want = c[1] == '6' ? 86 : c[1] == '5' ? 43 : 22;
		p = c + 3;
		if (!md5 && strncmp(p, "rounds=", 7) == 0) {
			char *end;
			unsigned long r = strtoul(p + 7, &end, 10);

			if (end == p + 7 || *end != '$' || r < 1000 || r > 999999999)
				return 0;
			p = end + 1;
		}
		n = strcspn(p, "$");
		if (n == 0 || n > (md5 ? 8u : 16u) || p[n] != '$')
			return 0;
		p += n + 1;
		return b64_span(p) == want && p[want] == '\0';
	}
	if (c[0] == '$' && c[1] == '2' && (c[2] == 'a' || c[2] == 'b' || c[2] == 'y') && c[3] == '$') {
		p = c + 4;
		if (!(p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '9' && p[2] == '$'))
			return 0;
		if ((p[0] - '0') * 10 + (p[1] - '0') < 4 || (p[0] - '0') * 10 + (p[1] - '0') > 31)
			return 0;
		p += 3;
		return b64_span(p) == 53 && p[53] == '\0';
	}
	if (strncmp(c, "$y$", 3) == 0) {
		p = c + 3;
		for (int field = 0; field < 2; field++) { /* parameters, salt */
			n = b64_span(p);
			if (n == 0 || p[n] != '$')
				return 0;
			p += n + 1;
		}
		return b64_span(p) == 43 && p[43] == '\0';
	}
	return -1;
}

enum vm_status password_check_hash(const char *hash, char *out, struct vm_error *err)
{
	const char *c = crypt_part(hash);
	struct crypt_data *cd;
	const char *h;
	size_t setting_len;
	const char *last;

	if (strlen(hash) > PASSWORD_HASH_MAX)
		return vm_fail(err, VM_ERR_INVALID, "password-hash is too long (at most %d characters)", PASSWORD_HASH_MAX);
	if (!c)
		return vm_fail(err, VM_ERR_INVALID,
			       "password-hash has an unknown {SCHEME} (use SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, MD5-CRYPT or CRYPT)");
	if (c[0] != '$')
		return vm_fail(err, VM_ERR_INVALID, "password-hash is not a crypt(3) hash (expected $id$...)");
	/* The tag must agree with the hash's own method. */
	if ((strncasecmp(hash, "{SHA512-CRYPT}", 14) == 0 && strncmp(c, "$6$", 3) != 0) ||
	    (strncasecmp(hash, "{SHA256-CRYPT}", 14) == 0 && strncmp(c, "$5$", 3) != 0) ||
	    (strncasecmp(hash, "{MD5-CRYPT}", 11) == 0 && strncmp(c, "$1$", 3) != 0) ||
	    (strncasecmp(hash, "{BLF-CRYPT}", 11) == 0 && strncmp(c, "$2", 2) != 0))
		return vm_fail(err, VM_ERR_INVALID, "password-hash: the {SCHEME} does not match the hash's method");
	/* The methods Dovecot and Modoboa write are checked by their layout,
	 * which costs nothing; crypt(3) itself would cost a whole hash, which
	 * made importing given hashes slower than hashing new passwords. */
	switch (crypt_layout(c)) {
	case 1:
		snprintf(out, PASSWORD_HASH_MAX + 1, "%s", hash);
		return VM_OK;
	case 0:
		return vm_fail(err, VM_ERR_INVALID, "password-hash is not a well-formed crypt(3) hash");
	default:
		break; /* another method: ask crypt(3) */
	}
	/* Hash a dummy with the given hash as setting: a well-formed hash gives
	 * a result of the same length with the same setting. */
	cd = calloc(1, sizeof *cd);
	if (!cd)
		return vm_fail(err, VM_ERR_INVALID, "out of memory for crypt");
	h = crypt_rn("vmailadm-form-check", c, cd, sizeof *cd);
	last = strrchr(c, '$');
	setting_len = last ? (size_t)(last - c) : 0;
	if (!h || h[0] == '*' || strlen(h) != strlen(c) || strncmp(h, c, setting_len) != 0) {
		free(cd);
		return vm_fail(err, VM_ERR_INVALID, "password-hash is not a well-formed crypt(3) hash");
	}
	free(cd);
	snprintf(out, PASSWORD_HASH_MAX + 1, "%s", hash);
	return VM_OK;
}

int password_verify(const char *plain, const char *stored)
{
	const char *c = crypt_part(stored);
	struct crypt_data *cd;
	const char *h;
	size_t n;
	unsigned diff = 0;

	if (!c || c[0] != '$')
		return 0;
	cd = calloc(1, sizeof *cd);
	if (!cd)
		return 0;
	h = crypt_rn(plain, c, cd, sizeof *cd);
	if (!h || h[0] == '*' || strlen(h) != strlen(c)) {
		free(cd);
		return 0;
	}
	n = strlen(c);
	for (size_t i = 0; i < n; i++) /* constant time */
		diff |= (unsigned)(h[i] ^ c[i]);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return diff == 0;
}

void password_generate(char *out, size_t size, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[256];
	size_t i;

	if (n >= size)
		n = size - 1;
	if (n > sizeof r)
		n = sizeof r;
	if (getrandom(r, n, 0) != (ssize_t)n)
		xdie("getrandom failed");
	for (i = 0; i < n; i++)
		out[i] = alphabet[r[i] % (sizeof alphabet - 1)];
	out[n] = '\0';
}
