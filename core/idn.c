/* SPDX-License-Identifier: MIT */
/* idn.c: international domain names through libidn2 (contract in idn.h). */
#include "core/idn.h"

#include <ctype.h>
#include <idn2.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/utf8.h"

/* UTS #46 maps these full stops to '.': they end a label as '.' does. */
static size_t dot_at(const char *p)
{
	static const char *const dots[] = {"\xe3\x80\x82", "\xef\xbc\x8e", "\xef\xbd\xa1"};

	if (*p == '.')
		return 1;
	for (size_t i = 0; i < sizeof dots / sizeof *dots; i++)
		if (strncmp(p, dots[i], 3) == 0)
			return 3;
	return 0;
}

/* 1 for the invisible format characters that reorder or hide text on a
 * terminal (bidi embeddings, overrides and isolates, zero-width spaces and
 * joiners, the BOM): a message shows them as \u{XXXX}. */
static int invisible(const unsigned char *p, size_t n, unsigned *cp)
{
	if (n != 3)
		return 0;
	*cp = ((unsigned)(p[0] & 0x0f) << 12) | ((unsigned)(p[1] & 0x3f) << 6) | (unsigned)(p[2] & 0x3f);
	return (*cp >= 0x200b && *cp <= 0x200f) || (*cp >= 0x202a && *cp <= 0x202e) ||
	       (*cp >= 0x2066 && *cp <= 0x2069) || *cp == 0xfeff;
}

/* A value inside a message: what a terminal might act on (C0 and C1
 * controls, DEL, bytes that are not UTF-8) as \xNN, invisible format
 * characters as \u{XXXX}, cut at 80 bytes. */
static const char *shown(const char *in, size_t inlen, char *buf, size_t len)
{
	size_t o = 0, i = 0;

	while (i < inlen && in[i] && o + 12 < len) {
		const unsigned char *p = (const unsigned char *)in + i;
		size_t n = utf8_shown_seq(p);
		unsigned cp;

		if (o >= 80) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)) || i + n > inlen) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p);
			i++;
			continue;
		}
		if (invisible(p, n, &cp)) {
			o += (size_t)snprintf(buf + o, len - o, "\\u{%04X}", cp);
			i += n;
			continue;
		}
		memcpy(buf + o, p, n);
		o += n;
		i += n;
	}
	buf[o] = '\0';
	return buf;
}

static int is_xn(const char *label, size_t n)
{
	return n >= 4 && strncasecmp(label, "xn--", 4) == 0;
}

int idn_needed(const char *s)
{
	const char *label = s;

	for (const char *p = s;; p++) {
		if ((unsigned char)*p >= 0x80)
			return 1;
		if (*p == '.' || *p == '\0') {
			if (is_xn(label, (size_t)(p - label)))
				return 1;
			if (*p == '\0')
				return 0;
			label = p + 1;
		}
	}
}

/* Why libidn2 refused a label, in words an administrator can act on. A
 * Unicode label too long for punycode's output buffer is over 63 once
 * encoded; an xn-- label punycode cannot decode is a bad xn-- label. */
static const char *reason(int rc, int xn)
{
	if (!xn && (rc == IDN2_PUNYCODE_BIG_OUTPUT || rc == IDN2_PUNYCODE_OVERFLOW))
		return "is over 63 characters once encoded";
	switch (rc) {
	case IDN2_DISALLOWED:
		return "holds a character IDNA2008 does not allow in a domain name";
	case IDN2_UNASSIGNED:
		return "holds a code point Unicode has not assigned";
	case IDN2_CONTEXTJ:
	case IDN2_CONTEXTO:
	case IDN2_CONTEXTJ_NO_RULE:
	case IDN2_CONTEXTO_NO_RULE:
		return "holds a joiner or other character not allowed where it stands";
	case IDN2_LEADING_COMBINING:
		return "starts with a combining mark";
	case IDN2_2HYPHEN:
		return "has '--' as its third and fourth characters (reserved for xn-- labels)";
	case IDN2_HYPHEN_STARTEND:
		return "starts or ends with '-'";
	case IDN2_BIDI:
		return "mixes right-to-left and left-to-right text in a way IDNA2008 forbids";
	case IDN2_NOT_NFC:
		return "is not in Unicode normal form C";
	case IDN2_TOO_BIG_LABEL:
		return "is over 63 characters once encoded";
	case IDN2_TOO_BIG_DOMAIN:
		return "makes the name too long once encoded";
	case IDN2_PUNYCODE_BAD_INPUT:
	case IDN2_PUNYCODE_BIG_OUTPUT:
	case IDN2_PUNYCODE_OVERFLOW:
	case IDN2_ALABEL_ROUNDTRIP_FAILED:
	case IDN2_INVALID_TRANSITIONAL:
	case IDN2_INVALID_NONTRANSITIONAL:
		return "is not a valid xn-- label (it does not decode to a name it is the encoding of)";
	default:
		return idn2_strerror(rc);
	}
}

