#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/sh/tui.sh: the console driven in a real terminal (tmux, 80x24): keys are typed
# into the real binary, the screen is dumped and compared with tests/tui/expected/*.txt
# (or searched for what a user would look for), and the rows are checked with the
# engine's own client. SQLite gets every scenario; PostgreSQL and MariaDB the browse
# and create ones.
. "$(dirname "$0")/../lib.sh"

EXPECTED=$VT_ROOT/tests/tui/expected
command -v tmux >/dev/null || { fail "tmux is not installed"; test_done; }
. "$(dirname "$0")/../tuitest.sh"

# tui_start URL [ENV=VALUE...] [-- ARGS...]: starts the console in an 80x24 pane
tui_start() {
	local url=$1 envs=() args=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	args=("$@")
	tui_pane "${envs[@]}" "$VMAILADM" -d "$url" "${args[@]}"
}
# golden WHAT FILE: the screen equals tests/tui/expected/FILE.txt, but for the status
# line (it names the database file and the user running the test)
golden() {
	local got
	sleep 0.3
	got=$(screen | sed '$d')
	if [ -n "${VMAILADM_TUI_UPDATE:-}" ]; then
		printf '%s\n' "$got" >"$EXPECTED/$2.txt"
	fi
	if diff -u "$EXPECTED/$2.txt" <(printf '%s\n' "$got") >"$TEST_TMP/diff"; then
		pass "$1"
	else
		fail "$1" "$(cat "$TEST_TMP/diff")"
	fi
}

seed() {
	local url=$1
	"$VMAILADM" -d "$url" -q -f - <<'SCRIPT' >/dev/null || fail "seed $url"
db init
domain add example.com quota=1G
domain add b.test
mailbox add alice@example.com password=x quota=100M name="Alice Ärger"
mailbox add bob@example.com password=x quota=100M name="Bob Builder"
mailbox add carol@example.com password=x quota=100M
alias add info@example.com alice@example.com bob@example.com
domainalias add alias.test example.com
SCRIPT
}

# ---------------------------------------------------------------- SQLite: everything
url=$(new_db sqlite tui) || { fail "new_db"; test_done; }
seed "$url"
# usage to draw: 50 of 100 MB for alice (as Dovecot's quota dict writes it)
sql sqlite "$url" "UPDATE admin_quota SET bytes = 52428800, messages = 7 WHERE username = 'alice@example.com'"
# a name with control characters must not reach the terminal raw
sql sqlite "$url" "UPDATE admin_user SET first_name = 'Esc' || char(27) || '[2J' WHERE username = 'carol@example.com'"

tui_start "$url"
golden "sqlite: the domains screen" domains
keys j Enter
expect "sqlite: Enter drills down into the mailboxes" "Mailboxes of example.com"
golden "sqlite: the mailboxes screen (usage bar, escaped control characters)" mailboxes
keys Tab
expect "sqlite: Tab shows the domain's aliases" "info@example.com"
expect "sqlite: the alias's kind and recipients" "dlist     alice@example.com,bob@example.com"
keys Tab
expect "sqlite: then its domain aliases" "alias.test"
keys Escape
expect "sqlite: Esc goes back" "USED/ALLOCATED"
expect "sqlite: the status line shows the domains' order" "sort: ascending"
keys o
expect "sqlite: o sorts the domains by name descending" "> example.com          yes"
expect "sqlite: and says so" "sort: descending"
keys o
keys '?' NPage
expect "sqlite: the help screen lists the statement a key runs" "[domain add]"
keys q

# create a domain through the form; bad input first
keys a
expect "sqlite: a opens the new domain form" "New domain"
type_text "bad..name"
keys Tab C-u
type_text "2G"
keys Enter
expect "sqlite: the form refuses a bad name, next to the field" "has an empty label"
check_eq "sqlite: nothing was written" "$(sql sqlite "$url" "SELECT count(*) FROM admin_domain WHERE name LIKE 'bad%'")" 0
keys Up C-u
type_text "new.test"
keys Enter
expect "sqlite: the new domain is listed" "new.test"
check_eq "sqlite: the domain row" "$(sql sqlite "$url" "SELECT name, quota, enabled FROM admin_domain WHERE name = 'new.test'")" "new.test|2048|1"
# Esc cancels with nothing changed
keys a
type_text "cancelled.test"
keys Escape
check_eq "sqlite: Esc cancels the form" "$(sql sqlite "$url" "SELECT count(*) FROM admin_domain WHERE name = 'cancelled.test'")" 0

