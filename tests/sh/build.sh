#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build.sh: configure's library probes and options, a build without two engines, and
# make install into DESTDIR -- on a copy of the source tree.
. "$(dirname "$0")/../lib.sh"

src=$TEST_TMP/src
mkdir -p "$src"
# the files git tracks, as they are in the working tree (outside git: the tree less
# what a build and the tests leave)
if [ -n "$(cd "$VT_ROOT" && git ls-files 2>/dev/null | head -1)" ]; then
	(cd "$VT_ROOT" && git ls-files -z | tar --null -T - -cf -) | (cd "$src" && tar -xf -)
else
	(cd "$VT_ROOT" && tar --exclude=./tests/tmp --exclude='*.o' --exclude='*.d' --exclude='*.a' \
		--exclude=./vmailadm --exclude=./config.h --exclude=./config.mk --exclude=./Makefile \
		--exclude='./demo.db*' --exclude=./.git -cf - .) | (cd "$src" && tar -xf -)
fi
cd "$src" || exit 1

# a library that pkg-config cannot find: configure names it and its Debian package
mkdir -p "$TEST_TMP/bin"
cat >"$TEST_TMP/bin/pkg-config" <<'PC'
#!/bin/sh
for a in "$@"; do [ "$a" = libpq ] && exit 1; done
exec /usr/bin/pkg-config "$@"
PC
chmod +x "$TEST_TMP/bin/pkg-config"
check_rc "configure without libpq fails" 1 env PKG_CONFIG="$TEST_TMP/bin/pkg-config" ./configure
check_contains "configure names libpq and its package" "$ERR" "libpq (PostgreSQL) (pkg-config: libpq) -- Debian package: libpq-dev"
check_rc "configure --without-pgsql needs no libpq" 0 env PKG_CONFIG="$TEST_TMP/bin/pkg-config" ./configure --without-pgsql
check_rc "configure refuses an unknown option" 2 ./configure --with-oracle
check_contains "unknown option message" "$ERR" "unknown option '--with-oracle'"

check_rc "configure --without-pgsql --without-mysql" 0 env CFLAGS=-O0 ./configure --prefix=/opt/vm --without-pgsql --without-mysql --enable-werror
check_rc "build without two engines" 0 make -j2 vmailadm
check_rc "postgresql URL: not built in" 2 ./vmailadm -d postgresql://u@127.0.0.1/db domain list
check_contains "postgresql not built in message" "$ERR" "postgresql support is not built in (vmailadm was configured --without-pgsql)"
check_rc "mysql URL: not built in" 2 ./vmailadm -d mysql://u@127.0.0.1/db domain list
check_contains "mysql not built in message" "$ERR" "--without-mysql"
check_rc "sqlite still works" 0 ./vmailadm -d "sqlite:$TEST_TMP/b.db" db init

dest=$TEST_TMP/dest
check_rc "make install DESTDIR" 0 make install DESTDIR="$dest"
for f in /opt/vm/bin/vmailadm /opt/vm/share/man/man8/vmailadm.8 /opt/vm/share/doc/vmailadm/vmailadm.conf.example; do
	[ -f "$dest$f" ] && pass "installed $f" || fail "installed $f"
done
check_rc "installed binary runs db init (schema compiled in)" 0 "$dest/opt/vm/bin/vmailadm" -d "sqlite:$TEST_TMP/i.db" db init
check_rc "make clean" 0 make clean
[ ! -e vmailadm ] && [ -z "$(find . -name '*.o' | head -1)" ] && pass "make clean removes the build" || fail "make clean removes the build"
test_done
