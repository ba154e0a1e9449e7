#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sieve.sh: the vacation, filter and sieve statements on every engine: their rows
# and the script rendered from them (compiled by Pigeonhole's sievec, which vmailadm
# runs before it stores one); every value of tests/hostile/corpus.txt in every text
# field (subject, text, folder, test value, header, filter name, addresses, redirect)
# stored literally and still only a string (sieve-test shows the same actions), or
# refused changing nothing; bad input with FILE:LINE in scripts; repeated if=, a
# repeated one-value option refused; rename and delete follow; domain administrators'
# limits; the audit log; dry-run and keep-going; a compile error and a missing sievec
# refuse the statement; Modoboa's autoreply rows imported by db upgrade.
. "$(dirname "$0")/../lib.sh"

if ! command -v sievec >/dev/null || ! command -v sieve-test >/dev/null; then
	echo "skipped: needs Pigeonhole's sievec and sieve-test (apt-get install dovecot-sieve)"
	test_done
fi

shopt -u patsub_replacement 2>/dev/null # "&" in ${v//x/y}'s y stays an "&"
CORPUS=$VT_ROOT/tests/hostile/corpus.txt
VALUES=()
while IFS= read -r line; do
	case $line in '#'*) continue ;; esac
	VALUES+=("$(printf '%b' "$line")")
