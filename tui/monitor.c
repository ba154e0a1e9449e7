/* SPDX-License-Identifier: MIT */
/* monitor.c: the live quota dashboard and its one-shot print (monitor.h). */
#include "tui/monitor.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/domain.h"
#include "lib/output.h"
#include "core/quota.h"
#include "core/mailsys/storecheck.h"
#include "core/sieve.h"
#include "lib/xalloc.h"
#include "tui/ui.h"

#define MON_MAX_ROWS 200  /* mailboxes read per refresh: at most a tall screen */
#define MON_DOMAIN_ROWS 8 /* per-domain totals shown */
#define MON_CHANGES 500   /* changed rows read per refresh to highlight */

enum mon_sort { SORT_PERCENT, SORT_CHANGED, SORT_COUNT };
static const char *const sort_names[SORT_COUNT] = {"fullest first", "recently changed"};

struct mon {
	struct ui ui; /* colours and drawing helpers of the console (draw.c) */
	struct vm *vm;
	int interval, paused, help, sort;
	long long domain_id; /* filter, 0 = all */
	char domain[VM_DOMAIN_MAX + 1];
	struct quota_usage *top;
	size_t ntop;
	struct quota_usage *prev; /* the previous refresh, to see what changed */
	size_t nprev;
	struct quota_usage *changed;
	size_t nchanged;
	int changed_more;
	struct quota_mark mark;
	struct quota_domain *doms;
	size_t ndoms;
	char refreshed[32];
	long long pending;
	long long vacations; /* active vacation replies (core/sieve.h), -1 without the tables */
	double refresh_ms;
	long long rows; /* rows transferred by the last refresh */
	char error[1024];
	char when[16];
	struct store_last store; /* the last whole-store check (storecheck.h) */
	int have_store;
	time_t store_read; /* when it was read: once a minute is enough */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* 1 if the address was in the changed rows, or its figures differ from the
 * previous refresh. */
static int was_changed(const struct mon *m, const struct quota_usage *u)
{
	for (size_t i = 0; i < m->nchanged; i++)
		if (strcmp(m->changed[i].address, u->address) == 0)
			return 1;
	for (size_t i = 0; i < m->nprev; i++)
		if (strcmp(m->prev[i].address, u->address) == 0)
			return m->prev[i].bytes != u->bytes || m->prev[i].messages != u->messages ||
			       m->prev[i].quota_mb != u->quota_mb;
	return 0;
}

/* One refresh: a few bounded queries, each in its own autocommit statement
 * (no transaction held open between ticks, so every tick sees the newest
 * commits). */
static void mon_refresh(struct mon *m, int want)
{
	struct vm_error err = {0};
	enum vm_status st;
	double t0 = now_ms();
	struct quota_usage *chg = NULL;
	size_t nchg = 0;
	int more = 0;

	if (want < 1)
		want = 1;
	if (want > MON_MAX_ROWS)
		want = MON_MAX_ROWS;
	m->error[0] = '\0';
	free(m->prev);
	m->prev = m->top;
	m->nprev = m->ntop;
	m->top = NULL;
	m->ntop = 0;
	st = quota_changes(m->vm, &m->mark, MON_CHANGES, &chg, &nchg, &more, &err);
	if (st == VM_OK) {
		free(m->changed);
		m->changed = chg;
		m->nchanged = nchg;
		m->changed_more = more;
		if (m->sort == SORT_CHANGED) {
			/* the changed rows are the list (newest first) */
			size_t n = 0;

			m->top = xcalloc(nchg ? nchg : 1, sizeof *m->top);
			for (size_t i = 0; i < nchg && n < (size_t)want; i++) {
				struct quota_usage *u = &chg[i];
				int dup = 0;

				for (size_t j = 0; j < n; j++)
					dup |= strcmp(m->top[j].address, u->address) == 0;
				if (!dup)
					m->top[n++] = *u;
			}
			m->ntop = n;
		}
	}
	if (st == VM_OK && m->sort == SORT_PERCENT)
		st = quota_top(m->vm, m->domain_id, want, &m->top, &m->ntop, &err);
	/* one COUNT over the vacation table's (enabled, until_date) index */
	if (st == VM_OK)
		st = vacation_count_active(m->vm, &m->vacations, &err);
	if (st == VM_OK) {
		free(m->doms);
		m->doms = NULL;
		m->ndoms = 0;
		st = quota_domains(m->vm, MON_DOMAIN_ROWS, &m->doms, &m->ndoms, m->refreshed, sizeof m->refreshed, &err);
	}
	if (st == VM_OK)
		st = quota_pending_ops(m->vm, &m->pending, &err);
	if (st == VM_OK && (!m->store_read || time(NULL) - m->store_read >= 60)) {
		st = store_summary_get(m->vm, &m->store, &m->have_store, &err);
		m->store_read = time(NULL);
	}
	if (st != VM_OK)
		snprintf(m->error, sizeof m->error, "%s", err.msg);
	m->rows = (long long)(m->ntop + m->nchanged + m->ndoms) + 2;
	m->refresh_ms = now_ms() - t0;
	{
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(m->when, sizeof m->when, "%H:%M:%S", &tm);
	}
}

static int level_attr(const struct mon *m, enum quota_level l)
{
	return m->ui.attrs[l == QUOTA_LEVEL_CRIT   ? UIC_QUOTA_CRIT
			   : l == QUOTA_LEVEL_WARN ? UIC_QUOTA_WARN
						   : UIC_NORMAL];
}

/* A bar of w columns for percent (the thresholds of the config colour it). */
static void draw_bar(struct mon *m, int y, int x, int w, const struct quota_usage *u, int attr)
{
	int inner = w - 2, filled;

	if (w < 4)
		return;
	if (u->quota_mb <= 0) {
		draw_cell(&m->ui, y, x, "unlimited", w, attr, 0);
		return;
	}
	filled = u->percent >= 100 ? inner : u->percent <= 0 ? 0 : (int)(u->percent * inner / 100);
	attrset(attr);
	mvaddch(y, x, '[');
	attrset(level_attr(m, u->level) | (attr & (A_REVERSE | A_STANDOUT)));
	for (int i = 0; i < inner; i++)
		addch(i < filled ? '#' : ' ');
	attrset(attr);
	addch(']');
	attrset(A_NORMAL);
}

static void draw_help(struct mon *m)
{
	static const char *const lines[] = {
		"vmailadm --monitor: live quota usage (read-only; no key changes anything)",
		"",
		"  s        sort: fullest first (percent of the limit) / recently changed",
		"  f        filter by domain (empty: all domains)",
		"  + -      refresh interval one second longer / shorter",
		"  p space  pause / resume the refresh",
		"  r        refresh now",
		"  ?        this help (any key closes it)",
		"  q        quit",
		"",
		"Rows at or over [monitor] warn / critical are coloured (bold / underlined",
		"without colours); rows changed since the last refresh are shown reversed.",
		"Flags: negative, no-quota-row, far-over-limit, more-messages-than-bytes.",
		"Per-domain totals come from the rollup: refresh it with `vmailadm quota",
		"rollup` (e.g. from cron every minute).",
	};
	int y0 = 2;

	for (size_t i = 0; i < sizeof lines / sizeof *lines && y0 + (int)i < LINES - 1; i++)
		draw_cell(&m->ui, y0 + (int)i, 0, lines[i], COLS, i == 0 ? m->ui.attrs[UIC_TITLE] : (int)A_NORMAL, 0);
}

/* "   store: 3 finding(s) (2026-12-06 10:00)" or "" when never checked. */
static const char *store_text(const struct mon *m, char *buf, size_t len)
{
	if (!m->have_store)
		return "";
	snprintf(buf, len, "   store: %lld finding(s) (%.16s)", m->store.findings, m->store.checked_at);
	return buf;
}

static void mon_draw(struct mon *m)
{
	char stbuf[96], vbuf[48];
	char line[1024], b1[32], b2[32], pct[32], flags[128];
	int w = COLS, y, list_h, dom_h;
	erase();
	snprintf(line, sizeof line, " vmailadm monitor  %s  every %ds%s  %s  refresh %.1f ms, %lld rows", m->ui.dbdesc,
		 m->interval, m->paused ? " (PAUSED)" : "", m->when, m->refresh_ms, m->rows);
	draw_cell(&m->ui, 0, 0, line, w, m->ui.attrs[UIC_STATUS], 0);
	snprintf(vbuf, sizeof vbuf, "   vacations: %lld", m->vacations);
	snprintf(line, sizeof line,
		 "pending operations: %lld   changed since last refresh: %zu%s   warn %d%%  critical %d%%"
		 "   sort: %s%s%s%s%s",
		 m->pending, m->nchanged, m->changed_more ? "+" : "", m->vm->cfg->monitor_warn,
		 m->vm->cfg->monitor_critical, sort_names[m->sort], m->domain_id ? "   domain: " : "",
		 m->domain_id ? m->domain : "", store_text(m, stbuf, sizeof stbuf), m->vacations >= 0 ? vbuf : "");
	draw_cell(&m->ui, 1, 0, line, w, m->pending ? m->ui.attrs[UIC_PENDING] : (int)A_NORMAL, 0);
	if (m->help) {
		draw_help(m);
		goto out;
	}
	dom_h = (int)m->ndoms + 2;
	list_h = LINES - 4 - dom_h;
	if (list_h < 3) {
		dom_h = 0;
		list_h = LINES - 4;
	}
	snprintf(line, sizeof line, "%-40s %10s %10s %7s  %-22s %9s  %s", "MAILBOX", "USED", "LIMIT", "%", "",
		 "MESSAGES", "FLAGS");
	draw_cell(&m->ui, 2, 0, line, w, m->ui.attrs[UIC_HEADER], 0);
	y = 3;
	for (size_t i = 0; i < m->ntop && (int)i < list_h; i++, y++) {
		const struct quota_usage *u = &m->top[i];
		int attr = level_attr(m, u->level);

		if (was_changed(m, u))
			attr |= A_REVERSE;
		fmt_bytes(u->bytes, b1, sizeof b1);
		if (u->quota_mb > 0)
			fmt_bytes((long long)u->quota_mb * 1048576, b2, sizeof b2);
		else
			snprintf(b2, sizeof b2, "%s", u->linked ? "unlimited" : "-");
		quota_percent_text(u, pct, sizeof pct);
		if (u->quota_mb <= 0)
			snprintf(pct, sizeof pct, "-");
		quota_flags_text(u->flags, flags, sizeof flags);
		attrset(attr);
		mvhline(y, 0, ' ', w);
		draw_cell(&m->ui, y, 0, u->address, 40, attr, 0);
		snprintf(line, sizeof line, " %10s %10s %7s  ", b1, b2, pct);
		draw_text(&m->ui, y, 40, line, w - 40, attr);
		draw_bar(m, y, 71, 22, u, attr);
		snprintf(line, sizeof line, " %9lld  %s", u->messages, flags);
		draw_text(&m->ui, y, 93, line, w - 93,
			  u->flags & (QUOTA_FLAG_NEGATIVE | QUOTA_FLAG_IMPOSSIBLE | QUOTA_FLAG_FAR_OVER)
				  ? (unsigned)m->ui.attrs[UIC_QUOTA_CRIT] | (attr & A_REVERSE)
				  : (unsigned)attr);
	}
	if (m->ntop == 0 && !m->error[0])
		draw_cell(&m->ui, y, 0, "(no mailboxes)", w, A_NORMAL, 0);
	if (dom_h) {
		y = LINES - 1 - dom_h;
		snprintf(line, sizeof line, "per-domain totals %s%s%s", m->refreshed[0] ? "as of " : "(never computed",
			 m->refreshed[0] ? m->refreshed : "",
			 m->refreshed[0] ? " UTC (vmailadm quota rollup)" : ": run vmailadm quota rollup)");
		draw_cell(&m->ui, y++, 0, line, w, m->ui.attrs[UIC_TITLE], 0);
		snprintf(line, sizeof line, "%-40s %10s %10s %12s %10s %10s", "DOMAIN", "MAILBOXES", "USED",
			 "ALLOCATED", "UNLIMITED", "ANOMALIES");
		draw_cell(&m->ui, y++, 0, line, w, m->ui.attrs[UIC_HEADER], 0);
		for (size_t i = 0; i < m->ndoms; i++, y++) {
			const struct quota_domain *d = &m->doms[i];

			fmt_bytes(d->bytes, b1, sizeof b1);
			fmt_bytes(d->allocated_mb * 1048576, b2, sizeof b2);
			draw_cell(&m->ui, y, 0, d->name, 40, d->anomalies ? m->ui.attrs[UIC_QUOTA_CRIT] : (int)A_NORMAL, 0);
			snprintf(line, sizeof line, " %10lld %10s %12s %10lld %10lld", d->mailboxes, b1, b2,
				 d->unlimited, d->anomalies);
			draw_text(&m->ui, y, 40, line, w - 40, d->anomalies ? m->ui.attrs[UIC_QUOTA_CRIT] : (int)A_NORMAL);
		}
	}
out:
	if (m->error[0])
		draw_cell(&m->ui, LINES - 1, 0, m->error, w, m->ui.attrs[UIC_ERROR], 0);
	else
		draw_cell(&m->ui, LINES - 1, 0, " q quit  s sort  f domain  +/- interval  p pause  r refresh  ? help",
			  w, m->ui.attrs[UIC_STATUS], 0);
	/* one update of the terminal per draw: no flicker */
	wnoutrefresh(stdscr);
	doupdate();
}

/* Reads a domain name on the last line; empty clears the filter. */
static void mon_filter(struct mon *m)
{
	char buf[VM_DOMAIN_MAX + 1] = "";
	size_t n = 0;
	int ch;

	timeout(-1);
	for (;;) {
		char line[256];

		snprintf(line, sizeof line, "domain (empty: all, Esc: cancel): %s", buf);
		draw_cell(&m->ui, LINES - 1, 0, line, COLS, m->ui.attrs[UIC_FIELD], 0);
		wnoutrefresh(stdscr);
		doupdate();
		ch = getch();
		if (ch == 27 || ui_signal || (ch == ERR && ui_terminal_gone()))
			return;
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
			buf[--n] = '\0';
		else if (ch >= 32 && ch < 127 && n < sizeof buf - 1)
			buf[n++] = (char)ch, buf[n] = '\0';
	}
	if (!buf[0]) {
		m->domain_id = 0;
		m->domain[0] = '\0';
		return;
	}
	{
		struct vm_error err = {0};
		char name[VM_DOMAIN_MAX + 1];
		struct domain d;

		if (valid_domain(buf, name, &err) != VM_OK || domain_get(m->vm, name, &d, &err) != VM_OK ||
		    vm_check_domain(m->vm, d.id, d.name, &err) != VM_OK) {
			snprintf(m->error, sizeof m->error, "filter: %.1000s", err.msg);
			return;
		}
		m->domain_id = d.id;
		snprintf(m->domain, sizeof m->domain, "%s", d.name);
	}
}

static void print_once(struct mon *m)
{
	static const char *const cols[] = {"address", "used_bytes", "messages", "quota", "percent", "status", "flags"};
	static const char *const dcols[] = {"domain",       "mailboxes", "used_bytes",
					    "allocated_mb", "unlimited", "anomalies"};
	int json = m->vm->format == VM_FORMAT_JSON;
	FILE *out = m->vm->out;
	struct out_table t;

	if (json)
		fprintf(out,
			"{\"warn\":%d,\"critical\":%d,\"pending_ops\":%lld,\"refresh_ms\":%.3f,\"rows\":%lld,"
			"\"domains_refreshed\":",
			m->vm->cfg->monitor_warn, m->vm->cfg->monitor_critical, m->pending, m->refresh_ms, m->rows);
	else
		fprintf(out,
			"# vmailadm monitor: warn %d%%, critical %d%%; pending operations: %lld; refresh %.1f ms, %lld rows\n"
			"# per-domain totals as of %s\n",
			m->vm->cfg->monitor_warn, m->vm->cfg->monitor_critical, m->pending, m->refresh_ms, m->rows,
			m->refreshed[0] ? m->refreshed : "(never: run vmailadm quota rollup)");
	if (!json && m->have_store)
		fprintf(out, "# store check: %lld finding(s) at %s UTC (%s)\n", m->store.findings, m->store.checked_at,
			m->store.kinds[0] ? m->store.kinds : "clean");
	else if (!json && m->vm->actor.superuser)
		fputs("# store check: never run (vmailadm store check)\n", out);
	if (json) {
		if (m->refreshed[0])
			out_json_string(out, m->refreshed);
		else
			fputs("null", out);
		fputs(",\"store_check\":", out);
		if (m->have_store) {
			fprintf(out, "{\"findings\":%lld,\"checked_at\":", m->store.findings);
			out_json_string(out, m->store.checked_at);
			fputs(",\"kinds\":", out);
			out_json_string(out, m->store.kinds);
			fputc('}', out);
		} else {
			fputs("null", out);
		}
		fputs(",\"mailboxes\":", out);
	}
	out_table_begin(&t, out, json, 7, cols);
	for (size_t i = 0; i < m->ntop; i++) {
		const struct quota_usage *u = &m->top[i];
		struct quota_cells c;

		quota_usage_cells(u, &c);
		out_table_row(&t, (const char *const[]){u->address, c.used, c.messages, c.quota, c.percent, c.status,
							c.flags});
	}
	out_table_end(&t);
	if (json)
		fputs(",\"domains\":", out);
	else
		fputs("# domains\n", out);
	out_table_begin(&t, out, json, 6, dcols);
	for (size_t i = 0; i < m->ndoms; i++) {
		const struct quota_domain *d = &m->doms[i];
		char a[32], b[32], c[32], e[32], f[32];

		snprintf(a, sizeof a, "%lld", d->mailboxes);
		snprintf(b, sizeof b, "%lld", d->bytes);
		snprintf(c, sizeof c, "%lld", d->allocated_mb);
		snprintf(e, sizeof e, "%lld", d->unlimited);
		snprintf(f, sizeof f, "%lld", d->anomalies);
		out_table_row(&t, (const char *const[]){d->name, a, b, c, e, f});
	}
	out_table_end(&t);
	if (json)
		fputs("}\n", out);
	fflush(out);
}

static void mon_free(struct mon *m)
{
	free(m->top);
	free(m->prev);
	free(m->changed);
	free(m->doms);
}

/* --monitor --once: one refresh printed; 1 when it failed. */
static int run_once(struct mon *m)
{
	int rc = 0;

	mon_refresh(m, 20);
	/* the fullest come first: a mailbox over critical is among them */
	for (size_t i = 0; i < m->ntop; i++)
		quota_alert_note(m->top[i].level);
	if (m->error[0]) {
		fprintf(stderr, "vmailadm: --monitor: %s\n", m->error);
		rc = 1;
	} else {
		print_once(m);
	}
	mon_free(m);
	return rc;
}

/* One key of the dashboard; *next is the next tick. Returns 1 to quit. */
static int mon_key(struct mon *m, int ch, double *next)
{
	switch (ch) {
	case 'q':
	case 'Q':
		return 1;
	case '?':
	case KEY_F(1):
		m->help = 1;
		return 0;
	case 'p':
	case ' ':
		m->paused = !m->paused;
		if (!m->paused)
			*next = now_ms();
		return 0;
	case '+':
		if (m->interval < 3600)
			m->interval++;
		break;
	case '-':
		if (m->interval > 1)
			m->interval--;
		break;
	case 's':
		m->sort = (m->sort + 1) % SORT_COUNT;
		mon_refresh(m, LINES);
		break;
	case 'f':
	case '/':
		mon_filter(m);
		if (!m->error[0])
			mon_refresh(m, LINES);
		break;
	case 'r':
	case 12: /* ^L */
		mon_refresh(m, LINES);
		clearok(curscr, TRUE);
		break;
	default:
		return 0;
	}
	*next = now_ms() + m->interval * 1000.0;
	return 0;
}

/* The dashboard's loop: draw, wait for a key until the next tick. */
static void run_dashboard(struct mon *m)
{
	double next;

	mon_refresh(m, LINES);
	next = now_ms() + m->interval * 1000.0;
	while (!ui_signal) {
		double left;
		int ch;

		mon_draw(m);
		/* wait for a key until the next tick: the timeout is the interval */
		left = next - now_ms();
		timeout(m->paused ? -1 : left > 0 ? (int)left : 0);
		ui_trace_idle();
		ch = getch();
		ui_trace_key(ch);
		if (ui_signal || (ch == ERR && ui_terminal_gone()))
			break;
		if (ch == ERR) {
			if (!m->paused) {
				mon_refresh(m, LINES);
				next = now_ms() + m->interval * 1000.0;
			}
			continue;
		}
		if (m->help && ch != KEY_RESIZE) {
			m->help = 0;
			continue;
		}
		if (mon_key(m, ch, &next))
			break;
	}
}

int monitor_main(struct vm *vm, const struct tui_opts *o)
{
	struct mon m;

	memset(&m, 0, sizeof m);
	m.vm = vm;
	m.ui.vm = vm;
	m.ui.opts = o;
	m.interval = o->interval > 0 ? o->interval : 5;
	snprintf(m.ui.dbdesc, sizeof m.ui.dbdesc, "%s", vm->db->ops->describe(vm->db->conn));
	if (o->once)
		return run_once(&m);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vmailadm: --monitor needs a terminal; --monitor --once prints the dashboard once\n");
		return 2;
	}
	setlocale(LC_ALL, "");
	if (!ui_start_terminal()) {
		fprintf(stderr, "vmailadm: cannot start the terminal\n");
		return 2;
	}
	draw_init_colors(&m.ui);
	run_dashboard(&m);
	ui_restore_terminal();
	mon_free(&m);
	if (ui_signal) {
		fprintf(stderr, "vmailadm: stopped by signal %d\n", (int)ui_signal);
		return 1;
	}
	return 0;
}
