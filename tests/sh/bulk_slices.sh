#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bulk_slices.sh: scripts longer than one writing slice (500 mailboxes): the hashing pool
# runs ahead while the writer waits, slice by slice, for the hashes it needs; a duplicate
# in a later slice of a duplicate in an earlier one is refused with its own FILE:LINE and
# nothing is kept; a long run with plain passwords lands whole, every hash verifiable.
. "$(dirname "$0")/../lib.sh"

hash='{SHA512-CRYPT}$6$vMKozThvVcdhbkfk$PFRSMGWFu1HbVOyNleZnzZrLefM7/o10/.HbkOXqk1b9EZGpbGoMspCM8.FuAhz3eV8oHspGSdusaXvWPNmm7.'
{
	echo "domain add slices.test"
	for i in $(seq 1 4500); do
		if [ "$i" = 4200 ]; then
			echo "mailbox add u10@slices.test 'password-hash=$hash'"
		else
			echo "mailbox add u$i@slices.test 'password-hash=$hash'"
		fi
	done
} >"$TEST_TMP/dup.vm"
{
	echo "domain add plain.test"
	for i in $(seq 1 2300); do echo "mailbox add p$i@plain.test password=pw-$i"; done
} >"$TEST_TMP/plain.vm"

# two scripts at once, each one transaction over two domains in opposite orders, in
# slices: the rollup counts they change are written at commit in domain order, so
# neither waits for the other's rows while holding its own (no deadlock), and both
# counts come out right
for pair in "x y" "y x"; do
	set -- $pair
	{
		for i in $(seq 1 2500); do echo "mailbox add $1$i@$1.test 'password-hash=$hash'"; done
		for i in $(seq 1 2500); do echo "mailbox add $1$i@$2.test 'password-hash=$hash'"; done
	} >"$TEST_TMP/cross-$1.vm"
done

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_slices) || { fail "$e: new_db"; continue; }
	check_rc "$e: db init" 0 "$VMAILADM" -q -d "$url" db init
	check_rc "$e: a duplicate in the third slice" 1 "$VMAILADM" -q -d "$url" -f "$TEST_TMP/dup.vm"
	check_contains "$e: its line and reason" "$ERR" "dup.vm:4201: mailbox add: mailbox u10@slices.test already exists"
	check_eq "$e: nothing kept" "$(sql "$e" "$url" "SELECT count(*) FROM admin_mailbox"),$(sql "$e" "$url" "SELECT count(*) FROM admin_domain")" "0,0"
	check_rc "$e: 2300 plain passwords" 0 "$VMAILADM" -q -d "$url" -f "$TEST_TMP/plain.vm"
	check_eq "$e: all there" "$(sql "$e" "$url" "SELECT count(*) FROM admin_user WHERE password LIKE '{SHA512-CRYPT}\$6\$%'")" 2300
	check_eq "$e: hashes match their passwords (first, last slice)" \
		"$(sql "$e" "$url" "SELECT username, password FROM admin_user WHERE username IN ('p1@plain.test', 'p2001@plain.test', 'p2300@plain.test') ORDER BY username" |
			python3 -c 'import crypt, sys
ok = 0
for line in sys.stdin:
    u, h = line.rstrip("\n").split("|", 1)
    n = u.split("@")[0][1:]
    c = h.split("}", 1)[1]
    ok += crypt.crypt("pw-" + n, c) == c
print(ok)' 2>/dev/null)" 3
	"$VMAILADM" -q -d "$url" -f - >/dev/null <<-'EOF'
	domain add x.test
	domain add y.test
	mailbox add seed@x.test password=seed
	mailbox add seed@y.test password=seed
	quota rollup
	EOF
	"$VMAILADM" -q -d "$url" -f "$TEST_TMP/cross-x.vm" >"$TEST_TMP/cross-x.out" 2>&1 &
	px=$!
	"$VMAILADM" -q -d "$url" -f "$TEST_TMP/cross-y.vm" >"$TEST_TMP/cross-y.out" 2>&1
	ry=$?
	wait $px
	rx=$?
	if [ "$rx $ry" = "0 0" ]; then
		pass "$e: two crossing scripts both commit"
	else
		fail "$e: two crossing scripts both commit" "exit: $rx $ry" "$(cat "$TEST_TMP/cross-x.out" "$TEST_TMP/cross-y.out")"
	fi
	check_eq "$e: their counts in the rollup" \
		"$(sql "$e" "$url" "SELECT d.name, u.mailboxes FROM vmailadm_domain_usage u JOIN admin_domain d ON d.id = u.domain_id WHERE d.name IN ('x.test', 'y.test') ORDER BY d.name")" \
		"x.test|5001
y.test|5001"
done
test_done
