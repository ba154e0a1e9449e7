/* SPDX-License-Identifier: MIT */
/* readfile.c: whole-file input for the statement and CSV readers (see readfile.h). */
#include "lib/readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/xalloc.h"

const char *read_file_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int read_whole_file(const char *path, const char *kind, char **bufp, size_t *lenp, char *errbuf, size_t errlen)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	struct stat st;

	*bufp = NULL;
	*lenp = 0;
	if (strcmp(path, "-") == 0) {
		f = stdin;
	} else {
		if (stat(path, &st) != 0) {
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(errbuf, errlen, "%s: is a directory, not %s", path, kind);
			return -1;
		}
		if (!(f = fopen(path, "rb"))) {
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 131072;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		snprintf(errbuf, errlen, "%s: read error: %s", read_file_name(path), strerror(errno));
		if (f != stdin)
			fclose(f);
		free(buf);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	*bufp = buf;
	*lenp = len;
	return 0;
}
