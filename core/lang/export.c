/* SPDX-License-Identifier: MIT */
/* export.c: CSV and script exports (see export.h). */
#include "core/lang/export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alias.h"
#include "core/lang/csvio.h"
#include "core/domain.h"
#include "core/lang/import.h"
#include "core/lang/interp.h"
#include "core/services.h"
#include "core/validate.h"
#include "lib/xalloc.h"

#define PAGE "1000"

void export_word(FILE *out, const char *s)
{
	int plain = *s != '\0';

	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@.-_+=,:/*", *p))
			plain = 0;
	if (plain) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* key=value as one word. */
static void opt_word(FILE *out, const char *key, const char *val)
{
	char *w = xasprintf("%s=%s", key, val);

	fputc(' ', out);
	export_word(out, w);
	free(w);
}

struct sink {
	FILE *f;
	char *path, *tmp; /* NULL for standard output */
};

static enum vm_status sink_open(struct vm *vm, const char *path, struct sink *s, struct vm_error *err)
{
	int fd;

	memset(s, 0, sizeof *s);
	if (!path || strcmp(path, "-") == 0) {
		s->f = vm->out;
		return VM_OK;
	}
	s->path = xstrdup(path);
	s->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !(s->f = fdopen(fd, "w"))) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		vm_fail(err, VM_ERR_INVALID, "cannot write %s: %s", path, strerror(e));
		free(s->path);
		free(s->tmp);
		memset(s, 0, sizeof *s);
		return VM_ERR_INVALID;
	}
	return VM_OK;
}

static enum vm_status sink_close(struct sink *s, int ok, struct vm_error *err)
{
	enum vm_status st = VM_OK;

	if (!s->path) {
		if (s->f)
			fflush(s->f);
		return VM_OK;
	}
	if (fclose(s->f) != 0 && ok)
		ok = 0, st = vm_fail(err, VM_ERR_INVALID, "cannot write %s: %s", s->path, strerror(errno));
	if (ok && rename(s->tmp, s->path) != 0)
		ok = 0, st = vm_fail(err, VM_ERR_INVALID, "cannot write %s: %s", s->path, strerror(errno));
	if (!ok)
		unlink(s->tmp);
	free(s->path);
	free(s->tmp);
	return st;
}

struct exporter {
	struct vm *vm;
	FILE *out;
	int csv;
	char sep;
};

static const char *yn(const char *b, int csv)
{
	int on = b && strcmp(b, "0") != 0;

	return csv ? (on ? "True" : "False") : (on ? "yes" : "no");
}

/* Runs sql (one "?" = the last id seen) page by page, calling row() per row. */
static enum vm_status pages(struct exporter *x, const char *sql, const char *what,
			    void (*row)(struct exporter *, const struct db_result *, size_t), struct vm_error *err)
{
	char last[32] = "0";
	enum vm_status st;

	for (;;) {
		struct db_result *res = NULL;
		const char *p[1] = {last};
		size_t n;

		if ((st = vm_sql(x->vm, sql, 1, p, &res, err, what)) != VM_OK)
			return st;
		n = res->nrows;
		for (size_t r = 0; r < n; r++)
			row(x, res, r);
		if (n)
			snprintf(last, sizeof last, "%s", db_value(res, n - 1, 0));
		db_result_free(&res);
		if (n < 1000)
			return VM_OK;
	}
}

static const char *v(const struct db_result *res, size_t r, size_t c)
{
	const char *s = db_value(res, r, c);

	return s ? s : "";
}

/* id, name, quota, enabled */
static void domain_row(struct exporter *x, const struct db_result *res, size_t r)
{
	if (x->csv) {
		const char *f[4] = {"domain", v(res, r, 1), v(res, r, 2), yn(v(res, r, 3), 1)};

		csv_write_row(x->out, x->sep, f, 4);
		return;
	}
	fputs("domain add ", x->out);
	export_word(x->out, v(res, r, 1));
	opt_word(x->out, "quota", v(res, r, 2));
	opt_word(x->out, "enabled", yn(v(res, r, 3), 0));
	fputc('\n', x->out);
}

/* id, name, target, enabled */
static void domainalias_row(struct exporter *x, const struct db_result *res, size_t r)
{
	if (x->csv) {
		const char *f[4] = {"domainalias", v(res, r, 1), v(res, r, 2), yn(v(res, r, 3), 1)};

		csv_write_row(x->out, x->sep, f, 4);
		return;
	}
	fputs("domainalias add ", x->out);
	export_word(x->out, v(res, r, 1));
	fputc(' ', x->out);
	export_word(x->out, v(res, r, 2));
	opt_word(x->out, "enabled", yn(v(res, r, 3), 0));
	fputc('\n', x->out);
}

