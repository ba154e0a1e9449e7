#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# manpage.sh: the manual the build made (vmailadm.8, doc/mkman from the action table)
# has an entry for every statement of the binary (vmailadm --help), every option of
# its command line (main.c's option table), every configuration key core/conf.c
# accepts, and every exit status --help names; it formats without a warning; and the
# check itself fails on a page that lacks a statement.
. "$(dirname "$0")/../lib.sh"

PAGE=$VT_ROOT/vmailadm.8
if [ ! -f "$PAGE" ]; then
	fail "vmailadm.8 was built (make check builds it)"
	test_done
fi
run "$VMAILADM" --help
HELP=$OUT

# the statements of the binary: "object verb" from --help's statement lines
statements() {
	printf '%s\n' "$HELP" | sed -n '/^statements:/,/^exit status:/p' | sed '1d;$d' |
		awk '{ print $1 " " $2 }'
}
# long options: main.c's table (LONG_OPTION_LIST: SHORT("name", ...) and
# LONG("name", ...)), hidden ones included
long_options() {
	sed -n '/^#define LONG_OPTION_LIST/,/[^\\]$/p' "$VT_ROOT/main.c" |
		sed -n 's/^[[:space:]]*\(SHORT\|LONG\)("\([a-z-]*\)".*/\2/p'
}
# configuration keys: "section key" from core/conf.c's CONF_KEY_LIST (X(section, key, ...))
config_keys() {
	sed -n '/^#define CONF_KEY_LIST/,/[^\\]$/p' "$VT_ROOT/core/conf.c" |
		sed -n 's/^[[:space:]]*X(\([a-z_]*\), *\([a-z_]*\),.*/\1 \2/p' | sort -u
}
exit_statuses() {
	printf '%s\n' "$HELP" | sed -n '/^exit status:/,$p' | grep -o '\b[0-9] [a-z]' | cut -c1 | sort -u
}

# missing PAGE: one line per thing PAGE lacks
missing() {
	local page=$1 s o k n
	while read -r s; do
		grep -qF "\\fB$s\\fR" "$page" || echo "statement '$s' has no entry (\\fB$s\\fR)"
	done < <(statements)
	while read -r o; do
		grep -qF "\\-\\-${o//-/\\-}" "$page" || echo "option --$o is not in the page"
	done < <(long_options)
	# a key is documented as ".TP / .B key" below ".SS [section]" of CONFIGURATION
	while read -r s k; do
		awk -v sec="[$s]" -v key="$k" '
			/^\.SH / { inconf = ($0 ~ /^\.SH CONFIGURATION/) }
			/^\.SS / { cur = $2 }
			inconf && cur == sec && prev == ".TP" && $0 == ".B " key { found = 1 }
			{ prev = $0 }
			END { exit !found }' "$page" || echo "configuration key [$s] $k has no entry"
	done < <(config_keys)
	while read -r n; do
		awk -v n="$n" '
			/^\.SH / { inexit = ($0 ~ /^\.SH "EXIT STATUS"/) }
			inexit && prev == ".TP" && $0 == ".B " n { found = 1 }
			{ prev = $0 }
			END { exit !found }' "$page" || echo "exit status $n has no entry"
	done < <(exit_statuses)
}

n=$(statements | wc -l)
[ "$n" -ge 30 ] && pass "--help lists the statements ($n)" || fail "--help lists the statements" "$HELP"
[ "$(long_options | wc -l)" -ge 15 ] && pass "main.c's option table is read" || fail "main.c's option table is read"
[ "$(config_keys | wc -l)" -ge 15 ] && pass "conf.c's keys are read" || fail "conf.c's keys are read"
check_contains "exit statuses read from --help (at least 0 to 4)" "$(exit_statuses | tr '\n' ' ')" "0 1 2 3 4 "

gaps=$(missing "$PAGE")
check_eq "the page documents every statement, option, key and exit status" "$gaps" ""

# the check can fail: a page without one statement's entry, one key, one status
bad=$TEST_TMP/bad.8
grep -vF '\fBdomain add\fR' "$PAGE" | sed '/^\.B owner$/d; /^\.B 3$/d' >"$bad"
gaps=$(missing "$bad")
check_contains "a page without 'domain add' is caught" "$gaps" "statement 'domain add' has no entry"
check_contains "a page without [mail] owner is caught" "$gaps" "configuration key [mail] owner has no entry"
check_contains "a page without exit status 3 is caught" "$gaps" "exit status 3 has no entry"

# the generated part follows the table: usage words and help of each statement
check_contains "entry: usage with placeholders in italics" "$(cat "$PAGE")" \
	'\fBdomain add\fR \fINAME\fR [quota=\fISIZE\fR] [enabled=yes|no]'
check_contains "entry: the help text" "$(cat "$PAGE")" 'delete a domain with its mailboxes and aliases.'
if grep -q '^\.\\" @STATEMENTS@' "$PAGE"; then fail "the marker was replaced"; else pass "the marker was replaced"; fi
check_contains "the page says how to enable the timers" "$(cat "$PAGE")" \
	'systemctl enable \-\-now vmailadm\-ops.timer vmailadm\-rollup.timer'

# it formats cleanly: groff's warnings, and man's
warn=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$PAGE" 2>&1)
check_eq "groff -ww: no warning" "$warn" ""
if command -v man >/dev/null; then
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$PAGE" 2>&1 >/dev/null)
	check_eq "man --warnings: no warning" "$warn" ""
fi
# the template alone has one marker (doc/mkman insists on exactly one)
check_rc "mkman refuses a template without the marker" 1 "$VT_ROOT/doc/mkman" /dev/null
test_done
