#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# statements.sh: one-shot statements through the real binary on every engine, checking
# the rows they leave with the engine's own client (not through vmailadm).
. "$(dirname "$0")/../lib.sh"

b() { echo "CASE WHEN $1 THEN 1 ELSE 0 END"; }

# raise_on_quota_insert ENGINE URL USER: makes inserting the admin_quota row of USER fail,
# so a mailbox add fails after its first rows are written
raise_on_quota_insert() {
	case $1 in
	pgsql) sql pgsql "$2" "CREATE FUNCTION boom() RETURNS trigger AS \$\$ BEGIN IF NEW.username = '$3' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END \$\$ LANGUAGE plpgsql;
		CREATE TRIGGER boom BEFORE INSERT ON admin_quota FOR EACH ROW EXECUTE FUNCTION boom();" ;;
	mysql) sql mysql "$2" "DELIMITER //
		CREATE TRIGGER boom BEFORE INSERT ON admin_quota FOR EACH ROW BEGIN IF NEW.username = '$3' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF; END//" ;;
	sqlite) sql sqlite "$2" "CREATE TRIGGER boom BEFORE INSERT ON admin_quota WHEN NEW.username = '$3' BEGIN SELECT RAISE(ABORT, 'boom'); END;" ;;
	esac
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_statements) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -d "$url" "$@"; }

	check_rc "$e: db init" 0 V db init
	check_rc "$e: db init again" 0 V db init
	check_contains "$e: db init again changes nothing" "$OUT" "already"
	check_eq "$e: groups once" "$(sql "$e" "$url" "SELECT name FROM auth_group ORDER BY name")" "DomainAdmins
