/* SPDX-License-Identifier: MIT */
/* validate.h: checks and normalises what an administrator types.
 *
 * Rules (Modoboa 1.0 where it states them, else what a mail administrator
 * expects, written down here):
 *  - Domain names: in Unicode or ASCII (xn-- labels), stored in the ASCII
 *    form (idn.h: IDNA2008, UTS #46 mapping), lowercased; once encoded,
 *    labels of 1..63 letters, digits and '-', not starting or ending with
 *    '-', at least two labels, at most 100 characters (admin_domain.name).
 *    A Unicode label must be one IDNA2008 allows, an xn-- label must decode
 *    to one.
 *  - Local parts: ASCII, 1..64 characters of letters, digits and
 *    !#$%&'*+-/=?^_`{|}~. with no leading, trailing or doubled dot;
 *    lowercased. The full address is at most 254 characters.
 *  - A catch-all is written "@domain" and stored as local part "*".
 *  - Sizes: a whole number of MB, or a number with K, M, G or T (binary
 *    units); the result must be a whole number of MB that fits an int. 0 is
 *    unlimited ("unlimited" is accepted too).
 *  - Booleans: yes/no, true/false, on/off, 1/0, y/n.
 *  - Display names: valid UTF-8, no control characters, split at the first
 *    space into first name and last name, each at most 30 characters.
 * Every function writes a reason into err (naming the value) on failure. */
#ifndef VMAILADM_VALIDATE_H
#define VMAILADM_VALIDATE_H

#include <stddef.h>

#include "core/vm.h"

#define VM_DOMAIN_MAX 100
#define VM_LOCAL_MAX 64
#define VM_ADDRESS_MAX 254
#define VM_NAME_MAX 30

/* out gets the normalised domain, its ASCII form (out has room for
 * VM_DOMAIN_MAX + 1). */
enum vm_status valid_domain(const char *in, char *out, struct vm_error *err) __attribute__((warn_unused_result));
/* Splits "local@domain" into normalised parts. allow_catchall: "@domain"
 * gives local "*". local has room for VM_LOCAL_MAX + 1, domain for
 * VM_DOMAIN_MAX + 1. */
enum vm_status valid_address(const char *in, int allow_catchall, char *local, char *domain, struct vm_error *err)
	__attribute__((warn_unused_result));
/* An external address (recipient): the domain may be any valid domain name. */
enum vm_status valid_local(const char *in, char *out, struct vm_error *err) __attribute__((warn_unused_result));
/* SIZE -> MB. what names the option in messages ("quota"). */
enum vm_status valid_size_mb(const char *in, const char *what, int *mb, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status valid_bool(const char *in, const char *what, int *out, struct vm_error *err)
	__attribute__((warn_unused_result));
/* Display name -> first/last (each room for VM_NAME_MAX*4 + 1 bytes). */
enum vm_status valid_name(const char *in, char *first, char *last, struct vm_error *err)
	__attribute__((warn_unused_result));
/* 1 if s is valid UTF-8 without control characters (tab excluded too). */
int valid_text(const char *s);
/* Number of UTF-8 code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* Formats MB for people: "0" -> "unlimited" when unlimited_word, "512M", "2G". buf >= 32. */
const char *fmt_mb(int mb, int unlimited_word, char *buf, size_t len);

#endif
