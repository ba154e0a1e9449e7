/* SPDX-License-Identifier: MIT */
/* change.h: the list of rows a transaction added, changed or removed, by
 * object ("mailbox alice@example.com"). Dry-run prints it as the diff; the
 * audit log stores it. Field values are what an administrator reads; a
 * password or hash is never stored here, only "(set)". */
#ifndef VMAILADM_CHANGE_H
#define VMAILADM_CHANGE_H

#include <stddef.h>
#include <stdio.h>

enum change_op { CHANGE_ADD, CHANGE_SET, CHANGE_DEL };

struct field {
	char *name;
	char *before; /* NULL for an added object */
	char *after;  /* NULL for a removed object */
};

struct change {
	enum change_op op;
	char *object; /* "domain", "mailbox", "alias", "domainalias", "operation", ... */
	char *key;    /* "example.com", "alice@example.com" */
	struct field *fields;
	size_t nfields;
};

struct change_list {
	struct change *items;
	size_t n, cap;
};

/* Starts a change and returns it (valid until the next change_begin). */
struct change *change_begin(struct change_list *cl, enum change_op op, const char *object, const char *key);
/* Adds a field; before/after copied (NULL allowed). For CHANGE_SET a field
 * whose before equals after is not recorded. */
void change_field(struct change *c, const char *name, const char *before, const char *after);
/* Ends the last change: a CHANGE_SET without fields is dropped. Returns 1 if
 * the change was kept. */
int change_end(struct change_list *cl);
void change_list_clear(struct change_list *cl);
/* Text diff: "+ mailbox a@b.test  quota=100 ...", "~ ... quota: 100 -> 200". */
void change_list_print(const struct change_list *cl, FILE *out);
/* JSON array of changes. */
void change_list_print_json(const struct change_list *cl, FILE *out);

#endif
