/* SPDX-License-Identifier: MIT */
/* test_search.c: the substring search index (core/search.h) changes which
 * rows a pattern search reads, never which rows it returns: on every engine
 * given, each pattern's mailboxes and aliases, paged forwards (the lists'
 * `after`) and backwards (page_start_before), are the same with the index and
 * without it (the plain scan), for patterns with LIKE's metacharacters, the
 * escape character, Unicode, short runs, rare and common texts, before and
 * after adds, renames and deletes (the triggers keep the index), with the
 * index dropped (db check names what is missing) and after db upgrade put it
 * back and filled it. The domain has more than MATCH_SCAN_ROWS rows, so that
 * rare patterns take the index's candidates and common ones the bounded
 * scan. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/alias.h"
#include "core/bulk.h"
#include "core/conf.h"
#include "core/domain.h"
#include "core/mailbox.h"
#include "core/match.h"
#include "core/page.h"
#include "core/rename.h"
#include "core/schema.h"
#include "core/search.h"
#include "core/vm.h"
#include "lib/xalloc.h"
#include "tests/unit/unit.h"

static struct conf cfg;

static const char *const patterns[] = {
	"*123*",  "*zzz*",  "*u12*", "*u11*", "*a%b*", "*a_b*",  "*x!y*",     "*!!*",  "*_to*", "*ü*",
	"*büc*",  "*12?4*", "*99",   "u1*",   "*1?9*", "*%*",    "*U11*",     "*abc*", "*bca*", "*000*",
	"*al01*", "*@s.t*", "*0?0*", "*045*", "*u0*",  "*.test", "*renamed*", "*q-1*", "*00*",  "*1",
};
#define NPAT (sizeof patterns / sizeof patterns[0])
#define PAGE 25

/* the key of a row: its local part (admin_alias.address holds an alias's) */
static void key_of(int aliases, const void *rows, size_t i, char *key, size_t len)
{
	if (aliases) {
		snprintf(key, len, "%s", ((const struct alias *)rows)[i].local);
	} else {
		const char *a = ((const struct mailbox *)rows)[i].address;

		snprintf(key, len, "%.*s", (int)strcspn(a, "@"), a);
	}
}

/* one forward page after `after` of at most limit rows, keys appended to out */
static size_t page(struct vm *vm, int aliases, long long did, const char *glob, const char *after, int limit, char *out,
		   size_t len, char *last, size_t lastlen)
{
	struct vm_error err = {0};
	void *rows = NULL;
	size_t n = 0;
	enum vm_status st;

	if (aliases) {
		struct alias_query q = {did, NULL, glob, after, limit};

		st = alias_list(vm, &q, (struct alias **)&rows, &n, &err);
	} else {
		struct mailbox_query q = {did, NULL, glob, after, limit};

		st = mailbox_list(vm, &q, (struct mailbox **)&rows, &n, &err);
	}
	if (st != VM_OK) {
		unit_fail(__FILE__, __LINE__, "list %s: %s", glob, err.msg);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char k[VM_ADDRESS_MAX + 2];
		size_t l = strlen(out);

		key_of(aliases, rows, i, k, sizeof k);
		snprintf(out + l, len - l, "%s ", k);
		if (i == 0 && last)
			snprintf(last, lastlen, "%s", k);
	}
	if (aliases)
		alias_rows_free((struct alias **)&rows, n);
	else
		free(rows);
	return n;
}

/* every matching key, forwards and then backwards (pages read from the end,
 * each page's keys in forward order, the pages from the last to the first) */
