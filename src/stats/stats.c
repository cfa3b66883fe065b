/* SPDX-License-Identifier: Apache-2.0 */
/* Referral figures (実績) of an organisation per month: JSON for the UI, CSV for Excel, and the
 * monthly first-visit counts (初診患者数) the organisation enters as the denominator of 紹介率.
 * The figures are aggregates without patient data: members of the organisation and the network
 * admin may read them. Definitions: docs/api/referral-stats.md. */
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/jsonv.h"
#include "core/strbuf.h"
#include "stats_int.h"

enum { RS_DEFAULT_MONTHS = 12, RS_MAX_FIRST_VISITS = 1000000 };

/* ---- definitions (the same words in the docs and the UI's note) ------------------------- */

static const struct api_text definitions[] = {
    {"month", "暦月(日本時間)。各件数はその月に起きた出来事を数えます。",
     "Calendar month in Japan time (Asia/Tokyo); each figure counts what happened in it."},
    {"received",
     "紹介受入数: この事業所宛ての紹介(種別 "
     "紹介)の件数。送付日の月。転送は新しい受入先の新しい紹介として数え、結果(お断り・取消を含む)"
     "を問いません。",
     "Referrals received: referrals (kind referral) to the organisation, in the month sent, "
     "whatever their outcome; a redirect counts as a new referral for its new receiver."},
    {"sent", "紹介数: この事業所から送った紹介(種別 紹介)の件数。送付日の月。",
     "Referrals sent: referrals (kind referral) from the organisation, in the month sent."},
    {"reverse_sent", "逆紹介数: この事業所から送った逆紹介の件数。送付日の月。",
     "Reverse referrals sent: reverse referrals from the organisation, in the month sent."},
    {"reverse_received", "逆紹介受入数: この事業所宛ての逆紹介の件数。送付日の月。",
     "Reverse referrals received: reverse referrals to the organisation, in the month sent."},
    {"referred_patients", "紹介患者数: 受け入れた紹介のうち、その月に受診した患者の実人数。",
     "Referred patients: distinct patients of referrals received who were seen in the month."},
    {"reverse_patients", "逆紹介患者数: その月に送った逆紹介の患者の実人数。",
     "Reverse-referred patients: distinct patients of reverse referrals sent in the month."},
    {"first_visits", "初診患者数: 事業所が月ごとに入力する値(つなぐは初診を把握していません)。",
     "First-visit patients: entered by the organisation for each month (tsunagu does not know "
     "first visits)."},
    {"referral_rate",
     "紹介率 = 紹介患者数 ÷ 初診患者数 × "
     "100(小数第1位)"
     "。初診患者数が未入力または0のときは空欄。基本的な定義で、地域医療支援病院の算定式("
     "救急搬送患者等の控除など)とは異なります。",
     "Referral rate = referred patients / first-visit patients × 100 (one decimal); empty "
     "when first visits are missing or 0. The basic definition, not the 地域医療支援病院 "
     "formula (which subtracts emergency and other categories)."},
    {"reverse_rate",
     "逆紹介率 = 逆紹介患者数 ÷ 初診患者数 × "
     "100(小数第1位)。初診患者数が未入力または0のときは空欄。",
     "Reverse referral rate = reverse-referred patients / first-visit patients × 100 (one "
     "decimal); empty when first visits are missing or 0."},
    {"median_hours",
     "中央値(時間、小数第1位): "
     "その月に送付され受け入れた紹介について、送付→受付、送付→受診、受診→返書の時間。その段階に達し"
     "たものだけを数え、無ければ空欄。",
     "Medians in hours (one decimal) over referrals received that were sent in the month: "
     "sent→accepted, sent→seen, seen→replied, counting only those that reached the later "
     "step; empty when none."},
    {"partners",
     "主な紹介元・紹介先: "
     "期間全体で、この事業所に紹介・逆紹介を送った事業所と、この事業所が送った先の上位5件。",
     "Top partners: over the whole period, the five organisations that sent most referrals "
     "and reverse referrals to the organisation, and the five it sent most to."},
};

/* ---- who may see which organisation ----------------------------------------------------- */

/* ---- the range of months ---------------------------------------------------------------- */

static void current_month(int *year, int *month)
{
    char today[11];
    int day;
    clock_today_tokyo(today);
    clock_parse_date(today, year, month, &day);
}

static bool month_param(struct error *err, struct request *req, const char *name, int *y, int *m)
{
    const char *v = request_query(req, name);
    if (!v)
        return true;
    if (!rs_month_parse(v, y, m))
        return error_set(err, ERR_BAD_QUERY, "%s: a month YYYY-MM", name);
    return true;
}

/* from/to (YYYY-MM, inclusive): to defaults to the current month in Asia/Tokyo, from to the
 * 12 months ending with to; at most RS_MAX_MONTHS. */
