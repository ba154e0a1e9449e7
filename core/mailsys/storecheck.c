/* SPDX-License-Identifier: MIT */
/* storecheck.c: the database held against the mail store (contract in
 * storecheck.h). */
#include "core/mailsys/storecheck.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alias.h"
#include "core/mailbox.h"
#include "core/mailsys/mailroot.h"
#include "core/ops.h"
#include "core/owntables.h"
#include "lib/utf8.h"
#include "core/validate.h"
#include "lib/xalloc.h"

#define PAGE 1000
/* Directory entries streamed and looked up in the database at a time. */
#define CHUNK 1000
/* The widths of admin_mailbox.address and admin_domain.name, in characters:
 * a longer entry is nobody's without asking. */
#define MAILBOX_ADDRESS_WIDTH 252
#define DOMAIN_NAME_WIDTH 100

/* The domains granted to the domain administrator bound as the parameter. */
#define GRANTED                                                                                                        \
	"(SELECT oa.object_id FROM admin_objectaccess oa JOIN django_content_type ct ON ct.id = oa.content_type_id "   \
	"WHERE ct.app_label = 'admin' AND ct.model = 'domain' AND oa.user_id = ?)"

static int findings_seen;

int store_findings_seen(void)
{
	return findings_seen;
}

static const char *const kind_names[] = {
#define X(e, name, help) name,
	STORE_KIND_LIST(X)
#undef X
};
static const char *const kind_helps[] = {
#define X(e, name, help) help,
	STORE_KIND_LIST(X)
#undef X
};

const char *store_kind_name(enum store_kind k)
{
	return k < STORE_KIND_COUNT ? kind_names[k] : "?";
}

const char *store_kind_help(enum store_kind k)
{
	return k < STORE_KIND_COUNT ? kind_helps[k] : "?";
}

/* ---- a compact sorted set of names -------------------------------------- */

/* Names in one arena, found by offset: a million entries cost their bytes
 * plus 6 each, not a pointer and an allocation each. */
struct names {
	char *buf;
	size_t len, cap;
	uint32_t *off;
	unsigned char *type; /* DT_DIR, DT_LNK, DT_REG, ... */
	unsigned char *mark; /* owned / seen */
	size_t n, ncap;
};

/* Adds name with a payload string stored after it (name\0payload\0; the
 * order and lookups see the name only); payload NULL = none. */
static void names_add_pair(struct names *s, const char *name, const char *payload, unsigned char type)
{
	size_t l = strlen(name) + 1, pl = payload ? strlen(payload) + 1 : 0;

	if (s->len + l + pl > s->cap) {
		while (s->len + l + pl > s->cap)
			s->cap = s->cap ? s->cap * 2 : 4096;
		s->buf = xrealloc(s->buf, s->cap);
	}
	if (s->n == s->ncap) {
		s->ncap = s->ncap ? s->ncap * 2 : 256;
		s->off = xreallocarray(s->off, s->ncap, sizeof *s->off);
		s->type = xrealloc(s->type, s->ncap);
		s->mark = xrealloc(s->mark, s->ncap);
	}
	memcpy(s->buf + s->len, name, l);
	if (pl)
		memcpy(s->buf + s->len + l, payload, pl);
	s->off[s->n] = (uint32_t)s->len;
	s->type[s->n] = type;
	s->mark[s->n] = 0;
	s->n++;
	s->len += l + pl;
}

static void names_add(struct names *s, const char *name, unsigned char type)
{
	names_add_pair(s, name, NULL, type);
}

static const char *names_at(const struct names *s, size_t i)
{
	return s->buf + s->off[i];
}

static int cmp_off(const void *a, const void *b, void *arena)
{
	return strcmp((const char *)arena + *(const uint32_t *)a, (const char *)arena + *(const uint32_t *)b);
}

/* Sorts by name (bytes); type travels with its name through a bit of the
 * offset array's partner, so sort pairs. */
static void names_sort(struct names *s)
{
	struct pair {
		uint32_t off;
		unsigned char type;
	} * p;

	if (s->n < 2)
		return;
	p = xreallocarray(NULL, s->n, sizeof *p);
	for (size_t i = 0; i < s->n; i++) {
		p[i].off = s->off[i];
		p[i].type = s->type[i];
	}
	qsort_r(p, s->n, sizeof *p, cmp_off, s->buf);
	for (size_t i = 0; i < s->n; i++) {
		s->off[i] = p[i].off;
		s->type[i] = p[i].type;
	}
	free(p);
}

/* Index of name, or -1. */
static long names_find(const struct names *s, const char *name)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(names_at(s, mid), name);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* 1 if some name starts with prefix. */
static int names_has_prefix(const struct names *s, const char *prefix)
{
	size_t lo = 0, hi = s->n, pl = strlen(prefix);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(names_at(s, mid), prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && strncmp(names_at(s, lo), prefix, pl) == 0;
}

/* Empties s, keeping its memory for the next names. */
static void names_reset(struct names *s)
{
	s->len = 0;
	s->n = 0;
}

static void names_clear(struct names *s)
{
	free(s->buf);
	free(s->off);
	free(s->type);
	free(s->mark);
	memset(s, 0, sizeof *s);
}

/* ---- the check's state -------------------------------------------------- */

/* ---- the entries the rows were found at --------------------------------- */

/* The names of one directory that the pass over its rows found there
 * (fstatat: byte for byte), as a Bloom filter of fixed size, and their
 * count. each_unowned() takes an entry the filter does not hold for
 * nobody's without asking; when the entries it holds are exactly as many as
 * the names found, each of them is a row's (every name found is among them,
 * so no other entry can be) and the directory costs no query at all. Only
 * otherwise (a false positive, or a home gone in between) are the held
 * entries asked of the database, a chunk at a time. */
struct seen {
	uint64_t *bits;
	size_t nbits; /* a power of two */
	long long n;
};

/* 8 kB for a directory of one page of rows (a false positive about 1 in
 * 80,000 entries), 2 MB for any larger one (1 in 6,000 at 500,000 rows). */
#define SEEN_SMALL_BITS ((size_t)1 << 16)
#define SEEN_BIG_BITS ((size_t)1 << 24)
#define SEEN_PROBES 4

static void seen_init(struct seen *s, size_t nbits)
{
	/* tests set a tiny filter, to take the path a false positive takes */
	const char *t = getenv("VMAILADM_STORE_FILTER_BITS");
	long v = t ? strtol(t, NULL, 10) : 0;

	if (v >= 64 && (v & (v - 1)) == 0)
		nbits = (size_t)v;
	s->nbits = nbits;
	s->bits = xcalloc(nbits / 64, sizeof *s->bits);
	s->n = 0;
}

static void seen_free(struct seen *s)
{
	free(s->bits);
	s->bits = NULL;
}

/* FNV-1a, and a second hash from it (splitmix64's finalizer) for the
 * probes' stride. */
static void seen_hash(const char *name, uint64_t *h1, uint64_t *h2)
{
	uint64_t h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	*h1 = h;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	*h2 = h | 1;
}

static void seen_add(struct seen *s, const char *name)
{
	uint64_t h1, h2;

	seen_hash(name, &h1, &h2);
	for (int i = 0; i < SEEN_PROBES; i++) {
		size_t b = (size_t)(h1 + (uint64_t)i * h2) & (s->nbits - 1);

		s->bits[b / 64] |= (uint64_t)1 << (b % 64);
	}
	s->n++;
}

static int seen_has(const struct seen *s, const char *name)
{
	uint64_t h1, h2;

	seen_hash(name, &h1, &h2);
	for (int i = 0; i < SEEN_PROBES; i++) {
		size_t b = (size_t)(h1 + (uint64_t)i * h2) & (s->nbits - 1);

		if (!(s->bits[b / 64] & ((uint64_t)1 << (b % 64))))
			return 0;
	}
	return 1;
}

struct sc {
	struct vm *vm;
	const struct store_check_opts *o;
	struct store_check_summary *sum;
	struct mailroot root;
	int root_missing;
	int have_owner;
	uid_t owner_uid;
	const char *owner;
	char *archive_top;              /* first component of [mail] archive below the root, or NULL */
	char domain[VM_DOMAIN_MAX + 1]; /* scope: a domain ("" = all) */
	char local[VM_LOCAL_MAX + 1];   /* scope: an address's local part ("" = the domain) */
	char uid[32];                   /* the actor's user id, for GRANTED */
	struct names allowed;           /* a domain administrator's domains */
	struct names opkeys;            /* "dir/name" of every pending operation's path */
	long long *renaming;            /* mailbox ids with a pending rename, sorted */
	size_t nrenaming;
	struct names local_domains;  /* domain names */
	struct names domain_aliases; /* domain alias names, each with its target as payload */
	int quiet;                   /* findings are not reported (aliases outside the scope) */
	long long (*edges)[2];       /* alias -> alias */
	size_t nedges, capedges;
	struct seen *root_seen; /* the domains' directories found, when the root is read */
};

static int restricted(const struct sc *c)
{
	return !c->vm->actor.superuser;
}

/* 1 if the actor may see domain name (and it is in the scope). */
static int domain_visible(const struct sc *c, const char *name)
{
	if (c->domain[0] && strcmp(c->domain, name) != 0)
		return 0;
	return !restricted(c) || names_find(&c->allowed, name) >= 0;
}

/* What a paged read (each_row) does with one row of res. */
typedef enum vm_status (*row_fn)(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err);

/* Reads sql page by page (limit rows: its LIMIT): the first of its np
 * parameters p[] (set here) is column 0 of the last row read, starting at
 * start ("0" for ids, "" for names). fn sees every row and may end the read
 * with an error; what names the read in a database error. */
static enum vm_status each_row(struct sc *c, const char *sql, int np, const char **p, const char *start, size_t limit,
			       const char *what, row_fn fn, struct vm_error *err)
{
	char after[VM_ADDRESS_MAX + 2];
	enum vm_status st = VM_OK;

	snprintf(after, sizeof after, "%s", start);
	for (;;) {
		struct db_result *res = NULL;
		size_t n;

		p[0] = after;
		if ((st = vm_sql(c->vm, sql, np, p, &res, err, what)) != VM_OK)
			return st;
		for (size_t r = 0; r < res->nrows && st == VM_OK; r++)
			st = fn(c, res, r, err);
		n = res->nrows;
		if (n)
			snprintf(after, sizeof after, "%s", db_value(res, n - 1, 0));
		db_result_free(&res);
		if (st != VM_OK || n < limit)
			return st;
	}
}

static void emit(struct sc *c, enum store_kind k, const char *object, const char *detail, const char *repair)
{
	struct store_finding f = {k, object, detail, repair};

	if (c->quiet)
		return;
	c->sum->findings++;
	c->sum->by_kind[k]++;
	findings_seen = 1;
	if (c->o->emit)
		c->o->emit(c->o->ctx, &f);
}

/* A name that may be named in a repair: printable UTF-8, no quote or shell
 * character that a statement or a shell line would have to escape, and not
 * starting with '.'. */
static int name_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p || *p == '.')
		return 0;
	while (*p) {
		size_t n = utf8_seq(p, strlen((const char *)p));

		if (n == 0)
			return 0;
		if (n == 1 && (*p < 0x21 || *p == 0x7f || strchr("'\"\\$`;&|<>(){}*?[]~!#", *p)))
			return 0;
		p += n;
	}
	return 1;
}

