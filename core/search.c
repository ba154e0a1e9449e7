/* SPDX-License-Identifier: MIT */
/* search.c: the substring search index per engine (see search.h). */
#include "core/search.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "sql/schema.h"

/* What each engine's index is made of; search_missing names what is absent. */
static const char *const sqlite_parts[] = {
	"table vmailadm_mailbox_fts",       "table vmailadm_alias_fts",         "trigger vmailadm_mailbox_fts_ins",
	"trigger vmailadm_mailbox_fts_del", "trigger vmailadm_mailbox_fts_upd", "trigger vmailadm_alias_fts_ins",
	"trigger vmailadm_alias_fts_del",   "trigger vmailadm_alias_fts_upd",
};
static const char *const mysql_parts[] = {
	"table vmailadm_mailbox_trgm",
	"table vmailadm_alias_trgm",
	"trigger vmailadm_mailbox_trgm_ins",
	"trigger vmailadm_mailbox_trgm_del",
	"trigger vmailadm_mailbox_trgm_upd",
	"trigger vmailadm_alias_trgm_ins",
	"trigger vmailadm_alias_trgm_del",
	"trigger vmailadm_alias_trgm_upd",
	/* the addresses the rows carry since the tables were first made */
	"column vmailadm_mailbox_trgm.address",
	"column vmailadm_alias_trgm.address",
};
static const char *const pgsql_parts[] = {
	"index vmailadm_mailbox_address_trgm",
	"index vmailadm_alias_address_trgm",
	SEARCH_PG_DOMAIN_GRAMS,
};
#define NPARTS(a) (sizeof a / sizeof a[0])

static const char *const *parts_of(struct vm *vm, size_t *n)
{
	switch (vm->db->ops->engine) {
	case DB_ENGINE_SQLITE:
		*n = NPARTS(sqlite_parts);
		return sqlite_parts;
	case DB_ENGINE_MYSQL:
		*n = NPARTS(mysql_parts);
		return mysql_parts;
	case DB_ENGINE_PGSQL:
		break;
	}
	*n = NPARTS(pgsql_parts);
	return pgsql_parts;
}

/* The names present among the parts: one catalog query, rows of (kind, name). */
static enum vm_status present_parts(struct vm *vm, struct db_result **res, struct vm_error *err)
{
	const char *sql;

	switch (vm->db->ops->engine) {
	case DB_ENGINE_SQLITE:
		sql = "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger') AND "
		      "(name LIKE 'vmailadm!_%!_fts' ESCAPE '!' OR name LIKE 'vmailadm!_%!_fts!_%' ESCAPE '!')";
		break;
	case DB_ENGINE_MYSQL:
		sql = "SELECT 'table', table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
		      "AND table_name IN ('vmailadm_mailbox_trgm', 'vmailadm_alias_trgm') UNION ALL "
		      "SELECT 'trigger', trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE() "
		      "AND event_object_table IN ('admin_mailbox', 'admin_alias') "
		      "AND trigger_name LIKE 'vmailadm!_%!_trgm!_%' ESCAPE '!' UNION ALL "
		      "SELECT 'column', CONCAT(table_name, '.', column_name) FROM information_schema.columns "
		      "WHERE table_schema = DATABASE() AND table_name IN ('vmailadm_mailbox_trgm', 'vmailadm_alias_trgm') "
		      "AND column_name = 'address'";
		break;
	default:
		sql = "SELECT 'index', indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN "
		      "('vmailadm_mailbox_address_trgm', 'vmailadm_alias_address_trgm', 'vmailadm_mailbox_domain_grams')";
		break;
	}
	return vm_sql(vm, sql, 0, NULL, res, err, "reading which search indexes exist");
}

static int has_part(const struct db_result *res, const char *part)
{
	const char *sp = strchr(part, ' ');

	for (size_t r = 0; r < res->nrows; r++) {
		const char *k = db_value(res, r, 0), *n = db_value(res, r, 1);

		if (k && n && strncmp(part, k, (size_t)(sp - part)) == 0 && strlen(k) == (size_t)(sp - part) &&
		    strcmp(sp + 1, n) == 0)
			return 1;
	}
	return 0;
}

static enum vm_status missing_list(struct vm *vm, char *buf, size_t len, struct vm_error *err)
{
	struct db_result *res = NULL;
	const char *const *parts;
	size_t n, l = 0;
	enum vm_status st;

	buf[0] = '\0';
	parts = parts_of(vm, &n);
	if ((st = present_parts(vm, &res, err)) != VM_OK)
		return st;
	for (size_t i = 0; i < n; i++)
		if (!has_part(res, parts[i]) && l < len) {
			snprintf(buf + l, len - l, "%s%s", l ? ", " : "", parts[i]);
			l += strlen(buf + l);
		}
	db_result_free(&res);
	return VM_OK;
}

