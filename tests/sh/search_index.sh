#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# search_index.sh: the substring search index (core/search.h) around db init, db check and
# db upgrade on every engine: db init creates it; without a part of it db check names what
# is missing and the search still answers the same; db upgrade puts it back (once); on
# PostgreSQL a role that may not create the extension pg_trgm gets its tables, a db check
# and a db upgrade that say what a superuser must run, and the indexes once one has; on
# MariaDB trigram tables of the earlier layout (no address) are found and rebuilt.
# (test_search.c compares the pages with and without the index.)
. "$(dirname "$0")/../lib.sh"

H='{SHA512-CRYPT}$6$saltsalt$8RWsOfwR6M6PpnoeQiEiWzNTPo1f0HjVYjDnLZhGx16aBFRkeqiHAzfXP/LgrOWMBMXqiU2pLrXsSOHNUyUm91'
fill() {
	printf 'domain add s.test\n'
	for l in abc1 xabcx a_b a%%b zzz9 other; do printf "mailbox add %s@s.test 'password-hash=%s'\n" "$l" "$H"; done
	printf 'alias add xabc.al@s.test abc1@s.test\n'
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_search_index) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -d "$url" "$@"; }
	check_rc "$e: db init" 0 V db init
	check_rc "$e: db check" 0 V db check
	case $OUT in *"substring search index"*) fail "$e: a fresh database lacks the index" "$OUT" ;; *) pass "$e: fresh database has the index" ;; esac
	fill >"$VMAILADM_TEST_TMP/fill.vm"
	check_rc "$e: fill" 0 "$VMAILADM" -q -d "$url" -f "$VMAILADM_TEST_TMP/fill.vm"
	check_rc "$e: search" 0 V mailbox list '*abc*@s.test'
	with=$OUT
	check_contains "$e: search finds abc1" "$with" "abc1@s.test"
	check_contains "$e: search finds xabcx" "$with" "xabcx@s.test"
	check_rc "$e: alias search" 0 V alias list '*abc*@s.test'
	awith=$OUT
	check_contains "$e: alias search finds it" "$awith" "xabc.al@s.test"

	case $e in
	sqlite) part="trigger vmailadm_alias_fts_del"; drop="DROP TRIGGER vmailadm_alias_fts_del" ;;
	mysql) part="trigger vmailadm_mailbox_trgm_ins"; drop="DROP TRIGGER vmailadm_mailbox_trgm_ins" ;;
	pgsql) part="index vmailadm_mailbox_address_trgm"; drop="DROP INDEX vmailadm_mailbox_address_trgm" ;;
	esac
	sql "$e" "$url" "$drop" >/dev/null
	check_rc "$e: db check without $part" 0 V db check
	check_contains "$e: db check names it" "$OUT" "warning: missing the substring search index ($part;"
	check_contains "$e: db check says how to add it" "$OUT" "run \`vmailadm db upgrade\`"
	check_rc "$e: search without it" 0 V mailbox list '*abc*@s.test'
	check_eq "$e: same mailboxes without the index" "$OUT" "$with"
	check_rc "$e: alias search without it" 0 V alias list '*abc*@s.test'
	check_eq "$e: same aliases without the index" "$OUT" "$awith"
	# a mailbox added meanwhile is in the index db upgrade rebuilds
	check_rc "$e: add without the index" 0 V mailbox add newabc@s.test "password-hash=$H"
	check_rc "$e: db upgrade" 0 V db upgrade
	check_contains "$e: db upgrade adds it" "$OUT" "db upgrade: added the substring search index ($part"
	check_rc "$e: db check after" 0 V db check
	case $OUT in *"substring search index"*) fail "$e: still missing after db upgrade" "$OUT" ;; *) pass "$e: complete after db upgrade" ;; esac
	check_rc "$e: db upgrade again" 0 V db upgrade
	case $OUT in *"substring search index"*) fail "$e: second upgrade added it again" "$OUT" ;; *) pass "$e: second upgrade adds nothing" ;; esac
	check_rc "$e: search after" 0 V mailbox list '*abc*@s.test'
	check_contains "$e: the index has the mailbox added without it" "$OUT" "newabc@s.test"
	check_contains "$e: and the others" "$OUT" "xabcx@s.test"
	if [ "$e" = pgsql ]; then
		# a database from before the domain's trigrams: db check names that part alone, the
		# search keeps pg_trgm, db upgrade adds it with the rows that exist
		full=$OUT
		sql "$e" "$url" "DROP INDEX vmailadm_mailbox_domain_grams" >/dev/null
		check_rc "$e: db check without the domain's trigrams" 0 V db check
		check_contains "$e: db check names that part" "$OUT" "warning: missing part of the substring search index (index vmailadm_mailbox_domain_grams; optional: without it a search in one domain fetches the matches of every domain): run \`vmailadm db upgrade\`"
		check_rc "$e: search without the domain's trigrams" 0 V mailbox list '*abc*@s.test'
		check_eq "$e: the same mailboxes" "$OUT" "$full"
		check_rc "$e: db upgrade adds the domain's trigrams" 0 V db upgrade
		check_contains "$e: and says so" "$OUT" "added the substring search index (index vmailadm_mailbox_domain_grams)"
		check_rc "$e: db check after the domain's trigrams" 0 V db check
		case $OUT in *"substring search index"*) fail "$e: still missing the domain's trigrams" "$OUT" ;; *) pass "$e: the domain's trigrams complete" ;; esac
		check_rc "$e: search with the domain's trigrams" 0 V mailbox list '*abc*@s.test'
		check_eq "$e: the same mailboxes with them" "$OUT" "$full"
	fi
	if [ "$e" = mysql ]; then
		# trigram tables made before their rows carried the address: db check names the
		# column, db upgrade rebuilds them whole, filled with the addresses
		sql "$e" "$url" "ALTER TABLE vmailadm_mailbox_trgm DROP INDEX vmailadm_mailbox_trgm_address, DROP COLUMN address" >/dev/null
		check_rc "$e: db check, rows without the address" 0 V db check
		check_contains "$e: db check names the column" "$OUT" "column vmailadm_mailbox_trgm.address"
		check_rc "$e: search meanwhile" 0 V mailbox list '*abc*@s.test'
		check_contains "$e: search meanwhile finds them" "$OUT" "newabc@s.test"
		check_rc "$e: db upgrade rebuilds" 0 V db upgrade
		check_contains "$e: db upgrade says so" "$OUT" "added the substring search index (column vmailadm_mailbox_trgm.address)"
		check_eq "$e: the rows carry the addresses" "$(sql "$e" "$url" "SELECT COUNT(*) FROM vmailadm_mailbox_trgm WHERE address = 'xabcx' AND gram = 'abc'")" 1
		check_rc "$e: search after the rebuild" 0 V mailbox list '*abc*@s.test'
		check_contains "$e: search after the rebuild finds them" "$OUT" "newabc@s.test"
	fi
