/* SPDX-License-Identifier: MIT */
/* monitor.h: `vmailadm --monitor`, the live quota dashboard (read-only).
 *
 * Each refresh does bounded work through core/quota.h: the fullest mailboxes
 * that fit on the screen (one indexed query), the per-domain totals from the
 * rollup, the count of pending operations, and the rows changed since the
 * last refresh (highlighted). No key writes anything; the session is
 * read-only in the database itself (main.c opens it so). */
#ifndef VMAILADM_TUI_MONITOR_H
#define VMAILADM_TUI_MONITOR_H

#include "core/vm.h"
#include "tui/tui.h"

/* Runs the dashboard until q (or prints it once with o->once, text or JSON
 * by vm->format). Returns the exit status; a mailbox over the critical
 * threshold is noted with quota_alert_note() (main.c: exit status 4). */
int monitor_main(struct vm *vm, const struct tui_opts *o);

#endif
