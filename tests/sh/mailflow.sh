#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mailflow.sh: mail flowing through a private Postfix and a private Dovecot configured only
# from what `maps generate` and `dovecot generate` wrote plus the host's lines
# (tests/mailserver.sh), on every engine. Over SMTP: a mailbox, an alias, a distribution
# list, a catch-all and a domain alias deliver into the right maildirs (read back over IMAP
# with the account's password); unknown addresses, a disabled mailbox, a disabled domain and
# a disabled domain alias are refused at RCPT with 550 5.1.1, a mailbox with a pending
# operation gets 450; a mailbox over quota is refused by Dovecot and the sender gets the
# rejection; an external forward leaves through the relay (an SMTP sink); the user's own
# script, uploaded over ManageSieve, keeps working beside vmailadm's sieve_before script
# from vmailadm_sieve (a row written here by SQL), and a new script_id + script_data is
# followed at the next delivery; then what `vacation set` and `filter add` render: a
# vacation answers once per sender (the reply relayed by Postfix) and not after `until`, a
# filter files into its folder, and the user's script keeps working beside them. Any Error:/Fatal:/Panic: in Dovecot's log, or fatal:/
# panic:/error: in Postfix's, fails the test.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mailtest.sh"
. "$(dirname "$0")/../mailserver.sh"

if [ "$(id -u)" != 0 ] || ! command -v dovecot >/dev/null || ! command -v postfix >/dev/null ||
	! getent passwd dovecot >/dev/null || ! getent passwd postfix >/dev/null ||
	[ ! -x /usr/lib/dovecot/managesieve ] || [ ! -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]; then
	echo "skipped: needs root, Postfix and Dovecot with Pigeonhole (apt-get install postfix postfix-pgsql postfix-mysql postfix-sqlite dovecot-core dovecot-imapd dovecot-pgsql dovecot-mysql dovecot-sqlite dovecot-sieve dovecot-managesieved)"
	test_done
fi
OWNER=nobody
FROM=sender@remote.test