SimpleUsers"
	check_rc "$e: db check" 0 V db check

	# domains
	check_rc "$e: domain add" 0 V domain add Example.COM quota=1G
	check_eq "$e: domain row" "$(sql "$e" "$url" "SELECT name, quota, $(b enabled) FROM admin_domain")" "example.com|1024|1"
	check_rc "$e: duplicate domain" 1 V domain add example.com
	check_contains "$e: duplicate domain message" "$ERR" "domain example.com already exists"
	check_rc "$e: bad domain" 1 V domain add "bad_domain.com"
	check_contains "$e: bad domain message" "$ERR" "domain add: domain name 'bad_domain.com' contains '_'"
	check_rc "$e: bad size" 1 V domain add other.org quota=12X
	check_contains "$e: bad size message" "$ERR" "quota='12X'"
	check_eq "$e: nothing added by refused statements" "$(sql "$e" "$url" "SELECT count(*) FROM admin_domain")" 1
	check_rc "$e: unknown option" 2 V domain add other.org colour=blue
	check_contains "$e: unknown option message" "$ERR" "unknown option 'colour'"
	check_rc "$e: unknown statement" 2 V domain frobnicate x
	check_rc "$e: second domain" 0 V domain add other.org enabled=no
	check_eq "$e: disabled domain" "$(sql "$e" "$url" "SELECT $(b enabled), quota FROM admin_domain WHERE name='other.org'")" "0|0"

	# mailboxes
	check_rc "$e: mailbox add" 0 V mailbox add Alice@Example.com password=s3cret quota=500M name="Alice Liddell"
	check_eq "$e: user row" "$(sql "$e" "$url" "SELECT username, email, first_name, last_name, $(b is_active), $(b is_superuser) FROM admin_user")" \
		"alice@example.com|alice@example.com|Alice|Liddell|1|0"
	check_eq "$e: mailbox row" "$(sql "$e" "$url" "SELECT mb.address, d.name, mb.quota, $(b mb.use_domain_quota) FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id JOIN admin_user u ON u.id = mb.user_id")" \
		"alice|example.com|500|0"
	check_eq "$e: quota row" "$(sql "$e" "$url" "SELECT q.username, q.bytes, q.messages FROM admin_quota q JOIN admin_mailbox mb ON mb.id = q.mbox_id")" "alice@example.com|0|0"
	check_eq "$e: SimpleUsers group" "$(sql "$e" "$url" "SELECT g.name FROM admin_user_groups ug JOIN auth_group g ON g.id = ug.group_id JOIN admin_user u ON u.id = ug.user_id WHERE u.username = 'alice@example.com'")" "SimpleUsers"
	hash=$(sql "$e" "$url" "SELECT password FROM admin_user WHERE username='alice@example.com'")
	case $hash in '{SHA512-CRYPT}$6$'*) pass "$e: SHA512-CRYPT by default" ;; *) fail "$e: SHA512-CRYPT by default" "$hash" ;; esac
	check_eq "$e: hash verifies with crypt(3)" "$(python3 -c 'import crypt,sys; h=sys.argv[1].split("}",1)[1]; print(crypt.crypt("s3cret", h) == h)' "$hash" 2>/dev/null)" "True"
	case "$OUT$ERR" in *s3cret*) fail "$e: password printed" ;; *) pass "$e: password never printed" ;; esac

	check_rc "$e: mailbox takes the domain quota" 0 V mailbox add bob@example.com password=x
	check_eq "$e: bob follows domain" "$(sql "$e" "$url" "SELECT quota, $(b use_domain_quota) FROM admin_mailbox WHERE address='bob'")" "1024|1"
	check_rc "$e: quota over the cap" 1 V mailbox add carol@example.com password=x quota=2G
	check_contains "$e: quota cap message" "$ERR" "quota 2G is over the cap of domain example.com (1G)"
	check_rc "$e: unlimited over a cap" 1 V mailbox add carol@example.com password=x quota=0
	check_rc "$e: missing domain" 1 V mailbox add dave@nowhere.org password=x
	check_contains "$e: missing domain message" "$ERR" "domain nowhere.org does not exist"
	check_rc "$e: duplicate mailbox" 1 V mailbox add ALICE@example.com password=x
	check_contains "$e: duplicate mailbox message" "$ERR" "mailbox alice@example.com already exists"
	check_rc "$e: no password" 2 V mailbox add erin@example.com
	check_rc "$e: bad hash" 1 V mailbox add erin@example.com password-hash='{PLAIN}x'
	check_rc "$e: given hash kept" 0 V mailbox add erin@example.com 'password-hash={BLF-CRYPT}$2b$05$abcdefghijklmnopqrstuuCp0mYMIbsqfNeWjkA9rPmsYkWPOAqWS'
	check_eq "$e: given hash stored" "$(sql "$e" "$url" "SELECT password FROM admin_user WHERE username='erin@example.com'")" '{BLF-CRYPT}$2b$05$abcdefghijklmnopqrstuuCp0mYMIbsqfNeWjkA9rPmsYkWPOAqWS'
	check_rc "$e: bad name" 1 V mailbox add frank@example.com password=x name=$'Bad\e[2J'
	check_eq "$e: refused mailboxes left no rows" "$(sql "$e" "$url" "SELECT count(*) FROM admin_user"),$(sql "$e" "$url" "SELECT count(*) FROM admin_mailbox"),$(sql "$e" "$url" "SELECT count(*) FROM admin_quota")" "3,3,3"

	# a failure after the first rows are written leaves nothing behind
	raise_on_quota_insert "$e" "$url" "zed@example.com" || fail "$e: make trigger"
	check_rc "$e: failing insert" 1 V mailbox add zed@example.com password=x
	check_contains "$e: failing insert message" "$ERR" "boom"
	check_eq "$e: no user without its mailbox" "$(sql "$e" "$url" "SELECT count(*) FROM admin_user WHERE username='zed@example.com'"),$(sql "$e" "$url" "SELECT count(*) FROM admin_mailbox WHERE address='zed'"),$(sql "$e" "$url" "SELECT count(*) FROM admin_objectdates")" "0,0,5"

	# set
	check_rc "$e: disable mailbox" 0 V mailbox set bob@example.com enabled=no
	check_eq "$e: is_active false" "$(sql "$e" "$url" "SELECT $(b is_active) FROM admin_user WHERE username='bob@example.com'")" 0
	check_rc "$e: set quota" 0 V mailbox set bob@example.com quota=100M
	check_eq "$e: quota set" "$(sql "$e" "$url" "SELECT quota, $(b use_domain_quota) FROM admin_mailbox WHERE address='bob'")" "100|0"
	check_rc "$e: set quota over cap" 1 V mailbox set bob@example.com quota=5G
	check_eq "$e: quota unchanged" "$(sql "$e" "$url" "SELECT quota FROM admin_mailbox WHERE address='bob'")" 100
	old=$(sql "$e" "$url" "SELECT password FROM admin_user WHERE username='bob@example.com'")
	check_rc "$e: set password" 0 V mailbox set bob@example.com password=n3w
	new=$(sql "$e" "$url" "SELECT password FROM admin_user WHERE username='bob@example.com'")
	[ "$old" != "$new" ] && pass "$e: password changed" || fail "$e: password changed"
	check_rc "$e: domain quota below a mailbox" 1 V domain set example.com quota=200M
	check_contains "$e: domain quota message" "$ERR" "alice@example.com (500M)"
	check_rc "$e: set nothing" 2 V mailbox set bob@example.com

	# aliases
	check_rc "$e: alias" 0 V alias add sales@example.com alice@example.com bob@elsewhere.org
	check_eq "$e: alias row" "$(sql "$e" "$url" "SELECT al.address, al.extmboxes, $(b al.enabled) FROM admin_alias al")" "sales|bob@elsewhere.org|1"
	check_eq "$e: alias mailbox link" "$(sql "$e" "$url" "SELECT mb.address FROM admin_alias_mboxes am JOIN admin_mailbox mb ON mb.id = am.mailbox_id")" "alice"
	check_rc "$e: alias to alias" 0 V alias add team@example.com sales@example.com
	check_eq "$e: alias alias link" "$(sql "$e" "$url" "SELECT f.address, t.address FROM admin_alias_aliases aa JOIN admin_alias f ON f.id = aa.from_alias_id JOIN admin_alias t ON t.id = aa.to_alias_id")" "team|sales"
	check_rc "$e: forward" 0 V alias add fwd@example.com someone@elsewhere.org
	check_rc "$e: catch-all" 0 V alias add @example.com alice@example.com
	check_eq "$e: catch-all stored as *" "$(sql "$e" "$url" "SELECT count(*) FROM admin_alias WHERE address='*'")" 1
	check_rc "$e: unknown local recipient" 1 V alias add x@example.com nobody@example.com
	check_contains "$e: unknown local recipient message" "$ERR" "nobody@example.com"
	check_rc "$e: alias lists itself" 1 V alias set sales@example.com recipients=sales@example.com
	check_rc "$e: alias list" 0 V alias list example.com
	check_eq "$e: alias kinds" "$(echo "$OUT" | cut -f1,2)" "@example.com	catch-all