/* 1 when pg_trgm is installed in this database */
static enum vm_status pg_has_trgm(struct vm *vm, int *have, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	st = vm_sql(vm, "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'", 0, NULL, &res, err,
		    "looking for the extension pg_trgm");
	if (st == VM_OK)
		*have = res->nrows > 0;
	db_result_free(&res);
	return st;
}

static const char pg_superuser_hint[] =
	"the extension pg_trgm is not installed and this role may not create it: a superuser runs "
	"`CREATE EXTENSION pg_trgm;` in this database (package postgresql-contrib), then `vmailadm db upgrade` "
	"adds the indexes";

enum vm_status search_missing(struct vm *vm, char *buf, size_t len, const char **hint, struct vm_error *err)
{
	enum vm_status st;
	int have = 1;

	*hint = "run `vmailadm db upgrade`";
	if ((st = missing_list(vm, buf, len, err)) != VM_OK)
		return st;
	if (buf[0] && vm->db->ops->engine == DB_ENGINE_PGSQL) {
		if ((st = pg_has_trgm(vm, &have, err)) != VM_OK)
			return st;
		if (!have)
			*hint = "a superuser runs `CREATE EXTENSION pg_trgm;` in this database (package "
				"postgresql-contrib; a role that owns the database may itself, as pg_trgm is trusted), "
				"then `vmailadm db upgrade` adds the indexes";
	}
	return VM_OK;
}

/* Reads (once a session) whether the index is whole. */
static int index_ready(struct vm *vm)
{
	char buf[512];
	struct vm_error err = {0};

	if (vm->search_state == 0) {
		if (missing_list(vm, buf, sizeof buf, &err) != VM_OK)
			vm->search_state = -1;
		else
			vm->search_state = !buf[0] ? 1 : strcmp(buf, SEARCH_PG_DOMAIN_GRAMS) == 0 ? 2 : -1;
	}
	return vm->search_state > 0;
}

void search_prepare(struct vm *vm)
{
	(void)index_ready(vm);
}

static size_t utf8_len1(unsigned char c)
{
	return c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
}

/* The glob's literal runs of at least 3 characters, as (start, bytes) pairs;
 * at most max of them. Returns how many. */
static int literal_runs(const char *glob, const char *start[], size_t bytes[], int max)
{
	int n = 0;
	const char *s = glob;

	while (*s) {
		const char *b;
		size_t chars = 0;

		while (*s == '*' || *s == '?')
			s++;
		b = s;
		while (*s && *s != '*' && *s != '?') {
			size_t k = utf8_len1((unsigned char)*s);

			for (size_t i = 0; i < k && *s; i++)
				s++;
			chars++;
		}
		if (chars >= 3 && n < max) {
			start[n] = b;
			bytes[n] = (size_t)(s - b);
			n++;
		}
	}
	return n;
}

static void add_param(struct match_params *mp, char *v)
{
	if (mp->n >= MATCH_MAX_PARAMS)
		xdie("search: too many parameters");
	mp->v[mp->n++] = v;
}

/* FTS5: every run as a quoted phrase (" doubled), implicitly ANDed: a trigram
 * phrase matches the rows holding that text */
static char *fts_query(const char *start[], const size_t bytes[], int n)
{
	size_t cap = 1;
	char *q, *o;

	for (int i = 0; i < n; i++)
		cap += bytes[i] * 2 + 3;
	q = o = xmalloc(cap);
	for (int i = 0; i < n; i++) {
		if (i)
			*o++ = ' ';
		*o++ = '"';
		for (size_t j = 0; j < bytes[i]; j++) {
			if (start[i][j] == '"')
				*o++ = '"';
			*o++ = start[i][j];
		}
		*o++ = '"';
	}
	*o = '\0';
	return q;
}

/* MariaDB: up to 4 trigrams (the first and the last of each run): the join
 * of their rows is small when one of them is rare, and the optimizer starts
 * from the rarest */
