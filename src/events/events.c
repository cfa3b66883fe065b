/* SPDX-License-Identifier: Apache-2.0 */
/* The in-process event channel: one lock guards the ring of recent events and the subscriber
 * list. A subscriber with nothing to send is parked (its HTTP connection suspended, no thread
 * held); a publish wakes only the parked subscribers the event is for. */
#include "events.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"

const char *const events_topics[] = {
    "directory.status", "notification",
    "vitals.alert", /* {"alert_id", "event"}: a vital out of range raised or acknowledged (home
                     * care: to the organisations of the patient's team that may read it) */
    "referral",     /* {"referral_id", "event"} to both organisations of a referral */
    "booking",      /* {"booking_id", "event"} to both organisations of a booking */
    /* home care: to the organisations of a patient's team that may read it; none names the
     * patient (an open page reloads through its audited route) */
    "homecare.schedule", /* {"event", "visit_id", "plan_id"}: a visit or plan changed */
    "homecare.record",   /* {"record_id", "event"}: a visit record changed */
    "homecare.timeline", /* {"event", "post_id", "thread_id"}: a post, a reply, a photo */
    "homecare.report",   /* {"report_id", "event"}: a monthly nursing report changed */
    /* conference (issue 17): to the organisations told of a conference, naming no patient */
    "conference", /* {"conference_id", "event"}: scheduled, changed, minutes shared, … */
    /* issue 15: an emergency transfer (救急画像送信), to its two organisations, naming no
     * patient (the ER page reloads through its audited route) */
    "transfer", /* {"transfer_id", "event"}: sent, accepted, closed */
};
const int events_topic_count = (int)(sizeof(events_topics) / sizeof(events_topics[0]));

struct event {
    uint64_t id; /* 0: empty slot */
    uint32_t bit;
    const char *topic;
    char org[UUID_STR_LEN];  /* audience, "" for everyone */
    char user[UUID_STR_LEN]; /* narrower audience: one member of org, "" for all of them */
    char *data;
};

struct events_sub {
    struct events_sub *prev, *next;
    char org[UUID_STR_LEN];
    char user[UUID_STR_LEN];
    uint32_t topics;
    uint64_t cursor; /* id of the next event to look at */
    bool reset_due;  /* events were lost: send "reset" first */
    bool parked;
    bool tick_due;
    bool poked; /* the stream's own source has something (events_sub_poke) */
    int64_t last_sent_ms;
    events_wake_fn wake;
    void *arg;
};

static struct {
    pthread_mutex_t lock;
    struct event ring[EVENTS_RING];
    uint64_t next_id;
    struct events_sub *subs;
    int sub_count;
    bool closed;
} ev = {.lock = PTHREAD_MUTEX_INITIALIZER, .next_id = 1};

uint32_t events_topic_bit(const char *topic, size_t len)
{
    for (int i = 0; i < events_topic_count; i++)
        if (strlen(events_topics[i]) == len && memcmp(events_topics[i], topic, len) == 0)
            return 1u << i;
    return 0;
}

uint32_t events_all_topics(void)
{
    return (1u << events_topic_count) - 1;
}

/* Oldest id still in the ring (locked). */
static uint64_t oldest_id(void)
{
    return ev.next_id > EVENTS_RING ? ev.next_id - EVENTS_RING : 1;
}

static bool is_for(const struct events_sub *s, const struct event *e)
{
    return (s->topics & e->bit) && (!e->org[0] || strcmp(e->org, s->org) == 0) &&
           (!e->user[0] || strcmp(e->user, s->user) == 0);
}

uint64_t events_publish(const char *topic, const char *org_id, const char *json_data)
{
    return events_publish_user(topic, org_id, NULL, json_data);
}

uint64_t events_publish_user(const char *topic, const char *org_id, const char *user_id,
                             const char *json_data)
{
    uint32_t bit = events_topic_bit(topic, strlen(topic));
    char *data = strdup(json_data ? json_data : "{}");
    if (!bit || !data) {
        free(data);
        return 0;
    }
    pthread_mutex_lock(&ev.lock);
    uint64_t id = ev.next_id++;
    struct event *e = &ev.ring[id % EVENTS_RING];
    free(e->data);
    e->id = id;
    e->bit = bit;
    e->topic = events_topics[__builtin_ctz(bit)];
    snprintf(e->org, sizeof(e->org), "%s", org_id ? org_id : "");
    snprintf(e->user, sizeof(e->user), "%s", org_id && user_id ? user_id : "");
    e->data = data;
    for (struct events_sub *s = ev.subs; s; s = s->next) {
        if (s->parked && is_for(s, e)) {
            s->parked = false;
            s->wake(s->arg);
        }
    }
    pthread_mutex_unlock(&ev.lock);
    return id;
}

