/* SPDX-License-Identifier: MIT */
/* tui.h: the interactive front ends: the console and the monitor. */
#ifndef VMAILADM_TUI_H
#define VMAILADM_TUI_H

#include "core/vm.h"

struct tui_opts {
	int monitor;      /* --monitor */
	int once;         /* --monitor --once: print the dashboard and exit */
	int interval;     /* seconds */
	const char *user; /* --user LOGIN */
	const char *password_file;
};

/* Runs the console (or the monitor); returns the exit status. */
int tui_main(struct vm *vm, const struct tui_opts *o);

#endif
