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

struct hash_pool {
	const char *scheme;
	struct hash_job *jobs;
	size_t n;
	atomic_size_t next;  /* the next job a worker takes */
	unsigned char *done; /* per job, under lock */
	size_t prefix;       /* jobs [0, prefix) are done, under lock */
	int stop;            /* under lock: workers take no more jobs */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t *th;
	int nth;
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

/* Takes jobs in order until none is left (or stop): no barrier between
 * parts of the run, so a worker the scheduler sets aside (the database
 * server shares the cores) never holds up the others. */
static void *worker(void *arg)
{
	struct hash_pool *p = arg;

	for (;;) {
		size_t i;
		int stop;

		pthread_mutex_lock(&p->lock);
		stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop || (i = atomic_fetch_add(&p->next, 1)) >= p->n)
			break;
		run_job(p->scheme, &p->jobs[i]);
		pthread_mutex_lock(&p->lock);
		p->done[i] = 1;
		if (i == p->prefix) {
			while (p->prefix < p->n && p->done[p->prefix])
				p->prefix++;
			pthread_cond_broadcast(&p->cond);
		}
		pthread_mutex_unlock(&p->lock);
	}
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

struct hash_pool *bulk_hash_start(const char *scheme, struct hash_job *jobs, size_t n)
{
	struct hash_pool *p = xcalloc(1, sizeof *p);
	int nt = bulk_hash_threads(n);

