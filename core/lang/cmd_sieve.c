/* SPDX-License-Identifier: MIT */
/* cmd_sieve.c: the vacation, filter and sieve statements (interp.h's
 * action table): they parse the words and call core/sieve.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lang/interp.h"
#include "core/mailbox.h"
#include "lib/output.h"
#include "core/sieve.h"
#include "core/sieveprog.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

enum vm_status cmd_vacation_set(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct vacation_opts o = {0};
	const char *days = args_opt(a, "days");

	o.subject = args_opt(a, "subject");
	o.text = args_opt(a, "text");
	o.from = args_opt(a, "from");
	o.until = args_opt(a, "until");
	o.addresses = args_opt(a, "addresses");
	if (o.from && !*o.from)
		o.from = NULL;
	if (o.until && !*o.until)
		o.until = NULL;
	if (days) {
		char *end;
		long d = strtol(days, &end, 10);

		if (!*days || *end || d < 1 || d > SIEVE_DAYS_MAX)
			return vm_fail(err, VM_ERR_INVALID, "days: a whole number of days, 1 to %d (not '%.20s')",
				       SIEVE_DAYS_MAX, days);
		o.has_days = 1;
		o.days = (int)d;
	}
	return vacation_set(vm, a->pos[0], &o, err);
}

enum vm_status cmd_vacation_off(struct vm *vm, struct args *a, struct vm_error *err)
{
	return vacation_off(vm, a->pos[0], err);
}

static void vacation_row(struct out_table *t, const struct vacation_info *v, int full)
{
	char days[16];

	snprintf(days, sizeof days, "%d", v->days);
	if (full) {
		const char *vals[9] = {v->address,
				       v->enabled ? "yes" : "no",
				       v->active ? "yes" : "no",
				       v->from,
				       v->until,
				       days,
				       v->addresses,
				       v->subject,
				       v->text};

		out_table_row(t, vals);
	} else {
		const char *vals[7] =
			{v->address, v->enabled ? "yes" : "no", v->active ? "yes" : "no", v->from, v->until, days,
			 v->subject};

		out_table_row(t, vals);
	}
}

enum vm_status cmd_vacation_show(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"address", "enabled",   "active",  "from", "until",
					   "days",    "addresses", "subject", "text"};
	struct vacation_info v;
	struct out_table t;
	enum vm_status st = vacation_get(vm, a->pos[0], &v, err);

	if (st != VM_OK)
		return st;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 9, cols);
	vacation_row(&t, &v, 1);
	out_table_end(&t);
	vacation_info_clear(&v);
	return VM_OK;
}

enum vm_status cmd_vacation_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"address", "enabled", "active", "from", "until", "days", "subject"};
	struct out_table t;
	long long after_d = 0, after_m = 0;
	enum vm_status st;

	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 7, cols);
	for (;;) {
		struct vacation_info *rows = NULL;
		size_t n = 0;

		if ((st = vacation_list(vm, a->npos ? a->pos[0] : NULL, after_d, after_m, 500, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n; i++)
			vacation_row(&t, &rows[i], 0);
		if (n) {
			after_d = rows[n - 1].domain_id;
			after_m = rows[n - 1].mbox_id;
		}
		vacation_rows_free(&rows, n);
		if (n < 500)
			break;
	}
	out_table_end(&t);
	return st;
}

enum vm_status cmd_filter_add(struct vm *vm, struct args *a, struct vm_error *err)
{
	struct filter_opts o = {0};
	const char **tests = xcalloc((size_t)a->nopt + 1, sizeof *tests);
	enum vm_status st;

	o.any = args_flag(a, "any");
	o.stop = args_flag(a, "stop");
	if (a->npos != 2) {
		free(tests);
		return vm_fail(err, VM_ERR_USAGE, "unexpected word '%s' (only any and stop may follow NAME)",
			       a->pos[a->npos - 1]);
	}
	o.ntests = args_opt_all(a, "if", tests);
	o.tests = tests;
	o.then = args_opt(a, "then");
	st = filter_add(vm, a->pos[0], a->pos[1], &o, err);
	free(tests);
	return st;
}

enum vm_status cmd_filter_del(struct vm *vm, struct args *a, struct vm_error *err)
{
	return filter_del(vm, a->pos[0], a->pos[1], err);
}

enum vm_status cmd_filter_move(struct vm *vm, struct args *a, struct vm_error *err)
{
	if (strcmp(a->pos[2], "up") != 0 && strcmp(a->pos[2], "down") != 0)
		return vm_fail(err, VM_ERR_USAGE, "give up or down, not '%.20s'", a->pos[2]);
	return filter_move(vm, a->pos[0], a->pos[1], strcmp(a->pos[2], "up") == 0, err);
}

enum vm_status cmd_filter_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"position", "name", "match", "if", "then", "stop"};
	struct filter_info *rows = NULL;
	struct out_table t;
	size_t n = 0;
	enum vm_status st = filter_list(vm, a->pos[0], &rows, &n, err);

	if (st != VM_OK)
		return st;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 6, cols);
	for (size_t i = 0; i < n; i++) {
		char pos[32], *tests = xcalloc(strlen(rows[i].tests) * 3 + 1, 1), *w = tests, *then;

		/* the stored tests are one a line: " ; " between them in the table */
		for (const char *p = rows[i].tests; *p; p++)
			if (*p == '\n') {
				memcpy(w, " ; ", 3);
				w += 3;
			} else {
				*w++ = *p;
			}
		then = *rows[i].argument ? xasprintf("%s:%s", rows[i].action, rows[i].argument) : xstrdup(rows[i].action);
		snprintf(pos, sizeof pos, "%zu", i + 1);
		out_table_row(&t, (const char *const[]){pos, rows[i].name, rows[i].any ? "any" : "all", tests, then,
							rows[i].stop ? "yes" : "no"});
		free(tests);
		free(then);
	}
	out_table_end(&t);
	filter_rows_free(&rows, n);
	return VM_OK;
}

