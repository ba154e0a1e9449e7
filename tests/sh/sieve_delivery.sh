#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sieve_delivery.sh: what `vacation set` and `filter add` do to mail, proven with a
# private real Dovecot on every engine. Dovecot reads vmailadm_sieve through its SQL
# dict as sieve_before (the dict maps below are the host lines this test adds until
# `dovecot generate` writes them) and delivers with dovecot-lda; vacation replies
# leave through a sendmail_path that keeps them in files. Shown: a vacation answers
# once per sender, not before `from` nor after `until`, nor once turned off; a
# filter files into its folder (created), `stop` keeps the user's script from
# running, and without it the user's own script (stored with doveadm sieve put, as
# ManageSieve would) keeps working after vmailadm's; every change gives a new
# script_id that Dovecot picks up at the next delivery. Pigeonhole's sieve-test
# runs the rendered script too, and sieve show/list read the user's own scripts
# through doveadm ([sieve] user_scripts). Any "Error:" in Dovecot's log fails it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mailtest.sh"

if [ "$(id -u)" != 0 ] || ! command -v dovecot >/dev/null || ! command -v sievec >/dev/null ||
	! command -v sieve-test >/dev/null || ! getent passwd dovecot >/dev/null; then
	echo "skipped: needs root, Dovecot and Pigeonhole (apt-get install dovecot-core dovecot-sieve dovecot-sqlite dovecot-pgsql dovecot-mysql)"
	test_done
fi
LDA=/usr/lib/dovecot/dovecot-lda
OWNER=nobody
YESTERDAY=$(date -d yesterday +%F)
TOMORROW=$(date -d tomorrow +%F)
NEXTWEEK=$(date -d '+7 days' +%F)

at_exit stop_dovecot

# deliver TO FROM SUBJECT: one message through the LDA (status in $RC)
deliver() {
	printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s.%s@remote.test>\n\nbody\n' "$2" "$1" "$3" "$RANDOM" "$SECONDS" |
		"$LDA" -c "$W/dovecot.conf" -e -d "$1" -f "$2"
	RC=$?
}
replies() { ls "$W/replies" | wc -l; }
# in FOLDER MAILBOX: how many messages a maildir folder holds ("" = INBOX)
in_folder() {
	local d=$W/vmail/ex.test/$2/Maildir
	[ -n "$1" ] && d=$d/.$1
	find "$d/new" "$d/cur" -type f 2>/dev/null | wc -l
}

for e in $VMAILADM_ENGINES; do
	url=$(db "$e" t_sieve_delivery) || { fail "$e: new_db"; continue; }
	W=$TEST_TMP/$e
	rm -rf "$W" && mkdir -p "$W/dc" "$W/vmail" "$W/replies" "$W/state" && chmod 755 "$W" "$W/dc"
	chown "$OWNER:" "$W/vmail"
	chmod 1777 "$W/replies"
	RUN=$(mktemp -d /tmp/vm-sv.XXXXXX) && chmod 755 "$RUN"
	at_exit "rm -rf '$RUN'"
	# Dovecot's auth socket for Postfix ([postfix] sasl_socket): this instance's own
	SASLDIR=$(mktemp -d /tmp/vm-sasl.XXXXXX) && chmod 755 "$SASLDIR"
	at_exit "rm -rf '$SASLDIR'"
	printf '[mail]\nroot = %s\nowner = %s\n[postfix]\nsasl_socket = %s/auth\n[dovecot]\ngroup = dovecot\n' "$W/vmail" "$OWNER" "$SASLDIR" >"$W/vmailadm.conf"
	V() { "$VMAILADM" -q -c "$W/vmailadm.conf" -d "$url" "$@"; }
	check_rc "$e: db init" 0 V db init
	check_rc "$e: domain" 0 V domain add ex.test
	for u in alice bob carol; do
		check_rc "$e: mailbox $u" 0 V mailbox add "$u@ex.test" "password=pw-$u"
	done
	case $url in sqlite:*) chmod 666 "${url#sqlite:}"* ;; esac
	check_rc "$e: dovecot generate" 0 V dovecot generate "$W/dc"

	# the sieve dict: vmailadm_sieve, Pigeonhole's dict storage layout
	{
		grep '^connect' "$W/dc/dovecot-dict-sql.conf.ext"
		cat <<'MAPS'
map {
  pattern = priv/sieve/name/$script_name
  table = vmailadm_sieve
  username_field = username
  value_field = script_id
  fields {
    script_name = $script_name
  }
}
map {
  pattern = priv/sieve/data/$script_id
  table = vmailadm_sieve
  username_field = username
  value_field = script_data
  fields {
    script_id = $script_id
  }
}
MAPS
	} >"$W/dict-sieve.conf.ext"
	driver=$(sed -n 's/^ *quota = \(pgsql\|mysql\|sqlite\):.*/\1/p' "$W/dc/dovecot-vmailadm.conf")
	chgrp dovecot "$W/dict-sieve.conf.ext" && chmod 640 "$W/dict-sieve.conf.ext"
	cat >"$W/sendmail.sh" <<SH