	p->scheme = scheme;
	p->jobs = jobs;
	p->n = n;
	atomic_init(&p->next, 0);
	p->done = xcalloc(n ? n : 1, 1);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->th = xcalloc((size_t)nt, sizeof *p->th);
	/* a thread that cannot start just means fewer; none: bulk_hash_wait
	 * hashes in the caller's thread */
	for (int i = 0; i < nt && n > 0; i++)
		if (pthread_create(&p->th[p->nth], NULL, worker, p) == 0)
			p->nth++;
	return p;
}

void bulk_hash_wait(struct hash_pool *p, size_t need)
{
	if (need > p->n)
		need = p->n;
	if (p->nth == 0) {
		while (p->prefix < need) {
			run_job(p->scheme, &p->jobs[p->prefix]);
			p->done[p->prefix++] = 1;
		}
		return;
	}
	pthread_mutex_lock(&p->lock);
	while (p->prefix < need)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void bulk_hash_stop(struct hash_pool **pp)
{
	struct hash_pool *p = *pp;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->th);
	free(p->done);
	free(p);
	*pp = NULL;
}

void bulk_hash_all(const char *scheme, struct hash_job *jobs, size_t n)
{
	struct hash_pool *p = bulk_hash_start(scheme, jobs, n);

	bulk_hash_wait(p, n);
	bulk_hash_stop(&p);
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

/* head, then rows copies of row ("(?,?)") joined by commas, then tail
 * (NULL: none). Caller frees. */
static char *values_sql(const char *head, size_t rows, const char *row, const char *tail)
{
	size_t hl = strlen(head), rl = strlen(row), tl = tail ? strlen(tail) : 0;
	char *s = xmalloc(hl + rows * (rl + 1) + tl + 1), *p = s;

	memcpy(p, head, hl);
	p += hl;
	for (size_t r = 0; r < rows; r++) {
		if (r)
			*p++ = ',';
		memcpy(p, row, rl);
		p += rl;
	}
	if (tl)
		memcpy(p, tail, tl);
	p[tl] = '\0';
	return s;
}

/* One INSERT of rows rows: head, the row's placeholders ("(?,?,0)") once
 * a row, tail; p holds rows x (the row's ?s) parameters, row by row. */
static enum vm_status insert_rows(struct vm *vm, const char *head, size_t rows, const char *row, const char *tail,
				  const char *const *p, struct db_result **res, struct vm_error *err, const char *what)
{
	char *sql = values_sql(head, rows, row, tail);
	int cols = 0;
	enum vm_status st;

	for (const char *c = row; *c; c++)
		cols += *c == '?';
	st = vm_sql(vm, sql, (int)rows * cols, p, res, err, what);
	free(sql);
	return st;
}

/* The existing mailboxes of the m items, as "local@domain" appended to
 * *mboxes: one query, each domain's local parts looked up through the
 * (domain_id, address) index; the local parts alone have no index, and at a
 * million mailboxes `address IN (...)` read the whole table for every 500. */
static enum vm_status read_mailboxes(struct vm *vm, const struct item *its, size_t m, char ***mboxes, size_t *nmboxes,
				     struct vm_error *err)
{
	const char **p = xcalloc(2 * m, sizeof *p);
	char(*dids)[24] = xcalloc(m, sizeof *dids), *sql = NULL;
	unsigned char *done = xcalloc(m, 1);
	struct db_result *res = NULL;
	size_t np = 0, ng = 0;
	enum vm_status st;

	str_append(&sql, "SELECT mb.address, d.name FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id "
			 "JOIN admin_user u ON u.id = mb.user_id WHERE ");
	for (size_t i = 0; i < m; i++) {
		size_t k = 0;

		if (done[i])
			continue;
		snprintf(dids[ng], sizeof dids[ng], "%lld", its[i].domain_id);
		p[np++] = dids[ng];
		str_append(&sql, ng++ ? " OR (mb.domain_id = ? AND mb.address IN ("
				      : "(mb.domain_id = ? AND mb.address IN (");
		for (size_t j = i; j < m; j++)
			if (!done[j] && its[j].domain_id == its[i].domain_id) {
				done[j] = 1;
				p[np++] = its[j].local;
				str_append(&sql, k++ ? ",?" : "?");
			}
		str_append(&sql, "))");
	}
	st = vm_sql(vm, sql, (int)np, p, &res, err, "reading mailboxes");
	for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
		*mboxes = xreallocarray(*mboxes, *nmboxes + 1, sizeof **mboxes);
		(*mboxes)[(*nmboxes)++] = xasprintf("%s@%s", db_value(res, r, 0), db_value(res, r, 1));
	}
	db_result_free(&res);
	free(sql);
	free(p);
	free(dids);
	free(done);
	return st;
}

/* What already exists of the n items, BULK_CHUNK at a time: their logins
 * (admin_user), quota rows (admin_quota) and mailboxes ("local@domain"),
 * appended to *users, *quotas and *mboxes. */
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
		if (st == VM_OK)
			st = read_mailboxes(vm, its + off, m, mboxes, nmboxes, err);
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

/* ---- the rows of one slice (BULK_CHUNK mailboxes), a statement a table ---- */

#define NUMW 24

/* A mailbox's numbers as text, the parameters of the statements below. */
struct chunk_nums {
	char user_id[NUMW], quota[NUMW], domain_id[NUMW], dates_id[NUMW], mbox_id[NUMW];
};

struct chunk {
	struct vm *vm;
	const struct bulk_mailbox *items;
	struct item *its;
	struct chunk_nums *nums;
	size_t m;
	const char *now;
};

static int same_login(const struct item *it, const char *key)
{
	return strcmp(it->addr, key) == 0;
}

static int same_user(const struct item *it, const char *key)
{
	return it->user_id == vm_ll(key);
}

/* The item whose key is column 1 of row r of res, or NULL. RETURNING comes
 * back in VALUES order on every engine we know, but that is not a
 * documented promise: look from the one after the last match (*hint). */
static struct item *item_of_row(const struct chunk *ch, const struct db_result *res, size_t r, size_t *hint,
				int (*same)(const struct item *, const char *))
{
	const char *key = db_value(res, r, 1);

	for (size_t k = 0; key && k < ch->m; k++) {
		size_t i = (*hint + k) % ch->m;

		if (same(&ch->its[i], key)) {
			*hint = i + 1;
			return &ch->its[i];
		}
	}
	return NULL;
}

/* admin_objectdates: the rows are alike, so any id may go to any mailbox */
static enum vm_status add_dates(struct chunk *ch, struct vm_error *err)
{
	const char **p = xcalloc(2 * ch->m, sizeof *p);
	struct db_result *res = NULL;
	enum vm_status st;

