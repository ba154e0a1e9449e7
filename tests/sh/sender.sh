#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sender.sh: sender addresses (sender add/del/list) and services per account
# (mailbox imap= pop3= smtp= sieve= send-only=, domain services=) on every engine:
# the rules (own address, duplicates, domain administrators' limits, bad input changes
# nothing), the audit log, renames and deletions that take grants with them, export and
# import, a database before `db upgrade`; and the ninth map sql-sender-login.cf asked
# through real Postfix (postmap -q as the postfix user, empty environment) for every kind
# of owner and for disabled objects, plus sql-mailboxes.cf refusing send-only accounts.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mailtest.sh"

if [ "$(id -u)" != 0 ] || ! getent passwd postfix >/dev/null || ! command -v postmap >/dev/null; then
	echo "skipped: needs root, the postfix user and postmap (apt-get install postfix postfix-pgsql postfix-mysql postfix-sqlite)"
	test_done
fi

postfix_conf_dir

# q TYPE MAPDIR FILE KEY: one map's answer (postmap_q, tests/mailtest.sh)
q() { postmap_q "$@"; }

# maps generate writes master.cf.vmailadm's pipe for the mail owner: one that exists
CONF=$TEST_TMP/vmailadm.conf
printf '[mail]\nowner = nobody\n' >"$CONF"

for e in $VMAILADM_ENGINES; do
	url=$(db "$e" t_sender) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -q -c "$CONF" -d "$url" "$@"; }
	grants() { sql "$e" "$url" "SELECT mailbox_id, local_part, domain FROM vmailadm_sender ORDER BY 1, 3, 2" | paste -sd' ' -; }
	check_rc "$e: db init" 0 V db init
	run V -f - <<'SCRIPT'
