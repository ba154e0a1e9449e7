#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_console.sh: the console and the monitor at 10k, 100k and 1M mailboxes
# per engine (VMAILADM_BENCH_SIZES, VMAILADM_ENGINES), driving the real binary in a tmux
# pane (120x40). Per key, vmailadm itself logs the time from the key's read to the moment
# it waits for the next one (VMAILADM_TUI_TRACE, tui/trace.c: queries and refresh
# included); tmux send-keys only delivers the keys, and the script waits for each key's
# log line before sending the next, so keys never queue. Reported, in ms:
#   first_con / first_mon  exec of vmailadm (connecting included) to the first painted
#                          screen, from the wall clock the trace logs; includes tmux's
#                          sh -c (about 1-2 ms)
#   d_pgdn d_end           PgDn (median of 3) and End on the domain list
#   drill                  Enter on the first domain (mixed: the big one, half the mailboxes)
#   m_pgdn m_end           PgDn (median of 5) and End in that domain's mailboxes
#   search                 incremental search, each of the keys / u 5 5 (the max)
#   substr                 a pattern search that matches nothing, / * z z z *, typed
#                          VMAILADM_BENCH_REPEAT times (default 5): the larger of the medians
#                          of the keys once the text has 3 characters (*zzz, *zzz*), which
#                          the substring search index serves (core/search.h; db-floor.md's
#                          "substring, rare or no match")
#   many many_max          the same for a text that thousands of mailboxes hold, / * 7 7 7 *
#                          (1,400 in the mixed shape's 500k domain): the larger median of
#                          *777 and *777*, and the slowest of all those keys
#   short                  the largest median of the keys with 1-2 characters (*z, *zz, *7,
#                          *77): no trigram, the plain scan (the whole domain when nothing
#                          matches)
#   a_view a_pgdn a_end    3 (that domain's aliases), PgDn (median of 3), End
#   mon_r                  the monitor's r (a refresh and its paint), median of 5
#   rss_con / rss_mon      peak RSS (VmHWM, kB) of the process at the end
#   baseline               one indexed SELECT of a 50-row page through the engine's own
#                          client (psql / mariadb / sqlite3), process start included,
#                          median of 5, same run: first_* compare with it (both start a
#                          process and connect); keys compare with db-floor.md's page
#                          round trip (0.1-0.7 ms)
#   rollup                 a whole `vmailadm quota rollup` (the cron job behind the
#                          per-domain figures), in ms
#   create / bound         mailboxes per second of a --dry-run script of 5,000 `mailbox
#                          add` with plain passwords (hashed, written, rolled back) into a
#                          new domain of the N-mailbox database, and that rate as a % of
#                          the hashing bound measured in the same run (0.8 x cores x one
#                          core's SHA512-CRYPT rate, tests/bench/hashrate.c)
# Shapes (VMAILADM_BENCH_SHAPES, default "mixed wide"; tests/bench/gen.sh): mixed = half the
# mailboxes in one domain, the rest in domains of every size; wide = domains of 9,999
# mailboxes each.
# VMAILADM_BENCH_KEEP=1 keeps the databases and reuses one that already holds N mailboxes.
. "$(dirname "$0")/benchlib.sh"
command -v tmux >/dev/null || { echo "bench_console: tmux is not installed: skipped"; exit 0; }
maxof() { sort -n | tail -1; }
sess=vmbench$$
trap 'tmux kill-session -t "$sess" 2>/dev/null' EXIT

# existing URL of NAME (no creation) for the reuse check
db_url() {
	case $1 in
	sqlite) printf 'sqlite:%s/%s.db\n' "$TEST_TMP" "$2" ;;
	*) local a; a=$(vt_admin_url "$1") || return 1; printf '%s/%s\n' "${a%/*}" "$2" ;;
	esac
}

# waits until FILE has N lines matching WORD (poll 20 ms, give up after 60 s). The key
# times are the console's own (its trace); the poll only decides when the next key is
# sent, and a 2 ms poll (a grep and a sleep 500 times a second) took much of one of the
# two cores from the console and the server it measures
wait_lines() {
	local i=0 c
	while c=$(grep -c "^$2 " "$1" 2>/dev/null); [ "${c:-0}" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -lt 3000 ] || return 1
		sleep 0.02
	done
}

