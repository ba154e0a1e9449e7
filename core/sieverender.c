/* SPDX-License-Identifier: MIT */
/* sieverender.c: checks and renders a mailbox's Sieve script (see sieverender.h). */
#include "core/sieverender.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "core/validate.h"
#include "lib/xalloc.h"

enum vm_status sieve_check_text(const char *s, const char *what, size_t max, int multiline, struct vm_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	if (len > max)
		return vm_fail(err, VM_ERR_INVALID, "%s: %zu bytes is more than the %zu allowed", what, len, max);
	while (*p) {
		/* utf8_shown_seq: 0 for invalid UTF-8 and for C1 controls */
		size_t n = utf8_shown_seq(p);

		if (n == 0)
			return vm_fail(err, VM_ERR_INVALID, "%s: not valid UTF-8 text (byte %zu)", what,
				       (size_t)(p - (const unsigned char *)s) + 1);
		if (n == 1 && (*p < 0x20 || *p == 0x7f) && !(multiline && (*p == '\n' || *p == '\t')))
			return vm_fail(err, VM_ERR_INVALID, "%s: a control character (0x%02x at byte %zu) is not allowed%s",
				       what, *p, (size_t)(p - (const unsigned char *)s) + 1,
				       multiline ? "" : " (this text is one line)");
		p += n;
	}
	return VM_OK;
}

enum vm_status sieve_check_date(const char *s, const char *what, struct vm_error *err)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';

	for (int i = 0; ok && i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			ok = 0;
	if (ok) {
		y = atoi(s);
		m = atoi(s + 5);
		d = atoi(s + 8);
		ok = y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] &&
		     !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	}
	if (!ok)
		return vm_fail(err, VM_ERR_INVALID, "%s: '%.40s' is not a date (give YYYY-MM-DD)", what, s);
	return VM_OK;
}

enum vm_status sieve_check_name(const char *s, char *out, struct vm_error *err)
{
	size_t n = strlen(s);

	if (n == 0 || n > SIEVE_NAME_MAX)
		return vm_fail(err, VM_ERR_INVALID, "filter name: 1 to %d characters", SIEVE_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return vm_fail(err, VM_ERR_INVALID,
				       "filter name: only letters, digits, '.', '_' and '-' (not byte 0x%02x at %zu)",
				       c, i + 1);
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	return VM_OK;
}

static const char *const ops[] = {"is", "contains", "matches", "regex"};

/* The operator of "OP" (or "not-OP"): index into ops, *neg set; -1 if none */
static int op_index(const char *s, size_t len, int *neg)
{
	*neg = 0;
	if (len > 4 && strncmp(s, "not-", 4) == 0) {
		*neg = 1;
		s += 4;
		len -= 4;
	}
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (strlen(ops[i]) == len && strncmp(ops[i], s, len) == 0)
			return (int)i;
	return -1;
}

/* Splits "HEADER:OP:VALUE" at its first two colons */
static int split_test(const char *s, size_t *hlen, const char **op, size_t *oplen, const char **value)
{
	const char *c1 = strchr(s, ':'), *c2;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return -1;
	*hlen = (size_t)(c1 - s);
	*op = c1 + 1;
	*oplen = (size_t)(c2 - c1 - 1);
	*value = c2 + 1;
	return 0;
}

enum vm_status sieve_check_test(const char *s, struct vm_error *err)
{
	size_t hlen, oplen;
	const char *op, *value;
	int neg;
	enum vm_status st;

	if (split_test(s, &hlen, &op, &oplen, &value) < 0)
		return vm_fail(err, VM_ERR_INVALID, "if=: '%.60s' is not HEADER:OP:VALUE (e.g. subject:contains:offer)", s);
	if (hlen == 0 || hlen > SIEVE_HEADER_MAX)
		return vm_fail(err, VM_ERR_INVALID, "if=: a header name of 1 to %d characters", SIEVE_HEADER_MAX);
	/* RFC 5322 field names: printable ASCII but ':' (and no space) */
	for (size_t i = 0; i < hlen; i++)
		if ((unsigned char)s[i] <= 32 || (unsigned char)s[i] >= 127)
			return vm_fail(err, VM_ERR_INVALID,
				       "if=: the header name may hold printable ASCII only (byte %zu)", i + 1);
	if (op_index(op, oplen, &neg) < 0)
		return vm_fail(err, VM_ERR_INVALID,
			       "if=: unknown operator '%.*s' (is, contains, matches, regex, or not-is, not-contains, ...)",
			       (int)(oplen > 20 ? 20 : oplen), op);
	if ((st = sieve_check_text(value, "if= value", SIEVE_VALUE_MAX, 0, err)) != VM_OK)
		return st;
	return VM_OK;
}

enum vm_status sieve_check_action(const char *s, const char **action, const char **argument, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1];
	enum vm_status st;

