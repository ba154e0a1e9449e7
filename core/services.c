/* SPDX-License-Identifier: MIT */
/* services.c: services per mail account and send-only (see services.h). */
#include "core/services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/xalloc.h"

static const char *const names[SERVICE_COUNT] = {"imap", "pop3", "smtp", "sieve"};

const char *service_name(int s)
{
	return s >= 0 && s < SERVICE_COUNT ? names[s] : "?";
}

int services_opts_any(const struct services_opts *o)
{
	for (int s = 0; s < SERVICE_COUNT; s++)
		if (o->has[s])
			return 1;
	return o->has_send_only;
}

enum vm_status services_parse_list(const char *text, int on[SERVICE_COUNT], struct vm_error *err)
{
	const char *p = text;

	for (int s = 0; s < SERVICE_COUNT; s++)
		on[s] = 0;
	if (strcasecmp(text, "none") == 0)
		return VM_OK;
	if (strcasecmp(text, "all") == 0) {
		for (int s = 0; s < SERVICE_COUNT; s++)
			on[s] = 1;
		return VM_OK;
	}
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int s;

		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		for (s = 0; s < SERVICE_COUNT; s++)
			if (n == strlen(names[s]) && strncasecmp(p, names[s], n) == 0)
				break;
		if (n && s == SERVICE_COUNT)
			return vm_fail(err, VM_ERR_INVALID,
				       "services: unknown service '%.*s' (imap, pop3, smtp, sieve; or all, none)",
				       (int)(n > 40 ? 40 : n), p);
		if (n)
			on[s] = 1;
		if (!e)
			break;
		p = e + 1;
	}
	return VM_OK;
}

const char *services_format(const int on[SERVICE_COUNT], char *buf, size_t len)
{
	size_t l = 0;

	buf[0] = '\0';
	for (int s = 0; s < SERVICE_COUNT; s++)
		if (on[s] && l < len) {
			snprintf(buf + l, len - l, "%s%s", l ? "," : "", names[s]);
			l += strlen(buf + l);
		}
	if (!l)
		snprintf(buf, len, "none");
	return buf;
}

const char *services_short(const struct services *sv, char *buf, size_t len)
{
	size_t l;

	buf[0] = '\0';
	if (sv->send_only) {
		snprintf(buf, len, "send-only%s", sv->on[SERVICE_SMTP] ? "" : ",no smtp");
		return buf;
	}
	snprintf(buf, len, "no ");
	l = strlen(buf);
	for (int s = 0; s < SERVICE_COUNT; s++)
		if (!sv->on[s] && l < len) {
			snprintf(buf + l, len - l, "%s%s", l > 3 ? "," : "", names[s]);
			l += strlen(buf + l);
		}
	if (l == 3)
		buf[0] = '\0';
	return buf;
}

enum vm_status services_tables(struct vm *vm, int *present, struct vm_error *err)
{
	struct db_result *res = NULL;
	struct db_error dberr = {0};
	int found = 0;

	if (vm->services_state) {
		*present = vm->services_state > 0;
		return VM_OK;
	}
	if (vm->db->ops->introspect(vm->db->conn, DB_INTROSPECT_TABLES, NULL, &res, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, "reading the catalog");
	for (size_t r = 0; r < res->nrows; r++) {
		const char *t = db_value(res, r, 0);

		if (t && (strcmp(t, "vmailadm_sender") == 0 || strcmp(t, "vmailadm_services") == 0 ||
			  strcmp(t, "vmailadm_domain_services") == 0))
			found++;
	}
	db_result_free(&res);
	vm->services_state = found == 3 ? 1 : -1;
	*present = vm->services_state > 0;
	return VM_OK;
}

enum vm_status services_require_tables(struct vm *vm, const char *what, struct vm_error *err)
{
	int present = 0;
	enum vm_status st = services_tables(vm, &present, err);

