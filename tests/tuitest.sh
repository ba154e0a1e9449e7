# SPDX-License-Identifier: MIT
# tests/tuitest.sh: the console in a real terminal for the tmux screen tests (tui,
# tui_store). Source it after tests/lib.sh (bash), once tmux is known to be there.
# A private tmux server, so a test never touches the user's sessions (a new one for
# each start: a server still shutting down cannot be reused); killed at exit.
#
#   tm ARGS...          tmux on this test's server
#   tui_pane ARGV...    starts `env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC ARGV...` in an
#                       80x24 pane that outlives the program ("[exit N]" is printed
#                       when it ends), and waits for the console's first screen
#   tui_end             stops the console (SIGTERM, by the pid it recorded) and waits
#                       for it, fails on a sanitizer's report in what it printed on
#                       leaving, then kills the tmux server; tui_pane calls it first
#   keys KEY...         tmux send-keys (key names), then a short pause
#   type_text TEXT      literal text (no key names)
#   screen              the pane's text, $TEST_TMP shown as TMP
#   wait_for TEXT       until the screen shows TEXT (5 s at most)
#   expect WHAT TEXT    pass when the screen shows TEXT (waiting for it)

TMUX_N=0
TMUX_SOCK=$TEST_TMP/tmux.0.sock
tm() { tmux -S "$TMUX_SOCK" "$@"; }
at_exit 'tui_end quiet'

# The console leaves before its terminal does. Killing the tmux server hangs
# the terminal up, and the kernel sends the console SIGCONT with the SIGHUP;
# a SIGCONT discards a pending SIGSTOP, so when it came while
# LeakSanitizer's exit-time check was attaching to the process (a sanitized
# build leaves on the SIGHUP at once), the check waited for a stop that
# never came and the console spun at ~40% of a core for ever, into the
# suite's next passes. SIGTERM alone brings no SIGCONT. QUIET (at exit, after
# the counts): only stop it.
tui_end() {
	local pid i
	if [ -f "$TEST_TMP/console.pid" ]; then
		pid=$(cat "$TEST_TMP/console.pid")
		rm -f "$TEST_TMP/console.pid"
		if kill -TERM "$pid" 2>/dev/null; then
			for i in $(seq 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "$pid" 2>/dev/null; then
				[ -n "${1:-}" ] || fail "the console did not stop on SIGTERM within 10 s" \
					"$(ps -o pid,stat,pcpu,args -p "$pid")"
				kill -KILL "$pid" 2>/dev/null
			fi
		fi
		# what it printed on leaving stays in the pane (and its history)
		if [ -z "${1:-}" ] && tm capture-pane -p -S - -t t 2>/dev/null |
			grep -qE 'ERROR: (Leak|Address)Sanitizer|runtime error:'; then
			fail "the console's exit: a sanitizer's report" "$(tm capture-pane -p -S - -t t)"
		fi
	fi
	tm kill-server 2>/dev/null
}

tui_pane() {
	tui_end
	TMUX_N=$((TMUX_N + 1))
	TMUX_SOCK=$TEST_TMP/tmux.$TMUX_N.sock
	# the pid is the shell's, which exec makes the program's
	printf '%q ' sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$TEST_TMP/console.pid" \
		env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC "$@" >"$TEST_TMP/cmd"
	# the pane outlives the program, so what it leaves on the terminal can be read
	tm new-session -d -s t -x 80 -y 24 "$(cat "$TEST_TMP/cmd"); echo \"[exit \$?]\"; sleep 60"
	wait_for "1 Domains" || fail "the console did not start" "$(screen)"
}
keys() { tm send-keys -t t "$@"; sleep 0.15; }
type_text() { tm send-keys -t t -l "$1"; sleep 0.1; }
screen() { tm capture-pane -p -t t | sed "s#$TEST_TMP#TMP#g"; }
wait_for() {
	local i
	for i in $(seq 50); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
expect() {
	if wait_for "$2"; then pass "$1"; else fail "$1" "the screen does not show: $2" "$(screen)"; fi
}
