# SPDX-License-Identifier: MIT
# tests/lib.sh: helpers for the shell tests under tests/sh (bash; `. tests/lib.sh`),
# also used by tests/servers.sh and tests/run-checks.sh.
#
# A shell test:
#     . "$(dirname "$0")/../lib.sh"
#     for engine in $VMAILADM_ENGINES; do
#         url=$(new_db "$engine" t_example) || { fail "$engine: new_db"; continue; }
#         check_rc "$engine: db init" 0 "$VMAILADM" -d "$url" db init
#         check_eq "$engine: tables" "$(sql "$engine" "$url" "SELECT count(*) FROM admin_domain")" 0
#     done
#     test_done
#
# What a test gets:
#   $VMAILADM           the binary under test (<checkout>/vmailadm)
#   $VMAILADM_ENGINES   the engines to test, some of "sqlite pgsql mysql" (set by
#                       run-checks.sh; on a stand-alone run: sqlite plus the servers found)
#   $TEST_TMP           a scratch directory of this test, empty when the test starts
#                       (mode 755, so the postfix/dovecot users can read what is in it)
#   $VMAILADM_TEST_PG_URL, _MYSQL_URL, _SQLITE_URL  (under run-checks.sh) a fresh
#                       empty database per engine tested; new_db makes more
#   new_db ENGINE NAME  creates a fresh empty database and prints its URL
#   sql ENGINE URL QUERY  runs QUERY with the engine's own client, rows '|'-separated,
#                       NULL printed as NULL on every engine
#   pass WHAT / fail WHAT [DETAIL]   record a result
#   check_eq WHAT GOT WANT           pass when the strings are equal
#   check_contains WHAT TEXT NEEDLE  pass when TEXT contains NEEDLE
#   check_rc WHAT WANT_RC CMD [ARG...]  runs CMD; pass when its exit status is WANT_RC;
#                       leaves its stdout in $OUT, its stderr in $ERR, its status in $RC
#   run CMD [ARG...]    the same without a check
#   at_exit CMD         run CMD (a string, eval'd) when the test exits, last added first
#   test_done           prints "N passed, N failed" and exits (1 if anything failed)
# A test that exits without test_done (set -e, a crash) still prints its summary from
# the EXIT trap, and counts one failure more.
#
# Engines are named sqlite, pgsql, mysql (pg/postgres/postgresql and mariadb are accepted).

# ---------------------------------------------------------------- paths and run dir

VT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# vt_traversable DIR: every existing component of DIR can be searched by others
# (the postgres and mysql users must reach their data directories).
vt_traversable() {
	local p=$1 mode
	while :; do
		if [ -e "$p" ]; then
			mode=$(stat -L -c %A "$p" 2>/dev/null) || return 1
			case $mode in
			*x | *t) ;;
			*) return 1 ;;
			esac
		fi
		[ "$p" = / ] && return 0
		p=$(dirname "$p")
	done
}

