/* SPDX-License-Identifier: MIT */
/* mailbox_detail.c: one mailbox: every field, its usage, pending
 * operations, and the keys to edit or delete it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "core/mailbox.h"
#include "core/sieve.h"
#include "db/xalloc.h"
#include "tui/ui.h"

struct detail {
	char address[VM_ADDRESS_MAX + 1];
	struct mailbox mb;
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
		snprintf(buf, sizeof buf, "%s%s%s%s%s: %s", !d->vac.enabled ? "off" : d->vac.active ? "on" : "waiting",
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
		draw_text(ui, y, 2, "this mailbox no longer exists (deleted by someone else?)", w - 4, ui->attrs[UIC_ERROR]);
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
	y = draw_sieve(ui, d, y, w);
	y++;
	if (y < y0 + h)
		draw_text(ui, y, 2,
			  ui->vm->read_only ? "read-only session" : "e: edit   v: vacation   d: delete   Esc: back", w - 4,
			  ui->attrs[UIC_INFO]);
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
	free(s->data);
}

static int action_for(enum req r)
{
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