#!/bin/sh
# keeps each vacation reply in a file: the test's relay
cat >"$W/replies/reply.\$\$.\$(date +%s%N)"
SH
	chmod 755 "$W/sendmail.sh"
	cat >"$W/dovecot.conf" <<CONF
!include $W/dc/dovecot-vmailadm.conf
base_dir = $RUN
state_dir = $W/state
log_path = $W/dovecot.log
protocols = imap
ssl = no
mail_location = maildir:~/Maildir
postmaster_address = postmaster@ex.test
sendmail_path = $W/sendmail.sh
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 0
  }
}
dict {
  sieve = $driver:$W/dict-sieve.conf.ext
}
protocol lda {
  mail_plugins = \$mail_plugins sieve
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
  sieve_before = dict:proxy::sieve;name=active;bindir=~/.sieve-before-bin
}
CONF
	start_dovecot "$e" "$W" "$RUN" || continue
	D() { doveadm -c "$W/dovecot.conf" "$@"; }

	# the user's own script, stored the way ManageSieve stores it
	deliver alice@ex.test x@remote.test "a warm-up, creates the mailbox"
	check_eq "$e: delivered without rules" "$RC" 0
	printf 'require ["fileinto", "mailbox"];\nif header :contains "subject" "[mine]" { fileinto :create "Mine"; }\n' >"$W/user.sieve"
	D sieve put -a -u alice@ex.test personal <"$W/user.sieve"
	check_eq "$e: the user's own script stored" "$?" 0

	# vacation: once per sender
	check_rc "$e: vacation set" 0 V vacation set alice@ex.test "subject=Away: a\" ; discard; #" "text=Back on Monday.
Ask bob@ex.test." until="$NEXTWEEK"
	deliver alice@ex.test s1@remote.test "first"
	check_eq "$e: delivered with a vacation" "$RC" 0
	check_eq "$e: the vacation answered" "$(replies)" 1
	check_contains "$e: the reply's subject, hostile input and all" "$(cat "$W"/replies/*)" 'Subject: Away: a" ; discard; #'
	check_contains "$e: the reply goes to the sender" "$(cat "$W"/replies/*)" "To: <s1@remote.test>"
	check_contains "$e: the reply's text" "$(cat "$W"/replies/*)" "Ask bob@ex.test."
	check_eq "$e: the message was kept (the subject did not discard it)" "$(in_folder "" alice)" 2
	deliver alice@ex.test s1@remote.test "second"
	check_eq "$e: the same sender is not answered twice" "$(replies)" 1
	deliver alice@ex.test s2@remote.test "third"
	check_eq "$e: another sender is answered" "$(replies)" 2

	# filters, and the user's own script after them
	check_rc "$e: filter without stop" 0 V filter add alice@ex.test tagged "if=subject:contains:[tagged]" then=fileinto:Tagged
	check_rc "$e: filter with stop" 0 V filter add alice@ex.test work "if=subject:contains:[work]" then=fileinto:Work stop
	deliver alice@ex.test s3@remote.test "[tagged] [mine] news"
	check_eq "$e: the filter filed it (folder created)" "$(in_folder Tagged alice)" 1
	check_eq "$e: no stop: the vacation after it ran" "$(replies)" 3
	# Pigeonhole runs the next script of the sequence only while the implicit
	# keep stands: a message vmailadm's rules filed is not the user's script's
	check_eq "$e: a filed message does not reach the user's script" "$(in_folder Mine alice)" 0
	deliver alice@ex.test s4@remote.test "[work] report"
	check_eq "$e: the work filter filed it" "$(in_folder Work alice)" 1
	check_eq "$e: stop: the vacation after it did not run" "$(replies)" 3
	deliver alice@ex.test s5@remote.test "[mine] private"
	check_eq "$e: no rule filed it: the user's own script did" "$(in_folder Mine alice)" 1
	check_eq "$e: and the vacation answered it first" "$(replies)" 4
	check_eq "$e: INBOX got none of the filed ones" "$(in_folder "" alice)" 4

	# the script Pigeonhole compiled is the one vmailadm shows
	V sieve show alice@ex.test >"$W/alice.sieve"
	check_rc "$e: sievec accepts what sieve show prints" 0 sievec "$W/alice.sieve" "$W/alice.svbin"
	cat >"$W/sieve-test.conf" <<CONF
