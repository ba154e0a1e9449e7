#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# submission.sh: who may send as which address, and which services each account may use,
# proven with a private Postfix and a private Dovecot (tests/mailserver.sh) built from what
# `maps generate` and `dovecot generate` wrote, on every engine:
#  - Dovecot's password_query checks the service: doveadm auth test -x service=pop3 is
#    refused for a pop3=no account and accepted for imap, IMAP logins are refused when
#    imap=no, smtp=no refuses the SASL login Postfix asks for, send-only may only submit;
#  - Postfix's submission service (master.cf.vmailadm) authenticates through Dovecot's
#    socket (main.cf.vmailadm's smtpd_sasl_path) and, through sql-sender-login.cf, refuses
#    an authenticated user sending as another's address (553 5.7.1 ... not owned by user)
#    and accepts his own address, his list's, a granted one and a domain alias's.
# Any error in Dovecot's or Postfix's log fails the test.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mailtest.sh"

if [ "$(id -u)" != 0 ] || ! command -v dovecot >/dev/null || ! command -v postfix >/dev/null ||
	! getent passwd postfix >/dev/null || ! command -v openssl >/dev/null; then
	echo "skipped: needs root, Postfix, Dovecot and openssl"
	test_done
fi
MS_PORT_FROM=${SUBMISSION_PORT_FROM:-26200}
MS_PORT_TO=${SUBMISSION_PORT_TO:-26299}
. "$(dirname "$0")/../mailserver.sh"
OWNER=nobody

# the submission service's certificate (the host's part: smtpd_tls_security_level=encrypt)
CERT=$TEST_TMP/cert
mkdir -p "$CERT" && chmod 755 "$CERT"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=mx.vmailadm.test -days 2 \
	-keyout "$CERT/key.pem" -out "$CERT/cert.pem" >/dev/null 2>&1 || fail "openssl made a certificate"