# a mailbox through the form, resizing the terminal in the middle
keys Home j Enter
expect "sqlite: back in example.com" "Mailboxes of example.com"
keys a
expect "sqlite: the new mailbox form" "New mailbox in example.com"
type_text "dave"
keys Tab
type_text "Dave Dürr"
tm resize-window -t t -x 100 -y 30
sleep 0.3
expect "sqlite: a resize keeps what was typed in the form" "Dave Dürr"
tm resize-window -t t -x 80 -y 24
keys Tab C-u
type_text "50M"
keys Tab Tab
type_text "s3cret-one"
keys Tab
type_text "s3cret-two"
keys Enter
expect "sqlite: two different passwords are refused" "the two passwords differ"
keys C-u
type_text "s3cret-one"
keys Enter
expect "sqlite: the new mailbox is listed" "dave@example.com"
check_eq "sqlite: the mailbox row" \
	"$(sql sqlite "$url" "SELECT u.first_name, u.last_name, mb.quota, substr(u.password, 1, 15) FROM admin_mailbox mb JOIN admin_user u ON u.id = mb.user_id WHERE u.username = 'dave@example.com'")" \
	"Dave|Dürr|50|{SHA512-CRYPT}\$"
check_contains "sqlite: the screen never shows the password" "$(screen)" "dave"
case $(screen) in *s3cret*) fail "sqlite: the password is on the screen" ;; *) pass "sqlite: the password is not on the screen" ;; esac

# delete with a confirmation that says what happens
keys Home
keys d
expect "sqlite: the confirmation counts the aliases pointing at the mailbox" "1 alias(es) point at this mailbox"
expect "sqlite: and says the files are queued" "will be queued for removal"
keys n
check_eq "sqlite: n keeps the mailbox" "$(sql sqlite "$url" "SELECT count(*) FROM admin_mailbox WHERE address = 'alice'")" 1
keys d
keys y
expect "sqlite: the deletion is reported" "1 mailbox(s) deleted"
check_eq "sqlite: y deletes it" "$(sql sqlite "$url" "SELECT count(*) FROM admin_mailbox WHERE address = 'alice'")" 0
check_eq "sqlite: its files are queued" "$(sql sqlite "$url" "SELECT type FROM admin_mailboxoperation")" "delete"

# search by prefix, done by the database
keys /
type_text "ca"
expect "sqlite: / shows the matches while typing" "search: ca"
golden "sqlite: the search result" search
keys Enter Escape
expect "sqlite: Esc clears the search" "bob@example.com"
# with * or ? the search is a pattern: *text* finds a substring
keys /
type_text "*ro*"
expect "sqlite: a pattern search shows the matches while typing" "search: *ro*"
check_contains "sqlite: *ro* finds carol" "$(screen)" "carol@example.com"
case $(screen) in *bob@example.com*) fail "sqlite: *ro* also shows bob" "$(screen)" ;; *) pass "sqlite: *ro* leaves bob out" ;; esac
keys Enter End
check_contains "sqlite: End keeps the pattern" "$(screen)" "carol@example.com"
keys Escape
expect "sqlite: Esc clears the pattern" "bob@example.com"

# marks and one bulk action
keys Home Space Space
expect "sqlite: two rows marked" "2 marked"
keys -- -
expect "sqlite: one confirmation for the marked rows" "Disable 2 mailbox(s)?"
keys y
expect "sqlite: the bulk action is reported" "2 mailbox(s) disabled"
check_eq "sqlite: both disabled in one go" \
	"$(sql sqlite "$url" "SELECT username, is_active FROM admin_user WHERE username IN ('bob@example.com', 'carol@example.com') ORDER BY username")" \
	"bob@example.com|0
carol@example.com|0"

# rename, with a confirmation that says the files move when the operations run
keys u End
keys R
expect "sqlite: R asks for the new name" "rename to: dave@example.com"
keys C-u
type_text "david@example.com"
keys Enter
expect "sqlite: the rename confirmation says what happens" "Its files are moved to the new home"
keys y
expect "sqlite: the renamed mailbox is listed" "david@example.com"
check_eq "sqlite: the rename is in the database" "$(sql sqlite "$url" "SELECT count(*) FROM admin_user WHERE username = 'david@example.com'")" 1
check_eq "sqlite: and the move of its files is queued" "$(sql sqlite "$url" "SELECT count(*) FROM admin_mailboxoperation WHERE type = 'rename'")" 1