static bool month_range(struct error *err, struct request *req, struct rs_report *r)
{
    int ty, tm;
    current_month(&ty, &tm);
    if (!month_param(err, req, "to", &ty, &tm))
        return false;
    int index_to = ty * 12 + (tm - 1), index_from = index_to - (RS_DEFAULT_MONTHS - 1);
    int fy = index_from / 12, fm = index_from % 12 + 1;
    if (!month_param(err, req, "from", &fy, &fm))
        return false;
    index_from = fy * 12 + (fm - 1);
    if (index_from > index_to)
        return error_set(err, ERR_BAD_QUERY, "from: after to");
    if (index_to - index_from + 1 > RS_MAX_MONTHS)
        return error_set(err, ERR_BAD_QUERY, "from, to: at most %d months", RS_MAX_MONTHS);
    rs_months_fill(r, fy, fm, index_to - index_from + 1);
    return true;
}

/* The organisation and the computed report of the request (shared by JSON and CSV). */
static json_t *load_report(struct error *err, struct request *req, struct rs_report *r)
{
    static const char *const query[] = {"org_id", "from", "to", NULL};
    if (!request_query_check(err, req, query) || !month_range(err, req, r))
        return NULL;
    json_t *org = accounts_org_asked_for_member(err, req);
    if (org && !rs_compute(err, req->op.conn, json_string_value(json_object_get(org, "id")), r)) {
        json_decref(org);
        return NULL;
    }
    return org;
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *tenths_or_null(int64_t tenths)
{
    return tenths < 0 ? json_null() : json_real((double)tenths / 10.0);
}

static json_t *month_json(const struct rs_month *m)
{
    json_t *fv = m->first_visits < 0 ? json_null() : json_integer(m->first_visits);
    return json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:{s:o, s:o, s:o}}", "month", m->month,
        "received", (json_int_t)m->received, "sent", (json_int_t)m->sent, "reverse_sent",
        (json_int_t)m->reverse_sent, "reverse_received", (json_int_t)m->reverse_received,
        "referred_patients", (json_int_t)m->referred_patients, "reverse_patients",
        (json_int_t)m->reverse_patients, "first_visits", fv, "referral_rate",
        tenths_or_null(rs_rate_tenths(m->referred_patients, m->first_visits)), "reverse_rate",
        tenths_or_null(rs_rate_tenths(m->reverse_patients, m->first_visits)), "median_hours",
        "sent_to_accepted", tenths_or_null(m->median_tenths[RS_SENT_TO_ACCEPTED]), "sent_to_seen",
        tenths_or_null(m->median_tenths[RS_SENT_TO_SEEN]), "seen_to_replied",
        tenths_or_null(m->median_tenths[RS_SEEN_TO_REPLIED]));
}

bool referral_stats_get(struct error *err, struct request *req)
{
    struct rs_report r;
    json_t *org = load_report(err, req, &r);
    if (!org)
        return false;
    json_t *months = json_array();
    for (int i = 0; i < r.count; i++)
        json_array_append_new(months, month_json(&r.months[i]));
    response_json(
        req, 200,
        json_pack("{s:o, s:s, s:s, s:o, s:{s:O, s:O}, s:o}", "org", org, "from", r.months[0].month,
                  "to", r.months[r.count - 1].month, "months", months, "partners", "referring",
                  r.referring, "receiving", r.receiving, "definitions",
                  api_texts(req, definitions, sizeof definitions / sizeof definitions[0])));
    rs_report_release(&r);
    return true;
}

/* ---- CSV -------------------------------------------------------------------------------- */

static void csv_count(struct strbuf *b, int64_t v)
{
    if (v < 0)
        strbuf_puts(b, ",");
    else
        strbuf_printf(b, ",%lld", (long long)v);
}

static void csv_tenths(struct strbuf *b, int64_t tenths)
{
    if (tenths < 0)
        strbuf_puts(b, ",");
    else
        strbuf_printf(b, ",%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* One row per month, Japanese headers, CRLF line ends, a UTF-8 BOM so that Excel reads it. */
static char *csv_text(const struct rs_report *r, size_t *len)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "\xEF\xBB\xBF"
                    "月,紹介受入数,紹介数,逆紹介数,逆紹介受入数,紹介患者数,逆紹介患者数,"
                    "初診患者数,紹介率(%),逆紹介率(%),中央値 送付→受付(時間),"
                    "中央値 送付→受診(時間),中央値 受診→返書(時間)\r\n");
    for (int i = 0; i < r->count; i++) {
        const struct rs_month *m = &r->months[i];
        strbuf_puts(&b, m->month);
        csv_count(&b, m->received);
        csv_count(&b, m->sent);
        csv_count(&b, m->reverse_sent);
        csv_count(&b, m->reverse_received);
        csv_count(&b, m->referred_patients);
        csv_count(&b, m->reverse_patients);
        csv_count(&b, m->first_visits);
        csv_tenths(&b, rs_rate_tenths(m->referred_patients, m->first_visits));
        csv_tenths(&b, rs_rate_tenths(m->reverse_patients, m->first_visits));
        for (int k = 0; k < RS_MEDIAN_COUNT; k++)
            csv_tenths(&b, m->median_tenths[k]);
        strbuf_puts(&b, "\r\n");
    }
    *len = b.len;
    return strbuf_steal(&b);
}

