/* SPDX-License-Identifier: MIT */
/* main.c: vmailadm's entry: options, configuration, the database, and the
 * front end (console, monitor, batch script, or one statement). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core/auth.h"
#include "core/lang/batch.h"
#include "core/lang/complete.h"
#include "core/conf.h"
#include "core/lang/import.h"
#include "core/lang/interp.h"
#include "core/quota.h"
#include "core/lang/stmt.h"
#include "core/mailsys/storecheck.h"
#include "core/vm.h"
#include "lib/xalloc.h"
#include "tui/tui.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: vmailadm [-c CONFIG] [-d URL] [options] [STATEMENT ...]\n"
		     "  (no statement, a terminal)   the interactive console\n"
		     "  --read-only                  the console with every write refused\n"
		     "  --monitor [--interval SECS]  live quota dashboard (read-only); --once prints it once\n"
		     "  -f FILE | -f -               run a script (one transaction unless --keep-going)\n"
		     "  --dry-run                    run, print the changes, roll back\n"
		     "  --keep-going                 with -f: each statement commits alone\n"
		     "  --format=text|json, --json   output format of lists and summaries\n"
		     "  -q, --quiet                  do not print the changes made\n"
		     "  --sep X                      separator of import csv files (default ';'; 'tab')\n"
		     "  --user LOGIN                 act as this administrator\n"
		     "  --password-file FILE         the administrator's password (else VMAILADM_PASSWORD or a prompt)\n"
		     "  -c FILE                      configuration file (default /etc/vmailadm.conf if present)\n"
		     "  -d URL                       database: postgresql://..., mysql://..., sqlite:PATH\n"
		     "                               (else VMAILADM_DATABASE, else [database] url)\n"
		     "  -h, --help, --version\n"
		     "statements:\n");
	interp_help(out);
	fprintf(out, "exit status: 0 done; 1 a statement failed; 2 usage or config error; 3 database unreachable;\n"
		     "             4 quota show / --monitor --once: a mailbox over [monitor] critical;\n"
		     "             5 store check: it found something\n");
}

/* The -d URL, copied so the argument can be blanked; wiped and freed on
 * every way out, including the early usage errors. */
static char *url_copy;

static void url_copy_free(void)
{
	if (url_copy) {
		explicit_bzero(url_copy, strlen(url_copy));
		free(url_copy);
		url_copy = NULL;
	}
}

/* The command line's long options: name, argument, the short option's letter
 * (SHORT) or an OPT_ value made from the name (LONG). --complete (shell
 * completion) offers them. */
#define LONG_OPTION_LIST(SHORT, LONG)                                                                                  \
	SHORT("config", required_argument, 'c')                                                                        \
	SHORT("database", required_argument, 'd')                                                                      \
	SHORT("file", required_argument, 'f')                                                                          \
	SHORT("quiet", no_argument, 'q')                                                                               \
	SHORT("help", no_argument, 'h')                                                                                \
	LONG("dry-run", no_argument, DRY_RUN)                                                                          \
	LONG("keep-going", no_argument, KEEP_GOING)                                                                    \
	LONG("read-only", no_argument, READ_ONLY)                                                                      \
	LONG("monitor", no_argument, MONITOR)                                                                          \
	LONG("interval", required_argument, INTERVAL)                                                                  \
	LONG("once", no_argument, ONCE)                                                                                \
	LONG("user", required_argument, USER)                                                                          \
	LONG("password-file", required_argument, PASSWORD_FILE)                                                        \
	LONG("format", required_argument, FORMAT)                                                                      \
	LONG("json", no_argument, JSON)                                                                                \
	LONG("version", no_argument, VERSION)                                                                          \
	LONG("sep", required_argument, SEP)                                                                            \
	LONG("complete", no_argument, COMPLETE)

#define NO_ENUM(name, arg, ch)
#define ENUM(name, arg, id) OPT_##id,
enum { OPT_FIRST_LONG = 255, LONG_OPTION_LIST(NO_ENUM, ENUM) };
#undef NO_ENUM
#undef ENUM

#define SHORT(name, arg, ch) {name, arg, NULL, ch},
#define LONG(name, arg, id) {name, arg, NULL, OPT_##id},
static const struct option longopts[] = {LONG_OPTION_LIST(SHORT, LONG){NULL, 0, NULL, 0}};
#undef SHORT
#undef LONG

/* What the command line asks for. */
struct cmdline {
	const char *config_path, *url_opt, *script_path;
	struct tui_opts topts;
	struct batch_opts bopts;
	int dry_run, read_only, json;
	int nstmt; /* words of the statement after the options */
	const char *const *stmt;
};

