#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# storecheck_chunk.sh: `store check` streams a directory in chunks (CHUNK = 1000 entries in
# core/mailsys/storecheck.c), the entries no row was found at given at once, the others
# asked of the database a chunk at a time when they are not exactly those found:
# a domain directory of 1,500 homes and a root of 1,100 entries, with orphans, missing
# homes and names that only a case-insensitive or space-padding comparison would match
# (U0005, "u0006 ", C.TEST) created first, last and around the 1,000th entry, give
# exactly the findings expected, with and without usage (the two ways of reading the
# mailboxes), with the filter of the names found (struct seen) and with one so small
# that every entry is asked of the database, on every engine; nothing changes.
. "$(dirname "$0")/../lib.sh"

ME=$(id -un)
N=1500
hash='{SHA512-CRYPT}$6$vMKozThvVcdhbkfk$PFRSMGWFu1HbVOyNleZnzZrLefM7/o10/.HbkOXqk1b9EZGpbGoMspCM8.FuAhz3eV8oHspGSdusaXvWPNmm7.'
{
	echo "domain add b.test"
	echo "domain add c.test"
	for i in $(seq 1 $N); do printf "mailbox add u%04d@c.test 'password-hash=%s'\n" "$i" "$hash"; done
} >"$TEST_TMP/setup.vm"
long=$(printf 'L%.0s' $(seq 1 250))

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_storechunk) || { fail "$e: new_db"; continue; }
	base=$TEST_TMP/$e
	root=$base/mail
	rm -rf "$base"
	mkdir -p "$root"
	chmod 755 "$root"
	conf=$base/vmailadm.conf
	printf '[mail]\nroot = %s\nowner = %s\n' "$root" "$ME" >"$conf"
	V() { "$VMAILADM" -c "$conf" -d "$url" "$@"; }
	check_rc "$e: db init" 0 V -q db init
	check_rc "$e: $N mailboxes" 0 V -q -f "$TEST_TMP/setup.vm"
	# usage recorded: u0001, u0750 and u1500 have no home (missing), u0002 has none and
	# no usage (new: no finding)
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 10, messages = 1 WHERE username IN ('u0001@c.test', 'u0750@c.test', 'u1500@c.test', 'u0002@c.test')"
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 0, messages = 0 WHERE username = 'u0002@c.test'"
	# the domain directory, in creation order: orphans first, around the 1,000th and last
	(
		cd "$root" && mkdir c.test && cd c.test || exit 1
		mkdir o-first U0005
		for i in $(seq 3 $N); do
			case $i in
			750 | 1500) continue ;;
			999) mkdir m-ghost "u0006 " ;;
			1001) mkdir "$(printf 'bad\377')" "$long" && ln -s /etc lnk ;;
			esac
			mkdir "$(printf 'u%04d' "$i")"
		done
		mkdir o-last
	) || fail "$e: the tree"
	# the root: empty directories of no domain (no finding), around them C.TEST and an
	# orphan domain directory, then b.test's directory last
	(
		cd "$root" && mkdir C.TEST C.TEST/h && touch plain-file || exit 1
		for i in $(seq 1 1100); do
			[ "$i" = 1000 ] && mkdir -p orphan.test/h1 .hidden/x
			mkdir "$(printf 'e%04d' "$i")"
		done
		mkdir -p b.test/nobody
	) || fail "$e: the root"
	snap() { (cd "$base" && find . -printf '%p %y %m\n' | LC_ALL=C sort); sql "$e" "$url" "SELECT username, bytes, messages FROM admin_quota ORDER BY username"; }
	before=$(snap)
	want=$(LC_ALL=C sort <<EOF
missing-home	u0001@c.test	admin_quota records 10 bytes, 1 messages but $root/c.test/u0001 does not exist	quota recalc u0001@c.test
missing-home	u0750@c.test	admin_quota records 10 bytes, 1 messages but $root/c.test/u0750 does not exist	quota recalc u0750@c.test
missing-home	u1500@c.test	admin_quota records 10 bytes, 1 messages but $root/c.test/u1500 does not exist	quota recalc u1500@c.test
orphan-home	$root/b.test/nobody	no mailbox owns it and no pending operation names it	ops queue delete $root/b.test/nobody
orphan-home	$root/c.test/o-first	no mailbox owns it and no pending operation names it	ops queue delete $root/c.test/o-first
orphan-home	$root/c.test/U0005	no mailbox owns it and no pending operation names it	ops queue delete $root/c.test/U0005
orphan-home	$root/c.test/m-ghost	no mailbox owns it and no pending operation names it	ops queue delete $root/c.test/m-ghost
orphan-home	$root/c.test/u0006 	no mailbox owns it and its name is not a mailbox's (unprintable, or starting with '.'): look at it by hand	-
orphan-home	$root/c.test/bad\xff	no mailbox owns it and its name is not a mailbox's (unprintable, or starting with '.'): look at it by hand	-
orphan-home	$root/c.test/$long	no mailbox owns it and no pending operation names it	ops queue delete $root/c.test/$long
symlink-home	$root/c.test/lnk	a symbolic link in a domain directory (never followed); no mailbox owns it	rm $root/c.test/lnk
orphan-home	$root/c.test/o-last	no mailbox owns it and no pending operation names it	ops queue delete $root/c.test/o-last
orphan-home	$root/C.TEST/h	no mailbox owns it and no pending operation names it	ops queue delete $root/C.TEST/h
orphan-home	$root/C.TEST	a directory of no domain (1 home(s) in it, each listed): remove it once they are archived	rmdir $root/C.TEST
orphan-home	$root/orphan.test/h1	no mailbox owns it and no pending operation names it	ops queue delete $root/orphan.test/h1
orphan-home	$root/orphan.test	a directory of no domain (1 home(s) in it, each listed): remove it once they are archived	rmdir $root/orphan.test
EOF
)
	check_rc "$e: findings: exit status 5" 5 V store check
	check_eq "$e: exactly the findings expected" "$(printf '%s\n' "$OUT" | LC_ALL=C sort)" "$want"
	# homes: c.test's 1,496 mailboxes' and 7 orphans, b.test's, C.TEST's, orphan.test's
	check_contains "$e: summary counts every home" "$ERR" "store check: 16 finding(s); 1506 home(s) on disk, $N mailbox(es) checked"
	check_rc "$e: with usage: exit status 5" 5 V store check usage
	check_eq "$e: with usage: the same findings" "$(printf '%s\n' "$OUT" | LC_ALL=C sort)" "$want"
	# a filter of 64 bits holds every name: each entry is then asked of the database,
	# chunk by chunk (the path a false positive of the filter takes)
	check_rc "$e: names asked of the database: exit status 5" 5 env VMAILADM_STORE_FILTER_BITS=64 "$VMAILADM" -c "$conf" -d "$url" store check
	check_eq "$e: names asked of the database: the same findings" "$(printf '%s\n' "$OUT" | LC_ALL=C sort)" "$want"
	check_rc "$e: and with usage" 5 env VMAILADM_STORE_FILTER_BITS=64 "$VMAILADM" -c "$conf" -d "$url" store check usage
	check_eq "$e: and with usage: the same findings" "$(printf '%s\n' "$OUT" | LC_ALL=C sort)" "$want"
	check_rc "$e: scope c.test" 5 V store check c.test
	check_eq "$e: scope c.test: its findings only" "$(printf '%s\n' "$OUT" | LC_ALL=C sort)" "$(printf '%s\n' "$want" | grep -F "c.test")"
	check_rc "$e: scope a clean address" 0 V store check u1499@c.test
	after=$(snap)
	if [ "$before" = "$after" ]; then pass "$e: nothing changed"; else fail "$e: nothing changed" "$(diff <(echo "$before") <(echo "$after") | head)"; fi
done
test_done
