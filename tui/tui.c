/* SPDX-License-Identifier: MIT */
/* tui.c: until the full-screen console lands, the front end without a
 * statement prints the domains and mailboxes, so the demo shows its data. */
#include "tui/tui.h"

#include <stdio.h>
#include <string.h>

#include "core/batch.h"
#include "core/stmt.h"

int tui_main(struct vm *vm, const struct tui_opts *o)
{
	static const char *const lists[][2] = {{"domain", "list"}, {"mailbox", "list"}, {"alias", "list"}};
	struct batch_opts bo = {0};
	int rc = 0;

	(void)o;
	bo.one_shot = 1;
	for (size_t i = 0; i < sizeof lists / sizeof *lists && rc == 0; i++) {
		struct script sc = {0};
		struct stmt s;
		char oneshot_name[] = "vmailadm";

		printf("== %ss ==\n", lists[i][0]);
		fflush(stdout);
		stmt_from_argv(&s, 2, lists[i]);
		sc.name = oneshot_name;
		sc.stmts = &s;
		sc.n = 1;
		rc = batch_run(vm, &sc, &bo);
		stmt_free(&s);
	}
	return rc;
}

enum vm_status tui_login(struct vm *vm, const struct tui_opts *o, struct vm_error *err)
{
	(void)vm;
	return vm_fail(err, VM_ERR_USAGE, "--user %s: administrator logins are not available yet", o->user);
}
