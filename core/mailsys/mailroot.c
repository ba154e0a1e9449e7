/* SPDX-License-Identifier: MIT */
/* mailroot.c: the mail root opened once and walked safely (see mailroot.h). */
#include "core/mailsys/mailroot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

enum vm_status mailroot_open(struct vm *vm, struct mailroot *m, int *missing, struct vm_error *err)
{
	const char *root = vm->cfg && vm->cfg->mail_root ? vm->cfg->mail_root : "/var/vmail";

	m->fd = -1;
	m->real = NULL;
	if (missing)
		*missing = 0;
	m->cfg = xstrdup(root);
	for (size_t l = strlen(m->cfg); l > 1 && m->cfg[l - 1] == '/'; l--)
		m->cfg[l - 1] = '\0';
	if (m->cfg[0] != '/') {
		vm_fail(err, VM_ERR_REFUSED, "mail root %s: not an absolute path", m->cfg);
		goto fail;
	}
	if (!(m->real = realpath(m->cfg, NULL))) {
		if (errno == ENOENT && missing) {
			*missing = 1;
			m->real = xstrdup(m->cfg);
			return VM_OK;
		}
		vm_fail(err, VM_ERR_REFUSED, "mail root %s: %s", m->cfg, strerror(errno));
		goto fail;
	}
	if (strcmp(m->real, "/") == 0) {
		vm_fail(err, VM_ERR_REFUSED, "mail root %s is /: refused", m->cfg);
		goto fail;
	}
	if ((m->fd = open(m->real, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		vm_fail(err, VM_ERR_REFUSED, "mail root %s: %s", m->cfg, strerror(errno));
		goto fail;
	}
	return VM_OK;
fail:
	mailroot_close(m);
	return err->status;
}

void mailroot_close(struct mailroot *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	free(m->cfg);
	free(m->real);
	m->cfg = m->real = NULL;
}

int mailroot_parse_home(const struct mailroot *m, const char *path, struct mailroot_home *h, char *why, size_t len)
{
	const char *rest = NULL, *slash;
	size_t rl;

	if (!path || !*path) {
		snprintf(why, len, "the path is empty");
		return -1;
	}
	if (path[0] != '/') {
		snprintf(why, len, "not an absolute path");
		return -1;
	}
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) {
			snprintf(why, len, "the path contains '..'");
			return -1;
		}
	rl = strlen(m->cfg);
	if (strncmp(path, m->cfg, rl) == 0 && (path[rl] == '/' || path[rl] == '\0'))
		rest = path + rl;
	else if ((rl = strlen(m->real)), strncmp(path, m->real, rl) == 0 && (path[rl] == '/' || path[rl] == '\0'))
		rest = path + rl;
	if (!rest) {
		snprintf(why, len, "outside the mail root %s", m->cfg);
		return -1;
	}
	while (*rest == '/')
		rest++;
	if (!*rest) {
		snprintf(why, len, "it is the mail root itself");
		return -1;
	}
	slash = strchr(rest, '/');
	if (!slash || slash == rest || !slash[1] || strchr(slash + 1, '/') || rest[0] == '.' || slash[1] == '.' ||
	    (size_t)(slash - rest) > NAME_MAX || strlen(slash + 1) > NAME_MAX) {
		snprintf(why, len, "not a mailbox home (%s/<domain>/<local part>)", m->cfg);
		return -1;
	}
	snprintf(h->dir, sizeof h->dir, "%.*s", (int)(slash - rest), rest);
	snprintf(h->name, sizeof h->name, "%s", slash + 1);
	return 0;
}

int mailroot_open_dir(const struct mailroot *m, const char *rel, int create)
{
	char *copy, *save = NULL, *c;
	int fd;

	if (m->fd < 0) {
		errno = ENOENT;
		return -1;
	}
	copy = xstrdup(rel);
	fd = dup(m->fd);
	for (c = strtok_r(copy, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, c, 0700) < 0 && errno != EEXIST)
				next = -1;
			else
				next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		{
			int e = errno;

			close(fd);
			errno = e;
		}
		fd = next;
	}
	free(copy);
	return fd;
}
