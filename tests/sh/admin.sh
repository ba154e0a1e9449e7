#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# admin.sh: administrator logins, domain administrators kept to their domains on every
# path, the Unix-account mapping, and the audit log, through the real binary on every
# engine, checking rows with the engine's own client.
. "$(dirname "$0")/../lib.sh"

b() { echo "CASE WHEN $1 THEN 1 ELSE 0 END"; }

# everything a domain administrator must not be able to touch, as rows
snapshot() {
	sql "$1" "$2" "SELECT name, quota, $(b enabled) FROM admin_domain ORDER BY name;
		SELECT da.name, d.name, $(b da.enabled) FROM admin_domainalias da JOIN admin_domain d ON d.id = da.target_id ORDER BY da.name;
		SELECT mb.address, d.name, mb.quota FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id ORDER BY mb.address, d.name;
		SELECT al.address, d.name, al.extmboxes, $(b al.enabled) FROM admin_alias al JOIN admin_domain d ON d.id = al.domain_id ORDER BY al.address, d.name;
		SELECT username, password, $(b is_active), $(b is_superuser) FROM admin_user ORDER BY username;
		SELECT user_id, object_id FROM admin_objectaccess ORDER BY user_id, object_id;
		SELECT count(*) FROM admin_alias_mboxes; SELECT count(*) FROM admin_mailboxoperation"
}

FAILMSG="login failed: unknown login, wrong password, or not an enabled administrator"

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_admin) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -d "$url" "$@"; }
	# da1 manages a.test only
	D() { VMAILADM_PASSWORD=dapw1 "$VMAILADM" -d "$url" --user da1 "$@"; }

	check_rc "$e: db init" 0 V db init
	check_rc "$e: db check knows the audit table" 0 V db check
	V domain add a.test >/dev/null
	V domain add b.test quota=1G >/dev/null
	V mailbox add boss@a.test password=bosspw >/dev/null
	V mailbox add victim@b.test password=victimpw >/dev/null
	V alias add list@b.test victim@b.test >/dev/null
	V domainalias add alias-b.test b.test >/dev/null

	# ---- administrators
	check_rc "$e: admin add superadmin" 0 V admin add root1 password=rootpw1 role=superadmin name="Root One"
	check_rc "$e: admin add domainadmin" 0 V admin add da1 password=dapw1 domains=a.test
	check_rc "$e: admin add disabled" 0 V admin add da2 password=dapw2 domains=a.test enabled=no
	check_rc "$e: admin add unknown domain" 1 V admin add da3 password=x domains=nosuch.test
	check_contains "$e: unknown domain message" "$ERR" "no domain nosuch.test"
	check_rc "$e: admin add needs a password" 2 V admin add da3 domains=a.test
	check_rc "$e: admin add bad role" 1 V admin add da3 password=x role=god
	check_rc "$e: admin add bad login" 1 V admin add "da;3" password=x
	check_rc "$e: admin add twice" 1 V admin add da1 password=x
	check_eq "$e: domainadmin rows" "$(sql "$e" "$url" "SELECT u.username, g.name, $(b u.is_superuser), $(b u.is_active) FROM admin_user u JOIN admin_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id WHERE u.username LIKE 'da%' ORDER BY u.username")" \
		"da1|DomainAdmins|0|1
da2|DomainAdmins|0|0"
	check_eq "$e: grant row" "$(sql "$e" "$url" "SELECT d.name, ct.app_label, ct.model FROM admin_objectaccess oa JOIN admin_user u ON u.id = oa.user_id JOIN admin_domain d ON d.id = oa.object_id JOIN django_content_type ct ON ct.id = oa.content_type_id WHERE u.username = 'da1'")" "a.test|admin|domain"
	check_eq "$e: superadmin row" "$(sql "$e" "$url" "SELECT $(b is_superuser), $(b is_staff), first_name, last_name FROM admin_user WHERE username = 'root1'")" "1|1|Root|One"
	hash=$(sql "$e" "$url" "SELECT password FROM admin_user WHERE username='da1'")
	case $hash in '{SHA512-CRYPT}$6$'*) pass "$e: admin password hashed" ;; *) fail "$e: admin password hashed" "$hash" ;; esac
	check_rc "$e: admin list" 0 V admin list
	check_eq "$e: admin list rows" "$OUT" "da1	domainadmin	yes		a.test	no
