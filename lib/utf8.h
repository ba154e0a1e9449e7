/* SPDX-License-Identifier: MIT */
/* utf8.h: the one UTF-8 decoder of the core. The statement and CSV readers
 * refuse what it refuses; the output and message escapers show it as \xNN. */
#ifndef VMAILADM_UTF8_H
#define VMAILADM_UTF8_H

#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at p, reading at most `left`
 * bytes, or 0 when it is not UTF-8: a stray or missing continuation byte, an
 * overlong form, a UTF-16 surrogate, a code point past U+10FFFF. On a
 * NUL-terminated string pass (size_t)-1: the NUL ends any sequence. */
size_t utf8_seq(const unsigned char *p, size_t left);
/* The same, and 0 also for a C1 control (U+0080..U+009F), which some
 * terminals act on: for text that is shown. */
size_t utf8_shown_seq(const unsigned char *p);

#endif
