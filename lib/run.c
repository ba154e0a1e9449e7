/* SPDX-License-Identifier: MIT */
/* run.c: a program run with its output captured (see run.h). */
#include "lib/run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/xalloc.h"

char **run_argv(const char *cmd, const char *const *extra)
{
	char *copy = xstrdup(cmd), *save = NULL, **argv = NULL;
	size_t argc = 0;

	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		argv = xreallocarray(argv, argc + 2, sizeof *argv);
		argv[argc++] = xstrdup(t);
	}
	free(copy);
	if (!argc)
		return NULL;
	for (const char *const *e = extra; e && *e; e++) {
		argv = xreallocarray(argv, argc + 2, sizeof *argv);
		argv[argc++] = xstrdup(*e);
	}
	argv[argc] = NULL;
	return argv;
}

void run_argv_free(char **argv)
{
	for (char **a = argv; a && *a; a++)
		free(*a);
	free(argv);
}

static void keep(char **buf, size_t *len, const char *p, size_t n, size_t max)
{
	if (*len + n > max)
		n = max - *len;
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

int run_capture(char *const *argv, size_t max, struct run_output *o)
{
	int po[2], pe[2], status = 0, open_fds = 2;
	struct pollfd pf[2];
	pid_t pid;

	memset(o, 0, sizeof *o);
	keep(&o->out, &o->outlen, "", 0, max);
	keep(&o->err, &o->errlen, "", 0, max);
	if (pipe2(po, O_CLOEXEC) != 0) {
		free(o->err);
		o->err = xasprintf("cannot start %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pipe2(pe, O_CLOEXEC) != 0) {
		free(o->err);
		o->err = xasprintf("cannot start %s: %s", argv[0], strerror(errno));
		close(po[0]);
		close(po[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			(void)dup2(devnull, 0);
		(void)dup2(po[1], 1);
		(void)dup2(pe[1], 2);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		free(o->err);
		o->err = xasprintf("cannot start %s: %s", argv[0], strerror(errno));
		close(po[0]);
		close(pe[0]);
		return -1;
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
			if (r > 0) {
				if (i == 0)
					keep(&o->out, &o->outlen, b, (size_t)r, max);
				else
					keep(&o->err, &o->errlen, b, (size_t)r, max);
			} else if (!(r < 0 && errno == EINTR)) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(o->err);
			o->err = xasprintf("%s: %s", argv[0], strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
