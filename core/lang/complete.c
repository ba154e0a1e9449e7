/* SPDX-License-Identifier: MIT */
/* complete.c: shell completion of a vmailadm command line (see complete.h). */
#include "core/lang/complete.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/conf.h"
#include "core/lang/interp.h"
#include "core/match.h"
#include "core/vm.h"
#include "lib/xalloc.h"

/* What a positional word of a statement is. */
enum kind {
	K_NONE,
	K_FILE,
	K_DIR,
	K_DOMAIN,
	K_DOMAINALIAS,
	K_MAILBOX,     /* an existing mailbox's address */
	K_ALIAS,       /* an existing alias's address (@domain: a catch-all) */
	K_NEW_ADDRESS, /* an address to be made: only its domain completes */
	K_PATTERN,     /* a list's pattern: a domain, or an address of the object */
};

/* The state of one completion: where candidates go, the database (opened
 * on first need) and the word being completed. */
struct comp {
	FILE *out;
	const char *cur;
	const char *config_path, *url;
	int with_user;
	int db_tried, db_ok;
	struct conf cfg;
	struct vm vm;
	int printed;
	char **seen; /* what was printed, so that nothing is twice */
};

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Prints head+word when it completes cur (which includes head), once. */
static void offer2(struct comp *c, const char *head, const char *word)
{
	size_t hl = strlen(head);
	char *w;

	if (c->printed >= COMPLETE_MAX * 2)
		return;
	if (strncmp(c->cur, head, strlen(c->cur) < hl ? strlen(c->cur) : hl) != 0)
		return;
	if (strlen(c->cur) > hl && !starts(word, c->cur + hl))
		return;
	w = xasprintf("%s%s", head, word);
	for (int i = 0; i < c->printed; i++)
		if (strcmp(c->seen[i], w) == 0) {
			free(w);
			return;
		}
	fprintf(c->out, "%s\n", w);
	c->seen = xrealloc(c->seen, (size_t)(c->printed + 1) * sizeof *c->seen);
	c->seen[c->printed++] = w;
}

static void offer(struct comp *c, const char *word)
{
	offer2(c, "", word);
}

/* ---------------------------------------------------------------- the database */

static int comp_db_open(struct comp *c)
{
	struct vm_error err = {0};
	char errbuf[512];
	char *url;
	const char *path = c->config_path;

	if (c->db_tried)
		return c->db_ok;
	c->db_tried = 1;
	/* --user would ask a password; a set-ID vmailadm must not read for the
	 * caller what the caller could not */
	if (c->with_user || auth_privileged())
		return 0;
	if (!path && access("/etc/vmailadm.conf", F_OK) == 0)
		path = "/etc/vmailadm.conf";
	if (path) {
		if (conf_load(&c->cfg, path, errbuf, sizeof errbuf) != 0)
			return 0;
	} else {
		conf_defaults(&c->cfg);
	}
	url = conf_database_url(&c->cfg, c->url, errbuf, sizeof errbuf);
	if (!url) {
		conf_free(&c->cfg);
		return 0;
	}
	if (vm_open(&c->vm, &c->cfg, url, 1, &err) != VM_OK) {
		explicit_bzero(url, strlen(url));
		free(url);
		vm_close(&c->vm);
		conf_free(&c->cfg);
		return 0;
	}
	explicit_bzero(url, strlen(url));
	free(url);
	if (core_login(&c->vm, NULL, NULL, &err) != VM_OK || vm_tx_begin(&c->vm, 0, &err) != VM_OK) {
		vm_close(&c->vm);
		conf_free(&c->cfg);
		return 0;
	}
	c->db_ok = 1;
	return 1;
}

static void comp_db_close(struct comp *c)
{
	struct vm_error err = {0};

	if (!c->db_ok)
		return;
	(void)vm_tx_end(&c->vm, 0, &err);
	vm_close(&c->vm);
	conf_free(&c->cfg);
	c->db_ok = 0;
}

