/* SPDX-License-Identifier: MIT */
/* auditlog.h: writing the audit log (audit.h describes the table and its
 * rows): what a transaction's end (session.c) calls just before the
 * outermost commit, in the same transaction, so that a change and its audit
 * row commit together or not at all. Below the transaction: nothing here
 * begins or ends one. Whether the table is there is looked up once per
 * session and kept behind the opaque vm->audit (freed by audit_free). */
#ifndef VMAILADM_AUDITLOG_H
#define VMAILADM_AUDITLOG_H

#include "core/change.h"
#include "core/vm.h"

/* Writes the n changes into the audit log, inside the open transaction.
 * When the table is missing (a database Modoboa made, before `db init`
 * added it) a superadministrator's changes go on with one warning on stderr
 * (VM_OK, nothing written) and a domain administrator's are refused
 * (VM_ERR_REFUSED). */
enum vm_status audit_record(struct vm *vm, const struct change *changes, size_t n, struct vm_error *err)
	__attribute__((warn_unused_result));
/* *present = 1 when the table vmailadm_audit is there; looked up once per
 * session, and again after audit_recheck() (the table was just added). */
enum vm_status audit_present(struct vm *vm, int *present, struct vm_error *err) __attribute__((warn_unused_result));
void audit_recheck(struct vm *vm);
/* Frees vm->audit and sets it to NULL. */
void audit_free(struct vm *vm);

#endif
