#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/demo.sh: builds vmailadm and opens it on a demo SQLite database with sample
# domains, mailboxes, aliases and some quota usage. On a fresh Debian it installs the
# build dependencies first (needs root for that). Run from the checkout:
#     sh tools/demo.sh            (DEMO_DB=path to keep the database elsewhere)
set -eu
cd "$(dirname "$0")/.."
DB=${DEMO_DB:-$PWD/demo.db}
DEPS="gcc make pkg-config libncurses-dev libpq-dev libmariadb-dev libsqlite3-dev libcrypt-dev libidn2-dev sqlite3"

missing=""
for p in $DEPS; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "demo: missing Debian packages:$missing -- run as root, or: apt-get install$missing" >&2
		exit 1
	fi
	echo "demo: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

[ -f config.mk ] || ./configure >/dev/null
make -j2 vmailadm >/dev/null

if [ ! -s "$DB" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm"
	./vmailadm -q -d "sqlite:$DB" -f - <<'SCRIPT'
db init
domain add example.com quota=10G
domain add example.org quota=2G
domain add old-customer.net enabled=no
domainalias add example.net example.com
mailbox add alice@example.com password=demo-alice quota=1G name="Alice Liddell"
mailbox add bob@example.com password=demo-bob quota=500M name="Bob Dobbs"
mailbox add carol@example.com password=demo-carol name="Carol Kaye"
mailbox add dave@example.com password=demo-dave quota=200M name="Dave Brubeck" enabled=no
mailbox add erin@example.org password=demo-erin quota=1G name="Erin Brockovich"
mailbox add frank@example.org password=demo-frank quota=100M name="Frank Zappa"
mailbox add grace@old-customer.net password=demo-grace name="Grace Hopper"
alias add postmaster@example.com alice@example.com
alias add sales@example.com alice@example.com bob@example.com
alias add team@example.com sales@example.com carol@example.com
alias add helpdesk@example.org support@helpdesk.example.net
alias add @example.org erin@example.org
SCRIPT
	# usage as Dovecot's quota dict would have recorded it
	sqlite3 "$DB" "UPDATE admin_quota SET bytes = 734003200, messages = 5120 WHERE username = 'alice@example.com';
		UPDATE admin_quota SET bytes = 498073600, messages = 2210 WHERE username = 'bob@example.com';
		UPDATE admin_quota SET bytes = 10485760, messages = 87 WHERE username = 'carol@example.com';
		UPDATE admin_quota SET bytes = 104857600, messages = 951 WHERE username = 'frank@example.org';
		UPDATE admin_quota SET bytes = 52428800, messages = 300 WHERE username = 'erin@example.org';"
	echo "demo: created $DB"
fi
exec ./vmailadm -d "sqlite:$DB"
