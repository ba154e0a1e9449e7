#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hostile.sh: every value of tests/hostile/corpus.txt (SQL metacharacters and injection
# strings, very long values, control characters and terminal escapes, invalid UTF-8) in
# every field of the statements, a script with a NUL byte, and a CSV import: each is
# stored literally and shown escaped, or refused with a message that changes nothing.
# Output never carries a raw control character, a C1 control or invalid UTF-8.
. "$(dirname "$0")/../lib.sh"

CORPUS=$VT_ROOT/tests/hostile/corpus.txt
PWNED=/tmp/vmailadm-pwned-$$
rm -f /tmp/vmailadm-pwned "$PWNED"

# the values, decoded (printf %b), in an array
VALUES=()
while IFS= read -r line; do
	case $line in '#'*) continue ;; esac
	VALUES+=("$(printf '%b' "$line")")
done <"$CORPUS"
# and the corpus's own command substitutions, aimed at a file of this run
VALUES+=("\$(touch $PWNED)" "\`touch $PWNED\`")

# unsafe TEXT: a raw control character (other than newline and tab), DEL, a C1
# control, or invalid UTF-8
unsafe() {
	printf '%s' "$1" | LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' && return 0
	printf '%s' "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || return 0
	return 1
}

counts() {
	sql "$1" "$2" "SELECT (SELECT count(*) FROM admin_domain), (SELECT count(*) FROM admin_mailbox),
		(SELECT count(*) FROM admin_alias), (SELECT count(*) FROM admin_domainalias), (SELECT count(*) FROM admin_user),
		(SELECT count(*) FROM admin_objectaccess), (SELECT count(*) FROM admin_alias_mboxes)"
}

# try WHAT CMD...: runs CMD; the status must be 0 (done), 1 (refused) or 2 (usage);
# output must be safe; a refusal must say where and why, and change nothing.
# $COUNTS holds the row counts as the last statement left them (one query a statement).
try() {
	local what=$1
	shift
	run "$@"
	case $RC in
	0 | 1 | 2) ;;
	*) fail "$e: $what: exit status $RC" "$ERR"; return ;;
	esac
	if unsafe "$OUT$ERR"; then
		fail "$e: $what: unsafe output" "$(printf '%s' "$OUT$ERR" | od -c | head -5)"
		return
	fi
	if [ "$RC" != 0 ]; then
		case $ERR in
		vmailadm:*) ;;
		*) fail "$e: $what: message does not say where" "$ERR"; return ;;
		esac
		if [ "$(counts "$e" "$url")" != "$COUNTS" ]; then
			fail "$e: $what: a refused statement changed rows"
			COUNTS=$(counts "$e" "$url")
			return
		fi
	else
		COUNTS=$(counts "$e" "$url")
	fi
	pass "$e: $what"
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_hostile) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -d "$url" "$@"; }
	check_rc "$e: db init" 0 V db init
	V domain add a.test >/dev/null
	V mailbox add ok@a.test password=x >/dev/null
	V admin add hx password=x domains=a.test >/dev/null
	COUNTS=$(counts "$e" "$url")

	i=0
	for v in "${VALUES[@]}"; do
		i=$((i + 1))
		n="#$i"
		try "$n domain add" V domain add "$v"
		try "$n mailbox add" V mailbox add "$v@a.test" password=x
		try "$n alias add recipient" V alias add "h$i@a.test" "$v"
		try "$n admin add" V admin add "$v" password=x
		try "$n list patterns" V mailbox list "$v"
		try "$n audit filters" V audit list object="$v" admin="$v"
	done
	i=0
	for v in "${VALUES[@]}"; do
		i=$((i + 1))
		n="#$i"
		# the validation paths are the same code on every engine
		[ "$e" = sqlite ] || break
		try "$n mailbox add local" V mailbox add "$v" password=x
		try "$n alias add address" V alias add "$v@a.test" ok@a.test
		try "$n domainalias add" V domainalias add "$v" a.test
		try "$n domainalias target" V domainalias add "da$i.test" "$v"
		try "$n admin domains" V admin set hx domains="$v"
		try "$n domain list" V domain list "$v"
		try "$n alias list" V alias list "$v"
		try "$n quota show" V quota show "$v"
		try "$n audit time" V audit list since="$v"
		try "$n unknown statement" V -- "$v" add x
		try "$n option value" V domain set a.test quota="$v"
	done
	i=0
	for v in "${VALUES[@]}"; do
		i=$((i + 1))
		n="#$i"

		# a display name is stored literally or refused; always shown escaped
		try "$n name" V mailbox set ok@a.test name="$v"
		if [ "$RC" = 0 ]; then
			cat="first_name || ' ' || last_name"
			[ "$e" = mysql ] && cat="CONCAT(first_name, ' ', last_name)"
			got=$(sql "$e" "$url" "SELECT $cat FROM admin_user WHERE username='ok@a.test'")
			want=$(printf '%s' "$v" | sed 's/^ *//')
			case $want in *' '*) ;; *) want="$want " ;; esac
			check_eq "$e: $n name stored literally" "$got" "$want"
			try "$n name listed" V mailbox list a.test
			try "$n name listed as JSON" V --json mailbox list a.test
			try "$n name in the audit log" V audit list object=ok@a.test
		fi
		try "$n admin name" V admin set hx name="$v"
		[ "$RC" = 0 ] && try "$n admin listed" V admin list

		# a password is hashed (it then logs in) or refused
		try "$n password" V admin set hx password="$v"
		if [ "$RC" = 0 ]; then
			check_rc "$e: $n password logs in" 0 env VMAILADM_PASSWORD="$v" "$VMAILADM" -d "$url" --user hx domain list
		fi
		try "$n mailbox password" V mailbox set ok@a.test password="$v"
	done

	# no value leaked into a stored hash or the audit log as a password
	check_eq "$e: no password in the audit log" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_audit WHERE after_value LIKE '%\"password\":\"%' AND after_value NOT LIKE '%\"password\":\"(set)\"%'")" 0

	# a NUL byte in a script
	printf 'mailbox set ok@a.test name="a\0b"\n' >"$TEST_TMP/nul.vm"
	try "NUL in a script" V -f "$TEST_TMP/nul.vm"
	check_eq "$e: NUL refused" "$RC" 2

	# the corpus through CSV import, one file per value (all or nothing)
	if "$VMAILADM" --help | grep -q '^  import csv'; then
		i=0
		for v in "${VALUES[@]}"; do
			i=$((i + 1))
			q=${v//\"/\"\"}
			{
				printf 'domain;"%s";0;true\n' "$q"
				printf 'account;"%s@a.test";pw;"%s";"%s";true;SimpleUsers;"%s@a.test";0\n' "$q" "$q" "$q" "$q"
				printf 'alias;"%s@a.test";true;ok@a.test\n' "$q"
				printf 'alias;"c%d@a.test";true;"%s"\n' "$i" "$q"
			} >"$TEST_TMP/h.csv"
			try "csv #$i" V import csv "$TEST_TMP/h.csv"
		done
		printf 'domain;"n\0ul.test";0;true\n' >"$TEST_TMP/nul.csv"
		try "csv NUL" V import csv "$TEST_TMP/nul.csv"
		check_eq "$e: csv NUL refused" "$RC" 1
	fi

	check_rc "$e: db check after the corpus" 0 V db check
	check_eq "$e: tables intact" "$(sql "$e" "$url" "SELECT count(*) FROM admin_domain WHERE name='a.test'")" 1
done
[ -e "$PWNED" ] || [ -e /tmp/vmailadm-pwned ] && fail "a command substitution ran" || pass "no command substitution ran"

test_done
