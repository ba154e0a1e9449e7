/* SPDX-License-Identifier: MIT */
/* edit.c: the console's writes: forms to create and edit, confirmations
 * that say what will happen, bulk actions on marked rows, and the tools
 * (maps, operations, quota). Every write is the statement a script line
 * would run (ui_exec -> interp_exec), inside one transaction; an edit first
 * re-reads the row in that transaction and refuses to overwrite a change
 * made by someone else since the form was filled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alias.h"
#include "core/domain.h"
#include "core/idn.h"
#include "core/impact.h"
#include "core/mailbox.h"
#include "core/validate.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

/* ---- field checks: the core's own validators ---- */

static enum vm_status check_domain(const char *v, struct vm_error *err)
{
	char out[VM_DOMAIN_MAX + 1];

	return valid_domain(v, out, err);
}

static enum vm_status check_local(const char *v, struct vm_error *err)
{
	char out[VM_LOCAL_MAX + 1];

	return valid_local(v, out, err);
}

static enum vm_status check_quota(const char *v, struct vm_error *err)
{
	int mb;

	return *v ? valid_size_mb(v, "quota", &mb, err) : VM_OK;
}

static enum vm_status check_enabled(const char *v, struct vm_error *err)
{
	int b;

	return valid_bool(v, "enabled", &b, err);
}

static enum vm_status check_name(const char *v, struct vm_error *err)
{
	char first[VM_NAME_MAX * 4 + 1], last[VM_NAME_MAX * 4 + 1];

	return *v ? valid_name(v, first, last, err) : VM_OK;
}

/* ---- running statements in one transaction ---- */

struct words {
	const char *w[64];
	char *owned[64];
	int n, nowned;
};

static void words_add(struct words *ws, const char *w)
{
	if (ws->n < 64)
		ws->w[ws->n++] = w;
}

static void words_addf(struct words *ws, const char *key, const char *val)
{
	char *s = xasprintf("%s=%s", key, val);

	if (ws->nowned < 64 && ws->n < 64) {
		ws->owned[ws->nowned++] = s;
		ws->w[ws->n++] = s;
	} else {
		free(s);
	}
}

static void words_free(struct words *ws)
{
	for (int i = 0; i < ws->nowned; i++) {
		memset(ws->owned[i], 0, strlen(ws->owned[i])); /* may be a password */
		free(ws->owned[i]);
	}
	ws->nowned = ws->n = 0;
}

/* Opens the write transaction (reconnecting first if needed). */
static enum vm_status tx_open(struct ui *ui, struct vm_error *err)
{
	if (!ui_db_ready(ui))
		return vm_fail(err, VM_ERR_CONNECTION, "the database is unreachable: nothing was changed");
	return vm_tx_begin(ui->vm, 1, err);
}

/* Ends the transaction: commits when st is VM_OK. Returns the final status. */
static enum vm_status tx_close(struct ui *ui, enum vm_status st, struct vm_error *err)
{
	struct vm_error cerr = {0};

	if (st != VM_OK) {
		vm_tx_end(ui->vm, 0, &cerr);
		vm_changes_clear(ui->vm);
		if (st == VM_ERR_CONNECTION)
			ui->need_reconnect = 1;
		return st;
	}
	if ((st = vm_tx_end(ui->vm, 1, &cerr)) != VM_OK) {
		*err = cerr;
		if (st == VM_ERR_CONNECTION)
			ui->need_reconnect = 1;
	}
	vm_changes_clear(ui->vm);
	return st;
}

/* ---- domains ---- */

struct domain_ctx {
	int is_new;
	struct domain shown;
};

static enum vm_status domain_submit(struct ui *ui, struct form_spec *f, void *vctx, struct vm_error *err)
{
	struct domain_ctx *c = vctx;
	struct words ws = {0};
	enum vm_status st;

