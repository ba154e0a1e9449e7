#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_batch.sh: mailboxes per second for a script of N (default 100000) `mailbox add`
# statements with plain passwords, in one -f run, on each engine, next to the single-core
# and all-core hashing rates measured in the same run (tests/bench/hashrate.c, linked with
# libvmailadm.a). DB time per mailbox = the same script with password-hash= (hashes checked
# on all cores, not made) is reported too. Servers: tests/servers.sh (started if needed).
# Environment: BENCH_N, VMAILADM_ENGINES, BENCH_ROUNDS (default 1): with R rounds, every
# run with plain passwords is measured R times, each next to the hashing rates measured just
# before it (a shared machine's speed drifts by a third from one minute to the next), and a
# last line per engine gives the medians of the rate, of its share of the goal and of its
# share of the all-core hashing rate (1.00 = as fast as hashing alone on all cores).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
. tests/lib.sh
N=${BENCH_N:-100000}
W=$TEST_TMP
. ./config.mk 2>/dev/null || true
LIBS=$(sed -n 's/^PKG_LIBS = //p' config.mk)
cc -O2 -D_GNU_SOURCE -I. -o "$W/hashrate" tests/bench/hashrate.c libvmailadm.a $LIBS -lpthread || exit 2
rates() { # sets single, allc, threads, goal
	read -r _ single < <("$W/hashrate" 400 | grep '^single')
	read -r _ allc threads < <("$W/hashrate" 2000 | grep '^all')
	goal=$(awk -v s="$single" -v c="$cores" 'BEGIN { printf "%.0f", 0.8 * s * c }')
}
cores=$(nproc)
rates
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "hashing (SHA512-CRYPT): single core $single/s, all cores $allc/s ($threads threads); goal 0.8 x cores x single = $goal mailboxes/s"
{
	echo "domain add bench.test"
	for ((i = 0; i < N; i++)); do echo "mailbox add u$i@bench.test password=pw-$i"; done
} >"$W/plain.txt"
rounds=${BENCH_ROUNDS:-1}
: >"$W/rounds.txt"
for ((k = 1; k <= rounds; k++)); do
	for e in $VMAILADM_ENGINES; do
		url=$(new_db "$e" bench_batch) || continue
		"$VMAILADM" -q -d "$url" db init >/dev/null
		[ "$k" = 1 ] || rates
		t0=$(date +%s.%N)
		"$VMAILADM" -q -d "$url" -f "$W/plain.txt" || { echo "$e: the run failed"; continue; }
		t1=$(date +%s.%N)
		if [ "$rounds" -gt 1 ]; then
			awk -v e="$e" -v k="$k" -v n="$N" -v a="$t0" -v b="$t1" -v g="$goal" -v s="$single" -v all="$allc" -v f="$W/rounds.txt" 'BEGIN {
				r = n / (b - a)
				printf "%-7s round %d: %.0f mailboxes/s; hashing %s/s single, %s/s all cores: %.0f%% of goal, %.2f of all cores\n", e, k, r, s, all, 100 * r / g, r / all
				printf "%s %.1f %.1f %.3f\n", e, r, 100 * r / g, r / all >>f }'
		fi
		[ "$k" = 1 ] || continue
		# the same rows with given hashes: what the database part costs
		if [ "$e" = mysql ]; then
			sql "$e" "$url" "SELECT CONCAT('mailbox add ', username, ' ''password-hash=', password, '''') FROM admin_user ORDER BY id" >"$W/hashes.body"
		else
			sql "$e" "$url" "SELECT 'mailbox add ' || username || ' ''password-hash=' || password || '''' FROM admin_user ORDER BY id" >"$W/hashes.body"
		fi
		{ echo "domain add bench.test"; cat "$W/hashes.body"; } >"$W/hashes.txt"
		url2=$(new_db "$e" bench_batch2) || continue
		"$VMAILADM" -q -d "$url2" db init >/dev/null
		t2=$(date +%s.%N)
		"$VMAILADM" -q -d "$url2" -f "$W/hashes.txt" || { echo "$e: the hash run failed"; continue; }
		t3=$(date +%s.%N)
		awk -v e="$e" -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v g="$goal" 'BEGIN {
			r = n / (b - a); printf "%-7s %d mailboxes in %.1f s: %.0f mailboxes/s (%.0f%% of goal); with given hashes %.1f s = %.3f ms per mailbox (hash check included)\n",
			e, n, b - a, r, 100 * r / g, d - c, 1000 * (d - c) / n }'
	done
done
if [ "$rounds" -gt 1 ]; then
	for e in $VMAILADM_ENGINES; do
		awk -v e="$e" '$1 == e { n++; r[n] = $2; g[n] = $3; a[n] = $4 }
			function med(v, n,   i, j, t) {
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
				return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
			END { if (n) printf "%-7s median of %d rounds: %.0f mailboxes/s, %.0f%% of goal, %.2f of all cores\n", e, n, med(r, n), med(g, n), med(a, n) }' "$W/rounds.txt"
	done
fi
test_done