#define MAX_GRAMS 4
static int pick_grams(const char *start[], const size_t bytes[], int n, char *grams[MAX_GRAMS])
{
	int ng = 0;

	for (int i = 0; i < n && ng < MAX_GRAMS; i++) {
		const char *s = start[i], *e = start[i] + bytes[i];
		const char *p[300], *c;
		size_t np = 0;

		/* character starts (an address has at most 254) */
		for (c = s; c < e && np < 300; c += utf8_len1((unsigned char)*c))
			p[np++] = c;
		if (c < e)
			e = c;
		for (int which = 0; which < 2 && ng < MAX_GRAMS; which++) {
			size_t at = which == 0 ? 0 : np - 3;
			const char *gend = at + 3 < np ? p[at + 3] : e;
			char *g = xstrndup(p[at], (size_t)(gend - p[at]));
			int dup = 0;

			for (int k = 0; k < ng; k++)
				dup |= strcmp(grams[k], g) == 0;
			if (dup)
				free(g);
			else
				grams[ng++] = g;
		}
	}
	return ng;
}

int search_has_trigram(const char *glob)
{
	const char *start[8];
	size_t bytes[8];

	return glob && literal_runs(glob, start, bytes, 8) > 0;
}

int search_usable(struct vm *vm, const char *glob)
{
	const char *start[8];
	size_t bytes[8];

	return glob && literal_runs(glob, start, bytes, 8) > 0 && index_ready(vm);
}

int search_candidates(struct vm *vm, char **sql, enum search_object obj, const char *idcol, long long domain_id,
		      const char *glob, struct match_params *mp)
{
	const char *start[8];
	size_t bytes[8];
	int n;
	char *frag;

	if (!glob || vm->db->ops->engine == DB_ENGINE_PGSQL)
		return 0;
	if ((n = literal_runs(glob, start, bytes, 8)) == 0 || !index_ready(vm))
		return 0;
	if (vm->db->ops->engine == DB_ENGINE_SQLITE) {
		const char *t = obj == SEARCH_MAILBOXES ? "vmailadm_mailbox_fts" : "vmailadm_alias_fts";

		frag = xasprintf(" AND %s IN (SELECT rowid FROM %s WHERE %s MATCH ?)", idcol, t, t);
		add_param(mp, fts_query(start, bytes, n));
	} else {
		const char *t = obj == SEARCH_MAILBOXES ? "vmailadm_mailbox_trgm" : "vmailadm_alias_trgm";
		const char *id = obj == SEARCH_MAILBOXES ? "mailbox_id" : "alias_id";
		char *grams[MAX_GRAMS], *from = NULL, *where = NULL;
		int ng = pick_grams(start, bytes, n, grams);

		for (int i = 0; i < ng; i++) {
			char *f = xasprintf("%s%s g%d", i ? ", " : "", t, i);
			char *w = i == 0 ? xasprintf("g0.gram = ? AND g0.domain_id = ?")
					 : xasprintf(" AND g%d.gram = ? AND g%d.domain_id = g0.domain_id AND g%d.%s = g0.%s",
						     i, i, i, id, id);

			str_append(&from, f);
			str_append(&where, w);
			free(f);
			free(w);
			add_param(mp, grams[i]);
			if (i == 0)
				add_param(mp, xasprintf("%lld", domain_id));
		}
		frag = xasprintf(" AND %s IN (SELECT g0.%s FROM %s WHERE %s)", idcol, id, from, where);
		free(from);
		free(where);
	}
	str_append(sql, frag);
	free(frag);
	return 1;
}

int search_domain_grams(struct vm *vm, char **sql, enum search_object obj, long long domain_id, const char *glob,
			struct match_params *mp)
{
	const char *start[8];
	size_t bytes[8];
	char *grams[MAX_GRAMS], *frag;
	int n, ng;

	if (!glob || vm->db->ops->engine != DB_ENGINE_PGSQL || obj != SEARCH_MAILBOXES)
		return 0;
	if ((n = literal_runs(glob, start, bytes, 8)) == 0 || !index_ready(vm) || vm->search_state != 1)
		return 0;
	if (!sql)
		return 1;
	ng = pick_grams(start, bytes, n, grams);
	for (int i = 0; i < ng; i++) {
		frag = xasprintf("%lld:%s", domain_id, grams[i]);
		free(grams[i]);
		grams[i] = frag;
	}
	add_param(mp, str_pg_array(grams, ng));
	for (int i = 0; i < ng; i++)
		free(grams[i]);
	str_append(sql, " AND vmailadm_domain_grams(mb.domain_id, mb.address::text) @> ?::text[]");
	return 1;
}

const char *search_gram_table(struct vm *vm, enum search_object obj, const char *glob, char **gram)
{
	const char *start[8];
	size_t bytes[8];
	char *grams[MAX_GRAMS];
	int n, ng;

	*gram = NULL;
	if (!glob || vm->db->ops->engine != DB_ENGINE_MYSQL)
		return NULL;
	if ((n = literal_runs(glob, start, bytes, 8)) == 0 || !index_ready(vm))
		return NULL;
	if ((ng = pick_grams(start, bytes, n, grams)) == 0)
		return NULL;
	*gram = grams[0];
	for (int i = 1; i < ng; i++)
		free(grams[i]);
	return obj == SEARCH_MAILBOXES ? "vmailadm_mailbox_trgm" : "vmailadm_alias_trgm";
}