	if ((st = tx_open(ui, err)) != VM_OK)
		return st;
	if (!c->is_new) {
		struct domain now;
		char q[32];

		if ((st = domain_get(ui->vm, c->shown.name, &now, err)) == VM_OK &&
		    (now.quota_mb != c->shown.quota_mb || now.enabled != c->shown.enabled)) {
			c->shown = now;
			fmt_mb(now.quota_mb, 0, q, sizeof q);
			st = vm_fail(err, VM_ERR_CONFLICT,
				     "changed by someone else since it was shown (now quota %s, enabled %s): review and "
				     "press Enter again to save yours",
				     q, now.enabled ? "yes" : "no");
		}
	}
	if (st == VM_OK) {
		words_add(&ws, "domain");
		words_add(&ws, c->is_new ? "add" : "set");
		words_add(&ws, f->fields[0].value);
		if (f->fields[1].value[0])
			words_addf(&ws, "quota", f->fields[1].value);
		words_addf(&ws, "enabled", f->fields[2].value);
		st = ui_exec(ui, ws.n, ws.w, err);
		words_free(&ws);
	}
	return tx_close(ui, st, err);
}

int edit_domain(struct ui *ui, const char *name)
{
	struct form_field fields[3] = {
		{.label = "Domain", .key = "name", .check = check_domain},
		{.label = "Quota (0 = unlimited)", .key = "quota", .check = check_quota},
		{.label = "Enabled (yes/no)", .key = "enabled", .check = check_enabled, .width = 4},
	};
	struct domain_ctx c = {0};
	struct form_spec f = {0};
	struct vm_error err = {0};
	char title[400];
	char shown[VM_ADDRESS_SHOWN]; /* a name in the title, as people read it */

	c.is_new = name == NULL;
	if (name) {
		if (!ui_db_ready(ui))
			return 0;
		if (domain_get(ui->vm, name, &c.shown, &err) != VM_OK) {
			ui_error(ui, "reading the domain", &err);
			return 0;
		}
		snprintf(fields[0].value, sizeof fields[0].value, "%s", c.shown.name);
		fields[0].readonly = 1;
		fmt_mb(c.shown.quota_mb, 0, fields[1].value, sizeof fields[1].value);
		snprintf(fields[2].value, sizeof fields[2].value, "%s", c.shown.enabled ? "yes" : "no");
		snprintf(title, sizeof title, "Edit domain %s", idn_shown(name, shown, sizeof shown));
	} else {
		snprintf(fields[1].value, sizeof fields[1].value, "0");
		snprintf(fields[2].value, sizeof fields[2].value, "yes");
		snprintf(title, sizeof title, "New domain");
	}
	f.title = title;
	f.fields = fields;
	f.nfields = 3;
	f.submit = domain_submit;
	f.ctx = &c;
	f.gen_field = f.gen_field2 = -1;
	if (!form_run(ui, &f))
		return 0;
	ui_message(ui, 0, "domain %s %s", fields[0].value, c.is_new ? "added" : "saved");
	return 1;
}

/* ---- mailboxes ---- */

struct mailbox_ctx {
	int is_new;
	char domain[256];
	struct mailbox shown;
	char shown_quota[32], shown_name[VM_NAME_MAX * 8 + 2];
};

enum { MF_LOCAL, MF_NAME, MF_QUOTA, MF_ENABLED, MF_PW1, MF_PW2, MF_COUNT };

static enum vm_status mailbox_submit(struct ui *ui, struct form_spec *f, void *vctx, struct vm_error *err)
{
	struct mailbox_ctx *c = vctx;
	struct form_field *fl = f->fields;
	struct words ws = {0};
	char address[600];
	enum vm_status st;

