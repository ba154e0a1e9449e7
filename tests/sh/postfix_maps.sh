#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# postfix_maps.sh: `maps generate` asked through real Postfix (postmap -q, as the postfix
# user, empty environment) on every engine: every kind of address gets the right answer,
# including where Modoboa's maps are wrong (catch-all vs. existing mailboxes, disabled
# objects, pending operations) and international domains (by their ASCII form); and
# the files are written safely (0640 root:postfix, unchanged files kept, hand edits
# kept unless forced, bad directories refused, a full or read-only file system leaves
# the previous files intact).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ] || ! getent passwd postfix >/dev/null || ! command -v postmap >/dev/null; then
	echo "skipped: needs root, the postfix user and postmap (apt-get install postfix postfix-pgsql postfix-mysql postfix-sqlite)"
	test_done
fi

# the host the pipe transport and virtual_* settings are written for
HOSTCONF=$TEST_TMP/host.conf
printf '[mail]\nroot = /srv/vmail-t\nowner = nobody\n[dovecot]\nlda = /usr/lib/dovecot/dovecot-lda -c /etc/dovecot/private.conf\n' >"$HOSTCONF"
NOBODY_UID=$(id -u nobody) NOBODY_GID=$(id -g nobody)

PFCONF=$TEST_TMP/postfix-conf
mkdir -p "$PFCONF" && chmod 755 "$PFCONF"
# postmap wants a main.cf; nothing else of Postfix is used
printf 'compatibility_level = 3.6\n' >"$PFCONF/main.cf"

# q MAPDIR TYPE FILE KEY: the answer of one map (empty = not found); a lookup error fails the test
q() {
	local out err rc ef
	ef=$(mktemp)
	out=$(runuser -u postfix -- env -i /usr/sbin/postmap -c "$PFCONF" -q "$4" "$2:$1/$3" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
	rm -f "$ef"
	if [ -n "$err" ] || { [ "$rc" != 0 ] && [ "$rc" != 1 ]; }; then
		# the caller's check fails on this text, whatever answer it wanted
		echo "LOOKUP ERROR (postmap -q $4 $2:$1/$3, status $rc): $err"
		return
	fi
	# several rows come back comma-joined, in any order: sort them
	printf '%s' "$out" | tr ',' '\n' | sed 's/^ *//' | sort | paste -sd, -
}

# db ENGINE NAME: a fresh database. SQLite's: in a directory Postfix can write to, as
# readers of a WAL database must (they create and map its -shm file).
db() {
	if [ "$1" = sqlite ]; then
		local d=$TEST_TMP/sqlite-$2
		rm -rf "$d" && mkdir -p "$d" && chmod 1777 "$d" && printf 'sqlite:%s/%s.db\n' "$d" "$2"
	else
		new_db "$@"
	fi
}

# sqlite_share URL: the database files readable and writable by Postfix and Dovecot
sqlite_share() {
	case $1 in sqlite:*) chmod 666 "${1#sqlite:}"* ;; esac
}

# resolve MAPDIR TYPE KEY: the first answer of virtual_alias_maps, in main.cf's order
resolve() {
	local m a
	for m in sql-aliases.cf sql-domain-aliases-mailboxes.cf sql-email2email.cf sql-catchall-aliases.cf; do
		a=$(q "$1" "$2" "$m" "$3")
		[ -n "$a" ] && { echo "$a"; return; }
	done
}

for e in $VMAILADM_ENGINES; do
	url=$(db "$e" t_postfix_maps) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -q -c "$HOSTCONF" -d "$url" "$@"; }
	type=$e
	[ "$e" = pgsql ] && type=pgsql
	check_rc "$e: db init" 0 V db init
	run V -f - <<'SCRIPT'
