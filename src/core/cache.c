/* SPDX-License-Identifier: Apache-2.0 */
#include "cache.h"

#include <stdlib.h>
#include <string.h>

/* One slot: the epoch it was written in, the key's hash and text, then the value. */
struct slot {
    uint64_t epoch;
    uint32_t hash;
    char key[CACHE_KEY_MAX];
};

static size_t round8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t slot_size(const struct cache *c)
{
    return round8(sizeof(struct slot)) + round8(c->value_size);
}

static struct slot *slot_at(const struct cache *c, size_t i)
{
    return (struct slot *)(c->slots + i * slot_size(c));
}

static void *value_of(struct slot *s)
{
    return (unsigned char *)s + round8(sizeof(struct slot));
}

/* FNV-1a */
static uint32_t hash_of(const char *key)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

static void drop_all(struct cache *c)
{
    c->epoch++; /* every slot of an earlier epoch reads as empty */
    c->entries = 0;
    c->drops++;
}

/* Brings the cache to version v if v is newer (another source counts as newer: the cache
 * follows the one in use); false if v is older than what it holds. */
static bool follow(struct cache *c, const struct cache_version *v)
{
    if (v->source == c->version.source && v->count == c->version.count)
        return true;
    if (v->source == c->version.source && v->count < c->version.count)
        return false;
    drop_all(c);
    c->version = *v;
    return true;
}

/* The slot of key, or the empty slot where it would go; NULL when the table has none. */
static struct slot *find(struct cache *c, const char *key, uint32_t h)
{
    if (!c->slots)
        return NULL;
    for (size_t n = 0, i = h % c->slot_count; n < c->slot_count; n++, i = (i + 1) % c->slot_count) {
        struct slot *s = slot_at(c, i);
        if (s->epoch != c->epoch || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
    return NULL;
}

bool cache_get(struct cache *c, const struct cache_version *v, const char *key, void *value_out)
{
    uint32_t h = hash_of(key);
    pthread_mutex_lock(&c->lock);
    struct slot *s = follow(c, v) ? find(c, key, h) : NULL;
    bool hit = s && s->epoch == c->epoch;
    if (hit)
        memcpy(value_out, value_of(s), c->value_size);
    hit ? c->hits++ : c->misses++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void cache_put(struct cache *c, const struct cache_version *v, const char *key, const void *value)
{
    if (strlen(key) >= CACHE_KEY_MAX)
        return;
    uint32_t h = hash_of(key);
    pthread_mutex_lock(&c->lock);
    if (!c->slots) {
        c->slot_count = 2 * c->max_entries;
        c->slots = calloc(c->slot_count, slot_size(c));
    }
    if (c->slots && follow(c, v)) {
        if (c->entries >= c->max_entries)
            drop_all(c);
        struct slot *s = find(c, key, h);
        if (s->epoch != c->epoch) {
            c->entries++;
            s->epoch = c->epoch;
            s->hash = h;
            strcpy(s->key, key);
        }
        memcpy(value_of(s), value, c->value_size);
    }
    pthread_mutex_unlock(&c->lock);
}

void cache_patch(struct cache *c, const char *key, void (*patch)(void *value, void *arg), void *arg)
{
    uint32_t h = hash_of(key);
    pthread_mutex_lock(&c->lock);
    struct slot *s = find(c, key, h);
    if (s && s->epoch == c->epoch)
        patch(value_of(s), arg);
    pthread_mutex_unlock(&c->lock);
}

void cache_clear(struct cache *c)
{
    pthread_mutex_lock(&c->lock);
    drop_all(c);
    pthread_mutex_unlock(&c->lock);
}
