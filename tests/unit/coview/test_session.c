/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "coview/coview_int.h"

#define GH "00000000-0000-4000-8000-0000000000a1"
#define AOBA "00000000-0000-4000-8000-0000000000a2"
#define VNS "00000000-0000-4000-8000-0000000000a3"
#define PATIENT "00000000-0000-4000-8000-0000000000b1"
#define STUDY "1.2.392.200036.9116.2.6.1.48"

static struct principal person(const char *user, const char *org, const char *name)
{
    struct principal p = {0};
    snprintf(p.user_id, sizeof p.user_id, "%s", user);
    snprintf(p.org_id, sizeof p.org_id, "%s", org);
    snprintf(p.name, sizeof p.name, "%s", name);
    return p;
}

static struct principal sato, tanaka, mori, suzuki;

static int setup(void **state)
{
    (void)state;
    sato = person("00000000-0000-4000-8000-000000000001", GH, "佐藤 健一");
    tanaka = person("00000000-0000-4000-8000-000000000002", AOBA, "田中 誠");
    mori = person("00000000-0000-4000-8000-000000000003", AOBA, "森 健太");
    suzuki = person("00000000-0000-4000-8000-000000000004", VNS, "鈴木 恵子");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    coview_sessions_clear();
    return 0;
}

/* A session of sato's with tanaka (invited by name) joined. */
static void two(struct coview_ref *ref)
{
    struct error err = {0};
    assert_true(coview_session_start(&err, &sato, "みなみ総合病院", STUDY, PATIENT, ref));
    assert_true(coview_session_invite(&err, ref->id, AOBA, tanaka.user_id));
    assert_true(coview_session_join(&err, ref->id, &tanaka, "あおば在宅クリニック"));
}

/* What a reader that has had version and seq gets now (SSE text, malloc'd; "" for nothing). */
static char *take(const char *id, const struct principal *p, uint64_t *version, uint64_t *seq,
                  bool *ended)
{
    struct strbuf out = {0};
    bool member;
    coview_lock();
    struct coview_session *s = coview_session_ref_locked(id);
    assert_non_null(s);
    coview_session_take_locked(s, p, version, seq, ended, &member, &out);
    coview_session_unref_locked(s);
    coview_unlock();
    strbuf_puts(&out, "");
    return strbuf_steal(&out);
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void who_finds_a_session(void **state)
{
    (void)state;
    struct coview_ref ref, got;
    two(&ref);
    assert_true(coview_session_find(ref.id, &sato, &got) && got.starter && got.presenter);
    assert_true(coview_session_find(ref.id, &tanaka, &got) && got.participant && !got.presenter);
    /* mori's organisation is not invited as a whole; suzuki's not at all */
    assert_false(coview_session_find(ref.id, &mori, &got));
    assert_false(coview_session_find(ref.id, &suzuki, &got));
    struct error err = {0};
    assert_true(coview_session_invite(&err, ref.id, AOBA, NULL));
    assert_true(coview_session_find(ref.id, &mori, &got) && got.invited && !got.participant);
}

static void a_slow_reader_gets_the_newest_state_only(void **state)
{
    (void)state;
    struct coview_ref ref;
    two(&ref);
    uint64_t version = 0, seq = 0;
    bool ended;
    char *text = take(ref.id, &tanaka, &version, &seq, &ended);
    assert_int_equal(count(text, "event: state"), 1);
    free(text);
    struct error err = {0};
    char view[64];
    for (int i = 1; i <= 5; i++) {
        snprintf(view, sizeof view, "{\"index\":%d}", i);
        assert_true(coview_session_view(&err, ref.id, &sato, view));
    }
    text = take(ref.id, &tanaka, &version, &seq, &ended);
    assert_int_equal(count(text, "event: state"), 1); /* one, not five */
    assert_non_null(strstr(text, "\"view\":{\"index\":5}"));
    free(text);
    text = take(ref.id, &tanaka, &version, &seq, &ended);
    assert_string_equal(text, ""); /* nothing new */
    free(text);
    /* the guest may not present */
    assert_false(coview_session_view(&err, ref.id, &tanaka, "{}"));
    assert_int_equal(err.code, ERR_COVIEW_NOT_PRESENTER);
}

static void messages_keep_the_last_hundred(void **state)
{
    (void)state;
    struct coview_ref ref;
    two(&ref);
    struct error err = {0};
    uint64_t seq = 0;
    char text[32];
    for (int i = 1; i <= COVIEW_MESSAGES + 5; i++) {
        snprintf(text, sizeof text, "所見 %d", i);
        assert_true(coview_session_message(&err, ref.id, &tanaka, text, &seq));
    }
    assert_int_equal(seq, COVIEW_MESSAGES + 5);
    uint64_t version = 0, had = 0;
    bool ended;
    char *out = take(ref.id, &sato, &version, &had, &ended);
    assert_int_equal(count(out, "event: message"), COVIEW_MESSAGES);
    assert_null(strstr(out, "\"所見 5\""));
    assert_non_null(strstr(out, "\"所見 6\""));
    assert_int_equal(had, COVIEW_MESSAGES + 5);
    free(out);
    assert_false(coview_session_message(&err, ref.id, &mori, "x", &seq)); /* not a participant */
    assert_int_equal(err.code, ERR_COVIEW_NOT_PARTICIPANT);
}

static void the_presenter_hands_over_and_the_last_one_out_ends_it(void **state)
{
    (void)state;
    struct coview_ref ref, got;
    two(&ref);
    struct error err = {0};
    assert_false(coview_session_hand_over(&err, ref.id, &tanaka, sato.user_id, GH));
    assert_int_equal(err.code, ERR_COVIEW_NOT_PRESENTER);
    struct error other = {0}; /* an error is set once */
    assert_false(coview_session_hand_over(&other, ref.id, &sato, mori.user_id, AOBA));
    assert_int_equal(other.code, ERR_COVIEW_PRESENTER_TARGET);
    assert_true(coview_session_hand_over(&err, ref.id, &sato, tanaka.user_id, AOBA));
    assert_true(coview_session_find(ref.id, &tanaka, &got) && got.presenter);
    /* the presenter leaves: the role passes to the one who joined first of those left */
    bool ended;
    assert_true(coview_session_leave(&err, ref.id, &tanaka, &ended));
    assert_false(ended);
    assert_true(coview_session_find(ref.id, &sato, &got) && got.presenter);
    uint64_t version = 0, seq = 0;
    char *text = take(ref.id, &sato, &version, &seq, &ended);
    free(text);
    assert_true(coview_session_leave(&err, ref.id, &sato, &ended));
    assert_true(ended);
    assert_false(coview_session_find(ref.id, &sato, &got));
}

static void an_idle_session_ends(void **state)
{
    (void)state;
    struct coview_ref ref, got;
    two(&ref);
    struct coview_ended ended[4];
    assert_int_equal(coview_sessions_expire(clock_now_ms() + 1000, ended, 4), 0);
    assert_int_equal(coview_sessions_expire(clock_now_ms() + COVIEW_IDLE_MS, ended, 4), 1);
    assert_string_equal(ended[0].id, ref.id);
    assert_string_equal(ended[0].patient_id, PATIENT);
    assert_false(coview_session_find(ref.id, &sato, &got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(who_finds_a_session, setup, teardown),
        cmocka_unit_test_setup_teardown(a_slow_reader_gets_the_newest_state_only, setup, teardown),
        cmocka_unit_test_setup_teardown(messages_keep_the_last_hundred, setup, teardown),
        cmocka_unit_test_setup_teardown(the_presenter_hands_over_and_the_last_one_out_ends_it,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(an_idle_session_ends, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