domain add ex.test
mailbox add alice@ex.test password=pw-alice
mailbox add bob@ex.test password=pw-bob
mailbox add carol@ex.test password=pw-carol enabled=no
mailbox add dave@ex.test password=pw-dave
alias add sales@ex.test alice@ex.test
alias add fwd@ex.test ext@remote.test
alias add team@ex.test alice@ex.test bob@ex.test
alias add tocarol@ex.test carol@ex.test alice@ex.test
alias add off@ex.test alice@ex.test enabled=no
alias add nested@ex.test sales@ex.test
alias add @ex.test bob@ex.test
domainalias add alias.test ex.test
domainalias add offalias.test ex.test enabled=no
domain add off.test
mailbox add eve@off.test password=pw-eve
alias add @off.test alice@ex.test
alias add list@off.test alice@ex.test
domain set off.test enabled=no
domain add bücher.example
mailbox add anna@bücher.example password=pw-anna
alias add info@xn--bcher-kva.example anna@BÜCHER.example
domainalias add bücher.test bücher.example
SCRIPT
	check_eq "$e: data created" "$RC" 0
	[ "$RC" = 0 ] || fail "$e: data script" "$ERR"
	dave=$(sql "$e" "$url" "SELECT mb.id FROM admin_mailbox mb JOIN admin_domain d ON d.id=mb.domain_id WHERE mb.address='dave' AND d.name='ex.test'")
	sql "$e" "$url" "INSERT INTO admin_mailboxoperation (mailbox_id, type, argument) VALUES ($dave, 'rename', '/var/vmail/ex.test/olddave')" >/dev/null ||
		fail "$e: insert the pending operation"
	sqlite_share "$url"

	M=$TEST_TMP/maps-$e
	rm -rf "$M" && mkdir -p "$M" && chmod 755 "$M"
	check_rc "$e: maps generate" 0 V maps generate "$M"
	check_eq "$e: nothing printed about the password" "$(printf '%s\n%s' "$OUT" "$ERR" | grep -c -i 'password\|pw-')" 0
	for f in sql-domains.cf sql-domain-aliases.cf sql-mailboxes.cf sql-aliases.cf sql-domain-aliases-mailboxes.cf \
		sql-email2email.cf sql-catchall-aliases.cf sql-maintain.cf main.cf.vmailadm; do
		check_eq "$e: $f mode and owner" "$(stat -c '%a %U %G' "$M/$f" 2>&1)" "640 root postfix"
	done
	check_contains "$e: files say who wrote them" "$(head -n 1 "$M/sql-domains.cf")" "Generated by vmailadm"
	check_contains "$e: main.cf snippet" "$(cat "$M/main.cf.vmailadm")" "virtual_alias_maps = $type:$M/sql-aliases.cf"
	check_eq "$e: master.cf.vmailadm mode and owner" "$(stat -c '%a %U %G' "$M/master.cf.vmailadm" 2>&1)" "640 root postfix"
	# what Postfix itself reads from the two pieces, in a config directory of their own
	PC=$TEST_TMP/pc-$e
	rm -rf "$PC" && mkdir -p "$PC"
	cp "$M/main.cf.vmailadm" "$PC/main.cf" && cp "$M/master.cf.vmailadm" "$PC/master.cf"
	run postconf -c "$PC" -n
	check_eq "$e: postconf -n reads main.cf.vmailadm without a warning" "$ERR" ""
	for want in "virtual_transport = dovecot" "dovecot_destination_recipient_limit = 1" \
		"virtual_minimum_uid = $NOBODY_UID" "virtual_uid_maps = static:$NOBODY_UID" \
		"virtual_gid_maps = static:$NOBODY_GID" "virtual_mailbox_base = /srv/vmail-t" \
		"virtual_mailbox_maps = $type:$M/sql-mailboxes.cf" \
		"smtpd_recipient_restrictions = check_recipient_access $type:$M/sql-maintain.cf, permit_mynetworks, reject_unauth_destination"; do
		check_contains "$e: postconf -n: $want" "$OUT" "$want"
	done
	run postconf -c "$PC" -M dovecot/unix
	check_eq "$e: postconf -M: the dovecot pipe" "$(printf '%s\n' "$OUT" | tr -s ' ')" \
		'dovecot unix - n n - - pipe flags=DRhu user=nobody argv=/usr/lib/dovecot/dovecot-lda -c /etc/dovecot/private.conf -f ${sender} -d ${recipient}'
	check_eq "$e: postconf -M: no warning" "$ERR" ""
	sleep 1.1 # a map younger than a second stalls Postfix's lookups

	check_eq "$e: domain" "$(q "$M" "$type" sql-domains.cf ex.test)" ex.test
	# still ours, so that its addresses are refused (no map below answers for them), not relayed
	check_eq "$e: disabled domain" "$(q "$M" "$type" sql-domains.cf off.test)" off.test
	check_eq "$e: unknown domain" "$(q "$M" "$type" sql-domains.cf unknown.test)" ""
	check_eq "$e: an alias domain is no mailbox domain" "$(q "$M" "$type" sql-domains.cf alias.test)" ""
	check_eq "$e: domain alias" "$(q "$M" "$type" sql-domain-aliases.cf alias.test)" ex.test
	check_eq "$e: disabled domain alias (still ours)" "$(q "$M" "$type" sql-domain-aliases.cf offalias.test)" ex.test
	check_eq "$e: mailbox" "$(q "$M" "$type" sql-mailboxes.cf alice@ex.test)" 1
	check_eq "$e: disabled mailbox" "$(q "$M" "$type" sql-mailboxes.cf carol@ex.test)" ""
	check_eq "$e: mailbox of a disabled domain" "$(q "$M" "$type" sql-mailboxes.cf eve@off.test)" ""
	check_eq "$e: unknown mailbox" "$(q "$M" "$type" sql-mailboxes.cf nobody@ex.test)" ""
	check_eq "$e: alias" "$(q "$M" "$type" sql-aliases.cf sales@ex.test)" alice@ex.test
	check_eq "$e: forward" "$(q "$M" "$type" sql-aliases.cf fwd@ex.test)" ext@remote.test
	check_eq "$e: dlist" "$(q "$M" "$type" sql-aliases.cf team@ex.test)" "alice@ex.test,bob@ex.test"
	check_eq "$e: alias to an alias" "$(q "$M" "$type" sql-aliases.cf nested@ex.test)" sales@ex.test
	check_eq "$e: an alias never delivers to a disabled mailbox" "$(q "$M" "$type" sql-aliases.cf tocarol@ex.test)" alice@ex.test
	check_eq "$e: disabled alias" "$(q "$M" "$type" sql-aliases.cf off@ex.test)" ""
	check_eq "$e: alias of a disabled domain" "$(q "$M" "$type" sql-aliases.cf list@off.test)" ""
	check_eq "$e: a mailbox is no alias" "$(q "$M" "$type" sql-aliases.cf alice@ex.test)" ""
	check_eq "$e: domain alias -> mailbox" "$(q "$M" "$type" sql-domain-aliases-mailboxes.cf alice@alias.test)" alice@ex.test
	check_eq "$e: domain alias -> alias" "$(q "$M" "$type" sql-domain-aliases-mailboxes.cf sales@alias.test)" sales@ex.test
	check_eq "$e: domain alias -> disabled mailbox" "$(q "$M" "$type" sql-domain-aliases-mailboxes.cf carol@alias.test)" ""
	check_eq "$e: disabled domain alias -> mailbox" "$(q "$M" "$type" sql-domain-aliases-mailboxes.cf alice@offalias.test)" ""
	check_eq "$e: self map" "$(q "$M" "$type" sql-email2email.cf alice@ex.test)" alice@ex.test
	check_eq "$e: self map, disabled mailbox" "$(q "$M" "$type" sql-email2email.cf carol@ex.test)" ""
	check_eq "$e: self map, disabled domain" "$(q "$M" "$type" sql-email2email.cf eve@off.test)" ""
	check_eq "$e: catch-all" "$(q "$M" "$type" sql-catchall-aliases.cf nobody@ex.test)" bob@ex.test
	check_eq "$e: catch-all skips a mailbox" "$(q "$M" "$type" sql-catchall-aliases.cf alice@ex.test)" ""
	check_eq "$e: catch-all skips a disabled mailbox" "$(q "$M" "$type" sql-catchall-aliases.cf carol@ex.test)" ""
	check_eq "$e: catch-all skips a disabled alias" "$(q "$M" "$type" sql-catchall-aliases.cf off@ex.test)" ""
	check_eq "$e: catch-all of a disabled domain" "$(q "$M" "$type" sql-catchall-aliases.cf nobody@off.test)" ""
	# international names: stored, and so looked up, in the ASCII form
	check_eq "$e: IDN domain" "$(q "$M" "$type" sql-domains.cf xn--bcher-kva.example)" xn--bcher-kva.example
	check_eq "$e: IDN domain, Unicode key: not stored so" "$(q "$M" "$type" sql-domains.cf bücher.example)" ""
	check_eq "$e: IDN mailbox" "$(q "$M" "$type" sql-mailboxes.cf anna@xn--bcher-kva.example)" 1
	check_eq "$e: IDN alias" "$(q "$M" "$type" sql-aliases.cf info@xn--bcher-kva.example)" anna@xn--bcher-kva.example
	check_eq "$e: IDN self map" "$(q "$M" "$type" sql-email2email.cf anna@xn--bcher-kva.example)" anna@xn--bcher-kva.example
	check_eq "$e: IDN domain alias" "$(q "$M" "$type" sql-domain-aliases.cf xn--bcher-kva.test)" xn--bcher-kva.example
	check_eq "$e: IDN domain alias -> mailbox" "$(q "$M" "$type" sql-domain-aliases-mailboxes.cf anna@xn--bcher-kva.test)" \
		anna@xn--bcher-kva.example
	check_eq "$e: pending operation: 450" "$(q "$M" "$type" sql-maintain.cf dave@ex.test)" \
		"450 Requested mail action not taken: mailbox unavailable"
	check_eq "$e: no pending operation" "$(q "$M" "$type" sql-maintain.cf alice@ex.test)" ""
	# what virtual_alias_maps makes of each address, maps in main.cf's order
	check_eq "$e: resolve mailbox (not the catch-all)" "$(resolve "$M" "$type" alice@ex.test)" alice@ex.test
	check_eq "$e: resolve disabled mailbox (rejected, not the catch-all)" "$(resolve "$M" "$type" carol@ex.test)" ""
	check_eq "$e: resolve unknown (catch-all)" "$(resolve "$M" "$type" nobody@ex.test)" bob@ex.test
	check_eq "$e: resolve disabled domain" "$(resolve "$M" "$type" eve@off.test)" ""
	check_eq "$e: resolve unknown domain" "$(resolve "$M" "$type" x@unknown.test)" ""

	# ---- the files themselves
	ino=$(stat -c '%i %Y' "$M/sql-aliases.cf")
	check_rc "$e: again" 0 V maps generate "$M"
	check_eq "$e: an unchanged file is not rewritten" "$(stat -c '%i %Y' "$M/sql-aliases.cf")" "$ino"
	check_contains "$e: reported unchanged" "$OUT" "sql-aliases.cf	unchanged"
	echo "# local tweak" >>"$M/sql-domains.cf"
	before=$(cat "$M/sql-domains.cf")
	check_rc "$e: a hand edit is refused" 1 V maps generate "$M"
	check_contains "$e: the message names the file" "$ERR" "sql-domains.cf edited by hand"
	check_eq "$e: the edit is kept" "$(cat "$M/sql-domains.cf")" "$before"
	check_rc "$e: force" 0 V maps generate "$M" force
	check_eq "$e: forced back" "$(grep -c 'local tweak' "$M/sql-domains.cf")" 0
	check_eq "$e: no temporary files left" "$(ls -A "$M" | grep -c vmailadm-)" 0
