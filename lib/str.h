/* SPDX-License-Identifier: MIT */
/* str.h: growing malloc'd strings, for the SQL text the core builds. */
#ifndef VMAILADM_STR_H
#define VMAILADM_STR_H

#include <stddef.h>

/* Appends text to *s (a malloc'd string or NULL, reallocated; caller frees). */
void str_append(char **s, const char *text);
/* head "?,?,...?" (n placeholders) tail, malloc'd (caller frees): an IN list
 * of bound values. */
char *str_in_list(const char *head, size_t n, const char *tail);
/* keys[0..n) as one PostgreSQL array literal, each element quoted ('"' and
 * '\\' escaped), to be bound as a single text[] parameter (malloc'd) */
char *str_pg_array(char **keys, int n);

#endif
