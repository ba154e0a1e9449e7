#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/format.sh: the C layout of .clang-format over the sources git tracks (main.c,
# lib/ db/ core/ tui/ doc/ and the C tests; sql/schema_files.c is generated and left out).
#   sh tools/format.sh          rewrites the files in place (make format)
#   sh tools/format.sh --check  changes nothing; lists each file that differs and exits 1
#                               when one does (make format-check)
# A label followed by a block ("out:" then "{") is refused first in both modes:
# clang-format 14 would write it as "out : {".
# Environment: CLANG_FORMAT (default clang-format).
cd "$(dirname "$0")/.." || exit 2
CF=${CLANG_FORMAT:-clang-format}
command -v "$CF" >/dev/null 2>&1 || { echo "format: $CF not found (Debian package clang-format)" >&2; exit 2; }
check=0
[ "${1:-}" = --check ] && check=1
files=$(git ls-files 'main.c' 'lib/*.[ch]' 'db/*.[ch]' 'core/*.[ch]' 'tui/*.[ch]' 'doc/*.c' \
	'tests/unit/*.[ch]' 'tests/fuzz/*.c' 'tests/bench/*.c' 2>/dev/null)
# a copy without .git (the test run's sanitizer tree): the same folders, found on disk
[ -n "$files" ] || files=$(find main.c lib db core tui doc tests/unit tests/fuzz tests/bench -name '*.[ch]' \
	! -name 'schema_files.c' 2>/dev/null | sort)
[ -n "$files" ] || { echo "format: no files found" >&2; exit 2; }

# a label on its own line, the next line an opening brace
labels=$(awk 'prev ~ /^[A-Za-z_][A-Za-z0-9_]*:[ \t]*$/ && $0 ~ /^[ \t]*\{[ \t]*$/ { print FILENAME ":" FNR - 1 ": " prev }
	{ prev = $0 } FNR == 1 { prev = "" }' $files)
if [ -n "$labels" ]; then
	echo "$labels"
	echo "format: a label followed by a block (clang-format 14 writes it 'label : {'): rewrite it first" >&2
	exit 1
fi

if [ $check = 0 ]; then
	exec "$CF" -i $files
fi
bad=0
for f in $files; do
	if ! "$CF" --dry-run --Werror "$f" >/dev/null 2>&1; then
		n=$("$CF" "$f" | diff "$f" - | grep -c '^[<>]')
		echo "$f: $n line(s) differ (make format)"
		bad=$((bad + 1))
	fi
done
if [ $bad -gt 0 ]; then
	echo "format-check: $bad file(s) differ from .clang-format"
	exit 1
fi
echo "format-check: OK"