fwd@example.com	forward
sales@example.com	dlist
team@example.com	alias"
	check_rc "$e: domain alias" 0 V domainalias add example.net example.com
	check_eq "$e: domain alias row" "$(sql "$e" "$url" "SELECT da.name, d.name FROM admin_domainalias da JOIN admin_domain d ON d.id = da.target_id")" "example.net|example.com"
	check_rc "$e: domain alias onto a domain" 1 V domainalias add other.org example.com

	# lists
	check_rc "$e: mailbox list" 0 V mailbox list
	check_eq "$e: mailbox list rows" "$(echo "$OUT" | cut -f1,3,4)" "alice@example.com	yes	500M
bob@example.com	no	100M
erin@example.com	yes	1G"
	check_rc "$e: mailbox list pattern" 0 V mailbox list 'a*@example.com'
	check_eq "$e: pattern rows" "$(echo "$OUT" | cut -f1)" "alice@example.com"
	check_rc "$e: json list" 0 V --json mailbox list example.com
	check_eq "$e: json parses" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 3
	check_rc "$e: quota show" 0 V quota show alice@example.com
	check_eq "$e: quota show row" "$OUT" "alice@example.com	0	0	500M	0.0	ok	"

	# delete: a mailbox's aliases and files
	check_rc "$e: mailbox del" 0 V mailbox del alice@example.com
	check_eq "$e: alice gone everywhere" "$(sql "$e" "$url" "SELECT count(*) FROM admin_user WHERE username='alice@example.com'"),$(sql "$e" "$url" "SELECT count(*) FROM admin_quota WHERE username='alice@example.com'"),$(sql "$e" "$url" "SELECT count(*) FROM admin_alias_mboxes")" "0,0,0"
	check_eq "$e: catch-all without recipients removed" "$(sql "$e" "$url" "SELECT count(*) FROM admin_alias WHERE address='*'")" 0
	check_eq "$e: delete queued" "$(sql "$e" "$url" "SELECT type, argument, CASE WHEN mailbox_id IS NULL THEN 'null' ELSE 'id' END FROM admin_mailboxoperation")" "delete|/var/vmail/example.com/alice|null"
	check_rc "$e: mailbox del keep-files" 0 V mailbox del erin@example.com keep-files
	check_eq "$e: keep-files queues nothing" "$(sql "$e" "$url" "SELECT count(*) FROM admin_mailboxoperation")" 1

	# domain delete removes everything under it
	check_rc "$e: domain del" 0 V domain del example.com
	for t in admin_mailbox admin_alias admin_domainalias admin_alias_aliases admin_alias_mboxes; do
		check_eq "$e: $t empty after domain del" "$(sql "$e" "$url" "SELECT count(*) FROM $t")" 0
	done
	check_eq "$e: only the other domain's dates rows left" "$(sql "$e" "$url" "SELECT count(*) FROM admin_objectdates")" 1
	check_eq "$e: users gone" "$(sql "$e" "$url" "SELECT count(*) FROM admin_user")" 0
