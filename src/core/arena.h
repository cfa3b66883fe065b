/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_ARENA_H
#define TSUNAGU_CORE_ARENA_H

#include <stddef.h>

/**
 * A memory pool owned by one request (or one command) and freed once.
 * Non-memory resources (json_t, file descriptors) are registered as cleanups, run in reverse
 * order by arena_free. Under AddressSanitizer every allocation is its own malloc so ASan sees it.
 */
struct arena;

typedef void (*arena_cleanup_fn)(void *data);

/** A new arena, or NULL when out of memory. */
struct arena *arena_new(void);
/** Runs the cleanups (newest first) and frees every allocation. NULL is ignored. */
void arena_free(struct arena *a);
/** n zeroed bytes owned by the arena; aborts the process when out of memory (a request cannot
 *  recover from it halfway, and the allocations are small). */
void *arena_alloc(struct arena *a, size_t n);
/** A copy of s (NULL gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
/** A copy of the first n bytes of s, NUL-terminated. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/** A formatted string owned by the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Registers fn(data) to run when the arena is freed. */
void arena_cleanup_add(struct arena *a, arena_cleanup_fn fn, void *data);

#endif
