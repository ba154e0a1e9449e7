/* SPDX-License-Identifier: MIT */
/* auth.c: logins, the Unix-account mapping and the role gates (see auth.h). */
#include "core/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/password.h"
#include "lib/xalloc.h"

#define AUTH_PASSWORD_MAX 1024

static int failures;

int auth_failures(void)
{
	return failures;
}

void auth_hide_url_password(char *arg)
{
	char *p = strstr(arg, "://"), *at, *colon;

	if (p) {
		p += 3;
		at = strrchr(p, '@');
		colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
		if (colon)
			memset(colon + 1, 'x', (size_t)(at - colon - 1));
	}
	/* libpq key=value strings and URL query parameters */
	for (p = arg; (p = strstr(p, "password=")) != NULL;) {
		p += strlen("password=");
		while (*p && *p != ' ' && *p != '&')
			*p++ = 'x';
	}
}

int auth_privileged(void)
{
	return getuid() != geteuid() || getgid() != getegid();
}

/* Copies s into buf with anything but printable ASCII shown as '?', so that
 * a hostile login cannot forge log lines or drive a terminal. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static void sleep_seconds(unsigned s)
{
	struct timespec ts = {(time_t)s, 0};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One failed login: logged (syslog, stderr) and slowed down. The delay grows
 * with every failure in this process (1 s, 2 s, 4 s, 8 s, 8 s ...), so a
 * console left open cannot be used to guess quickly. */
static enum vm_status login_failed(struct vm *vm, const char *login, const char *why, struct vm_error *err)
{
	char shown[128];
	unsigned delay;

	failures++;
	printable(login, shown, sizeof shown);
	openlog("vmailadm", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_AUTHPRIV | LOG_NOTICE, "failed login for '%s' from %s (uid %ld): %s", shown, vm->actor.origin,
	       (long)getuid(), why);
	closelog();
	fprintf(stderr, "vmailadm: failed login for '%s' from %s logged\n", shown, vm->actor.origin);
	delay = failures >= 4 ? 8u : 1u << (failures - 1);
	sleep_seconds(delay);
	/* one message for every reason: nobody learns which logins exist */
	return vm_fail(err, VM_ERR_DENIED, "login failed: unknown login, wrong password, or not an enabled administrator");
}

/* The admin_user row of login: id, password, is_active, is_superuser, and
 * whether it is in DomainAdmins. *found = 0 when there is none. */
struct admin_row {
	long long id;
	char password[PASSWORD_HASH_MAX + 1];
	int active, superuser, domainadmin;
};

static enum vm_status read_admin(struct vm *vm, const char *login, struct admin_row *r, int *found, struct vm_error *err)
{
	struct db_result *res = NULL;
	enum vm_status st;

	*found = 0;
	memset(r, 0, sizeof *r);
	st = vm_sql(vm,
		    "SELECT u.id, u.password, u.is_active, u.is_superuser, "
		    "(SELECT COUNT(*) FROM admin_user_groups ug JOIN auth_group g ON g.id = ug.group_id "
		    "WHERE ug.user_id = u.id AND g.name = 'DomainAdmins') "
		    "FROM admin_user u WHERE u.username = ?",
		    1, (const char *const[]){login}, &res, err, "reading administrators");
	if (st != VM_OK)
		return st;
	if (res->nrows == 1) {
		*found = 1;
		r->id = vm_ll(db_value(res, 0, 0));
		snprintf(r->password, sizeof r->password, "%s", db_value(res, 0, 1) ? db_value(res, 0, 1) : "");
		r->active = vm_ll(db_value(res, 0, 2)) != 0;
		r->superuser = vm_ll(db_value(res, 0, 3)) != 0;
		r->domainadmin = vm_ll(db_value(res, 0, 4)) > 0;
	}
	db_result_free(&res);
	return VM_OK;
}

static void set_actor(struct vm *vm, const char *login, const struct admin_row *r)
{
	vm->actor.superuser = r->superuser;
	vm->actor.user_id = r->id;
	snprintf(vm->actor.login, sizeof vm->actor.login, "%s", login);
}

enum vm_status auth_login_password(struct vm *vm, const char *login, const char *password, struct vm_error *err)
{
	struct admin_row r;
	int found = 0, ok;
	enum vm_status st;

