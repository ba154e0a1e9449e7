#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mailcheck.sh: `mailserver check` against real doveconf -n / postconf -n / postconf -M on
# private configuration directories (nothing started): the configuration tests/mailserver.sh
# builds from vmailadm's generated files passes with no finding; each one broken on purpose
# (the quota plugin, the dict socket owner, the home layout, the Sieve plugin, the include,
# the transport, the maps, the pipe's user) is named, with exit status 1. Superadmins only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mailserver.sh"

if [ "$(id -u)" != 0 ] || ! command -v doveconf >/dev/null || ! command -v postconf >/dev/null ||
	! getent passwd dovecot >/dev/null || ! getent passwd postfix >/dev/null ||
	[ ! -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]; then
	echo "skipped: needs root, Postfix and Dovecot with Pigeonhole (apt-get install postfix dovecot-core dovecot-sieve dovecot-managesieved)"
	test_done
fi
OWNER=nobody

for e in $VMAILADM_ENGINES; do
	W=$TEST_TMP/$e
	rm -rf "$W" && mkdir -p "$W/maps" "$W/gen" "$W/dc" "$W/vmail" && chmod 755 "$W" "$W/maps" "$W/gen" "$W/dc"
	url=$(new_db "$e" t_mailcheck) || { fail "$e: new_db"; continue; }
	base="[mail]
