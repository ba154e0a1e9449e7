#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# batch.sh: bad input in scripts and CSV files, table-driven, on every engine: each case
# gives exit status 1 or 2, a message naming FILE:LINE (and the reason), and leaves the
# rows as they were (checked with the engine's own client). Also: --keep-going counts,
# --dry-run rolls back and prints the diff grouped by object.
. "$(dirname "$0")/../lib.sh"

T=$TEST_TMP
rows() { sql "$1" "$2" "SELECT (SELECT count(*) FROM admin_domain), (SELECT count(*) FROM admin_mailbox), (SELECT count(*) FROM admin_user), (SELECT count(*) FROM admin_alias), (SELECT count(*) FROM admin_quota)"; }

# a prefix every script case starts with: writes that must be rolled back
pre='domain add new.test
mailbox add first@base.test password=x
mailbox add second@base.test password=x'
mk() { printf '%s\n%s\n' "$pre" "$2" >"$T/$1.txt"; }
mk unknown_stmt 'frobnicate all'
mk unknown_opt 'mailbox add z@base.test password=x colour=red'
mk bad_address 'mailbox add not-an-address password=x'
mk bad_size 'mailbox add z@base.test password=x quota=12X'
mk missing_domain 'mailbox add z@nowhere.test password=x'
mk duplicate 'mailbox add first@base.test password=y'
mk dup_existing 'mailbox add old@base.test password=y'
mk over_cap 'mailbox add z@base.test password=x quota=2G'
mk open_quote 'mailbox add z@base.test password="x'
printf '%s\nmailbox add z@base.test password=x\0y\n' "$pre" >"$T/nul.txt"
printf '%s\nmailbox add z@base.test name=\xff password=x\n' "$pre" >"$T/utf8.txt"
{ printf '%s\nmailbox add z@base.test password=' "$pre"; head -c 10485760 /dev/zero | tr '\0' a; echo; } >"$T/huge.txt"
mkdir -p "$T/adir"
printf 'domain;csv.test;0;True\naccount;c1@csv.test;pw;;;True;SimpleUsers;c1@csv.test;\naccount;c2@csv.test;pw;A;B;True\n' >"$T/short.csv"
printf 'domain;csv.test;0;True\naccount;c1@csv.test;pw;;;True;SimpleUsers;c1@csv.test;\naccount;c1@csv.test;pw;;;True;SimpleUsers;c1@csv.test;\n' >"$T/dup.csv"
printf 'domain;csv.test;0;True\naccount;c1@csv.test;"pw;;;True;SimpleUsers;c1@csv.test;\n' >"$T/quote.csv"
printf 'domain;csv.test;0;True\naccount;c1@csv.test;p\xc3;;;True;SimpleUsers;c1@csv.test;\n' >"$T/utf8.csv"
printf 'domain;csv.test;0;True\naccount;c1@csv.test;pw;;;True;SimpleUsers;c1@csv.test;2G\n' >"$T/cap.csv"

