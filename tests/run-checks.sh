#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/run-checks.sh: what `make check` runs. Starts private PostgreSQL and MariaDB
# servers (tests/servers.sh) unless VMAILADM_TEST_PG_ADMIN_URL / _MYSQL_ADMIN_URL are
# given, runs every built tests/unit/test_* binary and every tests/sh/*.sh script,
# each with fresh empty databases, logs each one's output under the run directory,
# and ends with one line "N passed, N failed" (the sum of what the tests printed;
# a test that exits non-zero, crashes or prints no summary counts one failure more).
# Exit status 0 only when nothing failed and at least one test ran.
#
# Environment:
#   VMAILADM_ENGINES       engines to test (default "sqlite pgsql mysql"); only the
#                          servers of these are started: VMAILADM_ENGINES=sqlite needs none
#   VMAILADM_TEST_PG_ADMIN_URL, VMAILADM_TEST_MYSQL_ADMIN_URL  use these servers instead
#   VMAILADM_TEST_TIMEOUT  seconds one test may take (default 1200)
#   VMAILADM_TESTS         only the tests whose name contains one of these words
#   VMAILADM_TESTS_SKIP    not the tests whose name contains one of these words
#   VMAILADM_TEST_RUNDIR   run directory (see vt_rundir in tests/lib.sh): the servers,
#                          logs/NAME.log of each test, work/NAME scratch directories
# Each test gets, besides that:
#   VMAILADM_TEST_PG_URL, VMAILADM_TEST_MYSQL_URL, VMAILADM_TEST_SQLITE_URL  a fresh
#       empty database of its own on each engine tested (empty when not tested)
#   VMAILADM_TEST_TMP      its own empty scratch directory (mode 755)
#   VMAILADM               the binary under test; VMAILADM_TEST_RUN=1
# `make check` runs this with sh: go on in bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
VT_LIB_TOOLS=1
. tests/lib.sh

vt_claim_rundir || exit 2
LOGDIR=$RUNDIR/logs
rm -rf "$LOGDIR" "$RUNDIR/work"
vt_mkdir755 "$LOGDIR" && vt_mkdir755 "$RUNDIR/work" || exit 2

STARTED=""
CHILD=""
TOTAL_FAILED=0
exec 3>&2 # for messages from the traps, which may run while stderr is redirected
cleanup() {
	trap - EXIT INT TERM
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null
		wait "$CHILD" 2>/dev/null
	fi
	if [ -n "$STARTED" ]; then
		bash tests/servers.sh stop $STARTED >/dev/null 9>&- || echo "run-checks: could not stop the test servers" >&3
	fi
	if [ -n "$VT_PRIVATE_RUNDIR" ]; then
		if [ "$TOTAL_FAILED" = 0 ]; then
			rm -rf "$VT_PRIVATE_RUNDIR"
		else
			echo "run-checks: the logs are in $VT_PRIVATE_RUNDIR/logs (remove it when done)" >&3
		fi
	fi
}
on_signal() {
	echo "run-checks: interrupted" >&3
	cleanup
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# the closing line on an early failure
give_up() {
	TOTAL_FAILED=1
	echo "run-checks: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# ---------------------------------------------------------------- engines and servers

ENGINES=$(vt_engines "${VMAILADM_ENGINES:-}") || give_up "bad VMAILADM_ENGINES"
if [ -f config.mk ]; then
	for e in pgsql mysql sqlite; do
		v=$(echo "$e" | tr a-z A-Z)
		if grep -Eq "^WITH_$v = no" config.mk; then
			case " $ENGINES " in *" $e "*)
				echo "run-checks: $e not tested: configured --without-$e"
				ENGINES=$(echo " $ENGINES " | sed "s/ $e / /; s/^ *//; s/ *$//") ;;
			esac
		fi
	done
fi
[ -n "$ENGINES" ] || give_up "no engine to test"

need=""
case " $ENGINES " in *" pgsql "*) [ -n "${VMAILADM_TEST_PG_ADMIN_URL:-}" ] || need="$need pgsql" ;; esac
case " $ENGINES " in *" mysql "*) [ -n "${VMAILADM_TEST_MYSQL_ADMIN_URL:-}" ] || need="$need mysql" ;; esac
if [ -n "$need" ]; then
	STARTED=$need
	bash tests/servers.sh start $need 3>&- 9>&- || give_up "the test servers did not start"
	for e in $need; do
		case $e in pgsql) pat=PG ;; mysql) pat=MYSQL ;; esac
		eval "$(grep "^export VMAILADM_TEST_${pat}_" "$RUNDIR/servers.env")"
	done
	export VMAILADM_TEST_DB_USER=vmailtest
fi
echo "engines: $ENGINES"

export VMAILADM_ENGINES=$ENGINES VMAILADM_TEST_RUN=1 VMAILADM_TEST_RUNDIR=$RUNDIR
export VMAILADM=${VMAILADM:-$ROOT/vmailadm}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# ---------------------------------------------------------------- the tests

# selected FILE: FILE's name contains one of the words of $VMAILADM_TESTS (or it is unset)
# and none of $VMAILADM_TESTS_SKIP
selected() {
	local w
	for w in ${VMAILADM_TESTS_SKIP:-}; do
		case $1 in *"$w"*) return 1 ;; esac
	done
	[ -n "${VMAILADM_TESTS:-}" ] || return 0
	for w in $VMAILADM_TESTS; do
		case $1 in *"$w"*) return 0 ;; esac
	done
	return 1
}

