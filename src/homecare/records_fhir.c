/* SPDX-License-Identifier: Apache-2.0 */
/* The FHIR projection of a visit record, written with fhir_store_put in the record's own write
 * transaction: an Encounter (class HH, home health) for the visit, one vital-signs Observation
 * per vital (LOINC; JCS with a local code system) and a Composition (the record: one section per
 * part of the form, the vitals section referencing the Observations), preliminary until signed,
 * then final with the author as legal attester.
 *
 * A correction gives the same resources their next version (with the change-reason extension
 * on meta, as corrections through /fhir carry); a vital the correction no longer gives has its
 * Observation's next version entered-in-error. So a search finds only what the record says now,
 * and each resource's history shows what it said before. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "fhir/rest.h"
#include "homecare_int.h"

#define LOINC "http://loinc.org"
#define UCUM "http://unitsofmeasure.org"
#define CS "https://tsunagu.example.jp/fhir/CodeSystem/"
#define XHTML_OPEN "<div xmlns=\"http://www.w3.org/1999/xhtml\">"

static json_t *ref(struct op *op, const char *type, const char *id)
{
    return json_pack("{s:s}", "reference", arena_printf(op->arena, "%s/%s", type, id));
}

static json_t *iso(int64_t ms)
{
    char t[32];
    clock_format_iso(ms, t);
    return json_string(t);
}

/* The name column of a row of table (orgs, users), or "". */
static const char *name_of(struct error *err, struct op *op, const char *sql, const char *id)
{
    struct store_stmt *s = store_query(err, op->conn, sql, "t", id);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    const char *name = arena_strdup(op->arena, r == STORE_ROW ? store_text(s, 0) : "");
    store_done(s);
    return r == STORE_FAIL ? NULL : name;
}

/* meta with the change-reason extension, on the versions a correction writes. */
static void change_reason(json_t *res, const char *reason)
{
    if (res && reason)
        json_object_set_new(res, "meta",
                            json_pack("{s:[{s:s, s:s}]}", "extension", "url",
                                      FHIR_EXT_CHANGE_REASON, "valueString", reason));
}

static bool put(struct error *err, struct op *op, const struct homecare_record *r, json_t *res,
                const char *id, char out[FHIR_ID_MAX + 1])
{
    struct fhir_row row;
    if (!homecare_fhir_put(err, op, res, id && id[0] ? id : NULL, r->patient_id, &row))
        return false;
    if (out)
        snprintf(out, FHIR_ID_MAX + 1, "%s", row.id);
    return true;
}

/* ---- the Encounter -------------------------------------------------------------------------- */

static json_t *encounter(struct op *op, const struct homecare_record *r, const char *org)
{
    const struct homecare_kind *k = homecare_kind_find(r->kind);
    json_t *provider = ref(op, "Organization", r->org_id);
    json_object_set_new(provider, "display", json_string(org));
    return json_pack(
        "{s:s, s:[{s:s, s:s}], s:s, s:{s:s, s:s, s:s}, s:[{s:[{s:s, s:s, s:s}], s:s}], s:o, "
        "s:{s:o, s:o}, s:o}",
        "resourceType", "Encounter", "identifier", "system", HOMECARE_RECORD_SYSTEM, "value",
        r->record_id, "status", "finished", "class", "system",
        "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "HH", "display", "home health",
        "type", "coding", "system", CS "homecare-visit-kind", "code", k->code, "display", k->ja,
        "text", k->ja, "subject", ref(op, "Patient", r->patient_id), "period", "start",
        iso(r->visit_start), "end", iso(r->visit_end), "serviceProvider", provider);
}

/* ---- the Observations ----------------------------------------------------------------------- */

static json_t *vital_code(const struct homecare_vital *v)
{
    if (!v->loinc)
        return json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", HOMECARE_JCS_SYSTEM,
                         "code", "jcs", "display", v->display, "text", v->ja);
    return json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", LOINC, "code", v->loinc,
                     "display", v->display, "text", v->ja);
}

