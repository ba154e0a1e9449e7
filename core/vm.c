/* SPDX-License-Identifier: MIT */
/* vm.c: the bottom of the core session (vm.h): errors, SQL helpers, the
 * access check, dates. The session's life and its transactions are session.c. */
#include "core/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/utf8.h"

const char *vm_status_name(enum vm_status st)
{
	switch (st) {
#define X(e, s)                                                                                                        \
	case e:                                                                                                        \
		return s;
		VM_STATUS_LIST(X)
#undef X
	}
	return "unknown";
}

/* Messages quote what was typed, and every front end prints them: control
 * characters, C1 controls and invalid UTF-8 become \xNN here, once, so no
 * input can drive the terminal through an error. Idempotent (a backslash
 * is left alone), so a message that quotes another is not escaped twice. */
static void msg_make_safe(char *msg, size_t size)
{
	char tmp[sizeof((struct vm_error *)0)->msg];
	const unsigned char *p = (const unsigned char *)msg;
	size_t o = 0;

	while (*p && o + 5 < sizeof tmp) {
		int n = (int)utf8_shown_seq(p);

		if (n == 1 && (*p < 0x20 || *p == 0x7f))
			n = 0;
		if (n == 0) {
			o += (size_t)snprintf(tmp + o, sizeof tmp - o, "\\x%02x", *p);
			p++;
		} else if (o + (size_t)n < sizeof tmp) {
			memcpy(tmp + o, p, (size_t)n);
			o += (size_t)n;
			p += n;
		} else {
			break;
		}
	}
	tmp[o] = '\0';
	snprintf(msg, size, "%s", tmp);
}

enum vm_status vm_fail(struct vm_error *err, enum vm_status st, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->status = st;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		msg_make_safe(err->msg, sizeof err->msg);
	}
	return st;
}

enum vm_status vm_db_fail(struct vm_error *err, const struct db_error *dberr, const char *what)
{
	enum vm_status st;

	switch (dberr->status) {
	case DB_ERR_DUPLICATE:
		st = VM_ERR_EXISTS;
		break;
	case DB_ERR_NOT_FOUND:
		st = VM_ERR_NOT_FOUND;
		break;
	case DB_ERR_CONNECTION:
		st = VM_ERR_CONNECTION;
		break;
	case DB_ERR_PERMISSION:
		st = VM_ERR_DENIED;
		break;
	case DB_ERR_READ_ONLY:
		st = VM_ERR_READ_ONLY;
		break;
	case DB_ERR_URL:
	case DB_ERR_NOT_BUILT:
		st = VM_ERR_USAGE;
		break;
	default:
		st = VM_ERR_DB;
	}
	return vm_fail(err, st, "%s%s%s", what ? what : "", what ? ": " : "", dberr->message);
}

int vm_exit_status(enum vm_status st)
{
	switch (st) {
	case VM_OK:
		return 0;
	case VM_ERR_USAGE:
		return 2;
	case VM_ERR_CONNECTION:
		return 3;
	default:
		return 1;
	}
}

enum vm_status vm_check_domain(struct vm *vm, long long domain_id, const char *domain_name, struct vm_error *err)
{
	struct db_result *res = NULL;
	char uid[32], did[32];
	const char *p[2] = {uid, did};
	enum vm_status st;
	int granted;

	if (vm->actor.superuser)
		return VM_OK;
	snprintf(uid, sizeof uid, "%lld", vm->actor.user_id);
	snprintf(did, sizeof did, "%lld", domain_id);
	st = vm_sql(vm,
		    "SELECT 1 FROM admin_objectaccess oa JOIN django_content_type ct ON ct.id = oa.content_type_id "
		    "WHERE oa.user_id = ? AND oa.object_id = ? AND ct.app_label = 'admin' AND ct.model = 'domain'",
		    2, p, &res, err, "checking access");
	if (st != VM_OK)
		return st;
	granted = res->nrows > 0;
	db_result_free(&res);
	if (!granted)
		return vm_fail(err, VM_ERR_DENIED, "%s may not manage domain %s", vm->actor.login, domain_name);
	return VM_OK;
}

enum vm_status vm_sql(struct vm *vm, const char *sql, int n, const char *const *params, struct db_result **res,
		      struct vm_error *err, const char *what)
{
	struct db_error dberr = {0};

	if (vm->on_sql)
		vm->on_sql(vm->on_sql_arg, sql, n, params);
	if (db_exec(vm->db, sql, n, params, res, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, what);
	return VM_OK;
}

enum vm_status vm_sql_reused(struct vm *vm, const char *sql, int n, const char *const *params, struct db_result **res,
			     struct vm_error *err, const char *what)
{
	struct db_error dberr = {0};

	if (vm->on_sql)
		vm->on_sql(vm->on_sql_arg, sql, n, params);
	if (db_exec_reused(vm->db, sql, n, params, res, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, what);
	return VM_OK;
}

enum vm_status vm_sql_insert(struct vm *vm, const char *sql, int n, const char *const *params, long long *id,
			     struct vm_error *err, const char *what)
{
	struct db_error dberr = {0};

	if (db_insert(vm->db, sql, n, params, id, &dberr) != DB_OK)
		return vm_db_fail(err, &dberr, what);
	return VM_OK;
}

const char *vm_now(void)
{
	static char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

enum vm_status vm_new_dates(struct vm *vm, long long *id, struct vm_error *err)
{
	const char *now = vm_now();
	const char *p[2] = {now, now};

	return vm_sql_insert(vm, "INSERT INTO admin_objectdates (creation, last_modification) VALUES (?, ?)", 2, p, id,
			     err, "recording dates");
}

enum vm_status vm_touch_dates(struct vm *vm, long long dates_id, struct vm_error *err)
{
	char idb[32];
	const char *p[2] = {vm_now(), idb};

	snprintf(idb, sizeof idb, "%lld", dates_id);
	return vm_sql(vm, "UPDATE admin_objectdates SET last_modification = ? WHERE id = ?", 2, p, NULL, err,
		      "recording dates");
}

long long vm_ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}
