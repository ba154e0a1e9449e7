/* SPDX-License-Identifier: MIT */
/* bulk.c: many mailboxes at once (see bulk.h). */
#include "core/bulk.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/domain.h"
#include "core/match.h"
#include "core/search.h"
#include "core/services.h"
#include "core/usage.h"
#include "lib/xalloc.h"

/* ---- the hashing pool ---- */

struct pool {
	const char *scheme;
	struct hash_job *jobs;
	size_t n;
	atomic_size_t next;
};

static void run_job(const char *scheme, struct hash_job *j)
{
	struct vm_error e; /* the single path reports failures: this one is dropped */

	if (j->plain)
		j->ok = password_hash(scheme, j->plain, j->out, &e) == VM_OK;
	else if (j->given)
		j->ok = password_check_hash(j->given, j->out, &e) == VM_OK;
	else
		j->ok = 0;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		run_job(p->scheme, &p->jobs[i]);
	return NULL;
}

int bulk_hash_threads(size_t n)
{
	const char *env = getenv("VMAILADM_HASH_THREADS");
	long t = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	if (t < 1)
		t = 1;
	if (t > 256)
		t = 256;
	if ((size_t)t > n)
		t = n ? (long)n : 1;
	return (int)t;
}

void bulk_hash_all(const char *scheme, struct hash_job *jobs, size_t n)
{
	struct pool p = {scheme, jobs, n, 0};
	int nt = bulk_hash_threads(n), started = 0;
	pthread_t *th;

	if (n == 0)
		return;
	th = xcalloc((size_t)nt, sizeof *th);
	/* this thread works too; a thread that cannot start just means fewer */
	for (int i = 1; i < nt; i++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	worker(&p);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
}

/* ---- validation ---- */

struct dom_cache {
	char name[VM_DOMAIN_MAX + 1];
	enum vm_status st; /* of domain_get + vm_check_domain */
	struct vm_error err;
	struct domain d;
	int has_services, services[SERVICE_COUNT]; /* the default of new mailboxes */
};

struct item {
	char local[VM_LOCAL_MAX + 1], dname[VM_DOMAIN_MAX + 1], addr[VM_ADDRESS_MAX + 1];
	char first[VM_NAME_MAX * 4 + 1], last[VM_NAME_MAX * 4 + 1];
	int quota, follows;
	long long domain_id; /* not a pointer: the domain cache grows */
	char hash[PASSWORD_HASH_MAX + 1];
	long long user_id, mbox_id, dates_id;
	char services[64]; /* the domain's default, "" when it has none */
};

static enum vm_status domain_of(struct vm *vm, struct dom_cache **cache, size_t *ncache, const char *name,
				struct dom_cache **out, struct vm_error *err)
{
	struct dom_cache *c;
	enum vm_status st;

	for (size_t i = 0; i < *ncache; i++)
		if (strcmp((*cache)[i].name, name) == 0) {
			*out = &(*cache)[i];
			return VM_OK;
		}
	*cache = xreallocarray(*cache, *ncache + 1, sizeof **cache);
	c = &(*cache)[(*ncache)++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	st = domain_get(vm, name, &c->d, &c->err);
	if (st == VM_OK) {
		st = vm_check_domain(vm, c->d.id, c->d.name, &c->err);
		if (st == VM_OK) {
			enum vm_status st2 = services_domain_get(vm, c->d.id, c->services, &c->has_services, err);

			if (st2 != VM_OK) {
				(*ncache)--;
				return st2;
			}
		}
	} else if (st != VM_ERR_NOT_FOUND) {
		(*ncache)--; /* a database error ends the run */
		*err = c->err;
		return st;
	}
	c->st = st;
	*out = c;
	return VM_OK;
}

/* The checks mailbox_add makes before reading existing rows, in its order. */
static enum vm_status check_local(struct vm *vm, const struct bulk_mailbox *b, struct item *it,
				  struct dom_cache **cache, size_t *ncache, int *dberr, struct vm_error *err)
{
	struct dom_cache *dc;
	enum vm_status st;

	*dberr = 0;
	if ((st = valid_address(b->address, 0, it->local, it->dname, err)) != VM_OK)
		return st;
	snprintf(it->addr, sizeof it->addr, "%s@%s", it->local, it->dname);
	if (!b->o.password && !b->o.password_hash)
		return vm_fail(err, VM_ERR_USAGE, "mailbox %s: give password= or password-hash=", it->addr);
	if (b->o.name && (st = valid_name(b->o.name, it->first, it->last, err)) != VM_OK)
		return st;
	if ((st = domain_of(vm, cache, ncache, it->dname, &dc, err)) != VM_OK) {
		*dberr = 1;
		return st;
	}
	if (dc->st == VM_ERR_NOT_FOUND)
		return vm_fail(err, VM_ERR_NOT_FOUND, "mailbox %s: domain %s does not exist (add it first)", it->addr,
			       it->dname);
	if (dc->st != VM_OK) {
		*err = dc->err;
		return dc->st;
	}
	it->domain_id = dc->d.id;
	if (dc->has_services)
		services_format(dc->services, it->services, sizeof it->services);
	return mailbox_quota_rule(&dc->d, it->addr, b->o.has_quota, b->o.quota_mb, &it->quota, &it->follows, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_str(char **sorted, size_t n, const char *s)
{
	return n && bsearch(&s, sorted, n, sizeof *sorted, cmp_str) != NULL;
}

/* "(?, ?), (?, ?)": rows groups of cols placeholders. Caller frees. */
static char *values_sql(const char *head, size_t rows, int cols, const char *tail)
{
	size_t hl = strlen(head), tl = tail ? strlen(tail) : 0;
	size_t cap = hl + tl + rows * ((size_t)cols * 3 + 4) + 1, p = hl;
	char *s = xmalloc(cap);

	memcpy(s, head, hl);
	for (size_t r = 0; r < rows; r++) {
		if (r)
			s[p++] = ',';
		s[p++] = '(';
		for (int c = 0; c < cols; c++) {
			if (c)
				s[p++] = ',';
			s[p++] = '?';
		}
		s[p++] = ')';
	}
	if (tl)
		memcpy(s + p, tail, tl);
	s[p + tl] = '\0';
	return s;
}

/* Collects into *set (appending) column 0 of each row, or "col1@col0-domain"
 * for mailboxes: the existing full addresses / logins among items. */
static enum vm_status read_existing(struct vm *vm, struct item *its, size_t n, char ***users, size_t *nusers,
				    char ***mboxes, size_t *nmboxes, char ***quotas, size_t *nquotas, struct vm_error *err)
{
	enum vm_status st = VM_OK;

	for (size_t off = 0; off < n && st == VM_OK; off += BULK_CHUNK) {
		size_t m = n - off < BULK_CHUNK ? n - off : BULK_CHUNK;
		const char **p = xcalloc(m, sizeof *p);
		struct db_result *res = NULL;
		char *sql;

		for (size_t i = 0; i < m; i++)
			p[i] = its[off + i].addr;
		sql = str_in_list("SELECT username FROM admin_user WHERE username IN (", m, ")");
		st = vm_sql(vm, sql, (int)m, p, &res, err, "reading users");
		free(sql);
		for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
			*users = xreallocarray(*users, *nusers + 1, sizeof **users);
			(*users)[(*nusers)++] = xstrdup(db_value(res, r, 0));
		}
		db_result_free(&res);
		if (st == VM_OK) {
			sql = str_in_list("SELECT username FROM admin_quota WHERE username IN (", m, ")");
			st = vm_sql(vm, sql, (int)m, p, &res, err, "reading quota rows");
			free(sql);
			for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
				*quotas = xreallocarray(*quotas, *nquotas + 1, sizeof **quotas);
				(*quotas)[(*nquotas)++] = xstrdup(db_value(res, r, 0));
			}
			db_result_free(&res);
		}
		if (st == VM_OK) {
			for (size_t i = 0; i < m; i++)
				p[i] = its[off + i].local;
			sql = str_in_list("SELECT mb.address, d.name FROM admin_mailbox mb JOIN admin_domain d ON d.id = "
					  "mb.domain_id JOIN admin_user u ON u.id = mb.user_id WHERE mb.address IN (",
					  m, ")");
			st = vm_sql(vm, sql, (int)m, p, &res, err, "reading mailboxes");
			free(sql);
			for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
				*mboxes = xreallocarray(*mboxes, *nmboxes + 1, sizeof **mboxes);
				(*mboxes)[(*nmboxes)++] = xasprintf("%s@%s", db_value(res, r, 0), db_value(res, r, 1));
			}
			db_result_free(&res);
		}
		free(p);
	}
	return st;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Numbers as text for parameters: one buffer, fixed slots. */
#define NUMW 24

static enum vm_status insert_chunk(struct vm *vm, const struct bulk_mailbox *items, struct item *its, size_t m,
				   const char *grp, char **quota_rows, size_t nquota_rows, struct vm_error *err)
{
	const char *now = vm_now();
	const char **p = xcalloc(m * 11, sizeof *p);
	char *nums = xcalloc(m * 4, NUMW);
	long long *ids = xcalloc(m ? m : 1, sizeof *ids);
	int mysql = vm->db->ops->engine == DB_ENGINE_MYSQL, pg = vm->db->ops->engine == DB_ENGINE_PGSQL;
	struct db_result *res = NULL;
	size_t k, ninsert = 0;
	char *sql;
	enum vm_status st;

	/* admin_objectdates: the rows are alike, so any id may go to any mailbox */
	for (size_t i = 0; i < m; i++) {
		p[2 * i] = now;
		p[2 * i + 1] = now;
	}
	sql = values_sql("INSERT INTO admin_objectdates (creation, last_modification) VALUES ", m, 2, " RETURNING id");
	st = vm_sql(vm, sql, (int)(2 * m), p, &res, err, "adding mailbox dates");
	free(sql);
	if (st != VM_OK)
		goto out;
	if (res->nrows != m) {
		st = vm_fail(err, VM_ERR_DB, "adding mailbox dates: %zu ids back for %zu rows", res->nrows, m);
		goto out;
	}
	for (size_t i = 0; i < m; i++)
		its[i].dates_id = vm_ll(db_value(res, i, 0));
	db_result_free(&res);

	for (size_t i = 0; i < m; i++) {
		const char **q = p + 11 * i;

		q[0] = its[i].hash;
		q[1] = now;
		q[2] = "0";
		q[3] = its[i].addr;
		q[4] = its[i].first;
		q[5] = its[i].last;
		q[6] = its[i].addr;
		q[7] = "0";
		q[8] = (items[i].o.has_enabled && !items[i].o.enabled) ? "0" : "1";
		q[9] = now;
		q[10] = "1";
	}
	sql = values_sql("INSERT INTO admin_user (password, last_login, is_superuser, username, first_name, "
			 "last_name, email, is_staff, is_active, date_joined, is_local) VALUES ",
			 m, 11, " RETURNING id, username");
	st = vm_sql(vm, sql, (int)(11 * m), p, &res, err, "adding the mailboxes' users");
	free(sql);
	for (size_t i = 0; i < 11 * m; i++)
		p[i] = NULL; /* the hashes: no copies left around */
	if (st != VM_OK)
		goto out;
	/* RETURNING comes back in VALUES order on every engine we know, but that
	 * is not a documented promise: match by username, starting in order */
	for (size_t r = 0, hint = 0; r < res->nrows; r++) {
		const char *u = db_value(res, r, 0 + 1);

		for (k = 0; k < m; k++) {
			size_t i = (hint + k) % m;

			if (strcmp(its[i].addr, u) == 0) {
				its[i].user_id = vm_ll(db_value(res, r, 0));
				hint = i + 1;
				break;
			}
		}
	}
	db_result_free(&res);
	for (size_t i = 0; i < m; i++)
		if (!its[i].user_id) {
			st = vm_fail(err, VM_ERR_DB, "adding the mailboxes' users: no id back for %s", its[i].addr);
			goto out;
		}

	for (size_t i = 0; i < m; i++) {
		snprintf(nums + (4 * i) * NUMW, NUMW, "%lld", its[i].user_id);
		p[2 * i] = nums + (4 * i) * NUMW;
		p[2 * i + 1] = grp;
	}
	sql = values_sql("INSERT INTO admin_user_groups (user_id, group_id) VALUES ", m, 2, NULL);
	st = vm_sql(vm, sql, (int)(2 * m), p, NULL, err, "adding the users' group");
	free(sql);
	if (st != VM_OK)
		goto out;

	for (size_t i = 0; i < m; i++) {
		const char **q = p + 6 * i;

		snprintf(nums + (4 * i + 1) * NUMW, NUMW, "%d", its[i].quota);
		snprintf(nums + (4 * i + 2) * NUMW, NUMW, "%lld", its[i].domain_id);
		snprintf(nums + (4 * i + 3) * NUMW, NUMW, "%lld", its[i].dates_id);
		q[0] = its[i].local;
		q[1] = nums + (4 * i + 1) * NUMW;
		q[2] = its[i].follows ? "1" : "0";
		q[3] = nums + (4 * i + 2) * NUMW;
		q[4] = nums + (4 * i) * NUMW;
		q[5] = nums + (4 * i + 3) * NUMW;
	}
	sql = values_sql("INSERT INTO admin_mailbox (address, quota, use_domain_quota, domain_id, user_id, dates_id) "
			 "VALUES ",
			 m, 6, " RETURNING id, user_id");
	/* MariaDB runs a row trigger's statements one by one for each row: the
	 * quota copies' and the search trigrams' triggers were half its server
	 * time per mailbox. @vmailadm_bulk makes them stand aside for this one
	 * statement (sql/mysql-quota.sql, mysql-search.sql); the quota rows
	 * below carry their copies and search_bulk_added adds the trigrams, one
	 * statement each for the slice */
	if (mysql && (st = vm_sql(vm, "SET @vmailadm_bulk = 1", 0, NULL, NULL, err, "adding mailboxes")) != VM_OK) {
		free(sql);
		goto out;
	}
	/* PostgreSQL: the same for its quota trigger, for this transaction only */
	if (pg && (st = vm_sql(vm, "SELECT set_config('vmailadm.bulk', '1', true)", 0, NULL, NULL, err,
			       "adding mailboxes")) != VM_OK) {
		free(sql);
		goto out;
	}
	st = vm_sql(vm, sql, (int)(6 * m), p, &res, err, "adding mailboxes");
	free(sql);
	if (mysql || (pg && st == VM_OK)) {
		struct vm_error e2 = {0};
		enum vm_status st2 =
			vm_sql(vm, mysql ? "SET @vmailadm_bulk = NULL" : "SELECT set_config('vmailadm.bulk', '', true)",
			       0, NULL, NULL, &e2, "adding mailboxes");

		if (st == VM_OK && st2 != VM_OK) {
			st = st2;
			*err = e2;
		}
	}
	if (st != VM_OK)
		goto out;
	for (size_t r = 0, hint = 0; r < res->nrows; r++) {
		long long uid = vm_ll(db_value(res, r, 1));

		for (k = 0; k < m; k++) {
			size_t i = (hint + k) % m;

			if (its[i].user_id == uid) {
				its[i].mbox_id = vm_ll(db_value(res, r, 0));
				hint = i + 1;
				break;
			}
		}
	}
	db_result_free(&res);

	for (size_t i = 0; i < m; i++) {
		if (!its[i].mbox_id) {
			st = vm_fail(err, VM_ERR_DB, "adding mailboxes: no id back for %s", its[i].addr);
			goto out;
		}
		snprintf(nums + (4 * i + 3) * NUMW, NUMW, "%lld", its[i].mbox_id); /* the dates id is written */
		ids[i] = its[i].mbox_id;
	}
	if (mysql && (st = search_bulk_added(vm, ids, m, err)) != VM_OK)
		goto out;

	/* Dovecot may have made a usage row already (mail before the account):
	 * keep its figures and attach it, as mailbox_add does; the copies of the
	 * quota and domain go with the link (what the triggers would write) */
	for (size_t i = 0; i < m; i++) {
		const char *mid = nums + (4 * i + 3) * NUMW, *qt = nums + (4 * i + 1) * NUMW,
			   *dom = nums + (4 * i + 2) * NUMW;

		if (has_str(quota_rows, nquota_rows, its[i].addr)) {
			if ((st = vm_sql(vm, "UPDATE admin_quota SET mbox_id = ?, quota_mb = ?, domain_id = ? WHERE username = ?",
					 4, (const char *const[]){mid, qt, dom, its[i].addr}, NULL, err,
					 "adding quota row")) != VM_OK)
				goto out;
			continue;
		}
		p[4 * ninsert] = mid;
		p[4 * ninsert + 1] = its[i].addr;
		p[4 * ninsert + 2] = qt;
		p[4 * ninsert + 3] = dom;
		ninsert++;
	}
	if (ninsert) {
		sql = values_sql("INSERT INTO admin_quota (mbox_id, username, quota_mb, domain_id, bytes, messages) VALUES ",
				 ninsert, 4, NULL);
		/* values_sql wrote (?,?,?,?) groups: bytes and messages are constants */
		{
			char *fixed = xmalloc(strlen(sql) * 2);
			const char *s = sql;
			char *d = fixed;

			while (*s) {
				if (s[0] == '?' && s[1] == ')') {
					memcpy(d, "?,0,0)", 6);
					d += 6;
					s += 2;
				} else {
					*d++ = *s++;
				}
			}
			*d = '\0';
			free(sql);
			sql = fixed;
		}
		st = vm_sql(vm, sql, (int)(4 * ninsert), p, NULL, err, "adding quota rows");
		free(sql);
	}
	/* the domain's default services, as mailbox_add gives them */
	if (st == VM_OK) {
		long long *sids = xcalloc(m, sizeof *sids);
		size_t nids = 0;

		for (size_t i = 0; i < m; i++)
			if (*its[i].services)
				sids[nids++] = its[i].mbox_id;
		st = services_bulk_defaults(vm, sids, nids, err);
		free(sids);
	}
	/* the rollup's counts: one bump per run of the same domain (a slice
	 * is mostly one domain) */
	for (size_t i = 0, j; st == VM_OK && i < m; i = j) {
		for (j = i + 1; j < m && its[j].domain_id == its[i].domain_id; j++)
			;
		st = usage_bump(vm, its[i].domain_id, (long long)(j - i), 0, err);
	}
out:
	db_result_free(&res);
	free(p);
	free(nums);
	free(ids);
	return st;
}

static void record_change(struct vm *vm, const struct bulk_mailbox *b, const struct item *it)
{
	char mbuf[32];
	struct change *c = change_begin(&vm->changes, CHANGE_ADD, "mailbox", it->addr);

	change_field(c, "quota", NULL, it->follows ? "domain" : fmt_mb(it->quota, 1, mbuf, sizeof mbuf));
	if (it->follows)
		change_field(c, "quota_mb", NULL, fmt_mb(it->quota, 1, mbuf, sizeof mbuf));
	if (*it->first || *it->last) {
		char *nm = xasprintf("%s%s%s", it->first, *it->last ? " " : "", it->last);

		change_field(c, "name", NULL, nm);
		free(nm);
	}
	change_field(c, "enabled", NULL, !(b->o.has_enabled && !b->o.enabled) ? "yes" : "no");
	change_field(c, "password", NULL, "(set)");
	if (*it->services)
		change_field(c, "services", NULL, it->services);
}

struct addr_idx {
	const char *addr;
	size_t i;
};

static int cmp_addr_idx(const void *a, const void *b)
{
	const struct addr_idx *x = a, *y = b;
	int c = strcmp(x->addr, y->addr);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

enum vm_status bulk_mailbox_add(struct vm *vm, const struct bulk_mailbox *items, size_t n, size_t *failed,
				struct vm_error *err)
{
	struct item *its = xcalloc(n ? n : 1, sizeof *its);
	struct dom_cache *cache = NULL;
	size_t ncache = 0, limit = n, nusers = 0, nmboxes = 0, nquotas = 0;
	char **users = NULL, **mboxes = NULL, **quotas = NULL;
	unsigned char *dup = NULL;
	struct vm_error first_err = {0};
	enum vm_status st = VM_OK, first_st = VM_OK;
	struct hash_job *jobs = NULL;
	size_t *job_of = NULL, njobs = 0;
	char grp[32];

	*failed = 0;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		goto out_nodb;
	/* 1. what needs no row of the mailboxes: the first refusal bounds the run */
	for (size_t i = 0; i < n; i++) {
		int dberr;

		st = check_local(vm, &items[i], &its[i], &cache, &ncache, &dberr, err);
		if (st != VM_OK) {
			if (dberr) {
				*failed = i;
				goto out;
			}
			limit = i;
			first_st = st;
			first_err = *err;
			st = VM_OK;
			break;
		}
	}
	/* 2. existing mailboxes and logins, and repeats within the run */
	if ((st = read_existing(vm, its, limit, &users, &nusers, &mboxes, &nmboxes, &quotas, &nquotas, err)) != VM_OK)
		goto out;
	if (nusers > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(users, nusers, sizeof *users, cmp_str);
	if (nmboxes > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(mboxes, nmboxes, sizeof *mboxes, cmp_str);
	if (nquotas > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(quotas, nquotas, sizeof *quotas, cmp_str);
	dup = xcalloc(limit ? limit : 1, 1);
	{
		struct addr_idx *ai = xcalloc(limit ? limit : 1, sizeof *ai);

		for (size_t i = 0; i < limit; i++)
			ai[i] = (struct addr_idx){its[i].addr, i};
		qsort(ai, limit, sizeof *ai, cmp_addr_idx);
		for (size_t i = 1; i < limit; i++)
			if (strcmp(ai[i].addr, ai[i - 1].addr) == 0)
				dup[ai[i].i] = 1;
		free(ai);
	}
	/* 3. the hashes still to make or check, on all cores */
	jobs = xcalloc(limit ? limit : 1, sizeof *jobs);
	job_of = xcalloc(limit ? limit : 1, sizeof *job_of);
	for (size_t i = 0; i < limit; i++) {
		job_of[i] = (size_t)-1;
		if (items[i].hash || (items[i].o.password && items[i].o.password_hash))
			continue;
		jobs[njobs].plain = items[i].o.password;
		jobs[njobs].given = items[i].o.password ? NULL : items[i].o.password_hash;
		job_of[i] = njobs++;
	}
	bulk_hash_all(password_scheme(vm), jobs, njobs);
	/* 4. the first refusal, in mailbox_add's order of checks */
	for (size_t i = 0; i < limit; i++) {
		const struct bulk_mailbox *b = &items[i];

		if (dup[i] || has_str(mboxes, nmboxes, its[i].addr))
			st = vm_fail(err, VM_ERR_EXISTS, "mailbox %s already exists", its[i].addr);
		else if (has_str(users, nusers, its[i].addr))
			st = vm_fail(err, VM_ERR_EXISTS, "mailbox %s: an account with that login already exists",
				     its[i].addr);
		else if (b->o.password && b->o.password_hash)
			st = vm_fail(err, VM_ERR_USAGE, "give password= or password-hash=, not both");
		else if (b->hash)
			snprintf(its[i].hash, sizeof its[i].hash, "%s", b->hash);
		else if (jobs[job_of[i]].ok)
			memcpy(its[i].hash, jobs[job_of[i]].out, sizeof its[i].hash);
		else if (b->o.password) /* again, for its message */
			st = password_hash(password_scheme(vm), b->o.password, its[i].hash, err);
		else
			st = password_check_hash(b->o.password_hash, its[i].hash, err);
		if (st != VM_OK) {
			*failed = i;
			goto out;
		}
	}
	if (first_st != VM_OK) {
		*failed = limit;
		*err = first_err;
		st = first_st;
		goto out;
	}
	/* 5. the rows, BULK_CHUNK mailboxes a statement */
	if (n && (st = mailbox_users_group(vm, grp, sizeof grp, err)) != VM_OK)
		goto out;
	for (size_t off = 0; off < n; off += BULK_CHUNK) {
		size_t m = n - off < BULK_CHUNK ? n - off : BULK_CHUNK;

		if ((st = insert_chunk(vm, items + off, its + off, m, grp, quotas, nquotas, err)) != VM_OK) {
			*failed = off;
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++)
		record_change(vm, &items[i], &its[i]);
out:
	st = vm_tx_finish(vm, st, err);
out_nodb:
	for (size_t i = 0; i < n; i++)
		explicit_bzero(its[i].hash, sizeof its[i].hash);
	if (jobs) {
		explicit_bzero(jobs, (limit ? limit : 1) * sizeof *jobs);
		free(jobs);
	}
	free(job_of);
	free(its);
	free(cache);
	free(dup);
	free_strs(users, nusers);
	free_strs(mboxes, nmboxes);
	free_strs(quotas, nquotas);
	return st;
}
