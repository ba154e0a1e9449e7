#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/test-all.sh: the whole test run, from a fresh Debian 12 (run it as root there):
#   1. installs the Debian packages that are missing (no service is left running)
#   2. ./configure --enable-werror; make; make check
#   3. the same suite once more built with ASan+UBSan, in a copy under tests/tmp/asan
#   4. the leak check (tests/valgrind.sh) and the fuzz targets (tests/fuzz/run.sh),
#      when they exist
# Both `make check` runs share one pair of private database servers (tests/servers.sh).
# Ends with a table of the steps and one line "N passed, N failed", the sum over all
# steps (a step that failed without printing a count counts one failure).
# Exit status 0 only when every step passed.
#
# Environment: VMAILADM_JOBS (make -j, default 2), VMAILADM_SKIP_INSTALL=1,
# VMAILADM_SKIP_ASAN=1, VMAILADM_FUZZ_SECONDS (default 60, passed to tests/fuzz/run.sh),
# VMAILADM_TESTS_SKIP for the ASan+UBSan pass (default: the end-to-end mail tests),
# and those of tests/run-checks.sh.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
VT_LIB_TOOLS=1
. tests/lib.sh

JOBS=${VMAILADM_JOBS:-2}
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(gcc make pkg-config libncurses-dev libpq-dev libmariadb-dev libsqlite3-dev
	libcrypt-dev libidn2-dev sqlite3 postgresql mariadb-server mariadb-client postfix postfix-pgsql
	postfix-mysql postfix-sqlite dovecot-core dovecot-pgsql dovecot-mysql dovecot-sqlite
	dovecot-imapd valgrind clang libclang-rt-14-dev tmux git ca-certificates
	python3 openssl build-essential
	debhelper lintian fakeroot bash-completion systemd dovecot-sieve dovecot-managesieved clang-format)
# daemons a package's postinst might start
DAEMONS="postgres mariadbd mysqld dovecot master qmgr pickup"

T_START=$(date +%s)
section() {
	printf '\n======== %s  [%ss]\n' "$*" "$(($(date +%s) - T_START))"
}

vt_claim_rundir || exit 2
LOGS=$RUNDIR/test-all
rm -rf "$LOGS"
vt_mkdir755 "$LOGS" || exit 2

STEP_NAMES=()
STEP_RESULTS=()
ALL_PASSED=0
ALL_FAILED=0

# record NAME LOG RC: adds the counts the step's log ends with (its last
# "N passed, N failed" line); a failed step without counts counts one failure
record() {
	local name=$1 log=$2 rc=$3 line p=0 f=0
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed[[:space:]]*$' "$log" 2>/dev/null | tail -n 1)
	[ -n "$line" ] && read -r p _ f _ <<<"${line//,/}"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	ALL_PASSED=$((ALL_PASSED + p))
	ALL_FAILED=$((ALL_FAILED + f))
	STEP_NAMES+=("$name")
	if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
		STEP_RESULTS+=("ok${line:+    $p passed}")
	else
		STEP_RESULTS+=("FAIL  $p passed, $f failed (exit status $rc; log $log)")
	fi
}

# step NAME CMD...: runs CMD, its output shown and kept in a log, and records it
step() {
	local name=$1 log rc
	shift
	log=$LOGS/$(printf %s "$name" | tr -c 'A-Za-z0-9_\n' _).log
	"$@" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	record "$name" "$log" "$rc"
	return "$rc"
}

finish() {
	local i
	section "summary"
	for i in "${!STEP_NAMES[@]}"; do
		printf '%-28s %s\n' "${STEP_NAMES[$i]}" "${STEP_RESULTS[$i]}"
	done
	echo "total time $(($(date +%s) - T_START)) s"
	echo "$ALL_PASSED passed, $ALL_FAILED failed"
	[ "$ALL_FAILED" -eq 0 ]
	exit
}

# ---------------------------------------------------------------- 1. packages

daemon_pids() {
	local d
	for d in $DAEMONS; do
		pgrep -x "$d" 2>/dev/null
	done | sort -n
}

