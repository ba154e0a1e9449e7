# SPDX-License-Identifier: MIT
# tests/mailserver.sh: a private Postfix and a private Dovecot for end-to-end tests, built
# only from what vmailadm generated (`maps generate`, `dovecot generate`) plus the lines
# that belong to the host (ports, paths, users), and the clients to talk to them.
# Source it after tests/lib.sh (bash). Every daemon is started with its pid recorded and
# stopped by that pid, also when the test fails (lib.sh's at_exit); nothing is ever
# stopped by name, and `postfix` is never run without -c.
#
# Ports: ms_port picks a free one on 127.0.0.1 from $MS_PORT_FROM..$MS_PORT_TO (default
# 26000-26099), stepping to the next free one, never one this shell picked before (so
# call it in this shell, not in $(...)).
#
#   ms_port VAR                   sets VAR to a free port
#   ms_postfix_start DIR PORT MAPS [RELAYPORT]
#                                 Postfix with config_directory DIR/conf, queue_directory
#                                 DIR/queue, data_directory DIR/data, smtpd on
#                                 127.0.0.1:PORT; main.cf = host lines + MAPS/main.cf.vmailadm
#                                 (+ $MS_POSTFIX_MAIN, more main.cf lines), master.cf = the
#                                 usual services + MAPS/master.cf.vmailadm (+ $MS_POSTFIX_MASTER);
#                                 mail for other domains goes to [127.0.0.1]:RELAYPORT.
#                                 Sets MS_PF_CONF, MS_PF_LOG, MS_PF_PID.
#   ms_postfix_config DIR PORT MAPS [RELAYPORT]   the same files, nothing started
#   ms_postfix_stop
#   ms_dovecot_start DIR GEN IMAPPORT SIEVEPORT [SUBMITPORT]
#                                 Dovecot with base_dir under /tmp (socket paths stay short),
#                                 log DIR/dovecot.log; dovecot.conf = `!include
#                                 GEN/dovecot-vmailadm.conf` first, then the host lines
#                                 (listener ports, ssl = no, plain logins, paths; mail the LDA
#                                 sends leaves by SMTP to 127.0.0.1:SUBMITPORT) and
#                                 $MS_DOVECOT_EXTRA. Sets MS_DC_CONF, MS_DC_LOG, MS_DC_PID,
#                                 MS_DC_RUN. The log is writable by everyone: the LDA run by
#                                 Postfix as the mail owner writes to it too.
#   ms_dovecot_config DIR GEN IMAPPORT SIEVEPORT [SUBMITPORT]   the same files, nothing started
#   ms_dovecot_stop
#   ms_sink_start DIR PORT [SECONDS]   the SMTP sink (tests/mailserver.py sink), default 300 s;
#                                 sets MS_SINK_PID
#   ms_sink_stop
#   ms_send PORT FROM TO[,TO..] [SUBJECT] [BODYFILE] [--user U --password P] [--starttls]
#                                 one message over SMTP (AUTH PLAIN with --user): prints
#                                 "AUTH code text", "MAIL code text" on a refusal, "RCPT addr
#                                 code text" per recipient, "DATA code text"; status 0 when
#                                 accepted, 1 when refused, 2 when no SMTP server answered
#   ms_imap PORT USER PASS list|subjects [FOLDER]
#   ms_sieve PORT USER PASS put NAME FILE | list
#   ms_wait_count DIR N [SECONDS]  waits until DIR holds at least N files (default 20 s);
#                                 status 1 when it does not
#   ms_wait_log FILE TEXT [SECONDS]  waits until FILE contains TEXT
#   ms_log_errors                 prints the Error:/Fatal:/Panic: lines of Dovecot's log and
#                                 the fatal:/panic:/error: lines of Postfix's (empty = clean)

MS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MS_PY=$MS_HERE/mailserver.py
MS_PORT_FROM=${MS_PORT_FROM:-26000}
MS_PORT_TO=${MS_PORT_TO:-26099}
MS_TAKEN=" "
MS_PF_PID="" MS_DC_PID="" MS_SINK_PID=""

ms_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ms_port() {
	local p
	for p in $(seq "$MS_PORT_FROM" "$MS_PORT_TO"); do
		case $MS_TAKEN in *" $p "*) continue ;; esac
		if ! ms_port_busy "$p"; then
			MS_TAKEN="$MS_TAKEN$p "
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	echo "mailserver.sh: no free port in $MS_PORT_FROM-$MS_PORT_TO" >&2
	return 1
}

# ms_kill_wait PID: TERM, then up to 10 s for it to go, then KILL
ms_kill_wait() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

# ---------------------------------------------------------------- Postfix

