/* SPDX-License-Identifier: Apache-2.0 */
/* Facility directory search: filters in SQL, then free text (kana-normalised), great-circle
 * distance and the order in C over the candidate rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/kana.h"
#include "directory_int.h"

struct search {
    const char *function, *department, *equipment, *service, *available, *emergency;
    bool shared;
    bool near;
    double lat, lon;
    char *q; /* normalised, malloc'd */
};

struct hit {
    char id[UUID_STR_LEN];
    double distance; /* INFINITY when unknown */
    size_t rank;     /* position in the name order */
};

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = M_PI / 180.0, r = 6371.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(fmin(1.0, sqrt(a)));
}

static bool code_param(struct error *err, struct request *req, const char *name,
                       const char *const *codes, const char **out)
{
    *out = request_query(req, name);
    if (*out && !codes_known(codes, *out))
        return error_set(err, ERR_BAD_QUERY, "%s: unknown code", name);
    return true;
}

static bool parse_point(const char *s, double *lat, double *lon)
{
    char *end;
    *lat = strtod(s, &end);
    if (end == s || *end != ',')
        return false;
    const char *p = end + 1;
    *lon = strtod(p, &end);
    return end != p && !*end && isfinite(*lat) && isfinite(*lon) && fabs(*lat) <= 90 &&
           fabs(*lon) <= 180;
}

static bool org_point(struct error *err, struct request *req, const char *id, struct search *q)
{
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_BAD_QUERY, "near_org: not an organisation id");
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT latitude, longitude FROM org_profiles WHERE org_id = ? AND latitude IS NOT NULL",
        "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        q->lat = store_double(s, 0);
        q->lon = store_double(s, 1);
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (r == STORE_ROW) {
        q->near = true;
        return true;
    }
    // An organisation that has not published its position yet: no distances, name order (the
    // UI sorts by distance from one's own organisation by default).
    bool exists = false;
    if (!accounts_org_exists(err, req->op.conn, id, &exists))
        return false;
    return exists ? true : error_set(err, ERR_BAD_QUERY, "near_org: no such organisation");
}

static bool parse_search(struct error *err, struct request *req, struct search *q)
{
    static const char *const params[] = {
        "function", "department", "equipment", "shared", "service", "available", "emergency",
        "near",     "near_org",   "q",         "limit",  "cursor",  NULL,
    };
    if (!request_query_check(err, req, params) ||
        !code_param(err, req, "function", dir_function_codes, &q->function) ||
        !code_param(err, req, "department", dir_department_codes, &q->department) ||
        !code_param(err, req, "equipment", dir_equipment_codes, &q->equipment) ||
        !code_param(err, req, "service", dir_service_codes, &q->service) ||
        !code_param(err, req, "available", dir_bed_kind_codes, &q->available) ||
        !code_param(err, req, "emergency", dir_emergency_codes, &q->emergency))
        return false;
    const char *shared = request_query(req, "shared"), *near = request_query(req, "near");
    const char *near_org = request_query(req, "near_org"), *text = request_query(req, "q");
    if (shared && strcmp(shared, "true") != 0 && strcmp(shared, "false") != 0)
        return error_set(err, ERR_BAD_QUERY, "shared: true or false");
    q->shared = shared && strcmp(shared, "true") == 0;
    if (near && near_org)
        return error_set(err, ERR_BAD_QUERY, "near and near_org: one or the other");
    if (near && !parse_point(near, &q->lat, &q->lon))
        return error_set(err, ERR_BAD_QUERY, "near: latitude,longitude");
    if (near_org && !org_point(err, req, near_org, q))
        return false;
    q->near = q->near || near;
    if (text && strlen(text) > 400)
        return error_set(err, ERR_BAD_QUERY, "q: too long");
    q->q = text ? kana_normalize(text) : NULL;
    if (q->q && !q->q[0]) {
        free(q->q);
        q->q = NULL;
    }
    return true;
}

static bool text_has(const char *text, const char *key)
{
    char *norm = kana_normalize(text ? text : "");
    bool yes = norm && strstr(norm, key);
    free(norm);
    return yes;
}

static json_t *json_col(struct store_stmt *s, int col)
{
    json_t *v =
        store_is_null(s, col) ? NULL : json_loads(store_text(s, col), JSON_DECODE_ANY, NULL);
    return v ? v : json_null();
}

static json_t *real_or_null(struct store_stmt *s, int col)
{
    return store_is_null(s, col) ? json_null() : json_real(store_double(s, col));
}

/* The columns of one result, and the joins they need. */
#define SEARCH_COLUMNS                                                                             \
    "SELECT o.id, o.code, o.name, o.name_kana, o.type, p.medical_function, p.latitude, "           \
    "p.longitude, p.acceptance_notes, b.value, em.value, "                                         \
    "(SELECT MAX(x.updated_at) FROM org_status x WHERE x.org_id = o.id), p.departments, "          \
    "p.equipment, p.services FROM orgs o LEFT JOIN org_profiles p ON p.org_id = o.id "             \
    "LEFT JOIN org_status b ON b.org_id = o.id AND b.field = 'beds' "                              \
    "LEFT JOIN org_status em ON em.org_id = o.id AND em.field = 'emergency' "

