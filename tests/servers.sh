#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/servers.sh start|stop|env|status [pgsql] [mysql]: private PostgreSQL and
# MariaDB servers for a test run (default: both).
#
#   start   wipes and initializes their data directories under the run directory
#           (see vt_rundir in tests/lib.sh), starts them on 127.0.0.1 and on unix
#           sockets, waits until they accept connections, creates the role/user
#           vmailtest (superuser / all privileges) and writes $RUNDIR/servers.env.
#           A server this run directory left running is stopped first.
#   stop    stops them by their recorded PIDs; safe to call twice.
#   env     prints servers.env (eval "$(tests/servers.sh env)").
#   status  tells whether each recorded server is running.
#
# Run as root, the servers run as the postgres and mysql users; run as another user,
# as that user. Environment:
#   VMAILADM_TEST_RUNDIR       run directory
#   VMAILADM_TEST_PG_PORT      PostgreSQL TCP port (default 25433)
#   VMAILADM_TEST_MYSQL_PORT   MariaDB TCP port (default 23307)
#     When a default port is taken, the next free one of the following 20 is used;
#     a port given explicitly must be free.
#   VMAILADM_TEST_PGBIN        PostgreSQL's bin directory (default /usr/lib/postgresql/15/bin)
#   VMAILADM_TEST_SERVER_TIMEOUT  seconds to wait for a server (default 30)
#
# servers.env exports:
#   VMAILADM_TEST_PG_ADMIN_URL     postgresql://vmailtest:PW@127.0.0.1:PORT/postgres
#   VMAILADM_TEST_MYSQL_ADMIN_URL  mysql://vmailtest:PW@127.0.0.1:PORT/mysql
#   VMAILADM_TEST_DB_USER, VMAILADM_TEST_DB_PASSWORD
#   VMAILADM_TEST_PG_PORT, VMAILADM_TEST_PG_SOCKET_DIR (the directory of .s.PGSQL.PORT)
#   VMAILADM_TEST_MYSQL_PORT, VMAILADM_TEST_MYSQL_SOCKET (the socket file)
set -u

VT_LIB_TOOLS=1
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TIMEOUT=${VMAILADM_TEST_SERVER_TIMEOUT:-30}
DB_USER=vmailtest

die() {
	echo "servers.sh: $*" >&2
	exit 1
}

RUNDIR=$(vt_rundir) || exit 1
PGDIR=$RUNDIR/pg
MYDIR=$RUNDIR/mysql
MYSOCK=$MYDIR/mysqld.sock
ENVFILE=$RUNDIR/servers.env

if [ "$(id -u)" = 0 ]; then
	PG_OS_USER=postgres
	MY_OS_USER=mysql
	MY_ADMIN=root
else
	PG_OS_USER=$(id -un)
	MY_OS_USER=$PG_OS_USER
	MY_ADMIN=$PG_OS_USER
fi

# as USER CMD...: runs CMD as USER, from /, stdin closed
as() {
	local u=$1
	shift
	if [ "$(id -u)" = 0 ] && [ "$u" != root ]; then
		(cd / && exec runuser -u "$u" -- "$@") </dev/null
	else
		(cd / && exec "$@") </dev/null
	fi
}

pgbin() {
	local d=${VMAILADM_TEST_PGBIN:-/usr/lib/postgresql/15/bin}
	if [ ! -x "$d/pg_ctl" ] && [ -z "${VMAILADM_TEST_PGBIN:-}" ]; then
		d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	fi
	[ -n "$d" ] && [ -x "$d/pg_ctl" ] || die "PostgreSQL server binaries not found (Debian: apt-get install postgresql; or set VMAILADM_TEST_PGBIN)"
	echo "$d"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port VAR DEFAULT [FROM]: prints a free port: $VAR if set (must be free), else
# the first free one of DEFAULT..DEFAULT+20, starting at FROM
pick_port() {
	local given=${!1:-} p
	if [ -n "$given" ]; then
		port_busy "$given" && die "port $given ($1) is already in use on 127.0.0.1"
		echo "$given"
		return
	fi
	for p in $(seq "${3:-$2}" $(($2 + 20))); do
		if ! port_busy "$p"; then
			echo "$p"
			return
		fi
	done
	die "ports $2-$(($2 + 20)) are all in use on 127.0.0.1 (set $1)"
}

# retry_port VAR LOG PORT DEFAULT: after a failed start, prints the port to try next
# when another server took PORT between the check and the bind (a test run started
# at the same time); fails when it is no such race
retry_port() {
	[ -z "${!1:-}" ] && [ "$3" -lt $(($4 + 20)) ] &&
		tail -n 20 "$2" 2>/dev/null | grep -q 'Address already in use' &&
		echo $(($3 + 1))
}

# alive PID NAME...: PID runs and its command is one of NAME (a recycled PID is not ours)
alive() {
	local pid=$1 comm
	shift
	[ -n "$pid" ] && running "$pid" || return 1
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	local n
	for n in "$@"; do [ "$comm" = "$n" ] && return 0; done
	return 1
}

# running PID: PID exists and is not a zombie (a detached server is reaped by init,
# which may take its time)
running() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(cut -d')' -f2 "/proc/$1/stat" 2>/dev/null) || return 1
	case $st in " Z"* | " X"*) return 1 ;; esac
}

