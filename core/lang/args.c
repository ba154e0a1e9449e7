/* SPDX-License-Identifier: MIT */
/* args.c: what a statement handler reads its words with (struct args and
 * these functions are declared in interp.h). Apart from interp.c, so that the
 * handlers call down into it and interp.c, which calls the handlers, is not
 * in a call cycle with them. */
#include <string.h>

#include "core/lang/interp.h"
#include "core/validate.h"

const char *args_opt(const struct args *a, const char *key)
{
	for (int i = a->nopt - 1; i >= 0; i--)
		if (strcmp(a->keys[i], key) == 0)
			return a->vals[i];
	return NULL;
}

int args_flag(struct args *a, const char *word)
{
	for (int i = 0; i < a->npos; i++)
		if (strcmp(a->pos[i], word) == 0) {
			memmove(&a->pos[i], &a->pos[i + 1], (size_t)(a->npos - i - 1) * sizeof *a->pos);
			a->npos--;
			return 1;
		}
	return 0;
}

size_t args_opt_all(const struct args *a, const char *key, const char **vals)
{
	size_t n = 0;

	for (int i = 0; i < a->nopt; i++)
		if (strcmp(a->keys[i], key) == 0)
			vals[n++] = a->vals[i];
	return n;
}

enum vm_status args_size(const struct args *a, const char *key, int *has, int *mb, struct vm_error *err)
{
	const char *v = args_opt(a, key);

	*has = v != NULL;
	return v ? valid_size_mb(v, key, mb, err) : VM_OK;
}

enum vm_status args_bool(const struct args *a, const char *key, int *has, int *b, struct vm_error *err)
{
	const char *v = args_opt(a, key);

	*has = v != NULL;
	return v ? valid_bool(v, key, b, err) : VM_OK;
}
