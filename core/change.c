/* SPDX-License-Identifier: MIT */
/* change.c: the change list of a transaction, printed as a diff. */
#include "core/change.h"

#include <stdlib.h>
#include <string.h>

#include "lib/output.h"
#include "lib/xalloc.h"

struct change *change_begin(struct change_list *cl, enum change_op op, const char *object, const char *key)
{
	struct change *c;

	if (cl->n == cl->cap) {
		cl->cap = cl->cap ? cl->cap * 2 : 16;
		cl->items = xreallocarray(cl->items, cl->cap, sizeof *cl->items);
	}
	c = &cl->items[cl->n++];
	memset(c, 0, sizeof *c);
	c->op = op;
	c->object = xstrdup(object);
	c->key = xstrdup(key);
	return c;
}

void change_field(struct change *c, const char *name, const char *before, const char *after)
{
	struct field *f;

	if (c->op == CHANGE_SET && before && after && strcmp(before, after) == 0)
		return;
	c->fields = xreallocarray(c->fields, c->nfields + 1, sizeof *c->fields);
	f = &c->fields[c->nfields++];
	f->name = xstrdup(name);
	f->before = before ? xstrdup(before) : NULL;
	f->after = after ? xstrdup(after) : NULL;
}

static void change_free(struct change *c)
{
	for (size_t j = 0; j < c->nfields; j++) {
		free(c->fields[j].name);
		free(c->fields[j].before);
		free(c->fields[j].after);
	}
	free(c->fields);
	free(c->object);
	free(c->key);
}

int change_end(struct change_list *cl)
{
	struct change *c;

	if (cl->n == 0)
		return 0;
	c = &cl->items[cl->n - 1];
	if (c->op == CHANGE_SET && c->nfields == 0) {
		change_free(c);
		cl->n--;
		return 0;
	}
	return 1;
}

void change_list_clear(struct change_list *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		change_free(&cl->items[i]);
	free(cl->items);
	memset(cl, 0, sizeof *cl);
}

static const char op_mark[] = {'+', '~', '-'};

void change_list_print(const struct change_list *cl, FILE *out)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct change *c = &cl->items[i];

		fprintf(out, "%c %s ", op_mark[c->op], c->object);
		out_safe(out, c->key);
		for (size_t j = 0; j < c->nfields; j++) {
			const struct field *f = &c->fields[j];

			fprintf(out, "%s%s", j ? ", " : "  ", f->name);
			if (c->op == CHANGE_SET) {
				fputs(": ", out);
				out_safe(out, f->before ? f->before : "");
				fputs(" -> ", out);
				out_safe(out, f->after ? f->after : "");
			} else {
				fputc('=', out);
				out_safe(out, c->op == CHANGE_ADD ? (f->after ? f->after : "")
								  : (f->before ? f->before : ""));
			}
		}
		fputc('\n', out);
	}
}

void change_list_print_json(const struct change_list *cl, FILE *out)
{
	static const char *const opname[] = {"add", "change", "remove"};

	fputc('[', out);
	for (size_t i = 0; i < cl->n; i++) {
		const struct change *c = &cl->items[i];

		fprintf(out, "%s{\"op\":\"%s\",\"object\":", i ? "," : "", opname[c->op]);
		out_json_string(out, c->object);
		fputs(",\"key\":", out);
		out_json_string(out, c->key);
		fputs(",\"fields\":{", out);
		for (size_t j = 0; j < c->nfields; j++) {
			const struct field *f = &c->fields[j];

			if (j)
				fputc(',', out);
			out_json_string(out, f->name);
			fputs(":{\"before\":", out);
			if (f->before)
				out_json_string(out, f->before);
			else
				fputs("null", out);
			fputs(",\"after\":", out);
			if (f->after)
				out_json_string(out, f->after);
			else
				fputs("null", out);
			fputc('}', out);
		}
		fputs("}}", out);
	}
	fputs("]\n", out);
}