# wait_gone PID SECONDS
wait_gone() {
	local i=0 n=$(($2 * 20))
	while running "$1"; do
		i=$((i + 1))
		[ $i -ge $n ] && return 1
		sleep 0.05
	done
}

logtail() {
	echo "--- last lines of $1:" >&2
	tail -n 25 "$1" >&2 2>/dev/null
	echo "---" >&2
}

random_password() {
	od -An -N12 -tx1 /dev/urandom | tr -d ' \n'
}

# ------------------------------------------------------------------ PostgreSQL

pg_start() {
	local bin port from=25433 t0 pid
	bin=$(pgbin)
	t0=$(now)
	rm -rf "$PGDIR"
	mkdir "$PGDIR" && chmod 755 "$PGDIR" || die "cannot create $PGDIR"
	[ "$PG_OS_USER" != "$(id -un)" ] && chown "$PG_OS_USER:" "$PGDIR"
	as "$PG_OS_USER" test -w "$PGDIR" || die "$PGDIR is not writable by $PG_OS_USER"
	if ! as "$PG_OS_USER" "$bin/initdb" -D "$PGDIR/data" -U postgres \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
		--no-sync --no-instructions >"$PGDIR/initdb.log" 2>&1; then
		logtail "$PGDIR/initdb.log"
		die "PostgreSQL initdb failed"
	fi
	cat >>"$PGDIR/data/postgresql.conf" <<EOF
# vmailadm test server (tests/servers.sh); the port is given by pg_ctl -o
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGDIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF
	while :; do
		port=$(pick_port VMAILADM_TEST_PG_PORT 25433 $from) || exit 1
		as "$PG_OS_USER" "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" -o "-p $port" \
			-w -t "$TIMEOUT" start >"$PGDIR/pg_ctl.log" 2>&1 && break
		from=$(retry_port VMAILADM_TEST_PG_PORT "$PGDIR/postgres.log" "$port" 25433) && continue
		cat "$PGDIR/pg_ctl.log" >&2
		logtail "$PGDIR/postgres.log"
		pid=$(head -n 1 "$PGDIR/data/postmaster.pid" 2>/dev/null)
		alive "$pid" postgres && kill -INT "$pid"
		die "PostgreSQL did not start on port $port"
	done
	pid=$(head -n 1 "$PGDIR/data/postmaster.pid")
	echo "$pid" >"$RUNDIR/pg.pid"
	PG_PASSWORD=$(random_password)
	if ! PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$port" -U postgres -d postgres \
		-c "CREATE ROLE $DB_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD'" </dev/null >/dev/null; then
		logtail "$PGDIR/postgres.log"
		die "cannot create the PostgreSQL role $DB_USER"
	fi
	# the TCP path with the password, as the tests will use it
	PGCONNECT_TIMEOUT=10 PGPASSWORD=$PG_PASSWORD psql -X -q -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres \
		-c 'SELECT 1' </dev/null >/dev/null || die "cannot log in to PostgreSQL as $DB_USER over TCP"
	PG_PORT=$port
	echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port and $PGDIR/.s.PGSQL.$port (pid $pid, log $PGDIR/postgres.log), ready in $(since "$t0") s"
}

pg_stop() {
	local pid bin
	[ -f "$RUNDIR/pg.pid" ] || return 0
	pid=$(cat "$RUNDIR/pg.pid")
	if alive "$pid" postgres; then
		bin=$(pgbin 2>/dev/null)
		if [ -n "$bin" ] && [ -f "$PGDIR/data/postmaster.pid" ] &&
			as "$PG_OS_USER" "$bin/pg_ctl" -D "$PGDIR/data" -m fast -w -t "$TIMEOUT" stop >/dev/null 2>&1; then
			:
		else
			kill -INT "$pid" 2>/dev/null # fast shutdown
			wait_gone "$pid" "$TIMEOUT" || { kill -KILL "$pid" 2>/dev/null; wait_gone "$pid" 5; }
		fi
		echo "PostgreSQL (pid $pid) stopped"
	fi
	rm -f "$RUNDIR/pg.pid"
}

