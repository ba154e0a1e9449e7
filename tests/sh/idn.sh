#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# idn.sh: international domain names through the real binary on every engine: a
# domain typed in Unicode or in its xn-- form (any case) names one object, stored in
# the ASCII form (checked with the engine's own client); invalid labels are refused
# with the place and the reason and change nothing; lists show Unicode under a UTF-8
# locale and ASCII otherwise, JSON both; rename, del, patterns, scripts, CSV import
# with Unicode domains, and the export/import round trip (export writes ASCII).
. "$(dirname "$0")/../lib.sh"

U=bücher.example     # xn--bcher-kva.example
A=xn--bcher-kva.example
ST=straße.de         # xn--strae-oqa.de (non-transitional: ß stays)
JA=例え.テスト        # xn--r8jz45g.xn--zckzah
EXT=пример.рф        # xn--e1afmkfd.xn--p1ai, not a local domain

rows() {
	sql "$1" "$2" "SELECT 'domain', name FROM admin_domain ORDER BY name"
	sql "$1" "$2" "SELECT 'domainalias', da.name, d.name FROM admin_domainalias da JOIN admin_domain d ON d.id = da.target_id ORDER BY da.name"
	sql "$1" "$2" "SELECT 'mailbox', mb.address, d.name, u.username, u.email, q.username FROM admin_mailbox mb
		JOIN admin_domain d ON d.id = mb.domain_id JOIN admin_user u ON u.id = mb.user_id
		LEFT JOIN admin_quota q ON q.mbox_id = mb.id ORDER BY u.username"
	sql "$1" "$2" "SELECT 'alias', al.address, d.name, al.extmboxes FROM admin_alias al JOIN admin_domain d ON d.id = al.domain_id ORDER BY al.address"
	sql "$1" "$2" "SELECT 'alias_mbox', al.address, mb.address, md.name FROM admin_alias_mboxes x
		JOIN admin_alias al ON al.id = x.alias_id JOIN admin_mailbox mb ON mb.id = x.mailbox_id
		JOIN admin_domain md ON md.id = mb.domain_id ORDER BY 2, 3"
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_idn) || { fail "$e: new_db"; continue; }
	V() { LC_ALL=C.UTF-8 "$VMAILADM" -d "$url" "$@"; }
	VC() { LC_ALL=C "$VMAILADM" -d "$url" "$@"; }

	check_rc "$e: db init" 0 V db init
	check_rc "$e: domain add in Unicode" 0 V domain add "$U" quota=1G
	check_eq "$e: stored in the ASCII form" "$(sql "$e" "$url" "SELECT name, quota FROM admin_domain")" "$A|1024"
	for same in "$A" "BÜCHER.example" "Bücher.Example" "XN--BCHER-KVA.EXAMPLE"; do
		check_rc "$e: $same is a duplicate" 1 V domain add "$same"
		check_contains "$e: $same duplicate message" "$ERR" "domain $A already exists"
	done
	check_rc "$e: xn-- form added" 0 V domain add xn--strae-oqa.de
	check_rc "$e: its Unicode form is the same domain" 1 V domain add "$ST"
	check_rc "$e: a Japanese name" 0 V domain add "$JA"

	# invalid labels, in either spelling: refused with the reason, nothing written
	bad() { # WHAT NAME REASON [NAME AS SHOWN]
		local shown=${4:-$2}
		check_rc "$e: $1 refused" 1 V domain add "$2"
		check_contains "$e: $1 message" "$ERR" "domain add: domain name '${shown:0:40}"
		check_contains "$e: $1 reason" "$ERR" "$3"
	}
	bad "a disallowed code point" "bü☃.example" "label 'bü☃' holds a character IDNA2008 does not allow"
	bad "a bad xn-- label" "xn--zz.example" "label 'xn--zz' is not a valid xn-- label"
	bad "an xn-- label of an ASCII name" "xn--abc.example" "is not a valid xn-- label"
	bad "'_' in Unicode" "bü_cher.example" "contains '_'"
	bad "'_' in xn--" "xn--b_cher-3ya.example" "contains '_'"
	bad "a label over 63 once encoded" "$(printf 'ü%.0s' $(seq 1 60)).example" "over 63 characters once encoded"
	# invisible characters are shown as \u{XXXX}, never raw (written as UTF-8 bytes:
	# bash turns $'\u....' into the character only under a UTF-8 locale)
	bad "a right-to-left override" $'\xe2\x80\xaebücher.example' "does not allow" '\u{202E}bücher.example'
	bad "a zero-width joiner" $'b\xe2\x80\x8dücher.example' "joiner" 'b\u{200D}ücher.example'
	case $ERR in *$'\xe2\x80\x8d'*) fail "$e: a raw zero-width joiner in the message" ;; *) pass "$e: no raw joiner in the message" ;; esac
	bad "a Unicode name of one label" "bücher" "at least two labels"
	check_eq "$e: nothing added by refused names" "$(sql "$e" "$url" "SELECT count(*) FROM admin_domain")" 3

	# addresses: the local part stays ASCII, the domain in either form
	check_rc "$e: mailbox add, Unicode domain" 0 V mailbox add "anna@$U" password=s3cret name="Anna Bücher"
	check_rc "$e: mailbox duplicate across spellings" 1 V mailbox add "ANNA@XN--BCHER-KVA.EXAMPLE" password=x
	check_contains "$e: mailbox duplicate message" "$ERR" "anna@$A already exists"
	check_rc "$e: a Unicode local part is refused" 1 V mailbox add "ånna@$U" password=x
	check_contains "$e: Unicode local part message" "$ERR" "not ASCII"
	check_rc "$e: mailbox add, xn-- domain" 0 V mailbox add "bob@$A" password=s3cret
	check_rc "$e: alias with Unicode recipients" 0 V alias add "info@$U" "anna@Bücher.example" "bob@$A" "x@$EXT"
	check_rc "$e: catch-all in Unicode" 0 V alias add "@$ST" "anna@$U"
	check_rc "$e: domain alias in Unicode" 0 V domainalias add bücher.test "$U"
	check_eq "$e: rows in the ASCII form" "$(rows "$e" "$url")" "domain|$A
