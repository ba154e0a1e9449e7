#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# monitor.sh: live quota usage on every engine: the copies in admin_quota stay right
# under Dovecot's quota dict statements (UPDATE bytes=bytes+N; DELETE + upsert), Modoboa-
# style inserts and vmailadm's own mailbox add/set/del; the rollup; quota show's status
# and exit code 4; db upgrade on a database without the addition; --read-only and
# --monitor refuse every write (also through a SELECT-only role); the live dashboard in
# tmux shows a Dovecot-style update within one interval.
. "$(dirname "$0")/../lib.sh"

# dovecot_upsert ENGINE URL USER BYTES MESSAGES: what Dovecot's quota dict does on a
# recalc or for a missing row: delete, then insert-or-update the true totals
dovecot_upsert() {
	case $1 in
	pgsql) sql pgsql "$2" "DELETE FROM admin_quota WHERE username = '$3';
		INSERT INTO admin_quota (bytes, messages, username) VALUES ($4, $5, '$3')
		ON CONFLICT (username) DO UPDATE SET bytes = EXCLUDED.bytes, messages = EXCLUDED.messages" ;;
	mysql) sql mysql "$2" "DELETE FROM admin_quota WHERE username = '$3';
		INSERT INTO admin_quota (bytes, messages, username) VALUES ($4, $5, '$3')
		ON DUPLICATE KEY UPDATE bytes = VALUES(bytes), messages = VALUES(messages)" ;;
	sqlite) sql sqlite "$2" "DELETE FROM admin_quota WHERE username = '$3';
		INSERT OR REPLACE INTO admin_quota (bytes, messages, username) VALUES ($4, $5, '$3')" ;;
	esac
}

# the copies of one row: mbox_id is the mailbox's, quota_mb its quota, domain_id its domain
copies() {
	sql "$1" "$2" "SELECT q.bytes, q.messages, q.quota_mb, $(b "q.mbox_id = mb.id"), $(b "q.domain_id = mb.domain_id")
		FROM admin_quota q JOIN admin_user u ON u.username = q.username
		JOIN admin_mailbox mb ON mb.user_id = u.id WHERE q.username = '$3'"
}
b() { echo "CASE WHEN $1 THEN 1 ELSE 0 END"; }