/* An exit status, or CONTINUE when main goes on. */
enum { CONTINUE = -1 };

static int parse_interval(const char *arg, struct tui_opts *topts)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v < 1 || v > 3600) {
		fprintf(stderr, "vmailadm: --interval: '%s' is not a number of seconds from 1 to 3600\n", arg);
		return 2;
	}
	topts->interval = (int)v;
	return CONTINUE;
}

static int parse_format(const char *arg, int *json)
{
	if (strcmp(arg, "json") == 0)
		*json = 1;
	else if (strcmp(arg, "text") == 0)
		*json = 0;
	else {
		fprintf(stderr, "vmailadm: --format: '%s' is not text or json\n", arg);
		return 2;
	}
	return CONTINUE;
}

static int parse_sep(const char *arg)
{
	int sep = import_parse_sep(arg);

	if (sep < 0) {
		fprintf(stderr, "vmailadm: --sep: '%s' is not one character (or tab)\n", arg);
		return 2;
	}
	import_set_default_sep((char)sep);
	return CONTINUE;
}

/* -d URL: keep a copy and blank the argument, so that a password in the URL
 * does not stay readable in ps. */
static void take_url(char *arg, struct cmdline *cl)
{
	if (!url_copy)
		atexit(url_copy_free);
	url_copy_free();
	cl->url_opt = url_copy = xstrdup(arg);
	auth_hide_url_password(arg);
}

/* One option getopt_long returned. */
static int take_option(int c, char *arg, struct cmdline *cl)
{
	switch (c) {
	case 'c':
		cl->config_path = arg;
		break;
	case 'd':
		take_url(arg, cl);
		break;
	case 'f':
		cl->script_path = arg;
		break;
	case 'q':
		cl->bopts.quiet = 1;
		break;
	case 'h':
		usage(stdout);
		return 0;
	case OPT_DRY_RUN:
		cl->dry_run = 1;
		break;
	case OPT_KEEP_GOING:
		cl->bopts.keep_going = 1;
		break;
	case OPT_READ_ONLY:
		cl->read_only = 1;
		break;
	case OPT_MONITOR:
		cl->topts.monitor = 1;
		break;
	case OPT_ONCE:
		cl->topts.once = 1;
		break;
	case OPT_INTERVAL:
		return parse_interval(arg, &cl->topts);
	case OPT_USER:
		cl->topts.user = arg;
		break;
	case OPT_PASSWORD_FILE:
		cl->topts.password_file = arg;
		break;
	case OPT_FORMAT:
		return parse_format(arg, &cl->json);
	case OPT_JSON:
		cl->json = 1;
		break;
	case OPT_SEP:
		return parse_sep(arg);
	case OPT_COMPLETE:
		fprintf(stderr, "vmailadm: --complete comes first: vmailadm --complete WORD...\n");
		return 2;
	case OPT_VERSION:
		printf("vmailadm %s\n", VMAILADM_VERSION);
		return 0;
	default:
		fprintf(stderr, "vmailadm: see vmailadm --help\n");
		return 2;
	}
	return CONTINUE;
}

/* The options that do not go together. */
static int check_combination(const struct cmdline *cl)
{
	const char *msg = NULL;

	if (cl->bopts.keep_going && !cl->script_path)
		msg = "--keep-going goes with -f FILE";
	else if (cl->script_path && cl->nstmt > 0)
		msg = "give -f FILE or a statement, not both";
	else if (cl->topts.monitor && (cl->script_path || cl->nstmt > 0))
		msg = "--monitor takes no statement or script";
	else if (cl->dry_run && !cl->script_path && cl->nstmt == 0)
		msg = "--dry-run goes with -f FILE or a statement";
	/* set-ID: the caller may not pick another configuration or database
	 * than the one the program is trusted with */
	else if (auth_privileged() && (cl->config_path || cl->url_opt || getenv("VMAILADM_DATABASE")))
		msg = "-c, -d and VMAILADM_DATABASE are refused in a set-user/group-ID vmailadm";
	if (!msg)
		return CONTINUE;
	fprintf(stderr, "vmailadm: %s\n", msg);
	return 2;
}

/* Options, then the statement's words; an exit status when done already. */
static int parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	int c, rc;

	memset(cl, 0, sizeof *cl);
	while ((c = getopt_long(argc, argv, "+c:d:f:qh", longopts, NULL)) != -1)
		if ((rc = take_option(c, optarg, cl)) != CONTINUE)
			return rc;
	cl->nstmt = argc - optind;
	cl->stmt = (const char *const *)(argv + optind);
	return check_combination(cl);
}

