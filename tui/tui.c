/* SPDX-License-Identifier: MIT */
/* tui.c: the console's session and event loop: the screen stack, the tab
 * bar, the message and status lines, signals and the terminal's restoring,
 * running statements for the screens, and reconnecting to the database. */
#include "tui/tui.h"

#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/reopen.h"
#include "core/lang/stmt.h"
#include "lib/xalloc.h"
#include "tui/monitor.h"
#include "tui/ui.h"

volatile sig_atomic_t ui_signal;
static int curses_on;

void ui_restore_terminal(void)
{
	if (curses_on) {
		curses_on = 0;
		curs_set(1);
		endwin();
		fflush(stdout);
	}
}

static void on_signal(int sig)
{
	/* only a flag: the loops notice it, leave, and the terminal is
	 * restored outside the handler */
	ui_signal = sig;
}

int ui_start_terminal(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	xalloc_set_die_hook(ui_restore_terminal);
	atexit(ui_restore_terminal);
	if (!initscr())
		return 0;
	curses_on = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* ncurses (6.4 here) flushes its output at every cursor move until the
	 * program has been through endwin() once (TINFO_MVCUR flushes while
	 * _endwin is ewInitial): 80-200 write(2)s for one screen, each a wake-up
	 * of the terminal and, over SSH, a packet. An endwin() and a refresh()
	 * before the first paint let it send a screen in one write. */
	endwin();
	refresh();
	return 1;
}

void ui_message(struct ui *ui, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_error = error;
	ui->dirty = 1;
}

void ui_push(struct ui *ui, struct screen *s)
{
	s->below = ui->top;
	ui->top = s;
	ui->dirty = 1;
}

void ui_pop(struct ui *ui)
{
	struct screen *s = ui->top;

	if (!s)
		return;
	ui->top = s->below;
	s->ops->close(s);
	free(s);
	ui->dirty = 1;
}

void ui_error(struct ui *ui, const char *what, const struct vm_error *err)
{
	if (err->status == VM_ERR_CONNECTION) {
		ui->need_reconnect = 1;
		ui_message(ui, 1, "database connection lost (%s): it is reopened on the next action", err->msg);
		return;
	}
	ui_message(ui, 1, "%s: %s", what, err->msg);
}

int ui_db_ready(struct ui *ui)
{
	struct vm_error err = {0};

	if (!ui->need_reconnect && ui->vm->db)
		return 1;
	if (vm_reopen(ui->vm, ui->vm->url, &err) != VM_OK) {
		ui_message(ui, 1, "the database is still unreachable: %s (r retries)", err.msg);
		return 0;
	}
	ui->need_reconnect = 0;
	snprintf(ui->dbdesc, sizeof ui->dbdesc, "%s", ui->vm->db->ops->describe(ui->vm->db->conn));
	ui_message(ui, 0, "reconnected to the database");
	return 1;
}

enum vm_status ui_exec(struct ui *ui, int nwords, const char *const *words, struct vm_error *err)
{
	struct stmt s;
	enum vm_status st;

	if (!ui_db_ready(ui))
		return vm_fail(err, VM_ERR_CONNECTION, "the database is unreachable");
	stmt_from_argv(&s, nwords, words);
	st = interp_exec(ui->vm, &s, "console", err);
	/* the statement's words may hold a password: wipe them */
	for (int i = 0; i < s.nwords; i++)
		memset(s.words[i], 0, strlen(s.words[i]));
	stmt_free(&s);
	if (st == VM_ERR_CONNECTION)
		ui->need_reconnect = 1;
	return st;
}

void ui_refresh_all(struct ui *ui)
{
	for (struct screen *s = ui->top; s; s = s->below)
		if (s->ops->reload)
			s->ops->reload(ui, s);
	ui->dirty = 1;
}

const char *ui_current_domain(struct ui *ui, long long *domain_id)
{
	for (struct screen *s = ui->top; s; s = s->below) {
		if (s->domain[0]) {
			*domain_id = s->domain_id;
			return s->domain;
		}
		if (s->ops->selected_domain) {
			const char *d = s->ops->selected_domain(s, domain_id);

			if (d)
				return d;
		}
	}
	return NULL;
}

int ui_terminal_gone(void)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};

	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
		/* what a hang-up would have said, for the loops to leave by */
		ui_signal = SIGHUP;
		return 1;
	}
	return 0;
}

int ui_getch(struct ui *ui)
{
	int ch;

	ui_trace_idle();
	ch = getch();
	ui_trace_key(ch);
	if (ch == ERR)
		(void)ui_terminal_gone();

	if (ch == KEY_RESIZE) {
		ui->lines = LINES;
		ui->cols = COLS;
		ui->dirty = 1;
	}
	return ch;
}

/* ---- drawing ---- */

static const enum req tabs[] = {REQ_VIEW_DOMAINS, REQ_VIEW_MAILBOXES, REQ_VIEW_ALIASES, REQ_VIEW_DOMAINALIASES,
				REQ_VIEW_OPS,     REQ_VIEW_AUDIT,     REQ_HELP};