domain|xn--r8jz45g.xn--zckzah
domain|xn--strae-oqa.de
domainalias|xn--bcher-kva.test|$A
mailbox|anna|$A|anna@$A|anna@$A|anna@$A
mailbox|bob|$A|bob@$A|bob@$A|bob@$A
alias|*|xn--strae-oqa.de|
alias|info|$A|x@xn--e1afmkfd.xn--p1ai
alias_mbox|*|anna|$A
alias_mbox|info|anna|$A
alias_mbox|info|bob|$A"
	check_rc "$e: mailbox set through the Unicode form" 0 V mailbox set "anna@BÜCHER.example" quota=100
	check_eq "$e: set reached the row" "$(sql "$e" "$url" "SELECT quota FROM admin_mailbox WHERE address = 'anna'")" 100

	# lists: Unicode under a UTF-8 locale, ASCII otherwise; JSON both
	check_rc "$e: domain list" 0 V domain list
	check_eq "$e: domain list shows Unicode (in the order of the ASCII form)" "$(printf '%s\n' "$OUT" | cut -f1)" "$U
$JA
$ST"
	check_rc "$e: domain list, C locale" 0 VC domain list
	check_eq "$e: C locale shows ASCII" "$(printf '%s\n' "$OUT" | cut -f1)" "$A
xn--r8jz45g.xn--zckzah
xn--strae-oqa.de"
	check_rc "$e: domain list --json" 0 VC --json domain list "$U"
	check_contains "$e: json name and name_ascii" "$OUT" "\"name\":\"$U\",\"name_ascii\":\"$A\",\"enabled\":\"yes\""
	check_rc "$e: mailbox list of a Unicode domain" 0 V mailbox list "$U"
	check_eq "$e: mailbox list addresses" "$(printf '%s\n' "$OUT" | cut -f1,2)" "anna@$U	Anna Bücher