/* The rows (id, name) of the domains (aliases: 1) whose name starts with
 * prefix that the actor may see, at most limit. NULL on any failure. */
static struct db_result *names(struct comp *c, int aliases, const char *prefix, int limit)
{
	struct vm *vm = &c->vm;
	struct match_params mp = {0};
	struct db_result *res = NULL;
	struct vm_error err = {0};
	const char *p[4];
	char uid[32], *sql, lim[32];
	int np = 0;

	if (match_has_wildcard(prefix) || !comp_db_open(c))
		return NULL;
	sql = xstrdup(aliases ? "SELECT d.id, d.name FROM admin_domainalias d WHERE d.name > ''"
			      : "SELECT d.id, d.name FROM admin_domain d WHERE d.name > ''");
	if (!vm->actor.superuser) {
		snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
		str_append(&sql, aliases ? " AND d.target_id IN (" : " AND d.id IN (");
		str_append(&sql, "SELECT oa.object_id FROM admin_objectaccess oa JOIN django_content_type ct "
				 "ON ct.id = oa.content_type_id WHERE ct.app_label = 'admin' AND ct.model = 'domain' "
				 "AND oa.user_id = ?)");
		p[np++] = uid;
	}
	if (*prefix)
		match_prefix(vm, &sql, "d.name", prefix, &mp);
	for (int i = 0; i < mp.n; i++)
		p[np++] = mp.v[i];
	snprintf(lim, sizeof lim, " ORDER BY d.name LIMIT %d", limit);
	str_append(&sql, lim);
	if (vm_sql(vm, sql, np, p, &res, &err, "completing") != VM_OK)
		res = NULL;
	free(sql);
	match_params_free(&mp);
	return res;
}

static void offer_domains(struct comp *c, const char *head, const char *prefix, int aliases)
{
	struct db_result *res = names(c, aliases, prefix, COMPLETE_MAX);

	if (!res)
		return;
	for (size_t r = 0; r < res->nrows; r++)
		offer2(c, head, db_value(res, r, 1));
	db_result_free(&res);
}

/* The mailboxes (or aliases) of one domain whose local part starts with
 * local, as full addresses. */
static void offer_local(struct comp *c, int alias, const char *domain_id, const char *domain, const char *local, int limit)
{
	struct db_result *res = NULL;
	struct vm_error err = {0};
	char head[512];

	if (match_domain_page(&c->vm,
			      alias ? "SELECT al.address FROM admin_alias al WHERE al.domain_id = ?"
				    : "SELECT mb.address FROM admin_mailbox mb WHERE mb.domain_id = ?",
			      alias ? "al.address" : "mb.address", vm_ll(domain_id), "", local, NULL, limit, &res, &err,
			      "completing") != VM_OK)
		return;
	for (size_t r = 0; r < res->nrows; r++) {
		const char *l = db_value(res, r, 0);

		snprintf(head, sizeof head, "%s@", strcmp(l, "*") == 0 ? "" : l);
		offer2(c, head, domain);
	}
	db_result_free(&res);
}

/* An address. On a small installation (at most COMPLETE_SCAN_DOMAINS
 * domains match what follows '@'), the addresses of those domains whose
 * local part starts with what precedes it; else "local@" + the domain
 * names, or "word@" while no '@' is typed. A new address completes its
 * domain only. */