	for (size_t i = 0; i < ch->m; i++)
		p[2 * i] = p[2 * i + 1] = ch->now;
	st = insert_rows(ch->vm, "INSERT INTO admin_objectdates (creation, last_modification) VALUES ", ch->m, "(?,?)",
			 " RETURNING id", p, &res, err, "adding mailbox dates");
	free(p);
	if (st == VM_OK && res->nrows != ch->m)
		st = vm_fail(err, VM_ERR_DB, "adding mailbox dates: %zu ids back for %zu rows", res->nrows, ch->m);
	for (size_t i = 0; st == VM_OK && i < ch->m; i++) {
		ch->its[i].dates_id = vm_ll(db_value(res, i, 0));
		snprintf(ch->nums[i].dates_id, NUMW, "%lld", ch->its[i].dates_id);
	}
	db_result_free(&res);
	return st;
}

static enum vm_status add_users(struct chunk *ch, struct vm_error *err)
{
	const char **p = xcalloc(11 * ch->m, sizeof *p);
	struct db_result *res = NULL;
	enum vm_status st;
	size_t hint = 0;

	for (size_t i = 0; i < ch->m; i++) {
		const char **q = p + 11 * i;
		const struct item *it = &ch->its[i];
		const struct bulk_mailbox *b = &ch->items[i];

		q[0] = it->hash;
		q[1] = ch->now;
		q[2] = "0";
		q[3] = it->addr;
		q[4] = it->first;
		q[5] = it->last;
		q[6] = it->addr;
		q[7] = "0";
		q[8] = (b->o.has_enabled && !b->o.enabled) ? "0" : "1";
		q[9] = ch->now;
		q[10] = "1";
	}
	st = insert_rows(ch->vm,
			 "INSERT INTO admin_user (password, last_login, is_superuser, username, first_name, "
			 "last_name, email, is_staff, is_active, date_joined, is_local) VALUES ",
			 ch->m, "(?,?,?,?,?,?,?,?,?,?,?)", " RETURNING id, username", p, &res, err,
			 "adding the mailboxes' users");
	explicit_bzero(p, 11 * ch->m * sizeof *p); /* the hashes: no copies left around */
	free(p);
	for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
		struct item *it = item_of_row(ch, res, r, &hint, same_login);

		if (it)
			it->user_id = vm_ll(db_value(res, r, 0));
	}
	db_result_free(&res);
	for (size_t i = 0; st == VM_OK && i < ch->m; i++) {
		if (!ch->its[i].user_id)
			return vm_fail(err, VM_ERR_DB, "adding the mailboxes' users: no id back for %s", ch->its[i].addr);
		snprintf(ch->nums[i].user_id, NUMW, "%lld", ch->its[i].user_id);
	}
	return st;
}

static enum vm_status add_user_groups(struct chunk *ch, const char *grp, struct vm_error *err)
{
	const char **p = xcalloc(2 * ch->m, sizeof *p);
	enum vm_status st;

	for (size_t i = 0; i < ch->m; i++) {
		p[2 * i] = ch->nums[i].user_id;
		p[2 * i + 1] = grp;
	}
	st = insert_rows(ch->vm, "INSERT INTO admin_user_groups (user_id, group_id) VALUES ", ch->m, "(?,?)", NULL, p,
			 NULL, err, "adding the users' group");
	free(p);
	return st;
}