bob@$U	"
	check_rc "$e: mailbox list pattern, Unicode domain" 0 V mailbox list "a*@$U"
	check_eq "$e: pattern matched" "$(printf '%s\n' "$OUT" | cut -f1)" "anna@$U"
	check_rc "$e: mailbox list pattern, xn-- domain" 0 VC mailbox list "b*@$A"
	check_eq "$e: xn-- pattern matched, ASCII shown" "$(printf '%s\n' "$OUT" | cut -f1)" "bob@$A"
	check_rc "$e: mailbox list glob over Unicode domains" 0 V mailbox list "*@*.example"
	check_eq "$e: glob over domains" "$(printf '%s\n' "$OUT" | cut -f1 | sort)" "anna@$U
bob@$U"
	check_rc "$e: mailbox list --json" 0 V --json mailbox list "anna@$A"
	check_contains "$e: json address and address_ascii" "$OUT" "\"address\":\"anna@$U\",\"address_ascii\":\"anna@$A\""
	check_rc "$e: alias list --json" 0 V --json alias list "$U"
	check_contains "$e: json alias recipients both ways" "$OUT" "\"recipients\":\"anna@$U,bob@$U,x@$EXT\",\"recipients_ascii\":\"anna@$A,bob@$A,x@xn--e1afmkfd.xn--p1ai\""
	check_rc "$e: domainalias list" 0 V domainalias list "$U"
	check_eq "$e: domainalias list shows Unicode" "$OUT" "bücher.test	$U	yes"
	check_rc "$e: domain list prefix, a whole Unicode label" 0 V domain list bücher
	check_eq "$e: prefix matched" "$(printf '%s\n' "$OUT" | cut -f1)" "$U"
	check_rc "$e: domain list glob with an ASCII label" 0 V domain list "*.de"
	check_eq "$e: glob matched" "$(printf '%s\n' "$OUT" | cut -f1)" "$ST"
	check_rc "$e: a glob inside a Unicode label" 1 V domain list "bü*"
	check_contains "$e: glob message" "$ERR" "mixes * or ? with non-ASCII characters"
	check_rc "$e: quota show of a Unicode address" 0 V quota show "anna@$U"
	check_eq "$e: quota show shows Unicode" "$(printf '%s\n' "$OUT" | cut -f1)" "anna@$U"
	check_rc "$e: quota show --json" 0 V --json quota show "$A"
	check_contains "$e: quota show json, both forms" "$OUT" "\"address\":\"anna@$U\",\"used_bytes\""
	check_contains "$e: quota show json, the stored form last" "$OUT" "\"address_ascii\":\"anna@$A\"}"

	# export writes the ASCII form; it reads back into an empty database the same
	check_rc "$e: export script" 0 V export script "$TEST_TMP/idn-$e.script"
	check_rc "$e: export csv" 0 V export csv "$TEST_TMP/idn-$e.csv"
	# the display name "Anna Bücher" is the only text past ASCII either may hold
	check_eq "$e: export csv holds no Unicode domain" "$(sed 's/;Anna;Bücher;/;;;/' "$TEST_TMP/idn-$e.csv" | LC_ALL=C grep -c '[^ -~]')" 0
	check_eq "$e: export script holds no Unicode domain" "$(sed "s/'name=Anna Bücher'//" "$TEST_TMP/idn-$e.script" | LC_ALL=C grep -c '[^ -~]')" 0
	check_contains "$e: export csv names the ASCII form" "$(cat "$TEST_TMP/idn-$e.csv")" "account;anna@$A;"
	check_contains "$e: export script names the ASCII form" "$(cat "$TEST_TMP/idn-$e.script")" "domain add $A "
	before=$(rows "$e" "$url")
	url2=$(new_db "$e" t_idn2) || fail "$e: new_db 2"
	V2() { LC_ALL=C.UTF-8 "$VMAILADM" -d "$url2" "$@"; }
	check_rc "$e: db init 2" 0 V2 db init
	check_rc "$e: script round trip" 0 V2 -f "$TEST_TMP/idn-$e.script"
	check_eq "$e: script round trip rows" "$(rows "$e" "$url2")" "$before"
	url3=$(new_db "$e" t_idn3) || fail "$e: new_db 3"
	V3() { LC_ALL=C.UTF-8 "$VMAILADM" -d "$url3" "$@"; }
	check_rc "$e: db init 3" 0 V3 db init
	check_rc "$e: csv round trip" 0 V3 import csv "$TEST_TMP/idn-$e.csv"
	check_eq "$e: csv round trip rows" "$(rows "$e" "$url3")" "$before"

	# CSV written by hand with Unicode domains
	url4=$(new_db "$e" t_idn4) || fail "$e: new_db 4"
	V4() { LC_ALL=C.UTF-8 "$VMAILADM" -d "$url4" "$@"; }
	check_rc "$e: db init 4" 0 V4 db init
	cat >"$TEST_TMP/uni-$e.csv" <<EOF
