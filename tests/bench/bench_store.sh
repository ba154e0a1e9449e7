#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_store.sh: `store check` at 10k, 100k and 1M mailboxes with a home
# each (VMAILADM_BENCH_SIZES, VMAILADM_ENGINES), through the real binary, against a
# baseline measured in the same run: `find ROOT -mindepth 2 -maxdepth 2 -type d | wc -l`
# plus one ordered scan of admin_mailbox through the engine's own client; its peak RSS
# (GNU time's %M); and `store check usage` against `du -s ROOT` of the same tree.
# The database comes from tests/bench/gen.sh (half the mailboxes in one domain); the tree
# is made once per size by tests/bench/mkhomes.c from the database's own rows (with
# VMAILADM_BENCH_MSGS messages per home below 1M, none at 1M to keep to 1M inodes), used
# by every engine, and removed at the end. Usage figures are set to what the tree holds,
# so a clean store is measured (no finding is printed). VMAILADM_BENCH_NO_USAGE=1 leaves
# out the usage run and du -s (the slow part at 1M).
. "$(dirname "$0")/benchlib.sh"
MK=$TEST_TMP/mkhomes
cc -O2 -o "$MK" "$VT_ROOT/tests/bench/mkhomes.c" || exit 1
secs() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )) | awk '{printf "%.2f\n", $1/1000}'; }
find_count() { find "$1" -mindepth 2 -maxdepth 2 -type d | wc -l; }
drop_db() {
	case $1 in
	pgsql) vt_pg "$(vt_admin_url pgsql)" -c "DROP DATABASE IF EXISTS $2" >/dev/null 2>&1 ;;
	mysql) sql mysql "$(vt_admin_url mysql)" "DROP DATABASE IF EXISTS $2" >/dev/null 2>&1 ;;
	sqlite) rm -f "$(vt_sqlite_path "$3")"* ;;
	esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '%-7s %8s %6s %7s %8s %8s %8s %7s %7s %8s %8s %8s %7s\n' engine homes gen_s tree_s find_s scan_s base_s check_s ratio rss_mb usage_s du_s ratio
for n in ${VMAILADM_BENCH_SIZES:-10000 100000 1000000}; do
	k=${VMAILADM_BENCH_MSGS:-2}
	[ "$n" -ge 1000000 ] && k=0
	tree=$TEST_TMP/store_tree_$n
	rm -rf "$tree"
	made=0
	for e in ${VMAILADM_ENGINES:-sqlite pgsql mysql}; do
		e=$(vt_engine "$e") || continue
		db=bench_store_$n
		url=$(new_db "$e" "$db") || { echo "$e: no database"; continue; }
		"$VMAILADM" -d "$url" db init >/dev/null || { echo "$e: db init failed"; continue; }
		t0=$(date +%s)
		bash "$VT_ROOT/tests/bench/gen.sh" "$e" "$url" "$n" || { echo "$e $n: generation failed"; continue; }
		gen=$(( $(date +%s) - t0 ))
		sql "$e" "$url" "UPDATE admin_quota SET bytes = $(( 2000 * k + k * (k - 1) / 2 )), messages = $k" >/dev/null
		ts=-
		if [ "$made" = 0 ]; then
			t0=$(date +%s%N)
			sql "$e" "$url" "SELECT d.name, mb.address FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id ORDER BY d.name" |
				tr '|' '\t' | "$MK" "$tree" "$k" >/dev/null || { echo "tree failed"; break; }
			ts=$(( ($(date +%s%N) - t0) / 1000000 )); ts=$(awk -v m="$ts" 'BEGIN{printf "%.1f", m/1000}')
			made=1
		fi
		conf=$TEST_TMP/store_$e.conf
		printf '[mail]\nroot = %s\nowner = %s\n' "$tree" "$(id -un)" >"$conf"
		find_count "$tree" >/dev/null # the same warm cache for every measure
		f=$(secs find_count "$tree")
		s=$(secs sql "$e" "$url" "SELECT id, address FROM admin_mailbox ORDER BY id")
		base=$(awk -v a="$f" -v b="$s" 'BEGIN{printf "%.2f", a + b}')
		/usr/bin/time -o "$TEST_TMP/time" -f '%e %M' "$VMAILADM" -c "$conf" -d "$url" store check >"$TEST_TMP/out" 2>"$TEST_TMP/err"
		rc=$?
		read -r cs rss <"$TEST_TMP/time"
		[ "$rc" = 0 ] || { echo "$e $n: store check exit $rc: $(head -3 "$TEST_TMP/out" "$TEST_TMP/err")"; }
		us=- du=-
		if [ -z "${VMAILADM_BENCH_NO_USAGE:-}" ]; then
			/usr/bin/time -o "$TEST_TMP/time" -f '%e %M' "$VMAILADM" -c "$conf" -d "$url" store check usage >"$TEST_TMP/out" 2>"$TEST_TMP/err"
			rc=$?
			read -r us _ <"$TEST_TMP/time"
			[ "$rc" = 0 ] || { echo "$e $n: store check usage exit $rc: $(head -3 "$TEST_TMP/out" "$TEST_TMP/err")"; }
			du=$(secs du -s "$tree")
		fi
		printf '%-7s %8s %6s %7s %8s %8s %8s %7s %7s %8s %8s %8s %7s\n' "$e" "$n" "$gen" "$ts" "$f" "$s" "$base" "$cs" \
			"$(ratio "$cs" "$base")" "$(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}')" "$us" "$du" "$(ratio "$us" "$du")"
		[ -n "${VMAILADM_BENCH_KEEP:-}" ] || drop_db "$e" "$db" "$url"
	done
	rm -rf "$tree"
done
