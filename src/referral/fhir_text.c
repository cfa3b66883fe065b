/* SPDX-License-Identifier: Apache-2.0 */
/* The letter and the reply as FHIR text: one Composition section per part of the letter (with
 * its LOINC section code where one fits, and an XHTML narrative), and the reply's parts as the
 * payload of a Communication. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "referral_int.h"

#define LOINC "http://loinc.org"
#define XHTML_OPEN "<div xmlns=\"http://www.w3.org/1999/xhtml\">"

/* One list item "<li>a b (c)</li>" from the item's fields keys: the first non-empty one bare,
 * each later one between its before and after strings; empty fields are left out. */
static void put_item(struct strbuf *sb, const json_t *item, const char *const *keys,
                     const char *const *before, const char *const *after)
{
    strbuf_puts(sb, "<li>");
    bool any = false;
    for (int i = 0; keys[i]; i++) {
        const char *v = json_string_value(json_object_get(item, keys[i]));
        if (!v || !v[0])
            continue;
        strbuf_puts(sb, any ? before[i] : "");
        strbuf_xhtml_text(sb, v);
        strbuf_puts(sb, any ? after[i] : "");
        any = true;
    }
    strbuf_puts(sb, "</li>");
}

/* A part of the letter: its key, section title, LOINC code (or NULL), and for lists the item
 * fields with what goes before (not for the first shown) and after each. */
struct section_def {
    const char *key, *title, *loinc, *loinc_display;
    const char *keys[4], *before[4], *after[4];
};

/* clang-format off */
static const struct section_def sections[] = {
    {"purpose_text", "紹介目的", "42349-1", "Reason for referral", {NULL}, {NULL}, {NULL}},
    {"chief_complaint", "主訴", "10154-3", "Chief complaint", {NULL}, {NULL}, {NULL}},
    {"diagnoses", "傷病名", "11450-4", "Problem list",
     {"text", "code", "onset", NULL}, {"", " (", " 発症 "}, {"", ")", ""}},
    {"history", "既往歴・家族歴", "11348-0", "History of past illness", {NULL}, {NULL}, {NULL}},
    {"course", "症状経過・検査結果・治療経過", "10164-2", "History of present illness",
     {NULL}, {NULL}, {NULL}},
    {"medications", "現在の処方", "10160-0", "History of medication use",
     {"text", NULL}, {""}, {""}},
    {"allergies", "アレルギー・副作用歴", "48765-2", "Allergies and adverse reactions",
     {"text", "reaction", NULL}, {"", ": "}, {"", ""}},
    {"labs", "検査結果", "30954-2", "Relevant diagnostic tests/laboratory data",
     {"text", "value", "date", NULL}, {"", " ", " ("}, {"", "", ")"}},
    {"documents", "添付資料", NULL, NULL, {"title", "reference", NULL}, {"", " "}, {"", ""}},
    {"imaging", "画像検査", "18748-4", "Diagnostic imaging study",
     {"date", "modality", "description", NULL}, {"", " ", " "}, {"", "", ""}},
    {"follow_up", "今後の方針・依頼事項", "18776-5", "Plan of care note", {NULL}, {NULL}, {NULL}},
    {"remarks", "備考", NULL, NULL, {NULL}, {NULL}, {NULL}},
};
/* clang-format on */

/* The narrative of one part, or NULL when the part is empty. */
static char *narrative(const struct section_def *d, const json_t *v)
{
    struct strbuf sb = {0};
    if (json_is_string(v)) {
        if (!json_string_value(v)[0])
            return NULL;
        strbuf_puts(&sb, XHTML_OPEN "<p>");
        strbuf_xhtml_text(&sb, json_string_value(v));
        strbuf_puts(&sb, "</p></div>");
        return strbuf_steal(&sb);
    }
    if (json_array_size(v) == 0)
        return NULL;
    strbuf_puts(&sb, XHTML_OPEN "<ul>");
    for (size_t i = 0; i < json_array_size(v); i++)
        put_item(&sb, json_array_get(v, i), d->keys, d->before, d->after);
    strbuf_puts(&sb, "</ul></div>");
    return strbuf_steal(&sb);
}

static json_t *section(const struct section_def *d, const json_t *v)
{
    char *div = narrative(d, v);
    if (!div)
        return NULL;
    json_t *s = json_pack("{s:s, s:{s:s, s:s}}", "title", d->title, "text", "status", "generated",
                          "div", div);
    free(div);
    if (s && d->loinc)
        json_object_set_new(s, "code",
                            json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", LOINC,
                                      "code", d->loinc, "display", d->loinc_display, "text",
                                      d->title));
    if (s && strcmp(d->key, "documents") == 0) {
        json_t *entries = json_array();
        for (size_t i = 0; i < json_array_size(v); i++)
            json_array_append_new(entries,
                                  json_pack("{s:O}", "reference",
                                            json_object_get(json_array_get(v, i), "reference")));
        json_object_set_new(s, "entry", entries);
    }
    return s;
}

json_t *referral_fhir_sections(const json_t *letter)
{
    json_t *out = json_array();
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        json_t *s = section(&sections[i], json_object_get(letter, sections[i].key));
        if (s)
            json_array_append_new(out, s);
    }
    return out;
}

json_t *referral_fhir_reply_payload(const json_t *reply)
{
    static const char *const keys[][2] = {
        {"diagnosis", "診断"},  {"findings", "所見"}, {"treatment", "治療"},
        {"plan", "今後の方針"}, {"remarks", "備考"},
    };
    json_t *out = json_array();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = json_string_value(json_object_get(reply, keys[i][0]));
        if (!v || !v[0])
            continue;
        struct strbuf sb = {0};
        strbuf_printf(&sb, "%s: %s", keys[i][1], v);
        json_array_append_new(out, json_pack("{s:s}", "contentString", sb.buf));
        strbuf_release(&sb);
    }
    return out;
}
