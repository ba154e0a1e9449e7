#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/check-layers.sh: the folders' allowed directions, kept by reading the
# #include lines. Each source folder's README.md says what the folder offers and
# has one line "May include: DIR/ DIR/ ..." (its own folder is always allowed);
# every `#include "DIR/file.h"` in a .c or .h file of that folder must name one
# of those folders (a file belongs to the folder it is in, not to a parent:
# core/lang/x.c is core/lang/, not core/). config.h may be included anywhere.
# tools/layers.allow lists the includes that still break a direction, one
# "FILE INCLUDE" a line, while the restructuring removes them: a listed include
# that no longer exists is an error too, so the list only shrinks.
#
# Usage: sh tools/check-layers.sh [ROOT]   (default: the checkout this script is in)
# Prints one line per breach and "layers: N breach(es)" or "layers: OK"; exit 1 on a breach.
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT" || exit 2
ALLOW=tools/layers.allow
[ -f "$ALLOW" ] || ALLOW=/dev/null

# the folders with a "May include:" line, deepest first (so core/lang wins over core)
dirs=$(for r in $(find . -name README.md -path './*/*' -not -path './tests/*' -not -path './.git/*'); do
	grep -q '^May include:' "$r" && dirname "${r#./}"
done | awk '{ print gsub("/", "/"), $0 }' | sort -rn | cut -d' ' -f2-)
[ -n "$dirs" ] || { echo "layers: no folder README.md with a 'May include:' line" >&2; exit 2; }

tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp" "$tmp.gone"' EXIT
rules=$(for d in $dirs; do printf '%s\t%s\n' "$d" "$(sed -n 's/^May include://p' "$d/README.md" | head -n 1)"; done)
# one pass over every file: "FILE INCLUDE LINE" for each include outside its folder's list
for d in $dirs; do ls "$d"/*.c "$d"/*.h 2>/dev/null; done | sort -u |
	xargs awk -v rules="$rules" '
	BEGIN {
		n = split(rules, r, "\n")
		for (i = 1; i <= n; i++) { split(r[i], kv, "\t"); dir[i] = kv[1]; may[i] = " " kv[1] "/ " kv[2] " " }
	}
	FNR == 1 { # the deepest folder that holds the file (rules come deepest first)
		d = FILENAME; sub("/[^/]*$", "", d); rule = 0
		for (i = 1; i <= n; i++) if (dir[i] == d) { rule = i; break }
	}
	rule && /^[ \t]*#[ \t]*include[ \t]*"/ {
		inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
		if (inc == "config.h") next
		idir = inc; if (sub("/[^/]*$", "", idir) == 0) idir = dir[rule]
		if (index(may[rule], " " idir "/ ") == 0) print FILENAME, inc, FNR
	}' >"$tmp"

bad=0
while read -r f inc line; do
	if grep -qx "$f $inc" "$ALLOW"; then continue; fi
	echo "$f:$line: includes $inc: ${f%/*}/ may include only: $(sed -n 's/^May include://p' "${f%/*}/README.md" | head -n 1) (its README.md)"
	bad=$((bad + 1))
done <"$tmp"
# a listed exception that is gone: take it off the list
grep -v '^#' "$ALLOW" | grep -v '^[[:space:]]*$' | while read -r f inc; do
	if ! grep -q "^$f $inc " "$tmp"; then
		echo "$ALLOW: '$f $inc' no longer occurs: remove the line"
		echo x
	fi
done >"$tmp.gone"
n=$(grep -c '^x$' "$tmp.gone")
grep -v '^x$' "$tmp.gone"
bad=$((bad + n))
if [ "$bad" -gt 0 ]; then
	echo "layers: $bad breach(es)"
	exit 1
fi
echo "layers: OK ($(echo $dirs | wc -w) folders)"