done

# ---- bad directories (engine-independent: the first engine's database)
e=${VMAILADM_ENGINES%% *}
url=$(new_db "$e" t_postfix_maps_bad) || fail "new_db"
V() { "$VMAILADM" -q -c "$HOSTCONF" -d "$url" "$@"; }
run V db init
check_rc "missing directory" 1 V maps generate "$TEST_TMP/nonexistent"
check_contains "missing directory: message" "$ERR" "$TEST_TMP/nonexistent: No such file or directory"
: >"$TEST_TMP/afile"
check_rc "a file as directory" 1 V maps generate "$TEST_TMP/afile"
check_contains "a file as directory: message" "$ERR" "is not a directory"
check_rc "too many words" 2 V maps generate "$TEST_TMP" force extra
printf '[mail]\nowner = nobody\n[postfix]\ngroup = no-such-group-vm\nmaps = %s\n' "$TEST_TMP/m-default" >"$TEST_TMP/badgroup.conf"
mkdir -p "$TEST_TMP/m-default"
check_rc "unknown group" 1 "$VMAILADM" -q -c "$TEST_TMP/badgroup.conf" -d "$url" maps generate
check_contains "unknown group: message" "$ERR" "group 'no-such-group-vm'"
printf '[mail]\nowner = no-such-user-vm\n' >"$TEST_TMP/badowner.conf"
check_rc "unknown mail owner" 1 "$VMAILADM" -q -c "$TEST_TMP/badowner.conf" -d "$url" maps generate "$TEST_TMP/m-default"
check_contains "unknown mail owner: message" "$ERR" "[mail] owner 'no-such-user-vm' is not a user of this system"
printf '[mail]\nowner = nobody\n[dovecot]\nlda = /usr/lib/dovecot/deliver -a ${user}\n' >"$TEST_TMP/badlda.conf"
check_rc "an LDA command with a macro" 1 "$VMAILADM" -q -c "$TEST_TMP/badlda.conf" -d "$url" maps generate "$TEST_TMP/m-default"
check_contains "an LDA command with a macro: message" "$ERR" "[dovecot] lda"
check_eq "bad hosts: nothing written" "$(ls -A "$TEST_TMP/m-default")" ""
check_eq "unknown group: nothing written" "$(ls -A "$TEST_TMP/m-default")" ""