# ro_url ENGINE URL: the same database through a role that may only SELECT
ro_url() {
	local db=${2##*/} rest=${2#*://}
	local hostpart=${rest#*@}
	case $1 in
	pgsql)
		sql pgsql "$2" "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vm_monitor')
			THEN CREATE ROLE vm_monitor LOGIN PASSWORD 'monpw'; END IF; END \$\$;
			GRANT CONNECT ON DATABASE \"$db\" TO vm_monitor; GRANT USAGE ON SCHEMA public TO vm_monitor;
			GRANT SELECT ON ALL TABLES IN SCHEMA public TO vm_monitor" >/dev/null || return 1
		echo "postgresql://vm_monitor:monpw@$hostpart" ;;
	mysql)
		sql mysql "$2" "CREATE USER IF NOT EXISTS 'vm_monitor'@'%' IDENTIFIED BY 'monpw';
			CREATE USER IF NOT EXISTS 'vm_monitor'@'localhost' IDENTIFIED BY 'monpw';
			GRANT SELECT ON \`$db\`.* TO 'vm_monitor'@'%'; GRANT SELECT ON \`$db\`.* TO 'vm_monitor'@'localhost'" \
			>/dev/null || return 1
		echo "mysql://vm_monitor:monpw@$hostpart" ;;
	esac
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_monitor) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -d "$url" "$@"; }

	check_rc "$e: db init" 0 V db init
	check_rc "$e: db check" 0 V db check
	case $OUT in *"live quota"*) fail "$e: db check after init warns about the addition" "$OUT" ;;
	*) pass "$e: db check after init has the addition" ;; esac
	V domain add ex.test >/dev/null
	V mailbox add full@ex.test password=x quota=1 >/dev/null
	V mailbox add free@ex.test password=x quota=0 >/dev/null
	V mailbox add half@ex.test password=x quota=10 >/dev/null
	check_eq "$e: copies after mailbox add" "$(copies "$e" "$url" full@ex.test)" "0|0|1|1|1"

	# Dovecot's delivery: bytes=bytes+N
	sql "$e" "$url" "UPDATE admin_quota SET bytes=bytes+1000000, messages=messages+1 WHERE username='full@ex.test'"
	sql "$e" "$url" "UPDATE admin_quota SET bytes=bytes+5242880, messages=messages+2 WHERE username='half@ex.test'"
	check_eq "$e: copies after a Dovecot update" "$(copies "$e" "$url" full@ex.test)" "1000000|1|1|1|1"
	check_rc "$e: quota show over critical exits 4" 4 V quota show full@ex.test
	check_eq "$e: quota show over critical" "$OUT" "full@ex.test	1000000	1	1M	95.4	critical	"
	check_rc "$e: quota show of a half-full mailbox exits 0" 0 V quota show half@ex.test
	check_eq "$e: quota show half" "$OUT" "half@ex.test	5242880	2	10M	50.0	ok	"
	check_rc "$e: quota show top=1 is the fullest" 4 V quota show top=1
	check_eq "$e: top=1" "${OUT%%	*}" "full@ex.test"
	check_rc "$e: quota show domain --json" 4 V --json quota show ex.test
	check_contains "$e: json status" "$OUT" '"address":"full@ex.test","used_bytes":"1000000","messages":"1","quota":"1M","percent":"95.4","status":"critical"'
	check_rc "$e: --monitor --once exits 4 over critical" 4 V --monitor --once
	check_contains "$e: --monitor --once fullest first" "$(echo "$OUT" | grep -v '^#' | head -1)" "full@ex.test"
	check_rc "$e: --monitor --once --json" 4 V --monitor --once --json
	check_contains "$e: --monitor --once --json" "$OUT" '"pending_ops":0'

	# Dovecot's recalc: delete + upsert; the trigger links the new row again
	dovecot_upsert "$e" "$url" full@ex.test 2000 3
	check_eq "$e: copies after Dovecot's delete + upsert" "$(copies "$e" "$url" full@ex.test)" "2000|3|1|1|1"
	check_rc "$e: quota show after the recalc exits 0" 0 V quota show full@ex.test
	# a negative count, as the guide's merge_quota trigger leaves, is flagged
	dovecot_upsert "$e" "$url" half@ex.test 100 -5
	check_rc "$e: quota show negative" 0 V quota show half@ex.test
	check_contains "$e: negative flagged" "$OUT" "negative"
	# vmailadm's own changes carry over
	V mailbox set full@ex.test quota=2 >/dev/null
	check_eq "$e: copies after mailbox set quota" "$(copies "$e" "$url" full@ex.test)" "2000|3|2|1|1"
	# Modoboa-style: user, mailbox, then the quota row with the link given
	check_rc "$e: rollup" 0 V quota rollup
	check_eq "$e: rollup totals" "$(sql "$e" "$url" "SELECT mailboxes, unlimited, bytes, messages, allocated_mb, anomalies FROM vmailadm_domain_usage")" "3|1|2100|-2|12|1"
	sql "$e" "$url" "UPDATE admin_quota SET bytes=bytes+900, messages=messages+1 WHERE username='free@ex.test'"
	V quota rollup >/dev/null
	check_eq "$e: rollup after a Dovecot update" "$(sql "$e" "$url" "SELECT bytes FROM vmailadm_domain_usage")" "3000"
	V mailbox del free@ex.test >/dev/null
	check_eq "$e: quota row gone with the mailbox" "$(sql "$e" "$url" "SELECT COUNT(*) FROM admin_quota WHERE username='free@ex.test'")" "0"

	# read-only sessions refuse every write; the rows stay
	before=$(sql "$e" "$url" "SELECT username, bytes FROM admin_quota ORDER BY username")
	check_rc "$e: --read-only mailbox add refused" 1 V --read-only mailbox add new@ex.test password=x
	check_contains "$e: --read-only says so" "$ERR" "read-only"
	check_rc "$e: --read-only quota rollup refused" 1 V --read-only quota rollup
	check_rc "$e: --read-only db upgrade refused" 1 V --read-only db upgrade
	check_rc "$e: --read-only quota recalc refused" 1 V --read-only quota recalc full@ex.test
	printf 'mailbox set half@ex.test quota=20\nmailbox del full@ex.test\n' >"$TEST_TMP/w.vm"
	check_rc "$e: --read-only -f script refused" 1 V --read-only -f "$TEST_TMP/w.vm"
	check_rc "$e: --monitor with a statement refused" 2 V --monitor mailbox del full@ex.test
	check_rc "$e: --monitor with a script refused" 2 V --monitor -f "$TEST_TMP/w.vm"
	check_rc "$e: --read-only quota show works" 0 V --read-only quota show half@ex.test
	check_eq "$e: rows unchanged by read-only sessions" "$(sql "$e" "$url" "SELECT username, bytes FROM admin_quota ORDER BY username")" "$before"
	check_eq "$e: no mailbox added" "$(sql "$e" "$url" "SELECT COUNT(*) FROM admin_mailbox")" "2"

	# a role that may only SELECT
	if [ "$e" != sqlite ]; then
		if ro=$(ro_url "$e" "$url"); then
			check_rc "$e: SELECT-only role: --monitor --once" 0 "$VMAILADM" -d "$ro" --monitor --once
			check_contains "$e: SELECT-only role sees the rows" "$OUT" "full@ex.test"
			check_rc "$e: SELECT-only role: --read-only quota show" 0 "$VMAILADM" -d "$ro" --read-only quota show ex.test
			check_rc "$e: SELECT-only role: --read-only mailbox del refused" 1 "$VMAILADM" -d "$ro" --read-only mailbox del full@ex.test
			check_rc "$e: SELECT-only role: -f script refused" 1 "$VMAILADM" -d "$ro" --read-only -f "$TEST_TMP/w.vm"
			check_eq "$e: SELECT-only role: rows unchanged" "$(sql "$e" "$url" "SELECT username, bytes FROM admin_quota ORDER BY username")" "$before"
		else
			fail "$e: cannot create the SELECT-only role"
		fi
	fi

	# db upgrade on a database without the addition (as Modoboa or an older vmailadm made it)
	case $e in
	pgsql) sql "$e" "$url" "DROP TABLE vmailadm_domain_usage; DROP TRIGGER vmailadm_quota_fill ON admin_quota;
		DROP INDEX admin_quota_usage; ALTER TABLE admin_quota DROP COLUMN quota_mb" ;;
	mysql) sql "$e" "$url" "DROP TABLE vmailadm_domain_usage; DROP TRIGGER vmailadm_quota_fill;
		ALTER TABLE admin_quota DROP COLUMN usage_ratio; DROP INDEX admin_quota_domain_usage ON admin_quota; ALTER TABLE admin_quota DROP COLUMN quota_mb" ;;
	sqlite) sql "$e" "$url" "DROP TABLE vmailadm_domain_usage; DROP TRIGGER vmailadm_quota_fill;
		DROP TRIGGER vmailadm_quota_changed; DROP INDEX admin_quota_usage; DROP INDEX admin_quota_domain_usage; DROP INDEX admin_quota_domain_usage_name;
		DROP INDEX admin_quota_changed; ALTER TABLE admin_quota DROP COLUMN quota_mb;
		ALTER TABLE admin_quota DROP COLUMN domain_id; ALTER TABLE admin_quota DROP COLUMN changed" ;;
	esac
	check_rc "$e: db check without the addition" 0 V db check
	check_contains "$e: db check warns" "$OUT" "run vmailadm db upgrade"
	check_rc "$e: db upgrade" 0 V db upgrade
	check_contains "$e: db upgrade says what it added" "$OUT" "column admin_quota.quota_mb"
	check_rc "$e: db check after upgrade" 0 V db check
	case $OUT in *"live quota"*) fail "$e: still missing after db upgrade" "$OUT" ;; *) pass "$e: complete after db upgrade" ;; esac
	check_eq "$e: copies filled by the upgrade" "$(copies "$e" "$url" full@ex.test)" "2000|3|2|1|1"
	check_rc "$e: db upgrade twice" 0 V db upgrade
	check_contains "$e: nothing missing the second time" "$OUT" "nothing was missing"
	# a rollup made before its aliases column: domain list counts exactly until db upgrade adds it
	check_rc "$e: an alias to count" 0 V alias add a1@ex.test x@example.org
	check_rc "$e: another alias to count" 0 V alias add a2@ex.test y@example.org
	sql "$e" "$url" "ALTER TABLE vmailadm_domain_usage DROP COLUMN aliases"
	check_rc "$e: domain list on the older rollup" 0 V domain list ex.test
	check_contains "$e: domain list on the older rollup counts" "$OUT" "ex.test"
	check_rc "$e: db check on the older rollup" 0 V db check
	check_contains "$e: db check names the missing column" "$OUT" "column vmailadm_domain_usage.aliases"
	check_rc "$e: db upgrade adds the column" 0 V db upgrade
	check_contains "$e: db upgrade says it added the column" "$OUT" "column vmailadm_domain_usage.aliases"
	check_rc "$e: domain list after the rollup" 0 V domain list ex.test
	check_eq "$e: domain list: the aliases, and the rollup's time as as_of" \
		"$(printf '%s\n' "$OUT" | awk -F '\t' '{print $1, $5, ($9 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/)}')" "ex.test 2 1"
	check_eq "$e: the rollup counts aliases" \
		"$(sql "$e" "$url" "SELECT u.aliases FROM vmailadm_domain_usage u JOIN admin_domain d ON d.id = u.domain_id WHERE d.name = 'ex.test'")" 2
	# a script's mailboxes (written in slices, not one by one) count in the rollup at once
	rc_="SELECT u.mailboxes FROM vmailadm_domain_usage u JOIN admin_domain d ON d.id = u.domain_id WHERE d.name = 'ex.test'"
	n0=$(sql "$e" "$url" "$rc_")
	printf 'mailbox add s1@ex.test password=pw-s1\nmailbox add s2@ex.test password=pw-s2\nmailbox add s3@ex.test password=pw-s3\n' >"$TEST_TMP/slice.vm"
	check_rc "$e: a script of mailboxes" 0 V -f "$TEST_TMP/slice.vm"
	check_eq "$e: the script's mailboxes counted in the rollup" "$(sql "$e" "$url" "$rc_")" "$((n0 + 3))"
	check_rc "$e: quota rollup after the script" 0 V quota rollup
	check_eq "$e: the refresh agrees with the running count" "$(sql "$e" "$url" "$rc_")" "$((n0 + 3))"

	# the live dashboard: a Dovecot-style update is on screen within one interval
	if command -v tmux >/dev/null; then
		sock="$TEST_TMP/tmux.sock"
		tmux -S "$sock" new-session -d -x 140 -y 30 "TERM=xterm-256color '$VMAILADM' -d '$url' --monitor --interval 1; sleep 30"
		at_exit "tmux -S '$sock' kill-server 2>/dev/null"
		sleep 1.2
		screen=$(tmux -S "$sock" capture-pane -p)
		check_contains "$e: monitor shows the fullest" "$screen" "full@ex.test"
		sql "$e" "$url" "UPDATE admin_quota SET bytes=bytes+123456789, messages=messages+1 WHERE username='half@ex.test'"
		seen=""
		for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
			sleep 0.2
			screen=$(tmux -S "$sock" capture-pane -p)
			case $screen in *"117.7M"*) seen=1; break ;; esac
		done
		[ -n "$seen" ] && pass "$e: monitor shows the update within one interval" ||
			fail "$e: monitor did not show the update within 2.4 s" "$screen"
		# keys change the view but write nothing
		before=$(sql "$e" "$url" "SELECT username, bytes, messages FROM admin_quota ORDER BY username")
		for k in s p p + - '?' x r d D a e Delete Enter; do tmux -S "$sock" send-keys "$k"; done
		sleep 0.3
		check_eq "$e: monitor keys write nothing" "$(sql "$e" "$url" "SELECT username, bytes, messages FROM admin_quota ORDER BY username")" "$before"
		tmux -S "$sock" send-keys q
		sleep 0.3
		screen=$(tmux -S "$sock" capture-pane -p)
		case $screen in *"vmailadm monitor"*) fail "$e: q did not quit the monitor" "$screen" ;; *) pass "$e: q quits" ;; esac
		tmux -S "$sock" kill-server 2>/dev/null
	fi
done
test_done
