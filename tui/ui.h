/* SPDX-License-Identifier: MIT */
/* ui.h: the console's inner parts, shared by the files under tui/: the
 * session (struct ui), screens as structs of ops (one file per screen), the
 * console requests and their key bindings, colour roles, the keyset list
 * window every list screen uses, dialogs and forms.
 *
 * The event loop (tui.c) redraws the screens that are dirty, then waits for
 * a key with a timeout (the monitor's tick). Key handlers change state and
 * set `dirty`; only draw functions draw. Writes go through ui_exec(), which
 * runs the same statement a script line would (interp_exec) in one
 * transaction, so a key and a script line reach the same core call. */
#ifndef VMAILADM_TUI_UI_H
#define VMAILADM_TUI_UI_H

#include <curses.h>
#include <signal.h>
#include <stddef.h>

#include "core/lang/interp.h"
#include "core/vm.h"
#include "tui/tui.h"

/* Console requests: X(ENUM, name, help). Screens give the generic ones
 * (ADD, EDIT, DELETE, ...) their meaning: on the mailboxes screen ADD is the
 * statement `mailbox add`, which the help screen shows next to the key. */
#define REQ_LIST(X)                                                                                                    \
	X(NONE, "none", "")                                                                                            \
	X(QUIT, "quit", "go back; on the top screen, quit")                                                            \
	X(BACK, "back", "go back (cancel a search or a form)")                                                         \
	X(ENTER, "enter", "open the selected row")                                                                     \
	X(UP, "up", "move up")                                                                                         \
	X(DOWN, "down", "move down")                                                                                   \
	X(PGUP, "page-up", "previous page")                                                                            \
	X(PGDN, "page-down", "next page")                                                                              \
	X(HOME, "home", "first row")                                                                                   \
	X(END, "end", "last row")                                                                                      \
	X(NEXT_TAB, "next-tab", "next list of this domain (mailboxes, aliases, domain aliases)")                       \
	X(VIEW_DOMAINS, "view-domains", "the domains")                                                                 \
	X(VIEW_MAILBOXES, "view-mailboxes", "the mailboxes of the selected domain")                                    \
	X(VIEW_ALIASES, "view-aliases", "the aliases of the selected domain")                                          \
	X(VIEW_DOMAINALIASES, "view-domainaliases", "the domain aliases of the selected domain")                       \
	X(VIEW_OPS, "view-ops", "the pending operations")                                                              \
	X(VIEW_AUDIT, "view-audit", "the audit log (/ sets filters: object= admin= since= until=)")                    \
	X(VIEW_STORE, "view-store", "the store check (Enter repairs the selected finding, after a confirmation)")      \
	X(HELP, "help", "this help")                                                                                   \
	X(SEARCH, "search", "search by prefix; * and ? make a pattern (*text*)")                                       \
	X(SORT, "sort", "reverse the order; mailboxes: address, fullest, largest quota (/ goes back to address)")      \
	X(MARK, "mark", "mark or unmark the row")                                                                      \
	X(MARK_PATTERN, "mark-pattern", "mark the rows matching a pattern (a* or *x?)")                                \
	X(UNMARK_ALL, "unmark-all", "clear the marks")                                                                 \
	X(ADD, "add", "create")                                                                                        \
	X(EDIT, "edit", "edit the selected row")                                                                       \
	X(DELETE, "delete", "delete the selected row, or the marked rows")                                             \
	X(RENAME, "rename", "rename the selected row")                                                                 \
	X(ENABLE, "enable", "enable the marked rows (or the selected one)")                                            \
	X(DISABLE, "disable", "disable the marked rows (or the selected one)")                                         \
	X(SET_QUOTA, "set-quota", "set the quota of the marked rows (or the selected one)")                            \
	X(MAPS_GENERATE, "maps-generate", "regenerate the Postfix maps")                                               \
	X(OPS_RUN, "ops-run", "run the pending operations")                                                            \
	X(QUOTA_RECALC, "quota-recalc", "ask Dovecot to recount the quota")                                            \
	X(REFRESH, "refresh", "re-read the rows from the database")                                                    \
	X(REDRAW, "redraw", "redraw the screen")

enum req {
#define X(e, n, h) REQ_##e,
	REQ_LIST(X)
#undef X
		REQ_COUNT
};

const char *req_name(enum req r);
const char *req_help(enum req r);
/* The request bound to key ch (a curses key code), or REQ_NONE. */
enum req keys_lookup(int ch);
/* "q", "Enter", "PgDn", "^L": the keys bound to r, joined by ", " into buf. */
const char *keys_for(enum req r, char *buf, size_t len);
/* 1 if r would write (offered only when the session may write). */
int req_writes(enum req r);