	if (!*login || strlen(login) > 254)
		return login_failed(vm, login, "malformed login", err);
	if ((st = read_admin(vm, login, &r, &found, err)) != VM_OK)
		return st;
	if (found) {
		ok = password_verify(password, r.password);
	} else {
		/* hash anyway, so that an unknown login costs as long as a
		 * wrong password and timing tells nothing */
		char tmp[PASSWORD_HASH_MAX + 1];
		struct vm_error ignored;

		if (password_hash("SHA512-CRYPT", password, tmp, &ignored) == VM_OK)
			explicit_bzero(tmp, sizeof tmp);
		ok = 0;
	}
	explicit_bzero(r.password, sizeof r.password);
	if (!found)
		return login_failed(vm, login, "unknown login", err);
	if (!ok)
		return login_failed(vm, login, "wrong password", err);
	if (!r.superuser && !r.domainadmin)
		return login_failed(vm, login, "not an administrator", err);
	if (!r.active)
		return login_failed(vm, login, "administrator disabled", err);
	set_actor(vm, login, &r);
	return VM_OK;
}

char *auth_unix_login(const char *map, const char *unix_name)
{
	size_t ul = strlen(unix_name);
	const char *p = map;

	if (!map || !*unix_name)
		return NULL;
	while (*p) {
		const char *e = strchr(p, ','), *eq;
		size_t n = e ? (size_t)(e - p) : strlen(p);

		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		eq = memchr(p, '=', n);
		if (eq) {
			size_t kl = (size_t)(eq - p);

			while (kl && (p[kl - 1] == ' ' || p[kl - 1] == '\t'))
				kl--;
			if (kl == ul && strncmp(p, unix_name, ul) == 0) {
				const char *v = eq + 1, *end = p + n;

				while (v < end && (*v == ' ' || *v == '\t'))
					v++;
				while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
					end--;
				return end > v ? xstrndup(v, (size_t)(end - v)) : NULL;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

/* First line of a file (at most AUTH_PASSWORD_MAX bytes) into buf. */
static enum vm_status password_from_file(const char *path, char *buf, size_t len, struct vm_error *err)
{
	char ebuf[512];
	FILE *f;
	size_t n;

	if (conf_check_private(path, "password file", ebuf, sizeof ebuf) != 0)
		return vm_fail(err, VM_ERR_USAGE, "--password-file: %s", ebuf);
	if (!(f = fopen(path, "r")))
		return vm_fail(err, VM_ERR_USAGE, "--password-file %s: %s", path, strerror(errno));
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return VM_OK;
}

/* Asks on the controlling terminal without echo. */
static enum vm_status password_from_tty(const char *login, char *buf, size_t len, struct vm_error *err)
{
	struct termios old, quiet;
	char shown[128], *prompt;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	ssize_t r;
	size_t n = 0;
	char c;

	if (fd < 0)
		return vm_fail(err, VM_ERR_USAGE,
			       "--user %s: no password: give --password-file FILE or VMAILADM_PASSWORD, or run on a terminal",
			       printable(login, shown, sizeof shown));
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return vm_fail(err, VM_ERR_USAGE, "--user: cannot read a password from the terminal: %s", strerror(errno));
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	prompt = xasprintf("Password for %s: ", printable(login, shown, sizeof shown));
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* the prompt is a courtesy; reading still works */
	}
	free(prompt);
	(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	while ((r = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r')
		if (n + 1 < len)
			buf[n++] = c;
	buf[n] = '\0';
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* nothing to do */
	}
	close(fd);
	c = 0;
	return VM_OK;
}

/* The name of the real Unix account. */
static void unix_name(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw && pw->pw_name)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%ld", (long)getuid());
}

static enum vm_status login_mapped(struct vm *vm, const char *uname, const char *login, struct vm_error *err)
{
	struct admin_row r;
	int found = 0;
	enum vm_status st;

	if ((st = read_admin(vm, login, &r, &found, err)) != VM_OK)
		return st;
	explicit_bzero(r.password, sizeof r.password);
	if (!found || (!r.superuser && !r.domainadmin) || !r.active) {
		char shown[128];

		openlog("vmailadm", LOG_PID, LOG_AUTHPRIV);
		syslog(LOG_AUTHPRIV | LOG_NOTICE,
		       "unix account %s is mapped to '%s', which is not an enabled administrator", uname,
		       printable(login, shown, sizeof shown));
		closelog();
		return vm_fail(err, VM_ERR_DENIED,
			       "Unix account %s is mapped ([access] unix_logins) to '%s', which is not an enabled "
			       "administrator",
			       uname, shown);
	}
	set_actor(vm, login, &r);
	return VM_OK;
}

enum vm_status core_login(struct vm *vm, const char *user, const char *password_file, struct vm_error *err)
{
	char uname[64];
	char *mapped;
	enum vm_status st;

	unix_name(uname, sizeof uname);
	if (user) {
		char pw[AUTH_PASSWORD_MAX + 2];
		const char *env = getenv("VMAILADM_PASSWORD");

		if (password_file)
			st = password_from_file(password_file, pw, sizeof pw, err);
		else if (env) {
			snprintf(pw, sizeof pw, "%s", env);
			/* programs started later (doveadm, postmap) must not inherit it */
			unsetenv("VMAILADM_PASSWORD");
			st = VM_OK;
		} else
			st = password_from_tty(user, pw, sizeof pw, err);
		if (st == VM_OK)
			st = auth_login_password(vm, user, pw, err);
		explicit_bzero(pw, sizeof pw);
		return st;
	}
	if (password_file)
		return vm_fail(err, VM_ERR_USAGE, "--password-file goes with --user LOGIN");
	mapped = auth_unix_login(vm->cfg ? vm->cfg->unix_logins : NULL, uname);
	if (mapped) {
		st = login_mapped(vm, uname, mapped, err);
		free(mapped);
		return st;
	}
	if (auth_privileged()) {
		/* the program may read the credentials; the caller must be able to */
		if (!vm->cfg || !vm->cfg->path || access(vm->cfg->path, R_OK) != 0 ||
		    (vm->cfg->db_password_file && access(vm->cfg->db_password_file, R_OK) != 0))
			return vm_fail(err, VM_ERR_DENIED,
				       "Unix account %s may not read the database credentials and has no "
				       "administrator login: use --user LOGIN, or map the account in [access] unix_logins",
				       uname);
	}
	vm->actor.superuser = 1;
	vm->actor.user_id = 0;
	snprintf(vm->actor.login, sizeof vm->actor.login, "unix:%s", uname);
	return VM_OK;
}

enum vm_status auth_require_superuser(struct vm *vm, const char *what, struct vm_error *err)
{
	if (vm->actor.superuser)
		return VM_OK;
	return vm_fail(err, VM_ERR_DENIED, "%s%sonly a superadministrator may do this (%s is a domain administrator)",
		       what ? what : "", what ? ": " : "", vm->actor.login);
}

enum vm_status auth_statement_allowed(struct vm *vm, const char *object, const char *verb, struct vm_error *err)
{
	(void)verb; /* every verb of these objects, today */
	/* objects whose every statement reaches beyond a domain: the schema,
	 * the administrators, files on the server, the whole-database export
	 * and import */
	static const char *const super_only[] = {"db", "admin", "maps", "dovecot", "ops", "export", "import"};

	if (vm->actor.superuser)
		return VM_OK;
	for (size_t i = 0; i < sizeof super_only / sizeof *super_only; i++)
		if (strcmp(object, super_only[i]) == 0)
			return auth_require_superuser(vm, NULL, err); /* interp names the statement */
	return VM_OK;
}

enum vm_status auth_check_user(struct vm *vm, long long user_id, const char *what, struct vm_error *err)
{
	struct db_result *res = NULL;
	char uid[32];
	enum vm_status st;
	int admin;

	if (vm->actor.superuser || user_id == vm->actor.user_id)
		return VM_OK;
	snprintf(uid, sizeof uid, "%lld", user_id);
	st = vm_sql(vm,
		    "SELECT u.is_superuser, (SELECT COUNT(*) FROM admin_user_groups ug JOIN auth_group g ON "
		    "g.id = ug.group_id WHERE ug.user_id = u.id AND g.name = 'DomainAdmins') FROM admin_user u WHERE u.id = ?",
		    1, (const char *const[]){uid}, &res, err, "checking access");
	if (st != VM_OK)
		return st;
	admin = res->nrows && (vm_ll(db_value(res, 0, 0)) != 0 || vm_ll(db_value(res, 0, 1)) > 0);
	db_result_free(&res);
	if (admin)
		return vm_fail(err, VM_ERR_DENIED,
			       "%s: the account belongs to an administrator; only a superadministrator may change it",
			       what);
	return VM_OK;
}
