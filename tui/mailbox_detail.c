/* SPDX-License-Identifier: MIT */
/* mailbox_detail.c: one mailbox: every field, its usage, pending
 * operations, and the keys to edit or delete it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/mailbox.h"
#include "core/sender.h"
#include "core/sieve.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

struct detail {
	char address[VM_ADDRESS_MAX + 1];
	struct mailbox mb;
	struct sender_grant *grants; /* the addresses it may send as beyond its own */
	size_t ngrants;
	int loaded, missing;
	/* the Sieve section */
	int sieve_loaded, has_vac, no_tables;
	struct vacation_info vac;
	struct filter_info *filters;
	size_t nfilters;
};

static void load(struct ui *ui, struct detail *d)
{
	struct vm_error err = {0};
	enum vm_status st;

	if (!ui_db_ready(ui))
		return;
	st = mailbox_get(ui->vm, d->address, &d->mb, &err);
	d->loaded = 1;
	d->sieve_loaded = 0;
	d->missing = st == VM_ERR_NOT_FOUND;
	if (st != VM_OK && !d->missing)
		ui_error(ui, "reading the mailbox", &err);
	free(d->grants);
	d->grants = NULL;
	d->ngrants = 0;
	if (st == VM_OK && (st = sender_list(ui->vm, d->address, &d->grants, &d->ngrants, &err)) != VM_OK)
		ui_error(ui, "reading the sender addresses", &err);
}

/* s: one of the statements "sender add|del" or "mailbox set ... services", with the
 * prompt's answer as its last word(s) */
static void run_edit(struct ui *ui, struct detail *d, const char *label, const char *object, const char *verb)
{
	char buf[512] = "";
	struct vm_error err = {0};
	enum vm_status st = VM_OK;

	if (!dialog_prompt(ui, label, buf, sizeof buf, NULL, NULL) || !buf[0])
		return;
	if (strcmp(object, "sender") == 0) {
		const char *w[4] = {object, verb, d->address, buf};

		st = ui_exec(ui, 4, w, &err);
	} else {
		/* "imap=no pop3=yes ...": each word an option of mailbox set */
		const char *w[16] = {"mailbox", "set", d->address};
		int n = 3;

		for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && n < 16; t = strtok_r(NULL, " ", &save))
			w[n++] = t;
		st = ui_exec(ui, n, w, &err);
	}
	vm_changes_clear(ui->vm);
	if (st != VM_OK)
		ui_error(ui, "changing the mailbox", &err);
	else
		ui_message(ui, 0, "done");
	ui_refresh_all(ui);
}

static void line(struct ui *ui, int y, const char *label, const char *value, int w)
{
	draw_cell(ui, y, 2, label, 18, ui->attrs[UIC_HEADER], 0);
	draw_text(ui, y, 21, value, w - 22, A_NORMAL);
}

/* The Sieve section: the vacation and the filters vmailadm renders into
 * the mailbox's sieve_before script. Returns the next line. */
static int draw_sieve(struct ui *ui, struct detail *d, int y, int w)
{
	char buf[1200];

	if (!d->sieve_loaded) {
		struct vm_error err = {0};

		vacation_info_clear(&d->vac);
		filter_rows_free(&d->filters, d->nfilters);
		d->nfilters = 0;
		d->has_vac = vacation_get(ui->vm, d->address, &d->vac, &err) == VM_OK;
		d->no_tables = err.status == VM_ERR_REFUSED;
		if (!d->no_tables && filter_list(ui->vm, d->address, &d->filters, &d->nfilters, &err) != VM_OK)
			d->nfilters = 0;
		d->sieve_loaded = 1;
	}
	y++;
	draw_text(ui, y++, 2, "Sieve (run before the user's own script)", w - 4, ui->attrs[UIC_HEADER]);
	if (d->no_tables) {
		line(ui, y++, "Vacation", "no vacation/filter tables: run vmailadm db upgrade", w);
		return y;
	}
	if (!d->has_vac)
		snprintf(buf, sizeof buf, "none");
	else
		snprintf(buf, sizeof buf, "%s%s%s%s%s: %s",
			 !d->vac.enabled ? "off"
			 : d->vac.active ? "on"
					 : "waiting",
			 d->vac.from[0] ? " from " : "", d->vac.from, d->vac.until[0] ? " until " : "", d->vac.until,
			 d->vac.subject);
	line(ui, y++, "Vacation", buf, w);
	snprintf(buf, sizeof buf, "%zu", d->nfilters);
	line(ui, y++, "Filters", d->nfilters ? buf : "none", w);
	for (size_t i = 0; i < d->nfilters && i < 5; i++) {
		snprintf(buf, sizeof buf, "%zu. %s: %s%s%s%s", i + 1, d->filters[i].name, d->filters[i].action,
			 d->filters[i].argument[0] ? " " : "", d->filters[i].argument, d->filters[i].stop ? ", stop" : "");
		line(ui, y++, "", buf, w);
	}
	return y;
}

