#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_sender.sh: the sender map's query (sql-sender-login.cf, the one
# smtpd_sender_login_maps asks on every submission) against the alias map's
# (sql-aliases.cf), on a generated database (tests/bench/gen.sh: N mailboxes, N/5
# aliases) with N/100 sender grants and a domain alias of the big domain, on each engine.
# Both queries come from `maps generate` itself, with Postfix's %u/%d filled in for a
# mailbox address of the big domain (the sender map's common case: its own address),
# an alias address, and an address of the domain alias. Prints the plan (EXPLAIN) of each
# and the time of R runs of each in one client session, with the ratio sender/alias
# (the baseline is measured in the same run).
# Environment: VMAILADM_BENCH_SENDER_SIZES (default 1000000), VMAILADM_BENCH_SENDER_RUNS
# (default 300), VMAILADM_ENGINES.
. "$(dirname "$0")/benchlib.sh"
R=${VMAILADM_BENCH_SENDER_RUNS:-300}

# the query line of a generated map with the key's parts filled in
query_of() { sed -n 's/^query = //p' "$1" | sed -e "s/%u/$2/g" -e "s/%d/$3/g" -e "s/%s/$2@$3/g"; }

# runs FILE (R copies of one query) with the engine's client; prints milliseconds
timed() {
	local t0 t1
	t0=$(date +%s%N)
	case $e in
	pgsql) vt_pg "$url" -q -At -f "$1" >/dev/null ;;
	mysql) vt_mysql "$url" -N -B <"$1" >/dev/null ;;
	sqlite) sqlite3 -batch "$(vt_sqlite_path "$url")" <"$1" >/dev/null ;;
	esac
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

explain() {
	case $e in
	pgsql) sql "$e" "$url" "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) $1" ;;
	mysql) sql "$e" "$url" "EXPLAIN $1" ;;
	sqlite) sql "$e" "$url" "EXPLAIN QUERY PLAN $1" ;;
	esac
}

for e in $(vt_engines "${VMAILADM_ENGINES:-}"); do
	for n in ${VMAILADM_BENCH_SENDER_SIZES:-1000000}; do
		url=$(new_db "$e" bench_sender) || continue
		"$VMAILADM" -q -d "$url" db init >/dev/null || continue
		bash "$VT_ROOT/tests/bench/gen.sh" "$e" "$url" "$n" || continue
		"$VMAILADM" -q -d "$url" domainalias add alias.bench d1.bench >/dev/null || continue
		# N/100 grants: every 100th mailbox may send as an address of the big domain
		case $e in
		pgsql) ins="INSERT INTO vmailadm_sender (mailbox_id, local_part, domain) SELECT id, 'g' || id, 'd1.bench' FROM admin_mailbox WHERE id % 100 = 0; ANALYZE vmailadm_sender" ;;
		mysql) ins="INSERT INTO vmailadm_sender (mailbox_id, local_part, domain) SELECT id, CONCAT('g', id), 'd1.bench' FROM admin_mailbox WHERE id % 100 = 0; ANALYZE TABLE vmailadm_sender" ;;
		sqlite) ins="INSERT INTO vmailadm_sender (mailbox_id, local_part, domain) SELECT id, 'g' || id, 'd1.bench' FROM admin_mailbox WHERE id % 100 = 0; ANALYZE" ;;
		esac
		sql "$e" "$url" "$ins" >/dev/null || continue
		M=$TEST_TMP/sender-maps-$e
		rm -rf "$M" && mkdir -p "$M"
		printf '[mail]\nowner = %s\n' "$(id -un)" >"$TEST_TMP/sender.conf"
		"$VMAILADM" -q -c "$TEST_TMP/sender.conf" -d "$url" maps generate "$M" >/dev/null || continue
		mb=$(sql "$e" "$url" "SELECT mb.address FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id WHERE d.name = 'd1.bench' ORDER BY mb.id DESC LIMIT 1")
		al=$(sql "$e" "$url" "SELECT al.address FROM admin_alias al JOIN admin_domain d ON d.id = al.domain_id WHERE d.name = 'd1.bench' ORDER BY al.id DESC LIMIT 1")
		echo "== $e, $n mailboxes: keys $mb@d1.bench, $al@d1.bench, $mb@alias.bench"
		for key in "$mb d1.bench" "$al d1.bench" "$mb alias.bench"; do
			set -- $key
			qs=$(query_of "$M/sql-sender-login.cf" "$1" "$2")
			qa=$(query_of "$M/sql-aliases.cf" "$1" "$2")
			echo "-- sender map, key $1@$2: $(sql "$e" "$url" "$qs" | paste -sd, -)"
			explain "$qs"
			echo "-- alias map, key $1@$2"
			explain "$qa"
			for _ in $(seq "$R"); do printf '%s;\n' "$qs"; done >"$TEST_TMP/qs.sql"
			for _ in $(seq "$R"); do printf '%s;\n' "$qa"; done >"$TEST_TMP/qa.sql"
			timed "$TEST_TMP/qa.sql" >/dev/null # warm both
			timed "$TEST_TMP/qs.sql" >/dev/null
			ta=$(timed "$TEST_TMP/qa.sql")
			ts=$(timed "$TEST_TMP/qs.sql")
			awk -v e="$e" -v k="$1@$2" -v r="$R" -v ta="$ta" -v ts="$ts" 'BEGIN {
				printf "RESULT %-6s %-28s %d runs: alias map %.3f ms/query, sender map %.3f ms/query, ratio %.2f\n",
					e, k, r, ta / r, ts / r, (ta > 0 ? ts / ta : 0) }'
		done
	done
done
