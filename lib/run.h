/* SPDX-License-Identifier: MIT */
/* run.h: runs a program without a shell, standard input /dev/null, its
 * standard output and error captured (the mail system's doveconf, postconf,
 * sievec, doveadm). */
#ifndef VMAILADM_RUN_H
#define VMAILADM_RUN_H

#include <stddef.h>

struct run_output {
	char *out, *err; /* malloc'd and NUL-terminated, also on an error: the caller frees both */
	size_t outlen, errlen;
};

/* Runs argv[0] (PATH searched) and waits for it; keeps at most max bytes of
 * each stream (the rest is read and dropped). Returns its exit status, 127
 * when it could not be executed (its stderr then says "cannot run PROG:
 * reason"), 128 + the signal that ended it, or -1 when it could not be
 * started (o->err says why). */
int run_capture(char *const *argv, size_t max, struct run_output *o);

/* The words of cmd (split on blanks and tabs) followed by the strings of
 * extra (NULL-terminated, or NULL), NULL-terminated, each malloc'd; NULL
 * when cmd has no word. Free with run_argv_free. */
char **run_argv(const char *cmd, const char *const *extra);
void run_argv_free(char **argv);

#endif
