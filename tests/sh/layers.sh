#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# layers.sh: the folders keep their directions (tools/check-layers.sh over the
# #include lines, each folder's README.md "May include:" line) -- on the tree as it
# is, and on copies with a breach planted, which the check must name.
. "$(dirname "$0")/../lib.sh"

check_rc "the tree keeps its layers" 0 sh "$VT_ROOT/tools/check-layers.sh" "$VT_ROOT"
check_contains "the check says OK" "$OUT" "layers: OK"

# a copy of the folders the check reads
copy=$TEST_TMP/tree
mkdir -p "$copy"
(cd "$VT_ROOT" && find lib db sql core tui tools -type f \( -name '*.[ch]' -o -name README.md -o -name 'check-layers.sh' -o -name layers.allow \) |
	tar -T - -cf -) | (cd "$copy" && tar -xf -)
check_rc "the copy keeps its layers" 0 sh "$copy/tools/check-layers.sh" "$copy"

plant() { # plant FILE INCLUDE: a copy of the tree where FILE includes INCLUDE
	rm -rf "$TEST_TMP/p"
	cp -a "$copy" "$TEST_TMP/p"
	printf '#include "%s"\n' "$2" >>"$TEST_TMP/p/$1"
}
for c in "lib/utf8.c core/vm.h" "db/db.c core/vm.h" "core/domain.c core/lang/interp.h" \
	"core/vm.c core/mailsys/genfile.h" "core/mailsys/maps.c core/lang/stmt.h" "tui/domains.c db/db.h" \
	"sql/schema.h lib/xalloc.h"; do
	set -- $c
	plant "$1" "$2"
	check_rc "$1 including $2 is refused" 1 sh "$TEST_TMP/p/tools/check-layers.sh" "$TEST_TMP/p"
	check_contains "the message names $1 and $2" "$OUT" "$1:"
	check_contains "the message names the include $2" "$OUT" "includes $2"
done
# what each folder may use, going down, is fine
for c in "core/lang/batch.c core/mailsys/maps.h" "core/mailsys/maps.c core/domain.h" "core/vm.c lib/str.h" \
	"db/db.c lib/str.h" "tui/domains.c core/lang/stmt.h"; do
	set -- $c
	plant "$1" "$2"
	check_rc "$1 including $2 is allowed" 0 sh "$TEST_TMP/p/tools/check-layers.sh" "$TEST_TMP/p"
done
# an exception that no longer occurs must leave the list
rm -rf "$TEST_TMP/p" && cp -a "$copy" "$TEST_TMP/p"
echo "core/vm.c core/lang/interp.h" >>"$TEST_TMP/p/tools/layers.allow"
check_rc "a stale exception is refused" 1 sh "$TEST_TMP/p/tools/check-layers.sh" "$TEST_TMP/p"
check_contains "the stale exception is named" "$OUT" "'core/vm.c core/lang/interp.h' no longer occurs"
test_done
