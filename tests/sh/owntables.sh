#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# owntables.sh: vmailadm's own tables beyond Modoboa's (core/owntables.c): db init
# creates every one, db check names a missing one, db upgrade adds it (also to a
# database Modoboa made, which has none), on every engine.
. "$(dirname "$0")/../lib.sh"

# every table core/owntables.c lists, read from its list
OWN=$(sed -n 's/^[[:space:]]*{"\(vmailadm_[a-z_]*\)", ".*/\1/p' "$VT_ROOT/core/owntables.c" | tr '\n' ' ')
[ -n "$OWN" ] || { fail "no table read from core/owntables.c"; test_done; }

tables() {
	case $1 in
	pgsql) sql pgsql "$2" "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'vmailadm%' ORDER BY 1" ;;
	mysql) sql mysql "$2" "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'vmailadm%' ORDER BY 1" ;;
	sqlite) sql sqlite "$2" "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'vmailadm%' ORDER BY 1" ;;
	esac
}

for e in $VMAILADM_ENGINES; do
	url=$(new_db "$e" t_owntables) || { fail "$e: new_db"; continue; }
	V() { "$VMAILADM" -d "$url" "$@"; }

	check_rc "$e: db init" 0 V db init
	have=$(tables "$e" "$url")
	for t in $OWN; do
		check_contains "$e: db init created $t" "$have" "$t"
	done
	check_rc "$e: db check on a fresh database" 0 V db check
	case $OUT in *"missing table"*) fail "$e: fresh database reported missing a table" "$OUT" ;; *) pass "$e: fresh database complete" ;; esac

	for t in $OWN; do
		sql "$e" "$url" "DROP TABLE $t" >/dev/null
		check_rc "$e: db check without $t" 0 V db check
		check_contains "$e: db check names $t" "$OUT" "warning: missing table $t ("
		check_contains "$e: db check says how to add it" "$OUT" "run vmailadm db upgrade"
		if [ "$e" != mysql ]; then
			check_rc "$e: db upgrade --dry-run" 0 V --dry-run db upgrade
			case $(tables "$e" "$url") in *"$t"*) fail "$e: dry run kept $t" ;; *) pass "$e: dry run rolled $t back" ;; esac
		else
			check_rc "$e: db upgrade --dry-run refused (DDL commits)" 1 V --dry-run db upgrade
			case $(tables "$e" "$url") in *"$t"*) fail "$e: refused dry run made $t" ;; *) pass "$e: refused dry run made nothing" ;; esac
		fi
		check_rc "$e: db upgrade" 0 V db upgrade
		check_contains "$e: db upgrade says what it added" "$OUT" "db upgrade: added table $t"
		check_contains "$e: db upgrade made $t" "$(tables "$e" "$url")" "$t"
		check_rc "$e: db upgrade again" 0 V db upgrade
		case $OUT in *"added table"*) fail "$e: second upgrade added again" "$OUT" ;; *) pass "$e: second upgrade adds nothing" ;; esac
	done
	check_rc "$e: read-only upgrade refused" 1 V --read-only db upgrade
	check_contains "$e: read-only message" "$ERR" "read-only"
done
test_done
