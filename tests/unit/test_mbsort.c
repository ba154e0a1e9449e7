/* SPDX-License-Identifier: MIT */
/* test_mbsort.c: mbsort_page against a real database on every engine given:
 * 30 mailboxes (unlimited ones, equal ratios from different quotas, empty
 * ones, one without a quota row, a neighbour domain) paged 7 at a time
 * forwards and backwards in each order must give exactly the full order
 * computed here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core/conf.h"
#include "core/domain.h"
#include "core/mailbox.h"
#include "core/mbsort.h"
#include "core/schema.h"
#include "core/vm.h"
#include "lib/xalloc.h"
#include "tests/unit/unit.h"

#define NMB 30
#define PAGE 7

static struct conf cfg;

struct want {
	char local[16];
	int quota;
	long long bytes;
	int has_row;
};
static struct want mbs[NMB];
static enum mbsort_key cmp_key;
static int cmp_desc;

/* the order mbsort.h defines, computed without the database */
static int cmp(const void *a, const void *b)
{
	const struct want *x = a, *y = b;
	int c = 0;

	if (cmp_key == MBSORT_QUOTA) {
		c = (x->quota > y->quota) - (x->quota < y->quota);
	} else {
		int xn = x->quota == 0, yn = y->quota == 0; /* NULL ratio: the smallest */

		if (xn || yn)
			c = yn - xn;
		else {
			double rx = (double)x->bytes / x->quota, ry = (double)y->bytes / y->quota;

			c = (rx > ry) - (rx < ry);
		}
	}
	if (c == 0)
		c = strcmp(x->local, y->local);
	return cmp_desc ? -c : c;
}

/* Pages through the order forwards (before = 0) or backwards and compares. */
static void walk(struct vm *vm, long long did, const char *name, enum mbsort_key key, int desc, int before)
{
	struct want exp[NMB];
	size_t nexp = 0;
	char got[NMB][VM_LOCAL_MAX + 1], bound[VM_LOCAL_MAX + 1] = "";
	size_t ngot = 0;
	struct vm_error err = {0};

	for (int i = 0; i < NMB; i++)
		if (key == MBSORT_QUOTA || mbs[i].has_row)
			exp[nexp++] = mbs[i];
	cmp_key = key;
	cmp_desc = desc;
	qsort(exp, nexp, sizeof exp[0], cmp);
	for (int guard = 0; guard < 10; guard++) {
		struct mbsort_query q = {did, key, desc, bound, before, PAGE};
		struct mailbox *rows = NULL;
		size_t n = 0;

		if (mbsort_page(vm, &q, &rows, &n, &err) != VM_OK) {
			unit_fail(__FILE__, __LINE__, "%s: mbsort_page: %s", name, err.msg);
			return;
		}
		CHECK(n <= PAGE);
		if (ngot + n > NMB) {
			unit_fail(__FILE__, __LINE__, "%s: more rows than mailboxes", name);
			free(rows);
			return;
		}
		for (size_t i = 0; i < n; i++)
			CHECK_MSG(rows[i].domain_id == did, "%s: a row of another domain", name);
		if (before) {
			/* this page precedes everything read so far */
			memmove(got[n], got[0], ngot * sizeof got[0]);
			for (size_t i = 0; i < n; i++)
				snprintf(got[i], sizeof got[i], "%s", rows[i].local);
		} else {
			for (size_t i = 0; i < n; i++)
				snprintf(got[ngot + i], sizeof got[0], "%s", rows[i].local);
		}
		ngot += n;
		if (n)
			snprintf(bound, sizeof bound, "%s", rows[before ? 0 : n - 1].local);
		free(rows);
		if (n < PAGE || ngot >= NMB)
			break;
	}
	CHECK_MSG(ngot == nexp, "%s key %d desc %d before %d: %zu rows, want %zu", name, (int)key, desc, before, ngot,
		  nexp);
	for (size_t i = 0; i < ngot && i < nexp; i++)
		CHECK_MSG(strcmp(got[i], exp[i].local) == 0, "%s key %d desc %d before %d: row %zu is %s, want %s",
			  name, (int)key, desc, before, i, got[i], exp[i].local);
}

