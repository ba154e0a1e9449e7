/* SPDX-License-Identifier: MIT */
/* complete.h: the words that complete a vmailadm command line, for the bash
 * completion (`vmailadm --complete WORD...`, debian/completion/vmailadm).
 *
 * words are what was typed after the program name, the last one being the
 * word under the cursor (maybe ""). What completes it:
 *  - before the statement, a word starting with '-': the long options of
 *    opts (the command line's own table, so a new option completes);
 *  - the argument of an option: ":file" for -c, -f, --password-file, the
 *    values of --format; nothing for the others;
 *  - the statement's object, then its verb, from the action table;
 *  - then the statement's option keys ("quota=") and flags ("keep-files")
 *    not given yet, the values of enabled=, role=, target=, domains=, and the
 *    positional word: what the usage string names it (NAME, ADDRESS, DOMAIN,
 *    FILE...) says whether it is a domain, a domain alias, a mailbox or an
 *    alias address, a new address (its domain after '@'), a file or a
 *    directory. So a statement added to the table completes with no edit
 *    here, as long as its usage uses these words.
 * Domain and address candidates come from the database when the
 * configuration and the database can be opened: read-only, as the caller
 * (core_login with no --user: a domain administrator mapped by [access]
 * unix_logins sees their domains only), never with --user (that would ask
 * a password) nor in a set-ID vmailadm; at most COMPLETE_MAX of them, each
 * from one indexed keyset query (an address without '@' is looked up in at
 * most COMPLETE_SCAN_DOMAINS domains, else completed to "word@").
 * Why a hidden option rather than the shell running `domain list PATTERN`:
 * a list statement reads every row it matches with its counts and usage
 * (a page of domains costs index scans per domain), has no bound but its
 * page, and prints columns to parse; here one query reads names only, at
 * most COMPLETE_MAX, through the same rights as the lists, and the
 * statements and options come from the binary's own tables.
 * Candidates go to out, one a line, starting with the word under the cursor;
 * the lines ":file" and ":dir" ask the shell for a file or directory name.
 * Nothing is printed on stderr (the shell shows what is there). */
#ifndef VMAILADM_COMPLETE_H
#define VMAILADM_COMPLETE_H

#include <getopt.h>
#include <stdio.h>

#define COMPLETE_MAX 100
#define COMPLETE_SCAN_DOMAINS 20

/* Prints the candidates for words[nwords - 1] (see above). opts is the
 * command line's option table (getopt_long's, ending with a NULL name);
 * hidden names the one option not to offer ("complete"). Returns 0. */
int complete_run(FILE *out, int nwords, const char *const *words, const struct option *opts, const char *hidden);

#endif
