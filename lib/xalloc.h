/* SPDX-License-Identifier: MIT */
/* xalloc.h: allocation that never returns NULL. On failure the program ends
 * through xalloc_die(), which first runs the hook a front end registered (the
 * console restores the terminal there). Lowest layer: used by db/, core/, tui/. */
#ifndef VMAILADM_XALLOC_H
#define VMAILADM_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size bytes, checking for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called before exiting on a fatal error (restore the terminal, ...). */
void xalloc_set_die_hook(void (*hook)(void));
/* Prints "vmailadm: fatal: ..." after running the hook, and exits with status 70. */
void xdie(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