ms_postfix_config() {
	local dir=$1 port=$2 maps=$3 relay=${4:-}
	MS_PF_CONF=$dir/conf
	MS_PF_LOG=$dir/postfix.log
	mkdir -p "$MS_PF_CONF" "$dir/queue" "$dir/data" || return 1
	chmod 755 "$dir" "$MS_PF_CONF" "$dir/queue"
	chown postfix: "$dir/data"
	: >"$MS_PF_LOG"
	{
		cat <<MAIN
# the host's lines (test instance)
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-vmt$port
maillog_file = $MS_PF_LOG
maillog_file_prefixes = $dir
myhostname = mx.vmailadm.test
mydomain = vmailadm.test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP
biff = no
smtputf8_enable = no
relayhost = ${relay:+[127.0.0.1]:$relay}
smtp_tls_security_level = none
# quick retries: a test waits for what was deferred
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
# what vmailadm generated
MAIN
		cat "$maps/main.cf.vmailadm"
		if [ -n "${MS_POSTFIX_MAIN:-}" ]; then printf "%s\n" "$MS_POSTFIX_MAIN"; fi
	} >"$MS_PF_CONF/main.cf"
	{
		cat <<MASTER
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
MASTER
		cat "$maps/master.cf.vmailadm"
		if [ -n "${MS_POSTFIX_MASTER:-}" ]; then printf "%s\n" "$MS_POSTFIX_MASTER"; fi
	} >"$MS_PF_CONF/master.cf"
}

ms_postfix_start() {
	local dir=$1 port=$2
	ms_postfix_config "$@" || return 1
	at_exit ms_postfix_stop
	if ! postfix -c "$MS_PF_CONF" start >"$dir/start.out" 2>&1 9>&-; then
		echo "mailserver.sh: postfix -c $MS_PF_CONF start failed:" >&2
		cat "$dir/start.out" "$MS_PF_LOG" >&2
		return 1
	fi
	for _ in $(seq 100); do
		MS_PF_PID=$(tr -d ' ' <"$dir/queue/pid/master.pid" 2>/dev/null)
		[ -n "$MS_PF_PID" ] && ms_port_busy "$port" && return 0
		sleep 0.1
	done
	echo "mailserver.sh: Postfix did not listen on $port" >&2
	cat "$dir/start.out" "$MS_PF_LOG" >&2
	return 1
}

ms_postfix_stop() {
	ms_kill_wait "$MS_PF_PID"
	MS_PF_PID=""
}

# ---------------------------------------------------------------- Dovecot

ms_dovecot_config() {
	local dir=$1 gen=$2 imap=$3 sieve=$4 submit=${5:-}
	MS_DC_RUN=$(mktemp -d /tmp/vm-ms.XXXXXX) || return 1
	chmod 755 "$MS_DC_RUN"
	at_exit "rm -rf '$MS_DC_RUN'"
	MS_DC_CONF=$dir/dovecot.conf
	MS_DC_LOG=$dir/dovecot.log
	mkdir -p "$dir/state" && chmod 755 "$dir"
	: >"$MS_DC_LOG" && chmod 666 "$MS_DC_LOG"
	cat >"$MS_DC_CONF" <<CONF
!include $gen/dovecot-vmailadm.conf
# the host's lines (test instance)
protocols = \$protocols imap
listen = 127.0.0.1
base_dir = $MS_DC_RUN
state_dir = $dir/state
log_path = $MS_DC_LOG
ssl = no
auth_mechanisms = plain
auth_failure_delay = 0
disable_plaintext_auth = no
${submit:+submission_host = 127.0.0.1:$submit}
service imap-login {
  inet_listener imap {
    port = $imap
  }
  inet_listener imaps {
    port = 0
  }
}
service managesieve-login {
  inet_listener sieve {
    port = $sieve
  }
}
${MS_DOVECOT_EXTRA:-}
CONF
}

ms_dovecot_start() {
	local dir=$1 imap=$3 sieve=$4
	ms_dovecot_config "$@" || return 1
	at_exit ms_dovecot_stop
	dovecot -c "$MS_DC_CONF" </dev/null >"$dir/dovecot.out" 2>&1 9>&-
	for _ in $(seq 100); do
		MS_DC_PID=$(cat "$MS_DC_RUN/master.pid" 2>/dev/null)
		[ -n "$MS_DC_PID" ] && ms_port_busy "$imap" && ms_port_busy "$sieve" && return 0
		sleep 0.1
	done
	echo "mailserver.sh: Dovecot did not start" >&2
	cat "$dir/dovecot.out" "$MS_DC_LOG" >&2
	return 1
}

ms_dovecot_stop() {
	ms_kill_wait "$MS_DC_PID"
	MS_DC_PID=""
}

# ---------------------------------------------------------------- clients, sink

ms_sink_start() {
	local dir=$1 port=$2 secs=${3:-300}
	mkdir -p "$dir" && rm -f "$dir/ready"
	python3 "$MS_PY" sink "$dir" "$port" "$secs" </dev/null >"$dir.log" 2>&1 9>&- &
	MS_SINK_PID=$!
	at_exit ms_sink_stop
	for _ in $(seq 100); do
		[ -e "$dir/ready" ] && return 0
		kill -0 "$MS_SINK_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "mailserver.sh: the SMTP sink did not start" >&2
	cat "$dir.log" >&2
	return 1
}

ms_sink_stop() {
	ms_kill_wait "$MS_SINK_PID"
	MS_SINK_PID=""
}