enum vm_status search_bulk_added(struct vm *vm, const long long *ids, size_t n, struct vm_error *err)
{
	const char **p;
	char *sql, *nums;
	enum vm_status st;

	if (vm->db->ops->engine != DB_ENGINE_MYSQL || n == 0 || !index_ready(vm))
		return VM_OK;
	p = xcalloc(n, sizeof *p);
	nums = xcalloc(n, 24);
	for (size_t i = 0; i < n; i++) {
		snprintf(nums + 24 * i, 24, "%lld", ids[i]);
		p[i] = nums + 24 * i;
	}
	sql = str_in_list("INSERT IGNORE INTO vmailadm_mailbox_trgm (gram, domain_id, mailbox_id, address) "
			  "SELECT SUBSTRING(mb.address, s.seq, 3), mb.domain_id, mb.id, mb.address FROM admin_mailbox mb "
			  "JOIN seq_1_to_254 s ON s.seq <= CHAR_LENGTH(mb.address) - 2 WHERE mb.id IN (",
			  n, ")");
	st = vm_sql(vm, sql, (int)n, p, NULL, err, "adding the mailboxes' search trigrams");
	free(sql);
	free(p);
	free(nums);
	return st;
}

enum vm_status search_upgrade(struct vm *vm, FILE *out, struct vm_error *err)
{
	enum db_engine eng = vm->db->ops->engine;
	char missing[512];
	const char *script;
	struct db_error dberr = {0};
	enum vm_status st;
	int have = 1, outer = vm->tx_depth > 0;

	if ((st = missing_list(vm, missing, sizeof missing, err)) != VM_OK)
		return st;
	vm->search_state = 0;
	if (!missing[0])
		return VM_OK;
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if (eng == DB_ENGINE_PGSQL) {
		if ((st = pg_has_trgm(vm, &have, err)) != VM_OK)
			goto fail;
		if (!have) {
			/* a failed CREATE EXTENSION would end the whole transaction */
			struct vm_error e2 = {0};

			if ((st = vm_sql(vm, "SAVEPOINT vmailadm_trgm", 0, NULL, NULL, err, "db upgrade")) != VM_OK)
				goto fail;
			if (vm_sql(vm, "CREATE EXTENSION IF NOT EXISTS pg_trgm", 0, NULL, NULL, &e2,
				   "creating pg_trgm") == VM_OK) {
				have = 1;
				if (out)
					fprintf(out, "db upgrade: created the extension pg_trgm\n");
			} else if ((st = vm_sql(vm, "ROLLBACK TO SAVEPOINT vmailadm_trgm", 0, NULL, NULL, err,
						"db upgrade")) != VM_OK) {
				goto fail;
			}
			if ((st = vm_sql(vm, "RELEASE SAVEPOINT vmailadm_trgm", 0, NULL, NULL, err, "db upgrade")) != VM_OK)
				goto fail;
		}
		if (!have) {
			if (out)
				fprintf(out, "db upgrade: substring search index not added: %s (%s)\n",
					pg_superuser_hint, missing);
			return vm_tx_end(vm, 1, err);
		}
	}
	script = sql_file_text(eng == DB_ENGINE_PGSQL   ? "pgsql-search.sql"
			       : eng == DB_ENGINE_MYSQL ? "mysql-search.sql"
							: "sqlite-search.sql");
	if (!script) {
		st = vm_fail(err, VM_ERR_DB, "the schema file for the search index is not built in");
		goto fail;
	}
	if (vm->db->ops->exec_script(vm->db->conn, script, &dberr) != DB_OK) {
		st = vm_db_fail(err, &dberr, "adding the substring search index");
		goto fail;
	}
	/* MySQL ended the transaction at the first DDL: open another, so that the
	 * rest of an enclosing batch stays one transaction */
	if (eng == DB_ENGINE_MYSQL && outer && vm->db->ops->begin(vm->db->conn, &dberr) != DB_OK) {
		st = vm_db_fail(err, &dberr, "starting a transaction after the upgrade");
		goto fail;
	}
	if ((st = vm_tx_end(vm, 1, err)) != VM_OK)
		return st;
	if (out)
		fprintf(out, "db upgrade: added the substring search index (%s)\n", missing);
	return VM_OK;
fail:
	(void)vm_tx_end(vm, 0, NULL);
	return st;
}