# arrived HOME FOLDER SUBJECT: waits (20 s at most) until a message with SUBJECT is in
# the maildir folder (INBOX or a folder name) of HOME
arrived() {
	local d=$1/.maildir
	[ "$2" = INBOX ] || d=$d/.$2
	for _ in $(seq 200); do
		grep -lqs -- "^Subject: $3\$" "$d"/new/* "$d"/cur/* 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# sent_to ADDR TEXT: waits until the sink holds a message to ADDR containing TEXT
sent_to() {
	local f
	for _ in $(seq 200); do
		for f in "$SINK"/*.eml; do
			[ -f "$f" ] || continue
			if grep -q "^X-Sink-To: .*$1" "$f" && grep -q -- "$2" "$f"; then
				return 0
			fi
		done
		sleep 0.1
	done
	return 1
}

for e in $VMAILADM_ENGINES; do
	W=$TEST_TMP/$e
	rm -rf "$W" && mkdir -p "$W/maps" "$W/gen" "$W/dc" "$W/vmail" && chmod 755 "$W" "$W/maps" "$W/gen" "$W/dc"
	chown "$OWNER:" "$W/vmail"
	url=$(db "$e" t_mailflow) || { fail "$e: new_db"; continue; }
	# Dovecot's auth socket for Postfix ([postfix] sasl_socket): this instance's own
	SASLDIR=$(mktemp -d /tmp/vm-sasl.XXXXXX) && chmod 755 "$SASLDIR"
	at_exit "rm -rf '$SASLDIR'"
	cat >"$W/vmailadm.conf" <<CONF
[mail]
root = $W/vmail
owner = $OWNER
[postfix]
sasl_socket = $SASLDIR/auth
[dovecot]
group = dovecot
postmaster = postmaster@ex.test
lda = /usr/lib/dovecot/dovecot-lda -c $W/dc/dovecot.conf
[postfix]
# the include's auth socket for Postfix: this instance's own, not the system's
sasl_socket = $W/dc/auth-postfix
CONF
	V() { "$VMAILADM" -q -c "$W/vmailadm.conf" -d "$url" "$@"; }
	check_rc "$e: db init" 0 V db init
	run V -f - <<'SCRIPT'
domain add ex.test quota=1G
mailbox add alice@ex.test password=pw-alice
mailbox add bob@ex.test password=pw-bob
mailbox add carol@ex.test password=pw-carol enabled=no
mailbox add dave@ex.test password=pw-dave
mailbox add full@ex.test password=pw-full quota=1M
alias add sales@ex.test alice@ex.test
alias add team@ex.test alice@ex.test bob@ex.test
alias add fwd@ex.test ext@remote.test
alias add @ex.test bob@ex.test
domainalias add alias.test ex.test
domainalias add offalias.test ex.test enabled=no
domain add other.test
mailbox add zed@other.test password=pw-zed
domain add off.test
mailbox add eve@off.test password=pw-eve
domain set off.test enabled=no
SCRIPT
	check_eq "$e: data created" "$RC" 0
	[ "$RC" = 0 ] || fail "$e: data script" "$ERR"
	dave=$(sql "$e" "$url" "SELECT mb.id FROM admin_mailbox mb JOIN admin_domain d ON d.id=mb.domain_id WHERE mb.address='dave' AND d.name='ex.test'")
	sql "$e" "$url" "INSERT INTO admin_mailboxoperation (mailbox_id, type, argument) VALUES ($dave, 'rename', '$W/vmail/ex.test/olddave')" >/dev/null ||
		fail "$e: insert the pending operation"
	sqlite_share "$url"
	check_rc "$e: maps generate" 0 V maps generate "$W/maps"
	check_rc "$e: dovecot generate" 0 V dovecot generate "$W/gen"

	ms_port SMTP && ms_port RELAY && ms_port IMAP && ms_port SIEVE || { fail "$e: ports"; continue; }
	SINK=$W/sink
	if ! ms_sink_start "$SINK" "$RELAY" 300; then
		fail "$e: the SMTP sink started"
		continue
	fi
	if ! ms_postfix_start "$W/pf" "$SMTP" "$W/maps" "$RELAY"; then
		fail "$e: postfix started"
		continue
	fi
	pass "$e: postfix started"
	if ! ms_dovecot_start "$W/dc" "$W/gen" "$IMAP" "$SIEVE" "$SMTP"; then
		fail "$e: dovecot started" "$(cat "$W/dc/dovecot.log")"
		continue
	fi
	pass "$e: dovecot started"
	H=$W/vmail/ex.test

	# ---- the user's own script, over ManageSieve, before any mail
	cat >"$W/own.sieve" <<'SIEVE'
require ["fileinto", "mailbox"];
if header :contains "subject" "work" {
  fileinto :create "Work";
}
SIEVE
	check_rc "$e: ManageSieve upload of the user's script" 0 ms_sieve "$SIEVE" bob@ex.test pw-bob put own "$W/own.sieve"
	check_rc "$e: ManageSieve list" 0 ms_sieve "$SIEVE" bob@ex.test pw-bob list
	check_eq "$e: the user's script is active" "$OUT" "own ACTIVE"
	check_rc "$e: ManageSieve refuses a wrong password" 1 ms_sieve "$SIEVE" bob@ex.test wrong list

	# ---- deliveries
	check_rc "$e: send to a mailbox" 0 ms_send "$SMTP" "$FROM" alice@ex.test to-mailbox
	check_rc "$e: send to an alias" 0 ms_send "$SMTP" "$FROM" sales@ex.test to-alias
	check_rc "$e: send to a distribution list" 0 ms_send "$SMTP" "$FROM" team@ex.test to-list
	check_rc "$e: send to the catch-all" 0 ms_send "$SMTP" "$FROM" whoever@ex.test to-catchall
	check_rc "$e: send through the domain alias" 0 ms_send "$SMTP" "$FROM" alice@alias.test to-domainalias
	check_rc "$e: send to a forward" 0 ms_send "$SMTP" "$FROM" fwd@ex.test to-forward
	check_rc "$e: send to a mailbox of the other domain" 0 ms_send "$SMTP" "$FROM" zed@other.test to-zed
	for s in to-mailbox to-alias to-list to-domainalias; do
		arrived "$H/alice" INBOX "$s" && pass "$e: alice got $s" || fail "$e: alice got $s" "$(tail -n 20 "$MS_PF_LOG")"
	done
	for s in to-list to-catchall; do
		arrived "$H/bob" INBOX "$s" && pass "$e: bob got $s" || fail "$e: bob got $s" "$(tail -n 20 "$MS_PF_LOG")"
	done
	arrived "$W/vmail/other.test/zed" INBOX to-zed && pass "$e: zed got to-zed" || fail "$e: zed got to-zed"
	check_rc "$e: IMAP: alice's INBOX" 0 ms_imap "$IMAP" alice@ex.test pw-alice subjects
	check_eq "$e: IMAP: alice's messages" "$(printf '%s\n' "$OUT" | sort | paste -sd' ')" "to-alias to-domainalias to-list to-mailbox"
	check_rc "$e: IMAP: bob's INBOX" 0 ms_imap "$IMAP" bob@ex.test pw-bob subjects
	check_eq "$e: IMAP: bob's messages" "$(printf '%s\n' "$OUT" | sort | paste -sd' ')" "to-catchall to-list"
	check_rc "$e: IMAP: the special-use folders exist" 0 ms_imap "$IMAP" alice@ex.test pw-alice list
	check_eq "$e: IMAP: folders" "$(printf '%s\n' "$OUT" | sort | paste -sd' ')" "Drafts INBOX Junk Sent Trash"
	check_rc "$e: IMAP: a wrong password is refused" 1 ms_imap "$IMAP" alice@ex.test wrong list
	sent_to ext@remote.test to-forward && pass "$e: the forward left through the relay" ||
		fail "$e: the forward left through the relay" "$(ls "$SINK")" "$(tail -n 20 "$MS_PF_LOG")"
	check_eq "$e: the maildir belongs to the mail owner" "$(stat -c %U "$H/alice/.maildir")" "$OWNER"

	# ---- refused at RCPT
	for a in nobody@other.test carol@ex.test eve@off.test anyone@off.test alice@offalias.test; do
		check_rc "$e: $a refused" 1 ms_send "$SMTP" "$FROM" "$a" refused
		check_contains "$e: $a: 550 5.1.1" "$OUT" "RCPT $a 550 5.1.1"
	done
	check_rc "$e: pending operation: refused for now" 1 ms_send "$SMTP" "$FROM" dave@ex.test later
	check_contains "$e: pending operation: 450" "$OUT" "RCPT dave@ex.test 450"

	# ---- over quota: Dovecot refuses, the sender hears of it
	head -c 1300000 /dev/zero | tr '\0' 'x' | fold -w 76 >"$W/big.txt"
	check_rc "$e: a message bigger than full's quota is accepted by Postfix" 0 ms_send "$SMTP" "$FROM" full@ex.test too-big "$W/big.txt"
	sent_to "$FROM" "Quota exceeded" && pass "$e: the sender got the rejection" ||
		fail "$e: the sender got the rejection" "$(ls "$SINK")" "$(tail -n 20 "$MS_PF_LOG")" "$(tail -n 20 "$MS_DC_LOG")"
	check_eq "$e: nothing stored for full" "$(find "$H/full/.maildir" -type f -path '*/new/*' 2>/dev/null | wc -l)" 0

	# ---- the user's script with vmailadm's sieve_before script from the dict
	check_rc "$e: the user's script works" 0 ms_send "$SMTP" "$FROM" bob@ex.test "work one"
	arrived "$H/bob" Work "work one" && pass "$e: the user's script filed into Work" || fail "$e: the user's script filed into Work" "$(tail -n 20 "$MS_DC_LOG")"
	sql "$e" "$url" "INSERT INTO vmailadm_sieve (username, script_name, script_id, script_data) VALUES ('bob@ex.test', 'active', 'v1', 'require [\"fileinto\", \"mailbox\"]; if header :contains \"subject\" \"admin\" { fileinto :create \"Admin\"; }')" >/dev/null ||
		fail "$e: insert the sieve_before row"
	check_rc "$e: send for the admin script" 0 ms_send "$SMTP" "$FROM" bob@ex.test "admin one"
	arrived "$H/bob" Admin "admin one" && pass "$e: sieve_before filed into Admin" || fail "$e: sieve_before filed into Admin" "$(tail -n 20 "$MS_DC_LOG")"
	check_rc "$e: the user's script still works after sieve_before" 0 ms_send "$SMTP" "$FROM" bob@ex.test "work two"
	arrived "$H/bob" Work "work two" && pass "$e: the user's script still filed into Work" || fail "$e: the user's script still filed into Work"
	check_eq "$e: sieve_before did not take the user's mail" "$(grep -ls '^Subject: work two$' "$H/bob/.maildir/.Admin"/new/* | wc -l)" 0
	sql "$e" "$url" "UPDATE vmailadm_sieve SET script_id = 'v2', script_data = 'require [\"fileinto\", \"mailbox\"]; if header :contains \"subject\" \"admin\" { fileinto :create \"Admin2\"; }' WHERE username = 'bob@ex.test'" >/dev/null ||
		fail "$e: update the sieve_before row"
	check_rc "$e: send after the script changed" 0 ms_send "$SMTP" "$FROM" bob@ex.test "admin two"
	arrived "$H/bob" Admin2 "admin two" && pass "$e: the next delivery follows the new script" || fail "$e: the next delivery follows the new script" "$(tail -n 20 "$MS_DC_LOG")"
	check_eq "$e: the old script no longer runs" "$(grep -ls '^Subject: admin two$' "$H/bob/.maildir/.Admin"/new/* 2>/dev/null | wc -l)" 0
	check_rc "$e: ManageSieve: the user's script untouched" 0 ms_sieve "$SIEVE" bob@ex.test pw-bob list
	check_eq "$e: ManageSieve: still own, active" "$OUT" "own ACTIVE"
	check_rc "$e: IMAP: bob's Admin2" 0 ms_imap "$IMAP" bob@ex.test pw-bob subjects Admin2
	check_eq "$e: IMAP: bob's Admin2 holds the message" "$OUT" "admin two"

	# ---- what vmailadm's statements render: vacation and filters, through Postfix
	# (replies leave by Dovecot's submission_host, Postfix relays them to the sink)
	check_rc "$e: vacation set" 0 V vacation set alice@ex.test "subject=Out of office" "text=Back on Monday." until="$(date -d tomorrow +%F)"
	check_rc "$e: mail for the vacation" 0 ms_send "$SMTP" v1@remote.test alice@ex.test "away one"
	sent_to v1@remote.test "Out of office" && pass "$e: the vacation answered" || fail "$e: the vacation answered" "$(ls "$SINK")" "$(tail -n 20 "$MS_DC_LOG")"
	check_rc "$e: the same sender again" 0 ms_send "$SMTP" v1@remote.test alice@ex.test "away two"
	check_rc "$e: another sender" 0 ms_send "$SMTP" v2@remote.test alice@ex.test "away three"
	sent_to v2@remote.test "Out of office" && pass "$e: the other sender was answered" || fail "$e: the other sender was answered"
	arrived "$H/alice" INBOX "away two" || fail "$e: away two arrived"
	check_eq "$e: answered once per sender" "$(grep -l '^X-Sink-To: .*v1@remote.test' "$SINK"/*.eml | xargs grep -l 'Out of office' | wc -l)" 1
	check_rc "$e: the vacation ended yesterday" 0 V vacation set alice@ex.test "subject=Out of office" "text=Back on Monday." from="$(date -d '-5 days' +%F)" until="$(date -d yesterday +%F)"
	check_rc "$e: mail after until" 0 ms_send "$SMTP" v3@remote.test alice@ex.test "away four"
	arrived "$H/alice" INBOX "away four" && pass "$e: delivered after until" || fail "$e: delivered after until"
	# a marker: a vacation on again answers v4; by then a reply to v3 would have come too
	check_rc "$e: vacation on again" 0 V vacation set alice@ex.test "subject=Marker reply" text=marker
	check_rc "$e: mail for the marker" 0 ms_send "$SMTP" v4@remote.test alice@ex.test "away five"
	sent_to v4@remote.test "Marker reply" && pass "$e: the marker answered" || fail "$e: the marker answered"
	check_eq "$e: no reply after until" "$(grep -l '^X-Sink-To: .*v3@remote.test' "$SINK"/*.eml 2>/dev/null | wc -l)" 0
	check_rc "$e: vacation off" 0 V vacation off alice@ex.test
	check_rc "$e: filter add" 0 V filter add alice@ex.test lists if=subject:contains:listmail then=fileinto:Lists
	check_rc "$e: mail for the filter" 0 ms_send "$SMTP" v5@remote.test alice@ex.test "listmail one"
	arrived "$H/alice" Lists "listmail one" && pass "$e: the filter filed into Lists" || fail "$e: the filter filed into Lists" "$(tail -n 20 "$MS_DC_LOG")"
	# bob: vmailadm's statements take over the row written by SQL above; the user's
	# own script (over ManageSieve) still runs for what vmailadm's rules leave alone
	check_rc "$e: filter for bob" 0 V filter add bob@ex.test admin3 if=subject:contains:admin3 then=fileinto:Admin3
	check_rc "$e: vacation for bob" 0 V vacation set bob@ex.test "subject=Bob is away" text=later
	check_rc "$e: mail for bob's filter" 0 ms_send "$SMTP" v6@remote.test bob@ex.test "admin3 one"
	arrived "$H/bob" Admin3 "admin3 one" && pass "$e: bob's filter filed into Admin3" || fail "$e: bob's filter filed into Admin3" "$(tail -n 20 "$MS_DC_LOG")"
	check_rc "$e: mail for bob's own script" 0 ms_send "$SMTP" v7@remote.test bob@ex.test "work three"
	arrived "$H/bob" Work "work three" && pass "$e: the user's script still works beside vmailadm's rules" || fail "$e: the user's script still works beside vmailadm's rules" "$(tail -n 20 "$MS_DC_LOG")"
	sent_to v7@remote.test "Bob is away" && pass "$e: and the vacation answered before it" || fail "$e: and the vacation answered before it"
	check_rc "$e: ManageSieve: the user's script still untouched" 0 ms_sieve "$SIEVE" bob@ex.test pw-bob list
	check_eq "$e: ManageSieve: own, active" "$OUT" "own ACTIVE"

	# quota usage reached the database through the dict socket as the mail owner
	check_eq "$e: admin_quota counted alice's messages" "$(sql "$e" "$url" "SELECT messages FROM admin_quota WHERE username='alice@ex.test'")" 10

	ms_postfix_stop
	ms_dovecot_stop
	ms_sink_stop
	check_eq "$e: no errors in Dovecot's or Postfix's log" "$(ms_log_errors)" ""
done
test_done