static char *walk(struct vm *vm, int aliases, long long did, const char *glob)
{
	size_t cap = 1 << 16;
	char *out = xcalloc(cap, 1), after[VM_ADDRESS_MAX + 2] = "";

	for (int guard = 0; guard < 2000; guard++) {
		char *tmp = xcalloc(cap, 1);
		size_t n = page(vm, aliases, did, glob, after, PAGE, tmp, cap, NULL, 0);
		char *lastsp;

		strncat(out, tmp, cap - strlen(out) - 1);
		if (n < PAGE) {
			free(tmp);
			break;
		}
		/* the last key of the page */
		tmp[strlen(tmp) - 1] = '\0';
		lastsp = strrchr(tmp, ' ');
		snprintf(after, sizeof after, "%s", lastsp ? lastsp + 1 : tmp);
		free(tmp);
	}
	strncat(out, "| ", cap - strlen(out) - 1);
	{
		char before[VM_ADDRESS_MAX + 2] = "", *back = xcalloc(cap, 1);
		int have_before = 0;

		for (int guard = 0; guard < 2000; guard++) {
			struct page_filter f = {0};
			struct vm_error err = {0};
			char start[256], first[VM_ADDRESS_MAX + 2] = "", *tmp = xcalloc(cap, 1);
			int count = 0;

			f.domain_id = did;
			f.glob = glob;
			if (page_start_before(vm, aliases ? PAGE_ALIASES : PAGE_MAILBOXES, &f, have_before ? before : NULL,
					      PAGE, start, sizeof start, &count, &err) != VM_OK) {
				unit_fail(__FILE__, __LINE__, "page_start_before %s: %s", glob, err.msg);
				free(tmp);
				break;
			}
			if (count > 0)
				page(vm, aliases, did, glob, start, count, tmp, cap, first, sizeof first);
			/* prepend */
			strncat(tmp, back, cap - strlen(tmp) - 1);
			snprintf(back, cap, "%s", tmp);
			free(tmp);
			if (count < PAGE)
				break;
			snprintf(before, sizeof before, "%s", first);
			have_before = 1;
		}
		strncat(out, back, cap - strlen(out) - 1);
		free(back);
	}
	return out;
}

/* every pattern with and without the index: equal; the forward and backward
 * halves equal too. Returns all of it, for comparing with a later state. */
static char *compare_all(struct vm *vm, const char *name, long long did, int want_index)
{
	size_t cap = 1 << 20;
	char *all = xcalloc(cap, 1);

	for (int aliases = 0; aliases < 2; aliases++)
		for (size_t i = 0; i < NPAT; i++) {
			char *with, *without, *bar;

			vm->search_state = 0;
			if (want_index && vm->db->ops->engine != DB_ENGINE_PGSQL && strcmp(patterns[i], "*123*") == 0)
				CHECK_MSG(search_usable(vm, patterns[i]), "%s: the index serves %s", name, patterns[i]);
			with = walk(vm, aliases, did, patterns[i]);
			vm->search_state = -1; /* as without the index */
			without = walk(vm, aliases, did, patterns[i]);
			vm->search_state = 0;
			CHECK_MSG(strcmp(with, without) == 0, "%s: %s %s: with the index '%s', without '%s'", name,
				  aliases ? "aliases" : "mailboxes", patterns[i], with, without);
			bar = strstr(with, "| ");
			CHECK_MSG(bar && strncmp(with, bar + 2, (size_t)(bar - with)) == 0 &&
					  strlen(bar + 2) == (size_t)(bar - with),
				  "%s: %s %s: forwards and backwards differ: '%s'", name,
				  aliases ? "aliases" : "mailboxes", patterns[i], with);
			snprintf(all + strlen(all), cap - strlen(all), "%s %s: %s\n", aliases ? "A" : "M", patterns[i],
				 with);
			free(with);
			free(without);
		}
	return all;
}

