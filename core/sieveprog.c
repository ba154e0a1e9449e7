/* SPDX-License-Identifier: MIT */
/* sieveprog.c: runs sievec and doveadm for the Sieve statements (see sieveprog.h). */
#include "core/sieveprog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/xalloc.h"

#define CAPTURE_MAX (512 * 1024)

struct capture {
	char *s;
	size_t len;
};

static void cap_add(struct capture *c, const char *p, size_t n)
{
	if (c->len + n > CAPTURE_MAX)
		n = CAPTURE_MAX - c->len;
	c->s = xrealloc(c->s, c->len + n + 1);
	memcpy(c->s + c->len, p, n);
	c->len += n;
	c->s[c->len] = '\0';
}

/* Runs argv[0] (PATH searched) with its stdout and stderr captured. Returns
 * the exit status, 126/127 when it could not be started (a message in err),
 * or 128 + signal. */
static int run_capture(char *const *argv, struct capture *out, struct capture *err)
{
	int po[2], pe[2], status = 0;
	pid_t pid;
	struct pollfd pf[2];
	int open_fds = 2;

	cap_add(out, "", 0);
	cap_add(err, "", 0);
	if (pipe(po) < 0)
		return 126;
	if (pipe(pe) < 0) {
		close(po[0]);
		close(po[1]);
		return 126;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			(void)dup2(devnull, 0);
		(void)dup2(po[1], 1);
		(void)dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		cap_add(err, "fork failed", 11);
		return 126;
	}
	pf[0].fd = po[0];
	pf[1].fd = pe[0];
	pf[0].events = pf[1].events = POLLIN;
	while (open_fds > 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char b[4096];
			ssize_t r;

			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(pf[i].fd, b, sizeof b);
			if (r <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
			} else {
				cap_add(i == 0 ? out : err, b, (size_t)r);
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 126;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

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
	struct capture out = {0}, err = {0};
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

		rc = run_capture(argv, &out, &err);
		free(prog);
	}
	if (rc == 0) {
		r = SIEVEC_OK;
	} else if (rc == 127 || rc == 126 || rc > 128) {
		if (rc > 128)
			snprintf(msg, len, "%s was killed by signal %d", sievec, rc - 128);
		else
			first_error(err.s, msg, len, line);
		*line = 0;
		r = SIEVEC_UNRUNNABLE;
	} else {
		/* its messages name the temporary file: keep what follows it */
		first_error(err.s, msg, len, line);
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
		if (!*line && !strstr(err.s, "error:")) {
			/* exited non-zero without a compile error: not a verdict on the script */
			r = SIEVEC_UNRUNNABLE;
		}
	}
	unlink(src);
	unlink(bin);
	free(src);
	free(bin);
	free(out.s);
	free(err.s);
	return r;
}

int sieveprog_doveadm(const char *doveadm, const char *const *args, char **outp, char *msg, size_t len)
{
	char *copy = xstrdup(doveadm), *save = NULL;
	char **argv = NULL;
	size_t argc = 0;
	struct capture out = {0}, err = {0};
	int rc;

	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		argv = xreallocarray(argv, argc + 2, sizeof *argv);
		argv[argc++] = t;
	}
	for (size_t i = 0; args[i]; i++) {
		argv = xreallocarray(argv, argc + 2, sizeof *argv);
		argv[argc++] = (char *)(uintptr_t)args[i]; /* execvp's argv is not const; nothing writes it */
	}
	if (!argv || argc == 0 || !argv[0]) {
		free(copy);
		free(argv);
		snprintf(msg, len, "the doveadm command is empty");
		return -1;
	}
	argv[argc] = NULL;
	rc = run_capture(argv, &out, &err);
	free(copy);
	free(argv);
	if (rc != 0) {
		int l;

		first_error(err.s, msg, len, &l);
		free(out.s);
		free(err.s);
		*outp = NULL;
		return -1;
	}
	free(err.s);
	*outp = out.s;
	return 0;
}