/* short enough for the whole bar to fit in 80 columns */
static const char *const tab_names[] = {"1 Domains", "2 Mailboxes", "3 Aliases", "4 Dom.aliases",
					"5 Ops",     "6 Audit",     "? Help"};

static void draw_tabs(struct ui *ui)
{
	int x = 0;

	draw_cell(ui, 0, 0, "", COLS, ui->attrs[UIC_TAB], 0);
	for (size_t i = 0; i < sizeof tabs / sizeof *tabs && x < COLS; i++) {
		int active = ui->top && ui->top->ops->view == tabs[i];
		int w = text_width(tab_names[i]) + 2;

		if (x + w > COLS)
			w = COLS - x;
		draw_cell(ui, 0, x, "", w, ui->attrs[active ? UIC_TAB_ACTIVE : UIC_TAB], 0);
		draw_text(ui, 0, x + 1, tab_names[i], w - 1, ui->attrs[active ? UIC_TAB_ACTIVE : UIC_TAB]);
		x += w + 1;
	}
}

static void draw_status(struct ui *ui)
{
	char st[1400];
	const struct vm_actor *a = &ui->vm->actor;
	struct list *l = ui->top ? ui->top->list : NULL;
	int n;

	/* what matters most first: a narrow terminal cuts the end */
	n = snprintf(st, sizeof st, " %s", ui->vm->read_only ? "READ-ONLY" : "read-write");
	if (l && l->nmarks && n > 0 && (size_t)n < sizeof st)
		n += snprintf(st + n, sizeof st - (size_t)n, " | %zu marked", l->nmarks);
	/* the order the list is read in (o reverses it) */
	if (l && n > 0 && (size_t)n < sizeof st)
		n += snprintf(st + n, sizeof st - (size_t)n, " | sort: %s",
			      l->order_name                          ? l->order_name
			      : ui->top->ops->view == REQ_VIEW_AUDIT ? (l->reverse ? "oldest first" : "newest first")
			      : l->reverse                           ? "descending"
								     : "ascending");
	if (l && l->filter[0] && n > 0 && (size_t)n < sizeof st)
		n += snprintf(st + n, sizeof st - (size_t)n, " | search: %s", l->filter);
	if (n > 0 && (size_t)n < sizeof st)
		snprintf(st + n, sizeof st - (size_t)n, " | user: %s%s | %s", a->login[0] ? a->login : "superuser",
			 a->origin[0] ? (strcmp(a->origin, "local") == 0 ? " (local)" : " (ssh)") : "", ui->dbdesc);
	draw_cell(ui, LINES - 1, 0, st, COLS, ui->attrs[UIC_STATUS], 0);
}

void ui_draw(struct ui *ui)
{
	erase();
	if (LINES < 6 || COLS < 20) {
		draw_text(ui, 0, 0, "terminal too small", COLS, A_NORMAL);
		refresh();
		return;
	}
	draw_tabs(ui);
	if (ui->top) {
		draw_text(ui, 1, 0, ui->top->title, COLS, ui->attrs[UIC_TITLE]);
		ui->top->ops->draw(ui, ui->top, 2, LINES - 4, COLS);
	}
	move(LINES - 2, 0);
	clrtoeol();
	if (ui->msg[0])
		draw_text(ui, LINES - 2, 0, ui->msg, COLS, ui->attrs[ui->msg_error ? UIC_ERROR : UIC_INFO]);
	draw_status(ui);
	refresh();
	ui->dirty = 0;
}

/* ---- navigation between screens ---- */

static void pop_to_bottom(struct ui *ui)
{
	while (ui->top && ui->top->below)
		ui_pop(ui);
}

static void open_view(struct ui *ui, enum req view)
{
	long long did = 0;
	const char *cur = ui_current_domain(ui, &did);
	char dom[256] = "";
	struct screen *s = NULL;

	if (cur)
		snprintf(dom, sizeof dom, "%s", cur);
	if ((view == REQ_VIEW_MAILBOXES || view == REQ_VIEW_ALIASES || view == REQ_VIEW_DOMAINALIASES) && !dom[0]) {
		ui_message(ui, 1, "select a domain first");
		return;
	}
	if (ui->top && ui->top->ops->view == view && (!dom[0] || strcmp(ui->top->domain, dom) == 0))
		return;
	pop_to_bottom(ui);
	switch (view) {
	case REQ_VIEW_MAILBOXES:
		s = screen_mailboxes_new(ui, dom, did);
		break;
	case REQ_VIEW_ALIASES:
		s = screen_aliases_new(ui, dom, did);
		break;
	case REQ_VIEW_DOMAINALIASES:
		s = screen_domainaliases_new(ui, dom, did);
		break;
	case REQ_VIEW_OPS:
		s = screen_ops_new(ui);
		break;
	case REQ_VIEW_AUDIT:
		s = screen_audit_new(ui);
		break;
	case REQ_VIEW_STORE:
		s = screen_store_new(ui);
		break;
	default:
		break;
	}
	if (s)
		ui_push(ui, s);
}

