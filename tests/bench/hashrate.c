/* SPDX-License-Identifier: MIT */
/* hashrate.c: single-core and all-core password hashing rate with the
 * configured scheme, measured with vmailadm's own password_hash and
 * bulk_hash_all. Usage: hashrate N [SCHEME]. Prints "single H/s" and
 * "all H/s threads". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/bulk.h"
#include "core/password.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 500;
	const char *scheme = argc > 2 ? argv[2] : "SHA512-CRYPT";
	struct hash_job *jobs = calloc(n, sizeof *jobs);
	char out[PASSWORD_HASH_MAX + 1];
	struct vm_error err;
	double t0, t1;

	if (!jobs || n == 0)
		return 2;
	t0 = now();
	for (size_t i = 0; i < n; i++)
		if (password_hash(scheme, "bench-password", out, &err) != VM_OK) {
			fprintf(stderr, "hashrate: %s\n", err.msg);
			return 1;
		}
	t1 = now();
	printf("single %.1f\n", (double)n / (t1 - t0));
	for (size_t i = 0; i < n; i++)
		jobs[i].plain = "bench-password";
	t0 = now();
	bulk_hash_all(scheme, jobs, n);
	t1 = now();
	printf("all %.1f %d\n", (double)n / (t1 - t0), bulk_hash_threads(n));
	free(jobs);
	return 0;
}