da2	domainadmin	no		a.test	no
root1	superadmin	yes	Root One	*	no"
	# a mail account made an administrator keeps its mailbox
	check_rc "$e: promote a mailbox account" 0 V admin add boss@a.test domains=a.test
	check_eq "$e: promoted keeps its mailbox" "$(sql "$e" "$url" "SELECT count(*) FROM admin_mailbox WHERE address='boss'")" 1

	# ---- logins
	check_rc "$e: login ok" 0 D domain list
	check_rc "$e: wrong password" 1 env VMAILADM_PASSWORD=nope "$VMAILADM" -d "$url" --user da1 domain list
	check_contains "$e: wrong password message" "$ERR" "$FAILMSG"
	case $ERR in *nope*) fail "$e: wrong password not echoed" "$ERR" ;; *) pass "$e: wrong password not echoed" ;; esac
	check_rc "$e: unknown login" 1 env VMAILADM_PASSWORD=dapw1 "$VMAILADM" -d "$url" --user nobody domain list
	check_contains "$e: unknown login: same message" "$ERR" "$FAILMSG"
	check_rc "$e: disabled administrator" 1 env VMAILADM_PASSWORD=dapw2 "$VMAILADM" -d "$url" --user da2 domain list
	check_contains "$e: disabled: same message" "$ERR" "$FAILMSG"
	check_rc "$e: a plain mail account is no administrator" 1 env VMAILADM_PASSWORD=victimpw "$VMAILADM" -d "$url" --user victim@b.test domain list
	check_contains "$e: mail account: same message" "$ERR" "$FAILMSG"
	printf 'dapw1\n' >"$TEST_TMP/pw"
	chmod 644 "$TEST_TMP/pw"
	check_rc "$e: password file readable by others refused" 2 V --user da1 --password-file "$TEST_TMP/pw" domain list
	check_contains "$e: password file message" "$ERR" "readable by others"
	chmod 600 "$TEST_TMP/pw"
	check_rc "$e: password file" 0 V --user da1 --password-file "$TEST_TMP/pw" domain list
	check_rc "$e: no password on a pipe" 2 env -u VMAILADM_PASSWORD setsid "$VMAILADM" -d "$url" --user da1 domain list </dev/null

	# ---- a domain administrator sees only their domains
	before=$(snapshot "$e" "$url")
	check_rc "$e: da domain list" 0 D domain list
	check_eq "$e: da sees a.test only" "$(printf '%s\n' "$OUT" | cut -f1)" "a.test"
	check_rc "$e: da domain list pattern" 0 D domain list b.test
	check_eq "$e: da domain list b.test is empty" "$OUT" ""
	check_rc "$e: da mailbox list" 0 D mailbox list
	case $OUT in *victim*) fail "$e: da mailbox list hides b.test" "$OUT" ;; *) pass "$e: da mailbox list hides b.test" ;; esac
	check_rc "$e: da mailbox list glob" 0 D mailbox list '*@*.test'
	case $OUT in *victim*) fail "$e: da mailbox glob hides b.test" "$OUT" ;; *) pass "$e: da mailbox glob hides b.test" ;; esac
	check_rc "$e: da alias list" 0 D alias list
	case $OUT in *list@b*) fail "$e: da alias list hides b.test" "$OUT" ;; *) pass "$e: da alias list hides b.test" ;; esac
	check_rc "$e: da domainalias list" 0 D domainalias list
	check_eq "$e: da domainalias list hides b.test's" "$OUT" ""
	check_rc "$e: da quota show" 0 D quota show
	case $OUT in *victim*) fail "$e: da quota show hides b.test" "$OUT" ;; *) pass "$e: da quota show hides b.test" ;; esac
	V quota rollup >/dev/null 2>&1
	check_rc "$e: da monitor" 0 D --monitor --once
	check_contains "$e: da monitor shows their domain" "$OUT" "a.test"
	case $OUT in *b.test*) fail "$e: da monitor hides b.test" "$OUT" ;; *) pass "$e: da monitor hides b.test" ;; esac
	check_rc "$e: superadmin monitor" 0 V --monitor --once
	check_contains "$e: superadmin monitor shows b.test" "$OUT" "victim@b.test"
	check_rc "$e: da audit list" 0 D audit list
	case $OUT in *victim* | *b.test*) fail "$e: da audit list shows only their rows" "$OUT" ;; *) pass "$e: da audit list shows only their rows" ;; esac

	denied() {
		local what=$1
		shift
		check_rc "$e: da: $what" 1 D "$@"
		case $ERR in
		*"may not manage domain"* | *"only a superadministrator"* | *"belongs to an administrator"*) pass "$e: da: $what: message" ;;
		*) fail "$e: da: $what: message" "$ERR" ;;
		esac
	}
	denied "mailbox list b.test" mailbox list b.test
	denied "mailbox list one of b.test" mailbox list 'v*@b.test'
	denied "alias list b.test" alias list b.test
	check_rc "$e: da domainalias list b.test" 0 D domainalias list b.test
	check_eq "$e: da domainalias list b.test is empty" "$OUT" ""
	denied "quota show mailbox" quota show victim@b.test
	denied "quota show domain" quota show b.test
	denied "domain add" domain add c.test
	denied "domain set other" domain set b.test enabled=no
	denied "domain set own quota" domain set a.test quota=10
	denied "domain del other" domain del b.test
	denied "domain del own" domain del a.test
	denied "domain rename other" domain rename b.test c.test
	denied "domain rename own" domain rename a.test c.test
	denied "domainalias add to other" domainalias add evil.test b.test
	denied "domainalias set other" domainalias set alias-b.test enabled=no
	denied "domainalias del other" domainalias del alias-b.test
	denied "mailbox add" mailbox add x@b.test password=x
	denied "mailbox set password" mailbox set victim@b.test password=hacked
	denied "mailbox set quota" mailbox set victim@b.test quota=1
	denied "mailbox del" mailbox del victim@b.test
	denied "mailbox rename out of other" mailbox rename victim@b.test victim@a.test
	denied "mailbox rename into other" mailbox rename boss@a.test boss@b.test
	denied "another admin's mailbox password" mailbox set boss@a.test password=hacked
	denied "another admin's mailbox del" mailbox del boss@a.test
	denied "another admin's mailbox rename" mailbox rename boss@a.test boss2@a.test
	denied "alias add" alias add x@b.test victim@b.test
	denied "alias set" alias set list@b.test recipients=boss@a.test
	denied "alias set disable" alias set list@b.test enabled=no
	denied "alias del" alias del list@b.test
	denied "alias with a recipient in another domain" alias add peek@a.test victim@b.test
	denied "alias with a recipient alias in another domain" alias add peek@a.test list@b.test
	denied "db init" db init
	denied "db check" db check
	denied "admin add" admin add evil password=x role=superadmin
	denied "admin set self to superadmin" admin set da1 role=superadmin
	denied "admin set grants" admin set da1 domains=a.test,b.test
	denied "admin del" admin del root1
	denied "admin list" admin list
	denied "maps generate" maps generate "$TEST_TMP/maps"
	denied "dovecot generate" dovecot generate "$TEST_TMP/dovecot"
	denied "ops list" ops list
	denied "ops run" ops run
	if "$VMAILADM" --help | grep -q '^  export'; then
		denied "export" export csv -
	fi
	if "$VMAILADM" --help | grep -q '^  import'; then
		printf 'domain;evil.test;0;true\n' >"$TEST_TMP/in.csv"
		denied "import" import csv "$TEST_TMP/in.csv"
	fi
	check_eq "$e: nothing changed by the refused statements" "$(snapshot "$e" "$url")" "$before"
	# what a domain administrator may do
	check_rc "$e: da alias with an external recipient" 0 D alias add fw@a.test someone@example.org
	check_rc "$e: da alias with a local recipient of theirs" 0 D alias add fw2@a.test boss@a.test
	check_rc "$e: da mailbox add own" 0 D mailbox add new@a.test password=x
	check_rc "$e: da mailbox set own" 0 D mailbox set new@a.test name="New Person"

	# ---- the Unix-account mapping (the SSH forced-command case)
	me=$(id -un)
	printf '[database]\nurl = %s\n[access]\nunix_logins = nobody=root1, %s = da1\n' "$url" "$me" >"$TEST_TMP/map.conf"
	chmod 600 "$TEST_TMP/map.conf"
	check_rc "$e: mapped account" 0 env -u VMAILADM_DATABASE "$VMAILADM" -c "$TEST_TMP/map.conf" domain list
	check_eq "$e: mapped account is da1" "$(printf '%s\n' "$OUT" | cut -f1)" "a.test"
	check_rc "$e: mapped account is kept to its domains" 1 env -u VMAILADM_DATABASE "$VMAILADM" -c "$TEST_TMP/map.conf" mailbox del victim@b.test
	printf '[database]\nurl = %s\n[access]\nunix_logins = %s=da2\n' "$url" "$me" >"$TEST_TMP/map2.conf"
	chmod 600 "$TEST_TMP/map2.conf"
	check_rc "$e: mapped to a disabled administrator" 1 env -u VMAILADM_DATABASE "$VMAILADM" -c "$TEST_TMP/map2.conf" domain list
	check_contains "$e: mapped disabled message" "$ERR" "not an enabled administrator"

	# ---- admin set / del
	check_rc "$e: admin set" 0 V admin set da1 domains=a.test,b.test name="Dee Aye" enabled=yes
	check_contains "$e: admin set diff" "$OUT" "domains: a.test -> a.test,b.test"
	check_rc "$e: da now manages b.test" 0 D mailbox list b.test
	check_rc "$e: admin set role" 0 V admin set da2 role=superadmin enabled=yes
	check_eq "$e: role change rows" "$(sql "$e" "$url" "SELECT $(b is_superuser), (SELECT count(*) FROM admin_user_groups ug WHERE ug.user_id = u.id), (SELECT count(*) FROM admin_objectaccess oa WHERE oa.user_id = u.id) FROM admin_user u WHERE username='da2'")" "1|0|0"
	check_rc "$e: admin set password" 0 V admin set da2 password=newpw2
	check_rc "$e: new password works" 0 env VMAILADM_PASSWORD=newpw2 "$VMAILADM" -d "$url" --user da2 admin list
	check_rc "$e: no self-demotion" 1 env VMAILADM_PASSWORD=newpw2 "$VMAILADM" -d "$url" --user da2 admin set da2 role=domainadmin
	check_rc "$e: no self-deletion" 1 env VMAILADM_PASSWORD=newpw2 "$VMAILADM" -d "$url" --user da2 admin del da2
	check_rc "$e: admin del a mail account's admin role" 0 V admin del boss@a.test
	check_eq "$e: the mail account stays" "$(sql "$e" "$url" "SELECT g.name FROM admin_user u JOIN admin_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id WHERE u.username='boss@a.test'")" "SimpleUsers"
	check_rc "$e: admin del" 0 V admin del da2
	check_eq "$e: admin gone" "$(sql "$e" "$url" "SELECT count(*) FROM admin_user WHERE username='da2'")" 0
	check_rc "$e: admin del unknown" 1 V admin del da2

	# ---- the audit log
	check_eq "$e: no hash in the audit log" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_audit WHERE before_value LIKE '%\$6\$%' OR after_value LIKE '%\$6\$%' OR before_value LIKE '%pw%' OR after_value LIKE '%pw%' OR after_value LIKE '%hacked%'")" 0
	check_eq "$e: audit: mailbox add" "$(sql "$e" "$url" "SELECT actor, origin, op, before_value, after_value FROM vmailadm_audit WHERE object='mailbox' AND object_key='victim@b.test'")" \
		"unix:$(id -un)|local|add|NULL|{\"quota\":\"domain\",\"quota_mb\":\"1G\",\"enabled\":\"yes\",\"password\":\"(set)\"}"
	check_eq "$e: audit: da's alias add" "$(sql "$e" "$url" "SELECT actor, op, after_value FROM vmailadm_audit WHERE object_key='fw@a.test'")" \
		"da1|add|{\"kind\":\"forward\",\"recipients\":\"someone@example.org\",\"enabled\":\"yes\"}"
	SSH_CLIENT="192.0.2.7 50000 22" V domain set b.test quota=2G enabled=no >/dev/null
	check_eq "$e: audit: domain set before/after, origin" "$(sql "$e" "$url" "SELECT origin, op, before_value, after_value FROM vmailadm_audit WHERE object='domain' AND op='change'")" \
		"ssh 192.0.2.7|change|{\"quota\":\"1G\",\"enabled\":\"yes\"}|{\"quota\":\"2G\",\"enabled\":\"no\"}"
	V mailbox set victim@b.test password=changed quota=100M >/dev/null
	check_eq "$e: audit: mailbox set" "$(sql "$e" "$url" "SELECT op, before_value, after_value FROM vmailadm_audit WHERE object='mailbox' AND op='change' AND object_key='victim@b.test'")" \
		"change|{\"quota\":\"domain\",\"password\":\"(set)\"}|{\"quota\":\"100M\",\"password\":\"(set)\"}"
	V alias set list@b.test enabled=no >/dev/null
	check_eq "$e: audit: alias set" "$(sql "$e" "$url" "SELECT before_value, after_value FROM vmailadm_audit WHERE object='alias' AND op='change'")" \
		"{\"enabled\":\"yes\"}|{\"enabled\":\"no\"}"
	V domainalias set alias-b.test enabled=no >/dev/null
	check_eq "$e: audit: domainalias set" "$(sql "$e" "$url" "SELECT before_value, after_value FROM vmailadm_audit WHERE object='domainalias' AND op='change'")" \
		"{\"enabled\":\"yes\"}|{\"enabled\":\"no\"}"
	V alias del list@b.test >/dev/null
	check_eq "$e: audit: alias del" "$(sql "$e" "$url" "SELECT op, before_value, after_value FROM vmailadm_audit WHERE object='alias' AND op='remove'")" \
		"remove|{\"kind\":\"alias\",\"recipients\":\"victim@b.test\"}|NULL"
	V domainalias del alias-b.test >/dev/null
	check_eq "$e: audit: domainalias del" "$(sql "$e" "$url" "SELECT op, before_value FROM vmailadm_audit WHERE object='domainalias' AND op='remove'")" \
		"remove|{\"target\":\"b.test\"}"
	V mailbox del victim@b.test keep-files >/dev/null
	check_eq "$e: audit: mailbox del" "$(sql "$e" "$url" "SELECT op, before_value, after_value FROM vmailadm_audit WHERE object='mailbox' AND op='remove'")" \
		"remove|{\"quota\":\"100M\",\"enabled\":\"yes\",\"files\":\"kept\"}|NULL"
	V domain del b.test >/dev/null
	check_eq "$e: audit: domain del" "$(sql "$e" "$url" "SELECT op, before_value FROM vmailadm_audit WHERE object='domain' AND op='remove'")" \
		"remove|{\"quota\":\"2G\",\"enabled\":\"no\"}"
	check_eq "$e: audit: admin set" "$(sql "$e" "$url" "SELECT before_value, after_value FROM vmailadm_audit WHERE object='admin' AND op='change' AND object_key='da1'")" \
		"{\"domains\":\"a.test\",\"name\":\"\"}|{\"domains\":\"a.test,b.test\",\"name\":\"Dee Aye\"}"
	check_eq "$e: audit: admin del" "$(sql "$e" "$url" "SELECT before_value FROM vmailadm_audit WHERE object='admin' AND op='remove' AND object_key='da2'")" \
		"{\"role\":\"superadmin\",\"enabled\":\"yes\"}"
	n=$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_audit")
	check_rc "$e: dry run" 0 V --dry-run domain add dry.test
	check_rc "$e: failed statement" 1 V mailbox add x@nosuch.test password=x
	check_eq "$e: dry runs and failures leave no audit row" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_audit")" "$n"
	printf 'domain add s1.test\ndomain add s2.test\nmailbox add a@nosuch.test password=x\n' >"$TEST_TMP/s"
	check_rc "$e: failed script" 1 V -f "$TEST_TMP/s"
	check_eq "$e: a rolled-back script leaves no audit row" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_audit")" "$n"
	check_rc "$e: audit list object" 0 V audit list object=domainalias
	check_eq "$e: audit list object rows" "$(printf '%s\n' "$OUT" | cut -f4,5,6)" "add	domainalias	alias-b.test
