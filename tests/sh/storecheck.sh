#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# storecheck.sh: `store check` on real trees under a temporary mail root, every engine:
# no finding on a fresh or a clean installation (new, disabled and renamed-in-flight
# mailboxes, a domain rename in flight), then every kind of finding with its repair,
# hostile directory names printed escaped and never put into a repair, --json, exit
# status 5, --read-only, a domain administrator's view, nothing changed (rows and tree
# snapshotted before and after), the summary kept for the monitor, and the repairs
# (ops queue delete through the runner, quota forget).
. "$(dirname "$0")/../lib.sh"

ME=$(id -un)
TABLES="admin_domain admin_domainalias admin_user admin_mailbox admin_alias admin_alias_mboxes admin_alias_aliases admin_quota admin_mailboxoperation admin_objectaccess vmailadm_audit"

# maildir DIR [N]: a maildir with N (default 1) small messages
maildir() {
	local i
	mkdir -p "$1/Maildir/cur" "$1/Maildir/new" "$1/Maildir/tmp"
	for i in $(seq 1 "${2:-1}"); do echo "Subject: hi $i" >"$1/Maildir/cur/$i:2,S"; done
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_store) || { fail "$e: new_db"; continue; }
	base=$TEST_TMP/$e
	root=$base/mail
	rm -rf "$base"
	mkdir -p "$base"
	conf=$base/vmailadm.conf
	printf '[mail]\nroot = %s\nowner = %s\nstuck_after = 10\n' "$root" "$ME" >"$conf"
	V() { "$VMAILADM" -c "$conf" -d "$url" "$@"; }
	D() { VMAILADM_PASSWORD=dapw1 "$VMAILADM" -c "$conf" -d "$url" --user da1 "$@"; }
	snapshot() {
		local t
		for t in $TABLES; do echo "== $t"; sql "$e" "$url" "SELECT * FROM $t ORDER BY 1"; done
		(cd "$base" && find . -printf '%p %y %m %s\n' | LC_ALL=C sort)
	}

	check_rc "$e: db init" 0 V db init
	# ---- a database from before store check: db check names the tables, db upgrade adds them
	if [ "$e" = pgsql ]; then
		sql "$e" "$url" "DROP TRIGGER vmailadm_op_queued ON admin_mailboxoperation; DROP TABLE vmailadm_op_queued; DROP TABLE vmailadm_store_check" >/dev/null
	else
		sql "$e" "$url" "DROP TRIGGER vmailadm_op_queued_ins; DROP TRIGGER vmailadm_op_queued_del; DROP TABLE vmailadm_op_queued; DROP TABLE vmailadm_store_check" >/dev/null
	fi
	check_rc "$e: db check on the older database" 0 V db check
	check_contains "$e: db check names vmailadm_op_queued" "$OUT$ERR" "vmailadm_op_queued"
	check_contains "$e: db check names vmailadm_store_check" "$OUT$ERR" "vmailadm_store_check"
	check_rc "$e: store check without the tables" 0 V store check
	check_contains "$e: says the operations are not timed" "$ERR" "operations are not timed: run vmailadm db upgrade"
	check_rc "$e: db upgrade" 0 V db upgrade
	check_contains "$e: db upgrade adds the tables" "$OUT" "added table vmailadm_op_queued"
	check_rc "$e: db check after the upgrade" 0 V db check
	case $OUT$ERR in *vmailadm_op_queued*|*vmailadm_store_check*) fail "$e: db check is content" "$OUT$ERR" ;; *) pass "$e: db check is content" ;; esac
	# ---- fresh: no root yet, nothing in the database
	check_rc "$e: fresh install, no mail root yet: clean" 0 V store check
	check_eq "$e: fresh install prints nothing" "$OUT" ""
	V -q domain add a.test && V -q domain add b.test && V -q domain add c.test &&
		V -q mailbox add x@a.test password=p && V -q mailbox add y@a.test password=p &&
		V -q mailbox add new@a.test password=p && V -q mailbox add z@b.test password=p &&
		V -q mailbox add k@c.test password=p && V -q alias add al@a.test x@a.test &&
		V -q mailbox set y@a.test enabled=no &&
		V -q admin add da1 password=dapw1 role=domainadmin domains=a.test || fail "$e: setup"
	mkdir -p "$root"
	chmod 755 "$root"
	maildir "$root/a.test/x" 3
	maildir "$root/a.test/y"
	maildir "$root/b.test/z"
	maildir "$root/c.test/k"
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 40, messages = 3 WHERE username = 'x@a.test'"
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 20, messages = 1 WHERE username IN ('y@a.test', 'z@b.test', 'k@c.test')"
	check_rc "$e: clean installation (new and disabled mailboxes)" 0 V store check
	check_eq "$e: clean prints nothing" "$OUT" ""
	check_contains "$e: clean summary" "$ERR" "store check: 0 finding(s); 4 home(s) on disk, 5 mailbox(es) checked"
	check_rc "$e: clean with usage" 0 V store check usage
	# renames in flight: the homes have not moved yet
	V -q mailbox rename z@b.test z2@b.test && V -q domain rename c.test d.test || fail "$e: renames"
	check_rc "$e: renames pending: no false positive" 0 V store check usage
	check_eq "$e: renames pending prints nothing" "$OUT" ""
	check_rc "$e: ops run" 0 V ops run
	check_rc "$e: renames done: clean" 0 V store check
	[ -d "$root/b.test/z2" ] && [ -d "$root/d.test/k" ] && pass "$e: the homes moved" || fail "$e: the homes moved"

	# ---- every kind
	mkdir -p "$root/a.test/ghost" "$root/orphan.test/h1" "$root/a.test/old"
	V -q mailbox add m@a.test password=p && V -q mailbox add w@a.test password=p &&
		V -q mailbox add s@a.test password=p && V -q mailbox add o@a.test password=p || fail "$e: more mailboxes"
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 100, messages = 2 WHERE username = 'm@a.test'"
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 50000000, messages = 900 WHERE username = 'x@a.test'"
	sql "$e" "$url" "INSERT INTO admin_quota (username, bytes, messages) VALUES ('nobody@a.test', 7, 1)"
	sql "$e" "$url" "INSERT INTO admin_mailboxoperation (mailbox_id, type, argument) VALUES (NULL, 'delete', '$root/a.test/old')"
	sql "$e" "$url" "UPDATE vmailadm_op_queued SET queued_at = '2000-01-01 00:00:00'"
	wid=$(sql "$e" "$url" "SELECT id FROM admin_mailbox WHERE address = 'w'")
	maildir "$root/a.test/w"
	maildir "$root/a.test/wold"
	sql "$e" "$url" "INSERT INTO admin_mailboxoperation (mailbox_id, type, argument) VALUES ($wid, 'rename', '$root/a.test/wold')"
	old_id=$(sql "$e" "$url" "SELECT id FROM admin_mailboxoperation WHERE type = 'delete'")
	ren_id=$(sql "$e" "$url" "SELECT id FROM admin_mailboxoperation WHERE type = 'rename'")
	V -q domainalias add a.net a.test || fail "$e: domain alias"
	sql "$e" "$url" "UPDATE admin_alias SET extmboxes = 'nosuch@a.test,someone@elsewhere.example,x@a.net,nope@a.net' WHERE address = 'al'"
	V -q alias add al2@a.test y@a.test && V -q alias add l1@a.test x@a.test && V -q alias add l2@a.test l1@a.test &&
		V -q alias set l1@a.test recipients=l2@a.test || fail "$e: aliases"
	V -q alias add bb@b.test z2@b.test && sql "$e" "$url" "UPDATE admin_alias SET extmboxes = 'ghost@b.test' WHERE address = 'bb'"
	chmod 777 "$root/a.test/x"
	maildir "$root/a.test/o"
	[ "$(id -u)" = 0 ] && chown -R nobody "$root/a.test/o"
	ln -s /etc "$root/a.test/s"
	ln -s /tmp "$root/a.test/lnk"
	mkdir -p "$root/a.test/$(printf 'new\nline')" "$root/a.test/$(printf 'bad\377')" "$root/a.test/..x" \
		"$root/a.test/$(printf 'L%.0s' $(seq 1 250))"
	before=$(snapshot)

	check_rc "$e: findings: exit status 5" 5 V store check
	F=$OUT
	has() { # has WHAT LINE-PREFIX...: a line of $F starts with the given fields
		local want
		want=$(IFS=$'\t'; echo "${*:2}")
		[ $# -lt 5 ] && want+=$'\t'
		case $'\n'"$F" in *$'\n'"$want"*) pass "$e: $1" ;; *) fail "$e: $1" "wanted a line starting: ${want//$'\t'/<TAB>}" "$F" ;; esac
	}
	has "orphan-home with its repair" orphan-home "$root/a.test/ghost" "no mailbox owns it and no pending operation names it" "ops queue delete $root/a.test/ghost"
	has "orphan domain directory: its home" orphan-home "$root/orphan.test/h1"
	has "orphan domain directory itself" orphan-home "$root/orphan.test"
	has "missing-home" missing-home m@a.test "admin_quota records 100 bytes, 2 messages but $root/a.test/m does not exist" "quota recalc m@a.test"
	has "orphan-quota" orphan-quota nobody@a.test
	check_contains "$e: orphan-quota repair" "$F" $'\tquota forget nobody@a.test'
	has "stuck-operation: too old" stuck-operation "operation $old_id"
	check_contains "$e: stuck repair is ops run" "$F" $'[mail] owner\'s crontab? its log says why a run kept it\tops run'
	has "stuck-operation: both exist" stuck-operation "operation $ren_id" "rename $root/a.test/wold -> $root/a.test/w: both exist, and the runner never overwrites a home; merge them by hand, remove the source, then ops run" "-"
	has "dangling-alias: not a mailbox nor an alias" dangling-alias al@a.test "recipient nosuch@a.test is on a local domain but is neither a mailbox nor an alias" "alias set al@a.test recipients=x@a.test,someone@elsewhere.example,x@a.net,nope@a.net"
	has "dangling-alias through a domain alias" dangling-alias al@a.test "recipient nope@a.net is on a local domain but is neither a mailbox nor an alias"
	case $F in *"recipient x@a.net"*) fail "$e: a mailbox through a domain alias is no finding" ;; *) pass "$e: a mailbox through a domain alias is no finding" ;; esac
	has "dangling-alias: disabled mailbox" dangling-alias al2@a.test "recipient y@a.test is a disabled mailbox" "alias del al2@a.test"
	has "alias-loop" alias-loop l1@a.test
	check_contains "$e: alias-loop names both" "$F" "(l1@a.test, l2@a.test)"
	has "wrong-owner: world writable" wrong-owner x@a.test "$root/a.test/x is group or world writable (mode 0777)" "chmod go-w $root/a.test/x"
	if [ "$(id -u)" = 0 ]; then
		has "wrong-owner: another owner" wrong-owner o@a.test
		check_contains "$e: wrong-owner chown repair" "$F" "chown -R $ME: $root/a.test/o && chmod go-w $root/a.test/o"
	fi
	has "symlink-home: a mailbox's" symlink-home s@a.test "the home $root/a.test/s is a symbolic link (never followed)" "-"
	has "symlink-home: unowned" symlink-home "$root/a.test/lnk"
	case $F in *usage-drift*) fail "$e: no usage-drift without usage" ;; *) pass "$e: no usage-drift without usage" ;; esac
	case $F in *"$root/a.test/old"$'\t'*|*"orphan-home	$root/a.test/wold"*) fail "$e: homes a pending operation names are no orphans" "$F" ;; *) pass "$e: homes a pending operation names are no orphans" ;; esac
	case $F in *y@a.test$'\t'*wrong*|*missing-home$'\t'new@a.test*) fail "$e: disabled and new mailboxes are no findings" ;; *) pass "$e: disabled and new mailboxes are no findings" ;; esac
	# hostile names: escaped, one line each, never in a repair
	check_contains "$e: newline escaped" "$F" "orphan-home	$root/a.test/new\\x0aline	"
	check_contains "$e: invalid UTF-8 escaped" "$F" "orphan-home	$root/a.test/bad\\xff	"
	check_contains "$e: dot name reported, no repair" "$F" "orphan-home	$root/a.test/..x	no mailbox owns it and its name is not a mailbox's (unprintable, or starting with '.'): look at it by hand	-"
	check_contains "$e: long name" "$F" "$root/a.test/$(printf 'L%.0s' $(seq 1 250))	"
	nl=$(printf '%s\n' "$F" | wc -l)
	nf=$(printf '%s\n' "$F" | awk -F'\t' 'NF == 4' | wc -l)
	check_eq "$e: every line is one finding of 4 fields" "$nf" "$nl"
	check_eq "$e: hostile names get no repair" "$(printf '%s\n' "$F" | grep -c -e 'x0aline.*ops queue' -e 'xff.*ops queue' -e '\.\.x.*ops queue')" 0
	check_contains "$e: summary line" "$ERR" "store check: $nl finding(s)"
	# b.test's dangling alias is there for the superadministrator
	has "dangling-alias in b.test" dangling-alias bb@b.test

	check_rc "$e: usage: exit status 5" 5 V store check usage
	U=$OUT
	check_contains "$e: usage-drift" "$U" "usage-drift	x@a.test	admin_quota records 50000000 bytes, 900 messages; the maildir holds "
	check_contains "$e: usage-drift repair" "$U" "	quota recalc x@a.test"
	check_rc "$e: --json" 5 V --json store check
	check_eq "$e: json parses, one object a finding" \
		"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), sorted(d[0].keys()))')" \
		"$nl ['detail', 'kind', 'object', 'repair']"
	check_contains "$e: json null-free repair '-'" "$OUT" '"repair":"-"'
	check_rc "$e: scope a domain" 5 V store check b.test
	check_eq "$e: only b.test" "$(printf '%s\n' "$OUT" | grep -vc -e 'b.test')" 0
	check_rc "$e: scope an address" 5 V store check m@a.test
	check_eq "$e: only m@a.test" "$OUT" "$(printf 'missing-home\tm@a.test\tadmin_quota records 100 bytes, 2 messages but %s/a.test/m does not exist\tquota recalc m@a.test' "$root")"
	check_rc "$e: scope a clean address (a disabled mailbox)" 0 V store check y@a.test
	check_rc "$e: scope a domain of no domain row (its directory)" 5 V store check orphan.test
	check_contains "$e: its directory" "$OUT" "orphan-home	$root/orphan.test	"
	check_rc "$e: scope unknown" 1 V store check nowhere.test
	check_contains "$e: unknown message" "$ERR" "domain nowhere.test does not exist"
	check_rc "$e: bad scope" 1 V store check 'a b'
	check_rc "$e: --read-only" 5 V --read-only store check
	# (the age of the stuck operation may tick over a minute between the two runs)
	nomin() { sed 's/pending for [0-9]* minutes/pending for N minutes/'; }
	check_eq "$e: --read-only same findings" "$(printf '%s' "$OUT" | nomin)" "$(printf '%s' "$F" | nomin)"
	# a domain administrator: a.test only, and no directory outside his domains
	check_rc "$e: domain admin" 5 D store check
	check_eq "$e: domain admin sees a.test only" "$(printf '%s\n' "$OUT" | grep -c -e b.test -e orphan.test -e d.test)" 0
	check_contains "$e: domain admin sees his findings" "$OUT" "orphan-home	$root/a.test/ghost	"
	check_contains "$e: domain admin sees his orphan quota" "$OUT" "orphan-quota	nobody@a.test"
	check_rc "$e: domain admin: another domain refused" 1 D store check b.test
	check_contains "$e: refusal message" "$ERR" "may not manage domain b.test"
	check_rc "$e: domain admin: ops queue refused" 1 D ops queue delete "$root/a.test/ghost"

	after=$(snapshot)
	if [ "$before" = "$after" ]; then pass "$e: nothing changed (rows and tree)"; else fail "$e: nothing changed (rows and tree)" "$(diff <(echo "$before") <(echo "$after") | head -20)"; fi

	# ---- the summary of the last whole-store check
	check_eq "$e: summary kept" "$(sql "$e" "$url" "SELECT scope, with_usage, findings FROM vmailadm_store_check")" "|0|$nl"
	check_contains "$e: summary kinds" "$(sql "$e" "$url" "SELECT kinds FROM vmailadm_store_check")" "orphan-home="
	check_rc "$e: monitor --once" 0 V --monitor --once
	check_contains "$e: monitor shows the last check" "$OUT" "store check: $nl finding(s) at "

	# ---- repairs
	check_rc "$e: ops queue delete an orphan" 0 V ops queue delete "$root/a.test/ghost"
	check_rc "$e: queued twice refused" 1 V ops queue delete "$root/a.test/ghost"
	check_rc "$e: a mailbox's home refused" 1 V ops queue delete "$root/a.test/x"
	check_contains "$e: home message" "$ERR" "is the home of mailbox x@a.test: use mailbox del"
	check_rc "$e: outside the root refused" 1 V ops queue delete /etc/passwd
	check_rc "$e: '..' refused" 1 V ops queue delete "$root/a.test/../../etc"
	check_rc "$e: the root refused" 1 V ops queue delete "$root"
	check_rc "$e: not a home refused" 1 V ops queue delete "$root/a.test"
	check_rc "$e: ops queue other verb refused" 2 V ops queue rename "$root/a.test/ghost"
	sql "$e" "$url" "DELETE FROM admin_mailboxoperation WHERE id IN ($old_id, $ren_id)"
	rm -rf "$root/a.test/old" "$root/a.test/wold"
	V ops run 2>/dev/null
	arch=$(ls -d "$root"/.deleted/ghost@a.test-* 2>/dev/null)
	[ -n "$arch" ] && [ ! -e "$root/a.test/ghost" ] && pass "$e: the runner archived it" || fail "$e: the runner archived it"
	check_rc "$e: quota forget" 0 V quota forget nobody@a.test
	check_eq "$e: quota row gone" "$(sql "$e" "$url" "SELECT count(*) FROM admin_quota WHERE username = 'nobody@a.test'")" 0
	check_rc "$e: quota forget of a mailbox's row refused" 1 V quota forget x@a.test
	check_rc "$e: after the repairs" 5 V store check
	case $OUT in *a.test/ghost*|*nobody@a.test*|*stuck-operation*) fail "$e: repaired findings are gone" "$OUT" ;; *) pass "$e: repaired findings are gone" ;; esac
	check_rc "$e: ops queue in --read-only refused" 1 V --read-only ops queue delete "$root/a.test/new"
	chmod -R u+w "$root" 2>/dev/null
done
test_done
