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

# no call cycle between core/'s files (tools/callcycles.py over the objects make built)
if command -v python3 >/dev/null && command -v nm >/dev/null && ls "$VT_ROOT"/core/*.o >/dev/null 2>&1; then
	check_rc "core/ has no call cycle" 0 sh -c "cd '$VT_ROOT' && python3 tools/callcycles.py core"
	check_contains "callcycles says OK" "$OUT" "callcycles: OK"
	# planted cycles: a -> b -> c -> a (three files), then d <-> e (two)
	cy=$TEST_TMP/cycles
	mkdir -p "$cy/core"
	printf 'void b(void);\nvoid a(void);\nvoid a(void) { b(); }\n' >"$cy/core/a.c"
	printf 'void c(void);\nvoid b(void);\nvoid b(void) { c(); }\n' >"$cy/core/b.c"
	printf 'void a(void);\nvoid c(void);\nvoid c(void) { a(); }\n' >"$cy/core/c.c"
	printf 'void e(void);\nvoid d(void);\nvoid d(void) { e(); }\n' >"$cy/core/d.c"
	printf 'void d(void);\nvoid e(void);\nvoid e(void) { d(); }\n' >"$cy/core/e.c"
	for f in a b c d e; do cc -c -o "$cy/core/$f.o" "$cy/core/$f.c" || fail "cc $f.c"; done
	check_rc "a three-file cycle is refused" 1 sh -c "cd '$cy' && python3 '$VT_ROOT/tools/callcycles.py' core"
	check_contains "it is named with its files" "$OUT" "BAD cycle of 3: core/a.c core/b.c core/c.c"
	check_contains "an unlisted two-file cycle is named too" "$OUT" "BAD cycle of 2: core/d.c core/e.c"
	rm "$cy/core/c.o" "$cy/core/c.c"
	mkdir -p "$cy/tools" && echo "core/d.c core/e.c  planted" >"$cy/tools/cycles.allow"
	check_rc "a listed two-file cycle is allowed" 0 sh -c "cd '$cy' && python3 '$VT_ROOT/tools/callcycles.py' core"
	check_contains "and shown as allowed" "$OUT" "allowed cycle of 2: core/d.c core/e.c"
fi
test_done