/* Every match, in name order: only what ranking needs (the page is built afterwards). */
#define SEARCH_SQL                                                                                 \
    "SELECT o.id, p.latitude, p.longitude, o.name, o.name_kana, p.acceptance_notes, b.value, "     \
    "b.updated_at FROM orgs o LEFT JOIN org_profiles p ON p.org_id = o.id "                        \
    "LEFT JOIN org_status b ON b.org_id = o.id AND b.field = 'beds' "                              \
    "LEFT JOIN org_status em ON em.org_id = o.id AND em.field = 'emergency' "                      \
    "WHERE (CAST(?1 AS TEXT) IS NULL OR p.medical_function = ?1) "                                 \
    "AND (CAST(?2 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM org_departments d "                    \
    "WHERE d.org_id = o.id AND d.code = ?2)) "                                                     \
    "AND ((CAST(?3 AS TEXT) IS NULL AND NOT ?4) OR EXISTS (SELECT 1 FROM org_equipment e "         \
    "WHERE e.org_id = o.id AND (CAST(?3 AS TEXT) IS NULL OR e.code = ?3) AND "                     \
    "(NOT ?4 OR e.shared_use = 1))) "                                                              \
    "AND (CAST(?5 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM org_services v "                       \
    "WHERE v.org_id = o.id AND v.code = ?5)) "                                                     \
    "AND (CAST(?6 AS TEXT) IS NULL OR em.value = ?6) "                                             \
    "ORDER BY o.name_kana, o.id"

static json_t *hit_item(struct store_stmt *s, double distance, const struct request *req,
                        int64_t now)
{
    json_t *fresh = json_pack("{s:o, s:b}", "updated_at", api_time_or_null(s, 11), "stale",
                              store_is_null(s, 11) || dir_stale(req, store_int(s, 11), now));
    json_t *item = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
        store_text(s, 0), "code", store_text(s, 1), "name", store_text(s, 2), "name_kana",
        store_text(s, 3), "type", store_text(s, 4), "medical_function", api_text_or_null(s, 5),
        "latitude", real_or_null(s, 6), "longitude", real_or_null(s, 7), "departments",
        json_col(s, 12), "equipment", json_col(s, 13), "services", json_col(s, 14), "beds",
        json_col(s, 9), "emergency", json_col(s, 10), "distance_km",
        isfinite(distance) ? json_real(round(distance * 1000) / 1000) : json_null(), "freshness",
        fresh);
    return item;
}

static int hit_cmp(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Whether the row's bed status (columns 6 and 7) is fresh and has free beds of kind. */
static bool beds_free(struct store_stmt *s, const char *kind, int64_t fresh_since)
{
    if (store_is_null(s, 6) || store_int(s, 7) < fresh_since)
        return false;
    json_t *beds = json_loads(store_text(s, 6), 0, NULL);
    bool free_beds = json_number_value(json_object_get(beds, kind)) > 0;
    json_decref(beds);
    return free_beds;
}

/* Appends the matching organisations to *hits (malloc'd, *n of them) with their distance. */
static bool collect(struct error *err, struct request *req, const struct search *q,
                    struct hit **hits, size_t *n)
{
    int64_t fresh_since = clock_now_ms() - req->ctx->env.status_stale_ms;
    /* the emergency status is stored as JSON text: a code is compared as its JSON string */
    const char *emergency =
        q->emergency ? arena_printf(req->op.arena, "\"%s\"", q->emergency) : NULL;
    struct store_stmt *s =
        store_query(err, req->op.conn, SEARCH_SQL, "tttbtt", q->function, q->department,
                    q->equipment, q->shared, q->service, emergency);
    if (!s)
        return false;
    size_t cap = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        if (q->q && !text_has(store_text(s, 3), q->q) && !text_has(store_text(s, 4), q->q) &&
            !text_has(store_text(s, 5), q->q))
            continue;
        if (q->available && !beds_free(s, q->available, fresh_since))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            struct hit *grown = realloc(*hits, cap * sizeof **hits);
            if (!grown) {
                store_done(s);
                return error_set(err, ERR_NOMEM, NULL);
            }
            *hits = grown;
        }
        struct hit *h = &(*hits)[*n];
        h->rank = (*n)++;
        snprintf(h->id, sizeof h->id, "%s", store_text(s, 0));
        h->distance = INFINITY;
        if (q->near && !store_is_null(s, 1) && !store_is_null(s, 2))
            h->distance = haversine_km(q->lat, q->lon, store_double(s, 1), store_double(s, 2));
    }
    store_done(s);
    return r != STORE_FAIL;
}

/* The JSON of one result, read again by id: only the page's results are built. */
static json_t *page_item(struct error *err, struct request *req, const struct hit *h, int64_t now)
{
    struct store_stmt *s =
        store_query(err, req->op.conn, SEARCH_COLUMNS "WHERE o.id = ?", "t", h->id);
    if (!s)
        return NULL;
    json_t *item = NULL;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        item = hit_item(s, h->distance, req, now);
    store_done(s);
    if (!item && r != STORE_FAIL)
        error_set(err, ERR_STORE, "organisation %s vanished", h->id);
    return item;
}

bool directory_search(struct error *err, struct request *req)
{
    struct search q = {0};
    int64_t limit, offset;
    if (!parse_search(err, req, &q) || !request_page(err, req, &limit, &offset)) {
        free(q.q);
        return false;
    }
    struct hit *hits = NULL;
    size_t n = 0;
    bool ok = collect(err, req, &q, &hits, &n);
    free(q.q);
    if (ok && q.near && n > 1)
        qsort(hits, n, sizeof *hits, hit_cmp);
    json_t *items = json_array();
    int64_t now = clock_now_ms();
    for (size_t i = (size_t)offset; ok && i < n && i < (size_t)(offset + limit); i++) {
        json_t *item = page_item(err, req, &hits[i], now);
        ok = item != NULL;
        if (ok)
            json_array_append_new(items, item);
    }
    free(hits);
    if (!ok) {
        json_decref(items);
        return false;
    }
    response_json(req, 200,
                  request_page_body(req, items, offset, limit, (size_t)(offset + limit) < n));
    return true;
}