root = $W/vmail
owner = $OWNER
[dovecot]
group = dovecot
postmaster = postmaster@ex.test
lda = /usr/lib/dovecot/dovecot-lda -c $W/dc/dovecot.conf"
	printf '%s\n' "$base" >"$W/gen.conf"
	check_rc "$e: db init" 0 "$VMAILADM" -q -c "$W/gen.conf" -d "$url" db init
	check_rc "$e: maps generate" 0 "$VMAILADM" -q -c "$W/gen.conf" -d "$url" maps generate "$W/maps"
	check_rc "$e: dovecot generate" 0 "$VMAILADM" -q -c "$W/gen.conf" -d "$url" dovecot generate "$W/gen"
	ms_postfix_config "$W/pf" 26099 "$W/maps" 26098 || fail "$e: postfix config"
	ms_dovecot_config "$W/dc" "$W/gen" 26097 26096 || fail "$e: dovecot config"
	GOOD_DC=$MS_DC_CONF GOOD_PF=$MS_PF_CONF

	# mc NAME DOVECOT.CONF POSTFIX-DIR [MORE CONFIG LINES]: a config for the check; runs it
	mc() {
		{
			printf '%s\ndoveconf = doveconf -c %s\n' "$base" "$2"
			printf '[postfix]\nmaps = %s\npostconf = postconf -c %s\n' "$W/maps" "$3"
			[ -n "${4:-}" ] && printf '%s\n' "$4"
		} >"$W/$1.conf"
		sed -i "s|^\\[dovecot\\]|[dovecot]\\ndir = $W/gen|" "$W/$1.conf"
		run "$VMAILADM" -c "$W/$1.conf" -d "$url" mailserver check
	}
	# broken_dc NAME LINES: the good dovecot.conf with LINES after it
	broken_dc() {
		cp "$GOOD_DC" "$W/dc/$1.conf"
		printf '%s\n' "$2" >>"$W/dc/$1.conf"
		echo "$W/dc/$1.conf"
	}
	# broken_pf NAME SED-EXPR [master|main]: a copy of the good Postfix dir, one file changed
	broken_pf() {
		rm -rf "$W/pf-$1" && cp -r "$GOOD_PF" "$W/pf-$1"
		sed -i "$2" "$W/pf-$1/${3:-main}.cf"
		echo "$W/pf-$1"
	}
	# finds WHAT TEXT: the last check exited 1 and named TEXT
	finds() {
		check_eq "$e: $1: exit status" "$RC" 1
		check_contains "$e: $1: named" "$OUT" "$2"
		check_contains "$e: $1: the message counts them" "$ERR" "difference(s) from what vmailadm expects"
	}

	mc good "$GOOD_DC" "$GOOD_PF"
	check_eq "$e: the generated configuration: no finding" "$OUT" ""
	check_eq "$e: the generated configuration: exit status" "$RC" 0
	[ "$RC" = 0 ] || fail "$e: good: stderr" "$ERR"
	run "$VMAILADM" -c "$W/good.conf" -d "$url" --json mailserver check
	check_eq "$e: --json: an empty list" "$OUT" "[]"

	mc noquota "$(broken_dc noquota 'mail_plugins = zlib')" "$GOOD_PF"
	finds "quota plugin removed" "missing quota plugin"
	mc dict "$(broken_dc dict 'service dict {
  unix_listener dict {
    mode = 0600
    user = dovecot
  }
}')" "$GOOD_PF"
	finds "the guide's 0600 dict socket of another user" "wrong dict socket owner"
	mc dictdefault "$(broken_dc dictdefault 'service dict {
  unix_listener dict {
    mode = 0660
    user =
    group = $default_internal_group
  }
}')" "$GOOD_PF"
	finds "Dovecot's default dict socket" "wrong dict socket owner: root:dovecot mode 0660"
	mc home "$(broken_dc home 'mail_home = /srv/mail/%u')" "$GOOD_PF"
	finds "mail_home elsewhere" "wrong home layout: mail_home is /srv/mail/%u"
	mc root "$GOOD_DC" "$GOOD_PF"
	sed -i "s|^root = .*|root = $W/elsewhere|" "$W/root.conf"
	run "$VMAILADM" -c "$W/root.conf" -d "$url" mailserver check
	finds "[mail] root changed since dovecot generate" "wrong home layout: $W/gen/dovecot-sql.conf.ext gives the home $W/vmail/%d/%n"
	mc location "$(broken_dc location 'mail_location = mbox:~/mail')" "$GOOD_PF"
	finds "another mail_location" "mail_location	is mbox:~/mail"
	mc nosieve "$(broken_dc nosieve 'protocol lda {
  mail_plugins = quota
}')" "$GOOD_PF"
	finds "no sieve at delivery" "protocol lda/mail_plugins	missing sieve plugin"
	mc nomanagesieve "$(broken_dc nomanagesieve 'protocols = imap')" "$GOOD_PF"
	finds "ManageSieve off" "no ManageSieve"
	mc postmaster "$(broken_dc postmaster 'postmaster_address = root@elsewhere.test')" "$GOOD_PF"
	finds "another postmaster" "postmaster_address	is root@elsewhere.test, [dovecot] postmaster says postmaster@ex.test"
	grep -v '^!include' "$GOOD_DC" >"$W/dc/noinclude.conf"
	mc noinclude "$W/dc/noinclude.conf" "$GOOD_PF"
	finds "the include left out" "no passdb reads $W/gen/dovecot-sql.conf.ext"
	check_contains "$e: the include left out: the quota plugin too" "$OUT" "missing quota plugin"
	mc doveconffails "$W/dc/no-such.conf" "$GOOD_PF"
	finds "doveconf fails" "doveconf -c $W/dc/no-such.conf -n	failed"

	mc notransport "$GOOD_DC" "$(broken_pf notransport '/^virtual_transport/d')"
	finds "no virtual_transport" "virtual_transport	missing transport"
	mc nopipe "$GOOD_DC" "$(broken_pf nopipe '/^dovecot /,/argv=/d' master)"
	finds "no dovecot service in master.cf" "master.cf dovecot	missing transport"
	mc pipeuser "$GOOD_DC" "$(broken_pf pipeuser 's/user=nobody/user=postfix/' master)"
	finds "the pipe as another user" "the pipe runs as postfix, not as [mail] owner nobody"
	mc nomaintain "$GOOD_DC" "$(broken_pf nomaintain '/check_recipient_access/d')"
	finds "the maintain map left out" "maps not referenced: no check_recipient_access"
	mc nodomains "$GOOD_DC" "$(broken_pf nodomains "s|^virtual_mailbox_domains = .*|virtual_mailbox_domains = example.test|")"
	finds "the domains map left out" "virtual_mailbox_domains	maps not referenced"
	mc uid "$GOOD_DC" "$(broken_pf uid 's/^virtual_uid_maps = .*/virtual_uid_maps = static:5000/')"
	finds "another uid" "virtual_uid_maps	is static:5000"

	# who may ask
	run "$VMAILADM" -q -c "$W/good.conf" -d "$url" -f - <<'SCRIPT'
domain add ex.test
admin add da@ex.test password=dapw domains=ex.test
SCRIPT
	VMAILADM_PASSWORD=dapw run "$VMAILADM" -c "$W/good.conf" -d "$url" --user da@ex.test mailserver check
	check_eq "$e: a domain administrator: exit status" "$RC" 1
	check_contains "$e: a domain administrator is refused" "$ERR" "only a superadministrator"
	run "$VMAILADM" -c "$W/good.conf" -d "$url" --read-only mailserver check
	check_eq "$e: read-only sessions may check" "$RC" 0
done
test_done
