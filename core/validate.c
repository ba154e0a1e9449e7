/* SPDX-License-Identifier: MIT */
/* validate.c: address, domain, size, boolean and name checks (rules in validate.h). */
#include "core/validate.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/idn.h"
#include "lib/utf8.h"

/* Shows a value safely inside a message: control and non-ASCII bytes as \xNN,
 * cut at 80 characters. */
static const char *shown(const char *in, char *buf, size_t len)
{
	size_t o = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)in; *p && o + 5 < len; p++) {
		if (o >= 80) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return buf;
}

int valid_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_shown_seq(p); /* 0 for invalid UTF-8 and C1 controls */

		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)))
			return 0;
		p += n;
	}
	return 1;
}

size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Today's rules for an ASCII name. When the name was typed in Unicode or
 * with xn-- labels, in is its ASCII form and typed what was typed: messages
 * name what was typed, and lengths are "once encoded". */
static enum vm_status ascii_domain(const char *in, const char *typed, char *out, struct vm_error *err)
{
	char b[128];
	size_t len = strlen(in), i, label = 0, labels = 1;
	const char *enc = in == typed ? "" : " once encoded";

	if (len > VM_DOMAIN_MAX)
		return vm_fail(err, VM_ERR_INVALID, "domain name '%s' is too long (%zu characters%s, at most %d)",
			       shown(typed, b, sizeof b), len, enc, VM_DOMAIN_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (label == 0)
				return vm_fail(err, VM_ERR_INVALID, "domain name '%s' has an empty label",
					       shown(typed, b, sizeof b));
			if (in[i - 1] == '-')
				return vm_fail(err, VM_ERR_INVALID, "domain name '%s': a label ends with '-'",
					       shown(typed, b, sizeof b));
			label = 0;
			labels++;
			out[i] = '.';
			continue;
		}
		if (!isalnum(c) && c != '-') {
			if (c == '@')
				return vm_fail(err, VM_ERR_INVALID, "domain name '%s' contains '@'",
					       shown(typed, b, sizeof b));
			if (c <= 0x20 || c == 0x7f)
				return vm_fail(err, VM_ERR_INVALID,
					       "domain name '%s' contains a space or control character",
					       shown(typed, b, sizeof b));
			return vm_fail(err, VM_ERR_INVALID, "domain name '%s' contains '%c'", shown(typed, b, sizeof b), c);
		}
		if (c == '-' && label == 0)
			return vm_fail(err, VM_ERR_INVALID, "domain name '%s': a label starts with '-'",
				       shown(typed, b, sizeof b));
		if (++label > 63)
			return vm_fail(err, VM_ERR_INVALID, "domain name '%s' has a label over 63 characters%s",
				       shown(typed, b, sizeof b), enc);
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	if (label == 0)
		return vm_fail(err, VM_ERR_INVALID, "domain name '%s' ends with '.'", shown(typed, b, sizeof b));
	if (in[len - 1] == '-')
		return vm_fail(err, VM_ERR_INVALID, "domain name '%s': a label ends with '-'", shown(typed, b, sizeof b));
	if (labels < 2)
		return vm_fail(err, VM_ERR_INVALID, "domain name '%s' needs at least two labels (like example.com)",
			       shown(typed, b, sizeof b));
	return VM_OK;
}

enum vm_status valid_domain(const char *in, char *out, struct vm_error *err)
{
	char b[128], ascii[VM_DOMAIN_MAX * 4 + 1];
	size_t len = strlen(in);
	enum vm_status st;

	if (len == 0)
		return vm_fail(err, VM_ERR_INVALID, "empty domain name");
	if (!idn_needed(in))
		return ascii_domain(in, in, out, err);
	/* the ASCII characters of a Unicode name get today's messages first:
	 * libidn2 would call a space or an '@' a failed round trip */
	for (const char *p = in; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '@')
			return vm_fail(err, VM_ERR_INVALID, "domain name '%s' contains '@'", shown(in, b, sizeof b));
		if (c <= 0x20 || c == 0x7f)
			return vm_fail(err, VM_ERR_INVALID, "domain name '%s' contains a space or control character",
				       shown(in, b, sizeof b));
	}
	if (len > sizeof ascii - 1)
		return vm_fail(err, VM_ERR_INVALID, "domain name '%s' is too long (%zu bytes)", shown(in, b, sizeof b),
			       len);
	if ((st = idn_to_ascii(in, ascii, sizeof ascii, err)) != VM_OK)
		return st;
	return ascii_domain(ascii, in, out, err);
}

