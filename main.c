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

enum {
	OPT_DRY_RUN = 256,
	OPT_KEEP_GOING,
	OPT_READ_ONLY,
	OPT_MONITOR,
	OPT_INTERVAL,
	OPT_ONCE,
	OPT_USER,
	OPT_PASSWORD_FILE,
	OPT_FORMAT,
	OPT_JSON,
	OPT_VERSION,
	OPT_SEP,
	OPT_COMPLETE,
};

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

/* The command line's options; --complete (shell completion) offers them. */
static const struct option longopts[] = {
	{"config", required_argument, NULL, 'c'},
	{"database", required_argument, NULL, 'd'},
	{"file", required_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"keep-going", no_argument, NULL, OPT_KEEP_GOING},
	{"read-only", no_argument, NULL, OPT_READ_ONLY},
	{"monitor", no_argument, NULL, OPT_MONITOR},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"once", no_argument, NULL, OPT_ONCE},
	{"user", required_argument, NULL, OPT_USER},
	{"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"json", no_argument, NULL, OPT_JSON},
	{"version", no_argument, NULL, OPT_VERSION},
	{"sep", required_argument, NULL, OPT_SEP},
	{"complete", no_argument, NULL, OPT_COMPLETE},
	{NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
	const char *config_path = NULL, *url_opt = NULL, *script_path = NULL;
	struct tui_opts topts = {0};
	struct batch_opts bopts = {0};
	int dry_run = 0, read_only = 0, json = 0, c, rc;
	struct conf cfg;
	struct vm vm;
	struct vm_error err = {0};
	char errbuf[1024];
	char *url;
	enum vm_status st;

	/* vmailadm --complete [--] WORD...: the candidates for the bash
	 * completion, nothing else (no stderr, no login, no write) */
	if (argc >= 2 && strcmp(argv[1], "--complete") == 0) {
		if (!freopen("/dev/null", "w", stderr))
			return 2;
		return complete_run(stdout, argc - 2, (const char *const *)(argv + 2), longopts, "complete");
	}
	while ((c = getopt_long(argc, argv, "+c:d:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			/* keep a copy and blank the argument, so that a password in
			 * the URL does not stay readable in ps */
			if (!url_copy)
				atexit(url_copy_free);
			url_copy_free();
			url_opt = url_copy = xstrdup(optarg);
			auth_hide_url_password(optarg);
			break;
		case 'f':
			script_path = optarg;
			break;
		case 'q':
			bopts.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_DRY_RUN:
			dry_run = 1;
			break;
		case OPT_KEEP_GOING:
			bopts.keep_going = 1;
			break;
		case OPT_READ_ONLY:
			read_only = 1;
			break;
		case OPT_MONITOR:
			topts.monitor = 1;
			break;
		case OPT_ONCE:
			topts.once = 1;
			break;
		case OPT_INTERVAL: {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 3600) {
				fprintf(stderr, "vmailadm: --interval: '%s' is not a number of seconds from 1 to 3600\n",
					optarg);
				return 2;
			}
			topts.interval = (int)v;
			break;
		}
		case OPT_USER:
			topts.user = optarg;
			break;
		case OPT_PASSWORD_FILE:
			topts.password_file = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") == 0)
				json = 0;
			else {
				fprintf(stderr, "vmailadm: --format: '%s' is not text or json\n", optarg);
				return 2;
			}
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_SEP: {
			int sep = import_parse_sep(optarg);

			if (sep < 0) {
				fprintf(stderr, "vmailadm: --sep: '%s' is not one character (or tab)\n", optarg);
				return 2;
			}
			import_set_default_sep((char)sep);
			break;
		}
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
	}
	if (bopts.keep_going && !script_path) {
		fprintf(stderr, "vmailadm: --keep-going goes with -f FILE\n");
		return 2;
	}
	if (script_path && optind < argc) {
		fprintf(stderr, "vmailadm: give -f FILE or a statement, not both\n");
		return 2;
	}
	if (topts.monitor && (script_path || optind < argc)) {
		fprintf(stderr, "vmailadm: --monitor takes no statement or script\n");
		return 2;
	}
	if (dry_run && !script_path && optind >= argc) {
		fprintf(stderr, "vmailadm: --dry-run goes with -f FILE or a statement\n");
		return 2;
	}

	/* set-ID: the caller may not pick another configuration or database
	 * than the one the program is trusted with */
	if (auth_privileged() && (config_path || url_opt || getenv("VMAILADM_DATABASE"))) {
		fprintf(stderr, "vmailadm: -c, -d and VMAILADM_DATABASE are refused in a set-user/group-ID vmailadm\n");
		return 2;
	}
	if (config_path) {
		if (conf_load(&cfg, config_path, errbuf, sizeof errbuf) != 0) {
			fprintf(stderr, "vmailadm: %s\n", errbuf);
			return 2;
		}
	} else if (access("/etc/vmailadm.conf", F_OK) == 0) {
		if (conf_load(&cfg, "/etc/vmailadm.conf", errbuf, sizeof errbuf) != 0) {
			fprintf(stderr, "vmailadm: %s\n", errbuf);
			return 2;
		}
	} else {
		conf_defaults(&cfg);
	}
	if (!topts.interval)
		topts.interval = cfg.monitor_interval;

	url = conf_database_url(&cfg, url_opt, errbuf, sizeof errbuf);
	url_copy_free();
	url_opt = NULL;
	if (!url) {
		fprintf(stderr, "vmailadm: %s\n", errbuf);
		conf_free(&cfg);
		return 2;
	}
	if (topts.monitor)
		read_only = 1;
	st = vm_open(&vm, &cfg, url, read_only, &err);
	memset(url, 0, strlen(url));
	free(url);
	if (st != VM_OK) {
		fprintf(stderr, "vmailadm: %s\n", err.msg);
		conf_free(&cfg);
		return st == VM_ERR_CONNECTION ? 3 : 2;
	}
	vm.dry_run = dry_run;
	vm.format = json ? VM_FORMAT_JSON : VM_FORMAT_TEXT;

	if ((st = core_login(&vm, topts.user, topts.password_file, &err)) != VM_OK) {
		fprintf(stderr, "vmailadm: %s\n", err.msg);
		rc = vm_exit_status(st);
		goto out;
	}

	if (script_path) {
		struct script sc;

		if (script_load(script_path, &sc, errbuf, sizeof errbuf) != 0) {
			fprintf(stderr, "vmailadm: %s\n", errbuf);
			rc = 2;
			goto out;
		}
		rc = batch_run(&vm, &sc, &bopts);
		script_free(&sc);
	} else if (optind < argc) {
		struct script sc = {0};
		struct stmt s;
		char oneshot_name[] = "vmailadm";

		stmt_from_argv(&s, argc - optind, (const char *const *)(argv + optind));
		sc.name = oneshot_name;
		sc.stmts = &s;
		sc.n = 1;
		bopts.one_shot = 1;
		rc = batch_run(&vm, &sc, &bopts);
		stmt_free(&s);
	} else {
		rc = tui_main(&vm, &topts);
	}
	/* quota show or --monitor --once saw a mailbox over the critical
	 * threshold: a status of its own for cron and Nagios-style checks */
	if (rc == 0 && quota_alert_seen())
		rc = QUOTA_EXIT_CRITICAL;
	/* store check found disagreements between the database and the disk */
	if (rc == 0 && store_findings_seen())
		rc = STORE_EXIT_FINDINGS;
out:
	vm_close(&vm);
	conf_free(&cfg);
	return rc;
}
