#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh: builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined)
# into tests/fuzz/bin and runs each on a copy of its seed corpus for FUZZ_SECONDS
# (default $VMAILADM_FUZZ_SECONDS or 60). Fails on any crash, leak or sanitizer report.
# Ends with "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
SECS=${FUZZ_SECONDS:-${VMAILADM_FUZZ_SECONDS:-60}}
CC=${FUZZ_CC:-clang}
BIN=tests/fuzz/bin
mkdir -p "$BIN"
passed=0 failed=0
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -I. -std=c11"
# the reader modules are pure: they and the allocator are all a target needs
declare -A SRC=([stmt]="core/lang/stmt.c lib/utf8.c lib/readfile.c" [csv]="core/lang/csvio.c lib/utf8.c lib/readfile.c")
for t in stmt csv; do
	if ! $CC $FLAGS -o "$BIN/fuzz_$t" "tests/fuzz/fuzz_$t.c" ${SRC[$t]} lib/xalloc.c 2>"$BIN/fuzz_$t.build.log"; then
		echo "FAIL fuzz_$t: build (see $BIN/fuzz_$t.build.log)"; cat "$BIN/fuzz_$t.build.log"
		failed=$((failed + 1)); continue
	fi
	work=$BIN/corpus_$t
	rm -rf "$work"; mkdir -p "$work"; cp tests/fuzz/corpus/$t/* "$work/"
	if UBSAN_OPTIONS=halt_on_error=1 "$BIN/fuzz_$t" -max_total_time="$SECS" -max_len=70000 -rss_limit_mb=2048 \
		-artifact_prefix="$BIN/crash_$t-" "$work" >"$BIN/fuzz_$t.log" 2>&1; then
		echo "ok   fuzz_$t: $(grep -Eo 'stat::number_of_executed_runs: *[0-9]+' "$BIN/fuzz_$t.log" | grep -Eo '[0-9]+$' || grep -Eo '#[0-9]+' "$BIN/fuzz_$t.log" | tail -n1) runs in ${SECS}s"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz_$t: see $BIN/fuzz_$t.log"; tail -n 40 "$BIN/fuzz_$t.log"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
