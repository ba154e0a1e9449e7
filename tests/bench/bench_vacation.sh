#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_vacation.sh: `vacation list` and the console's "V" flag at 10k, 100k
# and 1M mailboxes per engine (VMAILADM_BENCH_SIZES, VMAILADM_ENGINES), one mailbox in
# 100 with a vacation: the wall time of `vacation list d1.bench` (the big domain, half
# the mailboxes) and of `vacation list` (every domain) through the real binary, the
# flag's query for a 50-row page (vacation_active_flags' SQL, through the engine's own
# client), next to a baseline measured in the same run: one indexed SELECT of a 50-row
# mailbox page through the same client (process start included). Prints each query's
# plan (EXPLAIN) once per engine at the largest size.
. "$(dirname "$0")/benchlib.sh"
DAY=$(date +%F)
LIST_SQL="SELECT v.mbox_id, mb.address, d.name, v.subject FROM vmailadm_vacation v JOIN admin_mailbox mb ON mb.id = v.mbox_id JOIN admin_domain d ON d.id = mb.domain_id WHERE v.domain_id = 1 AND v.mbox_id > 0 ORDER BY v.domain_id, v.mbox_id LIMIT 500"

printf '%-7s %8s %9s %8s %13s %12s %9s %12s\n' engine mailboxes vacations gen_s list_domain_ms list_all_ms flag_ms baseline_ms
for e in ${VMAILADM_ENGINES:-sqlite pgsql mysql}; do
	e=$(vt_engine "$e") || continue
	last=${VMAILADM_BENCH_SIZES:-10000 100000 1000000}
	last=${last##* }
	for n in ${VMAILADM_BENCH_SIZES:-10000 100000 1000000}; do
		url=$(new_db "$e" "bench_vacation_$n") || { echo "$e: no database"; continue; }
		"$VMAILADM" -d "$url" db init >/dev/null || { echo "$e: db init failed"; continue; }
		t0=$(date +%s)
		bash "$VT_ROOT/tests/bench/gen.sh" "$e" "$url" "$n" || { echo "$e $n: generation failed"; continue; }
		sql "$e" "$url" "INSERT INTO vmailadm_vacation (mbox_id, domain_id, subject, body, from_date, until_date, days, addresses, enabled) SELECT id, domain_id, 'Away', 'Back soon', NULL, CASE WHEN id % 300 = 0 THEN '2000-01-01' ELSE NULL END, 7, '', 1 FROM admin_mailbox WHERE id % 100 = 0" >/dev/null
		case $e in pgsql) sql "$e" "$url" "ANALYZE" >/dev/null ;; mysql) sql "$e" "$url" "ANALYZE TABLE vmailadm_vacation, admin_mailbox" >/dev/null ;; sqlite) sql "$e" "$url" "ANALYZE" >/dev/null ;; esac
		gen=$(( $(date +%s) - t0 ))
		nv=$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_vacation")
		ids=$(sql "$e" "$url" "SELECT id FROM admin_mailbox WHERE domain_id = 1 AND address > 'u5' ORDER BY domain_id, address LIMIT 50" | paste -sd, -)
		FLAG_SQL="SELECT mbox_id FROM vmailadm_vacation WHERE enabled = 1 AND (from_date IS NULL OR from_date <= '$DAY') AND (until_date IS NULL OR until_date >= '$DAY') AND mbox_id IN ($ids)"
		ld=""; la=""; fl=""; base=""
		for _ in 1 2 3 4 5; do
			ld="$ld $(ms "$VMAILADM" -d "$url" vacation list d1.bench)"
			la="$la $(ms "$VMAILADM" -d "$url" vacation list)"
			fl="$fl $(ms sql "$e" "$url" "$FLAG_SQL")"
			base="$base $(ms sql "$e" "$url" "SELECT id, address FROM admin_mailbox WHERE domain_id = 1 AND address > 'u5' ORDER BY domain_id, address LIMIT 50")"
		done
		printf '%-7s %8s %9s %8s %13s %12s %9s %12s\n' "$e" "$n" "$nv" "$gen" \
			"$(echo $ld | tr ' ' '\n' | median)" "$(echo $la | tr ' ' '\n' | median)" \
			"$(echo $fl | tr ' ' '\n' | median)" "$(echo $base | tr ' ' '\n' | median)"
		if [ "$n" = "$last" ]; then
			case $e in
			pgsql) ex="EXPLAIN" ;;
			mysql) ex="EXPLAIN" ;;
			sqlite) ex="EXPLAIN QUERY PLAN" ;;
			esac
			echo "-- $e: plan of vacation list DOMAIN (its first page)"
			sql "$e" "$url" "$ex $LIST_SQL" | sed 's/^/   /'
			echo "-- $e: plan of the V flag for a 50-row page"
			sql "$e" "$url" "$ex $FLAG_SQL" | sed 's/^/   /'
		fi
		[ -n "${VMAILADM_BENCH_KEEP:-}" ] || case $e in
			pgsql) vt_pg "$(vt_admin_url pgsql)" -c "DROP DATABASE IF EXISTS bench_vacation_$n" >/dev/null 2>&1 ;;
			mysql) sql mysql "$(vt_admin_url mysql)" "DROP DATABASE IF EXISTS bench_vacation_$n" >/dev/null 2>&1 ;;
			sqlite) rm -f "$(vt_sqlite_path "$url")"* ;;
		esac
	done
done