/* MariaDB runs a row trigger's statements one by one for each row: the
 * quota copies' and the search trigrams' triggers took much of its server
 * time per mailbox (tests/bench/RESULTS.md). @vmailadm_bulk makes them stand aside for one statement
 * (sql/mysql-quota.sql, mysql-search.sql); the quota rows carry their
 * copies (attach_quota_rows) and search_bulk_added adds the trigrams, one
 * statement each for the slice. PostgreSQL: the same for its quota trigger,
 * for this transaction only. aside = 1 before the statement; aside = 0
 * after it, given how it went (prev): MariaDB's variable belongs to the
 * session and is always cleared, PostgreSQL's only when the transaction
 * is still good. */
static enum vm_status triggers_aside(struct vm *vm, int aside, enum vm_status prev, struct vm_error *err)
{
	enum db_engine eng = vm->db->ops->engine;
	struct vm_error e2 = {0};
	enum vm_status st;

	if (aside) {
		if (eng == DB_ENGINE_MYSQL)
			return vm_sql(vm, "SET @vmailadm_bulk = 1", 0, NULL, NULL, err, "adding mailboxes");
		if (eng == DB_ENGINE_PGSQL)
			return vm_sql(vm, "SELECT set_config('vmailadm.bulk', '1', true)", 0, NULL, NULL, err,
				      "adding mailboxes");
		return VM_OK;
	}
	if (eng == DB_ENGINE_MYSQL)
		st = vm_sql(vm, "SET @vmailadm_bulk = NULL", 0, NULL, NULL, &e2, "adding mailboxes");
	else if (eng == DB_ENGINE_PGSQL && prev == VM_OK)
		st = vm_sql(vm, "SELECT set_config('vmailadm.bulk', '', true)", 0, NULL, NULL, &e2, "adding mailboxes");
	else
		return prev;
	if (prev == VM_OK && st != VM_OK) {
		*err = e2;
		return st;
	}
	return prev;
}

static enum vm_status add_mailboxes(struct chunk *ch, struct vm_error *err)
{
	const char **p = xcalloc(6 * ch->m, sizeof *p);
	struct db_result *res = NULL;
	enum vm_status st;
	size_t hint = 0;

	for (size_t i = 0; i < ch->m; i++) {
		const char **q = p + 6 * i;
		struct chunk_nums *nu = &ch->nums[i];

		snprintf(nu->quota, NUMW, "%d", ch->its[i].quota);
		snprintf(nu->domain_id, NUMW, "%lld", ch->its[i].domain_id);
		q[0] = ch->its[i].local;
		q[1] = nu->quota;
		q[2] = ch->its[i].follows ? "1" : "0";
		q[3] = nu->domain_id;
		q[4] = nu->user_id;
		q[5] = nu->dates_id;
	}
	if ((st = triggers_aside(ch->vm, 1, VM_OK, err)) == VM_OK) {
		st = insert_rows(ch->vm,
				 "INSERT INTO admin_mailbox (address, quota, use_domain_quota, domain_id, user_id, "
				 "dates_id) VALUES ",
				 ch->m, "(?,?,?,?,?,?)", " RETURNING id, user_id", p, &res, err, "adding mailboxes");
		st = triggers_aside(ch->vm, 0, st, err);
	}
	free(p);
	for (size_t r = 0; st == VM_OK && r < res->nrows; r++) {
		struct item *it = item_of_row(ch, res, r, &hint, same_user);

		if (it)
			it->mbox_id = vm_ll(db_value(res, r, 0));
	}
	db_result_free(&res);
	for (size_t i = 0; st == VM_OK && i < ch->m; i++) {
		if (!ch->its[i].mbox_id)
			return vm_fail(err, VM_ERR_DB, "adding mailboxes: no id back for %s", ch->its[i].addr);
		snprintf(ch->nums[i].mbox_id, NUMW, "%lld", ch->its[i].mbox_id);
	}
	return st;
}