static int path_safe(const char *dir, const char *name)
{
	return name_safe(dir) && (!name || name_safe(name));
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int renaming(const struct sc *c, long long id)
{
	return c->nrenaming && bsearch(&id, c->renaming, c->nrenaming, sizeof id, cmp_ll) != NULL;
}

/* 1 if a pending operation names <root>/<dir>/<name> (name NULL: anything
 * below <root>/<dir>). */
static int op_names(const struct sc *c, const char *dir, const char *name)
{
	char key[2 * 256 + 2];

	snprintf(key, sizeof key, "%s/%s", dir, name ? name : "");
	return name ? names_find(&c->opkeys, key) >= 0 : names_has_prefix(&c->opkeys, key);
}

/* What is at name in dfd without following it: DT_DIR, DT_LNK, DT_REG (any
 * other), or DT_UNKNOWN when nothing is there. */
static unsigned char entry_type(int dfd, const char *name, struct stat *sb)
{
	struct stat tmp;

	if (!sb)
		sb = &tmp;
	if (dfd < 0 || fstatat(dfd, name, sb, AT_SYMLINK_NOFOLLOW) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(sb->st_mode) ? DT_DIR : S_ISLNK(sb->st_mode) ? DT_LNK : DT_REG;
}

/* A shell word for text: as is when plain, else in single quotes. */
static void shell_word(char *out, size_t len, const char *text)
{
	if (text[strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./-_")] == '\0')
		snprintf(out, len, "%s", text);
	else
		snprintf(out, len, "'%s'", text); /* name_safe() let no quote through */
}

/* ---- sizes of a maildir ------------------------------------------------- */

/* Dovecot's maildir file names carry the size: "...,S=1234:2,S". */
static long long size_from_name(const char *name)
{
	const char *p = strstr(name, ",S=");
	long long v = 0;

	if (!p)
		return -1;
	for (p += 3; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

/* Adds the messages below directory fd (closed here): files in any cur/ or
 * new/ directory; tmp/ is not mail yet. Never follows a link. */
static void size_maildir(int fd, int depth, int mail, long long *bytes, long long *msgs)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		unsigned char t = de->d_type;
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (t == DT_UNKNOWN)
			t = entry_type(dirfd(d), de->d_name, NULL);
		if (t == DT_DIR && depth < 12) {
			int sub;

			if (strcmp(de->d_name, "tmp") == 0)
				continue;
			sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				size_maildir(sub, depth + 1,
					     strcmp(de->d_name, "cur") == 0 || strcmp(de->d_name, "new") == 0, bytes,
					     msgs);
		} else if (mail && t == DT_REG) {
			long long sz = size_from_name(de->d_name);

			if (sz < 0 && fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode))
				sz = (long long)sb.st_size;
			if (sz >= 0) {
				*bytes += sz;
				(*msgs)++;
			}
		}
	}
	closedir(d);
}

static long long llabs_(long long v)
{
	return v < 0 ? -v : v;
}

/* ---- homes and mailboxes ------------------------------------------------ */

static void check_owner(struct sc *c, const char *object, const char *path, const char *dir, const char *name,
			uid_t uid, mode_t mode)
{
	char detail[9000], repair[9000], w[4100];
	int bad_owner = c->have_owner && uid != c->owner_uid, bad_mode = (mode & 022) != 0;

	if (!bad_owner && !bad_mode)
		return;
	if (bad_owner)
		snprintf(detail, sizeof detail, "%s is owned by uid %ld, not by [mail] owner %s%s", path, (long)uid,
			 c->owner, bad_mode ? ", and is group or world writable" : "");
	else
		snprintf(detail, sizeof detail, "%s is group or world writable (mode %04o)", path,
			 (unsigned)(mode & 07777));
	shell_word(w, sizeof w, path);
	if (bad_owner)
		snprintf(repair, sizeof repair, "chown -R %s: %s && chmod go-w %s", c->owner, w, w);
	else
		snprintf(repair, sizeof repair, "chmod go-w %s", w);
	emit(c, STORE_WRONG_OWNER, object, detail, path_safe(dir, name) ? repair : NULL);
}

/* ---- a directory against the rows that own its entries ------------------ */

/* What each_unowned() does with an entry no row owns: dir is the directory's
 * name below the root (NULL for the root itself). */
typedef void (*unowned_fn)(struct sc *c, const char *dir, const char *name, unsigned char type);

/* The rows that own the entries of one directory. */
struct owners {
	const char *sql; /* "SELECT <name> FROM ... WHERE ... IN (": the names follow as parameters */
	const char *key; /* a parameter before the names, or NULL */
	size_t width;    /* the longest name (in characters) a row holds */
	int (*wanted)(const struct sc *c, const char *name); /* NULL: every directory and link */
};

/* 1 if a row could be named name: valid UTF-8 (PostgreSQL refuses anything
 * else as a parameter) of at most width characters. */
static int askable(const char *name, size_t width)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t chars = 0;

	while (*p) {
		size_t n = utf8_seq(p, (size_t)-1);

		if (n == 0 || ++chars > width)
			return 0;
		p += n;
	}
	return 1;
}

/* Gives the names of chunk (sorted here) that no row owns to fn, in byte
 * order, and empties it: with q, one query asks which of them a row of q
 * owns, and its answer is compared byte for byte (under MySQL's collation
 * the row "x" answers for the entries "X" and "x " too, which it does not
 * own); without q every name is nobody's. */
static enum vm_status flush_chunk(struct sc *c, struct names *chunk, const struct owners *q, const char *dir,
				  unowned_fn fn, struct vm_error *err)
{
	enum vm_status st = VM_OK;

	names_sort(chunk);
	if (q) {
		const char **p = xreallocarray(NULL, chunk->n + 1, sizeof *p);
		char *sql = xmalloc(strlen(q->sql) + 2 * chunk->n + 2);
		size_t l = strlen(q->sql);
		int np = 0;

		memcpy(sql, q->sql, l);
		if (q->key)
			p[np++] = q->key;
		for (size_t i = 0; i < chunk->n; i++)
			if (askable(names_at(chunk, i), q->width)) {
				sql[l++] = np > (q->key != NULL) ? ',' : ' ';
				sql[l++] = '?';
				p[np++] = names_at(chunk, i);
			}
		sql[l++] = ')';
		sql[l] = '\0';
		if (np > (q->key != NULL)) {
			struct db_result *res = NULL;

			if ((st = vm_sql(c->vm, sql, np, p, &res, err, "looking up directory entries")) == VM_OK) {
				for (size_t r = 0; r < res->nrows; r++) {
					long i = db_value(res, r, 0) ? names_find(chunk, db_value(res, r, 0)) : -1;

					if (i >= 0)
						chunk->mark[i] = 1;
				}
				db_result_free(&res);
			}
		}
		free(sql);
		free(p);
	}
	for (size_t i = 0; st == VM_OK && i < chunk->n; i++)
		if (!chunk->mark[i])
			fn(c, dir, names_at(chunk, i), chunk->type[i]);
	names_reset(chunk);
	return st;
}

/* The next directory or link of d (in directory fd) that the filters let
 * through, or NULL at the end; *t its type. "." and ".." are left out, and
 * every name but only when only is not NULL. */
static const char *next_entry(struct sc *c, DIR *d, int fd, const char *only, const struct owners *q, long long *homes,
			      unsigned char *t)
{
	struct dirent *de;

	while ((de = readdir(d)) != NULL) {
		*t = de->d_type;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (only && strcmp(de->d_name, only) != 0)
			continue;
		if (*t == DT_UNKNOWN)
			*t = entry_type(fd, de->d_name, NULL);
		if (*t != DT_DIR && *t != DT_LNK)
			continue; /* a file beside the homes is not a home */
		if (homes && *t == DT_DIR)
			(*homes)++;
		if (q->wanted && !q->wanted(c, de->d_name))
			continue;
		return de->d_name;
	}
	return NULL;
}

/* One pass of each_unowned() over d from its start. ask = 0: the entries
 * seen does not hold go to fn (no query), those it holds are counted in
 * *held; ask = 1: the entries it holds are asked of the database (q) and
 * the unowned ones go to fn. CHUNK entries at a time in chunk. */
static enum vm_status one_pass(struct sc *c, DIR *d, int fd, const char *only, const struct owners *q,
			       const struct seen *seen, int ask, long long *homes, long long *held, struct names *chunk,
			       const char *dir, unowned_fn fn, struct vm_error *err)
{
	const char *name;
	unsigned char t;
	enum vm_status st = VM_OK;

	rewinddir(d);
	while (st == VM_OK && (name = next_entry(c, d, fd, only, q, homes, &t)) != NULL) {
		if (seen_has(seen, name) != ask) {
			if (!ask)
				(*held)++;
			continue;
		}
		names_add(chunk, name, t);
		if (chunk->n == CHUNK)
			st = flush_chunk(c, chunk, ask ? q : NULL, dir, fn, err);
	}
	if (st == VM_OK && chunk->n)
		st = flush_chunk(c, chunk, ask ? q : NULL, dir, fn, err);
	return st;
}

/* Streams directory fd (not closed; path names it in an error) and gives
 * every directory or link in it that no row of q owns to fn, CHUNK entries
 * held at a time whatever the directory's size, sorted within each chunk.
 * seen holds the names the rows were found at (struct seen): an entry it
 * does not hold is given at once; only when the entries it holds are not
 * exactly as many as it counted does a second pass ask the database about
 * those. *homes (when not NULL) counts the directories. */
static enum vm_status each_unowned(struct sc *c, int fd, const char *path, const char *dir, const char *only,
				   const struct owners *q, const struct seen *seen, long long *homes, unowned_fn fn,
				   struct vm_error *err)
{
	struct names chunk = {0};
	int dup_fd = dup(fd);
	DIR *d = NULL;
	long long held = 0;
	enum vm_status st = VM_OK;

	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return vm_fail(err, VM_ERR_REFUSED, "store check: cannot read %s: %s", path, strerror(errno));
	}
	st = one_pass(c, d, fd, only, q, seen, 0, homes, &held, &chunk, dir, fn, err);
	if (st == VM_OK && held != seen->n) {
		/* PostgreSQL's planner takes the pg_trgm index for address IN
		 * (...) (it serves '=' too) and reads 45,000 buffers for 1,000
		 * names, against 10 ms on the btree: GIN is read by bitmap only */
		int pg = c->vm->db->ops->engine == DB_ENGINE_PGSQL;

		if (pg && (st = vm_sql(c->vm, "SET LOCAL enable_bitmapscan = off", 0, NULL, NULL, err,
				       "looking up directory entries")) != VM_OK)
			goto done;
		st = one_pass(c, d, fd, only, q, seen, 1, NULL, NULL, &chunk, dir, fn, err);
		if (pg && st == VM_OK)
			st = vm_sql(c->vm, "SET LOCAL enable_bitmapscan = on", 0, NULL, NULL, err,
				    "looking up directory entries");
	}
done:
	closedir(d);
	names_clear(&chunk);
	return st;
}

/* ---- homes and mailboxes ------------------------------------------------ */

/* An entry of a domain directory no mailbox owns. */
static void unowned_entry(struct sc *c, const char *dir, const char *name, unsigned char type)
{
	char path[4096], detail[9000], repair[9000], w[4100];

	if (op_names(c, dir, name))
		return; /* a pending rename or deletion takes care of it */
	snprintf(path, sizeof path, "%s/%s/%s", c->root.cfg, dir, name);
	shell_word(w, sizeof w, path);
	if (type == DT_LNK) {
		snprintf(repair, sizeof repair, "rm %s", w);
		emit(c, STORE_SYMLINK_HOME, path,
		     "a symbolic link in a domain directory (never followed); no mailbox owns it",
		     path_safe(dir, name) ? repair : NULL);
		return;
	}
	if (!path_safe(dir, name)) {
		emit(c, STORE_ORPHAN_HOME, path,
		     "no mailbox owns it and its name is not a mailbox's (unprintable, or starting with '.'): look at "
		     "it by hand",
		     NULL);
		return;
	}
	snprintf(detail, sizeof detail, "no mailbox owns it and no pending operation names it");
	snprintf(repair, sizeof repair, "ops queue delete %s", w);
	emit(c, STORE_ORPHAN_HOME, path, detail, repair);
}

struct mb_row {
	long long id;
	const char *local;
	long long bytes, messages;
	int has_quota;
};

/* What is at a mailbox's home, never followed. */
struct home {
	unsigned char type; /* DT_DIR, DT_LNK, DT_REG (anything else), DT_UNKNOWN (nothing) */
	uid_t uid;
	mode_t mode;
};

/* The home of local in domain directory dfd (-1: none). A local part that
 * is not one path component ("", ".", "..", with a '/') has no home: it
 * must not lead out of the domain directory. */
static void home_of(int dfd, const char *local, struct home *h)
{
	struct stat sb;

	h->type = DT_UNKNOWN;
	if (dfd < 0 || !local[0] || strchr(local, '/') || strcmp(local, ".") == 0 || strcmp(local, "..") == 0 ||
	    fstatat(dfd, local, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	h->type = S_ISDIR(sb.st_mode) ? DT_DIR : S_ISLNK(sb.st_mode) ? DT_LNK : DT_REG;
	h->uid = sb.st_uid;
	h->mode = sb.st_mode;
}

static void check_mailbox(struct sc *c, const char *domain, int dfd, int dir_usable, const struct home *h,
			  const struct mb_row *m)
{
	char addr[VM_ADDRESS_MAX + 2], path[4096], detail[9000], repair[600];

	snprintf(addr, sizeof addr, "%s@%s", m->local, domain);
	snprintf(path, sizeof path, "%s/%s/%s", c->root.cfg, domain, m->local);
	c->sum->mailboxes++;
	if (h->type == DT_UNKNOWN) {
		/* no home yet is normal (Dovecot makes it at the first delivery);
		 * gone after mail was counted is not, unless a rename moves it */
		if (dir_usable >= 0 && (m->bytes > 0 || m->messages > 0) && !renaming(c, m->id)) {
			snprintf(detail, sizeof detail,
				 "admin_quota records %lld bytes, %lld messages but %s does not exist", m->bytes,
				 m->messages, path);
			snprintf(repair, sizeof repair, "quota recalc %s", addr);
			emit(c, STORE_MISSING_HOME, addr, detail, name_safe(m->local) ? repair : NULL);
		}
		return;
	}
	if (h->type == DT_LNK) {
		snprintf(detail, sizeof detail, "the home %s is a symbolic link (never followed)", path);
		emit(c, STORE_SYMLINK_HOME, addr, detail, NULL);
		return;
	}
	if (h->type != DT_DIR) {
		snprintf(detail, sizeof detail, "the home %s is not a directory", path);
		emit(c, STORE_MISSING_HOME, addr, detail, NULL);
		return;
	}
	check_owner(c, addr, path, domain, m->local, h->uid, h->mode);
	if (c->o->usage && m->has_quota) {
		long long bytes = 0, msgs = 0;
		int hfd = openat(dfd, m->local, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (hfd < 0)
			return;
		size_maildir(hfd, 0, 0, &bytes, &msgs);
		{
			long long tb = bytes / 100 > 1048576 ? bytes / 100 : 1048576, tm = msgs / 100 > 1 ? msgs / 100 : 1;

			if (llabs_(m->bytes - bytes) > tb || llabs_(m->messages - msgs) > tm) {
				snprintf(detail, sizeof detail,
					 "admin_quota records %lld bytes, %lld messages; the maildir holds %lld bytes, "
					 "%lld messages",
					 m->bytes, m->messages, bytes, msgs);
				snprintf(repair, sizeof repair, "quota recalc %s", addr);
				emit(c, STORE_USAGE_DRIFT, addr, detail, name_safe(m->local) ? repair : NULL);
			}
		}
	}
}

/* 1 if an entry of the root may be a domain's directory: the runner's lock
 * and trash and the archive are not. */
static int domain_dir_wanted(const struct sc *c, const char *name)
{
	return name[0] != '.' && !(c->archive_top && strcmp(name, c->archive_top) == 0);
}

/* One domain of the database: its mailboxes page by page, each looking at
 * its own home, then its directory streamed for the entries no mailbox owns
 * (after the mailboxes' findings, as before). */
static enum vm_status check_domain(struct sc *c, long long domain_id, const char *name, struct vm_error *err)
{
	struct home *homes = xreallocarray(NULL, PAGE, sizeof *homes);
	struct seen seen = {0};
	char did[32], after[VM_LOCAL_MAX + 1] = "", path[4096];
	int dfd = -1, usable = 0; /* 1 a directory, 0 none, -1 not usable (a link) */
	unsigned char t;
	enum vm_status st = VM_OK;

	snprintf(path, sizeof path, "%s/%s", c->root.cfg, name);
	t = entry_type(c->root.fd, name, NULL);
	if (t == DT_LNK) {
		usable = -1;
		emit(c, STORE_SYMLINK_HOME, path, "the domain directory is a symbolic link (never followed)", NULL);
	} else if (t == DT_DIR) {
		dfd = openat(c->root.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0) {
			st = vm_fail(err, VM_ERR_REFUSED, "store check: cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		usable = 1;
	}
	if ((t == DT_DIR || t == DT_LNK) && c->root_seen && domain_dir_wanted(c, name))
		seen_add(c->root_seen, name);
	snprintf(did, sizeof did, "%lld", domain_id);
	for (;;) {
		struct db_result *res = NULL;
		const char *p[3] = {did, after, c->local};
		size_t r;

		/* without usage the figures matter only where the home is missing:
		 * the page is read alone (what an index scan gives), and the
		 * figures of its few missing homes in one more query */
		int light = !c->o->usage && !c->local[0];
		struct db_result *fig = NULL;

		st = vm_sql(c->vm,
			    light ? "SELECT mb.id, mb.address, NULL, NULL, NULL FROM admin_mailbox mb "
				    "WHERE mb.domain_id = ? AND mb.address > ? ORDER BY mb.address LIMIT 1000"
			    : c->local[0]
				    ? "SELECT mb.id, mb.address, q.bytes, q.messages, q.username FROM admin_mailbox mb "
				      "LEFT JOIN admin_user u ON u.id = mb.user_id LEFT JOIN admin_quota q ON q.username = "
				      "u.username "
				      "WHERE mb.domain_id = ? AND mb.address > ? AND mb.address = ? ORDER BY mb.address LIMIT 1000"
				    : "SELECT mb.id, mb.address, q.bytes, q.messages, q.username FROM admin_mailbox mb "
				      "LEFT JOIN admin_user u ON u.id = mb.user_id LEFT JOIN admin_quota q ON q.username = "
				      "u.username "
				      "WHERE mb.domain_id = ? AND mb.address > ? ORDER BY mb.address LIMIT 1000",
			    c->local[0] ? 3 : 2, p, &res, err, "reading mailboxes");
		if (st != VM_OK)
			goto out;
		if (!seen.bits)
			seen_init(&seen, res->nrows < PAGE ? SEEN_SMALL_BITS : SEEN_BIG_BITS);
		for (r = 0; r < res->nrows && r < PAGE; r++)
			if (db_value(res, r, 1)) {
				home_of(dfd, db_value(res, r, 1), &homes[r]);
				if (homes[r].type == DT_DIR || homes[r].type == DT_LNK)
					seen_add(&seen, db_value(res, r, 1));
			}
		if (light && usable >= 0) {
			struct str_ids {
				char *sql;
				const char **ids;
				size_t n;
			} q = {NULL, xcalloc(res->nrows + 1, sizeof(char *)), 0};

			for (r = 0; r < res->nrows; r++)
				if (db_value(res, r, 1) && homes[r].type == DT_UNKNOWN)
					q.ids[q.n++] = db_value(res, r, 0);
			if (q.n) {
				size_t l = 0, cap = 200 + 2 * q.n;

				q.sql = xmalloc(cap);
				l = (size_t)snprintf(q.sql, cap,
						     "SELECT mb.id, q.bytes, q.messages FROM admin_mailbox mb JOIN admin_user u ON "
						     "u.id = mb.user_id JOIN admin_quota q ON q.username = u.username WHERE mb.id IN (");
				for (size_t i = 0; i < q.n; i++)
					l += (size_t)snprintf(q.sql + l, cap - l, "%s?", i ? "," : "");
				snprintf(q.sql + l, cap - l, ")");
				st = vm_sql(c->vm, q.sql, (int)q.n, q.ids, &fig, err, "reading usage");
				free(q.sql);
			}
			free(q.ids);
			if (st != VM_OK) {
				db_result_free(&res);
				goto out;
			}
		}
		for (r = 0; r < res->nrows; r++) {
			struct mb_row m = {vm_ll(db_value(res, r, 0)), db_value(res, r, 1), vm_ll(db_value(res, r, 2)),
					   vm_ll(db_value(res, r, 3)), db_value(res, r, 4) != NULL};

			if (!m.local)
				continue;
			for (size_t f = 0; fig && f < fig->nrows; f++)
				if (vm_ll(db_value(fig, f, 0)) == m.id) {
					m.bytes = vm_ll(db_value(fig, f, 1));
					m.messages = vm_ll(db_value(fig, f, 2));
					m.has_quota = 1;
				}
			check_mailbox(c, name, dfd, usable, &homes[r], &m);
		}
		db_result_free(&fig);
		if (res->nrows)
			snprintf(after, sizeof after, "%s", db_value(res, res->nrows - 1, 1));
		r = res->nrows;
		db_result_free(&res);
		if (r < PAGE)
			break;
	}
	if (usable > 0) {
		const struct owners q = {"SELECT mb.address FROM admin_mailbox mb WHERE mb.domain_id = ? AND mb.address IN (",
					 did, MAILBOX_ADDRESS_WIDTH, NULL};

		st = each_unowned(c, dfd, path, name, c->local[0] ? c->local : NULL, &q, &seen, &c->sum->homes,
				  unowned_entry, err);
	}
out:
	if (dfd >= 0)
		close(dfd);
	seen_free(&seen);
	free(homes);
	return st;
}

/* A directory of the root that no domain of the database owns (dir: NULL,
 * the root). */
static void orphan_domain_dir(struct sc *c, const char *dir, const char *name, unsigned char type)
{
	char path[4096], detail[9000], repair[9000], w[4100];
	long long homes = 0, entries = 0;
	int dfd;
	DIR *d;
	struct dirent *de;

	(void)dir;
	if (op_names(c, name, NULL))
		return; /* a domain rename in flight */
	snprintf(path, sizeof path, "%s/%s", c->root.cfg, name);
	shell_word(w, sizeof w, path);
	if (type == DT_LNK) {
		snprintf(repair, sizeof repair, "rm %s", w);
		emit(c, STORE_SYMLINK_HOME, path, "a symbolic link in the mail root (never followed); no domain owns it",
		     name_safe(name) ? repair : NULL);
		return;
	}
	if ((dfd = openat(c->root.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	/* its homes one by one (each is queued on its own), streamed */
	if ((d = fdopendir(dfd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			unsigned char t = de->d_type;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (t != DT_DIR && t != DT_LNK)
				t = entry_type(dirfd(d), de->d_name, NULL);
			entries++;
			if (t == DT_DIR) {
				homes++;
				c->sum->homes++;
			}
			if (t == DT_DIR || t == DT_LNK)
				unowned_entry(c, name, de->d_name, t);
		}
		closedir(d);
	} else {
		close(dfd);
	}
	if (!entries)
		return; /* left empty by a domain rename or by the runner: holds nothing */
	snprintf(detail, sizeof detail,
		 "a directory of no domain (%lld home(s) in it, each listed): remove it once they are archived", homes);
	snprintf(repair, sizeof repair, "rmdir %s", w);
	emit(c, STORE_ORPHAN_HOME, path, detail, name_safe(name) ? repair : NULL);
}

/* The domains of the database one by one (check_domain), then the root
 * streamed for the directories no domain owns. A domain administrator's
 * check never reads the root; a scoped one reads its own entry only. */
static enum vm_status check_homes(struct sc *c, struct vm_error *err)
{
	char after[VM_DOMAIN_MAX + 1] = "";
	int whole_root = !restricted(c) && !c->domain[0];
	int read_root = c->root.fd >= 0 && (whole_root || (c->domain[0] && !c->local[0] && !restricted(c)));
	struct seen root_seen = {0};
	enum vm_status st = VM_OK;

	if (read_root) {
		seen_init(&root_seen, whole_root ? SEEN_BIG_BITS : SEEN_SMALL_BITS);
		c->root_seen = &root_seen;
	}

	for (;;) {
		struct db_result *res = NULL;
		const char *p[2] = {after, c->domain[0] ? c->domain : c->uid};
		size_t r, n;

		if (c->domain[0])
			st = vm_sql(c->vm,
				    "SELECT d.id, d.name FROM admin_domain d WHERE d.name > ? AND d.name = ? ORDER BY d.name",
				    2, p, &res, err, "reading domains");
		else if (restricted(c))
			st = vm_sql(c->vm,
				    "SELECT d.id, d.name FROM admin_domain d WHERE d.name > ? AND d.id IN " GRANTED
				    " ORDER BY d.name LIMIT 200",
				    2, p, &res, err, "reading domains");
		else
			st = vm_sql(c->vm,
				    "SELECT d.id, d.name FROM admin_domain d WHERE d.name > ? ORDER BY d.name LIMIT 200",
				    1, p, &res, err, "reading domains");
		if (st != VM_OK)
			break;
		for (r = 0; r < res->nrows && st == VM_OK; r++)
			st = check_domain(c, vm_ll(db_value(res, r, 0)), db_value(res, r, 1), err);
		if (res->nrows)
			snprintf(after, sizeof after, "%s", db_value(res, res->nrows - 1, 1));
		n = res->nrows;
		db_result_free(&res);
		if (st != VM_OK || c->domain[0] || n < 200)
			break;
	}
	if (st == VM_OK && read_root) {
		const struct owners q = {"SELECT d.name FROM admin_domain d WHERE d.name IN (", NULL, DOMAIN_NAME_WIDTH,
					 domain_dir_wanted};

		st = each_unowned(c, c->root.fd, c->root.cfg, NULL, whole_root ? NULL : c->domain, &q, &root_seen, NULL,
				  orphan_domain_dir, err);
	}
	c->root_seen = NULL;
	seen_free(&root_seen);
	return st;
}

/* ---- pending operations ------------------------------------------------- */

static const char *age_sql(enum db_engine eng)
{
	switch (eng) {
	case DB_ENGINE_PGSQL:
		return "CAST(EXTRACT(EPOCH FROM ((now() AT TIME ZONE 'UTC') - t.queued_at)) AS bigint)";
	case DB_ENGINE_MYSQL:
		return "TIMESTAMPDIFF(SECOND, t.queued_at, UTC_TIMESTAMP())";
	case DB_ENGINE_SQLITE:
		return "CAST((julianday('now') - julianday(t.queued_at)) * 86400 AS INTEGER)";
	}
	return "NULL";
}

/* 1 when the op (its home's domain, or its mailbox's) is in the scope. */
static int op_visible(const struct sc *c, const struct mailroot_home *h, int parsed, const char *mb_domain,
		      const char *mb_local)
{
	if (c->local[0]) /* an address: its own operations */
		return mb_domain && mb_local && strcmp(mb_domain, c->domain) == 0 && strcmp(mb_local, c->local) == 0;
	if (parsed && domain_visible(c, h->dir))
		return 1;
	if (mb_domain && domain_visible(c, mb_domain))
		return 1;
	return !parsed && !restricted(c) && !c->domain[0];
}

static void check_op(struct sc *c, long long id, long long mbox_id, const char *type, const char *arg,
		     const char *mb_local, const char *mb_domain, const char *age_s)
{
	struct mailroot_home h;
	char why[512], object[64], detail[9000];
	int parsed = mailroot_parse_home(&c->root, arg, &h, why, sizeof why) == 0;
	long long stuck = (long long)(c->vm->cfg ? c->vm->cfg->mail_stuck_after : 10) * 60;
	int is_rename = strcmp(type, "rename") == 0;

	if (parsed) {
		char key[2 * 256 + 2];

		snprintf(key, sizeof key, "%s/%s", h.dir, h.name);
		names_add(&c->opkeys, key, 0);
	}
	if (is_rename && mbox_id) {
		if (c->nrenaming % 256 == 0)
			c->renaming = xreallocarray(c->renaming, c->nrenaming + 256, sizeof *c->renaming);
		c->renaming[c->nrenaming++] = mbox_id;
	}
	if (!op_visible(c, &h, parsed, mb_domain, mb_local))
		return;
	snprintf(object, sizeof object, "operation %lld", id);
	if (!parsed) {
		snprintf(detail, sizeof detail, "%s %s: the runner refuses it (%s); fix or remove the row by hand",
			 type, arg, why);
		emit(c, STORE_STUCK_OPERATION, object, detail, NULL);
		return;
	}
	if (is_rename && mb_local && mb_domain) {
		int sfd = mailroot_open_dir(&c->root, h.dir, 0), dfd = mailroot_open_dir(&c->root, mb_domain, 0);
		int both = sfd >= 0 && dfd >= 0 && entry_type(sfd, h.name, NULL) == DT_DIR &&
			   entry_type(dfd, mb_local, NULL) == DT_DIR &&
			   !(strcmp(h.dir, mb_domain) == 0 && strcmp(h.name, mb_local) == 0);

		if (sfd >= 0)
			close(sfd);
		if (dfd >= 0)
			close(dfd);
		if (both) {
			snprintf(detail, sizeof detail,
				 "rename %s -> %s/%s/%s: both exist, and the runner never overwrites a home; merge them by "
				 "hand, remove the source, then ops run",
				 arg, c->root.cfg, mb_domain, mb_local);
			emit(c, STORE_STUCK_OPERATION, object, detail, NULL);
			return;
		}
	}
	if (age_s && vm_ll(age_s) >= stuck) {
		snprintf(detail, sizeof detail,
			 "%s %s pending for %lld minutes (more than [mail] stuck_after): is `vmailadm ops run` in "
			 "[mail] owner's crontab? its log says why a run kept it",
			 type, arg, vm_ll(age_s) / 60);
		emit(c, STORE_STUCK_OPERATION, object, detail, "ops run");
	}
}

static enum vm_status op_row(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err)
{
	(void)err;
	check_op(c, vm_ll(db_value(res, r, 0)), vm_ll(db_value(res, r, 1)),
		 db_value(res, r, 2) ? db_value(res, r, 2) : "", db_value(res, r, 3) ? db_value(res, r, 3) : "",
		 db_value(res, r, 4), db_value(res, r, 5), db_value(res, r, 6));
	return VM_OK;
}

static enum vm_status load_ops(struct sc *c, struct vm_error *err)
{
	char missing[512], *sql;
	enum vm_status st;
	int timed;

	if ((st = owntables_missing(c->vm, missing, sizeof missing, err)) != VM_OK)
		return st;
	timed = strstr(missing, "vmailadm_op_queued") == NULL;
	c->sum->ops_untimed = !timed;
	sql = xasprintf("SELECT o.id, o.mailbox_id, o.type, o.argument, mb.address, d.name, %s "
			"FROM admin_mailboxoperation o LEFT JOIN admin_mailbox mb ON mb.id = o.mailbox_id "
			"LEFT JOIN admin_domain d ON d.id = mb.domain_id %s "
			"WHERE o.id > ? ORDER BY o.id LIMIT 500",
			timed ? age_sql(c->vm->db->ops->engine) : "NULL",
			timed ? "LEFT JOIN vmailadm_op_queued t ON t.op_id = o.id" : "");
	st = each_row(c, sql, 1, (const char *[1]){NULL}, "0", 500, "reading pending operations", op_row, err);
	free(sql);
	names_sort(&c->opkeys);
	if (c->nrenaming)
		qsort(c->renaming, c->nrenaming, sizeof *c->renaming, cmp_ll);
	return st;
}

/* ---- quota rows --------------------------------------------------------- */

static enum vm_status quota_row(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err)
{
	const char *u = db_value(res, r, 0), *at = u ? strrchr(u, '@') : NULL;
	char detail[600], repair[600];

	(void)err;
	if (!u || (restricted(c) && (!at || names_find(&c->allowed, at + 1) < 0)))
		return VM_OK;
	snprintf(detail, sizeof detail,
		 "no mailbox has this address (%lld bytes, %lld messages recorded; Dovecot made it, or the "
		 "account was deleted by another tool)",
		 vm_ll(db_value(res, r, 1)), vm_ll(db_value(res, r, 2)));
	snprintf(repair, sizeof repair, "quota forget %s", u);
	emit(c, STORE_ORPHAN_QUOTA, u, detail, name_safe(u) ? repair : NULL);
	return VM_OK;
}

static enum vm_status check_quota(struct sc *c, struct vm_error *err)
{
	char like[VM_DOMAIN_MAX + 4], full[VM_ADDRESS_MAX + 2];
	const char *p[2] = {NULL, full};

	snprintf(like, sizeof like, "%%@%s", c->domain);
	snprintf(full, sizeof full, "%s@%s", c->local, c->domain);
	if (!c->local[0])
		p[1] = like;
	return each_row(c,
			c->local[0] ? "SELECT q.username, q.bytes, q.messages FROM admin_quota q WHERE q.username > ? AND "
				      "q.username = ? AND NOT EXISTS (SELECT 1 FROM admin_user u JOIN admin_mailbox mb "
				      "ON mb.user_id = u.id WHERE u.username = q.username) ORDER BY q.username LIMIT 500"
			: c->domain[0]
				? "SELECT q.username, q.bytes, q.messages FROM admin_quota q WHERE q.username > ? AND "
				  "q.username LIKE ? AND NOT EXISTS (SELECT 1 FROM admin_user u JOIN admin_mailbox mb "
				  "ON mb.user_id = u.id WHERE u.username = q.username) ORDER BY q.username LIMIT 500"
				: "SELECT q.username, q.bytes, q.messages FROM admin_quota q WHERE q.username > ? AND "
				  "NOT EXISTS (SELECT 1 FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id "
				  "WHERE u.username = q.username) ORDER BY q.username LIMIT 500",
			c->local[0] || c->domain[0] ? 2 : 1, p, "", 500, "reading quota rows", quota_row, err);
}

/* ---- aliases ------------------------------------------------------------ */

/* The scope of aliases, as SQL on al (the alias) and ad (its domain), and
 * its parameters appended to p at *np. */
static const char *alias_scope(const struct sc *c, const char **p, int *np)
{
	if (c->local[0]) {
		p[(*np)++] = c->domain;
		p[(*np)++] = c->local;
		return " AND ad.name = ? AND al.address = ?";
	}
	if (c->domain[0]) {
		p[(*np)++] = c->domain;
		return " AND ad.name = ?";
	}
	if (restricted(c)) {
		p[(*np)++] = c->uid;
		return " AND ad.id IN " GRANTED;
	}
	return "";
}

/* The repair of a recipient that must go: the alias with the others, or
 * its deletion when it was the only one. */
static void alias_repair(struct sc *c, const char *alias_addr, const char *bad, char *out, size_t len)
{
	struct alias a = {0};
	struct vm_error e;
	char *rest, *save = NULL, *r;
	size_t l = 0, kept = 0;

	out[0] = '\0';
	if (!name_safe(alias_addr) || alias_get(c->vm, alias_addr, &a, &e) != VM_OK)
		return;
	rest = xstrdup(a.recipients ? a.recipients : "");
	l = (size_t)snprintf(out, len, "alias set %s recipients=", alias_addr);
	for (r = strtok_r(rest, ",", &save); r && l < len; r = strtok_r(NULL, ",", &save)) {
		if (strcasecmp(r, bad) == 0)
			continue;
		if (!name_safe(r)) {
			out[0] = '\0';
			goto done;
		}
		l += (size_t)snprintf(out + l, len - l, "%s%s", kept ? "," : "", r);
		kept++;
	}
	if (!kept)
		snprintf(out, len, "alias del %s", alias_addr);
done:
	free(rest);
	alias_clear(&a);
}

static void dangling(struct sc *c, const char *alias_local, const char *alias_domain, const char *rcpt, const char *why)
{
	char object[VM_ADDRESS_MAX + 2], detail[1200], repair[4096];

	snprintf(object, sizeof object, "%s@%s", strcmp(alias_local, "*") == 0 ? "" : alias_local, alias_domain);
	snprintf(detail, sizeof detail, "recipient %s %s", rcpt, why);
	alias_repair(c, object, rcpt, repair, sizeof repair);
	emit(c, STORE_DANGLING_ALIAS, object, detail, repair[0] ? repair : NULL);
}

static void add_edge(struct sc *c, long long from, long long to)
{
	if (c->nedges == c->capedges) {
		c->capedges = c->capedges ? c->capedges * 2 : 256;
		c->edges = xreallocarray(c->edges, c->capedges, sizeof *c->edges);
	}
	c->edges[c->nedges][0] = from;
	c->edges[c->nedges][1] = to;
	c->nedges++;
}

/* The domain an external recipient's domain part means locally: itself,
 * the target of a domain alias, or NULL (really external). */
static enum vm_status local_domain(struct sc *c, const char *dom, char *out, size_t len, int *local, struct vm_error *err)
{
	long i;

	(void)err;
	*local = 0;
	if (names_find(&c->local_domains, dom) >= 0) {
		snprintf(out, len, "%s", dom);
		*local = 1;
		return VM_OK;
	}
	if ((i = names_find(&c->domain_aliases, dom)) >= 0) {
		const char *alias = names_at(&c->domain_aliases, (size_t)i);

		snprintf(out, len, "%s", alias + strlen(alias) + 1);
		*local = 1;
	}
	return VM_OK;
}

/* One external recipient of an enabled alias. */
static enum vm_status ext_recipient(struct sc *c, long long alias_id, const char *al_local, const char *al_domain,
				    const char *rcpt, struct vm_error *err)
{
	char lc[VM_ADDRESS_MAX + 2], dom[VM_DOMAIN_MAX + 1];
	const char *at;
	struct db_result *res = NULL;
	enum vm_status st;
	int local;

	snprintf(lc, sizeof lc, "%s", rcpt);
	for (char *q = lc; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	if (!(at = strrchr(lc, '@')) || at == lc)
		return VM_OK;
	if ((st = local_domain(c, at + 1, dom, sizeof dom, &local, err)) != VM_OK || !local)
		return st;
	{
		char *loc = xstrndup(lc, (size_t)(at - lc));
		const char *p[2] = {dom, loc};

		st = vm_sql(c->vm,
			    "SELECT 1, u.is_active, NULL FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id "
			    "JOIN admin_user u ON u.id = mb.user_id WHERE d.name = ? AND mb.address = ? "
			    "UNION ALL SELECT 2, al.enabled, al.id FROM admin_alias al JOIN admin_domain d ON d.id = "
			    "al.domain_id "
			    "WHERE d.name = ? AND al.address = ? "
			    "UNION ALL SELECT 3, al.enabled, al.id FROM admin_alias al JOIN admin_domain d ON d.id = "
			    "al.domain_id "
			    "WHERE d.name = ? AND al.address = '*'",
			    5, (const char *const[]){p[0], p[1], p[0], p[1], p[0]}, &res, err, "looking up a recipient");
		free(loc);
	}
	if (st != VM_OK)
		return st;
	{
		int mbox = 0, mbox_on = 0, alias = 0, alias_on = 0, catchall = 0;
		long long target = 0;

		for (size_t r = 0; r < res->nrows; r++) {
			long long k = vm_ll(db_value(res, r, 0)), on = vm_ll(db_value(res, r, 1));

			if (k == 1)
				mbox = 1, mbox_on = (int)on;
			else if (k == 2)
				alias = 1, alias_on = (int)on, target = vm_ll(db_value(res, r, 2));
			else if (on)
				catchall = 1;
		}
		db_result_free(&res);
		if (alias && alias_on)
			add_edge(c, alias_id, target);
		if ((mbox && mbox_on) || (alias && alias_on))
			return VM_OK;
		if (mbox || alias)
			dangling(c, al_local, al_domain, rcpt, mbox ? "is a disabled mailbox" : "is a disabled alias");
		else if (!catchall)
			dangling(c, al_local, al_domain, rcpt,
				 "is on a local domain but is neither a mailbox nor an alias");
	}
	return VM_OK;
}

static enum vm_status local_domain_row(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err)
{
	(void)err;
	names_add(&c->local_domains, db_value(res, r, 0), 0);
	return VM_OK;
}

static enum vm_status domain_alias_row(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err)
{
	(void)err;
	names_add_pair(&c->domain_aliases, db_value(res, r, 0), db_value(res, r, 1), 0);
	return VM_OK;
}

/* "LOCAL@DOMAIN" of columns 3 and 4 ("?" for what is missing) into rc */
static const char *recipient_of(const struct db_result *res, size_t r, char *rc, size_t len)
{
	snprintf(rc, len, "%s@%s", db_value(res, r, 3) ? db_value(res, r, 3) : "?",
		 db_value(res, r, 4) ? db_value(res, r, 4) : "?");
	return rc;
}

/* a local mailbox recipient that is gone or disabled */
static enum vm_status mailbox_rcpt_row(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err)
{
	char rc[VM_ADDRESS_MAX + 2];

	(void)err;
	recipient_of(res, r, rc, sizeof rc);
	dangling(c, db_value(res, r, 1), db_value(res, r, 2), vm_ll(db_value(res, r, 5)) ? "(a mailbox id)" : rc,
		 vm_ll(db_value(res, r, 5)) ? "names a mailbox that does not exist" : "is a disabled mailbox");
	return VM_OK;
}

/* a local alias recipient: gone or disabled is a finding, the rest an edge */
static enum vm_status alias_rcpt_row(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err)
{
	long long state = vm_ll(db_value(res, r, 7));
	const char *ad = db_value(res, r, 2), *al = db_value(res, r, 1);
	char rc[VM_ADDRESS_MAX + 2];

	(void)err;
	if (!vm_ll(db_value(res, r, 8)))
		return VM_OK; /* a disabled alias has no effect */
	if (state == 0) {
		add_edge(c, vm_ll(db_value(res, r, 5)), vm_ll(db_value(res, r, 6)));
		return VM_OK;
	}
	if (!domain_visible(c, ad) || (c->local[0] && strcmp(al, c->local) != 0))
		return VM_OK;
	recipient_of(res, r, rc, sizeof rc);
	dangling(c, al, ad, state == 2 ? "(an alias id)" : rc,
		 state == 2 ? "names an alias that does not exist" : "is a disabled alias");
	return VM_OK;
}

/* the external recipients of an alias */
static enum vm_status ext_rcpt_row(struct sc *c, const struct db_result *res, size_t r, struct vm_error *err)
{
	const char *al = db_value(res, r, 1), *ad = db_value(res, r, 2);
	char *ext = xstrdup(db_value(res, r, 3) ? db_value(res, r, 3) : ""), *save = NULL, *e;
	int vis = domain_visible(c, ad) && !(c->local[0] && strcmp(al, c->local) != 0);
	enum vm_status st = VM_OK;

	for (e = strtok_r(ext, ",", &save); e && st == VM_OK; e = strtok_r(NULL, ",", &save)) {
		while (*e == ' ')
			e++;
		c->quiet = !vis; /* only its edges matter: find them, report nothing */
		st = ext_recipient(c, vm_ll(db_value(res, r, 0)), al, ad, e, err);
		c->quiet = 0;
	}
	free(ext);
	return st;
}

static enum vm_status check_aliases(struct sc *c, struct vm_error *err)
{
	char *sql;
	enum vm_status st;
	int np;
	const char *p[4];
	const char *scope;

	/* the local domains, for external recipients that name one */
	if ((st = each_row(c, "SELECT name FROM admin_domain WHERE name > ? ORDER BY name LIMIT 1000", 1, p, "", 1000,
			   "reading domains", local_domain_row, err)) != VM_OK)
		return st;
	names_sort(&c->local_domains);
	if ((st = each_row(c,
			   "SELECT da.name, d.name FROM admin_domainalias da JOIN admin_domain d ON d.id = "
			   "da.target_id WHERE da.name > ? ORDER BY da.name LIMIT 1000",
			   1, p, "", 1000, "reading domain aliases", domain_alias_row, err)) != VM_OK)
		return st;
	names_sort(&c->domain_aliases);
	/* local mailbox recipients that are gone or disabled */
	np = 1;
	scope = alias_scope(c, p, &np);
	sql = xasprintf("SELECT am.id, al.address, ad.name, mb.address, md.name, CASE WHEN mb.id IS NULL THEN 1 ELSE 0 END "
			"FROM admin_alias_mboxes am JOIN admin_alias al ON al.id = am.alias_id "
			"JOIN admin_domain ad ON ad.id = al.domain_id LEFT JOIN admin_mailbox mb ON mb.id = am.mailbox_id "
			"LEFT JOIN admin_domain md ON md.id = mb.domain_id LEFT JOIN admin_user u ON u.id = mb.user_id "
			"WHERE am.id > ? AND al.enabled AND (mb.id IS NULL OR u.id IS NULL OR NOT u.is_active)%s "
			"ORDER BY am.id LIMIT 500",
			scope);
	st = each_row(c, sql, np, p, "0", 500, "reading alias recipients", mailbox_rcpt_row, err);
	free(sql);
	if (st != VM_OK)
		return st;
	/* local alias recipients: gone or disabled findings, the rest edges */
	if ((st = each_row(c,
			   "SELECT aa.id, al.address, ad.name, t.address, td.name, aa.from_alias_id, aa.to_alias_id, "
			   "CASE WHEN t.id IS NULL THEN 2 WHEN t.enabled THEN 0 ELSE 1 END, "
			   "CASE WHEN al.enabled THEN 1 ELSE 0 END "
			   "FROM admin_alias_aliases aa JOIN admin_alias al ON al.id = aa.from_alias_id "
			   "JOIN admin_domain ad ON ad.id = al.domain_id LEFT JOIN admin_alias t ON t.id = aa.to_alias_id "
			   "LEFT JOIN admin_domain td ON td.id = t.domain_id WHERE aa.id > ? ORDER BY aa.id LIMIT 500",
			   1, p, "0", 500, "reading alias recipients", alias_rcpt_row, err)) != VM_OK)
		return st;
	/* external recipients on a local domain; every enabled alias is read,
	 * since a loop may pass through aliases outside the scope */
	return each_row(c,
			"SELECT al.id, al.address, ad.name, al.extmboxes FROM admin_alias al "
			"JOIN admin_domain ad ON ad.id = al.domain_id WHERE al.id > ? AND al.enabled "
			"AND al.extmboxes <> '' ORDER BY al.id LIMIT 500",
			1, p, "0", 500, "reading aliases", ext_rcpt_row, err);
}

/* ---- alias loops: strongly connected components (Tarjan, iterative) ----- */

static int cmp_edge(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

static long vidx(const long long *ids, size_t n, long long id)
{
	const long long *p = bsearch(&id, ids, n, sizeof id, cmp_ll);

	return p ? (long)(p - ids) : -1;
}

static enum vm_status report_loop(struct sc *c, const long long *ids, const long *members, size_t k, struct vm_error *err)
{
	char detail[2048] = "", object[VM_ADDRESS_MAX + 2] = "";
	size_t l = 0;
	int vis = 0;
	enum vm_status st = VM_OK;

	for (size_t i = 0; i < k && st == VM_OK; i++) {
		struct db_result *res = NULL;
		char idb[32];

		snprintf(idb, sizeof idb, "%lld", ids[members[i]]);
		st = vm_sql(c->vm,
			    "SELECT al.address, d.name FROM admin_alias al JOIN admin_domain d ON d.id = al.domain_id "
			    "WHERE al.id = ?",
			    1, (const char *const[]){idb}, &res, err, "reading an alias");
		if (st == VM_OK && res->nrows) {
			const char *a = db_value(res, 0, 0), *d = db_value(res, 0, 1);
			char addr[VM_ADDRESS_MAX + 2];

			snprintf(addr, sizeof addr, "%s@%s", strcmp(a, "*") == 0 ? "" : a, d);
			if (domain_visible(c, d) && (!c->local[0] || strcmp(a, c->local) == 0))
				vis = 1;
			if (!object[0] || strcmp(addr, object) < 0)
				snprintf(object, sizeof object, "%s", addr);
			if (l < sizeof detail)
				l += (size_t)snprintf(detail + l, sizeof detail - l, "%s%s", i ? ", " : "", addr);
		}
		db_result_free(&res);
	}
	if (st == VM_OK && vis) {
		char d2[2200];

		snprintf(d2, sizeof d2,
			 "these aliases reach each other (%s): Postfix stops at its recursion limit and the mail "
			 "bounces; remove one recipient along the loop",
			 detail);
		emit(c, STORE_ALIAS_LOOP, object, d2, NULL);
	}
	return st;
}

static enum vm_status check_loops(struct sc *c, struct vm_error *err)
{
	size_t n = 0, m = c->nedges;
	long long *ids;
	size_t *first;
	long *index, *low, *stack, *cstack, *callpos;
	unsigned char *on;
	long counter = 0;
	size_t sp = 0, csp = 0;
	enum vm_status st = VM_OK;

	if (!m)
		return VM_OK;
	qsort(c->edges, m, sizeof *c->edges, cmp_edge);
	ids = xreallocarray(NULL, 2 * m, sizeof *ids);
	for (size_t i = 0; i < m; i++) {
		ids[2 * i] = c->edges[i][0];
		ids[2 * i + 1] = c->edges[i][1];
	}
	qsort(ids, 2 * m, sizeof *ids, cmp_ll);
	for (size_t i = 0; i < 2 * m; i++)
		if (!n || ids[n - 1] != ids[i])
			ids[n++] = ids[i];
	first = xcalloc(n + 1, sizeof *first);
	for (size_t i = 0; i < m; i++)
		first[vidx(ids, n, c->edges[i][0]) + 1]++;
	for (size_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	index = xreallocarray(NULL, n, sizeof *index);
	low = xreallocarray(NULL, n, sizeof *low);
	stack = xreallocarray(NULL, n, sizeof *stack);
	cstack = xreallocarray(NULL, n, sizeof *cstack);
	callpos = xreallocarray(NULL, n, sizeof *callpos);
	on = xcalloc(n, 1);
	for (size_t i = 0; i < n; i++)
		index[i] = -1;
	for (size_t s = 0; s < n && st == VM_OK; s++) {
		if (index[s] >= 0)
			continue;
		cstack[csp++] = (long)s;
		callpos[s] = (long)first[s];
		index[s] = low[s] = counter++;
		stack[sp++] = (long)s;
		on[s] = 1;
		while (csp && st == VM_OK) {
			long v = cstack[csp - 1];

			if ((size_t)callpos[v] < first[v + 1]) {
				long w = vidx(ids, n, c->edges[callpos[v]++][1]);

				if (index[w] < 0) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on[w] = 1;
					callpos[w] = (long)first[w];
					cstack[csp++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			csp--;
			if (csp && low[v] < low[cstack[csp - 1]])
				low[cstack[csp - 1]] = low[v];
			if (low[v] == index[v]) {
				size_t start = sp;
				int self = 0;

				do
					start--;
				while (stack[start] != v);
				for (size_t e = first[v]; e < first[v + 1]; e++)
					self |= c->edges[e][1] == ids[v];
				for (size_t i = start; i < sp; i++)
					on[stack[i]] = 0;
				if (sp - start > 1 || self)
					st = report_loop(c, ids, stack + start, sp - start, err);
				sp = start;
			}
		}
	}
	free(ids);
	free(first);
	free(index);
	free(low);
	free(stack);
	free(cstack);
	free(callpos);
	free(on);
	return st;
}

/* ---- the whole check ---------------------------------------------------- */

static enum vm_status set_scope(struct sc *c, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;
	const char *s = c->o->scope;

	if (!s || !*s)
		return VM_OK;
	if (strchr(s, '@')) {
		if ((st = valid_address(s, 0, c->local, c->domain, err)) != VM_OK)
			return st;
	} else if ((st = valid_domain(s, c->domain, err)) != VM_OK) {
		return st;
	}
	if ((st = vm_sql(c->vm, "SELECT id FROM admin_domain WHERE name = ?", 1, (const char *const[]){c->domain}, &res,
			 err, "reading the domain")) != VM_OK)
		return st;
	if (!res->nrows) {
		db_result_free(&res);
		if (!c->vm->actor.superuser)
			return vm_fail(err, VM_ERR_DENIED, "%s may not manage domain %s", c->vm->actor.login, c->domain);
		if (c->local[0] || entry_type(c->root.fd, c->domain, NULL) == DT_UNKNOWN)
			return vm_fail(err, VM_ERR_NOT_FOUND, "domain %s does not exist (in the database or below %s)",
				       c->domain, c->root.cfg);
		return VM_OK; /* a directory of no domain: checked as such */
	}
	st = vm_check_domain(c->vm, vm_ll(db_value(res, 0, 0)), c->domain, err);
	db_result_free(&res);
	return st;
}

static enum vm_status load_allowed(struct sc *c, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	if (!restricted(c))
		return VM_OK;
	if ((st = vm_sql(c->vm, "SELECT d.name FROM admin_domain d WHERE d.id IN " GRANTED, 1,
			 (const char *const[]){c->uid}, &res, err, "reading granted domains")) != VM_OK)
		return st;
	for (size_t r = 0; r < res->nrows; r++)
		names_add(&c->allowed, db_value(res, r, 0), 0);
	db_result_free(&res);
	names_sort(&c->allowed);
	return VM_OK;
}

static char *archive_top(const struct mailroot *m, const char *archive)
{
	const char *rest = NULL;
	size_t l;

	if (!archive)
		return NULL;
	if ((l = strlen(m->cfg)), strncmp(archive, m->cfg, l) == 0 && archive[l] == '/')
		rest = archive + l;
	else if ((l = strlen(m->real)), strncmp(archive, m->real, l) == 0 && archive[l] == '/')
		rest = archive + l;
	if (!rest)
		return NULL;
	while (*rest == '/')
		rest++;
	return *rest ? xstrndup(rest, strcspn(rest, "/")) : NULL;
}

enum vm_status store_check(struct vm *vm, const struct store_check_opts *o, struct store_check_summary *sum,
			   struct vm_error *err)
{
	struct sc c = {0};
	struct passwd *pw;
	enum vm_status st;

	memset(sum, 0, sizeof *sum);
	c.vm = vm;
	c.o = o;
	c.sum = sum;
	sum->usage = o->usage;
	snprintf(c.uid, sizeof c.uid, "%lld", vm->actor.user_id);
	if ((st = mailroot_open(vm, &c.root, &c.root_missing, err)) != VM_OK)
		return st;
	c.owner = vm->cfg && vm->cfg->mail_owner ? vm->cfg->mail_owner : "vmail";
	if ((pw = getpwnam(c.owner)) != NULL) {
		c.have_owner = 1;
		c.owner_uid = pw->pw_uid;
	}
	c.archive_top = archive_top(&c.root, vm->cfg ? vm->cfg->mail_archive : NULL);
	if ((st = vm_tx_begin(vm, 0, err)) != VM_OK)
		goto out;
	if ((st = set_scope(&c, err)) == VM_OK && (st = load_allowed(&c, err)) == VM_OK &&
	    (st = load_ops(&c, err)) == VM_OK && (st = check_homes(&c, err)) == VM_OK &&
	    (st = check_quota(&c, err)) == VM_OK && (st = check_aliases(&c, err)) == VM_OK)
		st = check_loops(&c, err);
	sum->whole = !restricted(&c) && !c.domain[0];
	st = vm_tx_finish(vm, st, err);
out:
	mailroot_close(&c.root);
	free(c.archive_top);
	names_clear(&c.allowed);
	names_clear(&c.opkeys);
	names_clear(&c.local_domains);
	names_clear(&c.domain_aliases);
	free(c.renaming);
	free(c.edges);
	return st;
}

/* ---- the summary of the last check -------------------------------------- */

static int table_present(struct vm *vm, const char *table, struct vm_error *err, enum vm_status *st)
{
	char missing[512];

	if ((*st = owntables_missing(vm, missing, sizeof missing, err)) != VM_OK)
		return 0;
	return strstr(missing, table) == NULL;
}

enum vm_status store_summary_save(struct vm *vm, const struct store_check_summary *sum, struct vm_error *err)
{
	char kinds[512] = "", homes[32], mbs[32], fnd[32], now[32];
	size_t l = 0;
	enum vm_status st;

	if (vm->read_only || !sum->whole)
		return VM_OK;
	if (!table_present(vm, "vmailadm_store_check", err, &st))
		return st;
	for (int k = 0; k < STORE_KIND_COUNT; k++)
		if (sum->by_kind[k] && l < sizeof kinds)
			l += (size_t)snprintf(kinds + l, sizeof kinds - l, "%s%s=%lld", l ? "," : "", kind_names[k],
					      sum->by_kind[k]);
	snprintf(homes, sizeof homes, "%lld", sum->homes);
	snprintf(mbs, sizeof mbs, "%lld", sum->mailboxes);
	snprintf(fnd, sizeof fnd, "%lld", sum->findings);
	snprintf(now, sizeof now, "%s", vm_now());
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	st = vm_sql(vm, "DELETE FROM vmailadm_store_check WHERE scope = ''", 0, NULL, NULL, err, "keeping the summary");
	if (st == VM_OK)
		st = vm_sql(vm,
			    "INSERT INTO vmailadm_store_check (scope, checked_at, with_usage, homes, mailboxes, "
			    "findings, kinds) "
			    "VALUES ('', ?, ?, ?, ?, ?, ?)",
			    6, (const char *const[]){now, sum->usage ? "1" : "0", homes, mbs, fnd, kinds}, NULL, err,
			    "keeping the summary");
	return vm_tx_finish(vm, st, err);
}

enum vm_status store_summary_get(struct vm *vm, struct store_last *last, int *have, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	*have = 0;
	memset(last, 0, sizeof *last);
	if (!vm->actor.superuser)
		return VM_OK;
	if (!table_present(vm, "vmailadm_store_check", err, &st))
		return st;
	if ((st = vm_sql(vm,
			 "SELECT checked_at, with_usage, homes, mailboxes, findings, kinds FROM vmailadm_store_check "
			 "WHERE scope = ''",
			 0, NULL, &res, err, "reading the last store check")) != VM_OK)
		return st;
	if (res->nrows) {
		*have = 1;
		snprintf(last->checked_at, sizeof last->checked_at, "%.19s",
			 db_value(res, 0, 0) ? db_value(res, 0, 0) : "");
		last->usage = vm_ll(db_value(res, 0, 1)) != 0;
		last->homes = vm_ll(db_value(res, 0, 2));
		last->mailboxes = vm_ll(db_value(res, 0, 3));
		last->findings = vm_ll(db_value(res, 0, 4));
		snprintf(last->kinds, sizeof last->kinds, "%s", db_value(res, 0, 5) ? db_value(res, 0, 5) : "");
	}
	db_result_free(&res);
	return VM_OK;
}

/* ---- repairs ------------------------------------------------------------ */

/* A domain administrator may act on domain name only when it is granted. */
static enum vm_status check_domain_name(struct vm *vm, const char *name, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;
	long long id = 0;

	if (vm->actor.superuser)
		return VM_OK;
	if ((st = vm_sql(vm, "SELECT id FROM admin_domain WHERE name = ?", 1, (const char *const[]){name}, &res, err,
			 "reading the domain")) != VM_OK)
		return st;
	if (res->nrows)
		id = vm_ll(db_value(res, 0, 0));
	db_result_free(&res);
	if (!id)
		return vm_fail(err, VM_ERR_DENIED, "%s may not manage domain %s", vm->actor.login, name);
	return vm_check_domain(vm, id, name, err);
}

enum vm_status store_quota_forget(struct vm *vm, const char *address, struct vm_error *err)
{
	char local[VM_LOCAL_MAX + 1], domain[VM_DOMAIN_MAX + 1], full[VM_ADDRESS_MAX + 2];
	struct db_result *res = NULL;
	enum vm_status st;
	int owned;
	struct change *ch;

	if (vm->read_only)
		return vm_fail(err, VM_ERR_READ_ONLY, "this session is read-only: quota forget changes the database");
	if ((st = valid_address(address, 0, local, domain, err)) != VM_OK)
		return st;
	snprintf(full, sizeof full, "%s@%s", local, domain);
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		return st;
	if ((st = check_domain_name(vm, domain, err)) != VM_OK)
		goto out;
	if ((st = vm_sql(vm,
			 "SELECT (SELECT count(*) FROM admin_user u JOIN admin_mailbox mb ON mb.user_id = u.id WHERE "
			 "u.username = ?), "
			 "bytes, messages FROM admin_quota WHERE username = ?",
			 2, (const char *const[]){full, full}, &res, err, "reading the quota row")) != VM_OK)
		goto out;
	if (!res->nrows) {
		db_result_free(&res);
		st = vm_fail(err, VM_ERR_NOT_FOUND, "no quota row for %s", full);
		goto out;
	}
	owned = vm_ll(db_value(res, 0, 0)) > 0;
	if (owned) {
		db_result_free(&res);
		st = vm_fail(err, VM_ERR_REFUSED, "the quota row of %s belongs to its mailbox: kept (use quota recalc)",
			     full);
		goto out;
	}
	ch = change_begin(&vm->changes, CHANGE_DEL, "quota", full);
	change_field(ch, "bytes", db_value(res, 0, 1), NULL);
	change_field(ch, "messages", db_value(res, 0, 2), NULL);
	db_result_free(&res);
	st = vm_sql(vm, "DELETE FROM admin_quota WHERE username = ?", 1, (const char *const[]){full}, NULL, err,
		    "removing the quota row");
out:
	return vm_tx_finish(vm, st, err);
}

enum vm_status store_queue_delete(struct vm *vm, const char *path, struct vm_error *err)
{
	struct mailroot root;
	struct mailroot_home h;
	struct db_result *res = NULL;
	char why[512], *canon = NULL;
	int missing;
	enum vm_status st;

	if (vm->read_only)
		return vm_fail(err, VM_ERR_READ_ONLY, "this session is read-only: ops queue delete changes the database");
	if ((st = mailroot_open(vm, &root, &missing, err)) != VM_OK)
		return st;
	if (mailroot_parse_home(&root, path, &h, why, sizeof why) < 0) {
		st = vm_fail(err, VM_ERR_INVALID, "ops queue delete %s: %s", path, why);
		mailroot_close(&root);
		return st;
	}
	canon = xasprintf("%s/%s/%s", root.cfg, h.dir, h.name);
	mailroot_close(&root);
	if ((st = vm_tx_begin(vm, 1, err)) != VM_OK)
		goto done;
	if ((st = check_domain_name(vm, h.dir, err)) != VM_OK)
		goto out;
	if ((st = vm_sql(vm,
			 "SELECT (SELECT count(*) FROM admin_mailbox mb JOIN admin_domain d ON d.id = mb.domain_id "
			 "WHERE d.name = ? AND mb.address = ?), "
			 "(SELECT count(*) FROM admin_mailboxoperation WHERE argument = ? OR argument = ?)",
			 4, (const char *const[]){h.dir, h.name, canon, path}, &res, err, "checking the path")) != VM_OK)
		goto out;
	if (vm_ll(db_value(res, 0, 0)) > 0)
		st = vm_fail(err, VM_ERR_REFUSED, "%s is the home of mailbox %s@%s: use mailbox del", canon, h.name, h.dir);
	else if (vm_ll(db_value(res, 0, 1)) > 0)
		st = vm_fail(err, VM_ERR_EXISTS, "an operation on %s is already pending (ops list)", canon);
	db_result_free(&res);
	if (st != VM_OK)
		goto out;
	st = ops_queue(vm, 0, "delete", canon, err);
out:
	st = vm_tx_finish(vm, st, err);
done:
	free(canon);
	return st;
}
