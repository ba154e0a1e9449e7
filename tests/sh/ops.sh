#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ops.sh: mailbox and domain renames in the database, and the operations runner on real
# directory trees under a temporary mail root: rename, archive, remove, hostile queue rows,
# permission failures kept and retried, two runners at once, a runner killed mid-way.
# Every engine; rows checked with the engine's own client.
. "$(dirname "$0")/../lib.sh"

b() { echo "CASE WHEN $1 THEN 1 ELSE 0 END"; }
ME=$(id -un)

# wait_for FILE TEXT: waits up to 20 s until FILE contains TEXT
wait_for() {
	local i
	for i in $(seq 1 200); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# write_conf FILE ROOT OWNER [DELETE]
write_conf() {
	printf '[mail]\nroot = %s\nowner = %s\ndelete = %s\n' "$2" "$3" "${4:-archive}" >"$1"
}

# q MAPDIR ENGINE KEY: what Postfix answers from the generated sql-maintain.cf (as postfix,
# empty environment); a lookup error is printed, so the caller's check fails on it
HAVE_POSTMAP=0
if [ "$(id -u)" = 0 ] && getent passwd postfix >/dev/null && command -v postmap >/dev/null; then
	HAVE_POSTMAP=1
	PFCONF=$TEST_TMP/postfix-conf
	mkdir -p "$PFCONF" && chmod 755 "$PFCONF" && printf 'compatibility_level = 3.6\n' >"$PFCONF/main.cf"
fi
q() {
	local out rc ef
	ef=$(mktemp)
	out=$(runuser -u postfix -- env -i /usr/sbin/postmap -c "$PFCONF" -q "$3" "$2:$1/sql-maintain.cf" 2>"$ef")
	rc=$?
	[ -s "$ef" ] || { [ "$rc" != 0 ] && [ "$rc" != 1 ]; } && out="LOOKUP ERROR ($rc): $(cat "$ef")"
	rm -f "$ef"
	printf '%s' "$out"
}

# maildir DIR: a small maildir with one message
maildir() {
	mkdir -p "$1/Maildir/cur" "$1/Maildir/new" "$1/Maildir/tmp" && echo "Subject: hi" >"$1/Maildir/cur/1:2,S"
}

for e in $VMAILADM_ENGINES; do
	base=$TEST_TMP/$e
	if [ "$e" = sqlite ]; then
		# in a directory Postfix and nobody can write to: SQLite readers of a WAL
		# database make its -shm file, and the runner runs as nobody below
		mkdir -p "$TEST_TMP/sqlite-ops" && chmod 1777 "$TEST_TMP/sqlite-ops"
		url=sqlite:$TEST_TMP/sqlite-ops/t_ops.db
		rm -f "$TEST_TMP/sqlite-ops/t_ops.db"*
	else
		url=$(new_db "$e" t_ops) || { fail "$e: new_db"; continue; }
	fi
	root=$base/mail
	rm -rf "$base"
	mkdir -p "$root" "$base/outside"
	echo precious >"$base/outside/keep"
	conf=$base/vmailadm.conf
	write_conf "$conf" "$root" "$ME"
	V() { "$VMAILADM" -c "$conf" -d "$url" "$@"; }
	nops() { sql "$e" "$url" "SELECT count(*) FROM admin_mailboxoperation"; }

	check_rc "$e: db init" 0 V db init
	[ "$e" = sqlite ] && chmod 666 "${url#sqlite:}" # its -wal and -shm files get the same mode
	V domain add a.test >/dev/null && V domain add b.test quota=100M >/dev/null &&
		V mailbox add x@a.test password=p >/dev/null && V mailbox add y@a.test password=p quota=200M >/dev/null &&
		V mailbox add z@b.test password=p >/dev/null && V alias add al@a.test x@a.test >/dev/null &&
		V alias add fw@b.test z@b.test >/dev/null || fail "$e: setup"
	# external recipients naming the address (a Modoboa database may hold them), and usage
	sql "$e" "$url" "UPDATE admin_alias SET extmboxes = 'x@a.test,X@A.test,x@a.testing' WHERE address = 'fw'"
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 1234, messages = 5 WHERE username = 'x@a.test'"
	xid=$(sql "$e" "$url" "SELECT id FROM admin_mailbox WHERE address = 'x'")
	maildir "$root/a.test/x"
	maildir "$root/a.test/y"

	# ---- mailbox rename: rows
	check_rc "$e: mailbox rename into another domain" 0 V mailbox rename x@a.test X2@b.test
	check_contains "$e: rename diff" "$OUT" "address: x@a.test -> x2@b.test"
	check_eq "$e: mailbox row moved (quota follows the new domain)" \
		"$(sql "$e" "$url" "SELECT mb.id, mb.address, d.name, mb.quota FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id WHERE mb.id = $xid")" \
		"$xid|x2|b.test|100"
	check_eq "$e: account renamed" "$(sql "$e" "$url" "SELECT u.username, u.email FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id WHERE mb.id = $xid")" \
		"x2@b.test|x2@b.test"
	check_eq "$e: quota row moved with its usage" "$(sql "$e" "$url" "SELECT username, bytes, messages, mbox_id FROM admin_quota WHERE mbox_id = $xid")" \
		"x2@b.test|1234|5|$xid"
	check_eq "$e: no quota row left under the old name" "$(sql "$e" "$url" "SELECT count(*) FROM admin_quota WHERE username = 'x@a.test'")" 0
	check_eq "$e: rename queued with the old home" "$(sql "$e" "$url" "SELECT mailbox_id, type, argument FROM admin_mailboxoperation")" \
		"$xid|rename|$root/a.test/x"
	check_eq "$e: alias recipient follows (an id)" "$(sql "$e" "$url" "SELECT count(*) FROM admin_alias_mboxes WHERE mailbox_id = $xid")" 1
	check_eq "$e: external references rewritten, others kept" "$(sql "$e" "$url" "SELECT extmboxes FROM admin_alias WHERE address = 'fw'")" \
		"x2@b.test,x2@b.test,x@a.testing"
	check_rc "$e: ops list" 0 V ops list
	check_eq "$e: ops list row" "$OUT" "$(printf '%s\trename\tx2@b.test\t%s' "$(sql "$e" "$url" "SELECT id FROM admin_mailboxoperation")" "$root/a.test/x")"
	check_rc "$e: ops list json" 0 V --json ops list
	check_contains "$e: ops list json row" "$OUT" "\"type\":\"rename\",\"mailbox\":\"x2@b.test\",\"argument\":\"$root/a.test/x\"}"

	if [ "$HAVE_POSTMAP" = 1 ]; then
		M=$base/maps
		mkdir -p "$M" && chmod 755 "$M"
		check_rc "$e: maps generate" 0 V -q maps generate "$M"
		check_eq "$e: postmap: 450 while the rename is pending" "$(q "$M" "$e" x2@b.test)" \
			"450 Requested mail action not taken: mailbox unavailable"
		check_eq "$e: postmap: the old address is not held" "$(q "$M" "$e" x@a.test)" ""
	fi

	# ---- refused renames change nothing
	check_rc "$e: own quota over the new domain's cap" 1 V mailbox rename y@a.test y@b.test
	check_contains "$e: cap message" "$ERR" "quota 200M is over the cap of domain b.test (100M)"
	check_rc "$e: onto an existing mailbox" 1 V mailbox rename y@a.test z@b.test
	check_contains "$e: exists message" "$ERR" "mailbox z@b.test already exists"
	check_rc "$e: into a missing domain" 1 V mailbox rename y@a.test y@nowhere.test
	check_contains "$e: missing domain message" "$ERR" "domain nowhere.test does not exist"
	check_rc "$e: bad new address" 1 V mailbox rename y@a.test 'y y@a.test'
	check_eq "$e: refused renames queued nothing" "$(nops)|$(sql "$e" "$url" "SELECT count(*) FROM admin_user WHERE username = 'y@a.test'")" "1|1"

	# ---- the runner: rename
	check_rc "$e: ops run --dry-run" 0 V --dry-run ops run
	check_contains "$e: dry run says what it would do" "$ERR" "would rename $root/a.test/x -> $root/b.test/x2"
	[ -d "$root/a.test/x" ] && [ "$(nops)" = 1 ] && pass "$e: dry run moved nothing" || fail "$e: dry run moved nothing"
	check_rc "$e: ops run" 0 V ops run
	check_contains "$e: rename logged" "$ERR" "vmailadm ops: Rename $root/a.test/x -> $root/b.test/x2"
	check_eq "$e: maildir moved" "$(cat "$root/b.test/x2/Maildir/cur/1:2,S" 2>&1)|$([ -e "$root/a.test/x" ] && echo old-left)" "Subject: hi|"
	check_eq "$e: row removed" "$(nops)" 0
	check_rc "$e: empty queue" 0 V ops run
	[ "$HAVE_POSTMAP" = 1 ] && check_eq "$e: postmap: nothing once the move is done" "$(q "$M" "$e" x2@b.test)" ""

	# ---- delete = archive, keep-files, delete = remove
	check_rc "$e: mailbox del" 0 V mailbox del y@a.test
	check_rc "$e: ops run archives" 0 V ops run
	arch=$(ls -d "$root"/.deleted/y@a.test-* 2>/dev/null)
	check_eq "$e: archived with its mail" "$(cat "$arch/Maildir/cur/1:2,S" 2>&1)|$([ -e "$root/a.test/y" ] && echo left)" "Subject: hi|"
	check_contains "$e: delete logged" "$ERR" "Delete $root/a.test/y (archived as $root/.deleted/y@a.test-"
	V mailbox add k@a.test password=p >/dev/null
	maildir "$root/a.test/k"
	check_rc "$e: mailbox del keep-files" 0 V mailbox del k@a.test keep-files
	check_eq "$e: keep-files queues nothing" "$(nops)" 0
	V mailbox add w@a.test password=p >/dev/null && V mailbox del w@a.test >/dev/null
	maildir "$root/a.test/w"
	printf '[mail]\nroot = %s\nowner = %s\narchive = %s\n' "$root" "$ME" "$base/outside" >"$base/outarch.conf"
	check_rc "$e: an archive outside the mail root" 1 "$VMAILADM" -c "$base/outarch.conf" -d "$url" ops run
	check_contains "$e: archive refusal" "$ERR" "[mail] archive $base/outside is not a directory below the mail root"
	check_eq "$e: nothing moved out of the root" "$(ls "$base/outside" | tr '\n' ' ')|$(nops)|$([ -d "$root/a.test/w/Maildir" ] && echo w)" "keep |1|w"
	write_conf "$base/remove.conf" "$root" "$ME" remove
	check_rc "$e: ops run with delete = remove" 0 "$VMAILADM" -c "$base/remove.conf" -d "$url" ops run
	check_eq "$e: removed, not archived" "$(ls -A "$root/a.test" | tr '\n' ' ')|$(ls "$root/.deleted" | grep -c w@a.test)|$(ls -A "$root/.vmailadm-trash")" "k |0|"
	check_contains "$e: remove logged" "$ERR" "Delete $root/a.test/w (removed)"

	# ---- domain rename
	V domainalias add alias.test b.test >/dev/null || fail "$e: domainalias add"
	sql "$e" "$url" "UPDATE admin_alias SET extmboxes = 'z@b.test,keep@b.testing' WHERE address = 'al'"
	maildir "$root/b.test/z"
	check_rc "$e: domain rename --dry-run" 0 V --dry-run domain rename b.test c.test
	check_contains "$e: preview mailbox" "$OUT" "address: x2@b.test -> x2@c.test"
	check_contains "$e: preview mailbox 2" "$OUT" "address: z@b.test -> z@c.test"
	check_contains "$e: preview alias" "$OUT" "address: fw@b.test -> fw@c.test"
	check_eq "$e: dry run changed nothing" "$(sql "$e" "$url" "SELECT name FROM admin_domain ORDER BY name" | tr '\n' ' ')$(nops)" "a.test b.test 0"
	check_rc "$e: domain rename to an existing domain" 1 V domain rename b.test a.test
	check_rc "$e: domain rename to a domain alias" 1 V domain rename b.test alias.test
	check_contains "$e: domain alias message" "$ERR" "alias.test is a domain alias"
	check_rc "$e: domain rename" 0 V domain rename b.test C.test
	check_eq "$e: accounts renamed" "$(sql "$e" "$url" "SELECT username, email FROM admin_user WHERE username LIKE '%c.test' ORDER BY username" | tr '\n' ' ')" \
		"x2@c.test|x2@c.test z@c.test|z@c.test "
	check_eq "$e: quota rows renamed" "$(sql "$e" "$url" "SELECT username, bytes FROM admin_quota WHERE username LIKE '%.test' ORDER BY username" | tr '\n' ' ')" \
		"x2@c.test|1234 z@c.test|0 "
	check_eq "$e: one rename per mailbox" "$(sql "$e" "$url" "SELECT argument FROM admin_mailboxoperation WHERE type = 'rename' ORDER BY argument" | tr '\n' ' ')" \
		"$root/b.test/x2 $root/b.test/z "
	check_eq "$e: domain alias still points at it" "$(sql "$e" "$url" "SELECT d.name FROM admin_domainalias da JOIN admin_domain d ON d.id = da.target_id")" "c.test"
	check_eq "$e: references elsewhere rewritten" "$(sql "$e" "$url" "SELECT extmboxes FROM admin_alias WHERE address = 'al'")" "z@c.test,keep@b.testing"
	check_eq "$e: own aliases follow" "$(sql "$e" "$url" "SELECT d.name FROM admin_alias al JOIN admin_domain d ON d.id = al.domain_id WHERE al.address = 'fw'")" "c.test"
	check_rc "$e: ops run after domain rename" 0 V ops run
	check_eq "$e: homes moved" "$(ls "$root/c.test" | tr '\n' ' ')|$(ls -A "$root/b.test" | tr '\n' ' ')" "x2 z |"

	# ---- a rename onto an existing home is refused, the row kept, nothing touched
	V mailbox rename z@c.test q@c.test >/dev/null
	maildir "$root/c.test/q"
	check_rc "$e: onto an existing home" 1 V ops run
	check_contains "$e: onto an existing home message" "$ERR" "the destination exists"
	check_eq "$e: both homes kept, row kept" "$([ -d "$root/c.test/z/Maildir" ] && [ -d "$root/c.test/q/Maildir" ] && echo both)|$(nops)" "both|1"
	rm -rf "$root/c.test/q"
	check_rc "$e: retried after the obstacle is gone" 0 V ops run
	check_eq "$e: moved on retry" "$(ls "$root/c.test" | tr '\n' ' ')|$(nops)" "q x2 |0"
	# a delete of a path whose rename failed waits for it: those files are the renamed mailbox's
	V mailbox rename x2@c.test x3@c.test >/dev/null
	mkdir "$root/c.test/x3"
	V mailbox add x2@c.test password=p >/dev/null && V mailbox del x2@c.test >/dev/null
	check_rc "$e: rename blocked, delete of its source" 1 V ops run
	check_contains "$e: the delete waits for the rename" "$ERR" "Delete $root/c.test/x2 waits"
	check_eq "$e: renamed mailbox's files not deleted" "$([ -d "$root/c.test/x2/Maildir" ] && echo kept)|$(nops)" "kept|2"
	rmdir "$root/c.test/x3"
	check_rc "$e: both done once the obstacle is gone" 0 V ops run
	check_eq "$e: files at the new home" "$([ -d "$root/c.test/x3/Maildir" ] && echo x3)|$(ls "$root/c.test" | tr '\n' ' ')|$(nops)" "x3|q x3 |0"

	# ---- hostile rows: refused, kept, nothing outside touched
	ln -s "$base/outside" "$root/evil.test"
	ln -s "$base/outside" "$root/c.test/link"
	mkdir -p "$base/outside/x"
	for arg in "../../etc" "$root" "$root/" "" "/etc" "$root/c.test/../../outside" "$root/evil.test/x" \
		"$root/c.test/link" "$root/c.test" "$root/.deleted/x" "relative/path" "$base/outside/x"; do
		sql "$e" "$url" "INSERT INTO admin_mailboxoperation (mailbox_id, type, argument) VALUES (NULL, 'delete', '$arg')"
	done
	sql "$e" "$url" "INSERT INTO admin_mailboxoperation (mailbox_id, type, argument) VALUES ($xid, 'rename', '/etc')"
	before_etc=$(ls -A /etc | wc -l)
	check_rc "$e: hostile rows refused" 1 V ops run
	check_eq "$e: every hostile row kept" "$(nops)" 13
	check_eq "$e: nothing outside touched" "$(cat "$base/outside/keep")|$([ -d "$base/outside/x" ] && echo x)|$(ls -A /etc | wc -l)|$(ls "$root/c.test" | tr '\n' ' ')" \
		"precious|x|$before_etc|link q x3 "
	check_eq "$e: links left as they were" "$(readlink "$root/evil.test")|$(readlink "$root/c.test/link")" "$base/outside|$base/outside"
	for why in "the path contains '..'" "it is the mail root itself" "the path is empty" "outside the mail root" \
		"not an absolute path" "a symbolic link or a file is on the way" "it is a symbolic link" "not a mailbox home"; do
		check_contains "$e: refusal says: $why" "$ERR" "$why"
	done
	check_rc "$e: nothing is archived from hostile rows" 0 test -z "$(ls "$root/.deleted" | grep -v '^y@a.test-')"
	sql "$e" "$url" "DELETE FROM admin_mailboxoperation"
	rm -f "$root/evil.test" "$root/c.test/link"

	# ---- a runner killed between the move and the row's deletion; two runners at once
	V mailbox rename q@c.test r@c.test >/dev/null
	VMAILADM_OPS_TEST_PAUSE_AFTER=move "$VMAILADM" -c "$conf" -d "$url" ops run 2>"$base/paused.log" &
	pid=$!
	if wait_for "$base/paused.log" "pausing after move"; then
		check_rc "$e: a second runner is refused while one runs" 1 V ops run
		check_contains "$e: second runner message" "$ERR" "another ops run holds $root/.vmailadm-ops.lock"
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		check_eq "$e: killed after the move: new home there, row still queued" \
			"$([ -d "$root/c.test/r/Maildir" ] && echo moved)|$([ -e "$root/c.test/q" ] && echo old)|$(nops)" "moved||1"
		check_rc "$e: the next run completes it" 0 V ops run
		check_contains "$e: completion logged" "$ERR" "source missing, destination present; done"
		check_eq "$e: row gone after completion" "$(nops)" 0
	else
		kill -9 "$pid" 2>/dev/null
		fail "$e: paused runner" "$(cat "$base/paused.log")"
	fi

	# ---- runs as [mail] owner only; permission denied kept and retried
	write_conf "$base/nobody.conf" "$root" nobody
	check_rc "$e: another user is refused" 1 "$VMAILADM" -c "$base/nobody.conf" -d "$url" ops run
	check_contains "$e: owner message" "$ERR" "runs as [mail] owner nobody, not as $ME"
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		nurl=$url
		chmod 755 "$base" "$TEST_TMP"
		NV() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$VMAILADM" -c "$base/nobody.conf" -d "$nurl" "$@"; }
		sql "$e" "$nurl" "DELETE FROM admin_mailboxoperation"
		"$VMAILADM" -c "$base/nobody.conf" -d "$nurl" mailbox rename r@c.test s@c.test >/dev/null
		chown -R nobody "$root"
		chown root "$root/c.test" && chmod 755 "$root/c.test" # nobody cannot take r out of it
		check_rc "$e: permission denied" 1 NV ops run
		check_contains "$e: permission denied logged" "$ERR" "Permission denied (kept)"
		check_eq "$e: failed row kept, files in place" "$(sql "$e" "$nurl" "SELECT count(*) FROM admin_mailboxoperation")|$([ -d "$root/c.test/r/Maildir" ] && echo r)" "1|r"
		chown nobody "$root/c.test"
		check_rc "$e: retried by the next run" 0 NV ops run
		check_eq "$e: moved on retry as nobody" "$([ -d "$root/c.test/s/Maildir" ] && echo s)|$(sql "$e" "$nurl" "SELECT count(*) FROM admin_mailboxoperation")" "s|0"
		check_rc "$e: as-any-user lets root run it" 0 "$VMAILADM" -c "$base/nobody.conf" -d "$nurl" ops run as-any-user
	else
		pass "$e: permission test skipped (needs root and setpriv)"
	fi
done
test_done
