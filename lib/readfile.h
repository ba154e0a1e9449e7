/* SPDX-License-Identifier: MIT */
/* readfile.h: reads a whole input file ("-" = standard input) for the
 * statement and CSV readers, with the messages both give. */
#ifndef VMAILADM_READFILE_H
#define VMAILADM_READFILE_H

#include <stddef.h>

/* Reads path into *buf (malloc'd, caller frees; NULL when empty) and *len.
 * kind names the file in messages ("a script file", "a CSV file"): a missing
 * file, a directory or a read error gives -1 and "PATH: reason" in errbuf. */
int read_whole_file(const char *path, const char *kind, char **buf, size_t *len, char *errbuf, size_t errlen);
/* The name messages use: "<stdin>" for "-", else path. */
const char *read_file_name(const char *path);

#endif