static void offer_addresses(struct comp *c, enum kind k)
{
	const char *at = strchr(c->cur, '@');
	struct db_result *res;
	char local[256];

	if (match_has_wildcard(c->cur) || (k == K_NEW_ADDRESS && !at))
		return;
	snprintf(local, sizeof local, "%.*s", (int)(at ? at - c->cur : (long)strlen(c->cur)), c->cur);
	res = names(c, 0, at ? at + 1 : "", k == K_NEW_ADDRESS ? COMPLETE_MAX : COMPLETE_SCAN_DOMAINS + 1);
	if (!res)
		return;
	if (k != K_NEW_ADDRESS && res->nrows <= COMPLETE_SCAN_DOMAINS) {
		for (size_t r = 0; r < res->nrows && c->printed < COMPLETE_MAX; r++)
			offer_local(c, k == K_ALIAS, db_value(res, r, 0), db_value(res, r, 1), local,
				    COMPLETE_MAX - c->printed);
	} else if (at) {
		if (k != K_NEW_ADDRESS) { /* the first page was only big enough to count */
			db_result_free(&res);
			if (!(res = names(c, 0, at + 1, COMPLETE_MAX)))
				return;
		}
		snprintf(local, sizeof local, "%.*s@", (int)(at - c->cur), c->cur);
		for (size_t r = 0; r < res->nrows; r++)
			offer2(c, local, db_value(res, r, 1));
	} else if (*c->cur) {
		offer2(c, c->cur, "@");
	}
	db_result_free(&res);
}

/* ---------------------------------------------------------------- statements */

static enum kind kind_of(const char *object, const char *verb, const char *ph)
{
	int add = strcmp(verb, "add") == 0;

	if (strcmp(ph, "FILE") == 0)
		return K_FILE;
	if (strcmp(ph, "DIR") == 0 || strcmp(ph, "PATH") == 0)
		return K_DIR;
	if (strcmp(ph, "DOMAIN") == 0 || strcmp(ph, "TARGET") == 0)
		return K_DOMAIN;
	if (strcmp(ph, "NAME") == 0 && !add)
		return strcmp(object, "domain") == 0        ? K_DOMAIN
		       : strcmp(object, "domainalias") == 0 ? K_DOMAINALIAS
							    : K_NONE;
	if (strcmp(ph, "OLD") == 0)
		return strcmp(object, "domain") == 0 ? K_DOMAIN : strcmp(object, "alias") == 0 ? K_ALIAS : K_MAILBOX;
	if (strcmp(ph, "NEW") == 0)
		return strcmp(object, "domain") == 0 ? K_NONE : K_NEW_ADDRESS;
	if (strcmp(ph, "ADDRESS") == 0)
		return add ? K_NEW_ADDRESS : strcmp(object, "alias") == 0 ? K_ALIAS : K_MAILBOX;
	if (strcmp(ph, "RECIPIENT") == 0 || strcmp(ph, "MAILBOX") == 0)
		return K_MAILBOX;
	if (strcmp(ph, "PATTERN") == 0)
		return K_PATTERN;
	return K_NONE;
}

/* The usage's words after "object verb", split at blanks outside quotes,
 * with their brackets removed. Returns the count; words[i] malloc'd. */
static int usage_words(const char *usage, char ***out)
{
	char **w = NULL;
	int n = 0;
	const char *p = usage;

	for (int skip = 0; skip < 2; skip++) { /* object, verb */
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	while (*p) {
		const char *s = p;
		int quoted = 0;
		char *word;
		size_t len;

		while (*p && (quoted || *p != ' ')) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		while (*s == '[')
			s++;
		len = (size_t)(p - s);
		while (len > 0 && s[len - 1] == ']')
			len--;
		word = xmalloc(len + 1);
		memcpy(word, s, len);
		word[len] = '\0';
		w = xrealloc(w, (size_t)(n + 1) * sizeof *w);
		w[n++] = word;
		p += strspn(p, " ");
	}
	*out = w;
	return n;
}

/* A flag is a word of lower-case letters and '-' (keep-files, force). */
static int is_flag(const char *w)
{
	if (!*w)
		return 0;
	for (; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || *w == '-'))
			return 0;
	return 1;
}

static int is_option(const char *w)
{
	return strchr(w, '=') != NULL;
}

/* Is key= among the statement's words? */
static int given_opt(const char *const *sw, int n, const char *key, size_t keylen)
{
	for (int i = 0; i < n; i++)
		if (strncmp(sw[i], key, keylen) == 0 && sw[i][keylen] == '=')
			return 1;
	return 0;
}

