/* SPDX-License-Identifier: MIT */
/* test_scale.c: the shortcuts that keep lists fast at a million mailboxes
 * give the same rows, on every engine given: a prefix search pages through
 * exactly the matching mailboxes from any `after` (the after bound is left
 * out or combined with the prefix's, core/match.h), and domain_list takes
 * allocated/used from the rollup as of its refresh and a big domain's count
 * from it, while small domains' counts stay exact (core/domain.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core/alias.h"
#include "core/conf.h"
#include "core/domain.h"
#include "core/mailbox.h"
#include "core/page.h"
#include "core/quota.h"
#include "core/rename.h"
#include "core/schema.h"
#include "core/vm.h"
#include "lib/xalloc.h"
#include "tests/unit/unit.h"

static struct conf cfg;

/* the addresses a prefix search from `after` returns, 2 a page, joined by ' ' */
static void search(struct vm *vm, long long did, const char *prefix, const char *after, char *out, size_t len)
{
	char last[256];
	struct vm_error err = {0};

	out[0] = '\0';
	snprintf(last, sizeof last, "%s", after);
	for (int guard = 0; guard < 20; guard++) {
		struct mailbox_query q = {did, prefix, NULL, last, 2};
		struct mailbox *rows = NULL;
		size_t n = 0;

		if (mailbox_list(vm, &q, &rows, &n, &err) != VM_OK) {
			unit_fail(__FILE__, __LINE__, "mailbox_list: %s", err.msg);
			return;
		}
		/* the list's key is the local part */
		for (size_t i = 0; i < n; i++) {
			size_t l = strlen(out);

			snprintf(out + l, len - l, "%s%.*s", l ? " " : "", (int)strcspn(rows[i].address, "@"),
				 rows[i].address);
		}
		if (n)
			snprintf(last, sizeof last, "%.*s", (int)strcspn(rows[n - 1].address, "@"), rows[n - 1].address);
		free(rows);
		if (n < 2)
			break;
	}
}

static const struct domain_row *find(const struct domain_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].d.name, name) == 0)
			return &rows[i];
	return NULL;
}

/* Two counts of the domain (the query's two columns) as c1 * 100000 + c2;
 * -1 when the query finds no row. */
static long long counts(struct vm *vm, const char *sql, const char *domain)
{
	struct db_result *res = NULL;
	struct vm_error err = {0};
	long long v = -1;

	if (vm_sql(vm, sql, 1, &domain, &res, &err, "test") == VM_OK && res->nrows == 1)
		v = vm_ll(db_value(res, 0, 0)) * 100000 + vm_ll(db_value(res, 0, 1));
	db_result_free(&res);
	return v;
}

/* The rollup's mailbox and alias counts of the domain, and the same counted
 * in admin_mailbox and admin_alias. */
#define rollup_counts(vm, domain)                                                                                      \
	counts(vm,                                                                                                     \
	       "SELECT u.mailboxes, u.aliases FROM vmailadm_domain_usage u JOIN admin_domain d ON d.id = u.domain_id " \
	       "WHERE d.name = ?",                                                                                     \
	       domain)
#define exact_counts(vm, domain)                                                                                       \
	counts(vm,                                                                                                     \
	       "SELECT (SELECT COUNT(*) FROM admin_mailbox mb WHERE mb.domain_id = d.id), (SELECT COUNT(*) FROM "      \
	       "admin_alias al WHERE al.domain_id = d.id) FROM admin_domain d WHERE d.name = ?",                       \
	       domain)

/* Sets big.test's rollup row: each value given as text, NULL leaves that
 * column as the rollup computed it. */
static void rollup_set(struct vm *vm, const char *mailboxes, const char *aliases, const char *allocated_mb)
{
	struct vm_error err = {0};
	const char *p[3] = {mailboxes, aliases, allocated_mb};

	CHECK(vm_tx_begin(vm, 1, &err) == VM_OK);
	CHECK_MSG(vm_sql(vm,
			 "UPDATE vmailadm_domain_usage SET mailboxes = COALESCE(CAST(? AS INTEGER), mailboxes), "
			 "aliases = COALESCE(CAST(? AS INTEGER), aliases), "
			 "allocated_mb = COALESCE(CAST(? AS INTEGER), allocated_mb) "
			 "WHERE domain_id = (SELECT id FROM admin_domain WHERE name = 'big.test')",
			 3, p, NULL, &err, "test") == VM_OK,
		  "rollup_set: %s", err.msg);
	CHECK(vm_tx_end(vm, 1, &err) == VM_OK);
}

