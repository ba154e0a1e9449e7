#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/bench_delivery.sh: what sieve_before through the SQL dict costs a delivery.
# One private Dovecot configured from `dovecot generate` (tests/mailserver.sh), deliveries
# through dovecot-lda, interleaved in rounds so that the machine's load hits all alike:
#   base      the generated configuration with sieve_before switched off (the host's
#             `plugin { sieve_before = }` after the include)
#   no-row    sieve_before on, no vmailadm_sieve row for the user (most mailboxes)
#   row       sieve_before on, a row (a fileinto rule; compiled once, then cached by id)
# Prints deliveries per second of each and the ratio to base.
# Environment: VMAILADM_BENCH_DELIVERIES (per variant, default 60), VMAILADM_ENGINES (the
# first one is used; default sqlite).
set -u
VT_LIB_TOOLS=1
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../mailserver.sh"
VMAILADM=${VMAILADM:-$VT_ROOT/vmailadm}
TEST_TMP=${TEST_TMP:-$(vt_rundir)/bench}/delivery
rm -rf "$TEST_TMP" && vt_mkdir755 "$TEST_TMP"
trap 'eval "$VT_AT_EXIT"' EXIT
N=${VMAILADM_BENCH_DELIVERIES:-60}
ROUNDS=3
e=$(vt_engines "${VMAILADM_ENGINES:-sqlite}") && e=${e%% *}
LDA=/usr/lib/dovecot/dovecot-lda
W=$TEST_TMP

if [ "$(id -u)" != 0 ] || [ ! -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]; then
	echo "skipped: needs root and dovecot-sieve"
	exit 0
fi
mkdir -p "$W/gen" "$W/dc" "$W/vmail" && chmod 755 "$W" "$W/gen" "$W/dc" && chown nobody: "$W/vmail"
if [ "$e" = sqlite ]; then
	mkdir -p "$W/db" && chmod 1777 "$W/db" && url=sqlite:$W/db/bench.db
else
	url=$(new_db "$e" bench_delivery) || exit 1
fi
# Dovecot's auth socket for Postfix: this instance's own, not the system's
printf '[mail]\nroot = %s\nowner = nobody\n[postfix]\nsasl_socket = %s/auth\n' "$W/vmail" "$W" >"$W/v.conf"
V() { "$VMAILADM" -q -c "$W/v.conf" -d "$url" "$@"; }
V db init >/dev/null && V domain add b.bench >/dev/null &&
	for u in base norow row; do V mailbox add "$u@b.bench" password=pw >/dev/null || exit 1; done
sql "$e" "$url" "INSERT INTO vmailadm_sieve (username, script_name, script_id, script_data) VALUES ('row@b.bench', 'active', 'b1', 'require \"fileinto\"; if header :contains \"subject\" \"nomatch-here\" { fileinto \"X\"; }')" >/dev/null || exit 1
[ "$e" = sqlite ] && chmod 666 "$W/db/"*
V dovecot generate "$W/gen" >/dev/null || exit 1
ms_port IMAP && ms_port SIEVE || exit 1
ms_dovecot_start "$W/dc" "$W/gen" "$IMAP" "$SIEVE" >/dev/null || exit 1
{ cat "$MS_DC_CONF"; printf 'plugin {\n  sieve_before =\n}\n'; } >"$W/dc/off.conf"

msg=$(printf 'From: a@remote.test\nTo: x@b.bench\nSubject: bench\n\nhello\n')
# deliver CONF USER COUNT: prints the seconds COUNT deliveries took
deliver() {
	local t0 t1 i
	t0=$(date +%s%N)
	for ((i = 0; i < $3; i++)); do
		printf '%s\n' "$msg" | "$LDA" -c "$1" -e -d "$2" -f a@remote.test || echo "delivery to $2 failed" >&2
	done
	t1=$(date +%s%N)
	echo $((t1 - t0))
}
# one of each first: the row's script is compiled then, and no variant pays for a cold start
deliver "$W/dc/off.conf" base@b.bench 1 >/dev/null
deliver "$MS_DC_CONF" norow@b.bench 1 >/dev/null
deliver "$MS_DC_CONF" row@b.bench 1 >/dev/null
per=$(((N + ROUNDS - 1) / ROUNDS))
tb=0 tn=0 tr=0
for ((r = 0; r < ROUNDS; r++)); do
	tb=$((tb + $(deliver "$W/dc/off.conf" base@b.bench "$per")))
	tn=$((tn + $(deliver "$MS_DC_CONF" norow@b.bench "$per")))
	tr=$((tr + $(deliver "$MS_DC_CONF" row@b.bench "$per")))
done
ms_dovecot_stop
count=$((per * ROUNDS))
stored=$(find "$W/vmail/b.bench/row/.maildir" -path '*/new/*' -type f | wc -l)
errors=$(grep -c 'Error:\|Fatal:\|Panic:' "$MS_DC_LOG")
printf '%-7s %-8s %6s %10s %8s\n' engine variant count per_sec ratio
for v in base:$tb no-row:$tn row:$tr; do
	name=${v%%:*} ns=${v#*:}
	awk -v e="$e" -v n="$name" -v c="$count" -v ns="$ns" -v b="$tb" \
		'BEGIN { printf "%-7s %-8s %6d %10.1f %8.2f\n", e, n, c, c / (ns / 1e9), b / ns }'
done
echo "row's mailbox holds $stored messages ($((count + 1)) sent); errors in Dovecot's log: $errors"
[ "$stored" = $((count + 1)) ] && [ "$errors" = 0 ]