static int given_word(const char *const *sw, int n, const char *w)
{
	for (int i = 0; i < n; i++)
		if (strcmp(sw[i], w) == 0)
			return 1;
	return 0;
}

/* The placeholder, one of its '|' alternatives: kinds and literal words. */
static void offer_placeholder(struct comp *c, const char *object, const char *verb, const char *ph)
{
	char buf[128];
	const char *p = ph;

	while (*p) {
		size_t len = strcspn(p, "|");
		enum kind k;

		snprintf(buf, sizeof buf, "%.*s", (int)len, p);
		len = strlen(buf);
		if (len > 3 && strcmp(buf + len - 3, "...") == 0)
			buf[len - 3] = '\0';
		if (is_flag(buf) && strcmp(buf, "-") != 0) {
			offer(c, buf); /* ADDRESS|all */
		} else if (buf[0] == '@') {
			if (c->cur[0] == '@') /* @DOMAIN: a whole domain */
				offer_domains(c, "@", c->cur + 1, 0);
		} else {
			k = kind_of(object, verb, buf);
			switch (k) {
			case K_FILE:
			case K_DIR:
				offer2(c, "", k == K_FILE ? ":file" : ":dir");
				break;
			case K_DOMAIN:
				offer_domains(c, "", c->cur, 0);
				break;
			case K_DOMAINALIAS:
				offer_domains(c, "", c->cur, 1);
				break;
			case K_MAILBOX:
			case K_ALIAS:
			case K_NEW_ADDRESS:
				offer_addresses(c, k);
				break;
			case K_PATTERN:
				if (strchr(c->cur, '@') && strcmp(object, "domain") != 0)
					offer_addresses(c, strcmp(object, "alias") == 0 ? K_ALIAS : K_MAILBOX);
				else
					offer_domains(c, "", c->cur, 0);
				break;
			case K_NONE:
				break;
			}
		}
		p += strcspn(p, "|");
		if (*p == '|')
			p++;
	}
}

/* The values of key= (cur starts with "key="). */
/* A word of lower-case letters, digits and '-', two characters or more: a
 * literal value of the usage (yes, superadmin, pop3), not an example (a,b). */
static int is_literal(const char *w, size_t len)
{
	if (len < 2)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9') || w[i] == '-'))
			return 0;
	return 1;
}

/* Is w one of the elements of the first len bytes of the list val? */
static int list_has(const char *val, size_t len, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i < len;) {
		size_t l = strcspn(val + i, ",");

		if (l == wl && strncmp(val + i, w, wl) == 0)
			return 1;
		i += l + 1;
	}
	return 0;
}

/* The usage's value of key: what follows "key=" in its word, up to a '|'
 * that starts another key= alternative ("password=TEXT|password-hash=HASH").
 * "" when the usage does not show the key. */
static void usage_value(const char *usage, const char *key, size_t keylen, char *out, size_t outlen)
{
	char **uw;
	int n = usage_words(usage, &uw);

	*out = '\0';
	for (int i = 0; i < n; i++) {
		for (const char *p = uw[i]; p && *p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL) {
			if (strncmp(p, key, keylen) == 0 && p[keylen] == '=' && !*out) {
				const char *v = p + keylen + 1, *e = v;

				/* the value runs on through '|' alternatives without '=' */
				while (*e) {
					size_t l = strcspn(e, "|");

					if (memchr(e, '=', l))
						break;
					e += l;
					if (*e == '|')
						e++;
				}
				if (e > v && e[-1] == '|' && *e)
					e--;
				snprintf(out, outlen, "%.*s", (int)(e - v), v);
			}
		}
		free(uw[i]);
	}
	free(uw);
}

