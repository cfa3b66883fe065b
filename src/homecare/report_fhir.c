/* SPDX-License-Identifier: Apache-2.0 */
/* The FHIR document of a signed 訪問看護報告書, written with fhir_store_put in the signing
 * transaction into the patient's compartment: a Composition (LOINC 34746-8 Nurse note; one
 * section per part of the report, final, the author as legal attester) and a DocumentReference
 * standing for it, which is what the record's document list (the 記録 tab) shows, so that the
 * physician finds the report in the record. A correction, once signed, gives both their next
 * version with the change-reason extension on meta, as the visit records do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "fhir/rest.h"
#include "homecare_int.h"

#define LOINC "http://loinc.org"
#define XHTML_OPEN "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
#define TITLE "訪問看護報告書"

static json_t *ref(struct op *op, const char *type, const char *id, const char *display)
{
    json_t *r = json_pack("{s:s}", "reference", arena_printf(op->arena, "%s/%s", type, id));
    if (r && display)
        json_object_set_new(r, "display", json_string(display));
    return r;
}

static json_t *iso(int64_t ms)
{
    char t[32];
    clock_format_iso(ms, t);
    return json_string(t);
}

static json_t *nurse_note(void)
{
    return json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", LOINC, "code", "34746-8",
                     "display", "Nurse Note", "text", TITLE);
}

/* The number of days of month "YYYY-MM". */
static int month_days(const char *month)
{
    int y = atoi(month), m = atoi(month + 5);
    return (int)(clock_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                 clock_days_from_civil(y, m, 1));
}

/* "2026年12月" of "2026-12". */
static const char *month_ja(struct op *op, const char *month)
{
    return arena_printf(op->arena, "%.4s年%d月", month, atoi(month + 5));
}

static json_t *section(const char *title, struct strbuf *div)
{
    json_t *s = json_pack("{s:s, s:{s:s, s:s}}", "title", title, "text", "status", "generated",
                          "div", div->buf ? div->buf : XHTML_OPEN "</div>");
    strbuf_release(div);
    return s;
}

static json_t *text_section(const char *title, const char *text)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, XHTML_OPEN "<p>");
    strbuf_xhtml_text(&sb, text && text[0] ? text : "記載なし");
    strbuf_puts(&sb, "</p></div>");
    return section(title, &sb);
}

static json_t *visits_section(const json_t *visits)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, XHTML_OPEN "<ul>");
    for (size_t i = 0; i < json_array_size(visits); i++) {
        const json_t *v = json_array_get(visits, i);
        const struct homecare_kind *k =
            homecare_kind_find(json_string_value(json_object_get(v, "kind")));
        strbuf_puts(&sb, "<li>");
        strbuf_xhtml_text(&sb, json_string_value(json_object_get(v, "date")));
        strbuf_printf(&sb, " %s</li>", k ? k->ja : "");
    }
    strbuf_printf(&sb, "</ul><p>計 %zu 回</p></div>", json_array_size(visits));
    return section("訪問日", &sb);
}

static json_t *vitals_section(const json_t *vitals)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, XHTML_OPEN "<ul>");
    for (size_t i = 0; i < json_array_size(vitals); i++) {
        const json_t *v = json_array_get(vitals, i);
        const char *unit = json_string_value(json_object_get(v, "unit"));
        strbuf_puts(&sb, "<li>");
        strbuf_xhtml_text(&sb, json_string_value(json_object_get(v, "ja")));
        strbuf_printf(&sb, ": %g–%g%s%s(最終 %g、%lld 回)</li>",
                      json_number_value(json_object_get(v, "min")),
                      json_number_value(json_object_get(v, "max")), unit ? " " : "",
                      unit ? unit : "", json_number_value(json_object_get(v, "last")),
                      (long long)json_integer_value(json_object_get(v, "count")));
    }
    strbuf_puts(&sb, "</ul></div>");
    json_t *s = section("バイタルサイン(月間)", &sb);
    json_object_set_new(s, "code",
                        json_pack("{s:[{s:s, s:s, s:s}]}", "coding", "system", LOINC, "code",
                                  "8716-3", "display", "Vital signs"));
    return s;
}

static json_t *sections(const json_t *content, const json_t *vitals)
{
    return json_pack(
        "[o, o, o, o, o, o]", visits_section(json_object_get(content, "visits")),
        text_section("病状の経過", json_string_value(json_object_get(content, "condition"))),
        text_section("看護の内容", json_string_value(json_object_get(content, "care_given"))),
        text_section("家庭での介護の状況",
                     json_string_value(json_object_get(content, "home_care"))),
        text_section("特記すべき事項", json_string_value(json_object_get(content, "remarks"))),
        vitals_section(vitals));
}