static int truthy(const char *b)
{
	return b && (strcmp(b, "1") == 0 || strcmp(b, "t") == 0 || strcmp(b, "true") == 0);
}

/* A mailbox's services row (columns 9..13: imap, pop3, smtp, sieve,
 * send_only; NULL when it has none): the CSV's services row, or the
 * options of its `mailbox add`. */
static void services_out(struct exporter *x, const struct db_result *res, size_t r, const char *addr)
{
	int on[SERVICE_COUNT];
	char list[64];

	if (!db_value(res, r, 9))
		return;
	for (int s = 0; s < SERVICE_COUNT; s++)
		on[s] = truthy(db_value(res, r, 9 + (size_t)s));
	if (x->csv) {
		const char *f[4] = {"services", addr, services_format(on, list, sizeof list),
				    truthy(db_value(res, r, 13)) ? "True" : "False"};

		csv_write_row(x->out, x->sep, f, 4);
		return;
	}
	if (truthy(db_value(res, r, 13)))
		opt_word(x->out, "send-only", "yes");
	for (int s = 0; s < SERVICE_COUNT; s++)
		if (!on[s] && !(truthy(db_value(res, r, 13)) && s != SERVICE_SMTP))
			opt_word(x->out, service_name(s), "no");
}

/* id, local, domain, quota, use_domain_quota, password, first, last, is_active, services... */
static void mailbox_row(struct exporter *x, const struct db_result *res, size_t r)
{
	char *addr = xasprintf("%s@%s", v(res, r, 1), v(res, r, 2));
	int follows = strcmp(v(res, r, 4), "0") != 0;
	const char *first = v(res, r, 6), *last = v(res, r, 7);

	if (x->csv) {
		const char *f[9] = {"account",     addr, v(res, r, 5),
				    first,         last, yn(v(res, r, 8), 1),
				    "SimpleUsers", addr, follows ? "" : v(res, r, 3)};

		csv_write_row(x->out, x->sep, f, 9);
		services_out(x, res, r, addr);
	} else {
		fputs("mailbox add ", x->out);
		export_word(x->out, addr);
		opt_word(x->out, "password-hash", v(res, r, 5));
		if (!follows)
			opt_word(x->out, "quota", v(res, r, 3));
		if (*first || *last) {
			char *nm = xasprintf("%s%s%s", first, *last ? " " : "", last);

			opt_word(x->out, "name", nm);
			free(nm);
		}
		opt_word(x->out, "enabled", yn(v(res, r, 8), 0));
		services_out(x, res, r, addr);
		fputc('\n', x->out);
	}
	free(addr);
}

/* domain_id, name, imap, pop3, smtp, sieve: written after the mailboxes,
 * which carry their own services, so that none takes the default twice */
static void domain_services_row(struct exporter *x, const struct db_result *res, size_t r)
{
	int on[SERVICE_COUNT];
	char list[64];

	for (int s = 0; s < SERVICE_COUNT; s++)
		on[s] = truthy(db_value(res, r, 2 + (size_t)s));
	services_format(on, list, sizeof list);
	if (x->csv) {
		const char *f[3] = {"domainservices", v(res, r, 1), list};

		csv_write_row(x->out, x->sep, f, 3);
		return;
	}
	fputs("domain set ", x->out);
	export_word(x->out, v(res, r, 1));
	opt_word(x->out, "services", list);
	fputc('\n', x->out);
}

/* A grant: after the aliases, which the statements need nothing of */
static void sender_line(struct exporter *x, const char *mailbox, const char *address)
{
	if (x->csv) {
		const char *f[3] = {"sender", mailbox, address};

		csv_write_row(x->out, x->sep, f, 3);
		return;
	}
	fputs("sender add ", x->out);
	export_word(x->out, mailbox);
	fputc(' ', x->out);
	export_word(x->out, address);
	fputc('\n', x->out);
}

/* ---- aliases: collected, then written in dependency order ---- */

struct ex_alias {
	struct alias a;
	char **rcpt;
	size_t n;
	int done;
};

static enum vm_status collect_aliases(struct exporter *x, struct ex_alias **out, size_t *nout, struct vm_error *err)
{
	char after[VM_DOMAIN_MAX + 1] = "";
	enum vm_status st = VM_OK;