# vt_rundir: prints the run directory (servers, logs, scratch) and creates it.
# $VMAILADM_TEST_RUNDIR if set; else tests/tmp/servers in the checkout, or a directory
# under /tmp when the checkout sits below a directory others cannot enter (/root).
vt_rundir() {
	local d
	if [ -n "${VMAILADM_TEST_RUNDIR:-}" ]; then
		d=$VMAILADM_TEST_RUNDIR
		case $d in /*) ;; *) d=$PWD/$d ;; esac
		if ! vt_traversable "$d"; then
			echo "tests: VMAILADM_TEST_RUNDIR=$d: a parent directory is not searchable by others (chmod o+x it)" >&2
			return 1
		fi
	elif vt_traversable "$VT_ROOT"; then
		d=$VT_ROOT/tests/tmp/servers
	else
		d=/tmp/vmailadm-test-$(id -u)-$(printf %s "$VT_ROOT" | cksum | cut -d' ' -f1)
	fi
	vt_mkdir755 "$d" || return 1
	if [ ! -O "$d" ]; then
		echo "tests: run directory $d belongs to another user" >&2
		return 1
	fi
	printf '%s\n' "$d"
}

# vt_claim_rundir: sets RUNDIR to the run directory and exports it as
# VMAILADM_TEST_RUNDIR, locked for this run (flock on fd 9, held until the shell
# exits; start children that outlive the run with 9>&-). When another run holds it
# (two `make check` in one checkout), this run gets a private one beside it:
# VT_PRIVATE_RUNDIR is then set, and the caller removes it.
vt_claim_rundir() {
	RUNDIR=$(vt_rundir) || return 1
	VT_PRIVATE_RUNDIR=""
	if command -v flock >/dev/null; then
		exec 9>>"$RUNDIR/.lock"
		if ! flock -n 9; then
			exec 9>&-
			echo "note: another test run uses $RUNDIR; this one uses $RUNDIR.$$"
			RUNDIR=$RUNDIR.$$
			rm -rf "$RUNDIR"
			vt_mkdir755 "$RUNDIR" || return 1
			VT_PRIVATE_RUNDIR=$RUNDIR
		fi
	fi
	export VMAILADM_TEST_RUNDIR=$RUNDIR
}

# vt_mkdir755 DIR: mkdir -p, with every component it creates made 0755
vt_mkdir755() {
	local d=$1
	[ -d "$d" ] && return 0
	vt_mkdir755 "$(dirname "$d")" || return 1
	mkdir "$d" 2>/dev/null || [ -d "$d" ] || { echo "tests: cannot create $d" >&2; return 1; }
	chmod 755 "$d"
}

# ---------------------------------------------------------------- engines and URLs

# vt_engine NAME: the canonical engine name (sqlite, pgsql, mysql) or an error
vt_engine() {
	case $1 in
	sqlite | sqlite3) echo sqlite ;;
	pgsql | pg | postgres | postgresql) echo pgsql ;;
	mysql | mariadb) echo mysql ;;
	*) echo "tests: unknown engine '$1' (sqlite, pgsql, mysql)" >&2; return 1 ;;
	esac
}

# vt_engines LIST: LIST (default all three) normalized, in a fixed order, unique
vt_engines() {
	local e want="" out=""
	for e in ${1:-sqlite pgsql mysql}; do
		want="$want $(vt_engine "$e")" || return 1
	done
	for e in sqlite pgsql mysql; do
		case " $want " in *" $e "*) out="$out $e" ;; esac
	done
	echo ${out# }
}

# vt_admin_url ENGINE: the URL to create databases with
vt_admin_url() {
	local u
	case $1 in
	pgsql) u=${VMAILADM_TEST_PG_ADMIN_URL:-} ;;
	mysql) u=${VMAILADM_TEST_MYSQL_ADMIN_URL:-} ;;
	esac
	if [ -z "$u" ]; then
		echo "tests: no $1 server: VMAILADM_TEST_$( [ "$1" = pgsql ] && echo PG || echo MYSQL )_ADMIN_URL is not set (start one with tests/servers.sh start)" >&2
		return 1
	fi
	printf '%s\n' "$u"
}

vt_urldecode() {
	local s=${1//+/ }
	printf '%b' "${s//%/\\x}"
}

# vt_parse_url URL: sets VT_U_USER VT_U_PASS VT_U_HOST VT_U_PORT VT_U_DB from
# scheme://user:pass@host:port/db?params (percent-escapes decoded)
vt_parse_url() {
	local rest=${1#*://} auth hostport
	rest=${rest%%\?*}
	VT_U_DB=""
	case $rest in */*) VT_U_DB=$(vt_urldecode "${rest#*/}"); rest=${rest%%/*} ;; esac
	auth=""
	case $rest in *@*) auth=${rest%@*}; rest=${rest##*@} ;; esac
	hostport=$rest
	VT_U_USER=$(vt_urldecode "${auth%%:*}")
	VT_U_PASS=""
	case $auth in *:*) VT_U_PASS=$(vt_urldecode "${auth#*:}") ;; esac
	VT_U_HOST=${hostport%%:*}
	VT_U_PORT=""
	case $hostport in *:*) VT_U_PORT=${hostport##*:} ;; esac
	[ -n "$VT_U_HOST" ] || VT_U_HOST=localhost
}

# vt_mysql URL ARGS...: runs the mariadb client on the server and database of URL
vt_mysql() {
	vt_parse_url "$1"
	shift
	local args=(--no-defaults --default-character-set=utf8mb4 -u "$VT_U_USER")
	if [ "$VT_U_HOST" = localhost ] && [ -n "${VMAILADM_TEST_MYSQL_SOCKET:-}" ] && [ -z "$VT_U_PORT" ]; then
		args+=(--protocol=socket -S "$VMAILADM_TEST_MYSQL_SOCKET")
	else
		args+=(--protocol=tcp -h "$VT_U_HOST" -P "${VT_U_PORT:-3306}")
	fi
	[ -n "$VT_U_DB" ] && args+=(-D "$VT_U_DB")
	MYSQL_PWD=$VT_U_PASS mariadb "${args[@]}" "$@"
}

# vt_pg URL ARGS...: runs psql on URL (psql reads postgresql:// URLs itself)
vt_pg() {
	local u=$1
	shift
	PGCONNECT_TIMEOUT=10 PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d "$u" "$@"
}

vt_sqlite_path() {
	local p=${1#sqlite:}
	case $p in //*) p=${p#//} ;; esac
	printf '%s\n' "$p"
}

# new_db ENGINE NAME: creates a fresh empty database NAME (dropping an existing one)
# and prints its URL. NAME: lower-case letters, digits, '_'.
new_db() {
	local engine name=$2 admin
	engine=$(vt_engine "$1") || return 1
	case $name in
	'' | *[!a-z0-9_]*) echo "new_db: bad database name '$name' (a-z, 0-9, _)" >&2; return 1 ;;
	esac
	case $engine in
	sqlite)
		local dir=${TEST_TMP:-${VMAILADM_TEST_TMP:-}}
		[ -n "$dir" ] || dir=$(vt_rundir)/work || return 1
		vt_mkdir755 "$dir" || return 1
		rm -f "$dir/$name.db" "$dir/$name.db-wal" "$dir/$name.db-shm" "$dir/$name.db-journal"
		: >"$dir/$name.db" || return 1
		printf 'sqlite:%s\n' "$dir/$name.db"
		;;
	pgsql)
		admin=$(vt_admin_url pgsql) || return 1
		vt_pg "$admin" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
			-c "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING 'UTF8'" >/dev/null || {
			echo "new_db: cannot create PostgreSQL database $name" >&2
			return 1
		}
		printf '%s/%s\n' "${admin%/*}" "$name"
		;;
	mysql)
		admin=$(vt_admin_url mysql) || return 1
		vt_mysql "${admin%/*}/" -e "DROP DATABASE IF EXISTS \`$name\`; CREATE DATABASE \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci" || {
			echo "new_db: cannot create MariaDB database $name" >&2
			return 1
		}
		printf '%s/%s\n' "${admin%/*}" "$name"
		;;
	esac
}

# sql ENGINE URL QUERY: runs QUERY with the engine's own client (psql, mariadb, sqlite3)
# and prints the rows, columns separated by '|', NULL as NULL, no header.
# The exit status is the client's.
sql() {
	local engine
	engine=$(vt_engine "$1") || return 1
	case $engine in
	pgsql) vt_pg "$2" -At -F '|' -P null=NULL -c "$3" ;;
	mysql)
		local rc
		vt_mysql "$2" -N -B -r -e "$3" | tr '\t' '|'
		rc=${PIPESTATUS[0]}
		return "$rc"
		;;
	sqlite) sqlite3 -batch -bail -noheader -list -separator '|' -nullvalue NULL "$(vt_sqlite_path "$2")" "$3" ;;
	esac
}

# ---------------------------------------------------------------- results

VT_PASSED=0
VT_FAILED=0
VT_DONE=0
VT_AT_EXIT=""

pass() {
	VT_PASSED=$((VT_PASSED + 1))
	printf 'ok   %s\n' "$1"
}

# fail WHAT [DETAIL...]: DETAIL lines are printed indented below
fail() {
	VT_FAILED=$((VT_FAILED + 1))
	printf 'FAIL %s\n' "$1"
	shift
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/     | /'
	done
}

check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got:  $2" "want: $3"
	fi
}

check_contains() {
	case $2 in
	*"$3"*) pass "$1" ;;
	*) fail "$1" "text: $2" "does not contain: $3" ;;
	esac
}

# run CMD [ARG...]: runs CMD; sets OUT (stdout), ERR (stderr), RC (exit status)
run() {
	local ef
	ef=$(mktemp "${TMPDIR:-/tmp}/vt-err.XXXXXX")
	OUT=$("$@" 2>"$ef")
	RC=$?
	ERR=$(cat "$ef")
	rm -f "$ef"
	return 0
}

check_rc() {
	local what=$1 want=$2
	shift 2
	run "$@"
	if [ "$RC" = "$want" ]; then
		pass "$what"
	else
		fail "$what" "command: $*" "exit status $RC, want $want" "stdout: $OUT" "stderr: $ERR"
	fi
}

at_exit() {
	VT_AT_EXIT="$1
$VT_AT_EXIT"
}

test_done() {
	VT_DONE=1
	printf '%d passed, %d failed\n' "$VT_PASSED" "$VT_FAILED"
	[ "$VT_FAILED" -eq 0 ]
	exit
}

vt_on_exit() {
	local rc=$?
	if [ -n "$VT_AT_EXIT" ]; then
		eval "$VT_AT_EXIT" || true
	fi
	if [ "$VT_DONE" = 0 ]; then
		VT_FAILED=$((VT_FAILED + 1))
		printf 'FAIL the test ended (status %d) before test_done\n' "$rc"
		printf '%d passed, %d failed\n' "$VT_PASSED" "$VT_FAILED"
		[ "$rc" -ne 0 ] || rc=1
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- test set-up
# Skipped when sourced by the tools themselves (VT_LIB_TOOLS=1).

if [ "${VT_LIB_TOOLS:-0}" != 1 ]; then
	trap vt_on_exit EXIT
	VMAILADM=${VMAILADM:-$VT_ROOT/vmailadm}
	# stand-alone run: pick up servers started by `tests/servers.sh start`
	if [ -z "${VMAILADM_TEST_PG_ADMIN_URL:-}${VMAILADM_TEST_MYSQL_ADMIN_URL:-}" ]; then
		vt_env=$(vt_rundir)/servers.env
		[ -r "$vt_env" ] && . "$vt_env"
		unset vt_env
	fi
	if [ -z "${VMAILADM_TEST_RUN:-}" ]; then
		# not under run-checks.sh: test what is available
		vt_list=sqlite
		[ -n "${VMAILADM_TEST_PG_ADMIN_URL:-}" ] && vt_list="$vt_list pgsql"
		[ -n "${VMAILADM_TEST_MYSQL_ADMIN_URL:-}" ] && vt_list="$vt_list mysql"
		VMAILADM_ENGINES=$(vt_engines "${VMAILADM_ENGINES:-$vt_list}") || exit 2
		unset vt_list
	fi
	if [ -n "${VMAILADM_TEST_TMP:-}" ]; then
		TEST_TMP=$VMAILADM_TEST_TMP # fresh from run-checks.sh, with its SQLite database
	else
		TEST_TMP=$(vt_rundir)/work/$(basename "$0" .sh)
		rm -rf "$TEST_TMP"
	fi
	vt_mkdir755 "$TEST_TMP" || exit 2
	export VMAILADM VMAILADM_ENGINES TEST_TMP
fi
