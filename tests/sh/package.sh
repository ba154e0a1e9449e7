#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# package.sh: the Debian package. Builds it (dpkg-buildpackage -us -uc -b) in a copy
# of the checkout, runs lintian on it, installs it into a scratch root with dpkg
# itself (dpkg --root, maintainer scripts run chrootless with DPKG_ROOT, so
# postinst's group and stat override land in the scratch root and this machine
# is left as it was), and checks what an admin would: the binary runs and makes a
# SQLite database, /etc/vmailadm.conf is a conffile 0640 root:vmailadm that a
# reinstall keeps when edited, the timers are installed disabled and pass
# systemd-analyze verify, the bash completion parses and completes `vmailadm dom`
# and domain names from the database, the manual is there; then a purge removes it.
# Skipped (with a message) when debhelper is not installed.
. "$(dirname "$0")/../lib.sh"

for tool in dpkg-buildpackage dh lintian systemd-analyze; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "package: skipped: $tool is not installed (apt-get install debhelper lintian fakeroot bash-completion systemd)"
		test_done
	fi
done
if [ "$(id -u)" != 0 ]; then
	# dpkg and dpkg-statoverride set the conffile's owner in the scratch root
	echo "package: skipped: installing into a scratch root needs root"
	test_done
fi
if grep -q '^SAN = -f' "$VT_ROOT/config.mk" 2>/dev/null; then
	# the package builds with Debian's flags, not the sanitizers: the plain run tests it
	echo "package: skipped in a sanitizer build"
	test_done
fi
if [ ! -r /usr/share/bash-completion/bash_completion ]; then
	echo "package: skipped: bash-completion is not installed (apt-get install bash-completion)"
	test_done
fi

# ---------------------------------------------------------------- build

src=$TEST_TMP/build/vmailadm
mkdir -p "$src"
if [ -n "$(cd "$VT_ROOT" && git ls-files 2>/dev/null | head -1)" ]; then
	(cd "$VT_ROOT" && git ls-files -z | tar --null -T - -cf -) | (cd "$src" && tar -xf -)
else
	(cd "$VT_ROOT" && tar --exclude=./tests/tmp --exclude='*.o' --exclude='*.d' --exclude='*.a' \
		--exclude=./vmailadm --exclude=./vmailadm.8 --exclude=./doc/mkman --exclude=./config.h \
		--exclude=./config.mk --exclude=./Makefile --exclude='./demo.db*' --exclude=./.git -cf - .) |
		(cd "$src" && tar -xf -)
fi
# a clean environment: nothing of this test run (VMAILADM, VMAILADM_TESTS...)
# reaches the build, which runs a test of its own
build_env=(env -i PATH="$PATH" HOME="$TEST_TMP" LANG=C.UTF-8 DEB_BUILD_OPTIONS=parallel=2)
(cd "$src" && "${build_env[@]}" dpkg-buildpackage -us -uc -b) >"$TEST_TMP/build.log" 2>&1
rc=$?
deb=$(ls "$TEST_TMP"/build/vmailadm_*.deb 2>/dev/null | head -1)
if [ $rc = 0 ] && [ -f "$deb" ]; then
	pass "dpkg-buildpackage -us -uc -b builds $(basename "$deb")"
else
	fail "dpkg-buildpackage -us -uc -b (exit status $rc)" "$(tail -n 30 "$TEST_TMP/build.log")"
	test_done
fi
check_contains "the build ran the manual's test" "$(cat "$TEST_TMP/build.log")" "ok   sh/manpage"
changes=$(ls "$TEST_TMP"/build/vmailadm_*.changes | head -1)

# ---------------------------------------------------------------- lintian

# as an unprivileged user when run as root (lintian advises it), else as is
lint=(lintian)
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	lint=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp lintian)
chmod -R a+rX "$TEST_TMP/build"
out=$("${lint[@]}" --pedantic "$changes" 2>&1)
tags=$(printf '%s\n' "$out" | grep -E '^[EWIP]:')
if printf '%s\n' "$tags" | grep -qE '^[EW]:'; then
	fail "lintian: no error, no warning (overrides are explained in debian/vmailadm.lintian-overrides)" "$out"
