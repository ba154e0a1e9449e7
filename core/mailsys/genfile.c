/* SPDX-License-Identifier: MIT */
/* genfile.c: all-or-nothing writing of generated configuration files (see genfile.h). */
#include "core/mailsys/genfile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/output.h"
#include "lib/xalloc.h"

#define CHECKSUM_TAG "# vmailadm-checksum: fnv1a64:"

enum gen_state { GEN_NEW, GEN_UNCHANGED, GEN_UPDATE, GEN_EDITED };

struct gen_plan {
	char *path, *tmp, *text;
	enum gen_state state;
	struct stat st; /* of the existing file */
};

void genfile_checksum(const char *text, size_t len, char buf[17])
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(buf, 17, "%016llx", h);
}

/* Reads a whole regular file (at most 1 MiB: ours are a few KiB). Caller frees. */
static char *read_file(const char *path, size_t *len, int *errnum)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f) {
		*errnum = errno;
		return NULL;
	}
	buf = xmalloc(1048577);
	n = fread(buf, 1, 1048576, f);
	if (ferror(f)) {
		*errnum = errno ? errno : EIO;
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Was text written by vmailadm and not edited since? Its second line
 * carries the checksum of everything after it. */
static int intact(const char *text)
{
	const char *l2 = strchr(text, '\n'), *rest;
	char sum[17];

	if (!l2 || strncmp(l2 + 1, CHECKSUM_TAG, strlen(CHECKSUM_TAG)) != 0)
		return 0;
	l2 += 1 + strlen(CHECKSUM_TAG);
	rest = strchr(l2, '\n');
	if (!rest || rest - l2 != 16)
		return 0;
	rest++;
	genfile_checksum(rest, strlen(rest), sum);
	return memcmp(sum, l2, 16) == 0;
}

static enum vm_status check_dir(const char *dir, struct vm_error *err)
{
	struct stat st;

	if (!dir || !*dir)
		return vm_fail(err, VM_ERR_INVALID, "no directory given (and none configured)");
	if (stat(dir, &st) != 0)
		return vm_fail(err, VM_ERR_INVALID, "directory %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vm_fail(err, VM_ERR_INVALID, "%s is not a directory", dir);
	if (access(dir, W_OK | X_OK) != 0)
		return vm_fail(err, VM_ERR_DENIED, "directory %s is not writable: %s", dir, strerror(errno));
	return VM_OK;
}

/* Writes text to a new temporary file beside path; sets *tmp. */
static enum vm_status write_tmp(const char *dir, const char *name, const char *text, mode_t mode, gid_t gid, char **tmp,
				struct vm_error *err)
{
	size_t len = strlen(text), off = 0;
	int fd;

	*tmp = xasprintf("%s/.%s.vmailadm-XXXXXX", dir, name);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		vm_fail(err, VM_ERR_DENIED, "cannot create a file in %s: %s", dir, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return VM_ERR_DENIED;
	}
	/* mode and group before the password is in it */
	if (fchmod(fd, mode) != 0 || (fchown(fd, (uid_t)-1, gid) != 0 && getegid() != gid)) {
		vm_fail(err, VM_ERR_DENIED, "%s/%s: cannot set mode %04o and its group: %s", dir, name, (unsigned)mode,
			strerror(errno));
		goto fail;
	}
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			vm_fail(err, VM_ERR_DENIED, "writing %s/%s: %s", dir, name,
				w < 0 ? strerror(errno) : "short write");
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		vm_fail(err, VM_ERR_DENIED, "writing %s/%s: %s", dir, name, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		vm_fail(err, VM_ERR_DENIED, "writing %s/%s: %s", dir, name, strerror(errno));
		goto fail;
	}
	return VM_OK;
fail:
	if (fd >= 0)
		close(fd);
	unlink(*tmp);
	free(*tmp);
	*tmp = NULL;
	return err->status;
}

static mode_t file_mode(const struct gen_file *f)
{
	return f->mode ? (mode_t)f->mode : 0640;
}

static const char *state_name(enum gen_state s, int force)
{
	switch (s) {
	case GEN_NEW:
		return "written";
	case GEN_UNCHANGED:
		return "unchanged";
	case GEN_UPDATE:
		return "updated";
	case GEN_EDITED:
		return force ? "replaced (was edited by hand)" : "edited by hand";
	}
	return "?";
}

enum vm_status genfile_write_set(struct vm *vm, const char *dir, const char *what, const char *source,
				 const struct gen_file *files, size_t n, const char *group, int force, struct vm_error *err)
{
	static const char *const cols[] = {"file", "status"};
	struct gen_plan *plan;
	struct group *gr;
	gid_t gid;
	enum vm_status st;
	char edited[512] = "";
	size_t i;

	if ((st = check_dir(dir, err)) != VM_OK)
		return st;
	errno = 0;
	gr = getgrnam(group ? group : "");
	if (!gr)
		return vm_fail(err, VM_ERR_INVALID, "group '%s' (for the files' mode 0640) does not exist%s%s",
			       group ? group : "", errno ? ": " : "", errno ? strerror(errno) : "");
	gid = gr->gr_gid;

	plan = xcalloc(n, sizeof *plan);
	for (i = 0; i < n; i++) {
		struct gen_plan *p = &plan[i];
		char sum[17];
		size_t oldlen = 0;
		int errnum = 0;
		char *old;

		genfile_checksum(files[i].body, strlen(files[i].body), sum);
		p->text = xasprintf("# Generated by vmailadm (`%s`) from the %s. Change the data with vmailadm, "
				    "not this file.\n" CHECKSUM_TAG "%s\n%s",
				    what, source, sum, files[i].body);
		p->path = xasprintf("%s/%s", dir, files[i].name);
		if (lstat(p->path, &p->st) != 0) {
			if (errno != ENOENT) {
				st = vm_fail(err, VM_ERR_DENIED, "%s: %s", p->path, strerror(errno));
				goto out;
			}
			p->state = GEN_NEW;
			continue;
		}
		if (!S_ISREG(p->st.st_mode)) {
			st = vm_fail(err, VM_ERR_REFUSED, "%s exists and is not a regular file: left alone", p->path);
			goto out;
		}
		old = read_file(p->path, &oldlen, &errnum);
		if (!old) {
			st = vm_fail(err, VM_ERR_DENIED, "reading %s: %s", p->path, strerror(errnum));
			goto out;
		}
		if (strcmp(old, p->text) == 0 && oldlen == strlen(p->text))
			p->state = GEN_UNCHANGED;
		else if (intact(old))
			p->state = GEN_UPDATE;
		else {
			p->state = GEN_EDITED;
			if (strlen(edited) + strlen(files[i].name) + 3 < sizeof edited)
				snprintf(edited + strlen(edited), sizeof edited - strlen(edited), "%s%s",
					 *edited ? ", " : "", files[i].name);
		}
		free(old);
	}
	if (*edited && !force) {
		st = vm_fail(err, VM_ERR_REFUSED,
			     "%s: %s edited by hand since vmailadm wrote it; nothing written (add `force` to replace)",
			     dir, edited);
		goto out;
	}
	/* phase 1: every new text complete on disk, beside its target */
	for (i = 0; i < n; i++) {
		if (plan[i].state == GEN_UNCHANGED)
			continue;
		if ((st = write_tmp(dir, files[i].name, plan[i].text, file_mode(&files[i]), gid, &plan[i].tmp, err)) != VM_OK)
			goto out;
	}
	/* phase 2: into place */
	for (i = 0; i < n; i++) {
		if (!plan[i].tmp)
			continue;
		if (rename(plan[i].tmp, plan[i].path) != 0) {
			st = vm_fail(err, VM_ERR_DENIED, "renaming into %s: %s", plan[i].path, strerror(errno));
			goto out;
		}
		free(plan[i].tmp);
		plan[i].tmp = NULL;
	}
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);

		if (dfd >= 0) {
			(void)fsync(dfd); /* the renames durable; a failure here loses nothing already there */
			close(dfd);
		}
	}
	/* an unchanged file keeps its text and mtime, but gets the mode and group it should have */
	for (i = 0; i < n; i++) {
		mode_t want = file_mode(&files[i]);

		if (plan[i].state != GEN_UNCHANGED)
			continue;
		if ((plan[i].st.st_mode & 07777) != want && chmod(plan[i].path, want) != 0) {
			st = vm_fail(err, VM_ERR_DENIED, "%s: chmod %04o: %s", plan[i].path, (unsigned)want,
				     strerror(errno));
			goto out;
		}
		if (plan[i].st.st_gid != gid && chown(plan[i].path, (uid_t)-1, gid) != 0 && getegid() != gid) {
			st = vm_fail(err, VM_ERR_DENIED, "%s: chgrp %s: %s", plan[i].path, group, strerror(errno));
			goto out;
		}
	}
	{
		struct out_table t;

		out_table_begin(&t, vm->out, vm->format == VM_FORMAT_JSON, 2, cols);
		for (i = 0; i < n; i++)
			out_table_row(&t, (const char *const[]){plan[i].path, state_name(plan[i].state, force)});
		out_table_end(&t);
	}
	st = VM_OK;
out:
	for (i = 0; i < n; i++) {
		if (plan[i].tmp) {
			unlink(plan[i].tmp);
			free(plan[i].tmp);
		}
		if (plan[i].text) {
			memset(plan[i].text, 0, strlen(plan[i].text)); /* it holds the password */
			free(plan[i].text);
		}
		free(plan[i].path);
	}
	free(plan);
	return st;
}