enum vm_status valid_local(const char *in, char *out, struct vm_error *err)
{
	static const char special[] = "!#$%&'*+-/=?^_`{|}~.";
	char b[128];
	size_t len = strlen(in), i;

	if (len == 0)
		return vm_fail(err, VM_ERR_INVALID, "empty local part (before the '@')");
	if (len > VM_LOCAL_MAX)
		return vm_fail(err, VM_ERR_INVALID, "local part '%s' is too long (%zu characters, at most %d)",
			       shown(in, b, sizeof b), len, VM_LOCAL_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x80)
			return vm_fail(err, VM_ERR_INVALID, "local part '%s' is not ASCII", shown(in, b, sizeof b));
		if (c <= 0x20 || c == 0x7f)
			return vm_fail(err, VM_ERR_INVALID, "local part '%s' contains a space or control character",
				       shown(in, b, sizeof b));
		if (!isalnum(c) && !strchr(special, c))
			return vm_fail(err, VM_ERR_INVALID, "local part '%s' contains '%c'", shown(in, b, sizeof b), c);
		if (c == '.' && (i == 0 || i == len - 1 || in[i + 1] == '.'))
			return vm_fail(err, VM_ERR_INVALID, "local part '%s' has a leading, trailing or doubled '.'",
				       shown(in, b, sizeof b));
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return VM_OK;
}

enum vm_status valid_address(const char *in, int allow_catchall, char *local, char *domain, struct vm_error *err)
{
	char b[128], lp[VM_LOCAL_MAX + 2];
	const char *at = strchr(in, '@');
	size_t llen;
	enum vm_status st;

	if (!at)
		return vm_fail(err, VM_ERR_INVALID, "'%s' is not an address (no '@')", shown(in, b, sizeof b));
	if (strchr(at + 1, '@'))
		return vm_fail(err, VM_ERR_INVALID, "address '%s' has more than one '@'", shown(in, b, sizeof b));
	if (strlen(in) > VM_ADDRESS_MAX)
		return vm_fail(err, VM_ERR_INVALID, "address '%s' is too long (%zu characters, at most %d)",
			       shown(in, b, sizeof b), strlen(in), VM_ADDRESS_MAX);
	llen = (size_t)(at - in);
	if (llen == 0) {
		if (!allow_catchall)
			return vm_fail(err, VM_ERR_INVALID, "address '%s' has an empty local part", shown(in, b, sizeof b));
		strcpy(local, "*");
	} else {
		if (llen > VM_LOCAL_MAX)
			return vm_fail(err, VM_ERR_INVALID, "address '%s': local part over %d characters",
				       shown(in, b, sizeof b), VM_LOCAL_MAX);
		memcpy(lp, in, llen);
		lp[llen] = '\0';
		if ((st = valid_local(lp, local, err)) != VM_OK)
			return st;
	}
	return valid_domain(at + 1, domain, err);
}

enum vm_status valid_size_mb(const char *in, const char *what, int *mb, struct vm_error *err)
{
	char b[128];
	char *end;
	unsigned long long n, mult_kb = 1024; /* default unit: MB, counted in KB */
	const char *unit;

