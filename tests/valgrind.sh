#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# valgrind.sh: the main paths of vmailadm under valgrind (statements that add, change,
# list and delete every kind of object, international domain names, the generated mail
# server files and mailserver check, a failing
# statement, a batch script, and the unit test binaries), on every engine available.
# Any memory error or definite/indirect leak fails. Run by tests/test-all.sh; needs a
# built tree.
. "$(dirname "$0")/lib.sh"

VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
	--show-leak-kinds=definite,indirect)
if ! command -v valgrind >/dev/null; then
	fail "valgrind is not installed (Debian: valgrind)"
	test_done
fi

vg() { # vg WHAT WANT_RC ARGS...: vmailadm under valgrind
	local what=$1 want=$2
	shift 2
	check_rc "$what" "$want" "${VG[@]}" "$VMAILADM" "$@"
	case $RC in 99) fail "$what: valgrind found errors" "$ERR" ;; esac
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_valgrind) || { fail "$e: new_db"; continue; }
	vg "$e: db init" 0 -d "$url" db init
	vg "$e: db check" 0 -d "$url" db check
	vg "$e: domain add" 0 -d "$url" domain add example.com quota=1G
	vg "$e: mailbox add" 0 -d "$url" mailbox add alice@example.com password=x name="Alice L" quota=100M
	vg "$e: refused mailbox" 1 -d "$url" mailbox add bob@example.com password=x quota=5G
	vg "$e: unknown option" 2 -d "$url" mailbox add bob@example.com colour=red
	vg "$e: alias add" 0 -d "$url" alias add sales@example.com alice@example.com out@elsewhere.org
	vg "$e: domain alias" 0 -d "$url" domainalias add example.net example.com
	vg "$e: sender add" 0 -d "$url" sender add alice@example.com boss@example.com
	vg "$e: refused sender" 1 -d "$url" sender add alice@example.com alice@example.com
	vg "$e: sender list" 0 -d "$url" sender list example.com
	vg "$e: services" 0 -d "$url" mailbox set alice@example.com pop3=no send-only=yes
	vg "$e: domain services" 0 -d "$url" domain set example.com services=imap,smtp
	vg "$e: unknown service" 1 -d "$url" domain set example.com services=ftp
	vg "$e: sender del" 0 -d "$url" sender del alice@example.com boss@example.com
	vg "$e: mailbox set" 0 -d "$url" mailbox set alice@example.com enabled=no password=y
	vg "$e: lists" 0 -d "$url" --json mailbox list example.com
	vg "$e: alias list" 0 -d "$url" alias list
	vg "$e: domain list" 0 -d "$url" domain list
	vg "$e: quota show" 0 -d "$url" quota show example.com
	# store check over a small tree with findings of several kinds, and its repairs
	vgroot=$TEST_TMP/vgmail_$e
	mkdir -p "$vgroot/example.com/alice" "$vgroot/example.com/ghost" "$vgroot/other.test/h"
	ln -sfn /tmp "$vgroot/example.com/lnk"
	printf '[mail]\nroot = %s\nowner = %s\n' "$vgroot" "$(id -un)" >"$TEST_TMP/vg_$e.conf"
	sql "$e" "$url" "INSERT INTO admin_quota (username, bytes, messages) VALUES ('gone@example.com', 1, 1)"
	vg "$e: store check" 5 -c "$TEST_TMP/vg_$e.conf" -d "$url" store check usage
	vg "$e: store check json" 5 -c "$TEST_TMP/vg_$e.conf" -d "$url" --json store check example.com
	# a filter too small to tell: every entry is asked of the database
	VMAILADM_STORE_FILTER_BITS=64 vg "$e: store check, entries asked" 5 -c "$TEST_TMP/vg_$e.conf" -d "$url" store check
	vg "$e: ops queue delete" 0 -c "$TEST_TMP/vg_$e.conf" -d "$url" ops queue delete "$vgroot/example.com/ghost"
	vg "$e: quota forget" 0 -c "$TEST_TMP/vg_$e.conf" -d "$url" quota forget gone@example.com
	vg "$e: complete a domain" 0 --complete -- -c /dev/null -d "$url" domain set ex
	check_eq "$e: complete a domain: the candidate" "$OUT" "example.com"
	vg "$e: complete an address" 0 --complete -- -c /dev/null -d "$url" mailbox set al
	vg "$e: complete an option value" 0 --complete -- domain add x.test enabled=
	# vacation, filters and the Sieve script (sievec runs: it is not under valgrind)
	vg "$e: vacation set" 0 -d "$url" vacation set alice@example.com "subject=a\" ; discard; #" "text=x