TESTS=()   # what to run
MISSING=() # unit tests whose binary was not built
for f in tests/unit/test_*.c; do
	# the binary make built from it (a binary left from a deleted source is not run)
	[ -f "$f" ] && selected "$f" || continue
	if [ -x "${f%.c}" ]; then TESTS+=("${f%.c}"); else MISSING+=("${f%.c}"); fi
done
for f in tests/sh/*.sh; do
	[ -f "$f" ] && selected "$f" && TESTS+=("$f")
done
[ ${#TESTS[@]} -gt 0 ] || [ ${#MISSING[@]} -gt 0 ] ||
	give_up "no tests found (tests/unit/test_*.c, built by make check; tests/sh/*.sh)"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

TOTAL_PASSED=0
RAN=0
FAILED_TESTS=()

for t in ${MISSING[@]+"${MISSING[@]}"}; do
	TOTAL_FAILED=$((TOTAL_FAILED + 1))
	FAILED_TESTS+=("$(basename "$t")")
	echo "$t was not built: run the tests with make check, which builds them" >"$LOGDIR/$(basename "$t").log"
	printf 'FAIL %-32s not built\n' "$(basename "$t")"
done

# fresh_dbs NAME: a fresh database on each engine tested, exported for one test
fresh_dbs() {
	local db url e
	db=vt_$(printf %s "$1" | tr A-Z a-z | tr -c 'a-z0-9_\n' _ | cut -c1-60)
	export VMAILADM_TEST_PG_URL="" VMAILADM_TEST_MYSQL_URL="" VMAILADM_TEST_SQLITE_URL=""
	for e in $ENGINES; do
		url=$(TEST_TMP=$VMAILADM_TEST_TMP new_db "$e" "$db") || return 1
		case $e in
		pgsql) VMAILADM_TEST_PG_URL=$url ;;
		mysql) VMAILADM_TEST_MYSQL_URL=$url ;;
		sqlite) VMAILADM_TEST_SQLITE_URL=$url ;;
		esac
	done
}

for t in ${TESTS[@]+"${TESTS[@]}"}; do
	case $t in
	*.sh) name=sh/$(basename "$t" .sh); cmd=(bash "$t") ;;
	*) name=$(basename "$t"); cmd=("./$t") ;;
	esac
	log=$LOGDIR/${name//\//_}.log
	export VMAILADM_TEST_TMP=$RUNDIR/work/${name//\//_}
	vt_mkdir755 "$VMAILADM_TEST_TMP"
	RAN=$((RAN + 1))
	t0=$(now)
	if ! fresh_dbs "${name//\//_}" >"$log" 2>&1; then
		TOTAL_FAILED=$((TOTAL_FAILED + 1))
		FAILED_TESTS+=("$name")
		printf 'FAIL %-32s could not create its databases\n' "$name"
		continue
	fi
	timeout -k 10 "${VMAILADM_TEST_TIMEOUT:-1200}" "${cmd[@]}" </dev/null >>"$log" 2>&1 3>&- 9>&- &
	CHILD=$!
	{ wait "$CHILD"; } 2>/dev/null # no "Segmentation fault" notice from bash: the log says it
	rc=$?
	CHILD=""
	summary=$(grep -E '[0-9]+ passed, [0-9]+ failed[[:space:]]*$' "$log" | tail -n 1)
	note=""
	if [ -n "$summary" ]; then
		read -r p f <<<"$(printf '%s\n' "$summary" |
			sed -E 's/^(.*[^0-9])?([0-9]+) passed, ([0-9]+) failed[[:space:]]*$/\2 \3/')"
	else
		p=0 f=0
		note="no summary line"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # exited non-zero without saying why: a crash, a sanitizer report, a timeout
		case $rc in
		124 | 137) note="timed out after ${VMAILADM_TEST_TIMEOUT:-1200} s" ;;
		*) [ $rc -gt 128 ] && note="${note:+$note, }killed by signal $((rc - 128))" || note="${note:+$note, }exit status $rc" ;;
		esac
	elif [ "$rc" -eq 0 ] && [ -z "$summary" ]; then
		f=1
	fi
	TOTAL_PASSED=$((TOTAL_PASSED + p))
	TOTAL_FAILED=$((TOTAL_FAILED + f))
	if [ "$f" -eq 0 ]; then
		printf 'ok   %-32s %d passed (%s s)\n' "$name" "$p" "$(since "$t0")"
	else
		FAILED_TESTS+=("$name")
		printf 'FAIL %-32s %d passed, %d failed%s (%s s)\n' "$name" "$p" "$f" "${note:+; $note}" "$(since "$t0")"
	fi
done

for name in ${FAILED_TESTS[@]+"${FAILED_TESTS[@]}"}; do
	log=$LOGDIR/${name//\//_}.log
	n=$(wc -l <"$log")
	echo
	echo "===== $name: output ($log) ====="
	if [ "$n" -gt 200 ]; then
		echo "[... $((n - 200)) lines left out ...]"
		tail -n 200 "$log"
	else
		cat "$log"
	fi
done
[ ${#FAILED_TESTS[@]} -eq 0 ] || echo

echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" -eq 0 ] && [ "$RAN" -gt 0 ]