change	domainalias	alias-b.test
remove	domainalias	alias-b.test"
	check_rc "$e: audit list admin" 0 V audit list admin=da1
	check_eq "$e: audit list admin rows" "$(printf '%s\n' "$OUT" | cut -f2 | sort -u)" "da1"
	check_rc "$e: audit list key" 0 V audit list object=fw@a.test
	check_eq "$e: audit list key rows" "$(printf '%s\n' "$OUT" | wc -l)" 1
	check_rc "$e: audit list since future" 0 V audit list since=2999-01-01
	check_eq "$e: audit list since future is empty" "$OUT" ""
	check_rc "$e: audit list until past" 0 V audit list until="2000-01-01 00:00"
	check_eq "$e: audit list until past is empty" "$OUT" ""
	check_rc "$e: audit list today" 0 V audit list since="$(date -u +%F)" until="$(date -u +%F)"
	check_eq "$e: audit list today has every row" "$(printf '%s\n' "$OUT" | wc -l)" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_audit")"
	check_rc "$e: audit list bad time" 1 V audit list since="yesterday'--"
	check_contains "$e: bad time message" "$ERR" "since: expected a UTC time"
	check_rc "$e: audit list json" 0 V --json audit list object=domainalias
	check_eq "$e: audit json parses" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 3

	# ---- a database without the audit table (Modoboa made it): db init adds it
	sql "$e" "$url" "DROP TABLE vmailadm_audit" >/dev/null
	check_rc "$e: db check without the audit table" 0 V db check
	check_contains "$e: db check names it" "$OUT" "missing table vmailadm_audit"
	check_rc "$e: a superadmin's change still works" 0 V domain add noaudit.test
	check_contains "$e: with a warning" "$ERR" "no audit log table"
	check_rc "$e: a domain admin's change is refused" 1 D alias add fw3@a.test x@example.org
	check_contains "$e: refused message" "$ERR" "audit log table vmailadm_audit is missing"
	check_rc "$e: db init adds the table" 0 V db init
	check_contains "$e: db init says so" "$OUT" "added the audit log table vmailadm_audit"
	check_rc "$e: db check clean again" 0 V db check
	sql "$e" "$url" "DROP TABLE vmailadm_audit" >/dev/null
	check_rc "$e: db upgrade adds the table too" 0 V db upgrade
	check_contains "$e: db upgrade says so" "$OUT" "added the audit log table vmailadm_audit"
	check_rc "$e: db upgrade twice" 0 V db upgrade
	case $OUT in *"added the audit"*) fail "$e: db upgrade adds it once" "$OUT" ;; *) pass "$e: db upgrade adds it once" ;; esac
	check_rc "$e: audited again" 0 D alias add fw3@a.test x@example.org
	check_eq "$e: the audit row" "$(sql "$e" "$url" "SELECT actor, object_key FROM vmailadm_audit")" "da1|fw3@a.test"
