#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dovecot_queries.sh: the Dovecot guide's password_query, user_query and iterate_query,
# copied from reference/modoboa-dovecot-postfix.rst with only the placeholders filled,
# run unchanged against a database made by `vmailadm db init` and filled by vmailadm.
# SQLite has no concat() (3.40), so it gets the PostgreSQL form of user_query, which is
# its equivalent.
. "$(dirname "$0")/../lib.sh"

STORAGE=/var/vmail
UID_=5000
GID_=5000

queries() {
	local e=$1 user=$2 local=${2%@*} domain=${2#*@}
	case $e in
	mysql)
		PASSWORD_QUERY="SELECT email AS user, password FROM admin_user WHERE email='$user' and is_active=1"
		USER_QUERY="SELECT '$STORAGE/$domain/$local' AS home, $UID_ as uid, $GID_ as gid, concat('*:bytes=', mb.quota, 'M') AS quota_rule FROM admin_mailbox mb INNER JOIN admin_domain dom ON mb.domain_id=dom.id WHERE mb.address='$local' AND dom.name='$domain'"
		;;
	pgsql)
		PASSWORD_QUERY="SELECT email AS user, password FROM admin_user WHERE email='$user' and is_active"
		USER_QUERY="SELECT '$STORAGE/$domain/$local' AS home, $UID_ as uid, $GID_ as gid, '*:bytes=' || mb.quota || 'M' AS quota_rule FROM admin_mailbox mb INNER JOIN admin_domain dom ON mb.domain_id=dom.id WHERE mb.address='$local' AND dom.name='$domain'"
		;;
	sqlite)
		PASSWORD_QUERY="SELECT email AS user, password FROM admin_user WHERE email='$user' and is_active=1"
		USER_QUERY="SELECT '$STORAGE/$domain/$local' AS home, $UID_ as uid, $GID_ as gid, '*:bytes=' || mb.quota || 'M' AS quota_rule FROM admin_mailbox mb INNER JOIN admin_domain dom ON mb.domain_id=dom.id WHERE mb.address='$local' AND dom.name='$domain'"
		;;
	esac
	ITERATE_QUERY="SELECT email AS username FROM admin_user"
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_dovecot_q) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -q -d "$url" "$@"; }
	check_rc "$e: db init" 0 V db init
	check_rc "$e: domain" 0 V domain add example.com quota=2G
	check_rc "$e: alice" 0 V mailbox add alice@example.com password=pw1 quota=500M
	check_rc "$e: bob" 0 V mailbox add bob@example.com password=pw2
	check_rc "$e: carol disabled" 0 V mailbox add carol@example.com password=pw3 enabled=no
	check_rc "$e: alias" 0 V alias add sales@example.com alice@example.com

	queries "$e" alice@example.com
	row=$(sql "$e" "$url" "$PASSWORD_QUERY")
	check_eq "$e: password_query user" "${row%%|*}" "alice@example.com"
	hash=${row#*|}
	check_eq "$e: password_query password verifies" \
		"$(python3 -c 'import crypt,sys; h=sys.argv[1].split("}",1)[1]; print(crypt.crypt("pw1", h) == h)' "$hash" 2>/dev/null)" True
	check_eq "$e: user_query alice" "$(sql "$e" "$url" "$USER_QUERY")" "$STORAGE/example.com/alice|$UID_|$GID_|*:bytes=500M"
	queries "$e" bob@example.com
	check_eq "$e: user_query bob (domain quota)" "$(sql "$e" "$url" "$USER_QUERY")" "$STORAGE/example.com/bob|$UID_|$GID_|*:bytes=2048M"
	queries "$e" carol@example.com
	check_eq "$e: password_query refuses a disabled account" "$(sql "$e" "$url" "$PASSWORD_QUERY")" ""
	queries "$e" sales@example.com
	check_eq "$e: password_query: an alias is no login" "$(sql "$e" "$url" "$PASSWORD_QUERY")" ""
	check_eq "$e: iterate_query" "$(sql "$e" "$url" "$ITERATE_QUERY" | sort)" "alice@example.com
bob@example.com
carol@example.com"
	check_rc "$e: disable alice" 0 V mailbox set alice@example.com enabled=no
	queries "$e" alice@example.com
	check_eq "$e: password_query after disabling" "$(sql "$e" "$url" "$PASSWORD_QUERY")" ""
done
test_done