	if (strcmp(fl[MF_PW1].value, fl[MF_PW2].value) != 0) {
		snprintf(fl[MF_PW2].error, sizeof fl[MF_PW2].error, "the two passwords differ: type them again");
		return vm_fail(err, VM_ERR_INVALID, "%s", "");
	}
	if (c->is_new && !fl[MF_PW1].value[0]) {
		snprintf(fl[MF_PW1].error, sizeof fl[MF_PW1].error, "a new mailbox needs a password (^G generates one)");
		return vm_fail(err, VM_ERR_INVALID, "%s", "");
	}
	snprintf(address, sizeof address, "%.64s@%s", fl[MF_LOCAL].value, c->domain);
	if ((st = tx_open(ui, err)) != VM_OK)
		return st;
	if (!c->is_new) {
		struct mailbox now;

		if ((st = mailbox_get(ui->vm, c->shown.address, &now, err)) == VM_OK &&
		    (now.quota_mb != c->shown.quota_mb || now.enabled != c->shown.enabled ||
		     strcmp(now.first, c->shown.first) != 0 || strcmp(now.last, c->shown.last) != 0)) {
			char q[32];

			c->shown = now;
			st = vm_fail(err, VM_ERR_CONFLICT,
				     "changed by someone else since it was shown (now: quota %s, enabled %s, name '%s %s'): "
				     "review and press Enter again to save yours",
				     fmt_mb(now.quota_mb, 1, q, sizeof q), now.enabled ? "yes" : "no", now.first,
				     now.last);
			fmt_mb(now.quota_mb, 0, c->shown_quota, sizeof c->shown_quota);
			snprintf(c->shown_name, sizeof c->shown_name, "%s%s%s", now.first,
				 now.first[0] && now.last[0] ? " " : "", now.last);
		}
	}
	if (st == VM_OK) {
		words_add(&ws, "mailbox");
		words_add(&ws, c->is_new ? "add" : "set");
		words_add(&ws, address);
		if (fl[MF_PW1].value[0])
			words_addf(&ws, "password", fl[MF_PW1].value);
		/* only what was changed, so a mailbox following the domain quota keeps following it */
		if (c->is_new ? fl[MF_QUOTA].value[0] != '\0' : strcmp(fl[MF_QUOTA].value, c->shown_quota) != 0)
			words_addf(&ws, "quota", fl[MF_QUOTA].value);
		if (c->is_new ? fl[MF_NAME].value[0] != '\0' : strcmp(fl[MF_NAME].value, c->shown_name) != 0)
			words_addf(&ws, "name", fl[MF_NAME].value);
		if (c->is_new || strcmp(fl[MF_ENABLED].value, c->shown.enabled ? "yes" : "no") != 0)
			words_addf(&ws, "enabled", fl[MF_ENABLED].value);
		if (!c->is_new && ws.n == 3) {
			words_free(&ws);
			st = vm_fail(err, VM_ERR_USAGE, "nothing was changed");
		} else {
			st = ui_exec(ui, ws.n, ws.w, err);
			words_free(&ws);
		}
	}
	return tx_close(ui, st, err);
}

