#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_batch.sh: mailboxes per second for a script of N (default 100000) `mailbox add`
# statements with plain passwords, in one -f run, on each engine, next to the single-core
# and all-core hashing rates measured in the same run (tests/bench/hashrate.c, linked with
# libvmailadm.a). DB time per mailbox = the same script with password-hash= (hashes checked
# on all cores, not made) is reported too. Servers: tests/servers.sh (started if needed).
# Environment: BENCH_N, VMAILADM_ENGINES.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
. tests/lib.sh
N=${BENCH_N:-100000}
W=$TEST_TMP
. ./config.mk 2>/dev/null || true
LIBS=$(sed -n 's/^PKG_LIBS = //p' config.mk)
cc -O2 -D_GNU_SOURCE -I. -o "$W/hashrate" tests/bench/hashrate.c libvmailadm.a $LIBS -lpthread || exit 2
read -r _ single < <("$W/hashrate" 400 | grep '^single')
read -r _ allc threads < <("$W/hashrate" 2000 | grep '^all')
cores=$(nproc)
goal=$(awk -v s="$single" -v c="$cores" 'BEGIN { printf "%.0f", 0.8 * s * c }')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "hashing (SHA512-CRYPT): single core $single/s, all cores $allc/s ($threads threads); goal 0.8 x cores x single = $goal mailboxes/s"
{
	echo "domain add bench.test"
	for ((i = 0; i < N; i++)); do echo "mailbox add u$i@bench.test password=pw-$i"; done
} >"$W/plain.txt"
for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" bench_batch) || continue
	"$VMAILADM" -q -d "$url" db init >/dev/null
	t0=$(date +%s.%N)
	"$VMAILADM" -q -d "$url" -f "$W/plain.txt" || { echo "$e: the run failed"; continue; }
	t1=$(date +%s.%N)
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
test_done