domain add ex.test
domain add other.test
domain add shared.test
domain add off.test
domainalias add alias.test ex.test
domainalias add offalias.test ex.test enabled=no
mailbox add alice@ex.test password=pw-alice
mailbox add bob@ex.test password=pw-bob
mailbox add carol@ex.test password=pw-carol enabled=no
mailbox add dave@other.test password=pw-dave
mailbox add eve@off.test password=pw-eve
mailbox add so@ex.test password=pw-so send-only=yes
alias add team@ex.test alice@ex.test bob@ex.test
alias add offlist@ex.test alice@ex.test enabled=no
alias add withcarol@ex.test carol@ex.test bob@ex.test
alias add fwd@ex.test ext@remote.test
alias add @ex.test alice@ex.test
sender add bob@ex.test boss@ex.test
sender add dave@other.test @shared.test
sender add carol@ex.test x@ex.test
sender add alice@ex.test ceo@remote.test
sender add eve@off.test y@ex.test
domain set off.test enabled=no
SCRIPT
	check_eq "$e: setup script" "$RC" 0
	[ "$RC" = 0 ] || fail "$e: setup output" "$ERR"

	# ---- the map, through real Postfix
	M=$TEST_TMP/maps-$e
	rm -rf "$M" && mkdir -p "$M" && chmod 755 "$M"
	sqlite_share "$url"
	check_rc "$e: maps generate" 0 V maps generate "$M"
	check_contains "$e: the ninth map is written" "$OUT" "sql-sender-login.cf"
	check_eq "$e: its mode and group" "$(stat -c '%a %G' "$M/sql-sender-login.cf")" "640 postfix"
	S() { q "$e" "$M" sql-sender-login.cf "$1"; }
	check_eq "$e: a mailbox owns its address" "$(S alice@ex.test)" "alice@ex.test"
	check_eq "$e: a list's members own it" "$(S team@ex.test)" "alice@ex.test,bob@ex.test"
	check_eq "$e: a granted address" "$(S boss@ex.test)" "bob@ex.test"
	check_eq "$e: a domain grant" "$(S anyone@shared.test)" "dave@other.test"
	check_eq "$e: a granted external address" "$(S ceo@remote.test)" "alice@ex.test"
	check_eq "$e: a domain alias's address: the target's mailbox" "$(S alice@alias.test)" "alice@ex.test"
	check_eq "$e: a domain alias's address: the target's list" "$(S team@alias.test)" "alice@ex.test,bob@ex.test"
	check_eq "$e: a domain alias's address: the target's grant" "$(S boss@alias.test)" "bob@ex.test"
	check_eq "$e: a send-only account owns its address" "$(S so@ex.test)" "so@ex.test"
	check_eq "$e: a disabled mailbox owns nothing" "$(S carol@ex.test)" ""
	check_eq "$e: a disabled mailbox's grant counts not" "$(S x@ex.test)" ""
	check_eq "$e: a list's disabled member is left out" "$(S withcarol@ex.test)" "bob@ex.test"
	check_eq "$e: a disabled list has no owners" "$(S offlist@ex.test)" ""
	check_eq "$e: a disabled domain alias maps nothing" "$(S alice@offalias.test)" ""
	check_eq "$e: a mailbox of a disabled domain owns nothing" "$(S eve@off.test)" ""
	check_eq "$e: a grant held by a mailbox of a disabled domain counts not" "$(S y@ex.test)" ""
	check_eq "$e: a forward's external recipient owns nothing" "$(S fwd@ex.test)" ""
	check_eq "$e: the catch-all's recipient owns no unknown address" "$(S nobody@ex.test)" ""
	check_eq "$e: nor the catch-all's own key" "$(S '*@ex.test')" ""
	check_eq "$e: an address of no domain" "$(S someone@remote.test)" ""
	M1() { q "$e" "$M" sql-mailboxes.cf "$1"; }
	check_eq "$e: sql-mailboxes.cf accepts a mailbox" "$(M1 alice@ex.test)" "1"
	check_eq "$e: sql-mailboxes.cf refuses a send-only account" "$(M1 so@ex.test)" ""
	check_rc "$e: send-only=no" 0 V mailbox set so@ex.test send-only=no
	check_eq "$e: then sql-mailboxes.cf accepts it" "$(M1 so@ex.test)" "1"
	check_rc "$e: mailbox disabled" 0 V mailbox set alice@ex.test enabled=no
	check_eq "$e: a disabled mailbox no longer owns its address" "$(S alice@ex.test)" ""
	check_eq "$e: nor its list" "$(S team@ex.test)" "bob@ex.test"
	check_eq "$e: nor its grant" "$(S ceo@remote.test)" ""
	check_rc "$e: mailbox enabled" 0 V mailbox set alice@ex.test enabled=yes
	check_rc "$e: domain disabled" 0 V domain set shared.test enabled=no
	check_eq "$e: a grant of a disabled domain's addresses still holds (it is the grantee who must be enabled)" "$(S a@shared.test)" "dave@other.test"
	check_rc "$e: domain enabled" 0 V domain set shared.test enabled=yes

	# ---- the rules
	before=$(grants)
	check_rc "$e: own address refused" 1 V sender add alice@ex.test alice@ex.test
	check_contains "$e: own address message" "$ERR" "the mailbox's own address"
	check_rc "$e: a grant held already refused" 1 V sender add bob@ex.test boss@ex.test
	check_contains "$e: duplicate message" "$ERR" "may send as boss@ex.test already"
	check_rc "$e: a bad address refused" 1 V sender add bob@ex.test 'not an address'
	check_rc "$e: an unknown mailbox refused" 1 V sender add nobody@ex.test a@ex.test
	check_rc "$e: del of a grant not held" 1 V sender del bob@ex.test nope@ex.test
	check_contains "$e: its message" "$ERR" "has no grant of nope@ex.test"
	check_rc "$e: an unknown service name in services=" 1 V domain set ex.test services=imap,ftp
	check_contains "$e: its message names the service" "$ERR" "unknown service 'ftp'"
	check_rc "$e: an unknown service option" 2 V mailbox set bob@ex.test ftp=no
	check_rc "$e: a bad service value" 1 V mailbox set bob@ex.test imap=maybe
	check_rc "$e: send-only with imap=yes refused" 1 V mailbox set bob@ex.test send-only=yes imap=yes
	check_contains "$e: its message" "$ERR" "a send-only account has no mailbox"
	check_eq "$e: the refusals changed no grant" "$(grants)" "$before"
	check_eq "$e: nor any services" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_services s JOIN admin_mailbox mb ON mb.id = s.mailbox_id WHERE mb.address = 'bob'")" "0"
	check_eq "$e: nor the domain's default" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_domain_services")" "0"

	# domain administrators: their mailboxes, and addresses of their domains only
	check_rc "$e: a domain administrator" 0 V admin add da@ex.test password=dapw role=domainadmin domains=ex.test
	D() { VMAILADM_PASSWORD=dapw "$VMAILADM" -q -c /dev/null -d "$url" --user da@ex.test "$@"; }
	before=$(grants)
	check_rc "$e: domain admin: an address of another domain refused" 1 D sender add bob@ex.test z@other.test
	check_contains "$e: its message" "$ERR" "may not manage domain other.test"
	check_rc "$e: domain admin: an address of no local domain refused" 1 D sender add bob@ex.test z@nowhere.test
	check_contains "$e: its message" "$ERR" "nowhere.test is in no local domain"
	check_rc "$e: domain admin: a mailbox of another domain refused" 1 D sender add dave@other.test z@ex.test
	check_rc "$e: domain admin: list of another domain refused" 1 D sender list other.test
	check_eq "$e: the refusals changed nothing" "$(grants)" "$before"
	check_rc "$e: domain admin: an address of his domain" 0 D sender add bob@ex.test sales@ex.test
	check_rc "$e: domain admin: an address of his domain's alias" 0 D sender add bob@ex.test sales@alias.test
	check_rc "$e: domain admin: sender list" 0 D sender list
	check_eq "$e: domain admin sees his domain's grants only" "$(printf '%s\n' "$OUT" | cut -f1 | sort -u | paste -sd' ' -)" "alice@ex.test bob@ex.test carol@ex.test"
	check_rc "$e: domain admin: services of his mailbox" 0 D mailbox set bob@ex.test pop3=no
	check_rc "$e: domain admin: his domain's default" 0 D domain set ex.test services=imap,smtp
	check_rc "$e: sender list of a mailbox" 0 V sender list bob@ex.test
	check_eq "$e: its rows" "$(printf '%s\n' "$OUT" | paste -sd' ' -)" "bob@ex.test	sales@alias.test bob@ex.test	boss@ex.test bob@ex.test	sales@ex.test"
	check_rc "$e: sender list of a domain" 0 V sender list other.test
	check_eq "$e: its rows" "$OUT" "dave@other.test	@shared.test"
	check_rc "$e: sender del" 0 V sender del bob@ex.test sales@alias.test
	check_rc "$e: audit list of the grants" 0 V audit list object=sender
	check_contains "$e: the audit log has the grant" "$OUT" "sender	bob@ex.test"
	check_contains "$e: ... by the domain admin" "$OUT" "da@ex.test"
	check_contains "$e: ... and the removal" "$OUT" '{"address":"sales@alias.test"}'

	# services: the domain default goes to new mailboxes only, also on the bulk path
	svc() { sql "$e" "$url" "SELECT $(case $e in pgsql) echo "s.imap::int, s.pop3::int, s.smtp::int, s.sieve::int, s.send_only::int" ;; *) echo "s.imap, s.pop3, s.smtp, s.sieve, s.send_only" ;; esac) FROM vmailadm_services s JOIN admin_mailbox mb ON mb.id = s.mailbox_id JOIN admin_domain d ON d.id = mb.domain_id WHERE mb.address || '@' || d.name = '$1'" 2>/dev/null; }
	[ "$e" = mysql ] && svc() { sql "$e" "$url" "SELECT s.imap, s.pop3, s.smtp, s.sieve, s.send_only FROM vmailadm_services s JOIN admin_mailbox mb ON mb.id = s.mailbox_id JOIN admin_domain d ON d.id = mb.domain_id WHERE CONCAT(mb.address, '@', d.name) = '$1'"; }
	check_eq "$e: an existing mailbox keeps its services" "$(svc alice@ex.test)" ""
	check_eq "$e: bob's own change" "$(svc bob@ex.test)" "1|0|1|1|0"
	check_rc "$e: a new mailbox" 0 V mailbox add new1@ex.test password=pw
	check_eq "$e: takes the domain's default" "$(svc new1@ex.test)" "1|0|1|0|0"
	check_contains "$e: which the change shows" "$("$VMAILADM" -c /dev/null -d "$url" --dry-run mailbox add new9@ex.test password=pw)" "services=imap,smtp"
	check_rc "$e: a new mailbox with its own" 0 V mailbox add new2@ex.test password=pw pop3=yes
	check_eq "$e: the default, then the options" "$(svc new2@ex.test)" "1|1|1|0|0"
	run V -f - <<'SCRIPT'