int edit_mailbox(struct ui *ui, const char *domain, const char *address)
{
	struct form_field fields[MF_COUNT] = {
		[MF_LOCAL] = {.label = "Local part", .key = "address", .check = check_local},
		[MF_NAME] = {.label = "Name", .key = "name", .check = check_name},
		[MF_QUOTA] = {.label = "Quota (empty: domain's)", .key = "quota", .check = check_quota},
		[MF_ENABLED] = {.label = "Enabled (yes/no)", .key = "enabled", .check = check_enabled, .width = 4},
		[MF_PW1] = {.label = "Password", .key = "password", .hidden = 1},
		[MF_PW2] = {.label = "Password again", .key = "again", .hidden = 1},
	};
	struct mailbox_ctx *c = xcalloc(1, sizeof *c);
	struct form_spec f = {0};
	struct vm_error err = {0};
	char title[600];
	char shown[VM_ADDRESS_SHOWN]; /* a name in the title, as people read it */
	int ok;

	c->is_new = address == NULL;
	snprintf(c->domain, sizeof c->domain, "%s", domain);
	if (address) {
		if (!ui_db_ready(ui) || mailbox_get(ui->vm, address, &c->shown, &err) != VM_OK) {
			if (err.msg[0])
				ui_error(ui, "reading the mailbox", &err);
			free(c);
			return 0;
		}
		snprintf(c->domain, sizeof c->domain, "%s", c->shown.domain);
		snprintf(fields[MF_LOCAL].value, sizeof fields[MF_LOCAL].value, "%s", c->shown.local);
		fields[MF_LOCAL].readonly = 1;
		snprintf(c->shown_name, sizeof c->shown_name, "%s%s%s", c->shown.first,
			 c->shown.first[0] && c->shown.last[0] ? " " : "", c->shown.last);
		snprintf(fields[MF_NAME].value, sizeof fields[MF_NAME].value, "%s", c->shown_name);
		fmt_mb(c->shown.quota_mb, 0, c->shown_quota, sizeof c->shown_quota);
		snprintf(fields[MF_QUOTA].value, sizeof fields[MF_QUOTA].value, "%s", c->shown_quota);
		fields[MF_QUOTA].label = "Quota (0 = unlimited)";
		snprintf(fields[MF_ENABLED].value, sizeof fields[MF_ENABLED].value, "%s", c->shown.enabled ? "yes" : "no");
		fields[MF_PW1].label = "New password";
		snprintf(title, sizeof title, "Edit mailbox %s (empty password: unchanged)",
			 idn_shown_address(address, shown, sizeof shown));
	} else {
		snprintf(fields[MF_ENABLED].value, sizeof fields[MF_ENABLED].value, "yes");
		snprintf(title, sizeof title, "New mailbox in %s", idn_shown(domain, shown, sizeof shown));
	}
	f.title = title;
	f.fields = fields;
	f.nfields = MF_COUNT;
	f.submit = mailbox_submit;
	f.ctx = c;
	f.gen_field = MF_PW1;
	f.gen_field2 = MF_PW2;
	f.hint = "Enter: save   Tab/Up/Down: move   ^G: generate a password   Esc: cancel";
	ok = form_run(ui, &f);
	if (ok) {
		char addr[600];

		snprintf(addr, sizeof addr, "%.64s@%s", fields[MF_LOCAL].value, c->domain);
		if (f.generated[0]) {
			char text[900];

			snprintf(text, sizeof text,
				 "The password of %s is:\n\n    %s\n\nWrite it down: it is not shown again.\n(any key)",
				 addr, f.generated);
			dialog_ask(ui, "Generated password", text, "");
			memset(text, 0, sizeof text);
			memset(f.generated, 0, sizeof f.generated);
		}
		ui_message(ui, 0, "mailbox %s %s", addr, c->is_new ? "added" : "saved");
	}
	free(c);
	return ok;
}

/* ---- aliases ---- */

struct alias_ctx {
	int is_new;
	char domain[256];
	char shown_rcpts[1024];
	int shown_enabled;
	char address[600];
};

static enum vm_status alias_submit(struct ui *ui, struct form_spec *f, void *vctx, struct vm_error *err)
{
	struct alias_ctx *c = vctx;
	struct form_field *fl = f->fields;
	struct words ws = {0};
	char address[600], rc[1024];
	enum vm_status st;

