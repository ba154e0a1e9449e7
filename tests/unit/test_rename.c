/* SPDX-License-Identifier: MIT */
/* test_rename.c: domain_rename_preview (what the console shows before a domain
 * rename) against a real database on every engine given: every address old -> new
 * in order, the same refusals as the rename itself, and nothing changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core/alias.h"
#include "core/conf.h"
#include "core/domain.h"
#include "core/mailbox.h"
#include "core/rename.h"
#include "core/schema.h"
#include "core/vm.h"
#include "lib/xalloc.h"
#include "tests/unit/unit.h"

static struct conf cfg;

static void run_suite(const char *name, const char *url)
{
	struct vm vm;
	struct vm_error err = {0};
	struct domain_opts dopt = {0};
	struct mailbox_opts mopt = {0};
	struct rename_pair *p = NULL;
	struct domain d;
	size_t n = 0;
	FILE *devnull = fopen("/dev/null", "w");
	const char *rcpt[1] = {"b@ex.test"};

	if (vm_open(&vm, &cfg, url, 0, &err) != VM_OK) {
		unit_fail(__FILE__, __LINE__, "%s: cannot open %s: %s", name, url, err.msg);
		fclose(devnull);
		return;
	}
	vm.out = devnull;
	CHECK_MSG(schema_init(&vm, devnull, &err) == VM_OK, "%s: schema_init: %s", name, err.msg);
	mopt.password = "x";
	CHECK(domain_add(&vm, "ex.test", &dopt, &err) == VM_OK);
	CHECK(domain_add(&vm, "other.test", &dopt, &err) == VM_OK);
	CHECK(mailbox_add(&vm, "b@ex.test", &mopt, &err) == VM_OK);
	CHECK(mailbox_add(&vm, "a@ex.test", &mopt, &err) == VM_OK);
	CHECK(alias_add(&vm, "list@ex.test", rcpt, 1, 0, 0, &err) == VM_OK);
	CHECK(alias_add(&vm, "@ex.test", rcpt, 1, 0, 0, &err) == VM_OK);
	CHECK(domainalias_add(&vm, "alias.test", "ex.test", 0, 0, &err) == VM_OK);
	vm_changes_clear(&vm);

	CHECK_MSG(domain_rename_preview(&vm, "ex.test", "New.test", &p, &n, &err) == VM_OK, "%s: preview: %s", name,
		  err.msg);
	CHECK_INT(n, 5);
	if (n == 5) {
		static const char *const want[5][3] = {
			{"domain", "ex.test", "new.test"},          {"mailbox", "a@ex.test", "a@new.test"},
			{"mailbox", "b@ex.test", "b@new.test"},     {"catch-all", "@ex.test", "@new.test"},
			{"alias", "list@ex.test", "list@new.test"},
		};

		for (size_t i = 0; i < n; i++) {
			CHECK_STR(p[i].kind, want[i][0]);
			CHECK_STR(p[i].old_addr, want[i][1]);
			CHECK_STR(p[i].new_addr, want[i][2]);
		}
	}
	rename_pairs_free(&p, n);
	CHECK(p == NULL);
	CHECK_INT(vm.changes.n, 0);
	CHECK(domain_get(&vm, "ex.test", &d, &err) == VM_OK);
	CHECK(domain_get(&vm, "new.test", &d, &err) == VM_ERR_NOT_FOUND);

	/* the refusals of domain_rename, before anything is shown */
	CHECK(domain_rename_preview(&vm, "ex.test", "other.test", &p, &n, &err) == VM_ERR_EXISTS);
	CHECK(p == NULL && n == 0);
	CHECK(domain_rename_preview(&vm, "ex.test", "alias.test", &p, &n, &err) == VM_ERR_EXISTS);
	CHECK(strstr(err.msg, "alias.test is a domain alias") != NULL);
	CHECK(domain_rename_preview(&vm, "ex.test", "bad_name.test", &p, &n, &err) == VM_ERR_INVALID);
	CHECK(domain_rename_preview(&vm, "ex.test", "ex.test", &p, &n, &err) == VM_ERR_INVALID);
	CHECK(domain_rename_preview(&vm, "none.test", "x.test", &p, &n, &err) == VM_ERR_NOT_FOUND);
	vm.actor.superuser = 0;
	CHECK(domain_rename_preview(&vm, "ex.test", "x.test", &p, &n, &err) == VM_ERR_DENIED);
	vm.actor.superuser = 1;
	CHECK_INT(vm.tx_depth, 0);

	/* the rename does what the preview said */
	CHECK_MSG(domain_rename(&vm, "ex.test", "new.test", &err) == VM_OK, "%s: rename: %s", name, err.msg);
	CHECK(domain_get(&vm, "new.test", &d, &err) == VM_OK);
	{
		struct mailbox mb;

		CHECK(mailbox_get(&vm, "a@new.test", &mb, &err) == VM_OK);
		CHECK_INT(mb.pending_ops, 1);
	}
	vm_changes_clear(&vm);
	vm_close(&vm);
	fclose(devnull);
	printf("%s: done\n", name);
}

int main(void)
{
	conf_defaults(&cfg);
	unit_each_engine("test_rename", run_suite);
	conf_free(&cfg);
	return unit_finish("test_rename");
}