/* -c FILE, else /etc/vmailadm.conf when there is one, else the defaults. */
static int load_config(const struct cmdline *cl, struct conf *cfg)
{
	const char *path = cl->config_path;
	char errbuf[1024];

	if (!path && access("/etc/vmailadm.conf", F_OK) == 0)
		path = "/etc/vmailadm.conf";
	if (!path) {
		conf_defaults(cfg);
		return CONTINUE;
	}
	if (conf_load(cfg, path, errbuf, sizeof errbuf) != 0) {
		fprintf(stderr, "vmailadm: %s\n", errbuf);
		return 2;
	}
	return CONTINUE;
}

/* Opens the database and logs in; on an error vm is closed (or never open). */
static int open_session(struct cmdline *cl, struct conf *cfg, struct vm *vm)
{
	struct vm_error err = {0};
	char errbuf[1024];
	enum vm_status st;
	char *url = conf_database_url(cfg, cl->url_opt, errbuf, sizeof errbuf);

	url_copy_free();
	cl->url_opt = NULL;
	if (!url) {
		fprintf(stderr, "vmailadm: %s\n", errbuf);
		return 2;
	}
	if (cl->topts.monitor)
		cl->read_only = 1;
	st = vm_open(vm, cfg, url, cl->read_only, &err);
	memset(url, 0, strlen(url));
	free(url);
	if (st != VM_OK) {
		fprintf(stderr, "vmailadm: %s\n", err.msg);
		return st == VM_ERR_CONNECTION ? 3 : 2;
	}
	vm->dry_run = cl->dry_run;
	vm->format = cl->json ? VM_FORMAT_JSON : VM_FORMAT_TEXT;
	if ((st = core_login(vm, cl->topts.user, cl->topts.password_file, &err)) != VM_OK) {
		fprintf(stderr, "vmailadm: %s\n", err.msg);
		vm_close(vm);
		return vm_exit_status(st);
	}
	return CONTINUE;
}

/* -f FILE: the script; "-" is standard input. */
static int run_script(struct vm *vm, struct cmdline *cl)
{
	struct script sc;
	char errbuf[1024];
	int rc;

	if (script_load(cl->script_path, &sc, errbuf, sizeof errbuf) != 0) {
		fprintf(stderr, "vmailadm: %s\n", errbuf);
		return 2;
	}
	rc = batch_run(vm, &sc, &cl->bopts);
	script_free(&sc);
	return rc;
}

/* The statement on the command line, as a script of one. */
static int run_statement(struct vm *vm, struct cmdline *cl)
{
	struct script sc = {0};
	struct stmt s;
	char oneshot_name[] = "vmailadm";
	int rc;

	stmt_from_argv(&s, cl->nstmt, cl->stmt);
	sc.name = oneshot_name;
	sc.stmts = &s;
	sc.n = 1;
	cl->bopts.one_shot = 1;
	rc = batch_run(vm, &sc, &cl->bopts);
	stmt_free(&s);
	return rc;
}

/* The front end the command line asks for, and its exit status. */
static int run_front_end(struct vm *vm, struct cmdline *cl)
{
	int rc;

	if (cl->script_path)
		rc = run_script(vm, cl);
	else if (cl->nstmt > 0)
		rc = run_statement(vm, cl);
	else
		rc = tui_main(vm, &cl->topts);
	/* quota show or --monitor --once saw a mailbox over the critical
	 * threshold: a status of its own for cron and Nagios-style checks */
	if (rc == 0 && quota_alert_seen())
		rc = QUOTA_EXIT_CRITICAL;
	/* store check found disagreements between the database and the disk */
	if (rc == 0 && store_findings_seen())
		rc = STORE_EXIT_FINDINGS;
	return rc;
}

int main(int argc, char **argv)
{
	struct cmdline cl;
	struct conf cfg;
	struct vm vm;
	int rc;

	/* vmailadm --complete [--] WORD...: the candidates for the bash
	 * completion, nothing else (no stderr, no login, no write) */
	if (argc >= 2 && strcmp(argv[1], "--complete") == 0) {
		if (!freopen("/dev/null", "w", stderr))
			return 2;
		return complete_run(stdout, argc - 2, (const char *const *)(argv + 2), longopts, "complete");
	}
	if ((rc = parse_cmdline(argc, argv, &cl)) != CONTINUE || (rc = load_config(&cl, &cfg)) != CONTINUE)
		return rc;
	if (!cl.topts.interval)
		cl.topts.interval = cfg.monitor_interval;
	if ((rc = open_session(&cl, &cfg, &vm)) == CONTINUE) {
		rc = run_front_end(&vm, &cl);
		vm_close(&vm);
	}
	conf_free(&cfg);
	return rc;
}
