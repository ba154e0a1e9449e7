/* SPDX-License-Identifier: MIT */
/* password.h: password hashing in-process with crypt(3) from libxcrypt.
 *
 * Stored forms are what Dovecot reads: "{SHA512-CRYPT}$6$...",
 * "{SHA256-CRYPT}$5$...", "{BLF-CRYPT}$2b$...", "{CRYPT}$y$..." (yescrypt:
 * Dovecot 2.3 has no scheme name of its own for it, CRYPT uses the
 * system's crypt(3), which is libxcrypt). A given hash (password-hash=) is
 * accepted with one of those prefixes, {MD5-CRYPT}, or bare (Dovecot then
 * applies default_pass_scheme = CRYPT), after checking its form with
 * crypt(3) itself. Plain text is never stored. The functions are
 * thread-safe (crypt_rn with a private buffer), so a batch can hash on all
 * cores. */
#ifndef VMAILADM_PASSWORD_H
#define VMAILADM_PASSWORD_H

#include <stddef.h>

#include "core/vm.h"

#define PASSWORD_HASH_MAX 128 /* admin_user.password is varchar(128) */

/* Is the scheme name one vmailadm can write? (case-insensitive) */
int password_scheme_known(const char *scheme);
/* The scheme new passwords are hashed with: the configuration's
 * [passwords] scheme, SHA512-CRYPT when none is set. */
const char *password_scheme(const struct vm *vm);
/* Hashes plain with scheme into out (room for PASSWORD_HASH_MAX + 1). */
enum vm_status password_hash(const char *scheme, const char *plain, char *out, struct vm_error *err)
	__attribute__((warn_unused_result));
/* Checks a given hash's form; out gets the stored form (unchanged). */
enum vm_status password_check_hash(const char *hash, char *out, struct vm_error *err) __attribute__((warn_unused_result));
/* 1 if plain matches the stored hash (any accepted form), else 0. */
int password_verify(const char *plain, const char *stored);
/* Checks a plain password before hashing (not empty, no control chars, at
 * most 1024 bytes). */
enum vm_status password_check_plain(const char *plain, struct vm_error *err) __attribute__((warn_unused_result));
/* A random password of n characters (n < size) from an unambiguous alphabet. */
void password_generate(char *out, size_t size, size_t n);

#endif
