/* SPDX-License-Identifier: MIT */
/* mailroot.h: the mail root ([mail] root) opened once and walked safely,
 * shared by the operations runner (opsrun.c) and the store check
 * (storecheck.c): every path below it is reached from the root's fd with
 * openat(O_NOFOLLOW), so a symbolic link can never lead out of it, and a
 * path is a mailbox home only when it is exactly <root>/<domain>/<local>
 * with no component starting with '.'. */
#ifndef VMAILADM_MAILROOT_H
#define VMAILADM_MAILROOT_H

#include <limits.h>
#include <stddef.h>

#include "core/vm.h"

struct mailroot {
	char *cfg;  /* [mail] root as configured, without trailing '/'; owned */
	char *real; /* its realpath; owned */
	int fd;     /* the root directory, -1 when closed */
};

/* A home below the root: <root>/<dir>/<name>. */
struct mailroot_home {
	char dir[NAME_MAX + 1];
	char name[NAME_MAX + 1];
};

/* Opens [mail] root (default /var/vmail). Refused (VM_ERR_REFUSED, message
 * naming the root): a relative path, one that does not resolve, "/".
 * *missing (may be NULL) is set instead of failing when the root does not
 * exist yet (ENOENT): then m->fd is -1 and the paths are kept. Close with
 * mailroot_close. */
enum vm_status mailroot_open(struct vm *vm, struct mailroot *m, int *missing, struct vm_error *err)
	__attribute__((warn_unused_result));
void mailroot_close(struct mailroot *m);

/* Splits path into <root>/<dir>/<name> (either spelling of the root). On
 * refusal returns -1 with the reason in why. */
int mailroot_parse_home(const struct mailroot *m, const char *path, struct mailroot_home *h, char *why, size_t len);

/* Opens (creating with mode 0700 when asked) the directory rel below the
 * root, walking each component with O_NOFOLLOW. Returns the fd (caller
 * closes), or -1 with errno (ELOOP/ENOTDIR for a symlink or a file). */
int mailroot_open_dir(const struct mailroot *m, const char *rel, int create);

#endif