# start_tui TRACE ARGS...: starts vmailadm in a detached tmux pane; prints the
# first-screen time in ms (exec to the first wait for a key)
start_tui() {
	local trace=$1 t0 first; shift
	rm -f "$trace"
	t0=$(date +%s%N)
	tmux new-session -d -s "$sess" -x 120 -y 40 \
		"exec env VMAILADM_TUI_TRACE='$trace' '$VMAILADM' $*" || return 1
	wait_lines "$trace" first 1 || return 1
	first=$(awk '/^first /{print $3}' "$trace")
	echo $(( (first - t0) / 1000 )) | awk '{printf "%.1f\n", $1/1000}'
}

# key TRACE LABEL TMUXKEY: sends one key, waits for its log line, records "LABEL MS"
nkeys=0
key() {
	tmux send-keys -t "$sess" "$3"
	nkeys=$((nkeys + 1))
	wait_lines "$1" key "$nkeys" || { echo "bench_console: no trace for key $2" >&2; return 1; }
	echo "$2 $(grep '^key ' "$1" | sed -n "${nkeys}p" | awk '{print $3}')" >>"$1.keys"
}
pick() { awk -v l="$2" '$1 == l {print $2}' "$1.keys"; }
# medmax TRACE LABEL N...: the largest of the medians of LABEL1, LABEL2, ... (each key of a
# repeated sequence over its repetitions)
medmax() {
	local t=$1 l=$2 m; shift 2
	for m in "$@"; do pick "$t" "$l$m" | median; done | maxof
}
rss() { awk '/^VmHWM:/ {print $2}' "/proc/$(tmux list-panes -t "$sess" -F '#{pane_pid}')/status"; }

# the hashing bound, and the creation script
CREATE_N=5000
bound=""
if [ -f "$VT_ROOT/libvmailadm.a" ] && cc -O2 -D_GNU_SOURCE -I"$VT_ROOT" -o "$TEST_TMP/hashrate" \
	"$VT_ROOT/tests/bench/hashrate.c" "$VT_ROOT/libvmailadm.a" $(sed -n 's/^PKG_LIBS = //p' "$VT_ROOT/config.mk") -lpthread; then
	single=$("$TEST_TMP/hashrate" 400 | awk '/^single/ {print $2}')
	bound=$(awk -v s="$single" -v c="$(nproc)" 'BEGIN { printf "%.0f", 0.8 * s * c }')
	echo "hashing bound: 0.8 x $(nproc) cores x $single/s = $bound mailboxes/s"
fi
{
	echo "domain add new.bench"
	for ((i = 0; i < CREATE_N; i++)); do echo "mailbox add n$i@new.bench password=pw-$i"; done
} >"$TEST_TMP/create.vm"

printf '%-6s %-5s %8s %9s %9s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %7s %7s %8s %7s %6s %5s\n' engine shape mailboxes first_con first_mon \
	d_pgdn d_end drill m_pgdn m_end search substr many many_max short a_view a_pgdn a_end mon_r rss_con rss_mon baseline rollup create bound
