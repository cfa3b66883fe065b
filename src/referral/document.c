/* SPDX-License-Identifier: Apache-2.0 */
/* The letter of a referral for the parties to it (PAT_REFERRAL: the router has decided that the
 * caller's organisation sent or received the referral, or cares for the patient with consent):
 *   GET /api/referrals/{rid}/letter.pdf  the signed letter printed in the customary form
 *   GET /api/referrals/{rid}/document    the JP-CLINS style document Bundle of its Composition,
 *     for a receiving organisation that may have no consent-based access to /fhir. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "directory/directory.h"
#include "fhir/rest.h"
#include "referral/letter_pdf.h"
#include "referral_int.h"

#define LETTER_SELECT                                                                              \
    "SELECT r.kind, r.letter, r.to_department, r.urgency, r.purpose, r.signed_at, p.name, "        \
    "p.name_kana, p.sex, p.birth_date, fo.name, fo.address, fo.phone, u.name, t.name "             \
    "FROM referrals r JOIN patients p ON p.id = r.patient_id "                                     \
    "JOIN orgs fo ON fo.id = r.from_org_id JOIN users u ON u.id = r.from_user_id "                 \
    "JOIN orgs t ON t.id = r.to_org_id WHERE r.id = ?"

static const char *sex_label(const char *sex)
{
    return !strcmp(sex, "male")     ? "男"
           : !strcmp(sex, "female") ? "女"
           : !strcmp(sex, "other")  ? "その他"
                                    : "不明";
}

/* Whole years from birth (YYYY-MM-DD) to on (YYYY-MM-DD), or -1. */
static int age_on(const char *birth, const char *on)
{
    int by, bm, bd, y, m, d;
    if (!birth || !clock_parse_date(birth, &by, &bm, &bd) || !clock_parse_date(on, &y, &m, &d))
        return -1;
    int age = y - by - (m < bm || (m == bm && d < bd));
    return age < 0 ? -1 : age;
}

/* The Asia/Tokyo date of ms as YYYY-MM-DD. */
static void tokyo_date(int64_t ms, char out[11])
{
    char iso[32];
    clock_format_iso(ms + INT64_C(9) * 3600 * 1000, iso); /* JST has no DST */
    snprintf(out, 11, "%.10s", iso);
}

/* Copies the text column col into the request's arena ("" for NULL). */
static const char *col(struct request *req, struct store_stmt *s, int c)
{
    return arena_strdup(req->op.arena, store_is_null(s, c) ? "" : store_text(s, c));
}

static bool render(struct error *err, struct request *req, struct store_stmt *s,
                   unsigned char **pdf, size_t *len)
{
    char date[11];
    tokyo_date(store_int(s, 5), date);
    json_t *letter = json_loads(store_text(s, 1), 0, NULL);
    if (!letter)
        return error_set(err, ERR_INTERNAL, "stored letter unreadable");
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, letter);
    const char *department = col(req, s, 2);
    struct letter_pdf_in in = {
        .font_path = req->ctx->env.letter_font,
        .reverse = strcmp(store_text(s, 0), "reverse") == 0,
        .date = date,
        .patient_name = col(req, s, 6),
        .patient_kana = col(req, s, 7),
        .patient_sex = sex_label(col(req, s, 8)),
        .patient_birth_date = col(req, s, 9),
        .patient_age = age_on(col(req, s, 9), date),
        .from_org_name = col(req, s, 10),
        .from_org_address = col(req, s, 11),
        .from_org_phone = col(req, s, 12),
        .signer_name = col(req, s, 13),
        .to_org_name = col(req, s, 14),
        .to_department = department[0] ? codes_label(dir_departments, department, true) : "",
        .urgency = codes_label(referral_urgencies, col(req, s, 3), true),
        .purpose = codes_label(referral_purposes, col(req, s, 4), true),
        .letter = letter,
    };
    return letter_pdf_render(err, &in, pdf, len);
}

bool referrals_letter_pdf(struct error *err, struct request *req)
{
    const char *rid = request_param(req, 0); /* a valid UUID: the router found the referral */
    struct store_stmt *s = store_query(err, req->op.conn, LETTER_SELECT, "t", rid);
    if (!s)
        return false;
    int rc = store_step(err, s);
    unsigned char *pdf = NULL;
    size_t len = 0;
    bool ok = rc == STORE_ROW    ? render(err, req, s, &pdf, &len)
              : rc == STORE_DONE ? error_set(err, ERR_REFERRAL_NOT_FOUND, NULL)
                                 : false;
    store_done(s);
    if (!ok)
        return false;
    req->status = 200;
    req->content_type = "application/pdf";
    req->resp_body = (char *)pdf; /* malloc'd: freed with the response */
    req->resp_len = len;
    /* shown inside the UI like any PDF document (same-origin frame, no scripts) */
    response_allow_same_origin_frame(req);
    response_header(
        req, "Content-Disposition",
        arena_printf(req->op.arena, "inline; filename=\"referral-letter-%s.pdf\"", rid));
    return true;
}

bool referrals_document(struct error *err, struct request *req)
{
    const char *rid = request_param(req, 0);
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT fhir_composition_id, patient_id FROM referrals WHERE id = ?", "t", rid);
    if (!s)
        return false;
    int rc = store_step(err, s);
    const char *composition = rc == STORE_ROW ? col(req, s, 0) : NULL;
    const char *patient = rc == STORE_ROW ? col(req, s, 1) : NULL;
    store_done(s);
    if (rc == STORE_FAIL)
        return false;
    if (!composition || !composition[0])
        return error_set(err, ERR_REFERRAL_NOT_FOUND, "the referral has no letter document");
    /* the router decided that the caller may read this referral's patient as a party to it */
    req->decided_patient = patient;
    json_t *bundle;
    bool ok = fhir_document_bundle(err, req, composition, &bundle);
    req->decided_patient = NULL;
    req->object_type = "referral"; /* the audit names the referral, as the router set it */
    req->object_id = rid;
    if (!ok)
        return false;
    response_fhir(req, 200, bundle);
    return true;
}