static void run_suite(const char *name, const char *url)
{
	static const char *const locals[] = {"a", "b", "u5", "u50", "u51", "u5a", "u6", "x"};
	struct vm vm;
	struct vm_error err = {0};
	struct domain_opts dopt = {0};
	struct mailbox_opts mopt = {0};
	struct domain d, gone;
	struct domain_row *rows = NULL;
	const struct domain_row *r;
	char aq_after[VM_LOCAL_MAX + 1] = "";
	size_t n = 0;
	char got[512];
	FILE *devnull = fopen("/dev/null", "w");

	if (vm_open(&vm, &cfg, url, 0, &err) != VM_OK) {
		unit_fail(__FILE__, __LINE__, "%s: cannot open %s: %s", name, url, err.msg);
		fclose(devnull);
		return;
	}
	vm.out = devnull;
	CHECK_MSG(schema_init(&vm, devnull, &err) == VM_OK, "%s: schema_init: %s", name, err.msg);
	mopt.password_hash =
		"{SHA512-CRYPT}$6$saltsalt$8RWsOfwR6M6PpnoeQiEiWzNTPo1f0HjVYjDnLZhGx16aBFRkeqiHAzfXP/LgrOWMBMXqiU2pLrXsSOHNUyUm91";
	mopt.has_quota = 1;
	mopt.quota_mb = 100;
	CHECK(domain_add(&vm, "ex.test", &dopt, &err) == VM_OK);
	CHECK(domain_add(&vm, "big.test", &dopt, &err) == VM_OK);
	for (size_t i = 0; i < sizeof locals / sizeof *locals; i++) {
		char addr[64];

		snprintf(addr, sizeof addr, "%s@ex.test", locals[i]);
		CHECK_MSG(mailbox_add(&vm, addr, &mopt, &err) == VM_OK, "%s: mailbox_add %s: %s", name, addr, err.msg);
	}
	CHECK(mailbox_add(&vm, "m@big.test", &mopt, &err) == VM_OK);
	CHECK(domain_get(&vm, "ex.test", &d, &err) == VM_OK);

	search(&vm, d.id, "u5", "", got, sizeof got);
	CHECK_STR(got, "u5 u50 u51 u5a");
	search(&vm, d.id, "u5", "a", got, sizeof got);
	CHECK_STR(got, "u5 u50 u51 u5a");
	search(&vm, d.id, "u5", "u50", got, sizeof got);
	CHECK_STR(got, "u51 u5a");
	search(&vm, d.id, "u5", "u5a", got, sizeof got);
	CHECK_STR(got, "");
	search(&vm, d.id, "u", "b", got, sizeof got);
	CHECK_STR(got, "u5 u50 u51 u5a u6");
	/* a search text with * or ? is a pattern */
	search(&vm, d.id, "*5*", "", got, sizeof got);
	CHECK_STR(got, "u5 u50 u51 u5a");
	search(&vm, d.id, "*a", "", got, sizeof got);
	CHECK_STR(got, "a u5a");
	search(&vm, d.id, "u5?", "u50", got, sizeof got);
	CHECK_STR(got, "u51 u5a");
	{
		struct page_filter f = {0};
		char after[256];
		int count = 0;

		/* the page before (End, PgUp) filters by the same pattern */
		f.domain_id = d.id;
		f.prefix = "*5*";
		CHECK(page_start_before(&vm, PAGE_MAILBOXES, &f, NULL, 3, after, sizeof after, &count, &err) == VM_OK);
		CHECK(count == 3 && strcmp(after, "u5") == 0);
	}

	/* no rollup row yet: everything exact */
	CHECK(domain_list(&vm, NULL, "", 50, &rows, &n, &err) == VM_OK);
	r = find(rows, n, "ex.test");
	CHECK(r && r->mailboxes == 8 && r->allocated_mb == 800 && r->as_of[0] == '\0');
	free(rows);

	CHECK_MSG(alias_add(&vm, "al1@ex.test", (const char *const[]){"a@ex.test"}, 1, 0, 0, &err) == VM_OK,
		  "%s: alias_add: %s", name, err.msg);
	CHECK_MSG(quota_rollup(&vm, NULL, &err) == VM_OK, "%s: rollup: %s", name, err.msg);
	mopt.quota_mb = 200;
	CHECK(mailbox_set(&vm, "x@ex.test", &mopt, &err) == VM_OK);
	CHECK(mailbox_add(&vm, "y@ex.test", &mopt, &err) == VM_OK);
	/* the rollup says big.test is big */
	rollup_set(&vm, "20000", NULL, "7");
	CHECK(domain_list(&vm, NULL, "", 50, &rows, &n, &err) == VM_OK);
	r = find(rows, n, "ex.test");
	/* the count is exact, the sums are the rollup's, with its time */
	CHECK(r && r->mailboxes == 9 && r->allocated_mb == 800 && r->as_of[0] != '\0');
	/* as_of: "YYYY-MM-DD HH:MM:SS" on every engine */
	CHECK_MSG(r && strlen(r->as_of) == 19 && r->as_of[4] == '-' && r->as_of[10] == ' ' && r->as_of[13] == ':',
		  "%s: as_of \"%s\"", name, r ? r->as_of : "");
	CHECK(r && !r->counts_as_of && r->aliases == 1);
	r = find(rows, n, "big.test");
	/* a big domain's counts are the rollup's (it counted no alias there) */
	CHECK(r && r->mailboxes == 20000 && r->aliases == 0 && r->allocated_mb == 7 && r->as_of[0] != '\0' &&
	      r->counts_as_of);
	free(rows);
	/* big by its aliases alone: both counts are the rollup's; the rollup
	 * counted ex.test's alias */
	rollup_set(&vm, "3", "10000", NULL);
	CHECK(domain_list(&vm, NULL, "", 50, &rows, &n, &err) == VM_OK);
	r = find(rows, n, "big.test");
	CHECK(r && r->mailboxes == 3 && r->aliases == 10000 && r->counts_as_of);
	free(rows);
	/* the line is 1,000 (README, the man page): 999 is counted exactly, 1,000
	 * is the rollup's */
	{
		static const char *const set[2] = {"999", "1000"};

		for (int i = 0; i < 2; i++) {
			rollup_set(&vm, set[i], "0", NULL);
			CHECK(domain_list(&vm, "big", "", 50, &rows, &n, &err) == VM_OK);
			r = find(rows, n, "big.test");
			CHECK_MSG(r && (i == 0 ? r->mailboxes == 1 && !r->counts_as_of
					       : r->mailboxes == 1000 && r->counts_as_of),
				  "%s: rollup %s: got %lld", name, set[i], r ? r->mailboxes : -1);
			free(rows);
		}
	}
	rollup_set(&vm, "3", "10000", NULL);
	{
		struct db_result *res = NULL;

		CHECK(vm_sql(&vm,
			     "SELECT u.aliases FROM vmailadm_domain_usage u JOIN admin_domain d ON d.id = u.domain_id "
			     "WHERE d.name = 'ex.test'",
			     0, NULL, &res, &err, "test") == VM_OK);
		CHECK(res && res->nrows == 1 && vm_ll(db_value(res, 0, 0)) == 1);
		db_result_free(&res);
	}
	/* vmailadm's own additions and deletions keep the rollup's counts
	 * current: the single statements, a move between domains, and a
	 * domain's deletion (its row goes) */
	CHECK(mailbox_add(&vm, "n@big.test", &mopt, &err) == VM_OK);
	CHECK(alias_add(&vm, "al@big.test", (const char *const[]){"n@big.test"}, 1, 0, 0, &err) == VM_OK);
	CHECK(rollup_counts(&vm, "big.test") == 4 * 100000 + 10001);
	CHECK(domain_list(&vm, "big", "", 50, &rows, &n, &err) == VM_OK);
	r = find(rows, n, "big.test");
	CHECK(r && r->mailboxes == 4 && r->aliases == 10001 && r->counts_as_of);
	free(rows);
	CHECK(alias_del(&vm, "al@big.test", &err) == VM_OK);
	CHECK(mailbox_del(&vm, "n@big.test", 0, &err) == VM_OK);
	CHECK(rollup_counts(&vm, "big.test") == 3 * 100000 + 10000);
	{
		long long ex = rollup_counts(&vm, "ex.test");

		CHECK_MSG(mailbox_rename(&vm, "m@big.test", "m@ex.test", &err) == VM_OK, "%s: rename: %s", name, err.msg);
		CHECK(rollup_counts(&vm, "big.test") == 2 * 100000 + 10000);
		CHECK(rollup_counts(&vm, "ex.test") == ex + 100000);
		CHECK_MSG(mailbox_rename(&vm, "m@ex.test", "m@big.test", &err) == VM_OK, "%s: rename: %s", name, err.msg);
		CHECK(rollup_counts(&vm, "ex.test") == ex);
	}
	CHECK(domain_add(&vm, "gone.test", &dopt, &err) == VM_OK);
	CHECK(mailbox_add(&vm, "g@gone.test", &mopt, &err) == VM_OK);
	CHECK_MSG(quota_rollup(&vm, NULL, &err) == VM_OK, "%s: rollup: %s", name, err.msg);
	CHECK(rollup_counts(&vm, "gone.test") == 1 * 100000);
	CHECK(domain_get(&vm, "gone.test", &gone, &err) == VM_OK);
	CHECK_MSG(domain_del(&vm, "gone.test", 1, &err) == VM_OK, "%s: domain_del: %s", name, err.msg);
	{
		struct db_result *res = NULL;
		char id[32];

		snprintf(id, sizeof id, "%lld", gone.id);
		CHECK(vm_sql(&vm, "SELECT COUNT(*) FROM vmailadm_domain_usage WHERE domain_id = ?", 1,
			     (const char *const[]){id}, &res, &err, "test") == VM_OK);
		CHECK(res && res->nrows == 1 && vm_ll(db_value(res, 0, 0)) == 0);
		db_result_free(&res);
	}
	/* a page of aliases reads its recipients in one query per link table:
	 * each alias gets its own, in order, mailboxes before aliases before
	 * external addresses */
	CHECK(alias_add(&vm, "fw@ex.test", (const char *const[]){"out@example.org"}, 1, 0, 0, &err) == VM_OK);
	CHECK(alias_add(&vm, "dl@ex.test", (const char *const[]){"z@example.org", "fw@ex.test", "x@ex.test", "b@ex.test"},
			4, 0, 0, &err) == VM_OK);
	CHECK(alias_add(&vm, "@ex.test", (const char *const[]){"b@ex.test"}, 1, 0, 0, &err) == VM_OK);
	CHECK(alias_add(&vm, "m@big.test", (const char *const[]){"b@ex.test"}, 1, 0, 0, &err) == VM_OK);
	{
		struct alias_query aq = {d.id, NULL, NULL, "", 2};
		struct alias *al = NULL;
		size_t an = 0;
		char all[512] = "";

		/* pages of 2 (the limit), so a page boundary falls between aliases */
		do {
			CHECK_MSG(alias_list(&vm, &aq, &al, &an, &err) == VM_OK, "%s: alias_list: %s", name, err.msg);
			for (size_t i = 0; i < an; i++) {
				size_t l = strlen(all);

				snprintf(all + l, sizeof all - l, "%s%s=%s:%s(%zu)", l ? " " : "", al[i].local,
					 al[i].kind, al[i].recipients ? al[i].recipients : "", al[i].nrecipients);
			}
			if (an)
				snprintf(aq_after, sizeof aq_after, "%s", al[an - 1].local);
			aq.after = aq_after;
			alias_rows_free(&al, an);
		} while (an == 2);
		CHECK_STR(all, "*=catch-all:b@ex.test(1) al1=alias:a@ex.test(1) "
			       "dl=dlist:b@ex.test,x@ex.test,fw@ex.test,z@example.org(4) fw=forward:out@example.org(1)");
	}
	CHECK_MSG(quota_rollup(&vm, NULL, &err) == VM_OK, "%s: rollup: %s", name, err.msg);
	CHECK(domain_list(&vm, "ex", "", 50, &rows, &n, &err) == VM_OK);
	r = find(rows, n, "ex.test");
	CHECK(r && r->mailboxes == 9 && r->allocated_mb == 1100);
	free(rows);
	/* a transaction's counts reach the rollup as it commits, and not at
	 * all when it rolls back; a refresh inside it has counted them */
	{
		long long before = rollup_counts(&vm, "ex.test");

		CHECK(vm_tx_begin(&vm, 1, &err) == VM_OK);
		CHECK(mailbox_add(&vm, "t1@ex.test", &mopt, &err) == VM_OK);
		CHECK(rollup_counts(&vm, "ex.test") == before);
		CHECK(vm_tx_end(&vm, 0, &err) == VM_OK);
		CHECK(rollup_counts(&vm, "ex.test") == before);
		CHECK(vm_tx_begin(&vm, 1, &err) == VM_OK);
		CHECK(mailbox_add(&vm, "t1@ex.test", &mopt, &err) == VM_OK);
		CHECK(alias_add(&vm, "t2@ex.test", (const char *const[]){"t1@ex.test"}, 1, 0, 0, &err) == VM_OK);
		CHECK_MSG(quota_rollup(&vm, NULL, &err) == VM_OK, "%s: rollup: %s", name, err.msg);
		CHECK(vm_tx_end(&vm, 1, &err) == VM_OK);
		CHECK_MSG(rollup_counts(&vm, "ex.test") == before + 100001 && before == exact_counts(&vm, "ex.test") - 100001,
			  "%s: rollup %lld, before %lld, exact %lld", name, rollup_counts(&vm, "ex.test"), before,
			  exact_counts(&vm, "ex.test"));
	}
	vm_close(&vm);
	fclose(devnull);
}

int main(void)
{
	conf_defaults(&cfg);
	unit_each_engine("test_scale", run_suite);
	conf_free(&cfg);
	return unit_finish("test_scale");
}
