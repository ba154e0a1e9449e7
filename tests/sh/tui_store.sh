#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/sh/tui_store.sh: the console's Store screen in a real terminal (tmux, 80x24),
# SQLite: 7 runs the check and lists the findings, Enter shows the repair statement in a
# confirmation and runs it on y (the row checked with sqlite3), a shell repair is only
# shown, and a read-only session refuses the repair.
. "$(dirname "$0")/../lib.sh"

command -v tmux >/dev/null || { fail "tmux is not installed"; test_done; }
. "$(dirname "$0")/../tuitest.sh"
tui_start() { tui_pane "$VMAILADM" "$@"; }

url=$(new_db sqlite t_tuistore) || { fail "new_db"; test_done; }
# a short root, so that the paths fit the 80 columns
root=$(mktemp -d /tmp/vmailadm-tuistore.XXXXXX) || { fail "mktemp"; test_done; }
chmod 755 "$root"
at_exit "rm -rf '$root'"
conf=$TEST_TMP/vmailadm.conf
printf '[mail]\nroot = %s\nowner = %s\n' "$root" "$(id -un)" >"$conf"
V() { "$VMAILADM" -c "$conf" -d "$url" "$@"; }
V -q db init && V -q domain add a.test && V -q mailbox add x@a.test password=p || fail "setup"
mkdir -p "$root/a.test/x" "$root/a.test/ghost"
chmod 777 "$root/a.test/x"

tui_start -c "$conf" -d "$url"
keys 7
expect "the Store screen runs the check" "2 finding(s); 2 home(s) on disk, 1 mailbox(es)"
expect "an orphan home is listed" "orphan-home"
expect "the selected finding's repair is shown" "repair: chmod go-w $root/a.test/x"
keys Enter
expect "a shell repair is only shown" "a shell command, to run yourself"
keys Down
expect "the next finding's repair" "repair: ops queue delete $root/a.test/ghost"
keys Enter
expect "the confirmation shows the statement" "  ops queue delete $root/a.test/ghost"
keys y
expect "the repair ran" "done: ops queue delete"
check_eq "the deletion is queued" "$(sql sqlite "$url" "SELECT type, argument FROM admin_mailboxoperation")" "delete|$root/a.test/ghost"
keys r
expect "r runs the check again: the queued home is no finding" "1 finding(s); 2 home(s) on disk"
keys q

tui_start -c "$conf" -d "$url" --read-only
sql sqlite "$url" "DELETE FROM admin_mailboxoperation"
keys 7
expect "read-only: the check runs" "2 finding(s)"
keys Down
keys Enter
expect "read-only: the repair is refused" "read-only session: the repair is not available"
check_eq "read-only: nothing queued" "$(sql sqlite "$url" "SELECT count(*) FROM admin_mailboxoperation")" 0
keys q
tui_end
test_done