enum vm_status idn_to_ascii(const char *in, char *out, size_t len, struct vm_error *err)
{
	char b[160], lb[160];
	const char *label = in;
	size_t o = 0;

	out[0] = '\0';
	for (const unsigned char *p = (const unsigned char *)in; *p;) {
		size_t n = utf8_seq(p, (size_t)-1);

		if (n == 0)
			return vm_fail(err, VM_ERR_INVALID, "domain name '%s' is not valid UTF-8",
				       shown(in, strlen(in), b, sizeof b));
		p += n;
	}
	for (;;) {
		size_t n = 0, d, ascii = 1, piece;
		char *a = NULL, *lab;
		const char *put;

		while (label[n] && !dot_at(label + n)) {
			if ((unsigned char)label[n] >= 0x80)
				ascii = 0;
			n++;
		}
		d = label[n] ? dot_at(label + n) : 0;
		lab = strndup(label, n);
		if (!lab)
			abort();
		if (ascii && !is_xn(lab, n)) {
			put = lab; /* validate.c's ASCII rules judge it */
		} else {
			int rc;

			/* xn-- labels are lowercased first: the A-label round trip
			 * compares with what libidn2 encodes, which is lowercase */
			for (size_t i = 0; ascii && i < n; i++)
				lab[i] = (char)tolower((unsigned char)lab[i]);
			rc = idn2_to_ascii_8z(lab, &a, IDN2_NONTRANSITIONAL);
			if (rc != IDN2_OK) {
				enum vm_status st = vm_fail(err, VM_ERR_INVALID, "domain name '%s': label '%s' %s",
							    shown(in, strlen(in), b, sizeof b),
							    shown(label, n, lb, sizeof lb), reason(rc, is_xn(lab, n)));

				free(lab);
				out[0] = '\0';
				return st;
			}
			put = a;
		}
		piece = strlen(put);
		if (o + piece + (d ? 1 : 0) >= len) {
			free(a);
			free(lab);
			out[0] = '\0';
			return vm_fail(err, VM_ERR_INVALID,
				       "domain name '%s' is too long once encoded (at most %zu characters)",
				       shown(in, strlen(in), b, sizeof b), len - 1);
		}
		memcpy(out + o, put, piece);
		o += piece;
		free(a);
		free(lab);
		if (!d)
			break;
		out[o++] = '.';
		label += n + d;
	}
	out[o] = '\0';
	return VM_OK;
}

const char *idn_to_unicode(const char *ascii, char *buf, size_t len)
{
	char *u = NULL, *back = NULL;

	snprintf(buf, len, "%s", ascii);
	if (!strstr(ascii, "xn--") && !strstr(ascii, "XN--") && !idn_needed(ascii))
		return buf;
	if (idn2_to_unicode_8z8z(ascii, &u, 0) != IDN2_OK)
		return buf;
	/* show only what reads back as the same name: a label decoding to
	 * controls or bidi overrides stays in its xn-- form */
	if (idn2_to_ascii_8z(u, &back, IDN2_NONTRANSITIONAL) == IDN2_OK && strcasecmp(back, ascii) == 0 && strlen(u) < len)
		snprintf(buf, len, "%s", u);
	free(back);
	free(u);
	return buf;
}

const char *idn_address_to_unicode(const char *address, char *buf, size_t len)
{
	const char *at = strrchr(address, '@');
	char d[VM_ADDRESS_SHOWN];

	if (!at) {
		snprintf(buf, len, "%s", address);
		return buf;
	}
	idn_to_unicode(at + 1, d, sizeof d);
	snprintf(buf, len, "%.*s@%s", (int)(at - address), address, d);
	return buf;
}

