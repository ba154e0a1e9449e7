#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dovecot.sh: `dovecot generate` proven with a private real Dovecot on every engine:
# doveadm auth test accepts every password scheme vmailadm writes and rejects a wrong
# password, a disabled account and a user of a disabled domain, and logs in a user of an
# international domain by its ASCII form; doveadm user shows the quota rule;
# deliveries through dovecot-lda change admin_quota (bytes and messages), also after
# doveadm quota recalc, and `vmailadm quota show` shows the new usage. Any "Error:" in
# Dovecot's log fails the test.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mailtest.sh"

if [ "$(id -u)" != 0 ] || ! command -v dovecot >/dev/null || ! getent passwd dovecot >/dev/null; then
	echo "skipped: needs root and Dovecot (apt-get install dovecot-core dovecot-imapd dovecot-pgsql dovecot-mysql dovecot-sqlite)"
	test_done
fi
LDA=/usr/lib/dovecot/dovecot-lda
OWNER=nobody
SCHEMES="SHA512-CRYPT SHA256-CRYPT BLF-CRYPT YESCRYPT"

at_exit stop_dovecot

for e in $VMAILADM_ENGINES; do
	url=$(db "$e" t_dovecot) || { fail "$e: new_db"; continue; }
	W=$TEST_TMP/$e
	rm -rf "$W" && mkdir -p "$W/dc" "$W/vmail" && chmod 755 "$W" "$W/dc"
	chown "$OWNER:" "$W/vmail"
	# sockets live in base_dir: keep its path short (108 bytes at most)
	RUN=$(mktemp -d /tmp/vm-dc.XXXXXX) && chmod 755 "$RUN"
	at_exit "rm -rf '$RUN'"
	cat >"$W/vmailadm.conf" <<CONF
[mail]
root = $W/vmail
owner = $OWNER
[postfix]
# the auth socket for Postfix: this instance's own, not the system's
sasl_socket = $RUN/auth-postfix
[dovecot]
group = dovecot
CONF
	V() { "$VMAILADM" -q -c "$W/vmailadm.conf" -d "$url" "$@"; }
	check_rc "$e: db init" 0 V db init
	check_rc "$e: domain" 0 V domain add ex.test quota=1G
	i=0
	for s in $SCHEMES; do
		i=$((i + 1))
		printf '[mail]\nroot = %s\nowner = %s\n[passwords]\nscheme = %s\n' "$W/vmail" "$OWNER" "$s" >"$W/scheme$i.conf"
		check_rc "$e: mailbox with $s" 0 "$VMAILADM" -q -c "$W/scheme$i.conf" -d "$url" \
			mailbox add "u$i@ex.test" "password=pw $s" quota=$((i * 10))M
	done
	check_rc "$e: disabled account" 0 V mailbox add carol@ex.test password=pw-carol enabled=no
	check_rc "$e: other domain" 0 V domain add off.test
	check_rc "$e: its user" 0 V mailbox add eve@off.test password=pw-eve
	check_rc "$e: disable the domain" 0 V domain set off.test enabled=no
	check_rc "$e: an international domain" 0 V domain add bücher.example
	check_rc "$e: its user" 0 V mailbox add anna@BÜCHER.example password=pw-anna
	sqlite_share "$url"

	check_rc "$e: dovecot generate" 0 V dovecot generate "$W/dc"
	check_eq "$e: mode and group" "$(stat -c '%a %G' "$W/dc/dovecot-sql.conf.ext" "$W/dc/dovecot-dict-sql.conf.ext" "$W/dc/dovecot-dict-sieve.conf.ext" | sort -u)" "640 dovecot"
	check_eq "$e: the include is readable by the mail owner's LDA" "$(stat -c '%a %G' "$W/dc/dovecot-vmailadm.conf")" "644 dovecot"
	check_eq "$e: no password in the include" "$(grep -c 'connect\|password' "$W/dc/dovecot-vmailadm.conf")" 0
	check_rc "$e: unchanged the second time" 0 V dovecot generate "$W/dc"
	check_contains "$e: reported unchanged" "$OUT" "dovecot-sql.conf.ext	unchanged"
	check_eq "$e: no postmaster_address without [dovecot] postmaster" "$(grep -c '^postmaster_address' "$W/dc/dovecot-vmailadm.conf")" 0
	mkdir -p "$W/pm" && chmod 755 "$W/pm"
	printf '[mail]\nroot = %s\nowner = %s\n[dovecot]\npostmaster = "not an address"\n' "$W/vmail" "$OWNER" >"$W/badpm.conf"
	check_rc "$e: a bad [dovecot] postmaster is refused" 1 "$VMAILADM" -q -c "$W/badpm.conf" -d "$url" dovecot generate "$W/pm"
	check_contains "$e: a bad [dovecot] postmaster: message" "$ERR" "[dovecot] postmaster 'not an address'"
	check_eq "$e: a bad [dovecot] postmaster: nothing written" "$(ls -A "$W/pm")" ""
	printf '[mail]\nroot = %s\nowner = %s\n[dovecot]\npostmaster = pm@ex.test\n' "$W/vmail" "$OWNER" >"$W/pm.conf"
	check_rc "$e: [dovecot] postmaster" 0 "$VMAILADM" -q -c "$W/pm.conf" -d "$url" dovecot generate "$W/pm"
	check_eq "$e: postmaster_address written" "$(grep '^postmaster_address' "$W/pm/dovecot-vmailadm.conf")" "postmaster_address = pm@ex.test"

	cat >"$W/dovecot.conf" <<CONF