	for (;;) {
		struct domain_row *doms = NULL;
		size_t nd = 0;

		if ((st = domain_list(x->vm, NULL, after, 200, &doms, &nd, err)) != VM_OK)
			return st;
		for (size_t i = 0; i < nd && st == VM_OK; i++) {
			char la[VM_LOCAL_MAX + 1] = "";

			for (;;) {
				struct alias *rows = NULL;
				size_t n = 0;
				struct alias_query q = {doms[i].d.id, NULL, NULL, la, 500};

				if ((st = alias_list(x->vm, &q, &rows, &n, err)) != VM_OK)
					break;
				for (size_t k = 0; k < n; k++) {
					struct ex_alias *e;
					char *save = NULL, *copy;

					*out = xreallocarray(*out, *nout + 1, sizeof **out);
					e = &(*out)[(*nout)++];
					memset(e, 0, sizeof *e);
					e->a = rows[k];
					copy = xstrdup(rows[k].recipients ? rows[k].recipients : "");
					for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
						e->rcpt = xreallocarray(e->rcpt, e->n + 1, sizeof *e->rcpt);
						e->rcpt[e->n++] = xstrdup(t);
					}
					free(copy);
				}
				if (n)
					snprintf(la, sizeof la, "%s", rows[n - 1].local);
				free(rows); /* the recipients strings moved to *out */
				if (n < 500)
					break;
			}
		}
		if (nd)
			snprintf(after, sizeof after, "%s", doms[nd - 1].d.name);
		free(doms);
		if (st != VM_OK || nd < 200)
			return st;
	}
}

/* Is r the address of an alias of the export not yet written? */
static int pending_alias(const struct ex_alias *al, size_t n, const char *r, const char *self)
{
	if (strcmp(r, self) == 0)
		return 0; /* the mailbox of the same address (a forward that keeps copies) */
	for (size_t i = 0; i < n; i++)
		if (!al[i].done && strcmp(al[i].a.address, r) == 0)
			return 1;
	return 0;
}

static void alias_line(struct exporter *x, const struct ex_alias *e, int placeholder)
{
	if (x->csv) {
		const char **f = xcalloc(e->n + 3, sizeof *f);

		f[0] = e->a.kind && strcmp(e->a.kind, "catch-all") != 0 ? e->a.kind : "alias";
		f[1] = e->a.address;
		f[2] = e->a.enabled ? "True" : "False";
		for (size_t i = 0; i < e->n; i++)
			f[3 + i] = e->rcpt[i];
		csv_write_row(x->out, x->sep, f, e->n + 3);
		free(f);
		return;
	}
	fputs("alias add ", x->out);
	export_word(x->out, e->a.address);
	if (placeholder) {
		fputs(" placeholder@export.invalid", x->out);
	} else {
		for (size_t i = 0; i < e->n; i++) {
			fputc(' ', x->out);
			export_word(x->out, e->rcpt[i]);
		}
	}
	opt_word(x->out, "enabled", e->a.enabled ? "yes" : "no");
	fputc('\n', x->out);
}

static void write_aliases(struct exporter *x, struct ex_alias *al, size_t n)
{
	size_t left = n;
	int progress = 1;

	/* CSV import adds rows in file order too, so both use this order */
	while (left && progress) {
		progress = 0;
		for (size_t i = 0; i < n; i++) {
			size_t k;

			if (al[i].done)
				continue;
			for (k = 0; k < al[i].n; k++)
				if (pending_alias(al, n, al[i].rcpt[k], al[i].a.address))
					break;
			if (k < al[i].n)
				continue;
			alias_line(x, &al[i], 0);
			al[i].done = 1;
			left--;
			progress = 1;
		}
	}
	if (!left)
		return;
	/* cycles: add each with a placeholder, then give the real recipients */
	for (size_t i = 0; i < n; i++)
		if (!al[i].done)
			alias_line(x, &al[i], !x->csv);
	if (x->csv)
		return;
	for (size_t i = 0; i < n; i++) {
		char *list;
		size_t len = 1;

		if (al[i].done)
			continue;
		for (size_t k = 0; k < al[i].n; k++)
			len += strlen(al[i].rcpt[k]) + 1;
		list = xcalloc(len, 1);
		for (size_t k = 0; k < al[i].n; k++) {
			if (k)
				strcat(list, ",");
			strcat(list, al[i].rcpt[k]);
		}
		fputs("alias set ", x->out);
		export_word(x->out, al[i].a.address);
		opt_word(x->out, "recipients", list);
		fputc('\n', x->out);
		free(list);
	}
}

static void free_aliases(struct ex_alias *al, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < al[i].n; k++)
			free(al[i].rcpt[k]);
		free(al[i].rcpt);
		alias_clear(&al[i].a);
	}
	free(al);
}

static enum vm_status run_export(struct vm *vm, struct args *a, int csv, struct vm_error *err)
{
	const char *sepopt = csv ? args_opt(a, "sep") : NULL;
	int sep = sepopt ? import_parse_sep(sepopt) : ';';
	struct exporter x = {vm, NULL, csv, ';'};
	struct ex_alias *al = NULL;
	size_t nal = 0;
	int own = 0;
	struct sink s;
	enum vm_status st;

