/* SPDX-License-Identifier: MIT */
/* auditlog.c: writing the audit log at commit (auditlog.h). */
#include "core/auditlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/output.h"
#include "lib/xalloc.h"

/* A TEXT column holds 65535 bytes on MySQL; a value is cut before that, at
 * a character boundary, so that the row still goes in. */
#define AUDIT_VALUE_MAX 60000

struct audit_state {
	int present; /* 0 not looked yet, 1 table present, -1 missing */
};

static int secret_field(const char *name)
{
	return strstr(name, "password") || strstr(name, "hash") || strstr(name, "secret");
}

/* Cuts s (in place) to at most max bytes without splitting a UTF-8 sequence. */
static void cut_utf8(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/* The fields' before (which = 0) or after (1) values as a JSON object, or
 * NULL when the object did not exist on that side. Caller frees. */
static char *fields_json(const struct change *c, int which)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((which == 0 && c->op == CHANGE_ADD) || (which == 1 && c->op == CHANGE_DEL))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		xdie("out of memory");
	fputc('{', f);
	for (size_t j = 0; j < c->nfields; j++) {
		const struct field *fd = &c->fields[j];
		const char *v = which ? fd->after : fd->before;

		if (j)
			fputc(',', f);
		out_json_string(f, fd->name);
		fputc(':', f);
		if (!v)
			fputs("null", f);
		else
			out_json_string(f, secret_field(fd->name) ? "(set)" : v);
	}
	fputc('}', f);
	if (fclose(f) != 0)
		xdie("out of memory");
	cut_utf8(buf, AUDIT_VALUE_MAX);
	return buf;
}

enum vm_status audit_present(struct vm *vm, int *present, struct vm_error *err)
{
	struct db_result *res = NULL;
	struct db_error dberr = {0};

	if (!vm->audit)
		vm->audit = xcalloc(1, sizeof *vm->audit);
	*present = 0;
	if (!vm->audit->present) {
		if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_TABLES, NULL, &res, &dberr) != DB_OK)
			return vm_db_fail(err, &dberr, "looking for the audit log table");
		vm->audit->present = -1;
		for (size_t r = 0; r < res->nrows; r++)
			if (db_value(res, r, 0) && strcmp(db_value(res, r, 0), "vmailadm_audit") == 0)
				vm->audit->present = 1;
		db_result_free(&res);
	}
	*present = vm->audit->present > 0;
	return VM_OK;
}

void audit_recheck(struct vm *vm)
{
	if (vm->audit)
		vm->audit->present = 0;
}

void audit_free(struct vm *vm)
{
	free(vm->audit);
	vm->audit = NULL;
}

enum vm_status audit_record(struct vm *vm, const struct change *changes, size_t n, struct vm_error *err)
{
	static const char *const opname[] = {"add", "change", "remove"};
	static int warned;
	enum vm_status st = VM_OK;
	const char *now;
	int present;

	if (n == 0)
		return VM_OK;
	if ((st = audit_present(vm, &present, err)) != VM_OK)
		return st;
	if (!present) {
		if (!vm->actor.superuser)
			return vm_fail(err, VM_ERR_REFUSED,
				       "the audit log table vmailadm_audit is missing, so a domain administrator's "
				       "changes cannot be recorded; a superadministrator must run `vmailadm db init`; "
				       "nothing was changed");
		if (!warned++)
			fprintf(stderr, "vmailadm: warning: no audit log table (vmailadm_audit): this change is not "
					"recorded; `vmailadm db init` adds the table\n");
		return VM_OK;
	}
	now = vm_now();
	for (size_t i = 0; i < n && st == VM_OK; i++) {
		const struct change *c = &changes[i];
		char *before = fields_json(c, 0), *after = fields_json(c, 1);
		char *key = xstrdup(c->key);
		const char *actor = *vm->actor.login ? vm->actor.login : "unknown";
		long long id;

		cut_utf8(key, AUDIT_VALUE_MAX);
		st = vm_sql_insert(vm,
				   "INSERT INTO vmailadm_audit (at, actor, origin, object, object_key, op, before_value, "
				   "after_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				   8,
				   (const char *const[]){now, actor, vm->actor.origin, c->object, key, opname[c->op],
							 before, after},
				   &id, err, "writing the audit log");
		free(before);
		free(after);
		free(key);
	}
	return st;
}