chmod 644 "$CERT"/*.pem

for e in $VMAILADM_ENGINES; do
	url=$(db "$e" t_submission) || { fail "$e: new_db"; continue; }
	W=$TEST_TMP/$e
	rm -rf "$W" && mkdir -p "$W/maps" "$W/host" "$W/dc" "$W/vmail" "$W/pf" "$W/dcrun" && chmod 755 "$W" "$W"/*
	chown "$OWNER:" "$W/vmail"
	# the auth socket's directory: short (a socket path has at most 108 bytes), reachable
	# by Postfix's smtpd
	SOCKDIR=$(mktemp -d /tmp/vm-sasl.XXXXXX) && chmod 755 "$SOCKDIR"
	at_exit "rm -rf '$SOCKDIR'"
	cat >"$W/vmailadm.conf" <<CONF
[mail]
root = $W/vmail
owner = $OWNER
[postfix]
sasl_socket = $SOCKDIR/auth
[dovecot]
group = dovecot
CONF
	V() { "$VMAILADM" -q -c "$W/vmailadm.conf" -d "$url" "$@"; }
	check_rc "$e: db init" 0 V db init
	run V -f - <<'SCRIPT'
domain add ex.test
domainalias add alias.test ex.test
mailbox add alice@ex.test password=pw-alice
mailbox add bob@ex.test password=pw-bob pop3=no
mailbox add carol@ex.test password=pw-carol imap=no
mailbox add dan@ex.test password=pw-dan smtp=no
mailbox add so@ex.test password=pw-so send-only=yes
alias add team@ex.test alice@ex.test bob@ex.test
sender add alice@ex.test boss@ex.test
SCRIPT
	check_eq "$e: setup" "$RC" 0
	[ "$RC" = 0 ] || fail "$e: setup output" "$ERR"
	sqlite_share "$url"
	check_rc "$e: maps generate" 0 V maps generate "$W/maps"
	check_contains "$e: main.cf.vmailadm names the sender map" "$(cat "$W/maps/main.cf.vmailadm")" "smtpd_sender_login_maps = $e:$W/maps/sql-sender-login.cf"
	check_contains "$e: ... Dovecot SASL" "$(cat "$W/maps/main.cf.vmailadm")" "smtpd_sasl_type = dovecot"
	check_contains "$e: ... its socket" "$(cat "$W/maps/main.cf.vmailadm")" "smtpd_sasl_path = $SOCKDIR/auth"
	check_contains "$e: master.cf.vmailadm's submission checks the sender" "$(cat "$W/maps/master.cf.vmailadm")" "-o smtpd_sender_restrictions=reject_authenticated_sender_login_mismatch,"
	check_rc "$e: dovecot generate" 0 V dovecot generate "$W/dc"
	check_contains "$e: Dovecot declares the socket for Postfix" "$(cat "$W/dc/dovecot-vmailadm.conf")" "unix_listener $SOCKDIR/auth {"

	ms_port PF && ms_port SUB && ms_port IMAP && ms_port SIEVE && ms_port SINK || { fail "$e: ports"; continue; }
	ms_sink_start "$W/sink" "$SINK" || { fail "$e: sink started"; continue; }
	if ! ms_dovecot_start "$W/dcrun" "$W/dc" "$IMAP" "$SIEVE" 2>"$W/dc.err"; then
		fail "$e: dovecot started" "$(cat "$W/dc.err")"
		ms_sink_stop
		continue
	fi
	pass "$e: dovecot started"
	# master.cf.vmailadm as generated, but the submission service on this test's port
	# (which address to listen on is the host's to say)
	cp "$W/maps/main.cf.vmailadm" "$W/host/"
	sed "s/^submission inet /127.0.0.1:$SUB inet /" "$W/maps/master.cf.vmailadm" >"$W/host/master.cf.vmailadm"
	check_contains "$e: the submission service on the test port" "$(cat "$W/host/master.cf.vmailadm")" "127.0.0.1:$SUB inet"
	MS_POSTFIX_MAIN="smtpd_tls_cert_file = $CERT/cert.pem
smtpd_tls_key_file = $CERT/key.pem"
	# TLS needs the tlsmgr service, which the harness's master.cf leaves out
	MS_POSTFIX_MASTER="tlsmgr    unix  -       -       n       1000?   1       tlsmgr"
	if ! ms_postfix_start "$W/pf" "$PF" "$W/host" "$SINK" 2>"$W/pf.err"; then
		fail "$e: postfix started" "$(cat "$W/pf.err")"
		ms_dovecot_stop
		ms_sink_stop
		continue
	fi
	for _ in $(seq 50); do ms_port_busy "$SUB" && break; sleep 0.1; done
	pass "$e: postfix started"

	# ---- services, asked of Dovecot
	A() { doveadm -c "$MS_DC_CONF" auth test -x no-penalty -x "service=$1" "$2" "$3"; }
	check_rc "$e: pop3=no: pop3 refused" 77 A pop3 bob@ex.test pw-bob
	check_rc "$e: pop3=no: imap accepted" 0 A imap bob@ex.test pw-bob
	check_rc "$e: imap=no: imap refused" 77 A imap carol@ex.test pw-carol
	check_rc "$e: imap=no: pop3 accepted" 0 A pop3 carol@ex.test pw-carol
	check_rc "$e: smtp=no: smtp refused" 77 A smtp dan@ex.test pw-dan
	check_rc "$e: smtp=no: imap accepted" 0 A imap dan@ex.test pw-dan
	check_rc "$e: send-only: imap refused" 77 A imap so@ex.test pw-so
	check_rc "$e: send-only: sieve refused" 77 A sieve so@ex.test pw-so
	check_rc "$e: send-only: smtp accepted" 0 A smtp so@ex.test pw-so
	check_rc "$e: every service: pop3" 0 A pop3 alice@ex.test pw-alice
	check_rc "$e: every service: sieve" 0 A sieve alice@ex.test pw-alice
	check_rc "$e: a wrong password stays refused" 77 A imap alice@ex.test nope
	check_rc "$e: IMAP login with imap=yes" 0 ms_imap "$IMAP" alice@ex.test pw-alice list
	check_contains "$e: ... lists the inbox" "$OUT" "INBOX"
	check_rc "$e: IMAP login refused with imap=no" 1 ms_imap "$IMAP" carol@ex.test pw-carol list
	check_contains "$e: ... as a failed login" "$ERR" "AUTHENTICATIONFAILED"
	check_rc "$e: imap=yes again" 0 V mailbox set carol@ex.test imap=yes
	check_rc "$e: then the IMAP login works" 0 ms_imap "$IMAP" carol@ex.test pw-carol list

	# ---- submission: SASL through Dovecot, then the sender check
	send() { ms_send "$SUB" "$2" ext@remote.test "$1 as $2" --starttls --user "$1" --password "$3"; }
	n=0
	check_rc "$e: alice as herself" 0 send alice@ex.test alice@ex.test pw-alice
	check_contains "$e: ... accepted" "$OUT" "DATA 250"
	n=$((n + 1))
	check_rc "$e: alice as her list" 0 send alice@ex.test team@ex.test pw-alice
	n=$((n + 1))
	check_rc "$e: bob as the same list" 0 send bob@ex.test team@ex.test pw-bob
	n=$((n + 1))
	check_rc "$e: alice as a granted address" 0 send alice@ex.test boss@ex.test pw-alice
	n=$((n + 1))
	check_rc "$e: alice as her address in a domain alias" 0 send alice@ex.test alice@alias.test pw-alice
	n=$((n + 1))
	check_rc "$e: a send-only account submits" 0 send so@ex.test so@ex.test pw-so
	n=$((n + 1))
	check_rc "$e: alice as bob refused" 1 send alice@ex.test bob@ex.test pw-alice
	check_contains "$e: ... 553 not owned" "$OUT" "553 5.7.1 <bob@ex.test>: Sender address rejected: not owned by user alice@ex.test"
	check_rc "$e: bob as alice's grant refused" 1 send bob@ex.test boss@ex.test pw-bob
	check_contains "$e: ... 553 not owned" "$OUT" "553 5.7.1 <boss@ex.test>: Sender address rejected: not owned by user bob@ex.test"
	check_rc "$e: alice as an outside address refused" 1 send alice@ex.test someone@remote.test pw-alice
	check_contains "$e: ... 553" "$OUT" "553 5.7.1"
	check_rc "$e: smtp=no: the login refused" 2 send dan@ex.test dan@ex.test pw-dan
	check_contains "$e: ... 535" "$ERR" "535"
	check_rc "$e: no login: refused" 1 ms_send "$SUB" alice@ex.test ext@remote.test nologin --starttls
	check_rc "$e: a wrong password: refused" 2 send alice@ex.test alice@ex.test nope
	check_rc "$e: the grant taken back" 0 V sender del alice@ex.test boss@ex.test
	check_rc "$e: then alice as it is refused" 1 send alice@ex.test boss@ex.test pw-alice
	check_contains "$e: ... 553" "$OUT" "not owned by user alice@ex.test"
	check_rc "$e: smtp=yes again" 0 V mailbox set dan@ex.test smtp=yes
	check_rc "$e: then dan submits" 0 send dan@ex.test dan@ex.test pw-dan
	n=$((n + 1))
	for _ in $(seq 200); do
		[ "$(find "$W/sink" -maxdepth 1 -name '*.eml' | wc -l)" -ge "$n" ] && break
		sleep 0.1
	done
	check_eq "$e: the accepted messages reached the relay" "$(find "$W/sink" -maxdepth 1 -name '*.eml' | wc -l)" "$n"
	check_eq "$e: from the addresses accepted" "$(grep -h '^X-Sink-From:' "$W/sink"/*.eml | sed 's/^X-Sink-From: *//' | tr -d '\r <>' | sort -u | paste -sd' ' -)" \
		"alice@alias.test alice@ex.test boss@ex.test dan@ex.test so@ex.test team@ex.test"

	ms_postfix_stop
	ms_dovecot_stop
	ms_sink_stop
	# a refused login logs no error; anything else in the logs is one
	check_eq "$e: no errors in the logs" "$(ms_log_errors)" ""
done
test_done
