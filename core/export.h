/* SPDX-License-Identifier: MIT */
/* export.h: `export csv [FILE|-]` and `export script [FILE|-]`.
 *
 * Both read one consistent snapshot (one transaction) in the order domains,
 * domain aliases, mailboxes (with their services), the domains' default
 * services (after the mailboxes, so none takes it on top of its own),
 * aliases, sender grants (services.h, sender.h; the CSV's own row kinds
 * services, domainservices and sender, import.h). The CSV is Modoboa's (csvio.h,
 * import.h) with the stored password hashes. The script is statements that
 * recreate the same rows when run with -f into an empty database: mailboxes
 * with password-hash= (so hashes round-trip) and quota= only when they do
 * not follow their domain's quota; aliases after the aliases they list (a
 * cycle is added with a placeholder recipient and completed by `alias set`).
 * A file is written with mode 0600 (it holds password hashes), through a
 * temporary file renamed into place, so a failed export leaves no partial
 * file. */
#ifndef VMAILADM_EXPORT_H
#define VMAILADM_EXPORT_H

#include <stdio.h>

/* Writes s as one statement word, quoted when needed so the statement
 * reader (stmt.h) gives s back. */
void export_word(FILE *out, const char *s);

#endif