base_dir = $RUN
state_dir = $W/state
log_path = $W/dovecot.log
protocols = imap
ssl = no
auth_mechanisms = plain
# a refused login answers at once (the default waits 2 s)
auth_failure_delay = 0
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
postmaster_address = postmaster@ex.test
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 0
  }
}
# the include adds ManageSieve: no listener here (tests/sh/mailflow.sh uses it)
service managesieve-login {
  inet_listener sieve {
    port = 0
  }
}
!include $W/dc/dovecot-vmailadm.conf
CONF
	mkdir -p "$W/state"
	start_dovecot "$e" "$W" "$RUN" || continue
	D() { doveadm -c "$W/dovecot.conf" "$@"; }

	i=0
	for s in $SCHEMES; do
		i=$((i + 1))
		check_rc "$e: login with $s" 0 D auth test -x no-penalty "u$i@ex.test" "pw $s"
		check_rc "$e: wrong password ($s)" 77 D auth test -x no-penalty "u$i@ex.test" "pw wrong"
	done
	check_rc "$e: disabled account refused" 77 D auth test -x no-penalty carol@ex.test pw-carol
	check_rc "$e: user of a disabled domain refused" 77 D auth test -x no-penalty eve@off.test pw-eve
	check_rc "$e: unknown user refused" 77 D auth test -x no-penalty nobody@ex.test pw
	check_rc "$e: doveadm user" 0 D user u2@ex.test
	check_contains "$e: quota rule" "$OUT" "quota_rule"
	check_contains "$e: quota rule value" "$OUT" "*:bytes=20M"
	check_contains "$e: home" "$OUT" "$W/vmail/ex.test/u2"
	check_rc "$e: no user for a disabled domain" 67 D user eve@off.test
	# an international domain: Dovecot sees, and logs in, the ASCII form
	check_rc "$e: login to an international domain" 0 D auth test -x no-penalty anna@xn--bcher-kva.example pw-anna
	check_rc "$e: wrong password there" 77 D auth test -x no-penalty anna@xn--bcher-kva.example pw-wrong
	check_rc "$e: doveadm user of the international domain" 0 D user anna@xn--bcher-kva.example
	check_contains "$e: its home is under the ASCII form" "$OUT" "$W/vmail/xn--bcher-kva.example/anna"
	printf 'From: a@remote.test\nTo: anna@xn--bcher-kva.example\nSubject: idn\n\nhallo\n' |
		"$LDA" -c "$W/dovecot.conf" -e -d anna@xn--bcher-kva.example -f a@remote.test
	check_eq "$e: delivery to the international domain" "$?" 0
	check_eq "$e: its admin_quota counts it" "$(sql "$e" "$url" "SELECT messages FROM admin_quota WHERE username='anna@xn--bcher-kva.example'")" 1

	# deliveries: Dovecot counts the stored (LF) size
	msg1=$(printf 'From: a@remote.test\nTo: u1@ex.test\nSubject: one\n\nhello\n')
	msg2=$(printf 'From: a@remote.test\nTo: u1@ex.test\nSubject: two\n\nhello again, a longer body\n')
	size1=$(($(printf '%s\n' "$msg1" | wc -c)))
	size2=$(($(printf '%s\n' "$msg2" | wc -c)))
	printf '%s\n' "$msg1" | "$LDA" -c "$W/dovecot.conf" -e -d u1@ex.test -f a@remote.test
	check_eq "$e: first delivery" "$?" 0
	check_eq "$e: admin_quota after one" "$(sql "$e" "$url" "SELECT bytes, messages FROM admin_quota WHERE username='u1@ex.test'")" "$size1|1"
	printf '%s\n' "$msg2" | "$LDA" -c "$W/dovecot.conf" -e -d u1@ex.test -f a@remote.test
	check_eq "$e: second delivery" "$?" 0
	want="$((size1 + size2))|2"
	check_eq "$e: admin_quota after two" "$(sql "$e" "$url" "SELECT bytes, messages FROM admin_quota WHERE username='u1@ex.test'")" "$want"
	check_rc "$e: quota recalc" 0 D quota recalc -u u1@ex.test
	check_eq "$e: admin_quota after recalc" "$(sql "$e" "$url" "SELECT bytes, messages FROM admin_quota WHERE username='u1@ex.test'")" "$want"
	check_rc "$e: quota recalc -A" 0 D quota recalc -A
	check_eq "$e: admin_quota after recalc -A" "$(sql "$e" "$url" "SELECT bytes, messages FROM admin_quota WHERE username='u1@ex.test'")" "$want"
	check_eq "$e: no usage for the others" "$(sql "$e" "$url" "SELECT bytes, messages FROM admin_quota WHERE username='u2@ex.test'")" "0|0"
	check_rc "$e: quota show" 0 "$VMAILADM" -c "$W/vmailadm.conf" -d "$url" quota show u1@ex.test
	check_eq "$e: quota show shows the usage" "$(printf '%s\n' "$OUT" | cut -f1-3)" "u1@ex.test	$((size1 + size2))	2"
	# vmailadm's own `quota recalc` runs the configured doveadm and shows the recount
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 1, messages = 99 WHERE username='u1@ex.test'"
	cp "$W/vmailadm.conf" "$W/recalc.conf"
	printf 'recalc = doveadm -c %s/dovecot.conf quota recalc\n' "$W" >>"$W/recalc.conf"
	check_rc "$e: vmailadm quota recalc" 0 "$VMAILADM" -c "$W/recalc.conf" -d "$url" quota recalc u1@ex.test
	check_eq "$e: vmailadm quota recalc recounted" "$(sql "$e" "$url" "SELECT bytes, messages FROM admin_quota WHERE username='u1@ex.test'")" "$want"
	check_contains "$e: vmailadm quota recalc shows the figures" "$OUT" "u1@ex.test	$((size1 + size2))	2"
	sql "$e" "$url" "UPDATE admin_quota SET bytes = 1, messages = 99 WHERE username='u1@ex.test'"
	check_rc "$e: vmailadm quota recalc all" 0 "$VMAILADM" -c "$W/recalc.conf" -d "$url" quota recalc all
	check_eq "$e: vmailadm quota recalc all recounted" "$(sql "$e" "$url" "SELECT bytes, messages FROM admin_quota WHERE username='u1@ex.test'")" "$want"
	check_rc "$e: vmailadm quota recalc of an unknown address" 1 "$VMAILADM" -c "$W/recalc.conf" -d "$url" quota recalc nobody@ex.test
	check_rc "$e: disabled account gets no mail" 67 "$LDA" -c "$W/dovecot.conf" -e -d eve@off.test -f a@remote.test <<<"$msg1"

	stop_dovecot
	errors=$(grep -n 'Error:\|Fatal:\|Panic:' "$W/dovecot.log")
	check_eq "$e: no errors in Dovecot's log" "$errors" ""
done
test_done