else
	pass "lintian: no error, no warning"
fi
[ -n "$tags" ] && echo "lintian (info/pedantic): $tags"

# ---------------------------------------------------------------- install into a scratch root

R=$TEST_TMP/root
mkdir -p "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/info" "$R/etc"
touch "$R/var/lib/dpkg/status"
# the accounts of this machine, so that system ids do not collide
cp /etc/passwd /etc/group "$R/etc/"
[ -r /etc/shadow ] && cp /etc/shadow "$R/etc/"
[ -r /etc/gshadow ] && cp /etc/gshadow "$R/etc/"
host_before=$(getent group vmailadm; ls -l /etc/vmailadm.conf /usr/bin/vmailadm 2>/dev/null)

# rdpkg ARGS: dpkg on the scratch root; the dependencies live on this machine
rdpkg() {
	dpkg --root="$R" --force-script-chrootless --force-depends --log="$R/dpkg.log" "$@"
}
check_rc "dpkg --root -i installs the package" 0 rdpkg -i "$deb"
[ "$RC" = 0 ] || { echo "$OUT"; echo "$ERR"; }

bin=$R/usr/bin/vmailadm
run "$bin" --version
check_eq "vmailadm --version" "$OUT" "vmailadm $(sed -n '1s/^vmailadm (\([^)]*\)).*/\1/p' "$src/debian/changelog")"
db=$TEST_TMP/p.db
check_rc "the installed binary: db init on SQLite" 0 "$bin" -c /dev/null -d "sqlite:$db" db init
check_rc "the installed binary: db check" 0 "$bin" -c /dev/null -d "sqlite:$db" db check
check_rc "the installed binary: domain add" 0 "$bin" -c /dev/null -d "sqlite:$db" -q domain add example.com

# the conffile: registered, 0640 root:vmailadm, the group made in the scratch root
gid=$(awk -F: '$1 == "vmailadm" { print $3 }' "$R/etc/group")
[ -n "$gid" ] && pass "postinst made the group vmailadm (gid $gid)" || fail "postinst made the group vmailadm"
check_eq "conffile mode and owner" "$(stat -c '%a %u %g' "$R/etc/vmailadm.conf")" "640 0 $gid"
check_contains "registered as a conffile" "$(rdpkg -s vmailadm)" " /etc/vmailadm.conf "
check_eq "owner and mode are a stat override" "$(DPKG_ROOT=$R dpkg-statoverride --list /etc/vmailadm.conf)" \
	"root #$gid 640 /etc/vmailadm.conf"
# an edited configuration and an admin's own override survive a reinstall
echo "# edited by the admin" >>"$R/etc/vmailadm.conf"
DPKG_ROOT=$R dpkg-statoverride --remove /etc/vmailadm.conf
DPKG_ROOT=$R dpkg-statoverride --update --add root "#$gid" 0600 /etc/vmailadm.conf
check_rc "reinstall" 0 rdpkg -i "$deb"
check_eq "reinstall keeps the edited conffile" "$(tail -n 1 "$R/etc/vmailadm.conf")" "# edited by the admin"
check_eq "reinstall keeps the admin's mode" "$(stat -c '%a %u %g' "$R/etc/vmailadm.conf")" "600 0 $gid"
check_eq "no second group" "$(grep -c '^vmailadm:' "$R/etc/group")" 1

# systemd units: installed, not enabled, accepted by systemd-analyze verify
for u in vmailadm-ops.service vmailadm-ops.timer vmailadm-rollup.service vmailadm-rollup.timer; do
	[ -f "$R/lib/systemd/system/$u" ] && pass "unit $u installed" || fail "unit $u installed"
done
if [ -z "$(find "$R/etc/systemd" -name 'vmailadm*' 2>/dev/null)" ]; then
	pass "the timers are installed disabled"
else
	fail "the timers are installed disabled" "$(find "$R/etc/systemd" -name 'vmailadm*')"
