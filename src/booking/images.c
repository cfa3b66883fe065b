/* SPDX-License-Identifier: Apache-2.0 */
/* The images of a shared-equipment examination (共同利用) go back to the ordering organisation
 * with the report: the equipment's organisation's studies of the patient, linked by the
 * booking's AccessionNumber or by the day of the examination, are shared with the ordering
 * organisation (imaging shares of kind "booking", opened where a consent in force names it, as
 * the booking's record share); a study that arrives after the report is shared as it is linked
 * (imaging_on_linked). */
#include <stdio.h>
#include <string.h>

#include "booking_int.h"
#include "core/clock.h"
#include "imaging/imaging.h"

/* How long the ordering organisation keeps the images of its examination (with consent). */
#define BOOKING_IMAGES_MS (365LL * 24 * 3600 * 1000)

void booking_accession(const char *booking_id, char out[BOOKING_ACCESSION_LEN])
{
    /* "TB" and the last 14 hex digits of the id (its random part), upper case: 16 characters,
     * the most an AccessionNumber (SH) holds (PS3.5 §6.2) */
    char hex[40];
    size_t n = 0;
    for (const char *c = booking_id; *c && n < sizeof hex - 1; c++)
        if (*c != '-')
            hex[n++] = (char)(*c >= 'a' && *c <= 'f' ? *c - 'a' + 'A' : *c);
    hex[n] = '\0';
    snprintf(out, BOOKING_ACCESSION_LEN, "TB%.14s", n >= 14 ? hex + n - 14 : hex);
}

/* The examination's day in Asia/Tokyo as a DICOM date (YYYYMMDD). */
static void exam_date(int64_t starts_at, char out[9])
{
    char iso[32];
    clock_format_iso(starts_at + 9 * 3600 * 1000LL, iso); /* JST: no DST */
    snprintf(out, 9, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
}

static bool share_all(struct error *err, struct op *op, const char *booking_id,
                      const char *patient_id, const char *ordering_org, const json_t *uids)
{
    for (size_t i = 0; i < json_array_size(uids); i++)
        if (!imaging_share_start(err, op, json_string_value(json_array_get(uids, i)), patient_id,
                                 ordering_org, IMAGING_SHARE_BOOKING, booking_id, false, NULL,
                                 op->now_ms + BOOKING_IMAGES_MS))
            return false;
    return true;
}

bool booking_share_images(struct error *err, struct op *op, const struct booking *b)
{
    char accession[BOOKING_ACCESSION_LEN], date[9];
    booking_accession(b->id, accession);
    exam_date(b->starts_at, date);
    json_t *uids =
        imaging_studies_matching(err, op, b->slot_org_id, b->patient_id, accession, date);
    if (!uids)
        return false;
    bool ok = share_all(err, op, b->id, b->patient_id, b->org_id, uids);
    json_decref(uids);
    return ok;
}

/* A study linked after the report: shared with the ordering organisation of each reported
 * booking of its patient on its sender's equipment that it matches. */
static bool study_linked(struct error *err, struct op *op, const struct imaging_linked_study *st)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT b.id, b.org_id, sl.starts_at FROM equipment_bookings b JOIN equipment_slots sl "
        "ON sl.id = b.slot_id WHERE b.patient_id = ? AND sl.org_id = ? AND b.status = 'reported' "
        "ORDER BY b.reported_at DESC LIMIT 100",
        "tt", st->patient_id, st->org_id);
    if (!s)
        return false;
    struct match {
        char id[UUID_STR_LEN], org[UUID_STR_LEN];
    } found[100];
    int n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        char accession[BOOKING_ACCESSION_LEN], date[9];
        booking_accession(store_text(s, 0), accession);
        exam_date(store_int(s, 2), date);
        if (strcmp(accession, st->accession) != 0 && strcmp(date, st->study_date) != 0)
            continue;
        snprintf(found[n].id, UUID_STR_LEN, "%s", store_text(s, 0));
        snprintf(found[n].org, UUID_STR_LEN, "%s", store_text(s, 1));
        n++;
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    for (int i = 0; i < n; i++)
        if (!imaging_share_start(err, op, st->study_uid, st->patient_id, found[i].org,
                                 IMAGING_SHARE_BOOKING, found[i].id, false, NULL,
                                 op->now_ms + BOOKING_IMAGES_MS))
            return false;
    return true;
}

void booking_images_init(void)
{
    imaging_on_linked(study_linked);
}
