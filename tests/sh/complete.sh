#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# complete.sh: `vmailadm --complete WORD...`, what the bash completion asks: options,
# statements and their keys, flags and values from the action table, and domains and
# addresses from the database on every engine: bounded (COMPLETE_MAX), limited to a
# domain administrator's domains, never read with --user, nothing on stderr, no
# database file made. (tests/sh/package.sh drives the installed bash function.)
. "$(dirname "$0")/../lib.sh"

# comp WORD...: the candidates, sorted, on one line
comp() {
	run "$VMAILADM" --complete -- "$@"
	printf '%s\n' "$OUT" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# ---------------------------------------------------------------- no database

check_eq "objects" "$(comp dom)" "domain domainalias"
check_eq "all objects, from the table" "$(comp '' | wc -w)" \
	"$("$VMAILADM" --help | sed -n '/^statements:/,/^exit status:/p' | sed '1d;$d' | awk '{ print $1 }' | sort -u | wc -l)"
check_eq "verbs" "$(comp domain '')" "add del list rename set"
check_eq "a verb" "$(comp mailbox re)" "rename"
# (other statements' options grow: these hold whatever the table adds)
keys=" $(comp -d sqlite:/nonexistent/x.db mailbox set a@b.test quota=1G '') "
check_contains "option keys from the table" "$keys" " enabled= "
check_contains "option keys from the table (1)" "$keys" " name= "
check_contains "option keys from the table (2)" "$keys" " password-hash= password= "
case $keys in *" quota= "*) fail "an option given is not offered again" "$keys" ;; *) pass "an option given is not offered again" ;; esac
check_eq "a flag from the usage" "$(comp -d sqlite:/nonexistent/x.db domain del example.com '')" "keep-files"
check_eq "a flag once" "$(comp -d sqlite:/nonexistent/x.db domain del example.com keep-files '')" ""
check_eq "values of enabled=" "$(comp domain set x.test enabled=)" "enabled=no enabled=yes"
check_eq "values of role=" "$(comp admin add bob role=d)" "role=domainadmin"
# values as the usage shows them: a list completes one element at a time, once each
usage_services=$("$VMAILADM" --help | grep -c '^  domain set .*services=imap,pop3,smtp,sieve')
if [ "$usage_services" = 1 ]; then
	check_eq "a list value, from the usage" "$(comp domain set x.test services=)" \
		"services=imap services=pop3 services=sieve services=smtp"
	check_eq "a list value: the next element, not one given" "$(comp domain set x.test services=imap,pop3,)" \
		"services=imap,pop3,sieve services=imap,pop3,smtp"
fi
check_eq "no value where the usage shows none" "$(comp mailbox add a@b.test password=)" ""
comp -c /dev/null -d sqlite:/nonexistent/x.db sender add a@b.test '' >/dev/null
check_eq "no candidate twice" "$(printf '%s\n' "$OUT" | sort | uniq -d)" ""
check_eq "a file argument" "$(comp import csv '')" ":file sep="
check_eq "a directory argument" "$(comp maps generate '')" ":dir force"
check_eq "a literal alternative (ADDRESS|all)" "$(comp -d sqlite:/nonexistent/x.db quota recalc a)" "all"
check_eq "long options" "$(comp --dry)" "--dry-run"
check_eq "--format takes =" "$(comp --form)" "--format="
check_eq "the hidden option is not offered" "$(comp --comp)" ""
check_eq "the argument of -c is a file" "$(comp -c '')" ":file"
check_eq "the values of --format" "$(comp --format '')" "json text"
check_eq "options are skipped with their argument" "$(comp -c /dev/null --sep ';' --json domain l)" "list"
check_eq "an unknown statement completes nothing" "$(comp frobnicate '')" ""
check_eq "no stderr" "$ERR" ""
check_rc "a missing SQLite file: exit status 0" 0 "$VMAILADM" --complete -- -d "sqlite:$TEST_TMP/none.db" domain set ''
[ ! -e "$TEST_TMP/none.db" ] && pass "a missing SQLite file is not made" || fail "a missing SQLite file is not made"
check_eq "an unreachable server: nothing, no stderr" \
	"$(timeout 10 "$VMAILADM" --complete -- -d postgresql://u:pw@127.0.0.1:1/db domain set '' 2>&1 | grep -v '=$')" ""