domain;$U;0;True
domain;$ST;0;True
domainalias;bücher.test;$U;True
account;anna@$U;s3cret;Anna;Bücher;True;SimpleUsers;anna@$U;
account;bob@$A;s3cret;;;True;SimpleUsers;bob@$A;
dlist;info@$U;True;anna@Bücher.example;bob@$A;x@$EXT
alias;@$ST;True;anna@$U
EOF
	check_rc "$e: csv with Unicode domains" 0 V4 import csv "$TEST_TMP/uni-$e.csv"
	check_eq "$e: csv rows in the ASCII form" "$(rows "$e" "$url4" | grep -v '^domain|xn--r8jz45g')" "$(printf '%s\n' "$before" | grep -v '^domain|xn--r8jz45g')"
	printf 'domain;xn--zz.example;0;True\n' >"$TEST_TMP/bad-$e.csv"
	check_rc "$e: csv with a bad xn-- label" 1 V4 import csv "$TEST_TMP/bad-$e.csv"
	check_contains "$e: csv message names the line" "$ERR" "bad-$e.csv:1"
	check_contains "$e: csv message names the reason" "$ERR" "not a valid xn-- label"

	# scripts: FILE:LINE and the reason, nothing committed
	printf 'domain add ok.example\ndomain add bü☃.example\n' >"$TEST_TMP/bad-$e.script"
	check_rc "$e: script with a bad label" 1 V -f "$TEST_TMP/bad-$e.script"
	check_contains "$e: script message" "$ERR" "bad-$e.script:2"
	check_contains "$e: script reason" "$ERR" "does not allow"
	check_eq "$e: script committed nothing" "$(sql "$e" "$url" "SELECT count(*) FROM admin_domain WHERE name = 'ok.example'")" 0

	# rename and delete through either spelling
	check_rc "$e: domain rename Unicode -> Unicode" 0 V domain rename "BÜCHER.example" bücher.org
	check_eq "$e: renamed rows" "$(sql "$e" "$url" "SELECT name FROM admin_domain WHERE name LIKE 'xn--bcher%'")" "xn--bcher-kva.org"
	check_eq "$e: renamed usernames" "$(sql "$e" "$url" "SELECT username FROM admin_user WHERE username LIKE 'anna@%'")" "anna@xn--bcher-kva.org"
	check_rc "$e: mailbox rename into another Unicode domain" 0 V mailbox rename anna@xn--bcher-kva.org "anna@$ST"
	check_eq "$e: moved mailbox" "$(sql "$e" "$url" "SELECT u.username FROM admin_mailbox mb JOIN admin_user u ON u.id = mb.user_id WHERE mb.address = 'anna'")" "anna@xn--strae-oqa.de"
	check_rc "$e: mailbox del through the Unicode form" 0 V mailbox del "anna@$ST"
	check_rc "$e: domainalias del through the xn-- form" 0 V domainalias del xn--bcher-kva.test
	check_rc "$e: domain del through the xn-- form" 0 V domain del xn--bcher-kva.org
	check_rc "$e: domain del through the Unicode form" 0 V domain del "$JA"
	check_eq "$e: what is left" "$(sql "$e" "$url" "SELECT name FROM admin_domain ORDER BY name")" "xn--strae-oqa.de"
done

test_done
