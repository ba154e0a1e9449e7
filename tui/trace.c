/* SPDX-License-Identifier: MIT */
/* trace.c: VMAILADM_TUI_TRACE=FILE, the console's and the monitor's timing
 * log for tests/bench/bench_console.sh. Keys driven from outside (tmux
 * send-keys) can only be timed from outside to the next screen poll; this
 * logs, from inside, the time from a key's read to the moment the program
 * waits for the next key (every query and refresh the key caused done).
 * Without the variable nothing is opened and nothing is measured, so the
 * behaviour is the same; with it, only the file is written. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tui/ui.h"

static FILE *trace_fp;
static int trace_state; /* 0 not looked at, 1 off, 2 on */
static int trace_key = -1;
static int trace_painted;
static double trace_t0;

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int trace_on(void)
{
	if (!trace_state) {
		const char *f = getenv("VMAILADM_TUI_TRACE");

		trace_state = 1;
		if (f && *f && (trace_fp = fopen(f, "a")) != NULL) {
			setvbuf(trace_fp, NULL, _IOLBF, 0);
			trace_state = 2;
		}
	}
	return trace_state == 2;
}

void ui_trace_start(const char *what)
{
	if (!trace_on())
		return;
	trace_t0 = mono_ms();
	fprintf(trace_fp, "start %s\n", what);
}

void ui_trace_idle(void)
{
	struct timespec rt;

	if (!trace_on())
		return;
	if (!trace_painted) {
		/* the wall clock too, so the bench can add the time from exec
		 * (connecting included) to this point */
		clock_gettime(CLOCK_REALTIME, &rt);
		fprintf(trace_fp, "first %.3f %lld%09ld\n", mono_ms() - trace_t0, (long long)rt.tv_sec, rt.tv_nsec);
		trace_painted = 1;
	}
	if (trace_key >= 0) {
		fprintf(trace_fp, "key %s %.3f\n", keyname(trace_key) ? keyname(trace_key) : "?", mono_ms() - trace_t0);
		trace_key = -1;
	}
}

void ui_trace_key(int ch)
{
	if (!trace_on() || ch == ERR || ch == KEY_RESIZE)
		return;
	trace_key = ch;
	trace_t0 = mono_ms();
}