	if (sep < 0)
		return vm_fail(err, VM_ERR_USAGE, "sep='%.20s' must be one character (or tab)", sepopt);
	x.sep = (char)sep;
	if (!vm->actor.superuser)
		return vm_fail(err, VM_ERR_DENIED, "only a superadministrator may export everything");
	if ((st = sink_open(vm, a->npos ? a->pos[0] : NULL, &s, err)) != VM_OK)
		return st;
	x.out = s.f;
	if ((st = vm_tx_begin(vm, 0, err)) != VM_OK) {
		sink_close(&s, 0, NULL);
		return st;
	}
	if (!csv)
		fprintf(x.out, "# vmailadm export: run with vmailadm -f FILE on an empty database (db init first)\n");
	st = pages(&x, "SELECT id, name, quota, enabled FROM admin_domain WHERE id > ? ORDER BY id LIMIT " PAGE,
		   "reading domains", domain_row, err);
	if (st == VM_OK)
		st = pages(&x,
			   "SELECT da.id, da.name, d.name, da.enabled FROM admin_domainalias da JOIN admin_domain d ON "
			   "d.id = da.target_id WHERE da.id > ? ORDER BY da.id LIMIT " PAGE,
			   "reading domain aliases", domainalias_row, err);
	if (st == VM_OK)
		st = services_tables(vm, &own, err);
	if (st == VM_OK)
		st = pages(&x,
			   own ? "SELECT mb.id, mb.address, d.name, mb.quota, mb.use_domain_quota, u.password, u.first_name, "
				 "u.last_name, u.is_active, sv.imap, sv.pop3, sv.smtp, sv.sieve, sv.send_only "
				 "FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id "
				 "JOIN admin_user u ON u.id = mb.user_id LEFT JOIN vmailadm_services sv ON sv.mailbox_id = mb.id "
				 "WHERE mb.id > ? ORDER BY mb.id LIMIT " PAGE
			       : "SELECT mb.id, mb.address, d.name, mb.quota, mb.use_domain_quota, u.password, u.first_name, "
				 "u.last_name, u.is_active, NULL, NULL, NULL, NULL, NULL "
				 "FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id "
				 "JOIN admin_user u ON u.id = mb.user_id WHERE mb.id > ? ORDER BY mb.id LIMIT " PAGE,
			   "reading mailboxes", mailbox_row, err);
	if (st == VM_OK && own)
		st = pages(&x,
			   "SELECT ds.domain_id, d.name, ds.imap, ds.pop3, ds.smtp, ds.sieve FROM vmailadm_domain_services ds "
			   "JOIN admin_domain d ON d.id = ds.domain_id WHERE ds.domain_id > ? ORDER BY ds.domain_id LIMIT " PAGE,
			   "reading the domains' services", domain_services_row, err);
	if (st == VM_OK)
		st = collect_aliases(&x, &al, &nal, err);
	if (st == VM_OK)
		write_aliases(&x, al, nal);
	/* grants are few: one read (pages() keys on a single id) */
	if (st == VM_OK && own) {
		struct db_result *res = NULL;

		st = vm_sql(vm,
			    "SELECT s.mailbox_id, mb.address, d.name, s.local_part, s.domain FROM vmailadm_sender s "
			    "JOIN admin_mailbox mb ON mb.id = s.mailbox_id JOIN admin_domain d ON d.id = mb.domain_id "
			    "ORDER BY s.mailbox_id, s.domain, s.local_part",
			    0, NULL, &res, err, "reading sender grants");
		for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
			char *m = xasprintf("%s@%s", v(res, r, 1), v(res, r, 2));
			char *g = xasprintf("%s@%s", v(res, r, 3), v(res, r, 4));

			sender_line(&x, m, g);
			free(m);
			free(g);
		}
		db_result_free(&res);
	}
	free_aliases(al, nal);
	vm_tx_end(vm, 1, NULL);
	if (ferror(x.out) && st == VM_OK)
		st = vm_fail(err, VM_ERR_INVALID, "write error on %s", s.path ? s.path : "standard output");
	{
		enum vm_status st2 = sink_close(&s, st == VM_OK, err);

		return st != VM_OK ? st : st2;
	}
}

enum vm_status cmd_export_csv(struct vm *vm, struct args *a, struct vm_error *err)
{
	return run_export(vm, a, 1, err);
}

enum vm_status cmd_export_script(struct vm *vm, struct args *a, struct vm_error *err)
{
	return run_export(vm, a, 0, err);
}
