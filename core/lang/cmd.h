/* SPDX-License-Identifier: MIT */
/* cmd.h: what several statement handlers (core/lang/cmd_*.c) share: reading
 * option words into the services' option structs, walking the domains a list
 * pattern names, and the file generators' DIR argument. For the handlers only;
 * services never see struct args. */
#ifndef VMAILADM_CMD_H
#define VMAILADM_CMD_H

#include <stddef.h>

#include "core/domain.h"
#include "core/lang/interp.h"

/* The option key as a size in MB (valid_size_mb) / a yes-no (valid_bool):
 * *has = 1 when given. */
enum vm_status cmd_opt_size(const struct args *a, const char *key, int *has, int *mb, struct vm_error *err)
	__attribute__((warn_unused_result));
enum vm_status cmd_opt_bool(const struct args *a, const char *key, int *has, int *b, struct vm_error *err)
	__attribute__((warn_unused_result));
/* v in decimal into buf; returns buf. */
const char *cmd_fmt_ll(long long v, char *buf, size_t len);
/* Splits a list PATTERN into a domain pattern and a local-part pattern:
 * "example.com" = every mailbox of that domain; "a*@example.com";
 * "*@*.org"; "ali*" = local parts starting so, in every domain. *dom and
 * *local are malloc'd or NULL; caller frees. */
void cmd_split_pattern(const char *pat, char **dom, char **local);
/* Calls fn for every domain matching dom_pat (exact name, glob, or all:
 * NULL), page by page, those the actor may see. */
enum vm_status cmd_each_domain(struct vm *vm, const char *dom_pat,
			       enum vm_status (*fn)(struct vm *, const struct domain *, void *, struct vm_error *),
			       void *ctx, struct vm_error *err) __attribute__((warn_unused_result));

/* `maps generate` and `dovecot generate`: [DIR] [force], DIR defaulting to
 * the configured one, made absolute, then w->generate. */
struct cmd_generate_what {
	const char *statement; /* "maps generate", for the usage message */
	const char *conf_dir;  /* the configured directory, or NULL */
	const char *conf_key;  /* "[postfix] maps", for the message when neither is given */
	enum vm_status (*generate)(struct vm *vm, const char *dir, int force, struct vm_error *err);
};
enum vm_status cmd_generate(struct vm *vm, struct args *a, const struct cmd_generate_what *w, struct vm_error *err)
	__attribute__((warn_unused_result));

#endif