	*argument = "";
	if (strcmp(s, "discard") == 0 || strcmp(s, "keep") == 0) {
		*action = strcmp(s, "keep") == 0 ? "keep" : "discard";
		return VM_OK;
	}
	if (strncmp(s, "fileinto:", 9) == 0) {
		*action = "fileinto";
		*argument = s + 9;
		if (!**argument)
			return vm_fail(err, VM_ERR_INVALID, "then=fileinto: give a folder (then=fileinto:Work)");
		return sieve_check_text(*argument, "folder", SIEVE_FOLDER_MAX, 0, err);
	}
	if (strncmp(s, "redirect:", 9) == 0) {
		*action = "redirect";
		*argument = s + 9;
		if ((st = valid_address(*argument, 0, local, domain, err)) != VM_OK) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			return vm_fail(err, VM_ERR_INVALID, "then=redirect: not an address to redirect to: %s", msg);
		}
		return VM_OK;
	}
	return vm_fail(err, VM_ERR_INVALID,
		       "then=: give fileinto:FOLDER, redirect:ADDRESS, discard or keep (not '%.40s')", s);
}

enum vm_status sieve_check_addresses(const char *s, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1], one[VM_ADDRESS_MAX + 2];
	const char *p = s;
	int n = 0;
	enum vm_status st;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len > VM_ADDRESS_MAX)
			return vm_fail(err, VM_ERR_INVALID, "addresses=: an address longer than %d characters",
				       VM_ADDRESS_MAX);
		memcpy(one, p, len);
		one[len] = '\0';
		if ((st = valid_address(one, 0, local, domain, err)) != VM_OK) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			return vm_fail(err, VM_ERR_INVALID, "addresses=: %s", msg);
		}
		if (++n > SIEVE_ADDRESSES_MAX)
			return vm_fail(err, VM_ERR_INVALID, "addresses=: at most %d addresses", SIEVE_ADDRESSES_MAX);
		p += len + (e ? 1 : 0);
	}
	return VM_OK;
}

/* ---- rendering ---- */

struct buf {
	char *s;
	size_t len, cap;
	int line; /* the line being written, from 1 */
};

static void put(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
	for (; *s; s++)
		b->line += *s == '\n';
}

void sieve_quote(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t need = *len + 2 * strlen(s) + 3;

	if (need > *cap) {
		*cap = need * 2;
		*buf = xrealloc(*buf, *cap);
	}
	(*buf)[(*len)++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* only what the checks let through: a stray control byte is dropped */
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			continue;
		if (*p == '"' || *p == '\\')
			(*buf)[(*len)++] = '\\';
		(*buf)[(*len)++] = (char)*p;
	}
	(*buf)[(*len)++] = '"';
	(*buf)[*len] = '\0';
}

static void quoted(struct buf *b, const char *s)
{
	for (const char *p = s; *p; p++)
		b->line += *p == '\n';
	if (!b->s) {
		b->cap = 64;
		b->s = xmalloc(b->cap);
		b->s[0] = '\0';
	}
	sieve_quote(&b->s, &b->len, &b->cap, s);
}

/* Which extensions the script needs */
struct needs {
	int fileinto, regex, date, vacation;
};

static void render_test(struct buf *b, const char *t, size_t len, struct needs *nd)
{
	char *one = xstrndup(t, len);
	size_t hlen, oplen;
	const char *op, *value;
	int neg, i;

	if (split_test(one, &hlen, &op, &oplen, &value) < 0 || (i = op_index(op, oplen, &neg)) < 0) {
		put(b, "false"); /* not reached after the checks */
		free(one);
		return;
	}
	nd->regex |= i == 3;
	one[hlen] = '\0';
	put(b, neg ? "not header :" : "header :");
	put(b, ops[i]);
	put(b, " ");
	quoted(b, one);
	put(b, " ");
	quoted(b, value);
	free(one);
}

