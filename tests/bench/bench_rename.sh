#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_rename.sh: renaming the big domain of a generated database (tests/bench/
# gen.sh: N mailboxes, half of them in d1.bench) on each engine: the wall time of
# `domain rename` (accounts, quota rows, one queued rename per mailbox, one transaction)
# and of the `ops run` that then moves N/2 maildirs under a temporary mail root.
# Environment: VMAILADM_BENCH_RENAME_SIZES (default 10000), VMAILADM_ENGINES.
. "$(dirname "$0")/benchlib.sh"
secs() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; echo "$?" >"$TEST_TMP/rc"; t1=$(date +%s%N); awk -v d=$(( (t1 - t0) / 1000000 )) 'BEGIN { printf "%.2f\n", d / 1000 }'; }

printf '%-7s %9s %7s %10s %9s %8s\n' engine mailboxes moved rename_s opsrun_s status
for e in $(vt_engines "${VMAILADM_ENGINES:-}"); do
	for n in ${VMAILADM_BENCH_RENAME_SIZES:-10000}; do
		url=$(new_db "$e" bench_rename) || continue
		"$VMAILADM" -q -d "$url" db init >/dev/null || continue
		bash "$VT_ROOT/tests/bench/gen.sh" "$e" "$url" "$n" || continue
		root=$TEST_TMP/rename-mail
		rm -rf "$root" && mkdir -p "$root/d1.bench"
		moved=$(sql "$e" "$url" "SELECT count(*) FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id WHERE d.name = 'd1.bench'")
		sql "$e" "$url" "SELECT mb.address FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id WHERE d.name = 'd1.bench'" |
			(cd "$root/d1.bench" && xargs mkdir)
		printf '[mail]\nroot = %s\nowner = %s\n' "$root" "$(id -un)" >"$TEST_TMP/rename.conf"
		V() { "$VMAILADM" -q -c "$TEST_TMP/rename.conf" -d "$url" "$@"; }
		t1=$(secs V domain rename d1.bench big.bench); r1=$(cat "$TEST_TMP/rc")
		t2=$(secs V ops run); r2=$(cat "$TEST_TMP/rc")
		left=$(ls "$root/d1.bench" | wc -l)
		status=ok
		[ "$r1$r2" = 00 ] && [ "$left" = 0 ] && [ "$(ls "$root/big.bench" | wc -l)" = "$moved" ] || status="FAILED($r1,$r2,$left)"
		printf '%-7s %9s %7s %10s %9s %8s\n' "$e" "$n" "$moved" "$t1" "$t2" "$status"
	done
done
