/* SPDX-License-Identifier: MIT */
/* str.c: growing strings (see str.h). */
#include "lib/str.h"

#include <string.h>

#include "lib/xalloc.h"

void str_append(char **s, const char *text)
{
	size_t a = *s ? strlen(*s) : 0, b = strlen(text);

	*s = xrealloc(*s, a + b + 1);
	memcpy(*s + a, text, b + 1);
}

char *str_in_list(const char *head, size_t n, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail), p = hl;
	char *s = xmalloc(hl + tl + n * 2 + 1);

	memcpy(s, head, hl);
	for (size_t i = 0; i < n; i++) {
		if (i)
			s[p++] = ',';
		s[p++] = '?';
	}
	memcpy(s + p, tail, tl);
	s[p + tl] = '\0';
	return s;
}

char *str_pg_array(char **keys, int n)
{
	size_t cap = 3;
	char *a, *o;

	for (int i = 0; i < n; i++)
		cap += strlen(keys[i]) * 2 + 3;
	a = o = xmalloc(cap);
	*o++ = '{';
	for (int i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *c = keys[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return a;
}