static void render_rule(struct buf *b, const struct sieve_rule *r, struct needs *nd)
{
	const char *t = r->tests;
	int ntests = 0;

	put(b, "\n# filter ");
	put(b, r->name); /* a-z 0-9 . _ - only: sieve_check_name */
	put(b, "\nif ");
	put(b, r->any ? "anyof (" : "allof (");
	while (*t) {
		const char *e = strchr(t, '\n');
		size_t len = e ? (size_t)(e - t) : strlen(t);

		if (len) {
			if (ntests++)
				put(b, ", ");
			render_test(b, t, len, nd);
		}
		t += len + (e ? 1 : 0);
	}
	if (!ntests)
		put(b, "true");
	put(b, ") {\n    ");
	if (strcmp(r->action, "fileinto") == 0) {
		nd->fileinto = 1;
		put(b, "fileinto :create ");
		quoted(b, r->argument);
		put(b, ";\n");
	} else if (strcmp(r->action, "redirect") == 0) {
		put(b, "redirect ");
		quoted(b, r->argument);
		put(b, ";\n");
	} else if (strcmp(r->action, "discard") == 0) {
		put(b, "discard;\n");
	} else {
		put(b, "keep;\n");
	}
	if (r->stop)
		put(b, "    stop;\n");
	put(b, "}\n");
}

static void render_vacation(struct buf *b, const struct sieve_vacation *v, struct needs *nd)
{
	char num[16];
	const char *indent = "";

	nd->vacation = 1;
	put(b, "\n# vacation\n");
	if (v->from || v->until) {
		nd->date = 1;
		put(b, "if allof (");
		if (v->from) {
			put(b, "currentdate :value \"ge\" \"date\" ");
			quoted(b, v->from);
		}
		if (v->until) {
			put(b, v->from ? ", currentdate :value \"le\" \"date\" " : "currentdate :value \"le\" \"date\" ");
			quoted(b, v->until);
		}
		put(b, ") {\n");
		indent = "    ";
	}
	put(b, indent);
	snprintf(num, sizeof num, "%d", v->days > 0 ? v->days : 7);
	put(b, "vacation :days ");
	put(b, num);
	put(b, " :subject ");
	quoted(b, v->subject ? v->subject : "");
	if (v->addresses && *v->addresses) {
		const char *p = v->addresses;
		int first = 1;

		put(b, " :addresses [");
		while (*p) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			char *one = xstrndup(p, len);

			if (len) {
				put(b, first ? "" : ", ");
				quoted(b, one);
				first = 0;
			}
			free(one);
			p += len + (e ? 1 : 0);
		}
		put(b, "]");
	}
	put(b, "\n");
	put(b, indent);
	put(b, "    ");
	quoted(b, v->text ? v->text : "");
	put(b, ";\n");
	if (*indent)
		put(b, "}\n");
}

char *sieve_render(const struct sieve_vacation *v, const struct sieve_rule *rules, size_t n, int *rule_line)
{
	struct buf body = {NULL, 0, 0, 1}, out = {NULL, 0, 0, 1};
	struct needs nd = {0};
	const char *req[8];
	size_t nreq = 0;
	int head_lines;

	if (n == 0 && !(v && v->enabled))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (rule_line)
			rule_line[i] = body.line + 1; /* the "# filter" line follows a blank one */
		render_rule(&body, &rules[i], &nd);
	}
	if (rule_line)
		rule_line[n] = body.line + 1;
	if (v && v->enabled)
		render_vacation(&body, v, &nd);
	if (rule_line)
		rule_line[n + 1] = body.line;
	put(&out, "# vmailadm: the rules an administrator set for this mailbox (vacation, filters),\n"
		  "# rendered from vmailadm's tables: change them with vmailadm, not here.\n"
		  "# Dovecot runs this before the user's own script.\n");
	if (nd.date) {
		req[nreq++] = "date";
		req[nreq++] = "relational";
	}
	if (nd.fileinto) {
		req[nreq++] = "fileinto";
		req[nreq++] = "mailbox";
	}
	if (nd.regex)
		req[nreq++] = "regex";
	if (nd.vacation)
		req[nreq++] = "vacation";
	if (nreq) {
		put(&out, "require [");
		for (size_t i = 0; i < nreq; i++) {
			put(&out, i ? ", \"" : "\"");
			put(&out, req[i]);
			put(&out, "\"");
		}
		put(&out, "];\n");
	}
	head_lines = out.line - 1;
	if (rule_line)
		for (size_t i = 0; i < n + 2; i++)
			rule_line[i] += head_lines;
	put(&out, body.s ? body.s : "");
	free(body.s);
	return out.s;
}