static void draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct detail *d = s->data;
	const struct mailbox *mb = &d->mb;
	char buf[1200], q[32], used[32];
	char *home;
	int y = y0 + 1;

	if (!d->loaded)
		load(ui, d);
	if (d->missing) {
		draw_text(ui, y, 2, "this mailbox no longer exists (deleted by someone else?)", w - 4,
			  ui->attrs[UIC_ERROR]);
		return;
	}
	line(ui, y++, "Address", idn_shown_address(mb->address, buf, sizeof buf), w);
	snprintf(buf, sizeof buf, "%s%s%s", mb->first, mb->first[0] && mb->last[0] ? " " : "", mb->last);
	line(ui, y++, "Name", buf, w);
	line(ui, y++, "Enabled", mb->enabled ? "yes" : "no", w);
	snprintf(buf, sizeof buf, "%s%s", fmt_mb(mb->quota_mb, 1, q, sizeof q),
		 mb->use_domain_quota ? " (follows the domain's quota)" : "");
	line(ui, y++, "Quota", buf, w);
	if (mb->has_usage)
		snprintf(buf, sizeof buf, "%s in %lld message(s)", fmt_bytes(mb->bytes, used, sizeof used), mb->messages);
	else
		snprintf(buf, sizeof buf, "no usage recorded yet");
	line(ui, y++, "Used", buf, w);
	draw_cell(ui, y, 2, "Usage", 18, ui->attrs[UIC_HEADER], 0);
	draw_usage(ui, y++, 21, 30, mb->bytes, mb->quota_mb, A_NORMAL);
	home = mailbox_home(ui->vm, mb->domain, mb->local);
	line(ui, y++, "Home", home ? home : "", w);
	free(home);
	snprintf(buf, sizeof buf, "%lld", mb->pending_ops);
	line(ui, y++, "Pending operations", buf, w);
	line(ui, y++, "Services", mb->services[0] ? mb->services : "all (imap, pop3, smtp, sieve)", w);
	if (!d->ngrants)
		line(ui, y++, "May also send as", "(its lists and domain aliases only)", w);
	for (size_t i = 0; i < d->ngrants && y < y0 + h - 2; i++)
		line(ui, y++, i ? "" : "May also send as", d->grants[i].address, w);
	y = draw_sieve(ui, d, y, w);
	y++;
	if (y < y0 + h)
		draw_text(ui, y, 2,
			  ui->vm->read_only ? "read-only session"
					    : "e: edit  d: delete  v: vacation  s/S: sender +/-  p: services  Esc: back",
			  w - 4, ui->attrs[UIC_INFO]);
}

static int key_fn(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct detail *d = s->data;

	if (r == REQ_NONE && ch == 'v') {
		if (!d->missing && !ui->vm->read_only && edit_vacation(ui, d->address))
			ui_refresh_all(ui);
		return 1;
	}
	switch (r) {
	case REQ_EDIT:
	case REQ_ENTER:
		if (!d->missing && !ui->vm->read_only && edit_mailbox(ui, d->mb.domain, d->address))
			ui_refresh_all(ui);
		return 1;
	case REQ_DELETE: {
		const char *t[1] = {d->address};

		if (!d->missing && edit_bulk(ui, "mailbox", r, t, 1)) {
			ui_pop(ui);
			ui_refresh_all(ui);
		}
		return 1;
	}
	case REQ_ENABLE:
	case REQ_DISABLE:
	case REQ_SET_QUOTA: {
		const char *t[1] = {d->address};

		if (!d->missing && edit_bulk(ui, "mailbox", r, t, 1))
			ui_refresh_all(ui);
		return 1;
	}
	case REQ_REFRESH:
		load(ui, d);
		ui->dirty = 1;
		return 1;
	default:
		if (d->missing || ui->vm->read_only)
			return 0;
		if (ch == 's') {
			run_edit(ui, d, "May also send as (address or @domain): ", "sender", "add");
			return 1;
		}
		if (ch == 'S') {
			run_edit(ui, d, "Take back the sender address: ", "sender", "del");
			return 1;
		}
		if (ch == 'p') {
			run_edit(ui, d, "Services (e.g. pop3=no imap=yes send-only=no): ", "mailbox", "set");
			return 1;
		}
		return 0;
	}
}

static void refresh_fn(struct ui *ui, struct screen *s)
{
	load(ui, s->data);
}

static void close_fn(struct screen *s)
{
	struct detail *d = s->data;

	vacation_info_clear(&d->vac);
	filter_rows_free(&d->filters, d->nfilters);
	free(d->grants);
	free(d);
}

static int action_for(const struct screen_ops *ops, enum req r)
{
	(void)ops;
	return r == REQ_EDIT ? ACTION_MAILBOX_SET : r == REQ_DELETE ? ACTION_MAILBOX_DEL : -1;
}

static const struct screen_ops detail_ops = {
	.name = "Mailbox",
	.view = REQ_NONE,
	.draw = draw,
	.key = key_fn,
	.reload = refresh_fn,
	.close = close_fn,
	.action_for = action_for,
};

struct screen *screen_mailbox_new(struct ui *ui, const char *address)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct detail *d = xcalloc(1, sizeof *d);

	(void)ui;
	snprintf(d->address, sizeof d->address, "%s", address);
	s->ops = &detail_ops;
	s->data = d;
	snprintf(s->title, sizeof s->title, "Mailbox %s", address);
	return s;
}
