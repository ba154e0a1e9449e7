/* SPDX-License-Identifier: MIT */
/* sieve.c: the console's vacation form (from the mailbox detail's Sieve
 * section): it runs `vacation set` (or `vacation off` for an empty subject)
 * through ui_exec, so a key and a script line are one thing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sieve.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

enum { VF_SUBJECT, VF_TEXT, VF_FROM, VF_UNTIL, VF_DAYS, VF_ADDRESSES, VF_COUNT };

struct vacation_ctx {
	char address[VM_ADDRESS_MAX + 1];
};

static enum vm_status vacation_submit(struct ui *ui, struct form_spec *f, void *vctx, struct vm_error *err)
{
	struct vacation_ctx *c = vctx;
	struct form_field *fl = f->fields;
	const char *w[10];
	char *owned[10];
	int n = 0, no = 0;
	enum vm_status st;

	if (!ui_db_ready(ui))
		return vm_fail(err, VM_ERR_CONNECTION, "the database is unreachable: nothing was changed");
	w[n++] = "vacation";
	w[n++] = fl[VF_SUBJECT].value[0] ? "set" : "off";
	w[n++] = c->address;
	if (fl[VF_SUBJECT].value[0]) {
		static const char *const keys[VF_COUNT] = {"subject", "text", "from", "until", "days", "addresses"};

		for (int i = 0; i < VF_COUNT; i++)
			if (fl[i].value[0] || i == VF_TEXT)
				w[n++] = owned[no++] = xasprintf("%s=%s", keys[i], fl[i].value);
	}
	if ((st = vm_tx_begin(ui->vm, 1, err)) == VM_OK) {
		st = vm_tx_finish(ui->vm, ui_exec(ui, n, w, err), err);
		vm_changes_clear(ui->vm);
	}
	for (int i = 0; i < no; i++)
		free(owned[i]);
	return st;
}

int edit_vacation(struct ui *ui, const char *address)
{
	struct form_field fields[VF_COUNT] = {
		[VF_SUBJECT] = {.label = "Subject (empty: off)", .key = "subject"},
		[VF_TEXT] = {.label = "Text", .key = "text"},
		[VF_FROM] = {.label = "From (YYYY-MM-DD)", .key = "from", .width = 10},
		[VF_UNTIL] = {.label = "Until (YYYY-MM-DD)", .key = "until", .width = 10},
		[VF_DAYS] = {.label = "Days between replies", .key = "days", .width = 4},
		[VF_ADDRESSES] = {.label = "Also for (a,b)", .key = "addresses"},
	};
	struct vacation_ctx c = {{0}};
	struct vacation_info v = {0};
	struct form_spec f = {0};
	struct vm_error err = {0};
	char title[600];
	int ok;

	snprintf(c.address, sizeof c.address, "%s", address);
	if (!ui_db_ready(ui))
		return 0;
	if (vacation_get(ui->vm, address, &v, &err) == VM_OK) {
		if (v.enabled)
			snprintf(fields[VF_SUBJECT].value, sizeof fields[VF_SUBJECT].value, "%s", v.subject);
		snprintf(fields[VF_TEXT].value, sizeof fields[VF_TEXT].value, "%s", v.text);
		snprintf(fields[VF_FROM].value, sizeof fields[VF_FROM].value, "%s", v.from);
		snprintf(fields[VF_UNTIL].value, sizeof fields[VF_UNTIL].value, "%s", v.until);
		snprintf(fields[VF_DAYS].value, sizeof fields[VF_DAYS].value, "%d", v.days);
		snprintf(fields[VF_ADDRESSES].value, sizeof fields[VF_ADDRESSES].value, "%s", v.addresses);
		vacation_info_clear(&v);
	} else if (err.status != VM_ERR_NOT_FOUND) {
		ui_error(ui, "reading the vacation", &err);
		return 0;
	}
	snprintf(title, sizeof title, "Vacation reply of %s", address);
	f.title = title;
	f.fields = fields;
	f.nfields = VF_COUNT;
	f.submit = vacation_submit;
	f.ctx = &c;
	f.gen_field = f.gen_field2 = -1;
	f.hint = "Enter: save   Tab/Up/Down: move   empty subject: turn it off   Esc: cancel";
	ok = form_run(ui, &f);
	if (ok)
		ui_message(ui, 0, "vacation of %s %s", address, fields[VF_SUBJECT].value[0] ? "saved" : "turned off");
	return ok;
}