mailbox add bulk1@ex.test password=pw
mailbox add bulk2@ex.test password=pw
mailbox add bulk3@other.test password=pw
SCRIPT
	check_eq "$e: the bulk path" "$RC" 0
	check_eq "$e: the bulk path gives the default" "$(svc bulk2@ex.test)" "1|0|1|0|0"
	check_eq "$e: ... only where there is one" "$(svc bulk3@other.test)" ""

	# renames and deletions follow
	check_rc "$e: domain rename" 0 V domain rename shared.test common.test
	check_eq "$e: the domain grant follows" "$(V sender list other.test)" "dave@other.test	@common.test"
	check_rc "$e: mailbox rename" 0 V mailbox rename dave@other.test dave2@other.test
	check_eq "$e: the grants follow the mailbox" "$(V sender list other.test)" "dave2@other.test	@common.test"
	check_rc "$e: maps generate again" 0 V maps generate "$M"
	check_eq "$e: the renamed grant in the map" "$(S anyone@common.test)" "dave2@other.test"
	check_rc "$e: mailbox del" 0 V mailbox del bob@ex.test
	check_eq "$e: its grants and services went with it" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sender s LEFT JOIN admin_mailbox mb ON mb.id = s.mailbox_id WHERE mb.id IS NULL") $(sql "$e" "$url" "SELECT count(*) FROM vmailadm_services s LEFT JOIN admin_mailbox mb ON mb.id = s.mailbox_id WHERE mb.id IS NULL")" "0 0"
	check_rc "$e: a grant in a domain alias" 0 V sender add alice@ex.test a@alias.test
	check_rc "$e: domainalias del" 0 V domainalias del alias.test
	check_eq "$e: the grants of its addresses went with it" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sender WHERE domain = 'alias.test'")" "0"
	check_rc "$e: domain del" 0 V domain del common.test
	check_eq "$e: the grants of its addresses went with it" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sender WHERE domain = 'common.test'")" "0"

	# export and import: the script and the CSV recreate the same
	check_rc "$e: export script" 0 V export script "$TEST_TMP/$e.script"
	check_contains "$e: the script has the grants" "$(cat "$TEST_TMP/$e.script")" "sender add alice@ex.test ceo@remote.test"
	check_contains "$e: ... the services" "$(cat "$TEST_TMP/$e.script")" "mailbox add new1@ex.test"
	check_contains "$e: ... the domain default" "$(cat "$TEST_TMP/$e.script")" "domain set ex.test services=imap,smtp"
	url2=$(db "$e" t_sender2) || { fail "$e: new_db"; continue; }
	V2() { "$VMAILADM" -q -c /dev/null -d "$url2" "$@"; }
	check_rc "$e: db init 2" 0 V2 db init
	check_rc "$e: run the script" 0 V2 -f "$TEST_TMP/$e.script"
	check_eq "$e: the script recreates the same" "$(V2 export script)" "$(cat "$TEST_TMP/$e.script")"
	check_rc "$e: export csv" 0 V export csv "$TEST_TMP/$e.csv"
	check_contains "$e: the CSV has the grants" "$(cat "$TEST_TMP/$e.csv")" "sender;alice@ex.test;ceo@remote.test"
	url3=$(db "$e" t_sender3) || { fail "$e: new_db"; continue; }
	V3() { "$VMAILADM" -q -c "$CONF" -d "$url3" "$@"; }
	check_rc "$e: db init 3" 0 V3 db init
	check_rc "$e: import csv" 0 V3 import csv "$TEST_TMP/$e.csv"
	check_eq "$e: the CSV recreates the same" "$(V3 export script | grep -v '^alias add @')" "$(grep -v '^alias add @' "$TEST_TMP/$e.script")"

	# a database before db upgrade
	for t in vmailadm_sender vmailadm_services vmailadm_domain_services; do sql "$e" "$url3" "DROP TABLE $t" >/dev/null; done
	check_rc "$e: without the tables: sender list shows nothing" 0 V3 sender list
	check_rc "$e: without the tables: sender add refused" 1 V3 sender add alice@ex.test q@ex.test
	check_contains "$e: ... saying what to run" "$ERR" "run vmailadm db upgrade"
	check_rc "$e: without the tables: services refused" 1 V3 mailbox set alice@ex.test imap=no
	check_rc "$e: without the tables: a mailbox is still added" 0 V3 mailbox add plain@ex.test password=pw
	check_rc "$e: without the tables: maps generate refused" 1 V3 maps generate "$M"
	check_contains "$e: ... saying what to run" "$ERR" "run vmailadm db upgrade"
	check_rc "$e: db upgrade" 0 V3 db upgrade
	check_rc "$e: then sender add" 0 V3 sender add alice@ex.test q@ex.test
done
test_done