# an edit does not blindly overwrite a change made by someone else meanwhile
keys u Home
keys e
expect "sqlite: e opens the edit form" "Edit mailbox bob@example.com"
"$VMAILADM" -d "$url" -q mailbox set bob@example.com quota=80M || fail "sqlite: the concurrent change"
keys Tab C-u
type_text "70M"
keys Enter
expect "sqlite: the conflict is shown" "changed by someone else since it was shown"
check_eq "sqlite: the other change is kept" "$(sql sqlite "$url" "SELECT quota FROM admin_mailbox WHERE address = 'bob'")" 80
keys Enter
expect "sqlite: saving again after review works" "mailbox bob@example.com saved"
check_eq "sqlite: the reviewed edit is written" "$(sql sqlite "$url" "SELECT quota FROM admin_mailbox WHERE address = 'bob'")" 70
keys Home Space Space

# q goes back, asks before quitting with marks, then quits and restores the terminal
keys q
expect "sqlite: q goes back to the domains" "USED/ALLOCATED"
keys q
expect "sqlite: quitting exits 0" "[exit 0]"

# monochrome: TERM=vt100 and NO_COLOR draw no colour
for mono in "TERM=vt100" "NO_COLOR=1"; do
	tui_start "$url" "$mono"
	if tm capture-pane -p -e -t t | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*4[0-7]m'; then
		fail "sqlite: $mono draws without colour" "$(tm capture-pane -p -e -t t | cat -v | head -5)"
	else
		pass "sqlite: $mono draws without colour"
	fi
	expect "sqlite: $mono still shows the cursor row" "> b.test"
done
tui_start "$url"
if tm capture-pane -p -e -t t | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*4[0-7]m'; then
	pass "sqlite: colours are used on a colour terminal"
else
	fail "sqlite: colours are used on a colour terminal"
fi

# SIGTERM (and SIGHUP of a dropped SSH connection): the terminal is restored
pid=$(pgrep -n -f "vmailadm -d $url" || true)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	expect "sqlite: SIGTERM ends the console with a message" "stopped by signal 15"
	expect "sqlite: and a non-zero status" "[exit 1]"
else
	fail "sqlite: find the console's pid"
fi

# read-only: no write is offered
tui_start "$url" -- --read-only
expect "sqlite: the status line says read-only" "READ-ONLY"
keys a
expect "sqlite: read-only offers no add" "read-only session: add is not available"
tui_end

# the audit log screen: newest first, filters, escaped values, a domain administrator's view
url=$(new_db sqlite tui_audit) || fail "new_db tui_audit"
seed "$url"
"$VMAILADM" -d "$url" -q admin add dadmin password=pw-dadmin role=domainadmin domains=b.test || fail "sqlite: admin add"
VMAILADM_PASSWORD=pw-dadmin "$VMAILADM" -d "$url" -q --user dadmin mailbox add zed@b.test password=x ||
	fail "sqlite: the domain administrator's change"
# fixed times and origins, so the screen can be compared; a terminal escape in a value
sql sqlite "$url" "UPDATE vmailadm_audit SET at = '2026-01-' || printf('%02d', id) || ' 10:00:00', origin = 'local', actor = CASE WHEN actor LIKE 'unix:%' THEN 'unix:admin' ELSE actor END"
sql sqlite "$url" "UPDATE vmailadm_audit SET object_key = 'carol' || char(27) || '[2J' WHERE object_key = 'carol@example.com'"
tui_start "$url"
keys 6
expect "sqlite: 6 opens the audit log" "Audit log, newest first"
golden "sqlite: the audit screen, newest first, control characters escaped" audit
keys /
type_text "object=mailbox since=2026-01-05"
keys Enter
expect "sqlite: the filter is on the status line" "search: object=mailbox since=2026-01-05"
golden "sqlite: the audit screen filtered by object and time" audit-filter
keys /
keys C-u
type_text "since=yesterday"
keys Enter
expect "sqlite: a bad time is refused with the reason" "since: expected a UTC time"
expect "sqlite: and the previous filter stays" "search: object=mailbox since=2026-01-05"
keys Escape
expect "sqlite: Esc clears the filters" "domainalias alias.test"
keys /
type_text "admin=dadmin"
keys Enter
expect "sqlite: the admin filter shows that administrator's change" "zed@b.test"
if screen | grep -q "alice@example.com"; then
	fail "sqlite: the admin filter hides the others' changes" "$(screen)"
