/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "http/router.h"

static struct arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = arena_new();
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

static const struct route *match(struct request *req, const char *method, const char *path,
                                 bool *known, char *allow)
{
    memset(req, 0, sizeof(*req));
    req->op.arena = arena;
    return router_match(req, method, path, known, allow, 128);
}

static void literal_and_parameter_routes(void **state)
{
    (void)state;
    struct request req;
    bool known;
    char allow[128];
    const struct route *r = match(&req, "GET", "/api/patients", &known, allow);
    assert_non_null(r);
    assert_string_equal(r->handler_name, "patients_search");
    r = match(&req, "POST", "/api/patients/abc/consents/def/withdraw", &known, allow);
    assert_non_null(r);
    assert_string_equal(r->handler_name, "consents_withdraw");
    assert_int_equal(req.param_count, 2);
    assert_string_equal(req.params[0], "abc");
    assert_string_equal(req.params[1], "def");
    assert_int_equal(r->patient, PAT_PATH);
}

static void wrong_method_lists_allowed_ones(void **state)
{
    (void)state;
    struct request req;
    bool known;
    char allow[128];
    assert_null(match(&req, "DELETE", "/api/patients", &known, allow));
    assert_true(known);
    assert_string_equal(allow, "GET, POST");
}

static void unknown_paths_do_not_match(void **state)
{
    (void)state;
    struct request req;
    bool known;
    char allow[128];
    static const char *const paths[] = {"/api/patients/",
                                        "/api/patients//team",
                                        "/api/patients/x/team/extra/more",
                                        "/api/patientsx",
                                        "/api/patients/x/../../orgs",
                                        "",
                                        "/",
                                        "/api/me/",
                                        NULL};
    for (const char *const *p = paths; *p; p++) {
        const struct route *r = match(&req, "GET", *p, &known, allow);
        /* "/api/patients/x/../../orgs" has 5 segments: no route has that shape */
        assert_null(r);
    }
}

static void every_route_matches_itself(void **state)
{
    (void)state;
    int count;
    const struct route *const *routes = router_table(&count);
    for (int i = 0; i < count; i++) {
        const struct route *want = routes[i];
        char path[256];
        size_t n = 0;
        for (const char *p = want->pattern; *p && n < sizeof(path) - 8; p++) {
            if (*p == '{') {
                memcpy(path + n, "id1", 3);
                n += 3;
                p = strchr(p, '}');
            } else {
                path[n++] = *p;
            }
        }
        path[n] = '\0';
        struct request req;
        bool known;
        char allow[128];
        const struct route *got = match(&req, want->method, path, &known, allow);
        assert_ptr_equal(got, want);
    }
}

static void literal_segments_beat_parameters(void **state)
{
    (void)state;
    assert_true(router_pattern_compare("/fhir/{type}/_history", "/fhir/{type}/{id}") > 0);
    assert_true(router_pattern_compare("/fhir/{type}/{id}", "/fhir/{type}/_history") < 0);
    assert_true(router_pattern_compare("/a/{x}/c", "/a/b/{y}") < 0); /* the leftmost decides */
    assert_int_equal(router_pattern_compare("/a/{x}", "/a/{y}"), 0);
    struct request req;
    bool known;
    char allow[128];
    const struct route *r = match(&req, "GET", "/fhir/Observation/_history", &known, allow);
    assert_non_null(r);
    assert_string_equal(r->handler_name, "fhir_history_type");
    r = match(&req, "GET", "/fhir/Patient/p1/$everything", &known, allow);
    assert_string_equal(r->handler_name, "fhir_everything");
}

static void the_table_has_no_ambiguous_routes(void **state)
{
    (void)state;
    struct error err = {0};
    int n;
    const struct route *const *routes = router_table(&n);
    assert_true(router_table_check(&err, routes, n));
    static const struct route one = {"GET",    "/a/{x}", NULL,      "one", PERM_USER,
                                     PAT_NONE, 'R',      DATA_NONE, ""};
    static const struct route two = {"GET",    "/a/{y}", NULL,      "two", PERM_USER,
                                     PAT_NONE, 'R',      DATA_NONE, ""};
    static const struct route *const twins[] = {&one, &two};
    assert_false(router_table_check(&err, twins, 2));
    assert_non_null(strstr(err.detail, "/a/{x}"));
    static const struct route fine[] = {
        {"GET", "/a/{x}", NULL, "one", PERM_USER, PAT_NONE, 'R', DATA_NONE, ""},
        {"POST", "/a/{y}", NULL, "two", PERM_USER, PAT_NONE, 'R', DATA_NONE, ""},
        {"GET", "/a/b", NULL, "three", PERM_USER, PAT_NONE, 'R', DATA_NONE, ""},
        {"GET", "/a/{x}/c", NULL, "four", PERM_USER, PAT_NONE, 'R', DATA_NONE, ""},
    };
    static const struct route *const fine_table[] = {&fine[0], &fine[1], &fine[2], &fine[3]};
    struct error ok = {0};
    assert_true(router_table_check(&ok, fine_table, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_and_parameter_routes),
        cmocka_unit_test(wrong_method_lists_allowed_ones),
        cmocka_unit_test(unknown_paths_do_not_match),
        cmocka_unit_test(every_route_matches_itself),
        cmocka_unit_test(literal_segments_beat_parameters),
        cmocka_unit_test(the_table_has_no_ambiguous_routes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
