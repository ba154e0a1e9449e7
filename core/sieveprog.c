/* SPDX-License-Identifier: MIT */
/* sieveprog.c: runs sievec and doveadm for the Sieve statements (see sieveprog.h). */
#include "core/sieveprog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/run.h"
#include "lib/xalloc.h"

#define CAPTURE_MAX (512 * 1024)

/* The first line of s that says "error", else its first line, into msg */
static void first_error(const char *s, char *msg, size_t len, int *line)
{
	const char *p = s, *pick = NULL;

	*line = 0;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (!pick && n)
			pick = p;
		if (memmem(p, n, "error:", 6)) {
			const char *l = memmem(p, n, ": line ", 7);

			pick = p;
			if (l)
				*line = atoi(l + 7);
			break;
		}
		p += n + (e ? 1 : 0);
	}
	if (!pick) {
		snprintf(msg, len, "(no message)");
		return;
	}
	snprintf(msg, len, "%.*s", (int)(strchr(pick, '\n') ? strchr(pick, '\n') - pick : (long)strlen(pick)), pick);
}

enum sievec_result sievec_check(const char *sievec, const char *script, int *line, char *msg, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char *src, *bin;
	struct run_output o;
	enum sievec_result r;
	int fd, rc;
	size_t n = strlen(script);

	*line = 0;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	src = xasprintf("%s/vmailadm-sieve-XXXXXX", tmp);
	if ((fd = mkstemp(src)) < 0) {
		snprintf(msg, len, "cannot make a temporary file in %s: %s", tmp, strerror(errno));
		free(src);
		return SIEVEC_UNRUNNABLE;
	}
	if (write(fd, script, n) != (ssize_t)n) {
		snprintf(msg, len, "cannot write the temporary file %s: %s", src, strerror(errno));
		close(fd);
		unlink(src);
		free(src);
		return SIEVEC_UNRUNNABLE;
	}
	close(fd);
	bin = xasprintf("%s.svbin", src);
	{
		char *prog = xstrdup(sievec), opt_c[] = "-c", devnull[] = "/dev/null";
		char *const argv[] = {prog, opt_c, devnull, src, bin, NULL};

		rc = run_capture(argv, CAPTURE_MAX, &o);
		free(prog);
	}
	if (rc == 0) {
		r = SIEVEC_OK;
	} else if (rc < 0 || rc == 127 || rc == 126 || rc > 128) {
		if (rc > 128)
			snprintf(msg, len, "%s was killed by signal %d", sievec, rc - 128);
		else
			first_error(o.err, msg, len, line);
		*line = 0;
		r = SIEVEC_UNRUNNABLE;
	} else {
		/* its messages name the temporary file: keep what follows it */
		first_error(o.err, msg, len, line);
		r = SIEVEC_ERROR;
		{
			char *base = strrchr(src, '/') + 1, *p = strstr(msg, base);

			if (p) {
				p += strlen(base);
				if (strncmp(p, ".sieve", 6) == 0)
					p += 6;
				memmove(msg, p + (*p == ':' ? 1 : 0) + (p[1] == ' '), strlen(p) + 1);
			}
		}
		if (!*line && !strstr(o.err, "error:")) {
			/* exited non-zero without a compile error: not a verdict on the script */
			r = SIEVEC_UNRUNNABLE;
		}
	}
	unlink(src);
	unlink(bin);
	free(src);
	free(bin);
	free(o.out);
	free(o.err);
	return r;
}

int sieveprog_doveadm(const char *doveadm, const char *const *args, char **outp, char *msg, size_t len)
{
	char **argv = run_argv(doveadm, args);
	struct run_output o;
	int rc, l;

	*outp = NULL;
	if (!argv) {
		snprintf(msg, len, "the doveadm command is empty");
		return -1;
	}
	rc = run_capture(argv, CAPTURE_MAX, &o);
	run_argv_free(argv);
	if (rc != 0) {
		first_error(o.err, msg, len, &l);
		free(o.out);
		free(o.err);
		return -1;
	}
	free(o.err);
	*outp = o.out;
	return 0;
}
