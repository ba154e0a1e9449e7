/* SPDX-License-Identifier: MIT */
/* sieverender.h: the Sieve script vmailadm writes for one mailbox, from its
 * vacation and filter rows, and the checks every value passes before it is
 * stored. Knows no database: plain values in, text out.
 *
 * The one rule of the renderer: every text an administrator gives is written
 * as a Sieve quoted string, with '\' and '"' escaped and nothing else, and
 * nothing outside a quoted string comes from input, except what the checks
 * below allow as a fixed set (operators, actions, header names, dates,
 * numbers, filter names in comments). So no input can add a command. The
 * extensions that would give strings a meaning beyond their bytes
 * (variables, encoded-character) are never required.
 *
 * The checks refuse what a quoted string cannot carry safely or what
 * Pigeonhole would refuse later: invalid UTF-8, control characters (the
 * vacation text may hold newlines and tabs), and sizes beyond the limits
 * below, each with a message naming the value. */
#ifndef VMAILADM_SIEVERENDER_H
#define VMAILADM_SIEVERENDER_H

#include <stddef.h>

#include "core/vm.h"

#define SIEVE_SUBJECT_MAX 255  /* bytes; Modoboa's autoreply subject is varchar(255) */
#define SIEVE_TEXT_MAX 32768   /* bytes of a vacation text */
#define SIEVE_VALUE_MAX 1024   /* bytes of a test's value */
#define SIEVE_FOLDER_MAX 255   /* bytes of a folder name */
#define SIEVE_NAME_MAX 64      /* a filter's name: a-z 0-9 . _ - */
#define SIEVE_HEADER_MAX 76    /* a header field name */
#define SIEVE_TESTS_MAX 16     /* if= per filter */
#define SIEVE_FILTERS_MAX 100  /* filters per mailbox */
#define SIEVE_ADDRESSES_MAX 32 /* addresses= of a vacation */
#define SIEVE_DAYS_MAX 365

/* A vacation as stored. from/until: "YYYY-MM-DD" or NULL (no bound).
 * addresses: comma-separated, "" for none. */
struct sieve_vacation {
	const char *subject, *text, *from, *until, *addresses;
	int days;
	int enabled;
};

/* A filter rule as stored. tests: one "HEADER:OP:VALUE" a line. action:
 * "fileinto", "redirect", "discard" or "keep"; argument the folder or the
 * address ("" otherwise). */
struct sieve_rule {
	const char *name, *tests, *action, *argument;
	int any;  /* anyof instead of allof */
	int stop; /* stop after the action */
};

/* Checks s as a text to be a Sieve string: valid UTF-8, at most max bytes,
 * no control character except newline and tab when multiline. what names
 * the value in the message ("subject"). */
enum vm_status sieve_check_text(const char *s, const char *what, size_t max, int multiline, struct vm_error *err)
	__attribute__((warn_unused_result));
/* Checks a date "YYYY-MM-DD" (a real day). */
enum vm_status sieve_check_date(const char *s, const char *what, struct vm_error *err) __attribute__((warn_unused_result));
/* Normalises a filter name (lowercase) into out (SIEVE_NAME_MAX + 1). */
enum vm_status sieve_check_name(const char *s, char *out, struct vm_error *err) __attribute__((warn_unused_result));
/* Checks one "HEADER:OP:VALUE" (OP: is, contains, matches, regex, or one
 * of them after "not-"). */
enum vm_status sieve_check_test(const char *s, struct vm_error *err) __attribute__((warn_unused_result));
/* Checks a then= value: fileinto:FOLDER, redirect:ADDRESS, discard, keep.
 * action gets the action's name (static), *argument points into s (the
 * part after ':', or "" ). */
enum vm_status sieve_check_action(const char *s, const char **action, const char **argument, struct vm_error *err)
	__attribute__((warn_unused_result));
/* Checks a comma-separated address list (addresses= of a vacation). */
enum vm_status sieve_check_addresses(const char *s, struct vm_error *err) __attribute__((warn_unused_result));

/* Renders the script: the rules in order, then the vacation when v is
 * given and enabled. NULL when there is nothing to run (no rule, no enabled
 * vacation): the mailbox then has no script. Caller frees. rule_line, when
 * not NULL, has room for n + 2 ints: rule_line[i] is the first line of rule
 * i, rule_line[n] the vacation's, rule_line[n + 1] one past the last line
 * (a compile error's line number is mapped back to the rule with it). The
 * values are expected to have passed the checks above; any control
 * character that reaches here anyway is dropped rather than written. */
char *sieve_render(const struct sieve_vacation *v, const struct sieve_rule *rules, size_t n, int *rule_line);

/* Appends s as a Sieve quoted string to a growing buffer. For the renderer
 * and its tests. */
void sieve_quote(char **buf, size_t *len, size_t *cap, const char *s);

#endif