	if (c->is_new)
		snprintf(address, sizeof address, "%.64s@%s", strcmp(fl[0].value, "*") == 0 ? "" : fl[0].value, c->domain);
	else
		snprintf(address, sizeof address, "%s", c->address);
	if (!fl[1].value[0]) {
		snprintf(fl[1].error, sizeof fl[1].error, "give at least one recipient");
		return vm_fail(err, VM_ERR_INVALID, "%s", "");
	}
	if ((st = tx_open(ui, err)) != VM_OK)
		return st;
	if (!c->is_new) {
		struct alias now = {0};

		if ((st = alias_get(ui->vm, c->address, &now, err)) == VM_OK &&
		    (strcmp(now.recipients ? now.recipients : "", c->shown_rcpts) != 0 || now.enabled != c->shown_enabled)) {
			snprintf(c->shown_rcpts, sizeof c->shown_rcpts, "%s", now.recipients ? now.recipients : "");
			c->shown_enabled = now.enabled;
			st = vm_fail(err, VM_ERR_CONFLICT,
				     "changed by someone else since it was shown (now: %s): review and press Enter again",
				     c->shown_rcpts);
		}
		alias_clear(&now);
	}
	if (st == VM_OK) {
		char *save = NULL, *tok;

		words_add(&ws, "alias");
		words_add(&ws, c->is_new ? "add" : "set");
		words_add(&ws, address);
		snprintf(rc, sizeof rc, "%s", fl[1].value);
		if (c->is_new) {
			for (tok = strtok_r(rc, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
				words_add(&ws, tok);
		} else {
			words_addf(&ws, "recipients", fl[1].value);
		}
		words_addf(&ws, "enabled", fl[2].value);
		st = ui_exec(ui, ws.n, ws.w, err);
		words_free(&ws);
	}
	return tx_close(ui, st, err);
}

int edit_alias(struct ui *ui, const char *domain, const char *address)
{
	struct form_field fields[3] = {
		{.label = "Local part (* = catch-all)", .key = "address"},
		{.label = "Recipients (a,b)", .key = "recipient"},
		{.label = "Enabled (yes/no)", .key = "enabled", .check = check_enabled, .width = 4},
	};
	struct alias_ctx *c = xcalloc(1, sizeof *c);
	struct form_spec f = {0};
	struct vm_error err = {0};
	char title[600];
	char shown[VM_ADDRESS_SHOWN]; /* a name in the title, as people read it */
	int ok;

	c->is_new = address == NULL;
	snprintf(c->domain, sizeof c->domain, "%s", domain);
	if (address) {
		struct alias a = {0};

		if (!ui_db_ready(ui) || alias_get(ui->vm, address, &a, &err) != VM_OK) {
			if (err.msg[0])
				ui_error(ui, "reading the alias", &err);
			free(c);
			return 0;
		}
		snprintf(c->address, sizeof c->address, "%s", address);
		snprintf(fields[0].value, sizeof fields[0].value, "%s", a.local);
		fields[0].readonly = 1;
		snprintf(c->shown_rcpts, sizeof c->shown_rcpts, "%s", a.recipients ? a.recipients : "");
		c->shown_enabled = a.enabled;
		snprintf(fields[1].value, sizeof fields[1].value, "%s", c->shown_rcpts);
		snprintf(fields[2].value, sizeof fields[2].value, "%s", a.enabled ? "yes" : "no");
		alias_clear(&a);
		snprintf(title, sizeof title, "Edit alias %s", idn_shown_address(address, shown, sizeof shown));
	} else {
		snprintf(fields[2].value, sizeof fields[2].value, "yes");
		snprintf(title, sizeof title, "New alias in %s", idn_shown(domain, shown, sizeof shown));
	}
	f.title = title;
	f.fields = fields;
	f.nfields = 3;
	f.submit = alias_submit;
	f.ctx = c;
	f.gen_field = f.gen_field2 = -1;
	ok = form_run(ui, &f);
	if (ok)
		ui_message(ui, 0, "alias %s", c->is_new ? "added" : "saved");
	free(c);
	return ok;
}

/* ---- domain aliases ---- */

struct da_ctx {
	int is_new;
	/* what the form showed, to notice a change made since */
	char shown_target[256];
	int shown_enabled;
};

static enum vm_status da_submit(struct ui *ui, struct form_spec *f, void *vctx, struct vm_error *err)
{
	struct da_ctx *c = vctx;
	struct words ws = {0};
	enum vm_status st;

	if ((st = tx_open(ui, err)) != VM_OK)
		return st;
	if (!c->is_new) {
		struct domainalias now;

		if ((st = domainalias_get(ui->vm, f->fields[0].value, &now, err)) == VM_OK &&
		    (strcmp(now.target, c->shown_target) != 0 || now.enabled != c->shown_enabled)) {
			snprintf(c->shown_target, sizeof c->shown_target, "%s", now.target);
			c->shown_enabled = now.enabled;
			st = vm_fail(err, VM_ERR_CONFLICT,
				     "changed by someone else since it was shown (now: target %s, enabled %s): review and "
				     "press Enter again",
				     now.target, now.enabled ? "yes" : "no");
		}
		if (st != VM_OK)
			return tx_close(ui, st, err);
	}
	words_add(&ws, "domainalias");
	words_add(&ws, c->is_new ? "add" : "set");
	words_add(&ws, f->fields[0].value);
	if (c->is_new)
		words_add(&ws, f->fields[1].value);
	else
		words_addf(&ws, "target", f->fields[1].value);
	words_addf(&ws, "enabled", f->fields[2].value);
	st = ui_exec(ui, ws.n, ws.w, err);
	words_free(&ws);
	return tx_close(ui, st, err);
}

int edit_domainalias(struct ui *ui, const char *target, const char *name)
{
	struct form_field fields[3] = {
		{.label = "Domain alias", .key = "name", .check = check_domain},
		{.label = "Target domain", .key = "target", .check = check_domain},
		{.label = "Enabled (yes/no)", .key = "enabled", .check = check_enabled, .width = 4},
	};
	struct da_ctx c = {name == NULL, "", 1};
	struct form_spec f = {0};
	char title[400];
	char shown[VM_ADDRESS_SHOWN]; /* a name in the title, as people read it */

	snprintf(fields[1].value, sizeof fields[1].value, "%s", target);
	snprintf(fields[2].value, sizeof fields[2].value, "yes");
	if (name) {
		struct domainalias da;
		struct vm_error err = {0};

		if (!ui_db_ready(ui) || domainalias_get(ui->vm, name, &da, &err) != VM_OK) {
			if (err.msg[0])
				ui_error(ui, "reading the domain alias", &err);
			return 0;
		}
		snprintf(c.shown_target, sizeof c.shown_target, "%s", da.target);
		c.shown_enabled = da.enabled;
		snprintf(fields[1].value, sizeof fields[1].value, "%s", da.target);
		snprintf(fields[2].value, sizeof fields[2].value, "%s", da.enabled ? "yes" : "no");
		snprintf(fields[0].value, sizeof fields[0].value, "%s", name);
		fields[0].readonly = 1;
		snprintf(title, sizeof title, "Edit domain alias %s", idn_shown(name, shown, sizeof shown));
	} else {
		snprintf(title, sizeof title, "New domain alias of %s", idn_shown(target, shown, sizeof shown));
	}
	f.title = title;
	f.fields = fields;
	f.nfields = 3;
	f.submit = da_submit;
	f.ctx = &c;
	f.gen_field = f.gen_field2 = -1;
	if (!form_run(ui, &f))
		return 0;
	ui_message(ui, 0, "domain alias %s %s", fields[0].value, c.is_new ? "added" : "saved");
	return 1;
}

/* ---- bulk actions ---- */

static void delete_text(struct ui *ui, const char *object, const char *const *keys, size_t n, char *text, size_t len,
			int *files)
{
	struct vm_error err = {0};
	struct impact im;

	*files = 0;
	if (n > 1) {
		snprintf(text, len, "Delete %zu %s%s?%s", n, object, strcmp(object, "alias") == 0 ? "es" : "s",
			 strcmp(object, "mailbox") == 0 || strcmp(object, "domain") == 0
				 ? "\nTheir mailboxes' files will be queued for removal."
				 : "");
		*files = strcmp(object, "mailbox") == 0 || strcmp(object, "domain") == 0;
		return;
	}
	if (strcmp(object, "mailbox") == 0 && impact_mailbox_del(ui->vm, keys[0], &im, &err) == VM_OK) {
		char *home = NULL;
		struct mailbox mb;

		if (mailbox_get(ui->vm, keys[0], &mb, &err) == VM_OK)
			home = mailbox_home(ui->vm, mb.domain, mb.local);
		snprintf(text, len,
			 "Delete mailbox %s?\n%lld alias(es) point at this mailbox%s.\nIts files (%s) will be queued for "
			 "removal.",
			 keys[0], im.aliases,
			 im.aliases_emptied ? "; those left without recipients are deleted too" : "", home ? home : "?");
		free(home);
		*files = 1;
	} else if (strcmp(object, "domain") == 0 && impact_domain_del(ui->vm, keys[0], &im, &err) == VM_OK) {
		snprintf(text, len,
			 "Delete domain %s?\nWith it: %lld mailbox(es), %lld alias(es), %lld domain alias(es).\nThe "
			 "mailboxes' files will be queued for removal.",
			 keys[0], im.mailboxes, im.aliases, im.domain_aliases);
		*files = 1;
	} else {
		snprintf(text, len, "Delete %s %s?", object, keys[0]);
	}
}

int edit_bulk(struct ui *ui, const char *object, enum req r, const char *const *keys, size_t n)
{
	struct vm_error err = {0};
	char text[1200], quota[64] = "", verb[32];
	int answer, keep = 0, files = 0;
	enum vm_status st = VM_OK;
	size_t done = 0;

	if (!n || !ui_db_ready(ui))
		return 0;
	switch (r) {
	case REQ_DELETE:
		delete_text(ui, object, keys, n, text, sizeof text, &files);
		snprintf(text + strlen(text), sizeof text - strlen(text), "\n\ny: delete%s   n: cancel",
			 files ? "   k: delete but keep the files" : "");
		answer = dialog_ask(ui, "Delete", text, files ? "yk" : "y");
		keep = answer == 'k';
		snprintf(verb, sizeof verb, "deleted");
		break;
	case REQ_ENABLE:
	case REQ_DISABLE:
		snprintf(text, sizeof text, "%s %zu %s%s%s%s?\n\ny: yes   n: cancel",
			 r == REQ_ENABLE ? "Enable" : "Disable", n, object, n > 1 ? "(s)" : "", n == 1 ? " " : "",
			 n == 1 ? keys[0] : "");
		answer = dialog_ask(ui, r == REQ_ENABLE ? "Enable" : "Disable", text, "y");
		snprintf(verb, sizeof verb, "%s", r == REQ_ENABLE ? "enabled" : "disabled");
		break;
	case REQ_SET_QUOTA: {
		int mb;

		if (!dialog_prompt(ui, "quota (500M, 2G, 0 = unlimited): ", quota, sizeof quota, NULL, NULL))
			return 0;
		if (valid_size_mb(quota, "quota", &mb, &err) != VM_OK) {
			ui_message(ui, 1, "%s", err.msg);
			return 0;
		}
		snprintf(text, sizeof text, "Set the quota of %zu %s%s to %s?\n\ny: yes   n: cancel", n, object,
			 n > 1 ? "(s)" : "", quota);
		answer = dialog_ask(ui, "Quota", text, "y");
		snprintf(verb, sizeof verb, "changed");
		break;
	}
	default:
		return 0;
	}
	if (!answer) {
		ui_message(ui, 0, "cancelled: nothing was changed");
		return 0;
	}
	/* all of them in one transaction: either every row changes or none */
	if ((st = tx_open(ui, &err)) == VM_OK) {
		for (size_t i = 0; i < n && st == VM_OK && !ui_signal; i++) {
			struct words ws = {0};

			words_add(&ws, object);
			words_add(&ws, r == REQ_DELETE ? "del" : "set");
			words_add(&ws, keys[i]);
			if (r == REQ_DELETE && keep)
				words_add(&ws, "keep-files");
			if (r == REQ_ENABLE || r == REQ_DISABLE)
				words_addf(&ws, "enabled", r == REQ_ENABLE ? "yes" : "no");
			if (r == REQ_SET_QUOTA)
				words_addf(&ws, "quota", quota);
			st = ui_exec(ui, ws.n, ws.w, &err);
			words_free(&ws);
			if (st == VM_OK)
				done++;
		}
		if (st == VM_OK && ui_signal)
			st = vm_fail(&err, VM_ERR_REFUSED, "interrupted");
		st = tx_close(ui, st, &err);
	}
	if (st != VM_OK) {
		if (st == VM_ERR_CONNECTION)
			ui->need_reconnect = 1;
		ui_message(ui, 1, "nothing was changed: %s", err.msg);
		return 0;
	}
	ui_message(ui, 0, "%zu %s(s) %s", done, object, verb);
	return 1;
}

/* ---- tools ---- */

void edit_run_tool(struct ui *ui, enum req r)
{
	static const char *const names[][2] = {{"maps", "generate"}, {"ops", "run"}, {"quota", "recalc"}};
	int idx = r == REQ_MAPS_GENERATE ? 0 : r == REQ_OPS_RUN ? 1 : 2;
	struct vm_error err = {0};
	const char *words[3] = {names[idx][0], names[idx][1], "all"};
	char text[256], *buf = NULL;
	size_t len = 0;
	FILE *mem, *saved = ui->vm->out;
	enum vm_status st;

	if (action_find(names[idx][0], names[idx][1]) < 0) {
		ui_message(ui, 1, "%s %s: not available in this build yet", names[idx][0], names[idx][1]);
		return;
	}
	snprintf(text, sizeof text, "Run `%s %s%s` now?\n\ny: yes   n: cancel", names[idx][0], names[idx][1],
		 idx == 2 ? " all" : "");
	if (dialog_ask(ui, "Run", text, "y") != 'y')
		return;
	/* the statement's printed report goes to the message line, not the screen */
	mem = open_memstream(&buf, &len);
	if (mem)
		ui->vm->out = mem;
	st = ui_exec(ui, idx == 2 ? 3 : 2, words, &err);
	ui->vm->out = saved;
	if (mem)
		fclose(mem);
	vm_changes_clear(ui->vm);
	if (st != VM_OK)
		ui_message(ui, 1, "%s %s failed: %s", names[idx][0], names[idx][1], err.msg);
	else
		ui_message(ui, 0, "%s %s: done. %.*s", names[idx][0], names[idx][1], buf ? (int)strcspn(buf, "\n") : 0,
			   buf ? buf : "");
	free(buf);
	ui_refresh_all(ui);
}

/* ---- rename ---- */

int edit_rename(struct ui *ui, const char *object, const char *old)
{
	struct vm_error err = {0};
	char newname[300], text[1200];
	const char *words[4] = {object, "rename", old, newname};
	enum vm_status st;

	if (action_find(object, "rename") < 0) {
		ui_message(ui, 1, "%s rename: not available in this build yet", object);
		return 0;
	}
	snprintf(newname, sizeof newname, "%s", old);
	if (!dialog_prompt(ui, "rename to: ", newname, sizeof newname, NULL, NULL) || !newname[0] ||
	    strcmp(newname, old) == 0) {
		ui_message(ui, 0, "cancelled: nothing was changed");
		return 0;
	}
	snprintf(text, sizeof text, "Rename %s %s to %s?\n%s\n\ny: rename   n: cancel", object, old, newname,
		 strcmp(object, "mailbox") == 0
			 ? "Its files are moved to the new home when the pending operations run\n(until then mail to it is deferred, not lost)."
			 : "Its mailboxes' files are moved when the pending operations run.");
	if (dialog_ask(ui, "Rename", text, "y") != 'y') {
		ui_message(ui, 0, "cancelled: nothing was changed");
		return 0;
	}
	if ((st = tx_open(ui, &err)) == VM_OK)
		st = tx_close(ui, ui_exec(ui, 4, words, &err), &err);
	if (st != VM_OK) {
		ui_message(ui, 1, "nothing was changed: %s", err.msg);
		return 0;
	}
	ui_message(ui, 0, "%s %s renamed to %s", object, old, newname);
	return 1;
}
