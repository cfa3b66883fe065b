/* SPDX-License-Identifier: Apache-2.0 */
/* The audit view as CSV for a spreadsheet: the records the filters of GET /api/audit select,
 * newest first, at most EXPORT_MAX. RFC 4180 fields (CRLF, quoted when needed, quotes doubled),
 * cells a spreadsheet would run as a formula neutralised, UTF-8 with a BOM so that Excel reads
 * it, Japanese headers. The export is itself audited. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auditlog_int.h"
#include "core/clock.h"
#include "core/strbuf.h"

enum { EXPORT_MAX = 10000 };

static const char *const export_query[] = {"user_id", "patient_id", "patient", "action",
                                           "from",    "to",         NULL};

/* One field. OWASP "CSV injection": a cell starting with = + - @ (or a tab or carriage return)
 * is a formula to a spreadsheet; a leading apostrophe makes it text. RFC 4180 §2.6–2.7: a
 * field with a comma, quote or line break is quoted, its quotes doubled. */
static void csv_field(struct strbuf *b, const char *v, bool last)
{
    if (!v)
        v = "";
    bool formula = v[0] && strchr("=+-@\t\r", v[0]);
    bool quote = formula || strpbrk(v, ",\"\r\n") != NULL;
    if (quote)
        strbuf_puts(b, "\"");
    if (formula)
        strbuf_puts(b, "'");
    for (const char *c = v; *c; c++) {
        if (*c == '"')
            strbuf_puts(b, "\"");
        strbuf_append(b, c, 1);
    }
    if (quote)
        strbuf_puts(b, "\"");
    strbuf_puts(b, last ? "\r\n" : ",");
}

/* "2026-12-07 11:27:00" in Asia/Tokyo (no daylight saving: UTC+9). */
static void tokyo_time(const char *iso, char out[24])
{
    int64_t ms;
    out[0] = '\0';
    if (!iso || !clock_parse_iso(iso, &ms))
        return;
    time_t t = (time_t)(ms / 1000) + 9 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%d %H:%M:%S", &tm);
}

/* RFC 3881 EventActionCode and EventOutcomeIndicator, in Japanese. */
static const char *action_ja(const char *code)
{
    static const char *const ja[] = {"作成", "参照", "更新", "削除", "実行"};
    const char *at = code && code[0] ? strchr("CRUDE", code[0]) : NULL;
    return at ? ja[at - "CRUDE"] : code;
}

static const char *outcome_ja(int64_t outcome)
{
    return outcome == 0 ? "成功" : outcome == 4 ? "失敗" : "重大な失敗";
}

static void csv_row(struct request *req, struct strbuf *b, struct store_stmt *s)
{
    json_t *r = auditlog_row_json(req, s); /* redacted as the view is */
#define F(name) json_string_value(json_object_get(r, name))
    char seq[24], when[24];
    snprintf(seq, sizeof seq, "%lld", (long long)store_int(s, 0));
    tokyo_time(F("time"), when);
    const char *fields[] = {seq,
                            when,
                            F("user_name"),
                            F("user_login"),
                            F("org_name"),
                            F("event_id"),
                            action_ja(F("action")),
                            outcome_ja(store_int(s, 4)),
                            F("patient_name"),
                            F("patient_name_kana"),
                            F("patient_id"),
                            F("object_type"),
                            F("object_id"),
                            json_is_true(json_object_get(r, "emergency")) ? "はい" : "",
                            F("client"),
                            F("request_id"),
                            F("detail")};
#undef F
    size_t n = sizeof fields / sizeof fields[0];
    for (size_t i = 0; i < n; i++)
        csv_field(b, fields[i], i + 1 == n);
    json_decref(r);
}

bool audit_export_csv(struct error *err, struct request *req)
{
    struct audit_filters f;
    if (!auditlog_filters_parse(err, req, export_query, &f))
        return false;
    struct store_stmt *s = auditlog_query(err, req, &f, EXPORT_MAX + 1);
    if (!s)
        return false;
    struct strbuf b = {0};
    strbuf_puts(&b,
                "\xEF\xBB\xBF"
                "連番,日時(日本時間),利用者,ログインID,組織,操作コード,操作,結果,患者氏名,"
                "患者フリガナ,患者ID,対象種別,対象ID,緊急アクセス,接続元,リクエストID,詳細\r\n");
    int64_t n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < EXPORT_MAX) {
        csv_row(req, &b, s);
        n++;
    }
    store_done(s);
    if (r == STORE_FAIL) {
        strbuf_release(&b);
        return false;
    }
    if (r == STORE_ROW) /* more than fit: the newest EXPORT_MAX, and said so */
        response_header(req, "X-Tsunagu-Truncated", "true");
    op_audit_read(&req->op, "audit_export", AUDIT_SUCCESS, f.patient, "audit", NULL,
                  arena_printf(req->op.arena, "csv export rows=%lld%s", (long long)n,
                               r == STORE_ROW ? " (truncated)" : ""));
    size_t len = b.len;
    char today[11];
    clock_today_tokyo(today);
    response_csv(req, strbuf_steal(&b), len, arena_printf(req->op.arena, "audit_%s.csv", today));
    return true;
}
