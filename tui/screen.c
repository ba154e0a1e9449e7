/* SPDX-License-Identifier: MIT */
/* screen.c: the one list screen, driven by a declaration (struct
 * list_screen, ui.h): the list draws, pages, marks, searches and sorts
 * (list.c); this file runs the declared keys, the shared add, edit, rename
 * and bulk requests, and reloads and frees the screen. */
#include <stdlib.h>
#include <string.h>

#include "core/idn.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

/* .ops is the declaration's first member */
static const struct list_screen *def_of(const struct screen_ops *ops)
{
	return (const struct list_screen *)ops;
}

struct screen *list_screen_of(const struct list *l)
{
	return l->ctx;
}

struct list_screen_state *list_screen_state(const struct screen *s)
{
	return s->data;
}

static const struct screen_key *find_key(const struct list_screen *def, enum req r)
{
	for (int i = 0; i < def->nkeys; i++)
		if (def->keys[i].req == r)
			return &def->keys[i];
	return NULL;
}

void list_screen_draw(struct ui *ui, struct screen *s, int y0, int h, int w)
{
	struct list_screen_state *st = s->data;

	if (!st->list.loaded)
		list_reload(ui, &st->list, 1);
	list_draw(ui, &st->list, y0, h, w);
}

int list_screen_key(struct ui *ui, struct screen *s, enum req r, int ch)
{
	struct list_screen_state *st = s->data;
	const struct screen_key *k = find_key(def_of(s->ops), r);

	(void)ch;
	if (k && k->says) {
		if (k->named)
			ui_message(ui, k->says_error, "%s: %s", req_name(r), k->says);
		else
			ui_message(ui, k->says_error, "%s", k->says);
		return 1;
	}
	if (k && k->run && k->run(ui, s, r, list_current(&st->list)))
		return 1;
	return list_key(ui, &st->list, r);
}

void list_screen_reload(struct ui *ui, struct screen *s)
{
	struct list_screen_state *st = s->data;

	list_reload(ui, &st->list, 0);
}

void list_screen_close(struct screen *s)
{
	struct list_screen_state *st = s->data;

	list_free(&st->list);
	free(st);
}

int list_screen_action_for(const struct screen_ops *ops, enum req r)
{
	const struct list_screen *def = def_of(ops);
	const struct screen_key *k = find_key(def, r);

	return k && k->verb && def->object ? action_find(def->object, k->verb) : -1;
}

int screen_add(struct ui *ui, struct screen *s, enum req r, void *row)
{
	(void)r;
	(void)row;
	if (def_of(s->ops)->edit(ui, s->domain, NULL))
		ui_refresh_all(ui);
	return 1;
}

int screen_edit(struct ui *ui, struct screen *s, enum req r, void *row)
{
	const struct list_screen *def = def_of(s->ops);

	(void)r;
	if (row && def->edit(ui, s->domain, def->word(row)))
		ui_refresh_all(ui);
	return 1;
}

int screen_rename(struct ui *ui, struct screen *s, enum req r, void *row)
{
	const struct list_screen *def = def_of(s->ops);

	(void)r;
	if (row && edit_rename(ui, def->object, def->word(row))) {
		list_unmark_all(&list_screen_state(s)->list);
		ui_refresh_all(ui);
	}
	return 1;
}

int screen_bulk(struct ui *ui, struct screen *s, enum req r, void *row)
{
	const struct list_screen *def = def_of(s->ops);
	struct list *l = &list_screen_state(s)->list;
	size_t n = 0;
	const char **t = list_targets(l, &n);
	char **words = xcalloc(n ? n : 1, sizeof *words);

	(void)row;
	/* local-part keys: the statements take addresses */
	for (size_t i = 0; i < n; i++)
		words[i] = !def->local_keys         ? xstrdup(t[i])
			   : strcmp(t[i], "*") == 0 ? xasprintf("@%s", s->domain)
						    : xasprintf("%s@%s", t[i], s->domain);
	if (n && edit_bulk(ui, def->object, r, (const char *const *)words, n)) {
		if (r == REQ_DELETE)
			list_unmark_all(l);
		ui_refresh_all(ui);
	}
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
	free(t);
	return 1;
}

struct screen *list_screen_new(const struct list_screen *def, const char *domain, long long domain_id)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct list_screen_state *st = xcalloc(1, sizeof *st);
	char shown[VM_DOMAIN_SHOWN];

	list_init(&st->list, &def->list, s);
	s->ops = &def->ops;
	s->data = st;
	s->list = def->no_status ? NULL : &st->list;
	snprintf(s->domain, sizeof s->domain, "%s", domain);
	s->domain_id = domain_id;
	snprintf(s->title, sizeof s->title, "%s%s%s", def->title,
		 domain[0] ? idn_shown(domain, shown, sizeof shown) : "", def->title_after ? def->title_after : "");
	return s;
}