done

# the database cannot be reached: exit 3, the host named, never the password
for e in pgsql mysql; do
	case " $VMAILADM_ENGINES " in *" $e "*) ;; *) continue ;; esac
	scheme=postgresql; [ $e = mysql ] && scheme=mysql
	check_rc "$e: unreachable" 3 "$VMAILADM" -d "$scheme://vmailtest:Sup3rS3cretPw@127.0.0.1:1/mail" domain list
	check_contains "$e: host in message" "$ERR" "127.0.0.1"
	case $ERR in *Sup3rS3cretPw*) fail "$e: password in message" "$ERR" ;; *) pass "$e: password not in message" ;; esac
done
check_rc "bad URL scheme" 2 "$VMAILADM" -d "oracle://x/y" domain list
check_contains "bad URL message" "$ERR" "unknown database URL scheme 'oracle:'"

# configuration files
cfg=$TEST_TMP/vmailadm.conf
printf '[database]\nurl = postgresql://u:pw@127.0.0.1/mail\n' >"$cfg"
chmod 644 "$cfg"
check_rc "world-readable config with a password" 2 "$VMAILADM" -c "$cfg" domain list
check_contains "world-readable config message" "$ERR" "readable by others"
printf '[database]\nurl = sqlite:%s/c.db\n[mail]\nroot = relative/path\n' "$TEST_TMP" >"$cfg"
check_rc "bad config value" 2 "$VMAILADM" -c "$cfg" domain list
check_contains "bad config value message" "$ERR" "vmailadm.conf:4: [mail] root must be an absolute path"
printf '[database]\nurl = sqlite:%s/c.db\n[mial]\n' "$TEST_TMP" >"$cfg"
check_rc "unknown section" 2 "$VMAILADM" -c "$cfg" domain list
check_contains "unknown section message" "$ERR" "unknown section [mial]"
printf '[database]\nurl = sqlite:%s/c.db   # a comment\n[passwords]\nscheme = SHA256-CRYPT\n' "$TEST_TMP" >"$cfg"
check_rc "config: db init" 0 "$VMAILADM" -c "$cfg" db init
check_rc "config: add" 0 "$VMAILADM" -c "$cfg" domain add c.test
check_rc "config: add mailbox" 0 "$VMAILADM" -c "$cfg" mailbox add a@c.test password=x
check_eq "config: scheme used" "$(sql sqlite "sqlite:$TEST_TMP/c.db" "SELECT substr(password, 1, 17) FROM admin_user")" '{SHA256-CRYPT}$5$'
check_rc "no database at all" 2 env -u VMAILADM_DATABASE "$VMAILADM" domain list
check_contains "no database message" "$ERR" "no database"
test_done