done

# ---- database passwords stay out of messages and ps
secret=Xy7SecretDbPw
for u in "postgresql://vm:$secret@127.0.0.1:1/nodb" "mysql://vm:$secret@127.0.0.1:1/nodb"; do
	check_rc "unreachable ${u%%:*}" 3 "$VMAILADM" -d "$u" domain list
	case "$OUT$ERR" in *"$secret"*) fail "${u%%:*}: password in the message" "$ERR" ;; *) pass "${u%%:*}: no password in the message" ;; esac
done
printf '[database]\nurl = mysql://vm@127.0.0.1:1/nodb\n' >"$TEST_TMP/env.conf"
check_rc "VMAILADM_DB_PASSWORD unreachable" 3 env VMAILADM_DB_PASSWORD=$secret "$VMAILADM" -c "$TEST_TMP/env.conf" domain list
case "$OUT$ERR" in *"$secret"*) fail "env password in the message" "$ERR" ;; *) pass "env password not in the message" ;; esac
# a server that accepts and never answers keeps vmailadm connecting while ps looks
port_file=$TEST_TMP/port
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
c, _ = s.accept(); time.sleep(10)
' "$port_file" &
srv=$!
at_exit "kill $srv 2>/dev/null"
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
"$VMAILADM" -d "mysql://vm:$secret@127.0.0.1:$(cat "$port_file")/nodb" domain list >/dev/null 2>&1 &
pid=$!
sleep 1
cmdline=$(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null)
kill $pid 2>/dev/null
wait $pid 2>/dev/null
check_contains "ps shows the command" "$cmdline" "mysql://vm:"
case $cmdline in *"$secret"*) fail "password visible in ps" "$cmdline" ;; *) pass "password hidden from ps" ;; esac

test_done