	if (st != VM_OK)
		return st;
	if (!present)
		return vm_fail(err, VM_ERR_REFUSED,
			       "%s needs the tables vmailadm_sender, vmailadm_services and vmailadm_domain_services, which this "
			       "database lacks: run vmailadm db upgrade",
			       what);
	return VM_OK;
}

static int truth(const char *v)
{
	/* PostgreSQL's booleans come back as t/f, the others as 1/0 */
	return v && (strcmp(v, "t") == 0 || strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static void all_on(struct services *s)
{
	for (int i = 0; i < SERVICE_COUNT; i++)
		s->on[i] = 1;
	s->send_only = 0;
}

enum vm_status services_get_many(struct vm *vm, const long long *ids, size_t n, struct services *out, struct vm_error *err)
{
	struct db_result *res = NULL;
	const char **p;
	char *nums, *sql;
	size_t len, off;
	int present = 0;
	enum vm_status st;

	for (size_t i = 0; i < n; i++)
		all_on(&out[i]);
	if (!n)
		return VM_OK;
	if ((st = services_tables(vm, &present, err)) != VM_OK || !present)
		return st;
	p = xcalloc(n, sizeof *p);
	nums = xcalloc(n, 24);
	len = n * 3 + 128;
	sql = xmalloc(len);
	off = (size_t)snprintf(sql, len,
			       "SELECT mailbox_id, imap, pop3, smtp, sieve, send_only FROM vmailadm_services "
			       "WHERE mailbox_id IN (");
	for (size_t i = 0; i < n; i++) {
		snprintf(nums + 24 * i, 24, "%lld", ids[i]);
		p[i] = nums + 24 * i;
		off += (size_t)snprintf(sql + off, len - off, "%s?", i ? "," : "");
	}
	snprintf(sql + off, len - off, ")");
	st = vm_sql(vm, sql, (int)n, p, &res, err, "reading services");
	free(sql);
	free(p);
	free(nums);
	if (st != VM_OK)
		return st;
	for (size_t r = 0; r < res->nrows; r++) {
		long long id = vm_ll(db_value(res, r, 0));

		for (size_t i = 0; i < n; i++)
			if (ids[i] == id) {
				for (int s = 0; s < SERVICE_COUNT; s++)
					out[i].on[s] = truth(db_value(res, r, 1 + (size_t)s));
				out[i].send_only = truth(db_value(res, r, 5));
			}
	}
	db_result_free(&res);
	return VM_OK;
}

enum vm_status services_get(struct vm *vm, long long mailbox_id, struct services *s, struct vm_error *err)
{
	return services_get_many(vm, &mailbox_id, 1, s, err);
}

enum vm_status services_domain_get(struct vm *vm, long long domain_id, int on[SERVICE_COUNT], int *has, struct vm_error *err)
{
	struct db_result *res = NULL;
	char did[32];
	int present = 0;
	enum vm_status st;

	*has = 0;
	for (int s = 0; s < SERVICE_COUNT; s++)
		on[s] = 1;
	if ((st = services_tables(vm, &present, err)) != VM_OK || !present)
		return st;
	snprintf(did, sizeof did, "%lld", domain_id);
	if ((st = vm_sql(vm, "SELECT imap, pop3, smtp, sieve FROM vmailadm_domain_services WHERE domain_id = ?", 1,
			 (const char *const[]){did}, &res, err, "reading the domain's services")) != VM_OK)
		return st;
	if (res->nrows) {
		*has = 1;
		for (int s = 0; s < SERVICE_COUNT; s++)
			on[s] = truth(db_value(res, 0, (size_t)s));
	}
	db_result_free(&res);
	return VM_OK;
}

enum vm_status services_domain_set(struct vm *vm, long long domain_id, const int on[SERVICE_COUNT], struct change *c,
				   struct vm_error *err)
{
	int before[SERVICE_COUNT], has = 0;
	char did[32], b1[64], b2[64];
	const char *p[5];
	enum vm_status st;

	if ((st = services_require_tables(vm, "services=", err)) != VM_OK)
		return st;
	if ((st = services_domain_get(vm, domain_id, before, &has, err)) != VM_OK)
		return st;
	snprintf(did, sizeof did, "%lld", domain_id);
	for (int s = 0; s < SERVICE_COUNT; s++)
		p[s] = on[s] ? "1" : "0";
	p[4] = did;
	st = vm_sql(vm,
		    has ? "UPDATE vmailadm_domain_services SET imap = ?, pop3 = ?, smtp = ?, sieve = ? WHERE domain_id = ?"
			: "INSERT INTO vmailadm_domain_services (imap, pop3, smtp, sieve, domain_id) VALUES (?, ?, ?, ?, ?)",
		    5, p, NULL, err, "setting the domain's services");
	if (st == VM_OK)
		change_field(c, "services", services_format(before, b1, sizeof b1), services_format(on, b2, sizeof b2));
	return st;
}

enum vm_status services_apply(struct vm *vm, long long mailbox_id, long long domain_id, int adding,
			      const struct services_opts *o, struct change *c, struct vm_error *err)
{
	struct services before, after;
	int has_row = 0, dflt = 0, present = 0;
	char mid[32], b1[64], b2[64];
	const char *p[6];
	enum vm_status st;

	if (services_opts_any(o)) {
		if ((st = services_require_tables(vm, "imap=, pop3=, smtp=, sieve= and send-only=", err)) != VM_OK)
			return st;
	} else if ((st = services_tables(vm, &present, err)) != VM_OK || !present) {
		return st;
	}
	all_on(&before);
	if (adding) {
		if ((st = services_domain_get(vm, domain_id, before.on, &dflt, err)) != VM_OK)
			return st;
	} else {
		struct db_result *res = NULL;

		snprintf(mid, sizeof mid, "%lld", mailbox_id);
		if ((st = vm_sql(vm, "SELECT 1 FROM vmailadm_services WHERE mailbox_id = ?", 1,
				 (const char *const[]){mid}, &res, err, "reading services")) != VM_OK)
			return st;
		has_row = res->nrows > 0;
		db_result_free(&res);
		if (has_row && (st = services_get(vm, mailbox_id, &before, err)) != VM_OK)
			return st;
	}
	if (!services_opts_any(o) && !dflt)
		return VM_OK;
	after = before;
	if (o->has_send_only)
		after.send_only = o->send_only;
	for (int s = 0; s < SERVICE_COUNT; s++)
		if (o->has[s])
			after.on[s] = o->on[s];
	if (after.send_only) {
		/* a send-only account has no mailbox to read or filter */
		for (int s = 0; s < SERVICE_COUNT; s++) {
			if (s == SERVICE_SMTP)
				continue;
			if (o->has[s] && o->on[s])
				return vm_fail(err, VM_ERR_INVALID,
					       "%s=yes: a send-only account has no mailbox to use it with (give send-only=no too)",
					       names[s]);
			after.on[s] = 0;
		}
	}
	snprintf(mid, sizeof mid, "%lld", mailbox_id);
	for (int s = 0; s < SERVICE_COUNT; s++)
		p[s] = after.on[s] ? "1" : "0";
	p[4] = after.send_only ? "1" : "0";
	p[5] = mid;
	if ((st = vm_sql(vm,
			 has_row ? "UPDATE vmailadm_services SET imap = ?, pop3 = ?, smtp = ?, sieve = ?, send_only = ? "
				   "WHERE mailbox_id = ?"
				 : "INSERT INTO vmailadm_services (imap, pop3, smtp, sieve, send_only, mailbox_id) "
				   "VALUES (?, ?, ?, ?, ?, ?)",
			 6, p, NULL, err, "setting services")) != VM_OK)
		return st;
	services_format(after.on, b2, sizeof b2);
	if (adding) {
		change_field(c, "services", NULL, b2);
		if (after.send_only)
			change_field(c, "send-only", NULL, "yes");
	} else {
		change_field(c, "services", services_format(before.on, b1, sizeof b1), b2);
		change_field(c, "send-only", before.send_only ? "yes" : "no", after.send_only ? "yes" : "no");
	}
	return VM_OK;
}

enum vm_status services_bulk_defaults(struct vm *vm, const long long *ids, size_t n, struct vm_error *err)
{
	const char **p;
	char *nums, *sql;
	size_t len, off;
	int present = 0;
	enum vm_status st;

	if (!n || (st = services_tables(vm, &present, err)) != VM_OK || !present)
		return n ? st : VM_OK;
	p = xcalloc(n, sizeof *p);
	nums = xcalloc(n, 24);
	len = n * 3 + 256;
	sql = xmalloc(len);
	off = (size_t)snprintf(sql, len,
			       "INSERT INTO vmailadm_services (mailbox_id, imap, pop3, smtp, sieve, send_only) "
			       "SELECT mb.id, ds.imap, ds.pop3, ds.smtp, ds.sieve, %s FROM admin_mailbox mb "
			       "JOIN vmailadm_domain_services ds ON ds.domain_id = mb.domain_id WHERE mb.id IN (",
			       vm->db->ops->engine == DB_ENGINE_PGSQL ? "false" : "0");
	for (size_t i = 0; i < n; i++) {
		snprintf(nums + 24 * i, 24, "%lld", ids[i]);
		p[i] = nums + 24 * i;
		off += (size_t)snprintf(sql + off, len - off, "%s?", i ? "," : "");
	}
	snprintf(sql + off, len - off, ")");
	st = vm_sql(vm, sql, (int)n, p, NULL, err, "giving the new mailboxes their domain's services");
	free(sql);
	free(p);
	free(nums);
	return st;
}

/* Records the removal of the grants selected by where_sql (one ? = param). */
static enum vm_status drop_grants(struct vm *vm, const char *where_sql, const char *param, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;
	char *sql = xasprintf("SELECT mb.address, d.name, s.local_part, s.domain FROM vmailadm_sender s "
			      "JOIN admin_mailbox mb ON mb.id = s.mailbox_id JOIN admin_domain d ON d.id = mb.domain_id "
			      "WHERE %s ORDER BY d.name, mb.address, s.domain, s.local_part",
			      where_sql);

	st = vm_sql(vm, sql, 1, (const char *const[]){param}, &res, err, "reading sender grants");
	free(sql);
	if (st != VM_OK)
		return st;
	for (size_t r = 0; r < res->nrows; r++) {
		char *m = xasprintf("%s@%s", db_value(res, r, 0), db_value(res, r, 1));
		char *a = xasprintf("%s@%s", db_value(res, r, 2), db_value(res, r, 3));
		struct change *c = change_begin(&vm->changes, CHANGE_DEL, "sender", m);

		change_field(c, "address", a, NULL);
		free(m);
		free(a);
	}
	db_result_free(&res);
	return VM_OK;
}

enum vm_status services_forget_mailbox(struct vm *vm, long long mailbox_id, struct vm_error *err)
{
	char mid[32];
	int present = 0;
	enum vm_status st;

	if ((st = services_tables(vm, &present, err)) != VM_OK || !present)
		return st;
	snprintf(mid, sizeof mid, "%lld", mailbox_id);
	if ((st = drop_grants(vm, "s.mailbox_id = ?", mid, err)) != VM_OK)
		return st;
	if ((st = vm_sql(vm, "DELETE FROM vmailadm_sender WHERE mailbox_id = ?", 1, (const char *const[]){mid}, NULL,
			 err, "removing sender grants")) != VM_OK)
		return st;
	return vm_sql(vm, "DELETE FROM vmailadm_services WHERE mailbox_id = ?", 1, (const char *const[]){mid}, NULL,
		      err, "removing services");
}

enum vm_status services_forget_domain(struct vm *vm, long long domain_id, const char *name, struct vm_error *err)
{
	char did[32];
	int present = 0;
	enum vm_status st;

	if ((st = services_tables(vm, &present, err)) != VM_OK || !present)
		return st;
	if ((st = drop_grants(vm, "s.domain = ?", name, err)) != VM_OK)
		return st;
	if ((st = vm_sql(vm, "DELETE FROM vmailadm_sender WHERE domain = ?", 1, (const char *const[]){name}, NULL, err,
			 "removing sender grants")) != VM_OK)
		return st;
	if (domain_id <= 0)
		return VM_OK;
	snprintf(did, sizeof did, "%lld", domain_id);
	return vm_sql(vm, "DELETE FROM vmailadm_domain_services WHERE domain_id = ?", 1, (const char *const[]){did},
		      NULL, err, "removing the domain's services");
}