else
	pass "sqlite: the admin filter hides the others' changes"
fi
expect "sqlite: the status line shows the order" "sort: newest first"
keys Escape o
expect "sqlite: the status line shows the reversed order" "sort: oldest first"
expect "sqlite: o shows the oldest first" "> 2026-01-01 10:00 unix:admin add    domain      example.com"
# a domain alias edit does not overwrite a change made since the form was shown
keys 1 Home j 4
expect "sqlite: the domain aliases of example.com" "alias.test"
keys e
expect "sqlite: e opens the domain alias form" "Edit domain alias alias.test"
"$VMAILADM" -d "$url" -q domainalias set alias.test enabled=no || fail "sqlite: the concurrent domain alias change"
keys Enter
expect "sqlite: the domain alias conflict is shown" "changed by someone else since it was shown (now: target exa"
check_eq "sqlite: the other change is kept" "$(sql sqlite "$url" "SELECT enabled FROM admin_domainalias WHERE name = 'alias.test'")" 0
keys Enter
expect "sqlite: saved after review" "domain alias alias.test saved"
check_eq "sqlite: the reviewed edit is written" "$(sql sqlite "$url" "SELECT enabled FROM admin_domainalias WHERE name = 'alias.test'")" 1
tui_end
# a domain administrator's console shows only what audit list shows them
tui_start "$url" VMAILADM_PASSWORD=pw-dadmin -- --user dadmin
keys 6
expect "sqlite: the domain administrator sees their change" "zed@b.test"
if screen | grep -q "example.com"; then
	fail "sqlite: the domain administrator sees no one else's rows" "$(screen)"
else
	pass "sqlite: the domain administrator sees no one else's rows"
fi
keys q q
expect "sqlite: the console quits cleanly after the audit screen (no leak under ASan)" "[exit 0]"
tui_end

# sorting a domain's mailboxes: o cycles address, address descending, fullest first,
# largest quota first, each read by keyset (45 rows: more than two screens)
surl=$(new_db sqlite tuisort) || fail "new_db tuisort"
{
	echo "db init"
	echo "domain add sort.test"
	# quota 100/200/300 MB by i % 3; every tenth unlimited; i MB used: u42 (42%) is fullest
	for i in $(seq 0 44); do
		q=$(((i % 3 + 1) * 100))
		[ $((i % 10)) = 0 ] && q=0
		printf 'mailbox add u%02d@sort.test password=x quota=%s\n' "$i" "$q"
	done
} | "$VMAILADM" -d "$surl" -q -f - >/dev/null || fail "sqlite: seed sort.test"
sql sqlite "$surl" "UPDATE admin_quota SET bytes = CAST(substr(username, 2, 2) AS INTEGER) * 1048576"
tui_start "$surl"
keys Enter
expect "sqlite: the mailboxes of sort.test" "Mailboxes of sort.test"
expect "sqlite: by address first" ">  u00@sort.test"
keys o
expect "sqlite: o: by address descending" ">  u44@sort.test"
expect "sqlite: the status line says descending" "sort: descending"
keys o
expect "sqlite: o again: the fullest first" ">  u42@sort.test"
expect "sqlite: the status line says usage" "sort: usage"
keys End
# the unlimited ones last, ties by address in the same direction
expect "sqlite: End: the unlimited mailboxes last" ">  u00@sort.test"
keys PPage PPage PPage
expect "sqlite: PgUp pages back by keyset to the fullest" ">  u42@sort.test"
keys NPage
expect "sqlite: PgDn in usage order (a screen of 19 rows on)" ">  u35@sort.test"
keys o
expect "sqlite: o again: the largest quota first" ">  u44@sort.test"
expect "sqlite: the status line says quota" "sort: quota"
keys End
expect "sqlite: End: the unlimited quota last" ">  u00@sort.test"
keys Home
keys /
type_text "u1"
expect "sqlite: a search goes back to address order" ">  u10@sort.test"
expect "sqlite: and says so" "sort: ascending"
keys Escape
keys o o o
expect "sqlite: after the search o cycles from the address order again" "sort: quota"
keys q q
expect "sqlite: the console quits cleanly after sorting" "[exit 0]"
tui_end