/* The values of key= (cur starts with "key="), as the usage shows them:
 * alternatives (enabled=yes|no), a list of words completed one element at
 * a time (services=imap,pop3,smtp,sieve), a placeholder (target=DOMAIN), or
 * a list of domains (domains=a.test,b.test). */
static void offer_values(struct comp *c, const struct action_info *ai, const char *key, size_t keylen)
{
	char head[512], spec[256];
	const char *val = c->cur + keylen + 1;
	const char *comma = strrchr(val, ',');
	size_t hl;

	usage_value(ai->usage, key, keylen, spec, sizeof spec);
	/* "set" usages abbreviate (domains=..): the same object's other
	 * statements may show the value */
	for (int i = 0; i < ACTION_COUNT && (!*spec || strcmp(spec, "..") == 0); i++)
		if (strcmp(action_get((enum action)i)->object, ai->object) == 0)
			usage_value(action_get((enum action)i)->usage, key, keylen, spec, sizeof spec);
	if (!*spec || strcmp(spec, "..") == 0)
		return;
	/* a list completes its last element */
	hl = (strchr(spec, ',') && comma) ? (size_t)(comma + 1 - c->cur) : keylen + 1;
	if (hl >= sizeof head)
		return;
	snprintf(head, sizeof head, "%.*s", (int)hl, c->cur);
	if (strchr(spec, ',')) {
		int literal = 1, domains = 1;

		for (const char *p = spec; *p;) {
			size_t l = strcspn(p, ",");

			literal = literal && is_literal(p, l);
			domains = domains && memchr(p, '.', l) != NULL;
			p += l;
			if (*p == ',')
				p++;
		}
		if (domains) {
			offer_domains(c, head, c->cur + hl, 0);
			return;
		}
		for (const char *p = spec; literal && *p;) {
			size_t l = strcspn(p, ",");
			char w[64];

			snprintf(w, sizeof w, "%.*s", (int)(l < sizeof w ? l : sizeof w - 1), p);
			if (!list_has(val, hl - keylen - 1, w))
				offer2(c, head, w);
			p += l;
			if (*p == ',')
				p++;
		}
		return;
	}
	for (const char *p = spec; *p;) {
		size_t l = strcspn(p, "|");
		char w[64];

		snprintf(w, sizeof w, "%.*s", (int)(l < sizeof w ? l : sizeof w - 1), p);
		if (is_literal(w, strlen(w)))
			offer2(c, head, w);
		else if (kind_of(ai->object, ai->verb, w) == K_DOMAIN)
			offer_domains(c, head, val, 0);
		p += l;
		if (*p == '|')
			p++;
	}
}