static json_t *observation(struct op *op, const struct homecare_record *r,
                           const struct homecare_vital *v, const json_t *value, const char *status)
{
    json_t *o = json_pack(
        "{s:s, s:[{s:s, s:s}], s:s, s:[{s:[{s:s, s:s, s:s}]}], s:o, s:o, s:o, s:o, s:[o]}",
        "resourceType", "Observation", "identifier", "system", HOMECARE_RECORD_SYSTEM, "value",
        arena_printf(op->arena, "%s/%s", r->record_id, v->name), "status", status, "category",
        "coding", "system", "http://terminology.hl7.org/CodeSystem/observation-category", "code",
        "vital-signs", "display", "Vital Signs", "code", vital_code(v), "subject",
        ref(op, "Patient", r->patient_id), "encounter", ref(op, "Encounter", r->encounter_id),
        "effectiveDateTime", iso(r->visit_start), "performer", ref(op, "Organization", r->org_id));
    if (!o)
        return NULL;
    if (!v->loinc) {
        char code[8];
        snprintf(code, sizeof code, "%lld", (long long)json_integer_value(value));
        json_object_set_new(o, "valueCodeableConcept",
                            json_pack("{s:[{s:s, s:s}], s:s}", "coding", "system",
                                      HOMECARE_JCS_SYSTEM, "code", code, "text",
                                      arena_printf(op->arena, "JCS %s", code)));
    } else {
        json_object_set_new(o, "valueQuantity",
                            json_pack("{s:f, s:s, s:s, s:s}", "value", json_number_value(value),
                                      "unit", v->unit, "system", UCUM, "code", v->unit));
    }
    return o;
}

/* Writes one vital: its Observation's next version when the record had it, a new one otherwise;
 * a vital the correction dropped: entered-in-error. Sets map[name] to the live Observation. */
static bool write_vital(struct error *err, struct op *op, const struct homecare_record *r,
                        const struct homecare_vital *v, const json_t *value,
                        const json_t *old_value, const char *old_id, json_t *map)
{
    char id[FHIR_ID_MAX + 1];
    if (!value && !old_id)
        return true;
    json_t *o = value ? observation(op, r, v, value, "final")
                      : observation(op, r, v, old_value, "entered-in-error");
    if (old_id)
        change_reason(o, r->reason ? r->reason : "");
    if (!put(err, op, r, o, old_id, id))
        return false;
    if (value)
        json_object_set_new(map, v->name, json_string(id));
    return true;
}

/* ---- the Composition ------------------------------------------------------------------------ */

/* The Japanese title of each part of the forms. */
static const struct {
    const char *key, *ja;
} parts[] = {
    {"subjective", "S(主観的情報)"},
    {"objective", "O(客観的情報)"},
    {"assessment", "A(評価)"},
    {"plan", "P(計画)"},
    {"observation", "観察項目・状態"},
    {"care_given", "実施したケア"},
    {"instructions", "指導内容"},
    {"next_visit", "次回訪問予定日"},
    {"next_visit_note", "次回訪問予定"},
    {"adherence", "服薬状況"},
    {"adherence_note", "服薬状況の詳細"},
    {"remaining_drugs", "残薬"},
    {"side_effects", "副作用"},
    {"proposals", "処方医への提案"},
    {"function", "心身機能"},
    {"adl", "ADL(Barthel Index)"},
    {"goals", "目標"},
    {"meals", "食事"},
    {"excretion", "排泄"},
    {"bathing", "入浴"},
    {"changes", "気づいた変化"},
};

/* The narrative of one part: text, the list of remaining drugs or the Barthel items. */
static void part_text(struct strbuf *sb, const json_t *v)
{
    if (json_is_string(v)) {
        strbuf_puts(sb, "<p>");
        strbuf_xhtml_text(sb, json_string_value(v));
        strbuf_puts(sb, "</p>");
        return;
    }
    strbuf_puts(sb, "<ul>");
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *d = json_array_get(v, i);
            strbuf_puts(sb, "<li>");
            strbuf_xhtml_text(sb, json_string_value(json_object_get(d, "drug")));
            strbuf_printf(sb, ": %g</li>", json_number_value(json_object_get(d, "count")));
        }
    } else {
        const char *key;
        json_t *item;
        json_object_foreach((json_t *)v, key, item)
        {
            strbuf_puts(sb, "<li>");
            strbuf_xhtml_text(sb, key);
            strbuf_printf(sb, ": %lld</li>", (long long)json_integer_value(item));
        }
    }
    strbuf_puts(sb, "</ul>");
}

