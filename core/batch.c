/* SPDX-License-Identifier: MIT */
/* batch.c: script and one-shot statement runner (see batch.h). */
#include "core/batch.h"

#include <stdio.h>
#include <string.h>

#include "core/interp.h"

static void where_of(const struct script *sc, const struct stmt *s, const struct batch_opts *o, char *buf,
		     size_t len)
{
	if (o->one_shot)
		snprintf(buf, len, "vmailadm");
	else
		snprintf(buf, len, "%s:%d", sc->name, s->line);
}

static void print_changes(struct vm *vm, const struct batch_opts *o)
{
	if (o->quiet || vm->changes.n == 0)
		return;
	if (vm->format == VM_FORMAT_JSON) {
		fputs("{\"dry_run\":", vm->out);
		fputs(vm->dry_run ? "true" : "false", vm->out);
		fputs(",\"changes\":", vm->out);
		change_list_print_json(&vm->changes, vm->out);
		fputs("}\n", vm->out);
	} else {
		if (vm->dry_run)
			fprintf(vm->out, "dry run: these changes were made and rolled back:\n");
		change_list_print(&vm->changes, vm->out);
	}
	fflush(vm->out);
}

static int any_write(const struct script *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		if (interp_writes(&sc->stmts[i]))
			return 1;
	return 0;
}

int batch_run(struct vm *vm, const struct script *sc, const struct batch_opts *o)
{
	struct vm_error err = {0};
	char where[512];
	enum vm_status st = VM_OK;
	size_t done = 0, failed = 0;

	vm_changes_clear(vm);
	if (!o->keep_going) {
		if ((st = vm_tx_begin(vm, any_write(sc), &err)) != VM_OK) {
			fprintf(stderr, "%s: %s\n", o->one_shot ? "vmailadm" : sc->name, err.msg);
			return vm_exit_status(st);
		}
		for (size_t i = 0; i < sc->n; i++) {
			where_of(sc, &sc->stmts[i], o, where, sizeof where);
			if ((st = interp_exec(vm, &sc->stmts[i], where, &err)) != VM_OK)
				break;
			done++;
		}
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
			{
				enum vm_status st2 = vm_tx_end(vm, st == VM_OK, st == VM_OK ? &err : NULL);

				if (st == VM_OK)
					st = st2;
			}
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
