/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "events/events.h"

#define ORG_A "00000000-0000-4000-8000-00000000000a"
#define ORG_B "00000000-0000-4000-8000-00000000000b"
#define USER_1 "00000000-0000-4000-8000-000000000001"
#define USER_2 "00000000-0000-4000-8000-000000000002"

static int wakes, parks;

static void on_wake(void *arg)
{
    (void)arg;
    wakes++;
}

static void on_park(void *arg)
{
    (void)arg;
    parks++;
}

/* The SSE text pending for s ("" when it parked). */
static char *take(struct events_sub *s, enum events_take_result *r)
{
    struct strbuf out = {0};
    *r = events_take(s, &out, 1 << 20, on_park, NULL);
    strbuf_puts(&out, "");
    return strbuf_steal(&out);
}

static void audience_and_topics_filter(void **state)
{
    (void)state;
    enum events_take_result r;
    struct events_sub *a =
        events_subscribe(ORG_A, NULL, events_all_topics(), false, 0, on_wake, NULL);
    struct events_sub *b = events_subscribe(ORG_B, NULL, events_topic_bit("notification", 12),
                                            false, 0, on_wake, NULL);
    char *text = take(a, &r);
    assert_int_equal(r, EVENTS_PARKED);
    free(text);
    wakes = 0;
    uint64_t id = events_publish("notification", ORG_A, "{\"n\":1}");
    assert_true(id > 0);
    assert_int_equal(wakes, 1); /* a only: b is not parked yet */
    events_publish("directory.status", NULL, "{\"s\":2}");
    assert_int_equal(events_publish("no.such.topic", NULL, "{}"), 0);
    text = take(a, &r);
    assert_int_equal(r, EVENTS_DATA);
    assert_non_null(strstr(text, "event: notification\ndata: {\"n\":1}\n\n"));
    assert_non_null(strstr(text, "event: directory.status\ndata: {\"s\":2}\n\n"));
    free(text);
    text = take(b, &r); /* not its organisation, not its topic */
    assert_int_equal(r, EVENTS_PARKED);
    free(text);
    events_unsubscribe(a);
    events_unsubscribe(b);
}

/* An event for one member reaches that member's streams in that organisation only. */
static void user_audience(void **state)
{
    (void)state;
    enum events_take_result r;
    struct events_sub *one =
        events_subscribe(ORG_A, USER_1, events_all_topics(), false, 0, on_wake, NULL);
    struct events_sub *two =
        events_subscribe(ORG_A, USER_2, events_all_topics(), false, 0, on_wake, NULL);
    struct events_sub *elsewhere =
        events_subscribe(ORG_B, USER_1, events_all_topics(), false, 0, on_wake, NULL);
    events_publish_user("notification", ORG_A, USER_1, "{\"to\":1}");
    events_publish_user("notification", ORG_A, NULL, "{\"all\":1}");
    char *text = take(one, &r);
    assert_int_equal(r, EVENTS_DATA);
    assert_non_null(strstr(text, "{\"to\":1}"));
    assert_non_null(strstr(text, "{\"all\":1}"));
    free(text);
    text = take(two, &r);
    assert_int_equal(r, EVENTS_DATA);
    assert_null(strstr(text, "{\"to\":1}"));
    assert_non_null(strstr(text, "{\"all\":1}"));
    free(text);
    text = take(elsewhere, &r); /* the same user acting for another organisation */
    assert_int_equal(r, EVENTS_PARKED);
    free(text);
    events_unsubscribe(one);
    events_unsubscribe(two);
    events_unsubscribe(elsewhere);
}

static void resume_replays_or_resets(void **state)
{
    (void)state;
    enum events_take_result r;
    uint64_t first = events_publish("notification", NULL, "{\"r\":1}");
    struct events_sub *s =
        events_subscribe(ORG_A, NULL, events_all_topics(), true, first - 1, on_wake, NULL);
    char *text = take(s, &r);
    assert_int_equal(r, EVENTS_DATA);
    assert_non_null(strstr(text, "{\"r\":1}"));
    free(text);
    events_unsubscribe(s);
    /* more than the ring holds: the old id is lost */
    for (int i = 0; i < EVENTS_RING + 5; i++)
        events_publish("vitals.alert", ORG_B, "{}");
    s = events_subscribe(ORG_A, NULL, events_all_topics(), true, first, on_wake, NULL);
    text = take(s, &r);
    assert_int_equal(r, EVENTS_DATA);
    assert_non_null(strstr(text, "event: reset\n"));
    free(text);
    events_unsubscribe(s);
}

static void ticks_and_shutdown_wake_parked(void **state)
{
    (void)state;
    enum events_take_result r;
    struct events_sub *s =
        events_subscribe(ORG_A, NULL, events_all_topics(), false, 0, on_wake, NULL);
    free(take(s, &r));
    assert_int_equal(r, EVENTS_PARKED);
    wakes = 0;
    events_tick(INT64_MAX / 2, 1000);
    assert_int_equal(wakes, 1);
    free(take(s, &r));
    assert_int_equal(r, EVENTS_TICK);
    free(take(s, &r));
    assert_int_equal(r, EVENTS_PARKED);
    events_shutdown();
    assert_int_equal(wakes, 2);
    free(take(s, &r));
    assert_int_equal(r, EVENTS_CLOSED);
    events_reopen();
    assert_int_equal(events_subscriber_count(), 1);
    events_unsubscribe(s);
    assert_int_equal(events_subscriber_count(), 0);
}

/* A poke (a stream's own source has something) wakes a parked subscriber, and one that comes
 * before the subscriber parks makes its next take say so instead of parking: none is lost. */
static void poke_wakes_or_prevents_parking(void **state)
{
    (void)state;
    enum events_take_result r;
    struct events_sub *s = events_subscribe(ORG_A, USER_1, 0, false, 0, on_wake, NULL);
    events_sub_poke(s); /* before it parks */
    char *text = take(s, &r);
    assert_int_equal(r, EVENTS_POKED);
    free(text);
    parks = wakes = 0;
    text = take(s, &r);
    assert_int_equal(r, EVENTS_PARKED);
    assert_int_equal(parks, 1);
    free(text);
    events_sub_poke(s); /* parked: woken */
    assert_int_equal(wakes, 1);
    text = take(s, &r);
    assert_int_equal(r, EVENTS_POKED);
    free(text);
    events_publish("notification", ORG_A, "{}"); /* topics 0: not for it */
    text = take(s, &r);
    assert_int_equal(r, EVENTS_PARKED);
    free(text);
    events_unsubscribe(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(audience_and_topics_filter),
        cmocka_unit_test(user_audience),
        cmocka_unit_test(resume_replays_or_resets),
        cmocka_unit_test(ticks_and_shutdown_wake_parked),
        cmocka_unit_test(poke_wakes_or_prevents_parking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
