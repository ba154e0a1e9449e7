/* SPDX-License-Identifier: MIT */
/* url.h: takes the authority and path of a URL apart, for the database URL
 * readers (db/mysql.c opens with it, core/mailsys/dburl.c writes other
 * programs' configuration with it): one splitter, each caller its messages.
 *
 * The form after "scheme://": [user[:password]@][host][:port][/path][?query],
 * host may be [v6]. The user info ends at the last '@' before the first '?',
 * so it may hold any character but '?' unencoded. */
#ifndef VMAILADM_URL_H
#define VMAILADM_URL_H

#include <stddef.h>

/* What url_split found wrong, in the order it looks. */
enum url_status {
	URL_OK,
	URL_BAD_USER,     /* bad percent-encoding in the user name */
	URL_BAD_PASSWORD, /* ... in the password */
	URL_BAD_BRACKET,  /* "[v6" without its ']' */
	URL_BAD_HOST,     /* bad percent-encoding in the host */
	URL_BAD_PATH,     /* ... in the path */
};

/* The parts, all owned (free with url_parts_free), NULL when absent. Decoded
 * but for port (the text between ':' and '/', not checked). */
struct url_parts {
	char *user, *password, *host, *port, *path;
	int bracketed;          /* the host was written [v6] */
	int has_path;           /* a '/' ends the authority (path may be "") */
	int text_after_bracket; /* "[v6]x": text after ']' that is not ":port" (ignored) */
	const char *query;      /* into the input: the '?' that starts the query, or NULL */
};

/* Splits s (the text after "://") into u. On an error, u holds the parts read
 * before it; free it in either case. */
enum url_status url_split(const char *s, struct url_parts *u);
/* Frees the parts (the password wiped first) and zeroes u. */
void url_parts_free(struct url_parts *u);

/* Percent-decodes n bytes of s into a new string (caller frees); NULL on a
 * bad escape or an encoded NUL byte. */
char *url_pct_decode(const char *s, size_t n);

/* Steps through a query "?k=v&k2=v2": *q is the '?' or '&' before the next
 * parameter (NULL or at its end: returns 0). Sets key and klen to the
 * parameter's name (up to its '=' or its end), val to the text after '='
 * (NULL when there is no '='), vlen to its length, and advances *q. */
int url_query_next(const char **q, const char **key, size_t *klen, const char **val, size_t *vlen);

#endif
