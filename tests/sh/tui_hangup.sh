#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/sh/tui_hangup.sh: the console and the monitor leave when their terminal goes away,
# also when no SIGHUP reaches them: each runs under setsid (a session of its own, as some
# su and sudo ways start it) in a tmux pane that is then closed. Before, getch returned
# ERR at once for ever and the process spun on a core (the monitor refreshing as fast as
# the database answered); now it stops as a hang-up would stop it, within a few seconds.
. "$(dirname "$0")/../lib.sh"

command -v tmux >/dev/null || { fail "tmux is not installed"; test_done; }
command -v setsid >/dev/null || { fail "setsid is not installed (util-linux)"; test_done; }
. "$(dirname "$0")/../tuitest.sh"

url=$(new_db sqlite t_tuihangup) || { fail "new_db"; test_done; }
"$VMAILADM" -q -d "$url" db init || fail "db init"

for mode in console monitor; do
	args=(-d "$url")
	[ "$mode" = monitor ] && args+=(--monitor --interval 3600)
	pidf=$TEST_TMP/$mode.pid errf=$TEST_TMP/$mode.err tr=$TEST_TMP/$mode.trace
	rm -f "$pidf" "$errf" "$tr"
	tm kill-server 2>/dev/null
	TMUX_N=$((TMUX_N + 1))
	TMUX_SOCK=$TEST_TMP/tmux.$TMUX_N.sock
	# the pid is the shell's, which exec makes vmailadm's
	printf '%q ' setsid sh -c 'p=$1 t=$2 v=$3 e=$4; shift 4; echo $$ >"$p"; exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 VMAILADM_TUI_TRACE="$t" "$v" "$@" 2>"$e"' \
		sh "$pidf" "$tr" "$VMAILADM" "$errf" "${args[@]}" >"$TEST_TMP/cmd"
	tm new-session -d -s t -x 80 -y 24 "$(cat "$TEST_TMP/cmd"); sleep 60"
	for _ in $(seq 100); do grep -q '^first ' "$tr" 2>/dev/null && break; sleep 0.05; done
	if ! grep -q '^first ' "$tr" 2>/dev/null; then
		fail "$mode: did not start" "$(cat "$errf" 2>/dev/null)"
		continue
	fi
	pid=$(cat "$pidf")
	check_eq "$mode: runs in a session of its own" "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid"
	tm kill-server
	gone=""
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || { gone=1; break; }; sleep 0.05; done
	if [ -n "$gone" ]; then
		pass "$mode: leaves when the terminal is gone"
	else
		fail "$mode: still running 5 s after its terminal closed" "$(ps -o pid,stat,time,pcpu -p "$pid")"
		kill "$pid" 2>/dev/null
	fi
	check_eq "$mode: says why" "$(tail -1 "$errf")" "vmailadm: stopped by signal 1"
done
test_done