# ---------------------------------------------------------------- the database

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_complete) || { fail "$e: new_db"; continue; }
	D=(-c /dev/null -d "$url")
	"$VMAILADM" -q "${D[@]}" -f - <<'EOF' || fail "$e: fixture"
db init
domain add example.com
domain add example.org
domain add exotic.net
domainalias add example.net example.com
mailbox add alice@example.com password=x
mailbox add alan@example.com password=x
mailbox add bob@example.org password=x
alias add sales@example.com alice@example.com
alias add @example.org bob@example.org
admin add dadmin password=secret role=domainadmin domains=example.com
EOF
	check_eq "$e: domains" "$(comp "${D[@]}" domain set ex)" "example.com example.org exotic.net"
	check_eq "$e: domains by prefix" "$(comp "${D[@]}" domain del example.o)" "example.org"
	check_eq "$e: domain aliases" "$(comp "${D[@]}" domainalias del '')" "example.net"
	check_eq "$e: target=" "$(comp "${D[@]}" domainalias set example.net target=exo)" "target=exotic.net"
	check_eq "$e: domains= completes its last element" \
		"$(comp "${D[@]}" admin set dadmin domains=example.com,exa)" "domains=example.com,example.com domains=example.com,example.org"
	check_eq "$e: mailboxes by local part" "$(comp "${D[@]}" mailbox set al)" "alan@example.com alice@example.com"
	check_eq "$e: a mailbox in a domain" "$(comp "${D[@]}" mailbox del bob@example.o)" "bob@example.org"
	check_eq "$e: after @ the local part is whole" "$(comp "${D[@]}" mailbox del b@example.o)" ""
	check_eq "$e: only existing mailboxes" "$(comp "${D[@]}" mailbox del alice@exo)" ""
	check_eq "$e: aliases, a catch-all as @domain" "$(comp "${D[@]}" alias del '')" "@example.org sales@example.com"
	check_eq "$e: a new address completes its domain" "$(comp "${D[@]}" mailbox add carol@example.c)" "carol@example.com"
	check_eq "$e: a new address without @: nothing" "$(comp "${D[@]}" mailbox add carol)" ""
	check_eq "$e: a recipient" "$(comp "${D[@]}" alias add team@example.com bo)" "bob@example.org"
	check_eq "$e: quota show: addresses and domains" "$(comp "${D[@]}" quota show exa)" "example.com example.org"
	check_eq "$e: an old name to rename" "$(comp "${D[@]}" mailbox rename alice)" "alice@example.com"
	check_eq "$e: no stderr" "$ERR" ""

	# a domain administrator (mapped from this Unix account) sees their domains only
	conf=$TEST_TMP/$e.conf
	printf '[access]\nunix_logins = %s=dadmin\n' "$(id -un)" >"$conf"
	check_eq "$e: a domain administrator's domains" "$(comp -c "$conf" -d "$url" domain set ex)" "example.com"
	check_eq "$e: a domain administrator's addresses" \
		"$(comp -c "$conf" -d "$url" mailbox set '' | tr ' ' '\n' | grep -v '=$' | tr '\n' ' ')" \
		"alan@example.com alice@example.com "
	check_eq "$e: a domain administrator's domain aliases" "$(comp -c "$conf" -d "$url" domainalias del '')" \
		"example.net"
	check_eq "$e: with --user nothing is read" "$(comp --user dadmin "${D[@]}" domain set ex)" ""

	# bounded: at most COMPLETE_MAX (100) domains; over 20 domains an address without
	# '@' completes to "word@"
	for i in $(seq -w 0 119); do echo "domain add d$i.test"; done | "$VMAILADM" -q "${D[@]}" -f - ||
		fail "$e: 120 domains"
	check_eq "$e: at most 100 domains" "$(comp "${D[@]}" domain set d | wc -w)" 100
	check_eq "$e: the first 100 in order" "$(comp "${D[@]}" domain set d | tr ' ' '\n' | tail -n 1)" "d099.test"
	check_eq "$e: many domains: an address without @ completes to word@" "$(comp "${D[@]}" mailbox set alice)" "alice@"
	check_eq "$e: many domains after @: word@ and the domains" "$(comp "${D[@]}" mailbox set alice@d0 | wc -w)" 100
	check_eq "$e: many domains after @: the first" "$(comp "${D[@]}" mailbox set alice@d0 | cut -d' ' -f1)" \
		"alice@d000.test"
	check_eq "$e: few domains after @: their mailboxes" "$(comp "${D[@]}" mailbox set alice@d00)" ""
done
test_done
