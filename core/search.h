/* SPDX-License-Identifier: MIT */
/* search.h: the substring search index, an optional addition that lets a
 * pattern search (`/ *text*` in the console, `mailbox list '*x*'`, alias
 * search) read the rows holding the pattern's text instead of a whole
 * domain. Per engine: PostgreSQL GIN pg_trgm indexes on admin_mailbox.address
 * and admin_alias.address (the planner uses them for the LIKE itself);
 * SQLite FTS5 trigram tables, MariaDB trigram side tables, both kept by
 * triggers (sql/ENGINE-search.sql), whose candidates the LIKE still filters.
 * Either way a search returns exactly the rows it returns without the index:
 * the index only chooses which rows are read. Only a literal run of at least
 * 3 characters between the pattern's * and ? can use it (a trigram); other
 * patterns read the domain as before. */
#ifndef VMAILADM_SEARCH_H
#define VMAILADM_SEARCH_H

#include <stddef.h>
#include <stdio.h>

#include "core/match.h"
#include "core/vm.h"

enum search_object { SEARCH_MAILBOXES, SEARCH_ALIASES };

/* 1 when glob has a literal run of 3 characters, which a trigram index can
 * serve. */
int search_has_trigram(const char *glob);

/* 1 when this engine's index is present and kept and glob has a literal
 * run of 3 characters: when the index can answer for glob (through
 * search_candidates, or on PostgreSQL through the planner's own use of
 * pg_trgm for the LIKE). */
int search_usable(struct vm *vm, const char *glob);

/* Looks up now (once a session) whether the index is whole, which the first
 * search would otherwise do: on MariaDB information_schema.triggers takes
 * 2-6 ms at 1M mailboxes. The console calls it when a search prompt opens,
 * so that no typed key pays it. */
void search_prepare(struct vm *vm);

/* Appends to *sql (malloc'd, reallocated) " AND <idcol> IN (<the rows of
 * domain_id whose text may match glob>)" and its parameters to mp, and
 * returns 1, when this engine's index is present and kept (looked up once
 * per session, cached in vm->search_state) and glob has a literal run of 3
 * characters; returns 0 and appends nothing otherwise (also when the
 * engine's planner uses the index for the LIKE by itself: PostgreSQL).
 * idcol is the SQL name of the row's id ("mb.id"). */
int search_candidates(struct vm *vm, char **sql, enum search_object obj, const char *idcol, long long domain_id,
		      const char *glob, struct match_params *mp);

/* PostgreSQL, mailboxes, when the index is whole and glob has a literal run
 * of 3 characters: appends to *sql " AND vmailadm_domain_grams(mb.domain_id,
 * mb.address::text) @> ?::text[]" (the domain's own trigrams of glob's runs,
 * "<domain_id>:<3 characters>", sql/pgsql-search.sql) and its parameter to
 * mp, and returns 1; returns 0 otherwise. With sql NULL it only answers.
 * pg_trgm's index holds every domain's rows: for '*777*' at 1M it gave 3,700
 * rows on 1,035 heap pages where the domain's 1,400 lay on 120. The caller
 * keeps the LIKE off pg_trgm's index (see match.c) and uses this only where
 * the matches are known to be rare in the domain: the planner might walk the
 * domain in order and compute each row's trigrams otherwise. */
#define SEARCH_PG_DOMAIN_GRAMS "index vmailadm_mailbox_domain_grams"
int search_domain_grams(struct vm *vm, char **sql, enum search_object obj, long long domain_id, const char *glob,
			struct match_params *mp);

/* Writes into buf (always terminated) what of the index is missing, as
 * "table vmailadm_mailbox_fts, trigger vmailadm_alias_fts_ins", "" when
 * nothing is; *hint gets a static sentence on how to add it (the
 * superuser's command on PostgreSQL when the extension is missing). */
enum vm_status search_missing(struct vm *vm, char *buf, size_t len, const char **hint, struct vm_error *err)
	__attribute__((warn_unused_result));

/* MariaDB, when its index is whole and glob has a trigram: the trigram
 * table of obj, whose rows carry their address (with a key on gram,
 * domain_id, address, so that a page of candidates is read in order and
 * stops when full), and in *gram (malloc'd) one of glob's trigrams that
 * every match holds. NULL (and *gram NULL) otherwise. */
const char *search_gram_table(struct vm *vm, enum search_object obj, const char *glob, char **gram);

/* Bulk creation on MariaDB, whose trigram trigger stands aside while
 * @vmailadm_bulk is set (core/bulk.c): adds the trigrams of the mailboxes
 * ids[0..n) in one statement. Nothing on the other engines, or when the
 * index is not whole. */
enum vm_status search_bulk_added(struct vm *vm, const long long *ids, size_t n, struct vm_error *err)
	__attribute__((warn_unused_result));

/* db init / db upgrade: creates what is missing (the whole index again when a
 * part is: a table whose triggers were dropped may be stale) and fills it,
 * inside the open (or a new) transaction. On PostgreSQL it first creates the
 * extension pg_trgm when it is not there and the role may; when the role may
 * not, it says so on out with what a superuser must run, and that is not an
 * error (the search works without the index). out may be NULL. */
enum vm_status search_upgrade(struct vm *vm, FILE *out, struct vm_error *err) __attribute__((warn_unused_result));

#endif
