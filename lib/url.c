/* SPDX-License-Identifier: MIT */
/* url.c: the URL splitter and percent-decoder (see url.h). */
#include "lib/url.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

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

char *url_pct_decode(const char *s, size_t n)
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

enum url_status url_split(const char *s, struct url_parts *u)
{
	const char *end, *at = NULL, *hp, *slash, *colon;

	memset(u, 0, sizeof *u);
	u->query = strchr(s, '?');
	end = u->query ? u->query : s + strlen(s);
	for (hp = s; hp < end; hp++)
		if (*hp == '@')
			at = hp;
	if (at) {
		colon = memchr(s, ':', (size_t)(at - s));
		u->user = url_pct_decode(s, (size_t)((colon ? colon : at) - s));
		if (!u->user)
			return URL_BAD_USER;
		if (colon) {
			u->password = url_pct_decode(colon + 1, (size_t)(at - colon - 1));
			if (!u->password)
				return URL_BAD_PASSWORD;
		}
		hp = at + 1;
	} else {
		hp = s;
	}
	slash = memchr(hp, '/', (size_t)(end - hp));
	u->has_path = slash != NULL;
	if (!slash)
		slash = end;
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(slash - hp));

		if (!rb)
			return URL_BAD_BRACKET;
		u->host = xstrndup(hp + 1, (size_t)(rb - hp - 1));
		u->bracketed = 1;
		colon = rb + 1 < slash && rb[1] == ':' ? rb + 1 : NULL;
		u->text_after_bracket = rb + 1 < slash && !colon;
	} else {
		colon = memchr(hp, ':', (size_t)(slash - hp));
		if ((colon ? colon : slash) > hp) {
			u->host = url_pct_decode(hp, (size_t)((colon ? colon : slash) - hp));
			if (!u->host)
				return URL_BAD_HOST;
		}
	}
	if (colon)
		u->port = xstrndup(colon + 1, (size_t)(slash - colon - 1));
	if (u->has_path) {
		u->path = url_pct_decode(slash + 1, (size_t)(end - slash - 1));
		if (!u->path)
			return URL_BAD_PATH;
	}
	return URL_OK;
}

void url_parts_free(struct url_parts *u)
{
	if (u->password)
		memset(u->password, 0, strlen(u->password));
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->port);
	free(u->path);
	memset(u, 0, sizeof *u);
}

int url_query_next(const char **q, const char **key, size_t *klen, const char **val, size_t *vlen)
{
	const char *k, *amp, *kend, *eq;

	if (!*q || !**q)
		return 0;
	k = *q + 1;
	amp = strchr(k, '&');
	kend = amp ? amp : k + strlen(k);
	eq = memchr(k, '=', (size_t)(kend - k));
	*key = k;
	*klen = (size_t)((eq ? eq : kend) - k);
	*val = eq ? eq + 1 : NULL;
	*vlen = eq ? (size_t)(kend - eq - 1) : 0;
	*q = amp;
	return 1;
}