fi
check_contains "ops runs every minute" "$(cat "$R/lib/systemd/system/vmailadm-ops.timer")" "OnCalendar=minutely"
check_contains "rollup runs every 5 minutes" "$(cat "$R/lib/systemd/system/vmailadm-rollup.timer")" "OnCalendar=*:0/5"
for k in "User=vmail" "ExecStart=/usr/bin/vmailadm -q ops run" "ProtectSystem=strict" "ReadWritePaths=/var/vmail" \
	"NoNewPrivileges=yes" "PrivateTmp=yes" "SupplementaryGroups=vmailadm"; do
	check_contains "ops service: $k" "$(cat "$R/lib/systemd/system/vmailadm-ops.service")" "$k"
done
# the machine's own units (targets) beside the package's, and its manual in MANPATH,
# so that verify checks ExecStart's binary and Documentation= in the scratch root
mkdir -p "$R/usr/lib/systemd/system"
cp -a /lib/systemd/system/. "$R/usr/lib/systemd/system/" 2>/dev/null
units=("$R"/lib/systemd/system/vmailadm-*)
verify() { MANPATH=$R/usr/share/man systemd-analyze verify --root="$R" "$@"; }
check_rc "systemd-analyze verify: the four units" 0 verify "${units[@]}"
[ "$RC" = 0 ] || echo "$ERR"
# and it would notice a unit whose program is missing
sed 's|^ExecStart=/usr/bin/vmailadm|ExecStart=/usr/bin/vmailadm-missing|' "$R/lib/systemd/system/vmailadm-ops.service" \
	>"$R/lib/systemd/system/vmailadm-broken.service"
check_rc "systemd-analyze verify refuses a missing program" 1 verify "$R/lib/systemd/system/vmailadm-broken.service"
rm -f "$R/lib/systemd/system/vmailadm-broken.service"

# bash completion: parses; `vmailadm dom` completes to domain; domains from the database
comp=$R/usr/share/bash-completion/completions/vmailadm
check_rc "bash -n on the completion" 0 bash -n "$comp"
# complete LINE: COMPREPLY, one a line, for LINE with the cursor at its end
complete_line() {
	bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1"
		COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}
		read -ra COMP_WORDS <<<"$COMP_LINE"
		[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_vmailadm vmailadm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$comp" "$1"
}
check_eq "complete 'vmailadm dom' (domain, and domainalias which starts with it)" \
	"$(complete_line "$bin dom" | tr '\n' ' ')" "domain domainalias "
# what bash then inserts: the longest common prefix of the candidates
common_prefix() {
	local p w
	read -r p
	while read -r w; do
		while [ "${w#"$p"}" = "$w" ]; do p=${p%?}; done
	done
	printf '%s\n' "$p"
}
check_eq "complete 'vmailadm dom' inserts domain" "$(complete_line "$bin dom" | common_prefix)" "domain"
check_eq "complete 'vmailadm domain re'" "$(complete_line "$bin domain re")" "rename"
check_eq "complete an option key" "$(complete_line "$bin -d sqlite:$db domain set example.com en")" "enabled="
check_eq "complete an option value" "$(complete_line "$bin -d sqlite:$db domain set example.com enabled=y")" "yes"
check_eq "complete a domain from the database" "$(complete_line "$bin -c /dev/null -d sqlite:$db domain set ex")" \
	"example.com"
check_eq "complete a long option" "$(complete_line "$bin --dry")" "--dry-run"

# the manual, with its generated statements
if [ -f "$R/usr/share/man/man8/vmailadm.8.gz" ]; then
	page=$(zcat "$R/usr/share/man/man8/vmailadm.8.gz")
	check_contains "the manual lists domain rename" "$page" '\fBdomain rename\fR'
else
	fail "the manual is installed"
fi

# ---------------------------------------------------------------- purge, and this machine

check_rc "dpkg --purge" 0 rdpkg --purge vmailadm
left=$(cd "$R" && find etc/vmailadm.conf usr/bin/vmailadm lib/systemd/system/vmailadm-ops.timer 2>/dev/null)
check_eq "purge removes the files" "$left" ""
check_eq "purge removes the stat override" "$(DPKG_ROOT=$R dpkg-statoverride --list /etc/vmailadm.conf)" ""
check_eq "this machine is unchanged" "$(getent group vmailadm; ls -l /etc/vmailadm.conf /usr/bin/vmailadm 2>/dev/null)" \
	"$host_before"
test_done
