/* SPDX-License-Identifier: MIT */
/* import.h: `import csv FILE [sep=X]`: Modoboa's CSV (csvio.h) into the
 * database, through the same services and rules as the statements.
 *
 * Rows: domain;name;quota;enabled  domainalias;name;target;enabled
 * account;username;password;first name;last name;enabled;group;email[;quota[;domain...]]
 * alias|forward|dlist;address;enabled;recipient[;recipient...]
 * and vmailadm's own (export csv writes them only when there is something
 * to say; Modoboa's importer does not know them):
 * services;mailbox;imap,pop3,smtp,sieve|none[;send-only]
 * domainservices;domain;imap,...  sender;mailbox;address|@domain
 * A plain password is hashed (on all cores, before the rows are written); a
 * {SCHEME}hash or bare $id$ crypt string is kept after checking its form.
 * An empty or 0 account quota means the domain's quota. Accounts of the
 * DomainAdmins or SuperAdmins group are skipped with a note on stderr:
 * administrators are managed with `admin` statements, and a Modoboa export
 * always holds its superadmin. The whole file is read and its rows checked
 * for shape before anything is written; the import is one statement, so it
 * is all or nothing (also under --keep-going, where it commits alone).
 * Messages name CSVFILE:LINE. */
#ifndef VMAILADM_IMPORT_H
#define VMAILADM_IMPORT_H

/* The separator when the statement gives no sep= (main.c's --sep). */
void import_set_default_sep(char sep);
/* Parses a separator option: one character, or "tab". -1 if invalid. */
int import_parse_sep(const char *s);

#endif
