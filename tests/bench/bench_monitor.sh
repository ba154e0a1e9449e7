#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_monitor.sh: the monitor's refresh at 10k, 100k and 1M mailboxes per
# engine (VMAILADM_BENCH_SIZES, VMAILADM_ENGINES), through the real binary: the refresh
# time vmailadm measures itself (one open connection; the queries of one tick), the rows
# it transferred, and the wall time of the whole `--monitor --once` process, next to a
# baseline measured in the same run: one indexed SELECT of a 50-row page through the
# engine's own client (psql / mariadb / sqlite3, process start included).
. "$(dirname "$0")/benchlib.sh"

printf '%-7s %8s %8s %12s %6s %12s %12s\n' engine mailboxes gen_s refresh_ms rows process_ms baseline_ms
for e in ${VMAILADM_ENGINES:-sqlite pgsql mysql}; do
	e=$(vt_engine "$e") || continue
	for n in ${VMAILADM_BENCH_SIZES:-10000 100000 1000000}; do
		url=$(new_db "$e" "bench_monitor_$n") || { echo "$e: no database"; continue; }
		"$VMAILADM" -d "$url" db init >/dev/null || { echo "$e: db init failed"; continue; }
		t0=$(date +%s)
		bash "$VT_ROOT/tests/bench/gen.sh" "$e" "$url" "$n" || { echo "$e $n: generation failed"; continue; }
		gen=$(( $(date +%s) - t0 ))
		refresh=""; rows=""; proc=""; base=""
		for _ in 1 2 3 4 5 6 7; do
			out=$("$VMAILADM" -d "$url" --monitor --once --json 2>/dev/null)
			refresh="$refresh $(printf '%s' "$out" | sed -n 's/.*"refresh_ms":\([0-9.]*\).*/\1/p' | head -1)"
			rows=$(printf '%s' "$out" | sed -n 's/.*"rows":\([0-9]*\).*/\1/p' | head -1)
			proc="$proc $(ms "$VMAILADM" -d "$url" --monitor --once)"
			base="$base $(ms sql "$e" "$url" "SELECT id, address FROM admin_mailbox WHERE domain_id = 1 AND address > 'u5' ORDER BY domain_id, address LIMIT 50")"
		done
		printf '%-7s %8s %8s %12s %6s %12s %12s\n' "$e" "$n" "$gen" \
			"$(echo $refresh | tr ' ' '\n' | median)" "$rows" "$(echo $proc | tr ' ' '\n' | median)" \
			"$(echo $base | tr ' ' '\n' | median)"
		[ -n "${VMAILADM_BENCH_KEEP:-}" ] || case $e in
			pgsql) vt_pg "$(vt_admin_url pgsql)" -c "DROP DATABASE IF EXISTS bench_monitor_$n" >/dev/null 2>&1 ;;
			mysql) sql mysql "$(vt_admin_url mysql)" "DROP DATABASE IF EXISTS bench_monitor_$n" >/dev/null 2>&1 ;;
			sqlite) rm -f "$(vt_sqlite_path "$url")"* ;;
		esac
	done
done
