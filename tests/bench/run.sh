#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/run.sh (make bench): runs every tests/bench/bench_*.sh. PostgreSQL and
# MariaDB come from VMAILADM_TEST_*_ADMIN_URL, or private servers started here (in their
# own run directory, stopped at the end). VMAILADM_ENGINES, VMAILADM_BENCH_SIZES narrow it.
set -u
VT_LIB_TOOLS=1
. "$(dirname "$0")/../lib.sh"
export VMAILADM=${VMAILADM:-$VT_ROOT/vmailadm}
engines=$(vt_engines "${VMAILADM_ENGINES:-}") || exit 2
export VMAILADM_ENGINES=$engines
need=""
case " $engines " in *" pgsql "*) [ -n "${VMAILADM_TEST_PG_ADMIN_URL:-}" ] || need="$need pgsql" ;; esac
case " $engines " in *" mysql "*) [ -n "${VMAILADM_TEST_MYSQL_ADMIN_URL:-}" ] || need="$need mysql" ;; esac
if [ -n "$need" ]; then
	export VMAILADM_TEST_RUNDIR=${VMAILADM_TEST_RUNDIR:-$VT_ROOT/tests/tmp/bench-servers}
	bash "$VT_ROOT/tests/servers.sh" start $need || exit 3
	trap 'bash "$VT_ROOT/tests/servers.sh" stop' EXIT
	eval "$(bash "$VT_ROOT/tests/servers.sh" env)"
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr); engines: $engines"
for b in "$VT_ROOT"/tests/bench/bench_*.sh; do
	echo "## $(basename "$b")"
	bash "$b"
done
