/* SPDX-License-Identifier: MIT */
/* str.h: growing malloc'd strings (the SQL text the core builds) and
 * percent-decoding (database URLs). */
#ifndef VMAILADM_STR_H
#define VMAILADM_STR_H

#include <stddef.h>

/* Appends text to *s (a malloc'd string or NULL, reallocated; caller frees). */
void str_append(char **s, const char *text);
/* head "?,?,...?" (n placeholders) tail, malloc'd (caller frees): an IN list
 * of bound values. */
char *str_in_list(const char *head, size_t n, const char *tail);
/* Percent-decodes n bytes of s (URL user names, passwords, query values)
 * into a new string (caller frees); NULL on a bad escape or an encoded NUL. */
char *str_pct_decode(const char *s, size_t n);

#endif
