/* SPDX-License-Identifier: MIT */
/* sieveprog.h: the Pigeonhole and Dovecot programs the Sieve statements run:
 * `sievec` to compile a rendered script before it is stored, and `doveadm
 * sieve list/get` to read a user's own scripts. Each runs without a shell
 * (argv from the configured command split on blanks), with stdin from
 * /dev/null and its output captured (at most a few hundred KiB). */
#ifndef VMAILADM_SIEVEPROG_H
#define VMAILADM_SIEVEPROG_H

#include <stddef.h>

enum sievec_result {
	SIEVEC_OK,        /* it compiled */
	SIEVEC_ERROR,     /* Pigeonhole refused it: msg holds its first error, *line its line (0 unknown) */
	SIEVEC_UNRUNNABLE /* sievec could not be run (missing, not executable, killed): msg says why */
};

/* Compiles script with `sievec -c /dev/null FILE OUT` on temporary files
 * under $TMPDIR (or /tmp), removed afterwards. -c /dev/null: Pigeonhole's
 * defaults, which hold every extension the renderer uses, whatever the
 * vmailadm user may read of Dovecot's configuration. msg (len bytes) gets
 * the reason on failure. */
enum sievec_result sievec_check(const char *sievec, const char *script, int *line, char *msg, size_t len);

/* Runs the configured doveadm command (e.g. "doveadm" or "sudo -u vmail
 * doveadm") with the extra arguments (NULL-terminated). *out gets its
 * standard output (malloc'd, NUL-terminated; caller frees), msg its
 * standard error on failure. Returns 0 when it exited 0, else -1. */
int sieveprog_doveadm(const char *doveadm, const char *const *args, char **out, char *msg, size_t len);

#endif
