/* SPDX-License-Identifier: MIT */
/* genfile.h: writing a set of generated configuration files (Postfix maps,
 * Dovecot's SQL files) safely.
 *
 * Every file starts with a line saying it was generated and by what, and a
 * checksum line over the rest: a file whose checksum no longer matches was
 * edited by hand and is replaced only when forced. A file whose text would
 * not change is not rewritten (its mtime stays, so Postfix does not reopen
 * it). The set is all-or-nothing: every new file is first written beside its
 * target (temporary name in the same directory, mode 0640 or the file's own, the given group,
 * synced), and only when all of them are complete are they renamed into
 * place; any failure before that removes the temporaries and leaves the old
 * files as they were. */
#ifndef VMAILADM_GENFILE_H
#define VMAILADM_GENFILE_H

#include <stddef.h>

#include "core/mailsys/dburl.h"
#include "core/vm.h"

struct gen_file {
	const char *name; /* file name inside the directory, no '/' */
	char *body;       /* the text after the two header lines (owned by the caller) */
	unsigned mode;    /* 0: 0640 (the default: map files hold the database password);
			     0644 for a file without secrets that processes outside the
			     group must read (Dovecot's LDA run as the mail owner) */
};

/* Writes files into dir. what: the command named in the header line
 * ("maps generate"); source: what the text describes ("postgresql database
 * mail on 127.0.0.1:5432"; never a password). group: the group name of the
 * files (an unknown group is an error). force: replace files edited by hand.
 * Prints one row per file (file, status: written, unchanged, replaced) to
 * vm->out in vm->format. */
enum vm_status genfile_write_set(struct vm *vm, const char *dir, const char *what, const char *source,
				 const struct gen_file *files, size_t n, const char *group, int force,
				 struct vm_error *err) __attribute__((warn_unused_result));

/* How maps generate and dovecot generate end: genfile_write_set of the n
 * files described as the database of p, then every body and conn (they hold
 * the password) wiped and freed, and p freed; the status of the write. */
enum vm_status genfile_write_db_set(struct vm *vm, const char *dir, const char *what, struct db_params *p, char *conn,
				    struct gen_file *files, size_t n, const char *group, int force,
				    struct vm_error *err) __attribute__((warn_unused_result));

/* A generator of a set of files into an absolute directory (maps_generate,
 * dovecot_generate). */
typedef enum vm_status (*genfile_fn)(struct vm *vm, const char *dir, int force, struct vm_error *err);
/* Runs fn on dir made absolute (realpath): Postfix reads pgsql:FILE.cf with a
 * relative FILE as main.cf parameters, and Dovecot's files name each other by
 * path. none: the usage message when dir is NULL or empty. */
enum vm_status genfile_generate(struct vm *vm, const char *dir, const char *none, genfile_fn fn, int force,
				struct vm_error *err) __attribute__((warn_unused_result));

/* The checksum the header line records: FNV-1a 64 of text, as 16 hex digits
 * in buf (17 bytes). It detects edits; it is not a security measure. */
void genfile_checksum(const char *text, size_t len, char buf[17]);

#endif