static void next_tab(struct ui *ui)
{
	enum req v = ui->top ? ui->top->ops->view : REQ_NONE;

	open_view(ui, v == REQ_VIEW_MAILBOXES       ? REQ_VIEW_ALIASES
		      : v == REQ_VIEW_ALIASES       ? REQ_VIEW_DOMAINALIASES
		      : v == REQ_VIEW_DOMAINALIASES ? REQ_VIEW_OPS
		      : v == REQ_VIEW_OPS           ? REQ_VIEW_AUDIT
		      : v == REQ_VIEW_AUDIT         ? REQ_VIEW_DOMAINS
						    : REQ_VIEW_MAILBOXES);
}

static void quit_or_back(struct ui *ui)
{
	struct list *l = ui->top ? ui->top->list : NULL;

	if (ui->top && ui->top->below) {
		ui_pop(ui);
		return;
	}
	if (l && l->nmarks) {
		char q[128];

		snprintf(q, sizeof q, "%zu row(s) are marked and nothing was applied to them.\nQuit anyway? (y/n)",
			 l->nmarks);
		if (dialog_ask(ui, "Quit", q, "y") != 'y')
			return;
	}
	ui->quit = 1;
}

static void handle(struct ui *ui, enum req r, int ch)
{
	if (r == REQ_NONE) {
		if (ch >= 0x20 && ch < 0x7f)
			ui_message(ui, 0, "'%c' does nothing here: ? shows the keys", ch);
		return;
	}
	if (ui->vm->read_only && req_writes(r)) {
		ui_message(ui, 1, "read-only session: %s is not available", req_name(r));
		return;
	}
	if (ui->top && ui->top->ops->key(ui, ui->top, r, ch))
		return;
	switch (r) {
	case REQ_QUIT:
	case REQ_BACK:
		quit_or_back(ui);
		break;
	case REQ_HELP:
		if (!ui->top || ui->top->ops->view != REQ_HELP)
			ui_push(ui, screen_help_new(ui));
		break;
	case REQ_REDRAW:
		clearok(curscr, TRUE);
		ui->dirty = 1;
		break;
	case REQ_NEXT_TAB:
		next_tab(ui);
		break;
	case REQ_VIEW_DOMAINS:
		pop_to_bottom(ui);
		break;
	case REQ_VIEW_MAILBOXES:
	case REQ_VIEW_ALIASES:
	case REQ_VIEW_DOMAINALIASES:
	case REQ_VIEW_OPS:
	case REQ_VIEW_AUDIT:
	case REQ_VIEW_STORE:
		open_view(ui, r);
		break;
	case REQ_MAPS_GENERATE:
	case REQ_OPS_RUN:
	case REQ_QUOTA_RECALC:
		edit_run_tool(ui, r);
		break;
	case REQ_REFRESH:
		ui_refresh_all(ui);
		break;
	default:
		ui_message(ui, 0, "%s: not available on this screen", req_name(r));
		break;
	}
}

int tui_main(struct vm *vm, const struct tui_opts *o)
{
	struct ui ui;

	ui_trace_start(o->monitor ? "monitor" : "console");
	if (o->monitor)
		return monitor_main(vm, o);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vmailadm: the console needs a terminal; give a statement or -f FILE to run "
				"without one (vmailadm --help)\n");
		return 2;
	}
	memset(&ui, 0, sizeof ui);
	ui.vm = vm;
	ui.opts = o;
	setlocale(LC_ALL, "");
	/* the console prints nothing on stdout: statements' list output (none
	 * is run from here) must not scribble on the screen */
	vm->out = fopen("/dev/null", "w");
	if (!vm->out)
		vm->out = stderr;
	if (!ui_start_terminal()) {
		fprintf(stderr, "vmailadm: cannot start the terminal (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		return 2;
	}
	timeout(1000); /* the tick: the monitor refreshes on it */
	draw_init_colors(&ui);
	ui.lines = LINES;
	ui.cols = COLS;
	snprintf(ui.dbdesc, sizeof ui.dbdesc, "%s", vm->db->ops->describe(vm->db->conn));
	ui_push(&ui, screen_domains_new(&ui));
	ui.dirty = 1;
	while (!ui.quit && !ui_signal) {
		int ch;

		if (ui.dirty)
			ui_draw(&ui);
		ch = ui_getch(&ui);
		if (ch == ERR || ch == KEY_RESIZE)
			continue;
		ui.msg[0] = '\0';
		ui.dirty = 1;
		handle(&ui, keys_lookup(ch), ch);
	}
	while (ui.top)
		ui_pop(&ui);
	ui_restore_terminal();
	if (vm->out && vm->out != stderr && vm->out != stdout)
		fclose(vm->out);
	vm->out = stdout;
	if (ui_signal) {
		/* a transaction a signal interrupted is rolled back when the
		 * connection closes: nothing half-written */
		fprintf(stderr, "vmailadm: stopped by signal %d\n", (int)ui_signal);
		return 1;
	}
	return 0;
}
