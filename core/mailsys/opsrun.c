/* SPDX-License-Identifier: MIT */
/* opsrun.c: applies pending mailbox operations on disk (contract in opsrun.h). */
#include "core/mailsys/opsrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/mailbox.h"
#include "core/mailsys/mailroot.h"
#include "core/oplist.h"
#include "lib/output.h"
#include "lib/xalloc.h"

#define LOCK_NAME ".vmailadm-ops.lock"
#define TRASH_NAME ".vmailadm-trash"

struct runner {
	struct vm *vm;
	FILE *log;
	struct mailroot root;    /* [mail] root, walked from its fd (mailroot.h) */
	const char *pause_after; /* test hook */
	char **kept_renames;     /* sources of renames that failed in this run */
	size_t nkept;
};

/* 1 if a rename from path failed earlier in this run: the files there belong
 * to a renamed mailbox, and a later delete of that path must wait for it. */
static int rename_kept(const struct runner *r, const char *path)
{
	for (size_t i = 0; i < r->nkept; i++)
		if (strcmp(r->kept_renames[i], path) == 0)
			return 1;
	return 0;
}

static void oplog(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void oplog(struct runner *r, const char *fmt, ...)
{
	char msg[2048], ts[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(r->log, "%s vmailadm ops: ", ts);
	out_safe(r->log, msg); /* paths come from the database: no raw control characters */
	fputc('\n', r->log);
	fflush(r->log);
}

static int parse_home(const struct runner *r, const char *path, struct mailroot_home *h, char *why, size_t len)
{
	return mailroot_parse_home(&r->root, path, h, why, len);
}

static int open_below_root(const struct runner *r, const char *rel, int create)
{
	return mailroot_open_dir(&r->root, rel, create);
}

static const char *open_error(int e)
{
	return (e == ELOOP || e == ENOTDIR) ? "a symbolic link or a file is on the way (refused)" : strerror(e);
}

/* What is at name in pfd: 0 nothing, 1 a directory, -1 refused (why set). */
static int entry_state(int pfd, const char *name, char *why, size_t len)
{
	struct stat sb;

	if (fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	if (S_ISLNK(sb.st_mode)) {
		snprintf(why, len, "it is a symbolic link (refused)");
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(why, len, "it is not a directory");
		return -1;
	}
	return 1;
}

static void pause_hook(struct runner *r, const char *step)
{
	if (r->pause_after && strcmp(r->pause_after, step) == 0) {
		oplog(r, "pausing after %s (test hook)", step);
		for (int i = 0; i < 600; i++)
			sleep(1);
	}
}

/* Removes name in pfd and everything below it, never following a link. */
static int remove_tree(int pfd, const char *name)
{
	struct stat sb;
	int fd, rc = 0;
	DIR *d;
	struct dirent *de;

	if (fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlinkat(pfd, name, 0);
	if ((fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_tree(dirfd(d), de->d_name) < 0)
			rc = -1;
	}
	closedir(d);
	if (rc == 0)
		rc = unlinkat(pfd, name, AT_REMOVEDIR);
	return rc;
}

static void purge_trash(struct runner *r)
{
	int fd = openat(r->root.fd, TRASH_NAME, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_tree(dirfd(d), de->d_name) < 0)
			oplog(r, "could not remove %s/%s/%s left by an earlier run: %s", r->root.cfg, TRASH_NAME,
			      de->d_name, strerror(errno));
		else
			oplog(r, "removed %s/%s/%s left by an earlier run", r->root.cfg, TRASH_NAME, de->d_name);
	}
	closedir(d);
}

static enum vm_status drop_row(struct runner *r, const struct op_row *op, struct vm_error *err)
{
	char idb[32];
	enum vm_status st;
	struct change *c;

	snprintf(idb, sizeof idb, "%lld", op->id);
	if ((st = vm_tx_begin(r->vm, 1, err)) != VM_OK)
		return st;
	st = vm_sql(r->vm, "DELETE FROM admin_mailboxoperation WHERE id = ?", 1, (const char *const[]){idb}, NULL, err,
		    "removing a done operation");
	if (st == VM_OK) {
		c = change_begin(&r->vm->changes, CHANGE_DEL, "operation", op->type);
		change_field(c, "argument", op->argument, NULL);
		if (*op->address)
			change_field(c, "mailbox", op->address, NULL);
	}
	return vm_tx_finish(r->vm, st, err);
}

/* One side of a rename from -> to: opens the directory of h below the root
 * into *fd (made when create; -1 when it does not exist) and says whether
 * h's entry is there (1) or not (0); -1 when that cannot be known, logged. */
static int rename_side(struct runner *r, const char *from, const char *to, const struct mailroot_home *h, int create,
		       const char *side, int *fd)
{
	char why[512] = "";
	int state;

	*fd = open_below_root(r, h->dir, create);
	if (*fd < 0 && errno != ENOENT) {
		oplog(r, "Rename %s -> %s failed: %s/%s: %s (kept)", from, to, r->root.cfg, h->dir, open_error(errno));
		return -1;
	}
	state = *fd < 0 ? 0 : entry_state(*fd, h->name, why, sizeof why);
	if (state < 0)
		oplog(r, "Rename %s -> %s failed: %s: %s (kept)", from, to, side, why);
	return state;
}

/* 1 done, 0 failed (logged). */
static int do_rename(struct runner *r, const struct op_row *op)
{
	char why[512] = "", *dst_path = NULL;
	struct mailroot_home src, dst;
	const char *at = strrchr(op->address, '@');
	int sfd = -1, dfd = -1, s, d, ok = 0;

	if (!op->mailbox_id || !*op->address || !at) {
		oplog(r, "Rename %s failed: the operation names no existing mailbox (kept)", op->argument);
		return 0;
	}
	{
		char *local = xstrndup(op->address, (size_t)(at - op->address));

		dst_path = mailbox_home(r->vm, at + 1, local);
		free(local);
	}
	if (parse_home(r, op->argument, &src, why, sizeof why) < 0) {
		oplog(r, "Rename %s -> %s refused: source %s (kept)", op->argument, dst_path, why);
		goto out;
	}
	if (parse_home(r, dst_path, &dst, why, sizeof why) < 0) {
		oplog(r, "Rename %s -> %s refused: destination %s (kept)", op->argument, dst_path, why);
		goto out;
	}
	if (strcmp(src.dir, dst.dir) == 0 && strcmp(src.name, dst.name) == 0) {
		oplog(r, "Rename %s -> %s: already in place", op->argument, dst_path);
		ok = 1;
		goto out;
	}
	if ((s = rename_side(r, op->argument, dst_path, &src, 0, "source", &sfd)) < 0)
		goto out;
	if ((d = rename_side(r, op->argument, dst_path, &dst, s == 1 && !r->vm->dry_run, "destination", &dfd)) < 0)
		goto out;
	if (s == 0) {
		/* a run killed after its move, or files never made: nothing to move */
		oplog(r, "Rename %s -> %s: source missing%s; done", op->argument, dst_path,
		      d ? ", destination present" : "");
		ok = 1;
		goto out;
	}
	if (d) {
		oplog(r, "Rename %s -> %s refused: the destination exists (an existing home is never overwritten; kept)",
		      op->argument, dst_path);
		goto out;
	}
	if (r->vm->dry_run) {
		oplog(r, "dry run: would rename %s -> %s", op->argument, dst_path);
		ok = 1;
		goto out;
	}
	if (renameat(sfd, src.name, dfd, dst.name) < 0) {
		oplog(r, "Rename %s -> %s failed: %s (kept)", op->argument, dst_path,
		      errno == EXDEV ? "source and destination are on different file systems; move it by hand"
				     : strerror(errno));
		goto out;
	}
	oplog(r, "Rename %s -> %s", op->argument, dst_path);
	pause_hook(r, "move");
	ok = 1;
out:
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	free(dst_path);
	return ok;
}

/* The archive directory as a path relative to the root, or NULL with why. */
static char *archive_rel(const struct runner *r, char *why, size_t len)
{
	const char *a = r->vm->cfg && r->vm->cfg->mail_archive ? r->vm->cfg->mail_archive : NULL;
	const char *rest = NULL;
	size_t rl = strlen(r->root.cfg);

	if (!a)
		return xstrdup(".deleted");
	if (strncmp(a, r->root.cfg, rl) == 0 && a[rl] == '/')
		rest = a + rl;
	else if ((rl = strlen(r->root.real)), strncmp(a, r->root.real, rl) == 0 && a[rl] == '/')
		rest = a + rl;
	while (rest && *rest == '/')
		rest++;
	if (!rest || !*rest || strstr(a, "/../") || (strlen(a) >= 3 && strcmp(a + strlen(a) - 3, "/..") == 0)) {
		snprintf(why, len, "[mail] archive %s is not a directory below the mail root %s", a, r->root.cfg);
		return NULL;
	}
	return xstrdup(rest);
}

static int do_delete(struct runner *r, const struct op_row *op)
{
	char why[512] = "", target[NAME_MAX + 1], ts[32];
	struct mailroot_home src;
	int sfd = -1, afd = -1, s, ok = 0, remove = r->vm->cfg && r->vm->cfg->mail_delete_remove;
	char *arel = NULL;
	time_t now = time(NULL);
	struct tm tm;

	if (parse_home(r, op->argument, &src, why, sizeof why) < 0) {
		oplog(r, "Delete %s refused: %s (kept)", op->argument, why);
		return 0;
	}
	sfd = open_below_root(r, src.dir, 0);
	if (sfd < 0 && errno != ENOENT) {
		oplog(r, "Delete %s failed: %s/%s: %s (kept)", op->argument, r->root.cfg, src.dir, open_error(errno));
		goto out;
	}
	s = sfd < 0 ? 0 : entry_state(sfd, src.name, why, sizeof why);
	if (s < 0) {
		oplog(r, "Delete %s failed: %s (kept)", op->argument, why);
		goto out;
	}
	if (s == 0) {
		oplog(r, "Delete %s: already gone; done", op->argument);
		ok = 1;
		goto out;
	}
	if (!remove && !(arel = archive_rel(r, why, sizeof why))) {
		oplog(r, "Delete %s failed: %s (kept)", op->argument, why);
		goto out;
	}
	if (r->vm->dry_run) {
		oplog(r, "dry run: would %s %s", remove ? "remove" : "archive", op->argument);
		ok = 1;
		goto out;
	}
	afd = open_below_root(r, remove ? TRASH_NAME : arel, 1);
	if (afd < 0) {
		oplog(r, "Delete %s failed: %s/%s: %s (kept)", op->argument, r->root.cfg, remove ? TRASH_NAME : arel,
		      open_error(errno));
		goto out;
	}
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
	/* the row id makes the name unique; the address and time say what it was */
	if ((size_t)snprintf(target, sizeof target, "%s@%s-%s-%lld", src.name, src.dir, ts, op->id) >= sizeof target)
		snprintf(target, sizeof target, "%s-%lld", ts, op->id);
	if (renameat(sfd, src.name, afd, target) < 0) {
		oplog(r, "Delete %s failed: %s (kept)", op->argument,
		      errno == EXDEV ? "the archive is on another file system; move it by hand" : strerror(errno));
		goto out;
	}
	pause_hook(r, "move");
	if (remove) {
		/* a failure here leaves it in the trash, purged by the next run */
		if (remove_tree(afd, target) < 0)
			oplog(r, "Delete %s: moved to %s/%s/%s but not all removed: %s", op->argument, r->root.cfg,
			      TRASH_NAME, target, strerror(errno));
		else
			oplog(r, "Delete %s (removed)", op->argument);
	} else {
		oplog(r, "Delete %s (archived as %s/%s/%s)", op->argument, r->root.cfg, arel, target);
	}
	ok = 1;
out:
	if (sfd >= 0)
		close(sfd);
	if (afd >= 0)
		close(afd);
	free(arel);
	return ok;
}

/* Refuses a process that is not [mail] owner (unless as_any_user). */
static enum vm_status check_user(struct vm *vm, const struct opsrun_opts *o, struct vm_error *err)
{
	const char *owner = vm->cfg && vm->cfg->mail_owner ? vm->cfg->mail_owner : "vmail";
	struct passwd *pw, *me;
	char mename[64];

	if (o->as_any_user)
		return VM_OK;
	me = getpwuid(geteuid());
	snprintf(mename, sizeof mename, "%s", me ? me->pw_name : "?");
	if (!(pw = getpwnam(owner)))
		return vm_fail(err, VM_ERR_REFUSED,
			       "[mail] owner %s is not a user of this system (give as-any-user to run as %s)", owner,
			       mename);
	if (pw->pw_uid != geteuid())
		return vm_fail(err, VM_ERR_REFUSED,
			       "the runner runs as [mail] owner %s, not as %s (run it from %s's crontab, or give as-any-user)",
			       owner, mename, owner);
	return VM_OK;
}

enum vm_status ops_run(struct vm *vm, const struct opsrun_opts *o, struct opsrun_stats *stats, struct vm_error *err)
{
	struct runner r = {0};
	long long after = 0;
	int lockfd = -1;
	enum vm_status st = VM_OK;

	stats->done = stats->failed = 0;
	if (vm->tx_depth > 0)
		return vm_fail(err, VM_ERR_USAGE,
			       "ops run commits each operation on its own: run it alone, "
			       "not inside a script's transaction (or use --keep-going)");
	if ((st = check_user(vm, o, err)) != VM_OK)
		return st;
	r.vm = vm;
	r.log = o->log ? o->log : stderr;
	r.root.fd = -1;
	r.pause_after = getenv("VMAILADM_OPS_TEST_PAUSE_AFTER");
	if ((st = mailroot_open(vm, &r.root, NULL, err)) != VM_OK)
		goto out;
	lockfd = openat(r.root.fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (lockfd < 0 && errno == EACCES) /* made by another user: flock works read-only too */
		lockfd = openat(r.root.fd, LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (lockfd < 0) {
		st = vm_fail(err, VM_ERR_REFUSED, "lock file %s/%s: %s", r.root.cfg, LOCK_NAME, strerror(errno));
		goto out;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		st = vm_fail(err, VM_ERR_REFUSED, "another ops run holds %s/%s; nothing done (the next run will do it)",
			     r.root.cfg, LOCK_NAME);
		goto out;
	}
	if (!vm->dry_run)
		purge_trash(&r);
	for (;;) {
		struct op_row *rows = NULL;
		size_t n = 0;

		if ((st = op_list(vm, after, 100, &rows, &n, err)) != VM_OK)
			break;
		for (size_t i = 0; i < n && st == VM_OK; i++) {
			const struct op_row *op = &rows[i];
			int ok;

			after = op->id;
			if (strcmp(op->type, "rename") == 0) {
				if (!(ok = do_rename(&r, op))) {
					r.kept_renames =
						xreallocarray(r.kept_renames, r.nkept + 1, sizeof *r.kept_renames);
					r.kept_renames[r.nkept++] = xstrdup(op->argument);
				}
			} else if (strcmp(op->type, "delete") == 0) {
				if (rename_kept(&r, op->argument)) {
					oplog(&r, "Delete %s waits: an earlier rename from there is still pending (kept)",
					      op->argument);
					ok = 0;
				} else {
					ok = do_delete(&r, op);
				}
			} else {
				oplog(&r, "operation %lld: unknown type '%s' (kept)", op->id, op->type);
				ok = 0;
			}
			if (ok && !vm->dry_run && (st = drop_row(&r, op, err)) != VM_OK)
				oplog(&r, "operation %lld done on disk but its row stays: %s", op->id, err->msg);
			if (ok && st == VM_OK)
				stats->done++;
			else
				stats->failed++;
		}
		op_rows_free(&rows, n);
		if (st != VM_OK || n < 100)
			break;
	}
	if (st == VM_OK && stats->failed)
		st = vm_fail(err, VM_ERR_REFUSED, "%zu operation(s) failed and were kept for the next run (%zu done)",
			     stats->failed, stats->done);
out:
	if (lockfd >= 0)
		close(lockfd); /* releases the lock */
	for (size_t i = 0; i < r.nkept; i++)
		free(r.kept_renames[i]);
	free(r.kept_renames);
	mailroot_close(&r.root);
	return st;
}