/* Colour roles; each theme maps them to a pair and attributes. */
#define UIC_LIST(X)                                                                                                    \
	X(UIC_NORMAL)                                                                                                  \
	X(UIC_TITLE)                                                                                                   \
	X(UIC_TAB)                                                                                                     \
	X(UIC_TAB_ACTIVE)                                                                                              \
	X(UIC_HEADER)                                                                                                  \
	X(UIC_CURSOR)                                                                                                  \
	X(UIC_MARKED)                                                                                                  \
	X(UIC_DISABLED)                                                                                                \
	X(UIC_QUOTA_OK)                                                                                                \
	X(UIC_QUOTA_WARN)                                                                                              \
	X(UIC_QUOTA_CRIT)                                                                                              \
	X(UIC_PENDING)                                                                                                 \
	X(UIC_STATUS)                                                                                                  \
	X(UIC_ERROR)                                                                                                   \
	X(UIC_INFO)                                                                                                    \
	X(UIC_FIELD)                                                                                                   \
	X(UIC_ESCAPED)

enum uic {
#define X(e) e,
	UIC_LIST(X)
#undef X
		UIC_COUNT
};

struct ui;
struct screen;

struct screen_ops {
	const char *name; /* the tab's title */
	enum req view;    /* the VIEW_ request that shows it, or REQ_NONE */
	/* Draws into the main area (rows y0 .. y0+h-1, w columns). */
	void (*draw)(struct ui *ui, struct screen *s, int y0, int h, int w);
	/* Handles a request; returns 1 if it did. */
	int (*key)(struct ui *ui, struct screen *s, enum req r, int ch);
	/* Re-reads its rows (after a change, or on REFRESH). */
	void (*reload)(struct ui *ui, struct screen *s);
	void (*close)(struct screen *s);
	/* Statement for a generic request on the screen of these ops, or -1
	 * (for help, which knows the ops of the screen it was opened from). */
	int (*action_for)(const struct screen_ops *ops, enum req r);
	/* The domain under the cursor (domains screen), or NULL; may be NULL. */
	const char *(*selected_domain)(struct screen *s, long long *domain_id);
};

struct screen {
	const struct screen_ops *ops;
	void *data;
	struct screen *below; /* the screen this one was opened from */
	char title[300];      /* "mailboxes of example.com" */
	char domain[256];     /* the domain a screen is about, "" if none */
	long long domain_id;
	struct list *list; /* the screen's list, if it is one (marks, filter on the status line) */
};

struct ui {
	struct vm *vm;
	const struct tui_opts *opts;
	struct screen *top;
	int dirty; /* redraw everything */
	int quit;
	int color; /* colours in use (else monochrome) */
	int attrs[UIC_COUNT];
	char msg[1024]; /* the message line */
	int msg_error;
	int need_reconnect; /* the connection was lost: reopen before the next action */
	char dbdesc[512];
	int lines, cols;
};

/* Signals: set by the handlers, read by the loops. */
extern volatile sig_atomic_t ui_signal;

/* tui.c */
/* Starts curses for the console and the monitor: the signals set
 * ui_signal, the terminal is restored at exit and by die(); 0 when the
 * terminal cannot be used. */