# system_daemon PID: PID is a system instance (its configuration or data under /etc,
# /var/lib, /var/spool), not a private server of some test run
system_daemon() {
	local cmd cwd
	cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	cwd=$(readlink "/proc/$1/cwd" 2>/dev/null)
	case "$cmd" in
	*/etc/postgresql/* | *" -D /var/lib/postgresql/"*) return 0 ;;
	*" -c "* | *--config*) case "$cmd" in *" /etc/"*) return 0 ;; *) return 1 ;; esac ;;
	esac
	case "$cwd" in
	/var/lib/mysql* | /var/spool/postfix* | /var/lib/postgresql*) return 0 ;;
	esac
	case "$cmd" in
	*/dovecot | */dovecot" " | *postfix/sbin/master*) return 0 ;;
	esac
	return 1
}

install_packages() {
	local missing=() p created_policy=0 before after pid rc=0
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		echo "all ${#PACKAGES[@]} packages are installed"
		return 0
	fi
	echo "missing: ${missing[*]}"
	if [ "$(id -u)" != 0 ]; then
		echo "test-all: run as root to install them, or install them yourself:" >&2
		echo "  apt-get install ${missing[*]}" >&2
		return 1
	fi
	before=$(daemon_pids)
	# no service may start while packages install
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\n# written by vmailadm tests/test-all.sh during apt-get install\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		created_policy=1
	fi
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections 2>>"$LOGS/apt-install.log" || echo "test-all: debconf-set-selections failed" >&2
	echo "apt-get update ..."
	if ! apt-get update -q >"$LOGS/apt-update.log" 2>&1; then
		tail -n 20 "$LOGS/apt-update.log"
		echo "test-all: apt-get update failed" >&2
		rc=1
	else
		echo "apt-get install ${#missing[@]} packages ... (log $LOGS/apt-install.log)"
		if ! apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef \
			-o Dpkg::Options::=--force-confold "${missing[@]}" >"$LOGS/apt-install.log" 2>&1; then
			tail -n 30 "$LOGS/apt-install.log"
			echo "test-all: apt-get install failed" >&2
			rc=1
		fi
	fi
	[ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
	# stop what an install started anyway: new processes of the system's instances
	after=$(daemon_pids)
	for pid in $(comm -13 <(echo "$before") <(echo "$after")); do
		if system_daemon "$pid"; then
			echo "stopping $(cat "/proc/$pid/comm" 2>/dev/null) (pid $pid), started by a package install"
			kill -TERM "$pid" 2>/dev/null
		fi
	done
	[ $rc = 0 ] && echo "installed: ${missing[*]}"
	return $rc
}

section "packages"
if [ "${VMAILADM_SKIP_INSTALL:-0}" = 1 ]; then
	echo "skipped (VMAILADM_SKIP_INSTALL=1)"
elif ! install_packages; then
	record "packages" /dev/null 1
	finish
fi

# ---------------------------------------------------------------- servers

STARTED=""
cleanup() {
	trap - EXIT INT TERM
	[ -n "$STARTED" ] && bash "$ROOT/tests/servers.sh" stop $STARTED >/dev/null 9>&-
	[ -n "$VT_PRIVATE_RUNDIR" ] && [ "$ALL_FAILED" = 0 ] && rm -rf "$VT_PRIVATE_RUNDIR"
}
trap cleanup EXIT
trap 'echo "test-all: interrupted" >&2; cleanup; exit 130' INT
trap 'echo "test-all: terminated" >&2; cleanup; exit 143' TERM

section "database servers"
need=""
engines=$(vt_engines "${VMAILADM_ENGINES:-}") || exit 2
case " $engines " in *" pgsql "*) [ -n "${VMAILADM_TEST_PG_ADMIN_URL:-}" ] || need="$need pgsql" ;; esac
case " $engines " in *" mysql "*) [ -n "${VMAILADM_TEST_MYSQL_ADMIN_URL:-}" ] || need="$need mysql" ;; esac
if [ -n "$need" ]; then
	STARTED=$need
	if step "servers" bash tests/servers.sh start $need 9>&-; then
		for e in $need; do
			case $e in pgsql) pat=PG ;; mysql) pat=MYSQL ;; esac
			eval "$(grep "^export VMAILADM_TEST_${pat}_" "$RUNDIR/servers.env")"
		done
	else
		finish
	fi
