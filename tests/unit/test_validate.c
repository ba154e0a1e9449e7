/* SPDX-License-Identifier: MIT */
/* test_validate.c: table-driven tests of core/validate.c from validate.rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/validate.h"
#include "unit.h"

/* Unescapes \t, \n, \\ and \xNN in place. */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] == 't') {
			*o++ = '\t';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = {s[2], s[3], 0};

			*o++ = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

static void run_rule(const char *file, int lineno, const char *kind, const char *in, const char *want)
{
	struct vm_error err = {0};
	enum vm_status st = VM_ERR_USAGE;
	char got[512] = "", a[256], b[256];

	if (strcmp(kind, "domain") == 0) {
		st = valid_domain(in, a, &err);
		if (st == VM_OK)
			snprintf(got, sizeof got, "%s", a);
	} else if (strcmp(kind, "address") == 0 || strcmp(kind, "catchall") == 0) {
		st = valid_address(in, strcmp(kind, "catchall") == 0, a, b, &err);
		if (st == VM_OK)
			snprintf(got, sizeof got, "%s@%s", a, b);
	} else if (strcmp(kind, "unicode") == 0) {
		/* the other way: a stored ASCII name (or address) as people read it */
		st = VM_OK;
		if (strchr(in, '@'))
			idn_address_to_unicode(in, got, sizeof got);
		else
			idn_to_unicode(in, got, sizeof got);
	} else if (strcmp(kind, "pattern") == 0) {
		st = idn_pattern(in, a, sizeof a, &err);
		if (st == VM_OK)
			snprintf(got, sizeof got, "%s", a);
	} else if (strcmp(kind, "size") == 0) {
		int mb = -1;

		st = valid_size_mb(in, "quota", &mb, &err);
		if (st == VM_OK)
			snprintf(got, sizeof got, "%d", mb);
	} else if (strcmp(kind, "bool") == 0) {
		int v = -1;

		st = valid_bool(in, "enabled", &v, &err);
		if (st == VM_OK)
			snprintf(got, sizeof got, "%d", v);
	} else if (strcmp(kind, "name") == 0) {
		char first[VM_NAME_MAX * 4 + 1], last[VM_NAME_MAX * 4 + 1];

		st = valid_name(in, first, last, &err);
		if (st == VM_OK)
			snprintf(got, sizeof got, "%s|%s", first, last);
	} else {
		unit_fail(file, lineno, "unknown kind '%s'", kind);
		return;
	}
	if (strncmp(want, "ERR:", 4) == 0) {
		CHECK_MSG(st != VM_OK, "%s:%d: %s '%s' accepted as '%s', want an error", file, lineno, kind, in, got);
		CHECK_MSG(st == VM_OK || strstr(err.msg, want + 4) != NULL, "%s:%d: %s '%s': message '%s' lacks '%s'",
			  file, lineno, kind, in, err.msg, want + 4);
		/* a message never carries the raw control bytes */
		CHECK_MSG(st == VM_OK || strchr(err.msg, '\x1b') == NULL, "%s:%d: raw ESC in message", file, lineno);
	} else {
		CHECK_MSG(st == VM_OK && strcmp(got, want) == 0, "%s:%d: %s '%s': got %s '%s', want '%s'", file, lineno,
			  kind, in, st == VM_OK ? "ok" : err.msg, got, want);
	}
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "tests/unit/validate.rules";
	FILE *f = fopen(file, "r");
	char line[1024];
	int lineno = 0, rules = 0;

	if (!f) {
		perror(file);
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		char *kind, *in, *want, *t1, *t2;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2) {
			unit_fail(file, lineno, "malformed rule");
			continue;
		}
		*t1 = *t2 = '\0';
		kind = line;
		in = t1 + 1;
		want = t2 + 1;
		unescape(in);
		run_rule(file, lineno, kind, in, want);
		rules++;
	}
	fclose(f);
	CHECK_MSG(rules > 50, "only %d rules read", rules);
	{
		char buf[32];

		CHECK_STR(fmt_mb(0, 1, buf, sizeof buf), "unlimited");
		CHECK_STR(fmt_mb(0, 0, buf, sizeof buf), "0M");
		CHECK_STR(fmt_mb(1536, 1, buf, sizeof buf), "1536M");
		CHECK_STR(fmt_mb(2048, 1, buf, sizeof buf), "2G");
		CHECK_STR(fmt_mb(1048576, 1, buf, sizeof buf), "1T");
	}
	return unit_finish("test_validate");
}