/* Prints a script as it is (a backslash stays one, so what is shown is
 * what Pigeonhole reads), except that a control character other than
 * newline and tab, a C1 control or invalid UTF-8 is shown as \xNN: a row
 * edited by hand must not reach the terminal raw either. */
static void print_script(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_shown_seq(p);

		if (n == 0 || (n == 1 && ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f))) {
			fprintf(out, "\\x%02x", *p);
			p++;
			continue;
		}
		fwrite(p, 1, n, out);
		p += n;
	}
	if (p > (const unsigned char *)s && p[-1] != '\n')
		fputc('\n', out);
}

/* The user's own scripts, through doveadm: name and active flag per line.
 * *names and *active malloc'd (free each name and both arrays). */
static enum vm_status user_scripts(struct vm *vm, const char *address, char ***names, int **active, size_t *n,
				   struct vm_error *err)
{
	const char *args[] = {"sieve", "list", "-u", address, NULL};
	char *out = NULL, msg[512];
	const char *doveadm = vm->cfg && vm->cfg->sieve_doveadm ? vm->cfg->sieve_doveadm : "doveadm";

	*names = NULL;
	*active = NULL;
	*n = 0;
	if (sieveprog_doveadm(doveadm, args, &out, msg, sizeof msg) < 0)
		return vm_fail(err, VM_ERR_REFUSED, "reading %s's own scripts with '%s sieve list': %s", address,
			       doveadm, msg);
	for (char *save = NULL, *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(l, ' ');
		int act = sp && strcmp(sp + 1, "ACTIVE") == 0;

		if (act)
			*sp = '\0';
		if (!*l)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		*active = xreallocarray(*active, *n + 1, sizeof **active);
		(*names)[*n] = xstrdup(l);
		(*active)[(*n)++] = act;
	}
	free(out);
	return VM_OK;
}

static void free_names(char **names, int *active, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(active);
}