/* meta with the change-reason extension, on the versions a correction writes. */
static void change_reason(json_t *res, const struct homecare_report *r)
{
    if (res && r->version > 1 && r->reason)
        json_object_set_new(res, "meta",
                            json_pack("{s:[{s:s, s:s}]}", "extension", "url",
                                      FHIR_EXT_CHANGE_REASON, "valueString", r->reason));
}

static json_t *composition(struct op *op, const struct homecare_report *r)
{
    json_t *content = json_loads(r->content, 0, NULL);
    json_t *vitals = json_loads(r->vitals, 0, NULL);
    json_t *org = ref(op, "Organization", r->org_id, r->org_name);
    json_t *c = json_pack(
        "{s:s, s:{s:s, s:s}, s:s, s:o, s:o, s:o, s:[O, {s:s}], s:s, s:O, s:[{s:s, s:o, s:{s:s}}], "
        "s:o}",
        "resourceType", "Composition", "identifier", "system", HOMECARE_REPORT_SYSTEM, "value",
        r->report_id, "status", "final", "type", nurse_note(), "subject",
        ref(op, "Patient", r->patient_id, NULL), "date", iso(r->signed_at), "author", org,
        "display", r->author_name ? r->author_name : "", "title",
        arena_printf(op->arena, TITLE "(%s)", month_ja(op, r->month)), "custodian", org, "attester",
        "mode", "legal", "time", iso(r->signed_at), "party", "display",
        r->author_name ? r->author_name : "", "section", sections(content, vitals));
    json_decref(org);
    json_decref(content);
    json_decref(vitals);
    if (c)
        json_object_set_new(
            c, "event",
            json_pack("[{s:{s:s, s:s}}]", "period", "start",
                      arena_printf(op->arena, "%s-01", r->month), "end",
                      arena_printf(op->arena, "%s-%02d", r->month, month_days(r->month))));
    change_reason(c, r);
    return c;
}

static json_t *document_reference(struct op *op, const struct homecare_report *r)
{
    const char *title = arena_printf(op->arena, TITLE "(%s)", month_ja(op, r->month));
    json_t *org = ref(op, "Organization", r->org_id, r->org_name);
    json_t *d = json_pack(
        "{s:s, s:[{s:s, s:s}], s:s, s:s, s:o, s:o, s:o, s:[O], s:O, s:s, "
        "s:[{s:{s:s, s:s, s:s, s:s, s:o}}], s:{s:[o]}}",
        "resourceType", "DocumentReference", "identifier", "system", HOMECARE_REPORT_SYSTEM,
        "value", r->report_id, "status", "current", "docStatus", "final", "type", nurse_note(),
        "subject", ref(op, "Patient", r->patient_id, NULL), "date", iso(r->signed_at), "author",
        org, "custodian", org, "description",
        arena_printf(op->arena, "%s %s → %s", title, r->org_name ? r->org_name : "",
                     r->to_org_name ? r->to_org_name : ""),
        "content", "attachment", "contentType", "application/fhir+json", "language", "ja", "url",
        arena_printf(op->arena, "Composition/%s", r->composition_id), "title", title, "creation",
        iso(r->signed_at), "context", "related", ref(op, "Composition", r->composition_id, NULL));
    json_decref(org);
    change_reason(d, r);
    return d;
}

bool report_fhir_write(struct error *err, struct op *op, struct homecare_report *r)
{
    struct fhir_row row;
    if (!homecare_fhir_put(err, op, composition(op, r),
                           r->composition_id[0] ? r->composition_id : NULL, r->patient_id, &row))
        return false;
    snprintf(r->composition_id, sizeof r->composition_id, "%s", row.id);
    if (!homecare_fhir_put(err, op, document_reference(op, r),
                           r->docref_id[0] ? r->docref_id : NULL, r->patient_id, &row))
        return false;
    snprintf(r->docref_id, sizeof r->docref_id, "%s", row.id);
    return store_exec(err, op->conn, NULL,
                      "UPDATE homecare_reports SET fhir_composition_id = ?, "
                      "fhir_document_reference_id = ? WHERE id = ?",
                      "ttt", r->composition_id, r->docref_id, r->id);
}
