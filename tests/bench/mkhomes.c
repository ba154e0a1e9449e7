/* SPDX-License-Identifier: MIT */
/* mkhomes.c: the bench's tree generator: reads "DOMAIN<TAB>LOCAL" lines on stdin and
 * makes ROOT/DOMAIN/LOCAL for each (mkdirat from a cached domain fd, so a million
 * homes take seconds, not the minutes of a shell loop); with K > 0 each home gets a
 * Maildir (cur, new, tmp) holding K small messages named as Dovecot names them
 * ("...,S=SIZE:2,S"). Usage: mkhomes ROOT K < list */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_open(int dfd, const char *name)
{
	if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST) {
		perror(name);
		exit(1);
	}
	return openat(dfd, name, O_RDONLY | O_DIRECTORY);
}

int main(int argc, char **argv)
{
	char line[1024], cur[1024] = "", data[4096];
	int root, dom = -1, k;
	long n = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: mkhomes ROOT K < list\n");
		return 2;
	}
	k = atoi(argv[2]);
	memset(data, 'x', sizeof data);
	mkdir(argv[1], 0755);
	if ((root = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof line, stdin)) {
		char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (!tab)
			continue;
		*tab = '\0';
		if (strcmp(cur, line) != 0) {
			if (dom >= 0)
				close(dom);
			dom = mkdir_open(root, line);
			snprintf(cur, sizeof cur, "%s", line);
		}
		if (k <= 0) {
			if (mkdirat(dom, tab + 1, 0755) < 0 && errno != EEXIST) {
				perror(tab + 1);
				return 1;
			}
		} else {
			int h = mkdir_open(dom, tab + 1), md = mkdir_open(h, "Maildir"), c = mkdir_open(md, "cur");

			close(mkdir_open(md, "new"));
			close(mkdir_open(md, "tmp"));
			for (int i = 0; i < k; i++) {
				char name[128];
				int fd;

				snprintf(name, sizeof name, "%ld.M%dP1.bench,S=%d:2,S", n, i, 2000 + i);
				if ((fd = openat(c, name, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
					perror(name);
					return 1;
				}
				if (write(fd, data, (size_t)(2000 + i)) != 2000 + i)
					perror(name);
				close(fd);
			}
			close(c);
			close(md);
			close(h);
		}
		n++;
	}
	printf("%ld homes\n", n);
	return 0;
}