enum vm_status cmd_sieve_show(struct vm *vm, struct args *a, struct vm_error *err)
{
	char *id = NULL, *data = NULL, **names = NULL;
	int *active = NULL;
	size_t n = 0;
	struct mailbox mb;
	enum vm_status st;
	int json = vm->format == VM_FORMAT_JSON;

	if ((st = sieve_script_get(vm, a->pos[0], &id, &data, err)) != VM_OK)
		return st;
	if ((st = mailbox_get(vm, a->pos[0], &mb, err)) != VM_OK)
		goto out;
	if (vm->cfg && vm->cfg->sieve_user_scripts && (st = user_scripts(vm, mb.address, &names, &active, &n, err)) != VM_OK)
		goto out;
	if (json) {
		fputs("[{\"name\":\"active\",\"kind\":\"vmailadm\",\"id\":", vm->out);
		if (id)
			out_json_string(vm->out, id);
		else
			fputs("null", vm->out);
		fputs(",\"script\":", vm->out);
		if (data)
			out_json_string(vm->out, data);
		else
			fputs("null", vm->out);
		fputs("}", vm->out);
	} else if (data) {
		fprintf(vm->out, "# sieve_before: vmailadm's script for ");
		out_safe(vm->out, mb.address);
		fprintf(vm->out, " (id ");
		out_safe(vm->out, id);
		fprintf(vm->out, ")\n");
		print_script(vm->out, data);
	} else {
		fprintf(vm->out, "# sieve_before: vmailadm keeps no script for ");
		out_safe(vm->out, mb.address);
		fprintf(vm->out, " (no vacation, no filter)\n");
	}
	for (size_t i = 0; i < n; i++) {
		const char *args[] = {"sieve", "get", "-u", mb.address, names[i], NULL};
		char *text = NULL, msg[512];
		const char *doveadm = vm->cfg->sieve_doveadm ? vm->cfg->sieve_doveadm : "doveadm";

		if (sieveprog_doveadm(doveadm, args, &text, msg, sizeof msg) < 0) {
			st = vm_fail(err, VM_ERR_REFUSED, "reading the user's script %s with '%s sieve get': %s",
				     names[i], doveadm, msg);
			break;
		}
		if (json) {
			fputs(",{\"name\":", vm->out);
			out_json_string(vm->out, names[i]);
			fprintf(vm->out, ",\"kind\":\"user\",\"active\":%s,\"script\":", active[i] ? "true" : "false");
			out_json_string(vm->out, text);
			fputs("}", vm->out);
		} else {
			fprintf(vm->out, "# the user's own script ");
			out_safe(vm->out, names[i]);
			fprintf(vm->out, "%s\n", active[i] ? " (active: runs after vmailadm's)" : " (not active)");
			print_script(vm->out, text);
		}
		free(text);
	}
	if (json)
		fputs("]\n", vm->out);
out:
	free_names(names, active, n);
	free(id);
	free(data);
	return st;
}

enum vm_status cmd_sieve_list(struct vm *vm, struct args *a, struct vm_error *err)
{
	static const char *const cols[] = {"name", "kind", "active", "id"};
	char *id = NULL, *data = NULL, **names = NULL;
	int *active = NULL;
	size_t n = 0;
	struct out_table t;
	struct mailbox mb;
	enum vm_status st;

	if ((st = sieve_script_get(vm, a->pos[0], &id, &data, err)) != VM_OK)
		return st;
	if ((st = mailbox_get(vm, a->pos[0], &mb, err)) != VM_OK)
		goto out;
	if (vm->cfg && vm->cfg->sieve_user_scripts && (st = user_scripts(vm, mb.address, &names, &active, &n, err)) != VM_OK)
		goto out;
	out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 4, cols);
	if (id)
		out_table_row(&t, (const char *const[]){"active", "vmailadm", "yes", id});
	for (size_t i = 0; i < n; i++)
		out_table_row(&t, (const char *const[]){names[i], "user", active[i] ? "yes" : "no", ""});
	out_table_end(&t);
out:
	free_names(names, active, n);
	free(id);
	free(data);
	return st;
}
