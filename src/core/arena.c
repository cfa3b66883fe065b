/* SPDX-License-Identifier: Apache-2.0 */
#include "arena.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_EACH_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_EACH_MALLOC 1
#endif
#endif

enum { BLOCK_SIZE = 8192 };

struct block {
    struct block *next;
    size_t used;
    size_t size;
    _Alignas(16) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    arena_cleanup_fn fn;
    void *data;
};

struct arena {
    struct block *blocks;
    struct cleanup *cleanups;
};

#ifndef ARENA_EACH_MALLOC
/* The last freed small-allocation block of this thread, handed to its next arena: a request's
 * arena then costs no malloc of 8 KiB, and no zeroing of what it never uses (arena_alloc zeroes
 * what it hands out). One block per thread, freed when the thread ends. */
static _Thread_local struct block *spare;
static _Thread_local bool spare_keyed;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *unused)
{
    (void)unused;
    free(spare);
    spare = NULL;
}

static void spare_key_create(void)
{
    if (pthread_key_create(&spare_key, spare_free) != 0)
        abort(); /* at the first arena freed, long before anything is served */
}

/* Keeps b as the thread's spare; the first time, has the thread's end free it. */
static void spare_keep(struct block *b)
{
    if (!spare_keyed) {
        pthread_once(&spare_once, spare_key_create);
        pthread_setspecific(spare_key, &spare_keyed); /* any value but NULL */
        spare_keyed = true;
    }
    spare = b;
}
#endif

static void *xcalloc(size_t n)
{
    void *p = calloc(1, n);
    if (!p) {
        fputs("tsunagu: out of memory\n", stderr);
        abort();
    }
    return p;
}

struct arena *arena_new(void)
{
    return calloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    for (struct cleanup *c = a->cleanups; c;) {
        struct cleanup *next = c->next;
        c->fn(c->data);
        c = next;
    }
    for (struct block *b = a->blocks; b;) {
        struct block *next = b->next;
#ifndef ARENA_EACH_MALLOC
        if (!spare && b->size == BLOCK_SIZE) {
            spare_keep(b);
            b = next;
            continue;
        }
#endif
        free(b);
        b = next;
    }
    free(a);
}

static struct block *block_new(struct arena *a, size_t size)
{
    struct block *b = xcalloc(sizeof(struct block) + size);
    b->size = size;
    b->next = a->blocks;
    a->blocks = b;
    return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need == 0)
        need = 16;
#ifdef ARENA_EACH_MALLOC
    struct block *own = block_new(a, need);
    own->used = need;
    return own->data;
#else
    if (need > BLOCK_SIZE / 4) {
        struct block *big = block_new(a, need);
        big->used = need;
        /* keep the current small-allocation block in front */
        if (big->next) {
            a->blocks = big->next;
            big->next = a->blocks->next;
            a->blocks->next = big;
        }
        return big->data;
    }
    struct block *b = a->blocks;
    if (!b || b->size - b->used < need) {
        if (spare) {
            b = spare;
            spare = NULL;
            b->used = 0;
            b->next = a->blocks;
            a->blocks = b;
        } else {
            b = block_new(a, BLOCK_SIZE);
        }
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, need); /* a spare block holds the bytes of an earlier request */
    return p;
#endif
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_cleanup_add(struct arena *a, arena_cleanup_fn fn, void *data)
{
    struct cleanup *c = arena_alloc(a, sizeof(*c));
    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
}