done <"$CORPUS"
# LINE_OK[i] = 1 when value i can be a script line (one line of strict UTF-8: the
# statement reader refuses the whole file otherwise); the others run one by one
mapfile -t LINE_OK < <(python3 -c '
import sys
for v in sys.argv[1:]:
    b = v.encode("utf-8", "surrogateescape")
    try:
        ok = "\n" not in b.decode("utf-8") and "\r" not in v and len(b) < 30000
    except UnicodeDecodeError:
        ok = False
    print(1 if ok else 0)' "${VALUES[@]}")

counts() {
	sql "$1" "$2" "SELECT (SELECT count(*) FROM vmailadm_vacation), (SELECT count(*) FROM vmailadm_filter),
		(SELECT count(*) FROM vmailadm_sieve), (SELECT count(*) FROM admin_mailbox)"
}
# json_field FIELD: reads a JSON array from stdin, prints row 0's FIELD exactly
json_field() { python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)[int(sys.argv[2])][sys.argv[1]])' "$1" "${2:-0}"; }
# sieve-test as nobody, with a config of its own (it drops privileges)
ST_CONF=$TEST_TMP/sieve-test.conf
mkdir -p "$TEST_TMP/st-mail" "$TEST_TMP/st-base" "$TEST_TMP/st-state"
cat >"$ST_CONF" <<CONF
mail_uid = nobody
mail_gid = $(id -gn nobody 2>/dev/null || echo nogroup)
first_valid_uid = 1
mail_location = maildir:$TEST_TMP/st-mail
base_dir = $TEST_TMP/st-base
state_dir = $TEST_TMP/st-state
CONF
chown nobody: "$TEST_TMP/st-mail" 2>/dev/null
printf 'From: s@remote.test\nTo: a@ex.test\nSubject: hello\n\nbody\n' >"$TEST_TMP/msg.eml"
chmod 644 "$TEST_TMP/msg.eml"
# actions ADDRESS: what sieve-test says the mailbox's script does with a plain
# message, on one line ("Performed actions: * send vacation message: Implicit keep: ...")
st_norm() { sed -n '/Performed actions/,$p' | grep -E '^(Performed actions:|Implicit keep:| +\* | +\(none\))' | tr -s ' \n' ' '; }
actions() {
	V sieve show "$1" >"$TEST_TMP/cur.sieve" && chmod 644 "$TEST_TMP/cur.sieve"
	sieve-test -c "$ST_CONF" "$TEST_TMP/cur.sieve" "$TEST_TMP/msg.eml" 2>&1 | st_norm
}
VAC="Performed actions: * send vacation message: Implicit keep: * store message in folder: INBOX "
KEEP="Performed actions: (none) Implicit keep: * store message in folder: INBOX "

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_sieve) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -q -d "$url" "$@"; }
	VJ() { "$VMAILADM" -q --json -d "$url" "$@"; }
	D() { VMAILADM_PASSWORD=dapw1 "$VMAILADM" -q -d "$url" --user da1 "$@"; }
	check_rc "$e: db init" 0 V db init
	check_rc "$e: domain" 0 V domain add ex.test
	check_rc "$e: domain 2" 0 V domain add other.test
	for u in a b c; do check_rc "$e: mailbox $u" 0 V mailbox add "$u@ex.test" password=pw-long-enough; done
	check_rc "$e: mailbox z" 0 V mailbox add z@other.test password=pw-long-enough

	# ---- statements and their rows
	check_rc "$e: vacation set" 0 "$VMAILADM" -d "$url" vacation set a@ex.test subject=Away "text=Back soon" from=2020-01-01 until=2099-12-31 days=3 addresses=a@ex.test,alias@ex.test
	check_contains "$e: vacation set prints the change" "$OUT" "+ vacation a@ex.test"
	check_contains "$e: and the script" "$OUT" "+ sieve a@ex.test  script_id=v1-"
	check_eq "$e: vacation row" "$(sql "$e" "$url" "SELECT subject, body, from_date, until_date, days, addresses, enabled FROM vmailadm_vacation")" "Away|Back soon|2020-01-01|2099-12-31|3|a@ex.test,alias@ex.test|1"
	check_eq "$e: one script row" "$(sql "$e" "$url" "SELECT username, script_name FROM vmailadm_sieve")" "a@ex.test|active"
	check_rc "$e: vacation show" 0 V vacation show a@ex.test
	check_eq "$e: vacation show row" "$OUT" "a@ex.test	yes	yes	2020-01-01	2099-12-31	3	a@ex.test,alias@ex.test	Away	Back soon"
	check_rc "$e: vacation list" 0 V vacation list
	check_eq "$e: vacation list rows" "$OUT" "a@ex.test	yes	yes	2020-01-01	2099-12-31	3	Away"
	check_rc "$e: vacation list DOMAIN" 0 V vacation list ex.test
	check_contains "$e: vacation list DOMAIN rows" "$OUT" "a@ex.test"
	check_rc "$e: vacation list of another domain" 0 V vacation list other.test
	check_eq "$e: empty there" "$OUT" ""
	check_rc "$e: sieve show" 0 V sieve show a@ex.test
	check_contains "$e: the script has the vacation" "$OUT" 'vacation :days 3 :subject "Away" :addresses ["a@ex.test", "alias@ex.test"]'
	check_contains "$e: with its dates" "$OUT" 'currentdate :value "ge" "date" "2020-01-01", currentdate :value "le" "date" "2099-12-31"'
	case $OUT in *stop*) fail "$e: no stop without a rule saying so" "$OUT" ;; *) pass "$e: no stop without a rule saying so" ;; esac
	check_eq "$e: sieve-test: the script answers" "$(actions a@ex.test)" "$VAC"
	check_rc "$e: filter add" 0 V filter add a@ex.test Spam if=subject:contains:SPAM if=x-spam-flag:is:YES any then=fileinto:Junk stop
	check_rc "$e: filter add 2" 0 V filter add a@ex.test boss "if=from:contains:boss@" "if=subject:not-contains:private" then=redirect:boss@elsewhere.test
	check_rc "$e: filter add 3" 0 V filter add a@ex.test drop if=subject:regex:^x+$ then=discard
	check_eq "$e: filter rows" "$(sql "$e" "$url" "SELECT name, ord, match_any, action, argument, stop FROM vmailadm_filter ORDER BY ord")" "spam|1|1|fileinto|Junk|1
boss|2|0|redirect|boss@elsewhere.test|0
drop|3|0|discard||0"
	check_rc "$e: filter list" 0 V filter list a@ex.test
	check_eq "$e: filter list rows" "$OUT" "1	spam	any	subject:contains:SPAM ; x-spam-flag:is:YES	fileinto:Junk	yes