# ------------------------------------------------------------------ MariaDB

# mysql_launch PORT: starts mariadbd on the initialized data directory and waits
# until it answers; fails if it exits or does not answer in time
mysql_launch() {
	local port=$1 pid i=0 userarg=()
	[ "$(id -u)" = 0 ] && userarg=(--user="$MY_OS_USER")
	(cd / && exec setsid "$MARIADBD" --no-defaults "${userarg[@]}" \
		--datadir="$MYDIR/data" --tmpdir="$MYDIR/tmp" \
		--socket="$MYSOCK" --port="$port" --bind-address=127.0.0.1 \
		--pid-file="$MYDIR/mariadbd.pid" --log-error="$MYDIR/error.log" \
		--skip-name-resolve --skip-log-bin \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		--innodb-buffer-pool-size=128M --innodb-log-file-size=48M \
		--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-fast-shutdown=2 \
		--innodb-buffer-pool-dump-at-shutdown=0 --innodb-buffer-pool-load-at-startup=0 \
		--sync-binlog=0 --max-connections=200) </dev/null >"$MYDIR/stdout.log" 2>&1 &
	pid=$!
	echo "$pid" >"$RUNDIR/mysql.pid"
	until mariadb-admin --no-defaults --protocol=socket -S "$MYSOCK" -u "$MY_ADMIN" ping >/dev/null 2>&1; do
		if ! running "$pid"; then
			rm -f "$RUNDIR/mysql.pid"
			return 1
		fi
		i=$((i + 1))
		if [ $i -ge $((TIMEOUT * 20)) ]; then
			echo "servers.sh: mariadbd did not accept connections within $TIMEOUT s" >&2
			mysql_stop >/dev/null
			return 1
		fi
		sleep 0.05
	done
	# the server's own PID (the same unless setsid had to fork)
	[ -s "$MYDIR/mariadbd.pid" ] && cat "$MYDIR/mariadbd.pid" >"$RUNDIR/mysql.pid"
	return 0
}

mysql_start() {
	local port from=23307 t0 pid userarg=()
	MARIADBD=$(command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null) ||
		die "mariadbd not found (Debian: apt-get install mariadb-server)"
	command -v mariadb-install-db >/dev/null || die "mariadb-install-db not found (Debian: apt-get install mariadb-server)"
	command -v mariadb >/dev/null || die "the mariadb client not found (Debian: apt-get install mariadb-client)"
	t0=$(now)
	rm -rf "$MYDIR"
	mkdir -p "$MYDIR/data" "$MYDIR/tmp" && chmod 755 "$MYDIR" || die "cannot create $MYDIR"
	[ "$MY_OS_USER" != "$(id -un)" ] && chown -R "$MY_OS_USER:" "$MYDIR"
	[ "$(id -u)" = 0 ] && userarg=(--user="$MY_OS_USER")
	if ! (cd / && mariadb-install-db --no-defaults "${userarg[@]}" --datadir="$MYDIR/data" \
		--auth-root-authentication-method=socket --skip-test-db --skip-name-resolve) \
		</dev/null >"$MYDIR/install.log" 2>&1; then
		logtail "$MYDIR/install.log"
		die "mariadb-install-db failed"
	fi
	while :; do
		port=$(pick_port VMAILADM_TEST_MYSQL_PORT 23307 $from) || exit 1
		mysql_launch "$port" && break
		from=$(retry_port VMAILADM_TEST_MYSQL_PORT "$MYDIR/error.log" "$port" 23307) && continue
		cat "$MYDIR/stdout.log" >&2
		logtail "$MYDIR/error.log"
		die "MariaDB did not start on port $port"
	done
	pid=$(cat "$RUNDIR/mysql.pid")
	MY_PASSWORD=$(random_password)
	if ! mariadb --no-defaults --protocol=socket -S "$MYSOCK" -u "$MY_ADMIN" </dev/null -e "
		CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$MY_PASSWORD';
		CREATE USER '$DB_USER'@'localhost' IDENTIFIED BY '$MY_PASSWORD';
		GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
		GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;"; then
		logtail "$MYDIR/error.log"
		die "cannot create the MariaDB user $DB_USER"
	fi
	MYSQL_PWD=$MY_PASSWORD mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$port" -u "$DB_USER" -e 'SELECT 1' </dev/null >/dev/null ||
		die "cannot log in to MariaDB as $DB_USER over TCP"
	MY_PORT=$port
	echo "MariaDB $("$MARIADBD" --version | awk '{print $3}' | cut -d- -f1) on 127.0.0.1:$port and $MYSOCK (pid $pid, log $MYDIR/error.log), ready in $(since "$t0") s"
}

