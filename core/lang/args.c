/* SPDX-License-Identifier: MIT */
/* args.c: reading a statement's words (struct args, interp.h). Apart from
 * interp.c, which dispatches to the handlers that use it, so that the
 * handlers call only downwards. */
#include <string.h>

#include "core/lang/interp.h"

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