2	boss	all	from:contains:boss@ ; subject:not-contains:private	redirect:boss@elsewhere.test	no
3	drop	all	subject:regex:^x+$	discard	no"
	check_rc "$e: sieve show with filters" 0 V sieve show a@ex.test
	check_contains "$e: anyof" "$OUT" 'if anyof (header :contains "subject" "SPAM", header :is "x-spam-flag" "YES") {'
	check_contains "$e: not" "$OUT" 'if allof (header :contains "from" "boss@", not header :contains "subject" "private") {'
	check_contains "$e: regex required" "$OUT" '"regex"'
	check_eq "$e: one stop, the rule's" "$(printf '%s\n' "$OUT" | grep -c 'stop;')" 1
	check_rc "$e: filter move up" 0 V filter move a@ex.test drop up
	check_rc "$e: filter move up again" 0 V filter move a@ex.test drop up
	check_eq "$e: new order" "$(sql "$e" "$url" "SELECT name FROM vmailadm_filter ORDER BY ord" | tr '\n' ' ')" "drop spam boss "
	check_rc "$e: move up at the top refused" 1 V filter move a@ex.test drop up
	check_contains "$e: says why" "$ERR" "filter drop is the first already"
	check_rc "$e: move down" 0 V filter move a@ex.test spam down
	check_eq "$e: order after down" "$(sql "$e" "$url" "SELECT name FROM vmailadm_filter ORDER BY ord" | tr '\n' ' ')" "drop boss spam "
	check_rc "$e: move neither up nor down" 2 V filter move a@ex.test spam left
	check_rc "$e: filter add of an existing name" 1 V filter add a@ex.test SPAM if=subject:is:x then=keep
	check_contains "$e: says it exists" "$ERR" "already has a filter spam"
	check_rc "$e: filter del" 0 V filter del a@ex.test drop
	check_rc "$e: filter del unknown" 1 V filter del a@ex.test drop
	check_rc "$e: sieve list" 0 V sieve list a@ex.test
	check_contains "$e: sieve list row" "$OUT" "active	vmailadm	yes	v"
	id1=$(sql "$e" "$url" "SELECT script_id FROM vmailadm_sieve")
	check_rc "$e: the same vacation again" 0 "$VMAILADM" -d "$url" vacation set a@ex.test subject=Away "text=Back soon" from=2020-01-01 until=2099-12-31 days=3 addresses=a@ex.test,alias@ex.test
	check_eq "$e: nothing changed, nothing printed" "$OUT" ""
	check_eq "$e: the id stays when the script does" "$(sql "$e" "$url" "SELECT script_id FROM vmailadm_sieve")" "$id1"
	check_rc "$e: vacation off" 0 V vacation off a@ex.test
	id2=$(sql "$e" "$url" "SELECT script_id FROM vmailadm_sieve")
	[ "$id1" != "$id2" ] && pass "$e: the id changes with the script" || fail "$e: the id changes with the script" "$id1"
	check_rc "$e: vacation show after off" 0 V vacation show a@ex.test
	check_contains "$e: shown disabled" "$OUT" "a@ex.test	no	no"
	check_rc "$e: sieve show after off" 0 V sieve show a@ex.test
	case $OUT in *vacation\ :days*) fail "$e: an off vacation is not in the script" ;; *) pass "$e: an off vacation is not in the script" ;; esac
	check_rc "$e: vacation off without one" 1 V vacation off b@ex.test
	check_rc "$e: vacation show without one" 1 V vacation show b@ex.test
	check_contains "$e: says so" "$ERR" "b@ex.test has no vacation reply"
	check_rc "$e: JSON vacation show" 0 VJ vacation show a@ex.test
	check_eq "$e: JSON subject" "$(printf '%s' "$OUT" | json_field subject)" "Away"

	# ---- options
	check_rc "$e: a one-value option twice" 2 V vacation set b@ex.test subject=a subject=b text=c
	check_contains "$e: says it" "$ERR" "option 'subject' given twice"
	check_rc "$e: filter without if=" 2 V filter add b@ex.test f then=keep
	check_rc "$e: filter without then=" 2 V filter add b@ex.test f if=subject:is:x
	check_rc "$e: vacation without text" 2 V vacation set b@ex.test subject=a
	check_rc "$e: bad days" 1 V vacation set b@ex.test subject=a text=b days=0
	check_rc "$e: from after until" 1 V vacation set b@ex.test subject=a text=b from=2026-02-01 until=2026-01-01
	check_contains "$e: says it" "$ERR" "from=2026-02-01 is after until=2026-01-01"
	check_rc "$e: bad operator" 1 V filter add b@ex.test f if=subject:like:x then=keep
	check_rc "$e: bad action" 1 V filter add b@ex.test f if=subject:is:x then=reject:no
	check_rc "$e: bad filter name" 1 V filter add b@ex.test "a b" if=subject:is:x then=keep
	check_eq "$e: none of it changed a row" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_vacation WHERE mbox_id IN (SELECT id FROM admin_mailbox WHERE address = 'b')")" 0

	# ---- hostile values in every text field: stored literally, still a string.
	# One keep-going script per field (a process per value would take minutes):
	# value i goes to mailbox h<i>; values with a newline run one by one.
	T=$TEST_TMP/$e && mkdir -p "$T"
	: >"$T/h-add.vm"
	for i in "${!VALUES[@]}"; do echo "mailbox add h$i@ex.test password=pw-long-enough" >>"$T/h-add.vm"; done
	check_rc "$e: hostile: mailboxes" 0 V -f "$T/h-add.vm"
	bad=""
	# hostile_run NAME TEMPLATE: TEMPLATE with @I@ = i and @V@ = the quoted value
	hostile_run() {
		local i v q
		: >"$T/$1.vm"
		for i in "${!VALUES[@]}"; do
			v=${VALUES[$i]}
			q="'$(printf '%s' "$v" | sed "s/'/'\\\\''/g")'"
			t=${2//@I@/$i}
			# a newline or invalid UTF-8 cannot be in a script line: one by one
			if [ "${LINE_OK[$i]}" != 1 ]; then
				eval "run V ${t//@V@/\"\$v\"}"
			else
				printf '%s\n' "${t//@V@/$q}" >>"$T/$1.vm"
			fi
		done
		run V --keep-going -f "$T/$1.vm"
	}
	# check_stored FIELD JSONKEY: every accepted value stored literally (per vacation list)
	check_vacations() {
		VJ vacation list ex.test >"$T/vl.json"
		python3 - "$T/vl.json" "$1" "${VALUES[@]}" <<'PY' || bad="$bad [$1: $(cat "$T/py.err")]"
import json, sys
rows = {r["address"]: r for r in json.load(open(sys.argv[1])) if isinstance(r, dict)}
field, values = sys.argv[2], sys.argv[3:]
errs, n = [], 0
for i, v in enumerate(values):
    r = rows.get("h%d@ex.test" % i)
    if r is None:
        continue
    n += 1
    if field == "subject" and r["subject"] != v:
        errs.append("value %d stored as %r" % (i, r["subject"]))
open(sys.argv[1] + ".n", "w").write(str(n))
if errs:
    open(sys.argv[1].rsplit("/", 1)[0] + "/py.err", "w").write("; ".join(errs))
    sys.exit(1)
PY
	}
	hostile_run subject 'vacation set h@I@@ex.test subject=@V@ text=t'
	check_vacations subject
	n_subject=$(cat "$T/vl.json.n")
	hostile_run text 'vacation set h@I@@ex.test subject=s text=@V@'
	# texts are not in the list: read back in one script of vacation show
	: >"$T/show.vm"
	for i in "${!VALUES[@]}"; do echo "vacation show h$i@ex.test" >>"$T/show.vm"; done
	"$VMAILADM" -q --json -d "$url" --keep-going -f "$T/show.vm" >"$T/texts.json" 2>/dev/null
	python3 - "$T/texts.json" "${VALUES[@]}" <<'PY' >"$T/text.check" || bad="$bad [text: $(cat "$T/text.check")]"
import json, sys
d, text, pos, got = json.JSONDecoder(), open(sys.argv[1]).read(), 0, {}
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    o, pos = d.raw_decode(text, pos)
    for r in (o if isinstance(o, list) else []):
        got[r["address"]] = r["text"]
errs = [i for i, v in enumerate(sys.argv[2:]) if "h%d@ex.test" % i in got and got["h%d@ex.test" % i] not in (v, "t")]
print("%d texts back" % len(got), errs)
sys.exit(1 if errs else 0)
PY
	hostile_run filter 'filter add h@I@@ex.test f1 if=subject:is:@V@ then=fileinto:@V@'
	: >"$T/fl.vm"
	for i in "${!VALUES[@]}"; do echo "filter list h$i@ex.test" >>"$T/fl.vm"; done
	"$VMAILADM" -q --json -d "$url" --keep-going -f "$T/fl.vm" >"$T/fl.json" 2>/dev/null
	python3 - "$T/fl.json" "${VALUES[@]}" <<'PY' >"$T/fl.check" || bad="$bad [folder: $(cat "$T/fl.check")]"
import json, sys
d, text, pos, lists = json.JSONDecoder(), open(sys.argv[1]).read(), 0, []
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    o, pos = d.raw_decode(text, pos)
    if isinstance(o, list):
        lists.append(o)
vals = sys.argv[2:]
errs, n = [], 0
for i, l in enumerate(lists):
    for r in l:
        n += 1
        if r["then"] != "fileinto:" + vals[i] or r["if"] != "subject:is:" + vals[i]:
            errs.append("%d: %r %r" % (i, r["then"], r["if"]))
print(n, errs)
sys.exit(1 if errs else 0)
PY
	before=$(counts "$e" "$url")
	hostile_run header 'filter add h@I@@ex.test f2 if=@V@:is:a then=keep'
	hostile_run name 'filter add h@I@@ex.test @V@ if=subject:is:a then=keep'
	hostile_run addresses 'vacation set h@I@@ex.test subject=s text=t addresses=@V@'
	hostile_run redirect 'filter add h@I@@ex.test r if=subject:is:a then=redirect:@V@'
	after=$(counts "$e" "$url")
	[ "${after%%|*}" = "${before%%|*}" ] || bad="$bad [an addresses= value was accepted: $before -> $after]"
	check_eq "$e: no redirect to a hostile value accepted" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_filter WHERE name = 'r'")" 0
	# every stored script is still only what the rows say: sieve-test on each
	# (rendering does not depend on the engine: the first engine's run does it)
	if [ "$e" = "${VMAILADM_ENGINES%% *}" ]; then
		: >"$T/ss.vm"
		for i in "${!VALUES[@]}"; do echo "sieve show h$i@ex.test" >>"$T/ss.vm"; done
		V -f "$T/ss.vm" >"$T/all.sieve"
		rm -rf "$T/scripts" && mkdir -p "$T/scripts" && chmod 755 "$T/scripts"
		awk -v d="$T/scripts" '/^# sieve_before: / { f = "" } /^# sieve_before: vmailadm.s script for / { f = d "/" $6 ".sieve" } f { print > f }' "$T/all.sieve"
		chmod 644 "$T"/scripts/*
		nst=0
		for f in "$T"/scripts/*.sieve; do
			a=$(sieve-test -c "$ST_CONF" "$f" "$TEST_TMP/msg.eml" 2>&1 | st_norm)
			nst=$((nst + 1))
			[ "$a" = "$VAC" ] || [ "$a" = "$KEEP" ] || bad="$bad [$(basename "$f"): $a]"
		done
		[ "$nst" -ge $((${#VALUES[@]} / 2)) ] || bad="$bad [only $nst scripts]"
	fi
	[ -z "$bad" ] && pass "$e: hostile corpus in every field: $n_subject subjects stored literally, $(cat "$T/fl.check" | cut -d' ' -f1) filters, each script still only a vacation (sieve-test)" || fail "$e: hostile corpus" "$bad"
	# the issue's own example, in every text field at once
	check_rc "$e: the injection example" 0 V vacation set b@ex.test "subject=a\" ; discard; #" "text=x\" ; discard; #"
	check_eq "$e: sieve-test: still only a vacation" "$(actions b@ex.test)" "$VAC"
	check_rc "$e: ... in a folder and a value" 0 V filter add b@ex.test inj "if=subject:is:a\" ; discard; #" "then=fileinto:b\" ; discard; #"
	check_eq "$e: sieve-test: a plain message is not discarded" "$(actions b@ex.test)" "$VAC"

	# ---- bad input in scripts: FILE:LINE, the reason, nothing changed
	before=$(counts "$e" "$url")
	printf '# bad\nvacation set nobody@ex.test subject=a text=b\n' >"$T/unknown.vm"
	printf '\nvacation set b@ex.test subject=a text=b from=2026-02-30\n' >"$T/date.vm"
	printf 'filter add b@ex.test f1 if=subject:is:x "then=fileinto:a\x01b"\n' >"$T/ctl.vm"
	printf 'filter add b@ex.test f2 if=subject:is:x then=redirect:not-an-address\n' >"$T/redir.vm"
	{ printf 'vacation set b@ex.test subject=a text="'; head -c 1100000 /dev/zero | tr '\0' x; printf '"\n'; } >"$T/big.vm"
	check_rc "$e: a text over the limit" 1 V vacation set b@ex.test subject=a "text=$(head -c 40000 /dev/zero | tr '\0' y)"
	check_contains "$e: says the limit" "$ERR" "text: 40000 bytes is more than the 32768 allowed"
	printf 'vacation set b@ex.test subject=ok text=ok\nvacation set b@ex.test subject="a\0b" text=b\n' >"$T/nul.vm"
	check_rc "$e: unknown mailbox" 1 V -f "$T/unknown.vm"
	check_contains "$e: unknown mailbox: FILE:LINE" "$ERR" "$T/unknown.vm:2:"
	check_contains "$e: unknown mailbox: why" "$ERR" "no mailbox nobody@ex.test"
	check_rc "$e: bad date" 1 V -f "$T/date.vm"
	check_contains "$e: bad date: FILE:LINE and why" "$ERR" "$T/date.vm:2: vacation set: from: '2026-02-30' is not a date"
	run V -f "$T/ctl.vm"
	check_contains "$e: control character in a folder: FILE:LINE" "$ERR" "$T/ctl.vm:1:"
	[ "$RC" = 1 ] || [ "$RC" = 2 ] && pass "$e: control character refused ($RC)" || fail "$e: control character refused" "$RC $ERR"
	check_rc "$e: bad redirect" 1 V -f "$T/redir.vm"
	check_contains "$e: bad redirect: FILE:LINE and why" "$ERR" "$T/redir.vm:1: filter add: then=redirect: not an address"
	run V -f "$T/big.vm"
	[ "$RC" = 1 ] || [ "$RC" = 2 ] && pass "$e: a megabyte text refused ($RC)" || fail "$e: a megabyte text refused" "$RC"
	check_contains "$e: megabyte: FILE:LINE" "$ERR" "$T/big.vm:1:"
	check_rc "$e: NUL in a script" 2 V -f "$T/nul.vm"
	check_eq "$e: nothing changed by any of them" "$(counts "$e" "$url")" "$before"
	check_eq "$e: b's vacation as it was" "$(VJ vacation show b@ex.test | json_field subject)" 'a" ; discard; #'

	# ---- dry run, keep-going, audit
	check_rc "$e: dry run" 0 "$VMAILADM" -d "$url" --dry-run vacation set c@ex.test subject=dry text=run
	check_contains "$e: dry run shows the diff" "$OUT" "+ vacation c@ex.test"
	check_eq "$e: dry run changed nothing" "$(counts "$e" "$url")" "$before"
	printf 'vacation set c@ex.test subject=kg text=one\nvacation set nobody@ex.test subject=a text=b\nfilter add c@ex.test kg if=subject:is:x then=keep\n' >"$T/kg.vm"
	check_rc "$e: an atomic script with a bad line" 1 V -f "$T/kg.vm"
	check_eq "$e: ... changed nothing" "$(counts "$e" "$url")" "$before"
	check_rc "$e: --keep-going" 1 V --keep-going -f "$T/kg.vm"
	check_eq "$e: --keep-going kept the good lines" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_filter WHERE name = 'kg'")|$(VJ vacation show c@ex.test | json_field subject)" "1|kg"
	check_rc "$e: audit list object=vacation" 0 V audit list object=vacation
	check_contains "$e: audit has the vacation" "$OUT" "c@ex.test"
	check_rc "$e: audit list object=filter" 0 V audit list object=filter
	check_contains "$e: audit has the filter" "$OUT" "c@ex.test kg"
	check_rc "$e: audit list object=sieve" 0 V audit list object=sieve
	check_contains "$e: audit has the script id" "$OUT" "script_id"

	# ---- domain administrators
	check_rc "$e: domain admin" 0 V admin add da1 password=dapw1 role=domainadmin domains=other.test
	check_rc "$e: da sets a vacation in their domain" 0 D vacation set z@other.test subject=a text=b
	check_rc "$e: da cannot in another" 1 D vacation set c@ex.test subject=a text=b
	check_rc "$e: da cannot add a filter there" 1 D filter add c@ex.test f if=subject:is:x then=keep
	check_rc "$e: da cannot read a script there" 1 D sieve show c@ex.test
	check_rc "$e: da vacation list" 0 D vacation list
	check_eq "$e: da sees only their domain's" "$(printf '%s\n' "$OUT" | cut -f1)" "z@other.test"
	check_rc "$e: da vacation list of another domain" 1 D vacation list ex.test

	# ---- compile check: a compile error names the rule; no sievec refuses
	check_rc "$e: a regex Pigeonhole refuses" 1 V filter add c@ex.test badre "if=subject:regex:(" then=keep
	check_contains "$e: names the rule" "$ERR" "Pigeonhole refuses the script at filter badre"
	check_eq "$e: not stored" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_filter WHERE name = 'badre'")" 0
	printf '[sieve]\nsievec = %s/no-such-sievec\n' "$TEST_TMP" >"$T/nosievec.conf"
	before=$(counts "$e" "$url")
	check_rc "$e: without sievec: refused" 1 "$VMAILADM" -c "$T/nosievec.conf" -d "$url" vacation set c@ex.test subject=new text=new
	check_contains "$e: says why and what to do" "$ERR" "the script could not be checked"
	check_contains "$e: names the key" "$ERR" "[sieve] sievec = $TEST_TMP/no-such-sievec"
	check_eq "$e: nothing changed" "$(counts "$e" "$url")|$(VJ vacation show c@ex.test | json_field subject)" "$before|kg"
	printf '[sieve]\nsievec = none\n' >"$T/none.conf"
	check_rc "$e: sievec = none stores unchecked" 0 "$VMAILADM" -c "$T/none.conf" -d "$url" vacation set c@ex.test subject=new text=new

	# ---- rename and delete follow
	check_rc "$e: rename" 0 V mailbox rename b@ex.test bee@ex.test
	check_eq "$e: the script follows" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sieve WHERE username = 'bee@ex.test'")|$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sieve WHERE username = 'b@ex.test'")" "1|0"
	check_rc "$e: vacation show under the new name" 0 V vacation show bee@ex.test
	check_rc "$e: rename into another domain" 0 V mailbox rename bee@ex.test bee@other.test
	check_rc "$e: vacation list of the new domain" 0 V vacation list other.test
	check_contains "$e: it is listed there" "$OUT" "bee@other.test"
	check_rc "$e: vacation list of the old domain" 0 V vacation list ex.test
	case $OUT in *bee@*) fail "$e: not listed in the old domain" "$OUT" ;; *) pass "$e: not listed in the old domain" ;; esac
	check_rc "$e: filter list after the renames" 0 V filter list bee@other.test
	check_contains "$e: its filter came along" "$OUT" "inj"
	check_rc "$e: domain rename" 0 V domain rename other.test renamed.test
	check_eq "$e: scripts follow a domain rename" "$(sql "$e" "$url" "SELECT username FROM vmailadm_sieve WHERE username LIKE '%renamed.test' ORDER BY 1" | tr '\n' ' ')" "bee@renamed.test z@renamed.test "
	check_rc "$e: mailbox del" 0 V mailbox del a@ex.test
	check_eq "$e: its rows go" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sieve WHERE username = 'a@ex.test'")" 0
	check_eq "$e: its filters and vacation go" "$(sql "$e" "$url" "SELECT (SELECT count(*) FROM vmailadm_filter f WHERE NOT EXISTS (SELECT 1 FROM admin_mailbox mb WHERE mb.id = f.mbox_id)) + (SELECT count(*) FROM vmailadm_vacation v WHERE NOT EXISTS (SELECT 1 FROM admin_mailbox mb WHERE mb.id = v.mbox_id))")" 0
	check_rc "$e: domain del" 0 V domain del renamed.test
	check_eq "$e: a deleted domain's rows go" "$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_sieve WHERE username LIKE '%renamed.test'")|$(sql "$e" "$url" "SELECT count(*) FROM vmailadm_vacation v WHERE NOT EXISTS (SELECT 1 FROM admin_mailbox mb WHERE mb.id = v.mbox_id)")" "0|0"

	# ---- Modoboa's autoreply rows
	case $e in
	pgsql) ddl="CREATE TABLE postfix_autoreply_armessage (id serial PRIMARY KEY, subject varchar(255) NOT NULL, content text NOT NULL, enabled boolean NOT NULL, mbox_id integer NOT NULL, fromdate timestamp with time zone, untildate timestamp with time zone)"; t=true f=false ;;
	mysql) ddl="CREATE TABLE postfix_autoreply_armessage (id integer AUTO_INCREMENT PRIMARY KEY, subject varchar(255) NOT NULL, content longtext NOT NULL, enabled bool NOT NULL, mbox_id integer NOT NULL, fromdate datetime(6), untildate datetime(6))"; t=1 f=0 ;;
	sqlite) ddl="CREATE TABLE postfix_autoreply_armessage (id integer PRIMARY KEY AUTOINCREMENT, subject varchar(255) NOT NULL, content text NOT NULL, enabled bool NOT NULL, mbox_id integer NOT NULL, fromdate datetime, untildate datetime)"; t=1 f=0 ;;
	esac
	check_rc "$e: mailbox for the import" 0 V mailbox add m@ex.test password=pw-long-enough
	check_rc "$e: mailbox 2 for the import" 0 V mailbox add n@ex.test password=pw-long-enough
	sql "$e" "$url" "$ddl" >/dev/null
	sql "$e" "$url" "INSERT INTO postfix_autoreply_armessage (subject, content, enabled, mbox_id, fromdate, untildate) SELECT 'Modoboa says', 'line one
line two', $t, id, '2026-01-01 00:00:00', '2099-01-01 00:00:00' FROM admin_mailbox WHERE address = 'm'" >/dev/null
	sql "$e" "$url" "INSERT INTO postfix_autoreply_armessage (subject, content, enabled, mbox_id, fromdate, untildate) SELECT 'old', 'gone', $f, id, '2025-01-01 00:00:00', NULL FROM admin_mailbox WHERE address = 'n'" >/dev/null
	check_rc "$e: db upgrade imports" 0 "$VMAILADM" -d "$url" db upgrade
	check_contains "$e: says so" "$OUT" "imported 2 vacation replies from Modoboa's postfix_autoreply_armessage"
	check_rc "$e: the imported vacation" 0 V vacation show m@ex.test
	check_eq "$e: imported as it was" "$OUT" "m@ex.test	yes	yes	2026-01-01	2099-01-01	7		Modoboa says	line one\x0aline two"
	check_rc "$e: the disabled one" 0 V vacation show n@ex.test
	check_contains "$e: imported disabled" "$OUT" "n@ex.test	no	no	2025-01-01"
	check_eq "$e: a script for the enabled one only" "$(sql "$e" "$url" "SELECT username FROM vmailadm_sieve WHERE username IN ('m@ex.test', 'n@ex.test')")" "m@ex.test"
	check_rc "$e: db upgrade again" 0 "$VMAILADM" -d "$url" db upgrade
	case $OUT in *imported*) fail "$e: imported twice" "$OUT" ;; *) pass "$e: not imported twice" ;; esac

	# ---- without the tables
	sql "$e" "$url" "DROP TABLE vmailadm_filter" >/dev/null
	check_rc "$e: without the tables" 1 V filter list c@ex.test
	check_contains "$e: says to upgrade" "$ERR" "run vmailadm db upgrade"
	check_rc "$e: a mailbox still renames" 0 V mailbox rename c@ex.test cee@ex.test
	check_rc "$e: db upgrade adds it back" 0 V db upgrade
	check_rc "$e: and the statements work" 0 V filter list cee@ex.test
done
test_done