static json_t *section(const char *title, struct strbuf *div)
{
    json_t *s = json_pack("{s:s, s:{s:s, s:s}}", "title", title, "text", "status", "generated",
                          "div", div->buf ? div->buf : XHTML_OPEN "</div>");
    strbuf_release(div);
    return s;
}

static json_t *vitals_section(struct op *op, const json_t *content, const json_t *map)
{
    const json_t *vitals = json_object_get(content, "vitals");
    if (json_object_size(map) == 0)
        return NULL;
    struct strbuf sb = {0};
    json_t *entries = json_array();
    strbuf_puts(&sb, XHTML_OPEN "<ul>");
    for (const struct homecare_vital *v = homecare_vitals; v->name; v++) {
        const char *id = json_string_value(json_object_get(map, v->name));
        if (!id)
            continue;
        strbuf_printf(&sb, "<li>%s: %g", v->ja,
                      json_number_value(json_object_get(vitals, v->name)));
        strbuf_printf(&sb, "%s%s</li>", v->unit ? " " : "", v->unit ? v->unit : "");
        json_array_append_new(entries, ref(op, "Observation", id));
    }
    strbuf_puts(&sb, "</ul></div>");
    json_t *s = section("バイタルサイン", &sb);
    json_object_set_new(s, "code",
                        json_pack("{s:[{s:s, s:s, s:s}]}", "coding", "system", LOINC, "code",
                                  "8716-3", "display", "Vital signs"));
    json_object_set_new(s, "entry", entries);
    return s;
}

static json_t *sections(struct op *op, const struct homecare_record *r, const json_t *content,
                        const json_t *map)
{
    json_t *out = json_array();
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const json_t *v = json_object_get(content, parts[i].key);
        if (!v || (json_is_string(v) && !json_string_value(v)[0]))
            continue;
        struct strbuf sb = {0};
        strbuf_puts(&sb, XHTML_OPEN);
        part_text(&sb, v);
        strbuf_puts(&sb, "</div>");
        json_array_append_new(out, section(parts[i].ja, &sb));
    }
    json_t *vs = vitals_section(op, content, map);
    if (vs)
        json_array_append_new(out, vs);
    if (r->handover && r->handover[0]) {
        struct strbuf sb = {0};
        strbuf_puts(&sb, XHTML_OPEN "<p>");
        strbuf_xhtml_text(&sb, r->handover);
        strbuf_puts(&sb, "</p></div>");
        json_array_append_new(out, section("申し送り", &sb));
    }
    return out;
}

static json_t *composition(struct error *err, struct op *op, const struct homecare_record *r,
                           const json_t *content, const json_t *map)
{
    const struct homecare_kind *k = homecare_kind_find(r->kind);
    const char *org = name_of(err, op, "SELECT name FROM orgs WHERE id = ?", r->org_id);
    const char *author = name_of(err, op, "SELECT name FROM users WHERE id = ?", r->author_id);
    if (!org || !author)
        return NULL;
    json_t *org_ref = ref(op, "Organization", r->org_id);
    json_object_set_new(org_ref, "display", json_string(org));
    bool signed_ = strcmp(r->status, "signed") == 0;
    json_t *c = json_pack(
        "{s:s, s:{s:s, s:s}, s:s, s:{s:[{s:s, s:s, s:s}], s:s}, s:[{s:[{s:s, s:s, s:s}]}], s:o, "
        "s:o, s:o, s:[O, {s:s}], s:s, s:O, s:o}",
        "resourceType", "Composition", "identifier", "system", HOMECARE_RECORD_SYSTEM, "value",
        r->record_id, "status", signed_ ? "final" : "preliminary", "type", "coding", "system",
        LOINC, "code", "11506-3", "display", "Progress note", "text", "訪問記録", "category",
        "coding", "system", CS "homecare-record-form", "code", r->form, "display", k->ja, "subject",
        ref(op, "Patient", r->patient_id), "encounter", ref(op, "Encounter", r->encounter_id),
        "date", iso(signed_ ? r->signed_at : r->visit_end), "author", org_ref, "display", author,
        "title", arena_printf(op->arena, "訪問記録(%s)", k->ja), "custodian", org_ref, "section",
        sections(op, r, content, map));
    json_decref(org_ref);
    if (c && signed_)
        json_object_set_new(c, "attester",
                            json_pack("[{s:s, s:o, s:{s:s}}]", "mode", "legal", "time",
                                      iso(r->signed_at), "party", "display", author));
    return c;
}