int ui_start_terminal(void);
/* Restores the terminal; safe to call twice (atexit, the die hook). */
void ui_restore_terminal(void);
void ui_message(struct ui *ui, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ui_push(struct ui *ui, struct screen *s);
void ui_pop(struct ui *ui);
/* Draws every line (used under modal dialogs and forms too). */
void ui_draw(struct ui *ui);
/* Runs a statement (words as a script line has them) in its own transaction,
 * or in the open one; on failure shows the error and returns it. */
enum vm_status ui_exec(struct ui *ui, int nwords, const char *const *words, struct vm_error *err);
/* Checks the connection before an action (reconnecting when it was lost);
 * returns 0 and shows why when the database cannot be used. */
int ui_db_ready(struct ui *ui);
/* Handles a core error: a lost connection is remembered for reconnecting. */
void ui_error(struct ui *ui, const char *what, const struct vm_error *err);
/* Reads a key with the loop's timeout; KEY_RESIZE is handled (sizes updated).
 * ERR from a terminal that is gone sets ui_signal (ui_terminal_gone). */
int ui_getch(struct ui *ui);
/* 1, and ui_signal set to SIGHUP, when the terminal has hung up or closed:
 * a console outside the terminal's session (setsid, some su and sudo ways)
 * gets no SIGHUP, and its getch returns ERR at once, for ever. */
int ui_terminal_gone(void);

/* trace.c: with VMAILADM_TUI_TRACE=FILE set, appends to FILE "first MS NS"
 * (ms from ui_trace_start to the first wait for a key, and the wall clock
 * then in ns) and "key NAME MS" per key (ms from its read to the next wait
 * for a key: its queries and refreshes). Unset, they do nothing. */
void ui_trace_start(const char *what);
void ui_trace_idle(void);  /* about to wait for a key */
void ui_trace_key(int ch); /* a key (or ERR) was read */
/* Refresh every screen of the stack (after a write). */
void ui_refresh_all(struct ui *ui);

/* draw.c */
void draw_init_colors(struct ui *ui);
/* Draws s at (y, x) in at most w columns: UTF-8 decoded, control characters
 * and invalid bytes shown as \xNN in the ESCAPED role. Returns columns used. */
int draw_text(struct ui *ui, int y, int x, const char *s, int w, int attr);
/* Same, padded with blanks to exactly w columns (right-aligned if right). */
void draw_cell(struct ui *ui, int y, int x, const char *s, int w, int attr, int right);
/* Display width of s as draw_text draws it. */
int text_width(const char *s);
/* A usage bar of w columns for used bytes of quota_mb (0 = unlimited). */
void draw_usage(struct ui *ui, int y, int x, int w, long long used, int quota_mb, int attr_base);
/* "12.3M" */
const char *fmt_bytes(long long b, char *buf, size_t len);

/* dialog.c */
/* Asks a yes/no question (lines separated by \n); returns the key pressed
 * (lower-cased) if it is one of `answers`, else 0 (cancelled). */
int dialog_ask(struct ui *ui, const char *title, const char *text, const char *answers);
/* Reads a line at the bottom. on_change (may be NULL) is called after each
 * edit (incremental search). Returns 1 on Enter, 0 on Esc. */
int dialog_prompt(struct ui *ui, const char *label, char *buf, size_t len,
		  void (*on_change)(struct ui *ui, void *ctx, const char *text), void *ctx);

/* form.c: libform forms */
struct form_field {
	const char *label;
	const char *key;  /* the statement option (quota, name, ...) or "" for a positional word */
	char value[1024]; /* initial value in, typed value out */
	int hidden;       /* password: shown as * */
	int readonly;
	int width;
	char error[256]; /* shown next to the field */
	/* Checks the value as the core would; NULL = no check here. */
	enum vm_status (*check)(const char *value, struct vm_error *err);
};
struct form_spec {
	const char *title;
	struct form_field *fields;
	int nfields;
	const char *hint; /* extra line, e.g. "^G generates a password" */
	/* Called on submit with the values; returns VM_OK when done (the form
	 * closes) or an error (shown, the form stays with its content). */
	enum vm_status (*submit)(struct ui *ui, struct form_spec *f, void *ctx, struct vm_error *err);
	void *ctx;
	int gen_field; /* index of a password field ^G fills, -1 = none */
	int gen_field2;
	char generated[64]; /* a generated password, shown once after submit */
};
/* Runs the form; returns 1 if it was submitted successfully, 0 if cancelled. */
int form_run(struct ui *ui, struct form_spec *f);
/* Puts an error next to the field whose key or label the message names;
 * returns 1 if one was found. */
int form_field_error(struct form_spec *f, const char *msg);

/* list.c: a window of rows around the cursor, read page by page with
 * keyset pagination (never all rows), drawn as columns. */
struct list;

/* A column: its title, its width, how a row's cell is made. Columns are
 * drawn left to right with a blank between them; the header is the titles
 * in the same places. */
#define LIST_REST (-1) /* width: what the columns before it leave */
struct list_column {
	const char *title;
	int width;              /* columns, or LIST_REST (unless width_of is set) */
	int (*width_of)(int w); /* the width in a list w columns wide */
	int right;              /* right-aligned */
	int tight;              /* no blank after it */
	/* The cell's text: formatted into buf (of len) or pointing into row. */
	const char *(*text)(const struct list_column *c, const void *row, char *buf, size_t len);
	/* The cell's attribute, from the row's (cursor, mark); NULL: the row's. */
	int (*attr)(struct ui *ui, const struct list_column *c, const void *row, int attr);
	/* Draws the cell itself instead of text (a usage bar); NULL: text. */
	void (*draw)(struct ui *ui, const void *row, int y, int x, int w, int attr);
	size_t field; /* the row's field the shared formatters below read */
};
/* Shared formatters, reading the field at c->field: "yes"/"no" of an int,
 * a char array, a char pointer (NULL: ""). */
const char *list_col_yes_no(const struct list_column *c, const void *row, char *buf, size_t len);
const char *list_col_chars(const struct list_column *c, const void *row, char *buf, size_t len);
const char *list_col_string(const struct list_column *c, const void *row, char *buf, size_t len);
/* The disabled colour when the int at c->field is 0 (not under the cursor). */
int list_col_dim_off(struct ui *ui, const struct list_column *c, const void *row, int attr);
/* The "ON" column of a row type's int enabled member. */
#define LIST_COL_ON(type, member)                                                                                      \
	{                                                                                                              \
		.title = "ON", .width = 4, .text = list_col_yes_no, .attr = list_col_dim_off,                          \
		.field = offsetof(type, member)                                                                        \
	}
#define LIST_COUNT(a) ((int)(sizeof(a) / sizeof *(a)))
/* The list_ops of rows of type, read by fetch_ and before_, keyed by key_,
 * freed by free_ (NULL: they own nothing), drawn as cols. */
#define LIST_OF(type, fetch_, before_, key_, free_, cols)                                                              \
	{                                                                                                              \
		.row_size = sizeof(type), .fetch = (fetch_), .start_before = (before_), .key = (key_),                 \
		.free_row = (free_), .columns = (cols), .ncolumns = LIST_COUNT(cols)                                   \
	}

struct list_ops {
	size_t row_size;
	/* Up to n rows after key `after` ("" = from the start), in key order. */
	enum vm_status (*fetch)(struct ui *ui, struct list *l, const char *after, int n, void **rows, size_t *nrows,
				struct vm_error *err);
	/* The key to fetch after to get the n rows before `before` (NULL = the end). */
	enum vm_status (*start_before)(struct ui *ui, struct list *l, const char *before, int n, char *after,
				       size_t len, int *count, struct vm_error *err);
	const char *(*key)(const void *row);
	void (*free_row)(void *row); /* NULL if rows own nothing */
	const struct list_column *columns;
	int ncolumns;
};
struct list {
	const struct list_ops *ops;
	void *ctx;  /* the screen's data */
	char *rows; /* n rows of ops->row_size */
	size_t n;
	int top, cur; /* indexes into rows */
	int at_start, at_end;
	int height;             /* rows on screen, from the last draw */
	int reverse;            /* sorted descending (the SORT request) */
	const char *order_name; /* the status line's order when the screen sorts by another column (NULL: none) */
	char filter[256];       /* prefix search */
	char glob[256];         /* set while marking by pattern */
	char **marks;           /* marked keys, sorted */
	size_t nmarks;
	int loaded;
};
void list_init(struct list *l, const struct list_ops *ops, void *ctx);
void list_free(struct list *l);
void *list_row(struct list *l, int i);
/* The row under the cursor, or NULL. */
void *list_current(struct list *l);
/* Re-reads the window around the current row (or from the start). */
void list_reload(struct ui *ui, struct list *l, int from_start);
/* Handles movement, search, marks; returns 1 if it did. */
int list_key(struct ui *ui, struct list *l, enum req r);
void list_draw(struct ui *ui, struct list *l, int y0, int h, int w);
int list_marked(const struct list *l, const char *key);
void list_mark(struct list *l, const char *key, int on);
void list_unmark_all(struct list *l);
/* The keys to act on: the marked ones, or the current row's. Caller frees
 * the array (not the strings, which stay valid until the list changes). */
const char **list_targets(struct list *l, size_t *n);

/* screen.c: a list screen made from its declaration: the list (its page
 * query and columns), the statements' object, the keys (requests of the key
 * table, keys.c) and the add/edit hooks. screen.c draws it, hands movement,
 * search, marks and order to the list (list.c), runs its keys, reloads and
 * frees it, and tells the help screen which statement a key runs. */
struct screen_key {
	enum req req;
	const char *verb; /* the statement `OBJECT VERB` it runs (the help shows it), or NULL */
	/* Runs the request on the row under the cursor (NULL: none); returns
	 * 0 to hand it on to the list. NULL: the list has it. */
	int (*run)(struct ui *ui, struct screen *s, enum req r, void *row);
	const char *says; /* instead: only this message ("REQ: says" if named) */
	int says_error, named;
};
/* A key row that runs fn (the statement `OBJECT verb`, verb may be NULL),
 * and one that only says text (error: as an error; named: "REQ: text"). */
#define SCREEN_KEY(r, verb_, fn)                                                                                       \
	{                                                                                                              \
		.req = (r), .verb = (verb_), .run = (fn)                                                               \
	}
#define SCREEN_SAYS(r, text, error, named_)                                                                            \
	{                                                                                                              \
		.req = (r), .says = (text), .says_error = (error), .named = (named_)                                   \
	}
struct list_screen {
	struct screen_ops ops; /* first: screen.c finds the declaration from s->ops */
	struct list_ops list;
	const char *title, *title_after;      /* the title: title, the shown domain, title_after */
	const char *object;                   /* the statements' object ("mailbox"), edit_bulk's */
	int local_keys;                       /* the keys are local parts of the screen's domain ("*" the catch-all) */
	const char *(*word)(const void *row); /* the row as its statements name it */
	/* The add or edit form (word NULL: add); 1 when something changed. */
	int (*edit)(struct ui *ui, const char *domain, const char *word);
	const struct screen_key *keys;
	int nkeys;
	int no_status; /* the status line shows nothing of the list (marks, order) */
};
/* The data of a list screen: the list (its ctx is the struct screen) and
 * the screen's own state (the mailboxes' order). */
struct list_screen_state {
	struct list list;
	int order;
};
/* The ops a declaration's .ops takes besides name and view. */
void list_screen_draw(struct ui *ui, struct screen *s, int y0, int h, int w);
int list_screen_key(struct ui *ui, struct screen *s, enum req r, int ch);
void list_screen_reload(struct ui *ui, struct screen *s);
void list_screen_close(struct screen *s);
int list_screen_action_for(const struct screen_ops *ops, enum req r);
#define LIST_SCREEN_OPS                                                                                                \
	.draw = list_screen_draw, .key = list_screen_key, .reload = list_screen_reload, .close = list_screen_close,    \
	.action_for = list_screen_action_for
/* Key runners: the add and edit forms, rename, and the bulk requests
 * (delete, enable, disable, set-quota) on the marked rows or the current. */
int screen_add(struct ui *ui, struct screen *s, enum req r, void *row);
int screen_edit(struct ui *ui, struct screen *s, enum req r, void *row);
int screen_rename(struct ui *ui, struct screen *s, enum req r, void *row);
int screen_bulk(struct ui *ui, struct screen *s, enum req r, void *row);
/* A screen of def about domain ("" and 0: none). */
struct screen *list_screen_new(const struct list_screen *def, const char *domain, long long domain_id);
/* The screen a list belongs to, and its state. */
struct screen *list_screen_of(const struct list *l);
struct list_screen_state *list_screen_state(const struct screen *s);

/* The screens */
struct screen *screen_domains_new(struct ui *ui);
struct screen *screen_mailboxes_new(struct ui *ui, const char *domain, long long domain_id);
struct screen *screen_aliases_new(struct ui *ui, const char *domain, long long domain_id);
struct screen *screen_domainaliases_new(struct ui *ui, const char *domain, long long domain_id);
struct screen *screen_mailbox_new(struct ui *ui, const char *address);
struct screen *screen_ops_new(struct ui *ui);
struct screen *screen_audit_new(struct ui *ui);
struct screen *screen_store_new(struct ui *ui);
struct screen *screen_help_new(struct ui *ui);

/* The domain the current screens are about ("" on the domains screen). */
const char *ui_current_domain(struct ui *ui, long long *domain_id);

/* edit.c: the forms and confirmations of domains, mailboxes, aliases, domain
 * aliases; return 1 when something changed. */
int edit_domain(struct ui *ui, const char *name);                         /* NULL = new */
int edit_mailbox(struct ui *ui, const char *domain, const char *address); /* NULL address = new */
int edit_alias(struct ui *ui, const char *domain, const char *address);
int edit_domainalias(struct ui *ui, const char *target, const char *name);
/* Deletes, enables, disables or sets the quota of keys (object "domain",
 * "mailbox", "alias", "domainalias") with one confirmation and one
 * transaction. */
int edit_bulk(struct ui *ui, const char *object, enum req r, const char *const *keys, size_t n);
/* Asks for the new name, says what a rename does, runs `OBJECT rename`. */
int edit_rename(struct ui *ui, const char *object, const char *old);
/* sieve.c: the vacation form of a mailbox; 1 when something was saved */
int edit_vacation(struct ui *ui, const char *address);
/* Runs maps generate / ops run / quota recalc if that statement exists. */
void edit_run_tool(struct ui *ui, enum req r);

#endif
