/* SPDX-License-Identifier: MIT */
/* batch.c: script and one-shot statement runner (see batch.h). */
#include "core/lang/batch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bulk.h"
#include "core/lang/interp.h"
#include "core/validate.h"
#include "lib/xalloc.h"

static void where_of(const struct script *sc, const struct stmt *s, const struct batch_opts *o, char *buf, size_t len)
{
	if (o->one_shot)
		snprintf(buf, len, "vmailadm");
	else
		snprintf(buf, len, "%s:%d", sc->name, s->line);
}

/* The diff grouped by object: kinds in the order they first changed, and
 * within a kind every change of one object together (in the order made),
 * objects by key. A shallow view: the items still belong to vm->changes. */
struct change_ref {
	const struct change *c;
	size_t kind_rank, pos;
};

static int cmp_change_ref(const void *a, const void *b)
{
	const struct change_ref *x = a, *y = b;
	int k;

	if (x->kind_rank != y->kind_rank)
		return x->kind_rank < y->kind_rank ? -1 : 1;
	if ((k = strcmp(x->c->key, y->c->key)) != 0)
		return k;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void grouped(const struct change_list *cl, struct change_list *view)
{
	struct change_ref *refs = xcalloc(cl->n ? cl->n : 1, sizeof *refs);
	const char **kinds = xcalloc(cl->n ? cl->n : 1, sizeof *kinds);
	size_t nkinds = 0;

	for (size_t i = 0; i < cl->n; i++) {
		size_t k;

		for (k = 0; k < nkinds; k++)
			if (strcmp(kinds[k], cl->items[i].object) == 0)
				break;
		if (k == nkinds)
			kinds[nkinds++] = cl->items[i].object;
		refs[i] = (struct change_ref){&cl->items[i], k, i};
	}
	qsort(refs, cl->n, sizeof *refs, cmp_change_ref);
	view->items = xcalloc(cl->n ? cl->n : 1, sizeof *view->items);
	view->n = view->cap = cl->n;
	for (size_t i = 0; i < cl->n; i++)
		view->items[i] = *refs[i].c;
	free(refs);
	free(kinds);
}

static void print_changes(struct vm *vm, const struct batch_opts *o)
{
	struct change_list view;

	if (o->quiet || vm->changes.n == 0)
		return;
	grouped(&vm->changes, &view);
	if (vm->format == VM_FORMAT_JSON) {
		fputs("{\"dry_run\":", vm->out);
		fputs(vm->dry_run ? "true" : "false", vm->out);
		fputs(",\"changes\":", vm->out);
		change_list_print_json(&view, vm->out);
		fputs("}\n", vm->out);
	} else {
		if (vm->dry_run)
			fprintf(vm->out, "dry run: these changes were made and rolled back:\n");
		change_list_print(&view, vm->out);
	}
	free(view.items); /* only the array: the changes are vm->changes' */
	fflush(vm->out);
}

static int any_write(const struct script *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		if (interp_writes(&sc->stmts[i]))
			return 1;
	return 0;
}

/* A `mailbox add` the bulk path may take: the words interp_exec would
 * accept, with valid option values (the last of a repeated option wins, as
 * in args_opt). Anything else goes the single path, which gives the
 * message. */
static int bulk_item(const struct stmt *s, struct bulk_mailbox *b)
{
	static const char *const keys[] = {"password", "password-hash", "quota", "name", "enabled"};
	struct vm_error e;
	int npos = 0;

	memset(b, 0, sizeof *b);
	if (s->nwords < 3 || strcmp(s->words[0], "mailbox") != 0 || strcmp(s->words[1], "add") != 0)
		return 0;
	for (int i = 2; i < s->nwords; i++) {
		const char *w = s->words[i], *eq = strchr(w, '=');
		size_t k;

		if (eq && eq > w) {
			for (k = 0; k < sizeof keys / sizeof *keys; k++)
				if (strlen(keys[k]) == (size_t)(eq - w) && strncmp(w, keys[k], (size_t)(eq - w)) == 0)
					break;
			switch (k) {
			case 0:
				b->o.password = eq + 1;
				continue;
			case 1:
				b->o.password_hash = eq + 1;
				continue;
			case 2:
				if (valid_size_mb(eq + 1, "quota", &b->o.quota_mb, &e) != VM_OK)
					return 0;
				b->o.has_quota = 1;
				continue;
			case 3:
				b->o.name = eq + 1;
				continue;
			case 4:
				if (valid_bool(eq + 1, "enabled", &b->o.enabled, &e) != VM_OK)
					return 0;
				b->o.has_enabled = 1;
				continue;
			default:
				if (!strchr(w, '@'))
					return 0; /* an unknown option */
			}
		}
		if (npos++)
			return 0;
		b->address = w;
	}
	return npos == 1;
}

/* Runs of two or more consecutive bulk-able `mailbox add`s. Their passwords
 * are hashed (or given hashes checked) on all cores by the hashing pool
 * (core/bulk.h), in order, while this thread writes the slices already
 * hashed: the database work of one slice overlaps the hashing of the next,
 * so a big import is bound by hashing alone. Only the last slice's database
 * work comes after the hashing, so the slices are small: with 2,000 a slice,
 * 4,000 mailboxes waited for half their rows after the last hash. */
#define BULK_SLICE 500

struct bulk_plan {
	struct bulk_mailbox *items;
	unsigned char *in_run;
	struct hash_job *jobs;
	size_t njobs;
	size_t *job_of; /* the job of statement i, or SIZE_MAX */
	struct hash_pool *pool;
};

static int has_job(const struct mailbox_opts *mo)
{
	return !(mo->password && mo->password_hash) && (mo->password || mo->password_hash);
}

/* Waits until the jobs of statements [a, b) are done and points their items
 * at the hashes. */
static void plan_wait(struct bulk_plan *p, size_t a, size_t b)
{
	size_t need = 0;

	for (size_t i = a; i < b; i++)
		if (p->job_of[i] != SIZE_MAX)
			need = p->job_of[i] + 1;
	if (p->pool)
		bulk_hash_wait(p->pool, need);
	for (size_t i = a; i < b; i++)
		if (p->job_of[i] != SIZE_MAX && p->jobs[p->job_of[i]].ok)
			p->items[i].hash = p->jobs[p->job_of[i]].out;
}

static int plan_bulk(struct vm *vm, const struct script *sc, struct bulk_plan *p)
{
	size_t runs = 0;

	memset(p, 0, sizeof *p);
	if (vm->read_only || sc->n < 2)
		return 0;
	p->items = xcalloc(sc->n, sizeof *p->items);
	p->in_run = xcalloc(sc->n, 1);
	for (size_t i = 0; i < sc->n; i++)
		p->in_run[i] = (unsigned char)bulk_item(&sc->stmts[i], &p->items[i]);
	for (size_t i = 0; i < sc->n;) {
		size_t j = i;

		while (j < sc->n && p->in_run[j])
			j++;
		if (j - i == 1)
			p->in_run[i] = 0; /* alone: the single path is as fast */
		else if (j > i)
			runs++;
		i = j > i ? j : i + 1;
	}
	if (!runs) {
		free(p->items);
		free(p->in_run);
		memset(p, 0, sizeof *p);
		return 0;
	}
	p->jobs = xcalloc(sc->n, sizeof *p->jobs);
	p->job_of = xcalloc(sc->n, sizeof *p->job_of);
	for (size_t i = 0; i < sc->n; i++) {
		const struct mailbox_opts *mo = &p->items[i].o;

		p->job_of[i] = SIZE_MAX;
		if (!p->in_run[i] || !has_job(mo))
			continue;
		p->jobs[p->njobs].plain = mo->password;
		p->jobs[p->njobs].given = mo->password ? NULL : mo->password_hash;
		p->job_of[i] = p->njobs++;
	}
	p->pool = bulk_hash_start(password_scheme(vm), p->jobs, p->njobs);
	return 1;
}

static void plan_free(struct bulk_plan *p)
{
	bulk_hash_stop(&p->pool);
	if (p->jobs)
		explicit_bzero(p->jobs, p->njobs * sizeof *p->jobs);
	free(p->jobs);
	free(p->job_of);
	free(p->items);
	free(p->in_run);
	memset(p, 0, sizeof *p);
}

int batch_run(struct vm *vm, const struct script *sc, const struct batch_opts *o)
{
	struct vm_error err = {0};
	char where[512];
	enum vm_status st = VM_OK;
	size_t done = 0, failed = 0;

	vm_changes_clear(vm);
	if (!o->keep_going) {
		struct bulk_plan plan;

		plan_bulk(vm, sc, &plan); /* hashing starts before the transaction opens */
		if ((st = vm_tx_begin(vm, any_write(sc), &err)) != VM_OK) {
			plan_free(&plan);
			fprintf(stderr, "%s: %s\n", o->one_shot ? "vmailadm" : sc->name, err.msg);
			return vm_exit_status(st);
		}
		for (size_t i = 0; i < sc->n;) {
			if (plan.in_run && plan.in_run[i]) {
				size_t j = i, bad = 0;

				while (j < sc->n && plan.in_run[j] && j - i < BULK_SLICE)
					j++;
				plan_wait(&plan, i, j);
				if ((st = bulk_mailbox_add(vm, plan.items + i, j - i, &bad, &err)) != VM_OK) {
					char msg[sizeof err.msg];

					/* the message interp_exec would give for that line */
					where_of(sc, &sc->stmts[i + bad < sc->n ? i + bad : i], o, where, sizeof where);
					snprintf(msg, sizeof msg, "%s", err.msg);
					vm_fail(&err, st, "%s: mailbox add: %s", where, msg);
					break;
				}
				done += j - i;
				i = j;
				continue;
			}
			where_of(sc, &sc->stmts[i], o, where, sizeof where);
			if ((st = interp_exec(vm, &sc->stmts[i], where, &err)) != VM_OK)
				break;
			done++;
			i++;
		}
		plan_free(&plan);
		if (st != VM_OK) {
			vm_tx_end(vm, 0, NULL);
			vm_changes_clear(vm);
			fprintf(stderr, "%s\n", err.msg);
			if (!o->one_shot && sc->n > 1)
				fprintf(stderr, "%s: stopped; nothing was committed\n", sc->name);
			return vm_exit_status(st);
		}
		if ((st = vm_tx_end(vm, 1, &err)) != VM_OK) {
			vm_changes_clear(vm);
			fprintf(stderr, "%s: %s\n", o->one_shot ? "vmailadm" : sc->name, err.msg);
			return vm_exit_status(st);
		}
		print_changes(vm, o);
		vm_changes_clear(vm);
		return 0;
	}
	for (size_t i = 0; i < sc->n; i++) {
		where_of(sc, &sc->stmts[i], o, where, sizeof where);
		st = vm_tx_begin(vm, interp_writes(&sc->stmts[i]), &err);
		if (st == VM_OK) {
			st = interp_exec(vm, &sc->stmts[i], where, &err);
			st = vm_tx_finish(vm, st, &err);
		}
		if (st != VM_OK) {
			failed++;
			vm_changes_clear(vm);
			if (strncmp(err.msg, where, strlen(where)) == 0)
				fprintf(stderr, "%s\n", err.msg);
			else
				fprintf(stderr, "%s: %s\n", where, err.msg);
			if (st == VM_ERR_CONNECTION)
				break;
		} else {
			done++;
			print_changes(vm, o);
			vm_changes_clear(vm);
		}
	}
	if (vm->format == VM_FORMAT_JSON)
		fprintf(vm->out, "{\"summary\":{\"done\":%zu,\"failed\":%zu}}\n", done, failed);
	else
		fprintf(stderr, "%s: %zu done, %zu failed\n", sc->name, done, failed);
	if (st == VM_ERR_CONNECTION)
		return 3;
	return failed ? 1 : 0;
}