/* ---- writing -------------------------------------------------------------------------------- */

bool homecare_record_fhir_write(struct error *err, struct op *op, const struct homecare_record *r,
                                const struct homecare_record *prev)
{
    struct homecare_record w = *r;
    const char *org = name_of(err, op, "SELECT name FROM orgs WHERE id = ?", r->org_id);
    if (!org)
        return false;
    json_t *enc = encounter(op, r, org);
    if (prev)
        change_reason(enc, r->reason);
    if (!put(err, op, r, enc, prev ? prev->encounter_id : NULL, w.encounter_id))
        return false;
    json_t *content = json_loads(r->content, 0, NULL);
    json_t *old = prev ? json_loads(prev->content, 0, NULL) : NULL;
    json_t *old_map = prev ? json_loads(prev->observations, 0, NULL) : NULL;
    json_t *map = json_object();
    arena_cleanup_add(op->arena, (arena_cleanup_fn)json_decref, content);
    arena_cleanup_add(op->arena, (arena_cleanup_fn)json_decref, old);
    arena_cleanup_add(op->arena, (arena_cleanup_fn)json_decref, old_map);
    arena_cleanup_add(op->arena, (arena_cleanup_fn)json_decref, map);
    const json_t *vitals = json_object_get(content, "vitals");
    const json_t *old_vitals = json_object_get(old, "vitals");
    for (const struct homecare_vital *v = homecare_vitals; v->name; v++)
        if (!write_vital(err, op, &w, v, json_object_get(vitals, v->name),
                         json_object_get(old_vitals, v->name),
                         json_string_value(json_object_get(old_map, v->name)), map))
            return false;
    json_t *c = composition(err, op, &w, content, map);
    if (!c)
        return err->code ? false : error_set(err, ERR_NOMEM, NULL);
    if (prev)
        change_reason(c, r->reason);
    if (!put(err, op, r, c, prev ? prev->composition_id : NULL, w.composition_id))
        return false;
    char *observations = json_dumps(map, JSON_COMPACT | JSON_SORT_KEYS);
    if (!observations)
        return error_set(err, ERR_NOMEM, NULL);
    bool ok = store_exec(err, op->conn, NULL,
                         "UPDATE homecare_records SET fhir_encounter_id = ?, "
                         "fhir_composition_id = ?, fhir_observations = ? WHERE id = ?",
                         "tttt", w.encounter_id, w.composition_id, observations, r->id);
    free(observations);
    return ok;
}

bool homecare_record_fhir_sign(struct error *err, struct op *op, const struct homecare_record *r)
{
    json_t *content = json_loads(r->content, 0, NULL);
    json_t *map = json_loads(r->observations, 0, NULL);
    arena_cleanup_add(op->arena, (arena_cleanup_fn)json_decref, content);
    arena_cleanup_add(op->arena, (arena_cleanup_fn)json_decref, map);
    json_t *c = composition(err, op, r, content, map);
    if (!c)
        return err->code ? false : error_set(err, ERR_NOMEM, NULL);
    return put(err, op, r, c, r->composition_id, NULL);
}
