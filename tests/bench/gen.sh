#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bench/gen.sh ENGINE URL N: fills a fresh database (made by `vmailadm db init`) with
# N mailboxes (user, mailbox, admin_quota row with usage) spread over max(1, N/1000)
# domains, half of them in the first domain (the big customer), the rest of very
# different sizes (VMAILADM_BENCH_SHAPE=wide: other sizes; see dom below), and N/5
# aliases (each to one mailbox of its domain and one external address), by bulk SQL
# (generate_series / MariaDB's seq_1_to_N / a recursive CTE), not one statement per row.
# vmailadm's triggers (and the substring search index, core/search.h) are dropped for the
# load and put back by `vmailadm db upgrade`, which also fills the copies, the per-domain
# rollup and the search index. Needs $VMAILADM and tests/lib.sh.
set -eu
VT_LIB_TOOLS=1
. "$(dirname "$0")/../lib.sh"
e=$(vt_engine "$1"); url=$2; n=$3
shape=${VMAILADM_BENCH_SHAPE:-mixed}
d=$(( n / 1000 )); [ "$d" -ge 1 ] || d=1
a=$(( n / 5 ))
# domain of mailbox g: even ones in domain 1; the others over domains 2..d, domain k+1
# getting about a share 1/(k(k-1)) of them for k >= 2 (u uniform in 1..d-1, k =
# ceil((d-1)/u); domain 2 almost none): at 1M 250k, 83k, 42k, ... 5.5k for k = 10, 500
# near k = 32, and many empty domains, so pages of domains hold every size (equal
# 1,000-mailbox domains hid the cost of counting mid-size ones exactly)
[ "$e" = mysql ] && div=DIV || div=/
# VMAILADM_BENCH_SHAPE=wide: instead, ceil(N/9,999) domains of just under 10,000
# mailboxes (every page of domains full of mid-size ones)
if [ "$shape" = wide ]; then
	d=$(( (n + 9998) / 9999 ))
	dom="(1 + g % $d)"
elif [ "$d" -gt 2 ]; then
	m=$((d - 1))
	u="(1 + ((g % $m) * 7919) % $m)"
	dom="(CASE WHEN g % 2 = 0 THEN 1 ELSE 1 + ($m + $u - 1) $div $u END)"
else
	dom="(CASE WHEN g % 2 = 0 THEN 1 ELSE 1 + g % $d END)"
fi
quota="(CASE WHEN g % 50 = 0 THEN 0 ELSE 100 + g % 900 END)"
bytes="((100 + g % 900) * 1048576 / 1000 * ((g % 1100) * 7919 % 1100))"
msgs="((g * 31) % 5000)"
case $e in
pgsql)
	s() { echo "generate_series(1, $1) AS s(g)"; }
	cat_() { local IFS='|'; echo "$*" | sed 's/|/ || /g'; }
	pre=""
	drop="DROP TRIGGER IF EXISTS vmailadm_quota_fill ON admin_quota; DROP TRIGGER IF EXISTS vmailadm_mailbox_quota ON admin_mailbox;
DROP INDEX IF EXISTS vmailadm_mailbox_address_trgm; DROP INDEX IF EXISTS vmailadm_alias_address_trgm;
DROP INDEX IF EXISTS vmailadm_mailbox_domain_grams;"
	t=true; f=false ;;
mysql)
	s() { echo "(SELECT seq AS g FROM seq_1_to_$1) s"; }
	cat_() { local IFS=','; echo "CONCAT($*)"; }
	drop="DROP TRIGGER IF EXISTS vmailadm_quota_fill; DROP TRIGGER IF EXISTS vmailadm_mailbox_quota_ins; DROP TRIGGER IF EXISTS vmailadm_mailbox_quota_upd;
DROP TABLE IF EXISTS vmailadm_mailbox_trgm; DROP TABLE IF EXISTS vmailadm_alias_trgm;"
	for o in mailbox alias; do for w in ins del upd; do drop="$drop DROP TRIGGER IF EXISTS vmailadm_${o}_trgm_$w;"; done; done
	t=1; f=0 ;;
sqlite)
	s() { echo "s"; }
	cat_() { local IFS='|'; echo "$*" | sed 's/|/ || /g'; }
	drop="DROP TRIGGER IF EXISTS vmailadm_quota_fill; DROP TRIGGER IF EXISTS vmailadm_quota_changed; DROP TRIGGER IF EXISTS vmailadm_mailbox_quota_ins; DROP TRIGGER IF EXISTS vmailadm_mailbox_quota_upd;
DROP TABLE IF EXISTS vmailadm_mailbox_fts; DROP TABLE IF EXISTS vmailadm_alias_fts;"
	for o in mailbox alias; do for w in ins del upd; do drop="$drop DROP TRIGGER IF EXISTS vmailadm_${o}_fts_$w;"; done; done
	t=1; f=0 ;;
esac
cte() { [ "$e" = sqlite ] && echo "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $1)" || true; }
local_="$(cat_ "'u'" g)"
domname="$(cat_ "'d'" g "'.bench'")"
addr="$(cat_ "'u'" g "'@d'" "$dom" "'.bench'")"
script="$drop
INSERT INTO admin_objectdates (creation, last_modification) VALUES (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
INSERT INTO admin_domain (id, name, quota, enabled, dates_id) $(cte $d) SELECT g, $domname, 0, $t, 1 FROM $(s $d);
INSERT INTO admin_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, is_local)
  $(cte $n) SELECT g, '{SHA512-CRYPT}\$6\$bench\$x', CURRENT_TIMESTAMP, $f, $addr, '', '', $addr, $f, $t, CURRENT_TIMESTAMP, $t FROM $(s $n);
INSERT INTO admin_mailbox (id, address, quota, use_domain_quota, domain_id, user_id, dates_id)
  $(cte $n) SELECT g, $local_, $quota, $f, $dom, g, 1 FROM $(s $n);
INSERT INTO admin_quota (username, bytes, messages, mbox_id, quota_mb, domain_id)
  $(cte $n) SELECT $addr, $bytes, $msgs, g, $quota, $dom FROM $(s $n);
INSERT INTO admin_alias (id, address, domain_id, extmboxes, enabled, dates_id)
  $(cte $a) SELECT g, $(cat_ "'a'" g), $dom, $(cat_ "'x'" g "'@example.org'"), $t, 1 FROM $(s $a);
INSERT INTO admin_alias_mboxes (alias_id, mailbox_id) $(cte $a) SELECT g, g FROM $(s $a);"
[ "$e" = pgsql ] && script="$script
SELECT setval(pg_get_serial_sequence('admin_domain', 'id'), $d); SELECT setval(pg_get_serial_sequence('admin_user', 'id'), $n);
SELECT setval(pg_get_serial_sequence('admin_mailbox', 'id'), $n); SELECT setval(pg_get_serial_sequence('admin_alias', 'id'), $a + 1);
ANALYZE;"
[ "$e" = mysql ] && script="$script
ANALYZE TABLE admin_quota, admin_mailbox, admin_user;"
[ "$e" = sqlite ] && script="PRAGMA journal_mode=WAL; BEGIN; $script COMMIT; ANALYZE;"
sql "$e" "$url" "$script" >/dev/null
# PostgreSQL: the visibility map, as autovacuum leaves it a minute after such a load (before
# it, every index-only count reads the table too: the domain list's pages took 20-35 ms)
[ "$e" = pgsql ] && sql "$e" "$url" "VACUUM ANALYZE" >/dev/null
"$VMAILADM" -d "$url" db upgrade >/dev/null