/* Dovecot may have made a usage row already (mail before the account): keep
 * its figures and attach it, as mailbox_add does; the copies of the quota
 * and domain go with the link (what the triggers would write). */
static enum vm_status attach_quota_rows(struct chunk *ch, char **quota_rows, size_t nquota_rows, struct vm_error *err)
{
	const char **p = xcalloc(4 * ch->m, sizeof *p);
	size_t ninsert = 0;
	enum vm_status st = VM_OK;

	for (size_t i = 0; st == VM_OK && i < ch->m; i++) {
		const struct chunk_nums *nu = &ch->nums[i];

		if (has_str(quota_rows, nquota_rows, ch->its[i].addr)) {
			st = vm_sql(ch->vm,
				    "UPDATE admin_quota SET mbox_id = ?, quota_mb = ?, domain_id = ? WHERE username = ?",
				    4, (const char *const[]){nu->mbox_id, nu->quota, nu->domain_id, ch->its[i].addr},
				    NULL, err, "adding quota row");
			continue;
		}
		p[4 * ninsert] = nu->mbox_id;
		p[4 * ninsert + 1] = ch->its[i].addr;
		p[4 * ninsert + 2] = nu->quota;
		p[4 * ninsert + 3] = nu->domain_id;
		ninsert++;
	}
	if (st == VM_OK && ninsert)
		st = insert_rows(ch->vm,
				 "INSERT INTO admin_quota (mbox_id, username, quota_mb, domain_id, bytes, messages) "
				 "VALUES ",
				 ninsert, "(?,?,?,?,0,0)", NULL, p, NULL, err, "adding quota rows");
	free(p);
	return st;
}

/* The domain's default services, as mailbox_add gives them. */
static enum vm_status add_default_services(struct chunk *ch, struct vm_error *err)
{
	long long *ids = xcalloc(ch->m, sizeof *ids);
	size_t n = 0;
	enum vm_status st;

	for (size_t i = 0; i < ch->m; i++)
		if (*ch->its[i].services)
			ids[n++] = ch->its[i].mbox_id;
	st = services_bulk_defaults(ch->vm, ids, n, err);
	free(ids);
	return st;
}

/* The rollup's counts: one bump per run of the same domain (a slice is
 * mostly one domain). */
static enum vm_status count_in_rollup(struct chunk *ch, struct vm_error *err)
{
	enum vm_status st = VM_OK;

	for (size_t i = 0, j; st == VM_OK && i < ch->m; i = j) {
		for (j = i + 1; j < ch->m && ch->its[j].domain_id == ch->its[i].domain_id; j++)
			;
		st = usage_bump(ch->vm, ch->its[i].domain_id, (long long)(j - i), 0, err);
	}
	return st;
}

static enum vm_status insert_chunk(struct vm *vm, const struct bulk_mailbox *items, struct item *its, size_t m,
				   const char *grp, char **quota_rows, size_t nquota_rows, struct vm_error *err)
{
	struct chunk ch = {vm, items, its, xcalloc(m ? m : 1, sizeof *ch.nums), m, vm_now()};
	enum vm_status st;

	if ((st = add_dates(&ch, err)) == VM_OK && (st = add_users(&ch, err)) == VM_OK &&
	    (st = add_user_groups(&ch, grp, err)) == VM_OK && (st = add_mailboxes(&ch, err)) == VM_OK) {
		long long *ids = xcalloc(m ? m : 1, sizeof *ids);

		for (size_t i = 0; i < m; i++)
			ids[i] = its[i].mbox_id;
		if (vm->db->ops->engine == DB_ENGINE_MYSQL)
			st = search_bulk_added(vm, ids, m, err);
		free(ids);
	}
	if (st == VM_OK && (st = attach_quota_rows(&ch, quota_rows, nquota_rows, err)) == VM_OK &&
	    (st = add_default_services(&ch, err)) == VM_OK)
		st = count_in_rollup(&ch, err);
	free(ch.nums);
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