# ms__reply FD: reads one SMTP reply (all its lines, 20 s at most); sets MS_CODE, MS_TEXT
ms__reply() {
	local l
	MS_CODE="" MS_TEXT=""
	while IFS= read -r -t 20 -u "$1" l; do
		l=${l%$'\r'}
		MS_TEXT=${l:4}
		if [ "${l:3:1}" != - ]; then
			MS_CODE=${l:0:3}
			return 0
		fi
	done
	MS_CODE=000 MS_TEXT="no reply (connection closed or timed out)"
	return 1
}

# ms__cmd FD LINE: sends LINE, reads the reply
ms__cmd() {
	printf '%s\r\n' "$2" >&"$1"
	ms__reply "$1"
}

# The SMTP client in bash itself (no process to start: the machine may be loaded, and a
# test sends many messages); STARTTLS needs the Python client.
ms_send() {
	local a user="" pass="" tls=0 pos=()
	while [ $# -gt 0 ]; do
		case $1 in
		--user) user=$2; shift 2 ;;
		--password) pass=$2; shift 2 ;;
		--starttls) tls=1; shift ;;
		*) pos+=("$1"); shift ;;
		esac
	done
	if [ "$tls" = 1 ]; then
		python3 "$MS_PY" send --starttls ${user:+--user "$user" --password "$pass"} "${pos[@]}"
		return
	fi
	local port=${pos[0]} from=${pos[1]} tos=${pos[2]} subject=${pos[3]:-test} body=${pos[4]:-} fd ok=0 t
	local -a rcpts
	IFS=, read -r -a rcpts <<<"$tos"
	if ! exec {fd}<>"/dev/tcp/127.0.0.1/$port"; then
		echo "ms_send: cannot connect to 127.0.0.1:$port" >&2
		return 2
	fi
	ms__reply "$fd"
	[ "$MS_CODE" = 220 ] || { echo "GREETING $MS_CODE $MS_TEXT"; exec {fd}>&-; return 2; }
	ms__cmd "$fd" "EHLO client.vmailadm.test"
	if [ -n "$user" ]; then
		ms__cmd "$fd" "AUTH PLAIN $(printf '\0%s\0%s' "$user" "$pass" | base64 -w0)"
		echo "AUTH $MS_CODE $MS_TEXT"
		[ "$MS_CODE" = 235 ] || { ms__cmd "$fd" QUIT; exec {fd}>&-; return 1; }
	fi
	ms__cmd "$fd" "MAIL FROM:<$from>"
	if [ "$MS_CODE" != 250 ]; then
		echo "MAIL $MS_CODE $MS_TEXT"
		ms__cmd "$fd" QUIT
		exec {fd}>&-
		return 1
	fi
	for t in "${rcpts[@]}"; do
		ms__cmd "$fd" "RCPT TO:<$t>"
		echo "RCPT $t $MS_CODE $MS_TEXT"
		case $MS_CODE in 250 | 251) ok=$((ok + 1)) ;; esac
	done
	if [ "$ok" = 0 ]; then
		echo "DATA skipped"
		ms__cmd "$fd" QUIT
		exec {fd}>&-
		return 1
	fi
	ms__cmd "$fd" DATA
	if [ "$MS_CODE" != 354 ]; then
		echo "DATA $MS_CODE $MS_TEXT"
		exec {fd}>&-
		return 1
	fi
	{
		printf 'From: <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s.%s@client.vmailadm.test>\r\n\r\n' \
			"$from" "$(printf '<%s>, ' "${rcpts[@]}" | sed 's/, $//')" "$subject" "$EPOCHREALTIME" "$RANDOM"
		if [ -n "$body" ]; then
			# CRLF line ends, dot-stuffed, a last line without its newline ended too
			awk '{ sub(/\r$/, ""); if (substr($0, 1, 1) == ".") $0 = "." $0; printf "%s\r\n", $0 }' "$body"
		else
			printf 'hello\r\n'
		fi
		printf '.\r\n'
	} >&"$fd"
	ms__reply "$fd"
	echo "DATA $MS_CODE $MS_TEXT"
	t=$MS_CODE
	ms__cmd "$fd" QUIT
	exec {fd}>&-
	[ "$t" = 250 ]
}
ms_imap() { python3 "$MS_PY" imap "$@"; }
ms_sieve() { python3 "$MS_PY" sieve "$@"; }

ms_wait_count() {
	local dir=$1 n=$2 secs=${3:-20} i
	for i in $(seq $((secs * 10))); do
		[ "$(find "$dir" -maxdepth 1 -type f 2>/dev/null | wc -l)" -ge "$n" ] && return 0
		sleep 0.1
	done
	return 1
}

ms_wait_log() {
	local file=$1 text=$2 secs=${3:-20} i
	for i in $(seq $((secs * 10))); do
		grep -qF -- "$text" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

ms_log_errors() {
	[ -n "${MS_DC_LOG:-}" ] && grep -n 'Error:\|Fatal:\|Panic:' "$MS_DC_LOG"
	[ -n "${MS_PF_LOG:-}" ] && grep -n ' fatal: \| panic: \| error: ' "$MS_PF_LOG"
	return 0
}