/* referral-stats_<org code>_<from>_<to>.csv with only [A-Za-z0-9._-] in it. */
static const char *csv_filename(struct request *req, const char *code, const struct rs_report *r)
{
    char *name = arena_printf(req->op.arena, "referral-stats_%s_%s_%s.csv", code,
                              r->months[0].month, r->months[r->count - 1].month);
    for (char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == '_'))
            *c = '_';
    return name;
}

bool referral_stats_csv(struct error *err, struct request *req)
{
    struct rs_report r;
    json_t *org = load_report(err, req, &r);
    if (!org)
        return false;
    size_t len = 0;
    char *text = csv_text(&r, &len);
    response_csv(req, text, len,
                 csv_filename(req, json_string_value(json_object_get(org, "code")), &r));
    json_decref(org);
    rs_report_release(&r);
    return true;
}

/* ---- first visits (初診患者数) ---------------------------------------------------------- */

static bool check_first_visits(struct error *err, const json_t *body, int *year, int *month)
{
    static const struct jfield fields[] = {
        {"org_id", JV_UUID, true, 0, NULL},
        {"month", JV_STRING, true, 7, NULL},
        {"count", JV_INT, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, body, fields))
        return false;
    if (!rs_month_parse(jsonv_str(body, "month"), year, month))
        return error_set(err, ERR_FIELD_VALUE, "month: a month YYYY-MM");
    int cy, cm;
    current_month(&cy, &cm);
    if (*year * 12 + *month > cy * 12 + cm)
        return error_set(err, ERR_FIELD_VALUE, "month: not after the current month");
    json_int_t count = json_integer_value(json_object_get(body, "count"));
    if (count < 0 || count > RS_MAX_FIRST_VISITS)
        return error_set(err, ERR_FIELD_VALUE, "count: 0 to %d", RS_MAX_FIRST_VISITS);
    return true;
}

bool stats_first_visits_put(struct error *err, struct op *op, const char *org_id, const char *month,
                            int64_t count)
{
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO org_first_visits (org_id, month, count, updated_by, "
                      "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, month) DO UPDATE "
                      "SET count = excluded.count, updated_by = excluded.updated_by, updated_at = "
                      "excluded.updated_at",
                      "ttiti", org_id, month, count, op->principal.user_id, op->now_ms);
}

/* The organisation's admins and the network admin enter its first visits. */
static bool may_enter(struct error *err, struct request *req, const char *org_id)
{
    char role[16];
    if (req->op.principal.network_admin)
        return true;
    if (!accounts_membership_role(err, req->op.conn, req->op.principal.user_id, org_id, role))
        return false;
    return strcmp(role, "org_admin") == 0
               ? true
               : error_set(err, ERR_FORBIDDEN, "only the organisation's admins enter its figures");
}

bool referral_stats_first_visits_put(struct error *err, struct request *req)
{
    int year, month;
    if (!check_first_visits(err, req->json, &year, &month))
        return false;
    const char *org_id = jsonv_str(req->json, "org_id"), *m = jsonv_str(req->json, "month");
    int64_t count = json_integer_value(json_object_get(req->json, "count"));
    bool exists = false;
    if (!ids_uuid_valid(org_id))
        return error_set(err, ERR_ORG_NOT_FOUND, NULL);
    if (!accounts_org_exists(err, req->op.conn, org_id, &exists))
        return false;
    if (!exists)
        return error_set(err, ERR_ORG_NOT_FOUND, NULL);
    if (!may_enter(err, req, org_id) || !stats_first_visits_put(err, &req->op, org_id, m, count))
        return false;
    int64_t now = req->op.now_ms;
    req->object_type = "org_first_visits";
    req->object_id = org_id;
    req->audit_detail = arena_printf(req->op.arena, "month=%s count=%lld", m, (long long)count);
    char at[32];
    clock_format_iso(now, at);
    response_json(req, 200,
                  json_pack("{s:s, s:s, s:I, s:s, s:{s:s, s:s}}", "org_id", org_id, "month", m,
                            "count", (json_int_t)count, "updated_at", at, "updated_by", "id",
                            req->op.principal.user_id, "name", req->op.principal.name));
    return true;
}