static const char *line_of(const char *all, const char *head, char *buf, size_t len)
{
	const char *p = strstr(all, head);

	buf[0] = '\0';
	if (p)
		snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

static void drop_index(struct vm *vm)
{
	static const char *const sqlite_sql[] = {"DROP TRIGGER vmailadm_mailbox_fts_upd", "DROP TABLE vmailadm_alias_fts"};
	static const char *const mysql_sql[] = {"DROP TRIGGER vmailadm_mailbox_trgm_upd", "DROP TABLE vmailadm_alias_trgm"};
	static const char *const pgsql_sql[] = {"DROP INDEX vmailadm_mailbox_address_trgm",
						"DROP INDEX vmailadm_alias_address_trgm"};
	const char *const *s = vm->db->ops->engine == DB_ENGINE_SQLITE  ? sqlite_sql
			       : vm->db->ops->engine == DB_ENGINE_MYSQL ? mysql_sql
									: pgsql_sql;
	struct vm_error err = {0};

	for (int i = 0; i < 2; i++)
		CHECK_MSG(vm_sql(vm, s[i], 0, NULL, NULL, &err, "dropping") == VM_OK, "%s: %s", s[i], err.msg);
}

/* The statements a walk ran that read the domain's trigrams (vm->on_sql),
 * with their parameters */
#define SEEN_MAX 8
struct seen {
	int n;
	char *sql[SEEN_MAX];
	int np[SEEN_MAX];
	char *p[SEEN_MAX][16];
};

static void seen_sql(void *arg, const char *sql, int n, const char *const *params)
{
	struct seen *s = arg;

	if (!strstr(sql, "vmailadm_domain_grams(") || s->n == SEEN_MAX || n > 16)
		return;
	s->sql[s->n] = xstrdup(sql);
	s->np[s->n] = n;
	for (int i = 0; i < n; i++)
		s->p[s->n][i] = params[i] ? xstrdup(params[i]) : NULL;
	s->n++;
}

/* PostgreSQL: the statements that read the domain's trigrams leave the
 * planner no other index for their domain and key conditions. ANDed with
 * the domain's btree range the bitmap read all of a 10,000-row domain's
 * entries (4.3 against 0.6 ms, tests/bench/RESULTS.md); with bitmap scans
 * off, an indexable domain or key condition would show as the btree's Index
 * Cond. With sequential scans off the plan takes the trigrams' index. */
static void grams_plans(struct vm *vm, const char *name, long long did, const char *glob)
{
	struct seen seen = {0};
	char *got;

	vm->on_sql = seen_sql;
	vm->on_sql_arg = &seen;
	vm->search_state = 0;
	got = walk(vm, 0, did, glob);
	vm->on_sql = NULL;
	free(got);
	CHECK_MSG(seen.n > 0, "%s: %s read the domain's trigrams", name, glob);
	for (int k = 0; k < seen.n; k++) {
		char *sql = xasprintf("EXPLAIN %s", seen.sql[k]);

		for (int off = 0; off < 2; off++) {
			struct vm_error err = {0};
			struct db_result *res = NULL;
			int grams = 0, other = 0;

			CHECK(vm_tx_begin(vm, 1, &err) == VM_OK);
			CHECK(vm_sql(vm, off ? "SET LOCAL enable_bitmapscan = off" : "SET LOCAL enable_seqscan = off",
				     0, NULL, NULL, &err, "set") == VM_OK);
			CHECK_MSG(vm_sql(vm, sql, seen.np[k], (const char *const *)seen.p[k], &res, &err, "explain") == VM_OK,
				  "%s: explain: %s", name, err.msg);
			for (size_t r = 0; res && r < res->nrows; r++) {
				const char *line = db_value(res, r, 0);

				grams |= line && strstr(line, "vmailadm_mailbox_domain_grams");
				other |= line && strstr(line, "Index Cond") && !strstr(line, "vmailadm_domain_grams(");
			}
			if (off)
				CHECK_MSG(!other, "%s: %s: an index serves more than the domain's trigrams: %s", name,
					  glob, seen.sql[k]);
			else
				CHECK_MSG(grams, "%s: %s: the plan takes the domain's trigrams: %s", name, glob,
					  seen.sql[k]);
			db_result_free(&res);
			(void)vm_tx_end(vm, 0, NULL);
		}
		free(sql);
		free(seen.sql[k]);
		for (int i = 0; i < seen.np[k]; i++)
			free(seen.p[k][i]);
	}
}

/* A domain longer than MATCH_SCAN_MAX rows (core/match.h), u00000 to
 * u35999: each pattern's pages, forwards and backwards, are exactly the
 * names fnmatch picks, in order, whichever of its ways match.c takes: the
 * first window full (u00*, *000*), windows sized from what the first held
 * and grown until the page is full (*777*), or until MATCH_SCAN_MAX rows
 * and then the candidates (*0077*), no match in the first window (*2345*,
 * *3599?*, u35*), the last row only (*35999*), no trigram (*1?3?5*). */
#define BIG_N 36000
static void big_domain(struct vm *vm, const char *name)
{
	static const char *const big_patterns[] = {"u00*",    "*000*",   "*777*",   "*0077*", "*2345*",
						   "*3599?*", "*35999*", "*1?3?5*", "u35*"};
	struct bulk_mailbox *items = xcalloc(BIG_N, sizeof *items);
	char(*addr)[16] = xcalloc(BIG_N, sizeof *addr);
	struct domain_opts dopt = {0};
	struct vm_error err = {0};
	struct domain d;
	size_t failed = 0;
	const char *hash = "{SHA512-CRYPT}$6$saltsalt$8RWsOfwR6M6PpnoeQiEiWzNTPo1f0HjVYjDnLZhGx16aBFRkeqiHAzfXP/"
			   "LgrOWMBMXqiU2pLrXsSOHNUyUm91";

	CHECK(domain_add(vm, "big.test", &dopt, &err) == VM_OK);
	for (int i = 0; i < BIG_N; i++) {
		snprintf(addr[i], sizeof addr[i], "u%05d@big.test", i);
		items[i].address = addr[i];
		items[i].o.password_hash = hash;
		items[i].hash = hash;
	}
	CHECK_MSG(bulk_mailbox_add(vm, items, BIG_N, &failed, &err) == VM_OK, "%s: bulk add: %s", name, err.msg);
	vm_changes_clear(vm);
	CHECK(domain_get(vm, "big.test", &d, &err) == VM_OK);
	for (size_t k = 0; k < sizeof big_patterns / sizeof *big_patterns; k++) {
		size_t cap = 1 << 20, n = 0;
		char *want = xcalloc(cap, 1), *got, *bar;

		for (int i = 0; i < BIG_N; i++) {
			char local[8];

			snprintf(local, sizeof local, "u%05d", i);
			if (fnmatch(big_patterns[k], local, 0) == 0) {
				snprintf(want + strlen(want), cap - strlen(want), "%s ", local);
				n++;
			}
		}
		vm->search_state = 0;
		got = walk(vm, 0, d.id, big_patterns[k]);
		bar = strstr(got, "| ");
		CHECK_MSG(bar && strlen(want) == (size_t)(bar - got) && strncmp(got, want, strlen(want)) == 0 &&
				  strcmp(bar + 2, want) == 0,
			  "%s: big.test %s (%zu names): got '%.200s', want '%.200s'", name, big_patterns[k], n, got, want);
		free(got);
		free(want);
	}
	if (vm->db->ops->engine == DB_ENGINE_PGSQL)
		grams_plans(vm, name, d.id, "*2345*");
	free(items);
	free(addr);
}

/* PostgreSQL: the domain's own trigrams (search_domain_grams). The
 * candidates' condition is the index's expression (EXPLAIN with sequential
 * scans off names the index; its element is "<domain_id>:<gram>"); with
 * only that index missing db check names it alone, the search keeps
 * pg_trgm and finds the same, and db upgrade puts it back. */
static void pg_domain_grams(struct vm *vm, const char *name, long long did, const char *before, FILE *devnull)
{
	struct vm_error err = {0};
	struct db_result *res = NULL;
	struct match_params mp = {0};
	char missing[512], want[64];
	/* no other condition an index could serve: with sequential scans off,
	 * the plan takes the index when the expressions are the same */
	char *sql = xstrdup("EXPLAIN SELECT mb.address FROM admin_mailbox mb WHERE (mb.address || '') LIKE '%123%'"),
	     *after;
	const char *hint = NULL, *p[1];
	int used = 0;

	vm->search_state = 0;
	CHECK_MSG(search_domain_grams(vm, &sql, SEARCH_MAILBOXES, did, "*123*", &mp) == 1 && mp.n == 1,
		  "%s: the domain's trigrams serve *123*", name);
	CHECK(!search_domain_grams(vm, NULL, SEARCH_ALIASES, did, "*123*", NULL));
	CHECK(!search_domain_grams(vm, NULL, SEARCH_MAILBOXES, did, "*12*", NULL));
	snprintf(want, sizeof want, "{\"%lld:123\"}", did);
	if (mp.n == 1) {
		CHECK_STR(mp.v[0], want);
		p[0] = mp.v[0];
		CHECK(vm_tx_begin(vm, 1, &err) == VM_OK);
		CHECK(vm_sql(vm, "SET LOCAL enable_seqscan = off", 0, NULL, NULL, &err, "set") == VM_OK);
		CHECK_MSG(vm_sql(vm, sql, 1, p, &res, &err, "explain") == VM_OK, "%s: explain: %s", name, err.msg);
		for (size_t r = 0; res && r < res->nrows; r++)
			used |= db_value(res, r, 0) && strstr(db_value(res, r, 0), "vmailadm_mailbox_domain_grams");
		CHECK_MSG(used, "%s: the candidates' condition is the index's expression: %s", name,
			  res && res->nrows ? db_value(res, 0, 0) : "");
		db_result_free(&res);
		(void)vm_tx_end(vm, 0, NULL);
	}
	free(sql);
	match_params_free(&mp);

	CHECK(vm_sql(vm, "DROP INDEX vmailadm_mailbox_domain_grams", 0, NULL, NULL, &err, "drop") == VM_OK);
	CHECK(search_missing(vm, missing, sizeof missing, &hint, &err) == VM_OK);
	CHECK_STR(missing, SEARCH_PG_DOMAIN_GRAMS);
	vm->search_state = 0;
	CHECK_MSG(search_usable(vm, "*123*"), "%s: pg_trgm still serves the search", name);
	CHECK(!search_domain_grams(vm, NULL, SEARCH_MAILBOXES, did, "*123*", NULL));
	after = compare_all(vm, name, did, 1);
	CHECK_MSG(strcmp(before, after) == 0, "%s: the results changed without the domain's trigrams", name);
	free(after);
	CHECK_MSG(search_upgrade(vm, devnull, &err) == VM_OK, "%s: search_upgrade: %s", name, err.msg);
	CHECK(search_missing(vm, missing, sizeof missing, &hint, &err) == VM_OK);
	CHECK_MSG(missing[0] == '\0', "%s: db upgrade left out %s", name, missing);
	vm->search_state = 0;
	CHECK(search_domain_grams(vm, NULL, SEARCH_MAILBOXES, did, "*123*", NULL));
}

static void run_suite(const char *name, const char *url)
{
	static const char *const specials[] = {"a%b",    "a_b",     "axb",    "x!yz",   "x!!yz", "zz_top",
					       "abcabc", "q-123-q", "caf.e1", "u0999x", "bca"};
	struct vm vm;
	struct vm_error err = {0};
	struct domain_opts dopt = {0};
	struct mailbox_opts mopt = {0};
	struct domain d;
	char *before, *after, *again, missing[512], l1[4096], l2[4096];
	const char *hint = NULL;
	FILE *devnull = fopen("/dev/null", "w");
	int ok = 1;

	if (vm_open(&vm, &cfg, url, 0, &err) != VM_OK) {
		unit_fail(__FILE__, __LINE__, "%s: cannot open %s: %s", name, url, err.msg);
		fclose(devnull);
		return;
	}
	vm.out = devnull;
	CHECK_MSG(schema_init(&vm, devnull, &err) == VM_OK, "%s: schema_init: %s", name, err.msg);
	CHECK(search_missing(&vm, missing, sizeof missing, &hint, &err) == VM_OK);
	CHECK_MSG(missing[0] == '\0', "%s: db init left out %s", name, missing);
	mopt.password_hash = "{SHA512-CRYPT}$6$saltsalt$8RWsOfwR6M6PpnoeQiEiWzNTPo1f0HjVYjDnLZhGx16aBFRkeqiHAzfXP/"
			     "LgrOWMBMXqiU2pLrXsSOHNUyUm91";
	CHECK(domain_add(&vm, "s.test", &dopt, &err) == VM_OK);
	CHECK(domain_add(&vm, "other.test", &dopt, &err) == VM_OK);
	CHECK(vm_tx_begin(&vm, 1, &err) == VM_OK);
	for (int i = 0; i < 1200 && ok; i++) {
		char addr[64];

		snprintf(addr, sizeof addr, "u%04d@s.test", i);
		ok = mailbox_add(&vm, addr, &mopt, &err) == VM_OK;
		CHECK_MSG(ok, "%s: mailbox_add %s: %s", name, addr, err.msg);
		if (i < 1100 && ok) {
			const char *rc[] = {"u0000@s.test"};

			snprintf(addr, sizeof addr, "al%04d@s.test", i);
			ok = alias_add(&vm, addr, rc, 1, 0, 0, &err) == VM_OK;
			CHECK_MSG(ok, "%s: alias_add %s: %s", name, addr, err.msg);
		}
	}
	for (size_t i = 0; i < sizeof specials / sizeof *specials && ok; i++) {
		char addr[64];

		snprintf(addr, sizeof addr, "%s@s.test", specials[i]);
		CHECK_MSG(mailbox_add(&vm, addr, &mopt, &err) == VM_OK, "%s: mailbox_add %s: %s", name, addr, err.msg);
		snprintf(addr, sizeof addr, "%s@other.test", specials[i]);
		CHECK_MSG(mailbox_add(&vm, addr, &mopt, &err) == VM_OK, "%s: mailbox_add %s: %s", name, addr, err.msg);
		snprintf(addr, sizeof addr, "%s.al@s.test", specials[i]);
		CHECK_MSG(alias_add(&vm, addr, (const char *const[]){"u0001@s.test"}, 1, 0, 0, &err) == VM_OK,
			  "%s: alias_add %s: %s", name, addr, err.msg);
	}
	CHECK(vm_tx_end(&vm, ok, &err) == VM_OK);
	vm_changes_clear(&vm);
	CHECK(domain_get(&vm, "s.test", &d, &err) == VM_OK);

	before = compare_all(&vm, name, d.id, 1);
	/* a few answers pinned: the comparison above must not be two empty lists */
	CHECK_STR(line_of(before, "M *123*: ", l1, sizeof l1), "M *123*: q-123-q u0123 u1123 | q-123-q u0123 u1123 ");
	CHECK_STR(line_of(before, "M *a_b*: ", l1, sizeof l1), "M *a_b*: a_b | a_b ");
	CHECK_STR(line_of(before, "M *x!y*: ", l1, sizeof l1), "M *x!y*: x!yz | x!yz ");
	CHECK_STR(line_of(before, "M *zzz*: ", l1, sizeof l1), "M *zzz*: | ");
	CHECK_STR(line_of(before, "M *u12*: ", l1, sizeof l1), "M *u12*: | ");
	CHECK_STR(line_of(before, "M *büc*: ", l1, sizeof l1), "M *büc*: | ");
	CHECK(strlen(line_of(before, "M *u11*: ", l1, sizeof l1)) > 2 * 100 * 6);

	/* the triggers keep the index through rename, delete and add */
	CHECK_MSG(mailbox_rename(&vm, "u0123@s.test", "renamed0123@s.test", &err) == VM_OK, "%s: rename: %s", name,
		  err.msg);
	vm_changes_clear(&vm);
	CHECK_MSG(mailbox_del(&vm, "u1123@s.test", 1, &err) == VM_OK, "%s: del: %s", name, err.msg);
	vm_changes_clear(&vm);
	CHECK(mailbox_add(&vm, "new123x@s.test", &mopt, &err) == VM_OK);
	vm_changes_clear(&vm);
	CHECK(alias_del(&vm, "al0123@s.test", &err) == VM_OK);
	vm_changes_clear(&vm);
	CHECK(alias_add(&vm, "zz1230@s.test", (const char *const[]){"u0001@s.test"}, 1, 0, 0, &err) == VM_OK);
	vm_changes_clear(&vm);
	free(before);
	before = compare_all(&vm, name, d.id, 1);
	CHECK_STR(line_of(before, "M *123*: ", l1, sizeof l1),
		  "M *123*: new123x q-123-q renamed0123 | new123x q-123-q renamed0123 ");
	CHECK_STR(line_of(before, "A *123*: ", l1, sizeof l1), "A *123*: q-123-q.al zz1230 | q-123-q.al zz1230 ");

	/* without the index: db check says so, the search still works */
	drop_index(&vm);
	CHECK(search_missing(&vm, missing, sizeof missing, &hint, &err) == VM_OK);
	CHECK_MSG(missing[0] != '\0' && strstr(hint, "db upgrade"), "%s: missing '%s', hint '%s'", name, missing,
		  hint ? hint : "");
	vm.search_state = 0;
	CHECK(!search_usable(&vm, "*123*"));
	after = compare_all(&vm, name, d.id, 0);
	CHECK_MSG(strcmp(before, after) == 0, "%s: the results changed with the index dropped", name);

	/* db upgrade puts it back, filled with the rows that exist */
	CHECK_MSG(search_upgrade(&vm, devnull, &err) == VM_OK, "%s: search_upgrade: %s", name, err.msg);
	CHECK(search_missing(&vm, missing, sizeof missing, &hint, &err) == VM_OK);
	CHECK_MSG(missing[0] == '\0', "%s: db upgrade left out %s", name, missing);
	again = compare_all(&vm, name, d.id, 1);
	CHECK_MSG(strcmp(before, again) == 0, "%s: the results changed after db upgrade", name);
	CHECK_STR(line_of(again, "M *123*: ", l1, sizeof l1), line_of(before, "M *123*: ", l2, sizeof l2));
	if (vm.db->ops->engine == DB_ENGINE_PGSQL)
		pg_domain_grams(&vm, name, d.id, before, devnull);
	big_domain(&vm, name);
	free(before);
	free(after);
	free(again);
	vm_close(&vm);
	fclose(devnull);
}

int main(void)
{
	conf_defaults(&cfg);
	unit_each_engine("test_search", run_suite);
	conf_free(&cfg);
	return unit_finish("test_search");
}