static void complete_statement(struct comp *c, const char *const *sw, int n)
{
	char **uw = NULL;
	int nuw, npos = 0, a, slot;
	const struct action_info *ai;

	if (n == 0) {
		for (int i = 0; i < ACTION_COUNT; i++) {
			int seen = 0;

			for (int j = 0; j < i && !seen; j++)
				seen = strcmp(action_get((enum action)j)->object, action_get((enum action)i)->object) == 0;
			if (!seen)
				offer(c, action_get((enum action)i)->object);
		}
		return;
	}
	if (n == 1) {
		for (int i = 0; i < ACTION_COUNT; i++)
			if (strcmp(action_get((enum action)i)->object, sw[0]) == 0)
				offer(c, action_get((enum action)i)->verb);
		return;
	}
	if ((a = action_find(sw[0], sw[1])) < 0)
		return;
	ai = action_get((enum action)a);
	if (strchr(c->cur, '=')) {
		offer_values(c, ai, c->cur, strcspn(c->cur, "="));
		return;
	}
	nuw = usage_words(ai->usage, &uw);
	/* the positional words given so far */
	for (int i = 2; i < n; i++)
		if (!is_option(sw[i]) && !(is_flag(sw[i]) && given_word((const char *const *)uw, nuw, sw[i])))
			npos++;
	/* option keys from the table not given yet */
	for (const char *p = ai->options; *p;) {
		size_t len = strcspn(p, ",");
		char key[64];

		if (len > 0 && len < sizeof key - 1 && !given_opt(sw + 2, n - 2, p, len)) {
			snprintf(key, sizeof key, "%.*s=", (int)len, p);
			offer(c, key);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	/* flags and the placeholder of the next positional word */
	slot = 0;
	for (int i = 0; i < nuw; i++) {
		const char *w = uw[i];
		size_t wl = strlen(w);

		if (is_option(w))
			continue;
		if (is_flag(w)) {
			if (!given_word(sw + 2, n - 2, w))
				offer(c, w);
			continue;
		}
		if (slot == npos || (wl > 3 && strcmp(w + wl - 3, "...") == 0 && slot <= npos)) {
			if (ai->max_pos < 0 || npos < ai->max_pos)
				offer_placeholder(c, ai->object, ai->verb, w);
			slot = -1000; /* one placeholder only */
		}
		slot++;
	}
	for (int i = 0; i < nuw; i++)
		free(uw[i]);
	free(uw);
}

/* ---------------------------------------------------------------- the command line */

static const struct option *find_long(const struct option *opts, const char *name, size_t len)
{
	for (const struct option *o = opts; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct option *find_short(const struct option *opts, char ch)
{
	for (const struct option *o = opts; o->name; o++)
		if (o->val == ch)
			return o;
	return NULL;
}

static void offer_option_arg(struct comp *c, const struct option *o)
{
	if (strcmp(o->name, "config") == 0 || strcmp(o->name, "file") == 0 || strcmp(o->name, "password-file") == 0) {
		fputs(":file\n", c->out);
	} else if (strcmp(o->name, "format") == 0) {
		offer(c, "text");
		offer(c, "json");
	}
}

int complete_run(FILE *out, int nwords, const char *const *words, const struct option *opts, const char *hidden)
{
	struct comp c = {0};
	int i = 0;

	c.out = out;
	if (nwords > 0 && strcmp(words[0], "--") == 0) {
		words++;
		nwords--;
	}
	c.cur = nwords > 0 ? words[nwords - 1] : "";
	nwords = nwords > 0 ? nwords - 1 : 0; /* the words before the cursor */
	while (i < nwords && words[i][0] == '-' && words[i][1]) {
		const char *w = words[i];
		const struct option *o;
		const char *val = NULL;

		if (strcmp(w, "--") == 0) {
			i++;
			break;
		}
		if (w[1] == '-') {
			size_t len = strcspn(w + 2, "=");

			o = find_long(opts, w + 2, len);
			if (o && w[2 + len] == '=')
				val = w + 3 + len;
		} else {
			o = find_short(opts, w[1]);
			if (o && w[2])
				val = w + 2;
		}
		i++;
		if (o && o->has_arg == required_argument && !val) {
			if (i == nwords) {
				offer_option_arg(&c, o);
				goto done;
			}
			val = words[i++];
		}
		if (!o)
			continue;
		if (o->val == 'c')
			c.config_path = val;
		else if (o->val == 'd')
			c.url = val;
		else if (strcmp(o->name, "user") == 0)
			c.with_user = 1;
	}
	if (i == nwords && c.cur[0] == '-') {
		for (const struct option *o = opts; o->name; o++) {
			char buf[64];

			if (hidden && strcmp(o->name, hidden) == 0)
				continue;
			snprintf(buf, sizeof buf, "--%s%s", o->name, o->has_arg == required_argument ? "=" : "");
			/* --format takes "=": the others' argument is the next word */
			if (o->has_arg == required_argument && strcmp(o->name, "format") != 0)
				buf[strlen(buf) - 1] = '\0';
			offer(&c, buf);
		}
		goto done;
	}
	complete_statement(&c, words + i, nwords - i);
done:
	comp_db_close(&c);
	for (int k = 0; k < c.printed; k++)
		free(c.seen[k]);
	free(c.seen);
	return 0;
}