char *idn_list_to_unicode(const char *list)
{
	size_t cap, o = 0;
	char *out;
	const char *p = list;

	if (!strstr(list, "xn--"))
		return NULL;
	/* a decoded domain is at most 4 bytes a character of its xn-- form */
	cap = strlen(list) * 4 + 1;
	out = malloc(cap);
	if (!out)
		abort();
	for (;;) {
		size_t n = strcspn(p, ",");
		char one[VM_ADDRESS_SHOWN], u[VM_ADDRESS_SHOWN];

		snprintf(one, sizeof one, "%.*s", (int)n, p);
		idn_address_to_unicode(one, u, sizeof u);
		o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? "," : "", u);
		if (!p[n])
			break;
		p += n + 1;
	}
	return out;
}

int idn_locale_utf8(void)
{
	static int known = -1;

	if (known < 0) {
		locale_t l = newlocale(LC_CTYPE_MASK, "", (locale_t)0);

		known = 0;
		if (l) {
			const char *cs = nl_langinfo_l(CODESET, l);

			known = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
			freelocale(l);
		}
	}
	return known;
}

const char *idn_shown(const char *ascii, char *buf, size_t len)
{
	if (idn_locale_utf8())
		return idn_to_unicode(ascii, buf, len);
	snprintf(buf, len, "%s", ascii);
	return buf;
}

const char *idn_shown_address(const char *address, char *buf, size_t len)
{
	if (idn_locale_utf8())
		return idn_address_to_unicode(address, buf, len);
	snprintf(buf, len, "%s", address);
	return buf;
}

enum vm_status idn_pattern(const char *in, char *out, size_t len, struct vm_error *err)
{
	const char *at = strrchr(in, '@'), *dom = at ? at + 1 : in;
	size_t head = (size_t)(dom - in), o, n;
	char b[160], lb[160], *copy;
	const char *label;

	if (!idn_needed(dom)) {
		if (strlen(in) >= len)
			return vm_fail(err, VM_ERR_INVALID, "pattern '%s' is too long", shown(in, strlen(in), b, sizeof b));
		snprintf(out, len, "%s", in);
		return VM_OK;
	}
	if (head >= len)
		return vm_fail(err, VM_ERR_INVALID, "pattern '%s' is too long", shown(in, strlen(in), b, sizeof b));
	memcpy(out, in, head);
	o = head;
	out[o] = '\0';
	label = dom;
	for (;;) {
		size_t d;
		int wild = 0, plain = 1;

		n = 0;
		while (label[n] && !dot_at(label + n)) {
			if (label[n] == '*' || label[n] == '?')
				wild = 1;
			else if ((unsigned char)label[n] >= 0x80)
				plain = 0;
			n++;
		}
		d = label[n] ? dot_at(label + n) : 0;
		if (!plain && wild)
			return vm_fail(err, VM_ERR_INVALID,
				       "pattern '%s': label '%s' mixes * or ? with non-ASCII characters, which cannot be "
				       "matched against the stored xn-- form (give the whole label, or its xn-- form)",
				       shown(in, strlen(in), b, sizeof b), shown(label, n, lb, sizeof lb));
		if (plain || n == 0) {
			if (o + n + 1 >= len)
				return vm_fail(err, VM_ERR_INVALID, "pattern '%s' is too long",
					       shown(in, strlen(in), b, sizeof b));
			memcpy(out + o, label, n);
			o += n;
		} else {
			char conv[256];
			enum vm_status st;

			copy = strndup(label, n);
			if (!copy)
				abort();
			st = idn_to_ascii(copy, conv, sizeof conv, err);
			free(copy);
			if (st != VM_OK)
				return st;
			if (o + strlen(conv) + 1 >= len)
				return vm_fail(err, VM_ERR_INVALID, "pattern '%s' is too long",
					       shown(in, strlen(in), b, sizeof b));
			memcpy(out + o, conv, strlen(conv));
			o += strlen(conv);
		}
		if (!d)
			break;
		out[o++] = '.';
		label += n + d;
	}
	out[o] = '\0';
	return VM_OK;
}