struct events_sub *events_subscribe(const char *org_id, const char *user_id, uint32_t topics,
                                    bool resume, uint64_t last_id, events_wake_fn wake, void *arg)
{
    struct events_sub *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    snprintf(s->org, sizeof(s->org), "%s", org_id ? org_id : "");
    snprintf(s->user, sizeof(s->user), "%s", user_id ? user_id : "");
    s->topics = topics;
    s->wake = wake;
    s->arg = arg;
    s->last_sent_ms = clock_mono_ms();
    pthread_mutex_lock(&ev.lock);
    s->cursor = ev.next_id;
    if (resume) {
        /* An id from the future (another process, a restart) or older than the ring: lost. */
        if (last_id >= ev.next_id || last_id + 1 < oldest_id())
            s->reset_due = true;
        else
            s->cursor = last_id + 1;
    }
    s->next = ev.subs;
    if (ev.subs)
        ev.subs->prev = s;
    ev.subs = s;
    ev.sub_count++;
    pthread_mutex_unlock(&ev.lock);
    return s;
}

void events_unsubscribe(struct events_sub *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&ev.lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        ev.subs = s->next;
    if (s->next)
        s->next->prev = s->prev;
    ev.sub_count--;
    pthread_mutex_unlock(&ev.lock);
    free(s);
}

/* One event in SSE framing; data lines split on newlines (JSON text normally has none). */
static void append_event(struct strbuf *out, uint64_t id, const char *topic, const char *data)
{
    strbuf_printf(out, "id: %llu\nevent: %s\n", (unsigned long long)id, topic);
    for (;;) {
        const char *nl = strchr(data, '\n');
        strbuf_puts(out, "data: ");
        strbuf_append(out, data, nl ? (size_t)(nl - data) : strlen(data));
        strbuf_puts(out, "\n");
        if (!nl)
            break;
        data = nl + 1;
    }
    strbuf_puts(out, "\n");
}

/* Appends pending events (locked); true if any was appended. */
static bool take_pending(struct events_sub *s, struct strbuf *out, size_t max_bytes)
{
    size_t start = out->len;
    if (s->cursor < oldest_id()) {
        s->reset_due = true; /* fell behind the ring */
        s->cursor = ev.next_id;
    }
    if (s->reset_due) {
        s->reset_due = false;
        append_event(out, ev.next_id - 1, "reset", "{}");
    }
    while (s->cursor < ev.next_id && out->len - start < max_bytes) {
        const struct event *e = &ev.ring[s->cursor % EVENTS_RING];
        if (is_for(s, e))
            append_event(out, e->id, e->topic, e->data);
        s->cursor++;
    }
    return out->len > start;
}

enum events_take_result events_take(struct events_sub *s, struct strbuf *out, size_t max_bytes,
                                    void (*park)(void *arg), void *arg)
{
    enum events_take_result r;
    pthread_mutex_lock(&ev.lock);
    if (ev.closed) {
        r = EVENTS_CLOSED;
    } else if (take_pending(s, out, max_bytes)) {
        r = EVENTS_DATA;
    } else if (s->poked) {
        s->poked = false;
        r = EVENTS_POKED;
    } else if (s->tick_due) {
        r = EVENTS_TICK;
    } else {
        s->parked = true;
        park(arg);
        r = EVENTS_PARKED;
    }
    if (r == EVENTS_DATA || r == EVENTS_TICK) {
        s->tick_due = false;
        s->last_sent_ms = clock_mono_ms();
    }
    pthread_mutex_unlock(&ev.lock);
    return r;
}

void events_sub_poke(struct events_sub *s)
{
    pthread_mutex_lock(&ev.lock);
    s->poked = true;
    if (s->parked) {
        s->parked = false;
        s->wake(s->arg);
    }
    pthread_mutex_unlock(&ev.lock);
}

void events_tick(int64_t now_mono_ms, int64_t heartbeat_ms)
{
    pthread_mutex_lock(&ev.lock);
    for (struct events_sub *s = ev.subs; s; s = s->next) {
        if (now_mono_ms - s->last_sent_ms < heartbeat_ms)
            continue;
        s->tick_due = true;
        if (s->parked) {
            s->parked = false;
            s->wake(s->arg);
        }
    }
    pthread_mutex_unlock(&ev.lock);
}

void events_shutdown(void)
{
    pthread_mutex_lock(&ev.lock);
    ev.closed = true;
    for (struct events_sub *s = ev.subs; s; s = s->next) {
        if (s->parked) {
            s->parked = false;
            s->wake(s->arg);
        }
    }
    pthread_mutex_unlock(&ev.lock);
}

void events_reopen(void)
{
    pthread_mutex_lock(&ev.lock);
    ev.closed = false;
    pthread_mutex_unlock(&ev.lock);
}

int events_subscriber_count(void)
{
    pthread_mutex_lock(&ev.lock);
    int n = ev.sub_count;
    pthread_mutex_unlock(&ev.lock);
    return n;
}