# ---------------------------------------------------------------- international domain names
# stored in the ASCII form, shown in Unicode (the pane is UTF-8); the search and the
# form take either spelling; under a non-UTF-8 locale the ASCII form is shown
url=$(new_db sqlite tui_idn) || fail "new_db idn"
"$VMAILADM" -d "$url" -q -f - <<'SCRIPT' >/dev/null || fail "seed idn"
db init
domain add bücher.example quota=1G
domain add example.com
domain add xn--strae-oqa.de
mailbox add anna@bücher.example password=x name="Anna Bücher"
mailbox add bob@xn--bcher-kva.example password=x
alias add info@bücher.example anna@bücher.example
SCRIPT
tui_start "$url"
golden "sqlite idn: the domains screen shows the Unicode names" idn-domains
keys /
type_text "straße"
expect "sqlite idn: a Unicode search finds the domain" "> straße.de"
case $(screen) in *bücher.example*) fail "sqlite idn: the search leaves the others out" "$(screen)" ;; *) pass "sqlite idn: the search leaves the others out" ;; esac
keys Escape
keys /
type_text "xn--bcher"
expect "sqlite idn: a search in the xn-- form finds it too" "> bücher.example"
keys Enter Enter
expect "sqlite idn: its mailboxes, titled in Unicode" "Mailboxes of bücher.example"
expect "sqlite idn: addresses in Unicode" "anna@bücher.example"
keys Tab
expect "sqlite idn: aliases and recipients in Unicode" "info@bücher.example"
expect "sqlite idn: the recipient in Unicode" "anna@bücher.example"
keys Escape Escape
keys a
expect "sqlite idn: the new domain form" "New domain"
type_text "München.example"
keys Enter
expect "sqlite idn: a domain typed in Unicode is listed in Unicode" "münchen.example"
check_eq "sqlite idn: and stored in the ASCII form" "$(sql sqlite "$url" "SELECT name FROM admin_domain WHERE name LIKE 'xn--mnchen%'")" "xn--mnchen-3ya.example"
keys a
type_text "xn--mnchen-3ya.example"
keys Enter
expect "sqlite idn: its xn-- form is the same domain" "already exists"
keys Escape
keys q
tui_start "$url" LANG=C LC_ALL=C
expect "sqlite idn: a C locale shows the ASCII form" "xn--strae-oqa.de"
case $(screen) in *bücher*) fail "sqlite idn: no Unicode under a C locale" "$(screen)" ;; *) pass "sqlite idn: no Unicode under a C locale" ;; esac
tui_end

# ---------------------------------------------------------------- the servers: browse and create
for engine in $VMAILADM_ENGINES; do
	[ "$engine" = sqlite ] && continue
	url=$(new_db "$engine" tui_$engine) || { fail "$engine: new_db"; continue; }
	seed "$url"
	tui_start "$url"
	expect "$engine: the domains are listed" "example.com          yes          1G         3       1"
	keys j Enter
	expect "$engine: drill down" "bob@example.com"
	keys End
	expect "$engine: End shows the last mailbox" ">  carol@example.com"
	keys Escape a
	type_text "srv.test"
	keys Enter
	expect "$engine: the new domain is listed" "srv.test"
	check_eq "$engine: the domain row" "$(sql "$engine" "$url" "SELECT name, quota FROM admin_domain WHERE name = 'srv.test'")" "srv.test|0"
	# the server drops the connection: a clear message, then a reconnect on the next action
	if [ "$engine" = pgsql ]; then
		sql pgsql "$url" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
	else
		for id in $(sql mysql "$url" "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()"); do
			sql mysql "$url" "KILL $id" >/dev/null
		done
	fi
	keys r
	expect "$engine: a lost connection is reported" "database connection lost"
	keys r
	expect "$engine: the next action reconnects" "reconnected to the database"
	expect "$engine: and the rows are back" "srv.test"
	if [ "$engine" = pgsql ]; then
		keys 6
		expect "$engine: the console's domain add is the newest change" "add    domain      srv.test"
		keys /
		type_text "object=carol@example.com"
		keys Enter
		expect "$engine: filtered by key" "carol@example.com"
		if screen | grep -q "srv.test"; then fail "$engine: the key filter hides other rows" "$(screen)"; else pass "$engine: the key filter hides other rows"; fi
	fi
	tui_end
done
rm -f "$TEST_TMP"/tmux.*.sock

test_done