mail_uid = $OWNER
mail_gid = $(id -gn $OWNER)
first_valid_uid = 1
mail_location = maildir:$W/st-mail
base_dir = $RUN/st
state_dir = $W/state
CONF
	mkdir -p "$W/st-mail" "$RUN/st" && chown "$OWNER:" "$W/st-mail"
	printf 'From: s9@remote.test\nTo: alice@ex.test\nSubject: [work] x\n\nbody\n' >"$W/m-work.eml"
	printf 'From: s9@remote.test\nTo: alice@ex.test\nSubject: hello\n\nbody\n' >"$W/m-plain.eml"
	chmod 644 "$W"/*.eml "$W/alice.sieve"
	check_rc "$e: sieve-test: work mail" 0 sieve-test -c "$W/sieve-test.conf" "$W/alice.sieve" "$W/m-work.eml"
	check_contains "$e: sieve-test files it into Work" "$OUT" "store message in folder: Work"
	check_rc "$e: sieve-test: other mail" 0 sieve-test -c "$W/sieve-test.conf" "$W/alice.sieve" "$W/m-plain.eml"
	check_contains "$e: sieve-test answers it" "$OUT" "send vacation message"

	# the end of a vacation: until = yesterday, and a new script id
	id1=$(sql "$e" "$url" "SELECT script_id FROM vmailadm_sieve WHERE username = 'alice@ex.test'")
	check_rc "$e: vacation ended yesterday" 0 V vacation set alice@ex.test subject=Away text=Gone from="$(date -d '-9 days' +%F)" until="$YESTERDAY"
	id2=$(sql "$e" "$url" "SELECT script_id FROM vmailadm_sieve WHERE username = 'alice@ex.test'")
	[ -n "$id1" ] && [ "$id1" != "$id2" ] && pass "$e: a new script id ($id1 -> $id2)" || fail "$e: the script id changed" "$id1 $id2"
	deliver alice@ex.test s6@remote.test "after the end"
	check_eq "$e: no reply after until" "$(replies)" 4
	check_rc "$e: vacation not started yet" 0 V vacation set alice@ex.test subject=Away text=Soon from="$TOMORROW"
	deliver alice@ex.test s7@remote.test "before the start"
	check_eq "$e: no reply before from" "$(replies)" 4
	check_rc "$e: vacation from today" 0 V vacation set alice@ex.test subject=Away text=Now from="$(date +%F)" until="$TOMORROW"
	deliver alice@ex.test s7@remote.test "within"
	check_eq "$e: a reply within from..until" "$(replies)" 5
	check_rc "$e: vacation off" 0 V vacation off alice@ex.test
	deliver alice@ex.test s8@remote.test "after off"
	check_eq "$e: no reply once off" "$(replies)" 5
	check_rc "$e: filters removed" 0 V filter del alice@ex.test work
	check_rc "$e: filters removed" 0 V filter del alice@ex.test tagged
	check_eq "$e: no rule left, no script row" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sieve")" 0
	deliver alice@ex.test s4@remote.test "[work] [tagged] [mine] again"
	check_eq "$e: delivered without a script row" "$RC" 0
	check_eq "$e: without vmailadm's rules the user's script files it" "$(in_folder Mine alice)" 2

	# a mailbox renamed keeps its rules, and Dovecot finds them under the new name
	check_rc "$e: vacation for bob" 0 V vacation set bob@ex.test subject=Away "text=Bob is away" until="$TOMORROW"
	check_rc "$e: bob renamed" 0 V mailbox rename bob@ex.test robert@ex.test
	check_rc "$e: ops run (moves the home)" 0 V ops run as-any-user
	deliver robert@ex.test s1@remote.test "to the new name"
	check_eq "$e: delivered under the new name" "$RC" 0
	check_eq "$e: the renamed mailbox's vacation answered" "$(replies)" 6

	# the user's own scripts through doveadm
	cp "$W/vmailadm.conf" "$W/user-scripts.conf"
	printf '[sieve]\nuser_scripts = yes\ndoveadm = doveadm -c %s\n' "$W/dovecot.conf" >>"$W/user-scripts.conf"
	check_rc "$e: sieve list with the user's scripts" 0 "$VMAILADM" -c "$W/user-scripts.conf" -d "$url" sieve list robert@ex.test
	check_contains "$e: sieve list: vmailadm's" "$OUT" "active	vmailadm	yes	v"
	check_rc "$e: sieve list of alice" 0 "$VMAILADM" -c "$W/user-scripts.conf" -d "$url" sieve list alice@ex.test
	check_contains "$e: sieve list: the user's, active" "$OUT" "personal	user	yes"
	check_rc "$e: sieve show with the user's scripts" 0 "$VMAILADM" -c "$W/user-scripts.conf" -d "$url" sieve show alice@ex.test
	check_contains "$e: sieve show prints the user's script" "$OUT" 'if header :contains "subject" "[mine]"'
	check_contains "$e: sieve show says it runs after" "$OUT" "# the user's own script personal (active: runs after vmailadm's)"

	stop_dovecot
	errors=$(grep -n 'Error:\|Fatal:\|Panic:' "$W/dovecot.log")
	check_eq "$e: no errors in Dovecot's log" "$errors" ""
done
test_done
