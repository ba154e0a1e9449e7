# SPDX-License-Identifier: MIT
# tests/bench/benchlib.sh: the set-up every bench_*.sh starts with (source it first, in
# bash): set -u, tests/lib.sh with its tools (new_db, sql, vt_engine...), VMAILADM (the
# binary, default the checkout's) and TEST_TMP (default <run dir>/bench, created 0755),
# both exported, and two helpers:
#   median            the median of the numbers on stdin, one a line
#   ms CMD [ARG...]   runs CMD (output dropped) and prints its wall time in ms (0.1 ms)
set -u
VT_LIB_TOOLS=1
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
VMAILADM=${VMAILADM:-$VT_ROOT/vmailadm}
export VMAILADM
TEST_TMP=${TEST_TMP:-$(vt_rundir)/bench}
vt_mkdir755 "$TEST_TMP"
export TEST_TMP
median() { sort -n | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )) | awk '{printf "%.1f\n", $1/1000}'; }
