# SPDX-License-Identifier: MIT
# tests/mailtest.sh: what the tests that hand vmailadm's generated files to the real
# Postfix and Dovecot programs share (postfix_maps, sender, dovecot, sieve_delivery,
# mailflow, submission). Source it after tests/lib.sh (bash).
#
#   db ENGINE NAME       a fresh database, its URL printed; SQLite's in a directory of
#                        its own that Postfix and Dovecot may write to, as readers of a
#                        WAL database must (they create and map its -shm file)
#   sqlite_share URL     the SQLite database files readable and writable by Postfix and
#                        Dovecot (nothing for the other engines)
#   postfix_conf_dir     sets PFCONF to a config directory for postmap ($TEST_TMP/
#                        postfix-conf, a main.cf and nothing else of Postfix)
#   postmap_q TYPE MAPDIR FILE KEY
#                        one map's answer through postmap -q as the postfix user in an
#                        empty environment, rows sorted and comma-joined (empty = not
#                        found); a lookup error prints a text the caller's check fails on
#   start_dovecot WHAT DIR RUNDIR
#                        starts `dovecot -c DIR/dovecot.conf` (its output in DIR/dovecot.out),
#                        sets DC_PID from RUNDIR/master.pid (5 s at most) and records
#                        "WHAT: dovecot started" passed, or failed with the output and
#                        DIR/dovecot.log (status 1)
#   stop_dovecot         stops the Dovecot whose pid is in $DC_PID (by that pid), if any

db() {
	if [ "$1" = sqlite ]; then
		local d=$TEST_TMP/sqlite-$2
		rm -rf "$d" && mkdir -p "$d" && chmod 1777 "$d" && printf 'sqlite:%s/%s.db\n' "$d" "$2"
	else
		new_db "$@"
	fi
}

sqlite_share() {
	case $1 in sqlite:*) chmod 666 "${1#sqlite:}"* ;; esac
}

postfix_conf_dir() {
	PFCONF=$TEST_TMP/postfix-conf
	mkdir -p "$PFCONF" && chmod 755 "$PFCONF"
	# postmap wants a main.cf; nothing else of Postfix is used
	printf 'compatibility_level = 3.6\n' >"$PFCONF/main.cf"
}

postmap_q() {
	local out err rc ef
	ef=$(mktemp)
	out=$(runuser -u postfix -- env -i /usr/sbin/postmap -c "$PFCONF" -q "$4" "$1:$2/$3" 2>"$ef")
	rc=$?
	err=$(cat "$ef")
	rm -f "$ef"
	if [ -n "$err" ] || { [ "$rc" != 0 ] && [ "$rc" != 1 ]; }; then
		# the caller's check fails on this text, whatever answer it wanted
		echo "LOOKUP ERROR (postmap -q $4 $1:$2/$3, status $rc): $err"
		return
	fi
	# several rows come back comma-joined, in any order: sort them
	printf '%s' "$out" | tr ',' '\n' | sed 's/^ *//' | sort | paste -sd, -
}

DC_PID=""
start_dovecot() {
	dovecot -c "$2/dovecot.conf" </dev/null >"$2/dovecot.out" 2>&1 9>&-
	for _ in $(seq 50); do [ -s "$3/master.pid" ] && break; sleep 0.1; done
	DC_PID=$(cat "$3/master.pid" 2>/dev/null)
	if [ -z "$DC_PID" ]; then
		fail "$1: dovecot started" "$(cat "$2/dovecot.out" "$2/dovecot.log" 2>/dev/null)"
		return 1
	fi
	pass "$1: dovecot started"
}
stop_dovecot() {
	if [ -n "$DC_PID" ]; then
		kill -TERM "$DC_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$DC_PID" 2>/dev/null || break; sleep 0.1; done
		DC_PID=""
	fi
}