	if (strcasecmp(in, "unlimited") == 0 || strcasecmp(in, "none") == 0) {
		*mb = 0;
		return VM_OK;
	}
	if (!isdigit((unsigned char)in[0]))
		return vm_fail(err, VM_ERR_INVALID, "%s='%s' is not a size (a number of MB, or with K, M, G or T)",
			       what, shown(in, b, sizeof b));
	errno = 0;
	n = strtoull(in, &end, 10);
	if (errno)
		return vm_fail(err, VM_ERR_INVALID, "%s='%s' is too large", what, shown(in, b, sizeof b));
	unit = end;
	if (*unit) {
		switch (toupper((unsigned char)*unit)) {
		case 'K':
			mult_kb = 1;
			break;
		case 'M':
			mult_kb = 1024;
			break;
		case 'G':
			mult_kb = 1024ULL * 1024;
			break;
		case 'T':
			mult_kb = 1024ULL * 1024 * 1024;
			break;
		default:
			return vm_fail(err, VM_ERR_INVALID, "%s='%s': unknown unit '%s' (use K, M, G or T)", what,
				       shown(in, b, sizeof b), shown(unit, b + 64, 64));
		}
		unit++;
		if (*unit == 'B' || *unit == 'b')
			unit++;
		if (*unit)
			return vm_fail(err, VM_ERR_INVALID, "%s='%s': unexpected text after the size", what,
				       shown(in, b, sizeof b));
	}
	if (n > (unsigned long long)INT_MAX * 1024 / mult_kb + 1)
		return vm_fail(err, VM_ERR_INVALID, "%s='%s' is too large (at most %d MB)", what,
			       shown(in, b, sizeof b), INT_MAX);
	n *= mult_kb; /* now in KB */
	if (n % 1024)
		return vm_fail(err, VM_ERR_INVALID, "%s='%s' is not a whole number of megabytes", what,
			       shown(in, b, sizeof b));
	if (n / 1024 > INT_MAX)
		return vm_fail(err, VM_ERR_INVALID, "%s='%s' is too large (at most %d MB)", what,
			       shown(in, b, sizeof b), INT_MAX);
	*mb = (int)(n / 1024);
	return VM_OK;
}

enum vm_status valid_bool(const char *in, const char *what, int *out, struct vm_error *err)
{
	static const char *const yes[] = {"yes", "y", "true", "on", "1"};
	static const char *const no[] = {"no", "n", "false", "off", "0"};
	char b[128];
	size_t i;

	for (i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcasecmp(in, yes[i]) == 0) {
			*out = 1;
			return VM_OK;
		}
		if (strcasecmp(in, no[i]) == 0) {
			*out = 0;
			return VM_OK;
		}
	}
	return vm_fail(err, VM_ERR_INVALID, "%s='%s' must be yes or no", what, shown(in, b, sizeof b));
}

enum vm_status valid_name(const char *in, char *first, char *last, struct vm_error *err)
{
	char b[128];
	const char *sp, *rest;
	size_t flen, llen;

	if (!valid_text(in))
		return vm_fail(err, VM_ERR_INVALID, "name '%s' is not valid UTF-8 text or has control characters",
			       shown(in, b, sizeof b));
	while (*in == ' ')
		in++;
	sp = strchr(in, ' ');
	flen = sp ? (size_t)(sp - in) : strlen(in);
	rest = sp ? sp : in + flen;
	while (*rest == ' ')
		rest++;
	llen = strlen(rest);
	while (llen > 0 && rest[llen - 1] == ' ')
		llen--;
	/* check before copying: the buffers hold VM_NAME_MAX characters of up to 4 bytes */
	if (flen > VM_NAME_MAX * 4 || llen > VM_NAME_MAX * 4)
		goto too_long;
	memcpy(first, in, flen);
	first[flen] = '\0';
	memcpy(last, rest, llen);
	last[llen] = '\0';
	if (utf8_len(first) > VM_NAME_MAX || utf8_len(last) > VM_NAME_MAX)
		goto too_long;
	return VM_OK;
too_long:
	return vm_fail(err, VM_ERR_INVALID, "name '%s' is too long: first and last name are at most %d characters each",
		       shown(in, b, sizeof b), VM_NAME_MAX);
}

const char *fmt_mb(int mb, int unlimited_word, char *buf, size_t len)
{
	if (mb == 0 && unlimited_word)
		snprintf(buf, len, "unlimited");
	else if (mb >= 1048576 && mb % 1048576 == 0)
		snprintf(buf, len, "%dT", mb / 1048576);
	else if (mb >= 1024 && mb % 1024 == 0)
		snprintf(buf, len, "%dG", mb / 1024);
	else
		snprintf(buf, len, "%dM", mb);
	return buf;
}