static void run_suite(const char *name, const char *url)
{
	struct vm vm;
	struct vm_error err = {0};
	struct domain_opts dopt = {0};
	struct domain d;
	FILE *devnull = fopen("/dev/null", "w");

	if (vm_open(&vm, &cfg, url, 0, &err) != VM_OK) {
		unit_fail(__FILE__, __LINE__, "%s: cannot open %s: %s", name, url, err.msg);
		fclose(devnull);
		return;
	}
	vm.out = devnull;
	CHECK_MSG(schema_init(&vm, devnull, &err) == VM_OK, "%s: schema_init: %s", name, err.msg);
	CHECK(domain_add(&vm, "s.test", &dopt, &err) == VM_OK);
	CHECK(domain_add(&vm, "other.test", &dopt, &err) == VM_OK);
	for (int i = 0; i < NMB; i++) {
		struct mailbox_opts mo = {0};
		char addr[VM_ADDRESS_MAX + 1], bytes[32], user[VM_ADDRESS_MAX + 1];
		const char *p[2] = {bytes, user};
		/* quotas 0 (unlimited), 100, 200, 300; bytes so that some ratios tie
		 * across quotas (200/100 = 400/200) and some mailboxes are empty */
		static const int quotas[] = {100, 200, 0, 300, 100, 200};

		snprintf(mbs[i].local, sizeof mbs[i].local, "m%02d", (i * 7) % NMB);
		mbs[i].quota = quotas[i % 6];
		mbs[i].bytes = i % 5 == 0 ? 0
					  : (long long)(i % 3 + 1) * 1000 * (mbs[i].quota ? mbs[i].quota : 7) +
						    (i % 4 == 1 ? 0 : i * 1048576LL);
		mbs[i].has_row = i != 13;
		mo.password = "x";
		mo.has_quota = 1;
		mo.quota_mb = mbs[i].quota;
		snprintf(addr, sizeof addr, "%.15s@s.test", mbs[i].local);
		CHECK_MSG(mailbox_add(&vm, addr, &mo, &err) == VM_OK, "%s: %s: %s", name, addr, err.msg);
		snprintf(bytes, sizeof bytes, "%lld", mbs[i].bytes);
		snprintf(user, sizeof user, "%s", addr);
		CHECK(vm_sql(&vm,
			     mbs[i].has_row ? "UPDATE admin_quota SET bytes = ? WHERE username = ?"
					    : "DELETE FROM admin_quota WHERE username = ? OR username = ?",
			     2, mbs[i].has_row ? p : (const char *const[]){user, user}, NULL, &err, "test") == VM_OK);
		/* the neighbour: the same local parts in another domain */
		snprintf(addr, sizeof addr, "%.15s@other.test", mbs[i].local);
		if (i % 3 == 0)
			CHECK(mailbox_add(&vm, addr, &mo, &err) == VM_OK);
	}
	CHECK(domain_get(&vm, "s.test", &d, &err) == VM_OK);
	for (int key = MBSORT_USAGE; key <= MBSORT_QUOTA; key++)
		for (int desc = 0; desc <= 1; desc++)
			for (int before = 0; before <= 1; before++)
				walk(&vm, d.id, name, (enum mbsort_key)key, desc, before);

	/* a bound that is gone pages from the start */
	{
		struct mbsort_query q = {d.id, MBSORT_QUOTA, 1, "nobody", 0, PAGE};
		struct mailbox *rows = NULL;
		size_t n = 0;

		CHECK(mbsort_page(&vm, &q, &rows, &n, &err) == VM_OK);
		CHECK_INT(n, PAGE);
		free(rows);
	}
	CHECK_INT(vm.tx_depth, 0);
	vm_changes_clear(&vm);
	vm_close(&vm);
	fclose(devnull);
	printf("%s: done\n", name);
}

int main(void)
{
	conf_defaults(&cfg);
	unit_each_engine("test_mbsort", run_suite);
	conf_free(&cfg);
	return unit_finish("test_mbsort");
}
