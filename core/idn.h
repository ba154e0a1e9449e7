/* SPDX-License-Identifier: MIT */
/* idn.h: international domain names. vmailadm stores a domain in its ASCII
 * form (xn-- labels), which is what Postfix and Dovecot look up; people may
 * type it in Unicode or in that form, and read it in Unicode when their
 * locale's character set is UTF-8. Conversion is libidn2's IDNA2008 with
 * UTS #46 non-transitional mapping (idn2_to_ascii_8z, IDN2_NONTRANSITIONAL):
 * case is folded, "ß" stays "ß" (xn--fa-hia), the ideographic and full-width
 * full stops separate labels like '.'.
 *
 * Only domains: local parts stay ASCII (SMTPUTF8 addresses are out of
 * scope). validate.c calls idn_to_ascii for a name that needs it and then
 * applies its ASCII rules to the result; nothing else needs to. */
#ifndef VMAILADM_IDN_H
#define VMAILADM_IDN_H

#include <stddef.h>

#include "core/vm.h"

/* Room for a domain, or an address, shown in Unicode: a character of the
 * ASCII form (at most 100, or 254 for an address) decodes to at most one
 * code point of at most 4 bytes. */
#define VM_DOMAIN_SHOWN (100 * 4 + 1)
#define VM_ADDRESS_SHOWN (254 * 4 + 1)

/* 1 when s holds a byte past ASCII or a label starting "xn--" (any case):
 * a name that must go through idn_to_ascii. */
int idn_needed(const char *s);
/* Converts the domain in (valid UTF-8, Unicode or xn-- labels or both) to
 * its ASCII form, label by label, into out (len bytes, at least 1): labels
 * that are ASCII and not xn-- are copied unchanged (validate.c's rules judge
 * them), the others are mapped and encoded, and an xn-- label must decode to
 * a valid name. On failure err names the domain, the label and the reason
 * (a code point IDNA2008 disallows, a bad xn-- label, a label over 63
 * characters once encoded, ...) and out is "". Fails with "too long" when
 * the result does not fit out. */
enum vm_status idn_to_ascii(const char *in, char *out, size_t len, struct vm_error *err)
	__attribute__((warn_unused_result));
/* The Unicode form of a stored ASCII domain, into buf (len bytes): the
 * domain itself when it has no xn-- label, or when a label does not decode
 * to a name idn_to_ascii would give back unchanged (a database filled by
 * other tools may hold anything). Returns buf. */
const char *idn_to_unicode(const char *ascii, char *buf, size_t len);
/* The same for "local@domain" (or "*@domain", "@domain"): the local part
 * unchanged, the domain in Unicode. Returns buf. */
const char *idn_address_to_unicode(const char *address, char *buf, size_t len);
/* 1 when the process's locale (LC_ALL, LC_CTYPE, LANG, as setlocale(3)
 * would pick them) uses UTF-8: then text output and the console show
 * domains in Unicode. Decided once. */
int idn_locale_utf8(void);
/* What people read: idn_to_unicode when idn_locale_utf8, else the ASCII form
 * (a copy in buf). Returns buf. */
const char *idn_shown(const char *ascii, char *buf, size_t len);
const char *idn_shown_address(const char *address, char *buf, size_t len);
/* A list of addresses joined by ',' (alias recipients) with each domain in
 * Unicode: NULL when none has an xn-- label (use the list as it is), else
 * a malloc'd string the caller frees. */
char *idn_list_to_unicode(const char *list);
/* A search prefix or a glob (* and ?) over domain names, or over addresses
 * when it holds '@' (only the part after the last '@' is converted), with
 * Unicode labels encoded so that it matches the stored ASCII form. A Unicode
 * label is converted whole, so it matches only as a complete label: "bücher"
 * finds xn--bcher-kva.example, "büch" finds nothing. A Unicode label with *
 * or ? in it cannot be encoded: an error says so. ASCII labels are copied
 * unchanged. out has len bytes. */
enum vm_status idn_pattern(const char *in, char *out, size_t len, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