for e in ${VMAILADM_ENGINES:-sqlite pgsql mysql}; do
	e=$(vt_engine "$e") || continue
	for shape in ${VMAILADM_BENCH_SHAPES:-mixed wide}; do
		for n in ${VMAILADM_BENCH_SIZES:-10000 100000 1000000}; do
			name=bench_console_$n
			[ "$shape" = mixed ] || name=bench_console_${shape}_$n
			url=$(db_url "$e" "$name") || continue
			have=$(sql "$e" "$url" "SELECT COUNT(*) FROM admin_mailbox" 2>/dev/null)
			if [ -z "${VMAILADM_BENCH_KEEP:-}" ] || [ "$have" != "$n" ]; then
				url=$(new_db "$e" "$name") || { echo "$e: no database"; continue; }
				"$VMAILADM" -d "$url" db init >/dev/null || { echo "$e: db init failed"; continue; }
				VMAILADM_BENCH_SHAPE=$shape bash "$VT_ROOT/tests/bench/gen.sh" "$e" "$url" "$n" ||
					{ echo "$e $n: generation failed"; continue; }
			elif [ "$e" = pgsql ]; then
				# a kept database holds the dead rows of every earlier run's rolled-back
				# creation (below): 5,000 a run, under autovacuum's 20% threshold for
				# long. The planner's probes of the index ends walk them (1,576 buffers
				# a page query after 25 runs, 58 after VACUUM), so each run would
				# measure how many came before it: vacuum as autovacuum would have
				sql "$e" "$url" "VACUUM ANALYZE" >/dev/null
			fi
			tr=$TEST_TMP/console.$e.$shape.$n.trace
			rm -f "$tr.keys"; nkeys=0
			fc=$(start_tui "$tr" -d "'$url'") || { echo "$e $n: the console did not start"; continue; }
			for _ in 1 2 3; do key "$tr" d_pgdn NPage; done
			key "$tr" d_end End
			key "$tr" d_home g
			key "$tr" drill Enter
			for _ in 1 2 3 4 5; do key "$tr" m_pgdn NPage; done
			key "$tr" m_end End
			key "$tr" m_home g
			key "$tr" search /
			key "$tr" search u
			key "$tr" search 5
			key "$tr" search 5
			key "$tr" s_esc Escape
			for ((r = 0; r < ${VMAILADM_BENCH_REPEAT:-5}; r++)); do
				key "$tr" s_open /
				key "$tr" s_open '*'
				key "$tr" short1 z
				key "$tr" short2 z
				key "$tr" substr1 z
				key "$tr" substr2 '*'
				key "$tr" s_esc Escape
				key "$tr" s_open /
				key "$tr" s_open '*'
				key "$tr" short3 7
				key "$tr" short4 7
				key "$tr" many1 7
				key "$tr" many2 '*'
				key "$tr" s_esc Escape
			done
			key "$tr" a_view 3
			for _ in 1 2 3; do key "$tr" a_pgdn NPage; done
			key "$tr" a_end End
			rc=$(rss)
			tmux kill-session -t "$sess"
			tr=$TEST_TMP/monitor.$e.$shape.$n.trace
			rm -f "$tr.keys"; nkeys=0
			fm=$(start_tui "$tr" -d "'$url'" --monitor --interval 3600) || { echo "$e $n: the monitor did not start"; continue; }
			for _ in 1 2 3 4 5; do key "$tr" mon_r r; done
			rm_=$(rss)
			tmux kill-session -t "$sess"
			base=""
			for _ in 1 2 3 4 5; do
				base="$base $(ms sql "$e" "$url" "SELECT id, address FROM admin_mailbox WHERE domain_id = 1 AND address > 'u5' ORDER BY domain_id, address LIMIT 50")"
			done
			c=$TEST_TMP/console.$e.$shape.$n.trace; m=$TEST_TMP/monitor.$e.$shape.$n.trace
			roll=$(ms "$VMAILADM" -d "$url" quota rollup)
			t0=$(date +%s%N)
			if "$VMAILADM" -q -d "$url" --dry-run -f "$TEST_TMP/create.vm" >/dev/null 2>"$TEST_TMP/create.err"; then
				t1=$(date +%s%N)
				crate=$(awk -v n="$CREATE_N" -v t=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (t / 1e9) }')
				cpct=$([ -n "$bound" ] && awk -v r="$crate" -v b="$bound" 'BEGIN { printf "%.0f%%", 100 * r / b }' || echo -)
			else
				crate=failed cpct=-
				echo "$e $n: the creation script failed: $(head -3 "$TEST_TMP/create.err")" >&2
			fi
			printf '%-6s %-5s %8s %9s %9s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %7s %7s %8s %7s %6s %5s\n' "$e" "$shape" "$n" "$fc" "$fm" \
				"$(pick "$c" d_pgdn | median)" "$(pick "$c" d_end)" "$(pick "$c" drill)" \
				"$(pick "$c" m_pgdn | median)" "$(pick "$c" m_end)" "$(pick "$c" search | maxof)" "$(medmax "$c" substr 1 2)" \
				"$(medmax "$c" many 1 2)" "$({ pick "$c" many1; pick "$c" many2; } | maxof)" "$(medmax "$c" short 1 2 3 4)" \
				"$(pick "$c" a_view)" "$(pick "$c" a_pgdn | median)" "$(pick "$c" a_end)" \
				"$(pick "$m" mon_r | median)" "$rc" "$rm_" "$(echo $base | tr ' ' '\n' | median)" "$roll" "$crate" "$cpct"
			[ -n "${VMAILADM_BENCH_KEEP:-}" ] || case $e in
				pgsql) vt_pg "$(vt_admin_url pgsql)" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 ;;
				mysql) sql mysql "$(vt_admin_url mysql)" "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 ;;
				sqlite) rm -f "$(vt_sqlite_path "$url")"* ;;
			esac
		done
	done
done