else
	echo "using the servers given in the environment"
fi

# ---------------------------------------------------------------- 2. build and check

# build_and_check LABEL DIR CONFIGURE-ARGS...
build_and_check() {
	local label=$1 dir=$2 slug
	shift 2
	slug=$(printf %s "$label" | tr -c 'A-Za-z0-9_\n' _)
	section "$label: ./configure $*"
	(cd "$dir" && ./configure "$@") </dev/null >"$LOGS/$slug.configure.log" 2>&1 || {
		cat "$LOGS/$slug.configure.log"
		record "$label build" "$LOGS/$slug.configure.log" 1
		return 1
	}
	tail -n 1 "$LOGS/$slug.configure.log"
	section "$label: make -j$JOBS"
	if ! step "$label build" make -C "$dir" -j"$JOBS" --no-print-directory; then
		return 1
	fi
	section "$label: make check"
	# its logs in a run directory of its own; the servers are shared
	step "$label make check" env VMAILADM_TEST_RUNDIR="$RUNDIR/check-$slug" \
		make -C "$dir" -j"$JOBS" --no-print-directory check
}

build_and_check "gcc -Werror" "$ROOT" --enable-werror

# asan_check: build_and_check with the sanitizers' options, for this run only
asan_check() {
	local ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
	local UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	local LSAN_OPTIONS=${LSAN_OPTIONS:-}
	# known leaks of the libraries, if the project lists any
	[ -z "$LSAN_OPTIONS" ] && [ -f "$ASAN/tests/lsan.supp" ] &&
		LSAN_OPTIONS="suppressions=$ASAN/tests/lsan.supp:print_suppressions=0"
	# the daemon-driven end-to-end tests run once, in the plain build: their time is the
	# servers', and what they run of vmailadm (generate, check) the other tests and
	# valgrind.sh cover; a sanitized process starts slower, so a test gets longer
	local VMAILADM_TESTS_SKIP=${VMAILADM_TESTS_SKIP-mailflow submission sieve_delivery mailcheck}
	local VMAILADM_TEST_TIMEOUT=${VMAILADM_TEST_TIMEOUT:-2400}
	export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS VMAILADM_TESTS_SKIP VMAILADM_TEST_TIMEOUT
	build_and_check "ASan+UBSan" "$ASAN" --enable-werror --enable-sanitizers
}

if [ "${VMAILADM_SKIP_ASAN:-0}" = 1 ]; then
	section "ASan+UBSan: skipped (VMAILADM_SKIP_ASAN=1)"
else
	section "ASan+UBSan: a copy of the tree in tests/tmp/asan"
	ASAN=$ROOT/tests/tmp/asan
	[ -n "$VT_PRIVATE_RUNDIR" ] && ASAN=$RUNDIR/asan # another run uses tests/tmp
	rm -rf "$ASAN"
	vt_mkdir755 "$ASAN"
	tar -C "$ROOT" --exclude=./.git --exclude=./tests/tmp --exclude='*.o' --exclude='*.d' \
		--exclude='*.a' -cf - . | tar -C "$ASAN" -xf -
	[ -f "$ASAN/Makefile" ] && make -C "$ASAN" -s distclean >/dev/null 2>&1
	asan_check

fi

# ---------------------------------------------------------------- 3. leaks, fuzzing

if [ -f tests/valgrind.sh ]; then
	section "valgrind: tests/valgrind.sh"
	step "valgrind" env VMAILADM_TEST_RUNDIR="$RUNDIR/check-valgrind" bash tests/valgrind.sh
fi
if [ -f tests/fuzz/run.sh ]; then
	section "fuzz: tests/fuzz/run.sh (${VMAILADM_FUZZ_SECONDS:-60} s)"
	export VMAILADM_FUZZ_SECONDS=${VMAILADM_FUZZ_SECONDS:-60}
	step "fuzz" env VMAILADM_TEST_RUNDIR="$RUNDIR/check-fuzz" timeout -k 10 $((VMAILADM_FUZZ_SECONDS * 10 + 300)) bash tests/fuzz/run.sh
fi

finish