done

# PostgreSQL: a role that may not create the extension
case " $VMAILADM_ENGINES " in *" pgsql "*)
	admin=$(vt_admin_url pgsql)
	role=t_search_noext pw=noext-pw-1
	url=$(new_db pgsql t_search_noext) || fail "pgsql: new_db"
	vt_pg "$admin" -c "DROP ROLE IF EXISTS $role" -c "CREATE ROLE $role LOGIN PASSWORD '$pw'" \
		-c "GRANT CONNECT ON DATABASE t_search_noext TO $role" >/dev/null
	vt_pg "$url" -c "GRANT USAGE, CREATE ON SCHEMA public TO $role" >/dev/null
	at_exit "vt_pg '$admin' -c 'DROP DATABASE IF EXISTS t_search_noext WITH (FORCE)' -c 'DROP ROLE IF EXISTS $role' >/dev/null 2>&1"
	rurl=$(printf '%s' "$url" | sed "s|://[^@]*@|://$role:$pw@|")
	R() { "$VMAILADM" -d "$rurl" "$@"; }
	check_rc "pgsql no-ext: db init" 0 R db init
	check_rc "pgsql no-ext: db check" 0 R db check
	check_contains "pgsql no-ext: db check says the index is missing" "$OUT" "missing the substring search index (index vmailadm_mailbox_address_trgm, index vmailadm_alias_address_trgm, index vmailadm_mailbox_domain_grams;"
	check_contains "pgsql no-ext: and what a superuser runs" "$OUT" "a superuser runs \`CREATE EXTENSION pg_trgm;\` in this database"
	check_rc "pgsql no-ext: db upgrade" 0 R db upgrade
	check_contains "pgsql no-ext: db upgrade says why not" "$OUT" "db upgrade: substring search index not added: the extension pg_trgm is not installed and this role may not create it"
	fill >"$VMAILADM_TEST_TMP/fill.vm"
	check_rc "pgsql no-ext: fill" 0 "$VMAILADM" -q -d "$rurl" -f "$VMAILADM_TEST_TMP/fill.vm"
	check_rc "pgsql no-ext: search works" 0 R mailbox list '*abc*@s.test'
	check_contains "pgsql no-ext: search finds" "$OUT" "xabcx@s.test"
	vt_pg "$url" -c "CREATE EXTENSION pg_trgm" >/dev/null
	check_rc "pgsql no-ext: db upgrade once a superuser made it" 0 R db upgrade
	check_contains "pgsql no-ext: the indexes are added" "$OUT" "db upgrade: added the substring search index"
	check_rc "pgsql no-ext: db check" 0 R db check
	case $OUT in *"substring search index"*) fail "pgsql no-ext: still missing" "$OUT" ;; *) pass "pgsql no-ext: complete" ;; esac
	;;
esac
test_done
