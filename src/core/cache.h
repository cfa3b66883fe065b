/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_CACHE_H
#define TSUNAGU_CORE_CACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * A small, thread-safe, bounded cache of fixed-size values under short text keys, for what the
 * store says and every request asks again (a session's principal, an access decision). Each
 * value belongs to the version of the data it was computed from (struct cache_version, e.g. the
 * store's change count, store_version): a lookup with another version misses, and the first
 * lookup or insertion with a newer one drops every entry at once. When max_entries are held the
 * next insertion drops them all too. What a value cannot learn from the version (dates, times)
 * its owner checks in the value itself.
 */

/** The data a value was computed from: which source (one open store), and its change count. */
struct cache_version {
    uint64_t source;
    int64_t count;
};

enum { CACHE_KEY_MAX = 128 /* bytes of a key, with its terminating NUL */ };

struct cache {
    pthread_mutex_t lock;
    size_t max_entries, value_size;
    /* the table, allocated on first insertion: 2 × max_entries slots, open addressing */
    unsigned char *slots;
    size_t slot_count, entries;
    struct cache_version version; /* of every entry held */
    uint64_t epoch;               /* a slot holds an entry iff its epoch is this (0: none yet) */
    uint64_t hits, misses, drops; /* for logs and tests */
};

/** A cache of at most max entries of value_size bytes each, as a static initialiser. */
#define CACHE_INIT(max, size)                                                                      \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER, .max_entries = (max), .value_size = (size)              \
    }

/** Copies the value of key at version v into value_out; false when there is none. */
bool cache_get(struct cache *c, const struct cache_version *v, const char *key, void *value_out);

/** Holds value (copied) for key at version v; ignored when v is older than what the cache holds,
 *  when the key is too long, or when memory runs out. */
void cache_put(struct cache *c, const struct cache_version *v, const char *key, const void *value);

/** Calls patch(value, arg) under the cache's lock on the value held for key, if any, whatever its
 *  version: for a change the version does not count (a session's last-seen time). */
void cache_patch(struct cache *c, const char *key, void (*patch)(void *value, void *arg),
                 void *arg);

/** Drops every entry. */
void cache_clear(struct cache *c);

#endif
