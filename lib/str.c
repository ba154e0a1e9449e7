/* SPDX-License-Identifier: MIT */
/* str.c: growing strings (see str.h). */
#include "lib/str.h"

#include <stdlib.h>
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

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *str_pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}
