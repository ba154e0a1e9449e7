/* SPDX-License-Identifier: MIT */
/* impact.h: what a deletion will take with it, for the console's
 * confirmations ("3 aliases point at this mailbox"). Read-only counts; the
 * deleting itself is mailbox_del / domain_del (cascade.c). */
#ifndef VMAILADM_IMPACT_H
#define VMAILADM_IMPACT_H

#include "core/vm.h"

struct impact {
	long long mailboxes;       /* domain: its mailboxes */
	long long aliases;         /* domain: its aliases; mailbox: aliases listing it */
	long long aliases_emptied; /* mailbox: aliases it is the only recipient of (deleted too) */
	long long domain_aliases;  /* domain: domain aliases pointing at it */
};

enum vm_status impact_mailbox_del(struct vm *vm, const char *address, struct impact *im, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status impact_domain_del(struct vm *vm, const char *name, struct impact *im, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