# CASE|ARGS (-f FILE, or a statement)|exit status|the message holds
cases="unknown_stmt|-f $T/unknown_stmt.txt|2|unknown_stmt.txt:4: unknown statement 'frobnicate'
unknown_opt|-f $T/unknown_opt.txt|2|unknown_opt.txt:4: mailbox add: unknown option 'colour'
bad_address|-f $T/bad_address.txt|1|bad_address.txt:4: mailbox add:
bad_size|-f $T/bad_size.txt|1|bad_size.txt:4: mailbox add: quota
missing_domain|-f $T/missing_domain.txt|1|missing_domain.txt:4: mailbox add: mailbox z@nowhere.test: domain nowhere.test does not exist
duplicate|-f $T/duplicate.txt|1|duplicate.txt:4: mailbox add: mailbox first@base.test already exists
dup_existing|-f $T/dup_existing.txt|1|dup_existing.txt:4: mailbox add: mailbox old@base.test already exists
over_cap|-f $T/over_cap.txt|1|over_cap.txt:4: mailbox add: mailbox z@base.test: quota 2G is over the cap of domain base.test (1G)
open_quote|-f $T/open_quote.txt|2|open_quote.txt:4:34: the line ends inside a \"...\" quote
nul|-f $T/nul.txt|2|nul.txt:4:
utf8|-f $T/utf8.txt|2|utf8.txt:4:30: invalid UTF-8
huge|-f $T/huge.txt|2|huge.txt:4:1: line is too long
missing_file|-f $T/no-such-file.txt|2|no-such-file.txt: No such file or directory
directory|-f $T/adir|2|adir: is a directory
csv_short|import csv $T/short.csv|1|short.csv:3: account row has 6 fields, at least 8 expected
csv_dup|import csv $T/dup.csv|1|dup.csv:3: mailbox c1@csv.test already exists
csv_quote|import csv $T/quote.csv|1|quote.csv:2:21: the line ends inside a \"...\" quote
csv_utf8|import csv $T/utf8.csv|1|utf8.csv:2:22: invalid UTF-8
csv_cap|import csv $T/cap.csv|1|csv.test
csv_missing|import csv $T/none.csv|1|none.csv: No such file or directory
csv_dir|import csv $T/adir|1|adir: is a directory, not a CSV file"
# csv_cap: csv.test is unlimited, so 2G is allowed: replaced below by a capped domain
printf 'domain;csv.test;100;True\naccount;c1@csv.test;pw;;;True;SimpleUsers;c1@csv.test;2G\n' >"$T/cap.csv"
cases=${cases/csv_cap|import csv $T\/cap.csv|1|csv.test/csv_cap|import csv $T/cap.csv|1|cap.csv:2: mailbox c1@csv.test: quota 2G is over the cap of domain csv.test (100M)}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_batch) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -d "$url" "$@"; }
	V -q db init >/dev/null
	V -q domain add base.test quota=1G
	V -q mailbox add old@base.test password=x
	before=$(rows "$e" "$url")
	while IFS='|' read -r name args want_rc want_msg; do
		# shellcheck disable=SC2086
		run V $args
		[ "$RC" = "$want_rc" ] && pass "$e: $name: exit status $want_rc" || fail "$e: $name: exit status" "got $RC, want $want_rc" "stderr: ${ERR:0:300}"
		check_contains "$e: $name: message" "${ERR:0:2000}" "$want_msg"
		check_eq "$e: $name: rows unchanged" "$(rows "$e" "$url")" "$before"
	done <<<"$cases"

	# --keep-going: each statement alone, failures reported, a summary, exit 1
	printf 'mailbox add k1@base.test password=x\nmailbox add k1@base.test password=x\nmailbox add k2@nowhere.test password=x\nmailbox add k3@base.test password=x\n' >"$T/kg.txt"
	check_rc "$e: --keep-going exit status" 1 V --keep-going -f "$T/kg.txt"
	check_contains "$e: --keep-going names line 2" "$ERR" "kg.txt:2: mailbox add: mailbox k1@base.test already exists"
	check_contains "$e: --keep-going names line 3" "$ERR" "kg.txt:3:"
	check_contains "$e: --keep-going summary" "$ERR" "2 done, 2 failed"
	check_eq "$e: --keep-going kept the good ones" "$(sql "$e" "$url" "SELECT address FROM admin_mailbox WHERE address LIKE 'k%' ORDER BY 1")" "k1
k3"

	# --dry-run: the diff grouped by object, nothing kept, no password shown
	before=$(rows "$e" "$url")
	printf 'mailbox add d1@base.test password=topsecret\ndomain add dry.test\nmailbox add d2@base.test password=topsecret\nmailbox set d1@base.test quota=10\nmailbox add d3@base.test password=topsecret\n' >"$T/dry.txt"
	check_rc "$e: --dry-run" 0 V --dry-run -f "$T/dry.txt"
	check_eq "$e: --dry-run grouped by object" "$(printf '%s\n' "$OUT" | grep -v '^dry run' | cut -d' ' -f1-3)" "+ mailbox d1@base.test
~ mailbox d1@base.test
+ mailbox d2@base.test
+ mailbox d3@base.test
+ domain dry.test"
	case $OUT in *topsecret*) fail "$e: --dry-run shows no password" ;; *) pass "$e: --dry-run shows no password" ;; esac
	check_eq "$e: --dry-run kept nothing" "$(rows "$e" "$url")" "$before"
done
test_done