MNT=$TEST_TMP/mnt
mkdir -p "$MNT"
if mount -t tmpfs -o size=64k,mode=755 tmpfs "$MNT" 2>/dev/null; then
	at_exit "umount '$MNT' 2>/dev/null"
	url2=$(new_db sqlite t_postfix_maps_other)
	# the maps read vmailadm's own tables (sql-sender-login.cf): a database with them
	"$VMAILADM" -q -c /dev/null -d "$url2" db init >/dev/null
	check_rc "tmpfs: first generation" 0 V maps generate "$MNT"
	snap=$(cd "$MNT" && cat ./*)
	# fill the file system, then generate for another database: every file would change
	dd if=/dev/zero of="$MNT/fill" bs=1k 2>/dev/null
	check_rc "full disk: refused" 1 "$VMAILADM" -q -c "$HOSTCONF" -d "$url2" maps generate "$MNT"
	check_contains "full disk: message" "$ERR" "No space left on device"
	rm -f "$MNT/fill"
	check_eq "full disk: previous files intact" "$(cd "$MNT" && cat ./*)" "$snap"
	check_eq "full disk: no temporary files left" "$(ls -A "$MNT" | grep -c vmailadm-)" 0
	mount -o remount,ro "$MNT"
	check_rc "read-only: refused" 1 "$VMAILADM" -q -c "$HOSTCONF" -d "$url2" maps generate "$MNT"
	check_contains "read-only: message" "$ERR" "not writable"
	check_eq "read-only: previous files intact" "$(cd "$MNT" && cat ./*)" "$snap"
	umount "$MNT"
else
	echo "note: cannot mount a tmpfs here: full-disk and read-only checks skipped"
fi
test_done