mysql_stop() {
	local pid
	[ -f "$RUNDIR/mysql.pid" ] || return 0
	pid=$(cat "$RUNDIR/mysql.pid")
	if alive "$pid" mariadbd mysqld; then
		kill -TERM "$pid" 2>/dev/null
		if ! wait_gone "$pid" "$TIMEOUT"; then
			kill -KILL "$pid" 2>/dev/null
			wait_gone "$pid" 5
		fi
		echo "MariaDB (pid $pid) stopped"
	fi
	rm -f "$RUNDIR/mysql.pid"
}

# ------------------------------------------------------------------ env file

# write_env: servers.env for the servers running now (keeps a running server's lines
# when only the other one was started)
write_env() {
	local tmp=$ENVFILE.tmp
	{
		echo "# written by tests/servers.sh start; source it or eval \"\$(tests/servers.sh env)\""
		echo "export VMAILADM_TEST_RUNDIR='$RUNDIR'"
		echo "export VMAILADM_TEST_DB_USER='$DB_USER'"
		if [ -n "${PG_PORT:-}" ]; then
			echo "export VMAILADM_TEST_PG_PORT='$PG_PORT'"
			echo "export VMAILADM_TEST_PG_SOCKET_DIR='$PGDIR'"
			echo "export VMAILADM_TEST_PG_PASSWORD='$PG_PASSWORD'"
			echo "export VMAILADM_TEST_PG_ADMIN_URL='postgresql://$DB_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres'"
		elif [ -f "$RUNDIR/pg.pid" ] && [ -f "$ENVFILE" ]; then
			grep '^export VMAILADM_TEST_PG_' "$ENVFILE"
		fi
		if [ -n "${MY_PORT:-}" ]; then
			echo "export VMAILADM_TEST_MYSQL_PORT='$MY_PORT'"
			echo "export VMAILADM_TEST_MYSQL_SOCKET='$MYSOCK'"
			echo "export VMAILADM_TEST_MYSQL_PASSWORD='$MY_PASSWORD'"
			echo "export VMAILADM_TEST_MYSQL_ADMIN_URL='mysql://$DB_USER:$MY_PASSWORD@127.0.0.1:$MY_PORT/mysql'"
		elif [ -f "$RUNDIR/mysql.pid" ] && [ -f "$ENVFILE" ]; then
			grep '^export VMAILADM_TEST_MYSQL_' "$ENVFILE"
		fi
	} >"$tmp" && mv "$tmp" "$ENVFILE"
}

# ------------------------------------------------------------------ main

cmd=${1:-}
[ $# -gt 0 ] && shift
engines=$(vt_engines "${*:-pgsql mysql}") || exit 2
case " $engines " in *" sqlite "*) engines=$(echo " $engines " | sed 's/ sqlite / /; s/^ //; s/ $//') ;; esac

case $cmd in
start)
	for e in $engines; do
		case $e in
		pgsql) pg_stop >/dev/null; pg_start ;;
		mysql) mysql_stop >/dev/null; mysql_start ;;
		esac
	done
	write_env
	;;
stop)
	for e in $engines; do
		case $e in
		pgsql) pg_stop ;;
		mysql) mysql_stop ;;
		esac
	done
	if [ -f "$RUNDIR/pg.pid" ] || [ -f "$RUNDIR/mysql.pid" ]; then
		# one of them still runs: drop the lines of the stopped one
		[ -f "$RUNDIR/pg.pid" ] || sed -i '/^export VMAILADM_TEST_PG_/d' "$ENVFILE" 2>/dev/null
		[ -f "$RUNDIR/mysql.pid" ] || sed -i '/^export VMAILADM_TEST_MYSQL_/d' "$ENVFILE" 2>/dev/null
	else
		rm -f "$ENVFILE"
	fi
	exit 0
	;;
env)
	[ -f "$ENVFILE" ] || die "no servers running for $RUNDIR (tests/servers.sh start)"
	cat "$ENVFILE"
	;;
status)
	rc=0
	pid=$(cat "$RUNDIR/pg.pid" 2>/dev/null)
	if alive "$pid" postgres; then echo "PostgreSQL: running (pid $pid)"; else echo "PostgreSQL: not running"; rc=1; fi
	pid=$(cat "$RUNDIR/mysql.pid" 2>/dev/null)
	if alive "$pid" mariadbd mysqld; then echo "MariaDB: running (pid $pid)"; else echo "MariaDB: not running"; rc=1; fi
	echo "run directory: $RUNDIR"
	exit $rc
	;;
*)
	echo "usage: tests/servers.sh start|stop|env|status [pgsql] [mysql]" >&2
	exit 2
	;;
esac