y" from=2026-01-01 until=2099-01-01 addresses=alice@example.com
	vg "$e: filter add" 0 -d "$url" filter add alice@example.com one if=subject:contains:x "if=from:not-is:y" any then=fileinto:Box stop
	vg "$e: filter add 2" 0 -d "$url" filter add alice@example.com two if=subject:regex:^a then=redirect:b@elsewhere.org
	vg "$e: filter move" 0 -d "$url" filter move alice@example.com two up
	vg "$e: filter list" 0 -d "$url" --json filter list alice@example.com
	vg "$e: vacation show" 0 -d "$url" vacation show alice@example.com
	vg "$e: vacation list" 0 -d "$url" --json vacation list
	vg "$e: sieve show" 0 -d "$url" sieve show alice@example.com
	vg "$e: sieve list" 0 -d "$url" sieve list alice@example.com
	vg "$e: refused filter (compile error)" 1 -d "$url" filter add alice@example.com bad "if=subject:regex:(" then=keep
	vg "$e: refused vacation (bad date)" 1 -d "$url" vacation set alice@example.com subject=a text=b until=2026-02-30
	vg "$e: filter del" 0 -d "$url" filter del alice@example.com one
	vg "$e: vacation off" 0 -d "$url" vacation off alice@example.com
	printf 'mailbox add b@example.com password=x\nalias add c@example.com b@example.com\nmailbox add d@nowhere.test password=x\n' >"$TEST_TMP/s.vm"
	vg "$e: failing script" 1 -d "$url" -f "$TEST_TMP/s.vm"
	# a bulk run (the hashing pool and slices) and a substring search (the index's windows)
	printf 'mailbox add p1@example.com password=x\nmailbox add p2@example.com password=y\nmailbox add p3@example.com password=z\n' >"$TEST_TMP/b.vm"
	vg "$e: bulk script" 0 -d "$url" -f "$TEST_TMP/b.vm"
	vg "$e: substring search" 0 -d "$url" mailbox list '*lic*@example.com'
	check_contains "$e: substring search: the match" "$OUT" "alice@example.com"
	# international domain names: conversion both ways, lists, a refused label
	vg "$e: IDN domain add" 0 -d "$url" domain add bücher.example
	vg "$e: IDN mailbox add" 0 -d "$url" mailbox add anna@BÜCHER.example password=x
	vg "$e: IDN alias add" 0 -d "$url" alias add info@xn--bcher-kva.example anna@bücher.example x@пример.рф
	vg "$e: IDN refused label" 1 -d "$url" domain add bü☃.example
	vg "$e: IDN lists" 0 -d "$url" --json alias list bücher.example
	check_rc "$e: IDN text list, UTF-8 locale" 0 env LC_ALL=C.UTF-8 "${VG[@]}" "$VMAILADM" -d "$url" mailbox list 'a*@bücher.example'
	vg "$e: IDN domain list pattern" 0 -d "$url" domain list bücher
	# the generated mail server side, and mailserver check reading it back (with findings:
	# nothing here includes the generated file)
	mkdir -p "$TEST_TMP/vg_maps_$e" "$TEST_TMP/vg_dc_$e"
	printf '[mail]\nowner = nobody\nroot = /srv/vg\n[dovecot]\npostmaster = pm@example.com\ndoveconf = doveconf -c /dev/null\n[postfix]\npostconf = postconf -c %s\n' \
		"$TEST_TMP/vg_maps_$e" >"$TEST_TMP/vg_mail_$e.conf"
	vg "$e: maps generate" 0 -c "$TEST_TMP/vg_mail_$e.conf" -d "$url" maps generate "$TEST_TMP/vg_maps_$e"
	vg "$e: dovecot generate" 0 -c "$TEST_TMP/vg_mail_$e.conf" -d "$url" dovecot generate "$TEST_TMP/vg_dc_$e"
	cp "$TEST_TMP/vg_maps_$e/main.cf.vmailadm" "$TEST_TMP/vg_maps_$e/main.cf"
	vg "$e: mailserver check" 1 -c "$TEST_TMP/vg_mail_$e.conf" -d "$url" --json mailserver check maps="$TEST_TMP/vg_maps_$e" dovecot="$TEST_TMP/vg_dc_$e"
	vg "$e: dry run" 0 -d "$url" --dry-run domain del example.com
	vg "$e: domain del" 0 -d "$url" domain del example.com
done
vg "unreachable database" 3 -d "postgresql://u:pw@127.0.0.1:1/db" domain list
for t in "$VT_ROOT"/tests/unit/test_validate "$VT_ROOT"/tests/unit/test_password; do
	[ -x "$t" ] || continue
	check_rc "valgrind $(basename "$t")" 0 "${VG[@]}" "$t"
done
test_done
