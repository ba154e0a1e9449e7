/* SPDX-License-Identifier: MIT */
/* tui.h: the interactive front ends: the console and the monitor. */
#ifndef VMAILADM_TUI_H
#define VMAILADM_TUI_H

#include "core/vm.h"

struct tui_opts {
	int monitor;        /* --monitor */
	int once;           /* --monitor --once: print the dashboard and exit */
	int interval;       /* seconds */
	const char *user;   /* --user LOGIN */
	const char *password_file;
};

/* Runs the console (or the monitor); returns the exit status. */
int tui_main(struct vm *vm, const struct tui_opts *o);
/* Logs in as o->user (password from the file, VMAILADM_PASSWORD or the
 * terminal) and sets vm->actor. */
enum vm_status tui_login(struct vm *vm, const struct tui_opts *o, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
