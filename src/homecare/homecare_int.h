/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HOMECARE_HOMECARE_INT_H
#define TSUNAGU_HOMECARE_HOMECARE_INT_H

/* Home care (issue 16): what the module's files share. Its handlers are declared from
 * routes.def. */

#include "homecare/homecare.h"
#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "homecare/routes.def"
#undef ROUTE

/* ---- what the parts share (common.c) ------------------------------------------------------- */

#include <jansson.h>

#include "core/ids.h"
#include "core/text.h"

enum { HOMECARE_TEAM_MAX = 64 /* organisations of a care team looked at */ };

/** Column col of s as a string in op's arena, or NULL when the column is NULL. */
const char *homecare_text_or_null(struct op *op, struct store_stmt *s, int col);
/** j as canonical JSON text (compact, sorted keys, reals to 15 digits) in op's arena: what a
 *  signature's SHA-256 is taken of; NULL when out of memory. */
const char *homecare_canonical(struct op *op, const json_t *j);
/** The organisations on patient_id's care team (not removed), each once, at most
 *  HOMECARE_TEAM_MAX, into orgs; their number, or -1 with err set. */
int homecare_team_orgs(struct error *err, struct store_conn *conn, const char *patient_id,
                       char orgs[][UUID_STR_LEN]);
/** A version's row (a visit record's, a report's) shown as its document: "version_id" the row's
 *  id, "id" the document's (the member key, which is removed). */
void homecare_as_document(json_t *v, const char *key);
/** The document of its versions (oldest first; taken): the current version's fields as
 *  homecare_as_document shows them, and "versions"; NULL with not_found set when there are none. */
json_t *homecare_versions_document(struct error *err, json_t *versions, const char *key,
                                   enum error_code not_found);
/** Publishes event (taken; NULL: out of memory) on topic, after the commit, to each team
 *  organisation that may read the patient's clinical data in person (access_org_sees). Events
 *  name no patient: an open page reads again through the access rule. */
bool homecare_publish_team(struct error *err, struct op *op, const char *patient_id,
                           const char *topic, json_t *event);

/* ---- schedule: the shared visit schedule (schedule*.c) ------------------------------------ */
#include <stdint.h>

#include "core/ids.h"
#include "fhir/store.h"

enum {
    SCHEDULE_GAP_DAYS_DEFAULT = 7,    /* the gap flag's N when a nursing plan gives none */
    SCHEDULE_WINDOW_DAYS = 56,        /* a plan's occurrences are expanded 8 weeks ahead */
    SCHEDULE_EXPAND_MAX_DAYS = 366,   /* at most this many days expanded by one request */
    SCHEDULE_EXPAND_MAX_VISITS = 200, /* and at most this many occurrences */
};

/** Days since 1970-01-01 of a real date "YYYY-MM-DD"; false if it is not one. */
bool schedule_date_days(const char *date, int64_t *days);
/** The date "YYYY-MM-DD" of a day number. */
void schedule_days_date(int64_t days, char out[11]);
/** The weekday of a day number: 0 Monday .. 6 Sunday. */
int schedule_weekday(int64_t days);
/** The UTC instant (ms) of minute (after local midnight) of day in Asia/Tokyo (UTC+9, no DST). */
int64_t schedule_local_ms(int64_t days, int minute);
/** The Asia/Tokyo day number of an instant. */
int64_t schedule_ms_days(int64_t ms);
/** Today in Asia/Tokyo as a day number (the program's clock). */
int64_t schedule_today(void);
/** "HH:MM" (00:00..23:59) into minutes after midnight; false if it is not one. */
bool schedule_hhmm_parse(const char *s, int *minute);
/** The local "HH:MM" of an instant. */
void schedule_hhmm_format(int64_t ms, char out[6]);

/** What the schedule needs of a visit. */
struct schedule_visit {
    char id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char kind[24];
    char staff[UUID_STR_LEN];   /* "" when none */
    char plan_id[UUID_STR_LEN]; /* "" for a one-off visit */
    char status[12];
    char local_date[11];
    int64_t starts_at, ends_at;
};

/** Reads visit id of patient_id; ERR_HOMECARE_SCHEDULE_NOT_FOUND if there is none. */
bool schedule_visit_load(struct error *err, struct store_conn *conn, const char *patient_id,
                         const char *id, struct schedule_visit *v);
/** The visit as the API shows it (a new object), with its organisation, kind and staff. */
json_t *schedule_visit_json(struct error *err, struct store_conn *conn, const char *id);

/** The plan as the API shows it (a new object). */
json_t *schedule_plan_json(struct error *err, struct store_conn *conn, const char *id);

/** Checks that kind is provided by the caller's organisation's type and made by staff_user_id's
 *  profession (when given), and that staff_user_id is a user of that organisation. */
bool schedule_kind_check(struct error *err, struct op *op, const char *kind,
                         const char *staff_user_id);

/** Inserts the occurrences of plan plan_id from day from to day until (both included) that its
 *  pattern has and its exceptions do not skip. */
bool schedule_plan_expand(struct error *err, struct op *op, const char *plan_id, int64_t from,
                          int64_t until);

/** Stores res (taken) as the caller of op, in op's write transaction: a new resource when id is
 *  NULL, else its next version; patient is its compartment. *row (or NULL) gets the row. */
bool homecare_fhir_put(struct error *err, struct op *op, json_t *res, const char *id,
                       const char *patient, struct fhir_row *row);
/** s without invisible characters at either end (like api_trimmed), in op's arena; "" when
 *  nothing in s is visible, NULL for NULL. */
const char *homecare_trimmed(struct op *op, const char *s);

/**
 * Makes a recurring visit plan of patient_id by op's caller from body (the fields of POST
 * .../homecare/plans, checked here) and expands it into visits for its first window; id gets
 * the plan's id. Starts op's write transaction; the caller commits.
 */
bool homecare_plan_create(struct error *err, struct op *op, const char *patient_id,
                          const json_t *body, char id[UUID_STR_LEN]);

/** Identifies a visit in its FHIR Appointment. */
#define SCHEDULE_VISIT_SYSTEM "https://tsunagu.example.jp/fhir/NamingSystem/homecare-visit"
/** Writes (creates or updates) the FHIR Appointment of visit id from its row. */
bool schedule_sync_appointment(struct error *err, struct op *op, const char *id);
/** The same for every visit of plan plan_id changed by this request (updated_at now). */
bool schedule_sync_plan_visits(struct error *err, struct op *op, const char *plan_id);

/** Moves the rolling window of patient_id's plans forward: each plan expanded to
 *  less than SCHEDULE_WINDOW_DAYS ahead (and not past its end date) is expanded further. Called
 *  by every write to the patient's schedule, and by schedule_sweep. */
bool schedule_roll_forward(struct error *err, struct op *op, const char *patient_id);
/** The schedule's part of the module's sweep: once the Tokyo day has changed, moves every
 *  patient's rolling window forward, a few patients per call, each with an audit record. */
bool schedule_sweep(struct error *err, struct op *op);

/**
 * Records a change (what: created, changed, cancelled, plan_created, plan_changed) by the
 * caller of a visit or plan of the request's patient, with reason and detail (borrowed, NULL:
 * {}); publishes topic "homecare" to every organisation of the team that sees the patient and,
 * when notify is set, writes a notification to each of them but the caller's.
 */
bool schedule_change_done(struct error *err, struct op *op, const char *patient_id,
                          const char *visit_id, const char *plan_id, const char *what,
                          const char *reason, const json_t *detail, bool notify);

/** One visit of a staff member's list (the day list, the staff calendar feed). */
struct schedule_staff_row {
    const char *visit_id, *patient_id, *patient_name, *address, *kind, *status, *org_name;
    int64_t starts_at, ends_at, updated_at;
};
typedef bool (*schedule_staff_fn)(struct error *err, struct request *req,
                                  const struct schedule_staff_row *row, void *arg);
/**
 * Calls fn, in visit order, for each visit of user_id for organisation org_id from day from to
 * day until (dates "YYYY-MM-DD"), planned ones only unless with_cancelled, of patients that
 * organisation's members may see in person (ACCESS_VISIBLE_SQL): no one else's.
 */
bool schedule_staff_each(struct error *err, struct request *req, const char *user_id,
                         const char *org_id, const char *from, const char *until,
                         bool with_cancelled, schedule_staff_fn fn, void *arg);
/* ---- visit records (訪問記録): records*.c ---------------------------------------------------- */
#include "core/ids.h"
#include "fhir/store.h"

/** Identifies a visit record in the FHIR resources written for it. */
#define HOMECARE_RECORD_SYSTEM "https://tsunagu.example.jp/fhir/NamingSystem/homecare-record"

/** One version of a visit record, as read from homecare_records (strings in the arena). */
struct homecare_record {
    char id[UUID_STR_LEN], record_id[UUID_STR_LEN], previous_id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN], org_id[UUID_STR_LEN], author_id[UUID_STR_LEN];
    const char *kind, *form, *content, *handover, *status, *reason, *sha256;
    int version;
    int64_t visit_start, visit_end, signed_at;
    char encounter_id[FHIR_ID_MAX + 1], composition_id[FHIR_ID_MAX + 1];
    const char *observations; /* JSON {vital: Observation id} */
};

/**
 * Checks a record's content against the form (soap, nursing, pharmacy, rehab, care): no unknown
 * field, each field of its type and plausible range (vitals: core/plausible.h), field names
 * given as "content.<path>" in the error. visit_day is the visit's Tokyo date (YYYY-MM-DD).
 * Returns the content to store (new reference: the rehab form gains its Barthel total), or NULL
 * with err set.
 */
json_t *homecare_form_check(struct error *err, const char *form, const json_t *content,
                            const char *visit_day);
/** Checks a vitals object (known names, types, plausible ranges); errors name the field
 *  "<prefix>.<name>" (prefix "content.vitals" in a record, "vitals" in a vitals entry). */
bool homecare_vitals_check(struct error *err, const json_t *vitals, const char *prefix);

/** The vitals a form may carry (field name, LOINC code and display, Japanese name, UCUM unit);
 *  ends with a NULL name. jcs has no LOINC code: its system is HOMECARE_JCS_SYSTEM. */
struct homecare_vital {
    const char *name, *loinc, *display, *ja, *unit;
};
extern const struct homecare_vital homecare_vitals[];
#define HOMECARE_JCS_SYSTEM "https://tsunagu.example.jp/fhir/CodeSystem/japan-coma-scale"

/** Reads version id (or, when id is a record id and by_record, its current version) into *r;
 *  the record must belong to patient_id (ERR_HOMECARE_RECORDS_NOT_FOUND otherwise). */
bool homecare_record_load(struct error *err, struct op *op, const char *patient_id, const char *id,
                          struct homecare_record *r);

/**
 * Records a visit of patient_id by op's caller from body (the fields of POST
 * .../homecare/records, checked here), as a draft version 1 written into the FHIR record; id
 * gets the record's id. key (or NULL) is the Idempotency-Key and digest what it was sent with:
 * a repeat with the same key and digest sets *repeat and id to the earlier record, changing
 * nothing. Starts op's write transaction; the caller commits.
 */
bool homecare_record_create(struct error *err, struct op *op, const char *patient_id,
                            const json_t *body, const char *key, const char *digest,
                            char id[UUID_STR_LEN], bool *repeat);
/** Signs the current version of record rid of patient_id as op's caller, its author: records the
 *  SHA-256 of the signed content, attests the FHIR Composition and tells the team; r gets the
 *  signed version. Starts op's write transaction; the caller commits. */
bool homecare_record_sign(struct error *err, struct op *op, const char *patient_id, const char *rid,
                          struct homecare_record *r);

/**
 * Writes version r into the patient's FHIR record (records_fhir.c): the Encounter (class HH),
 * one vital-signs Observation per vital and the Composition referencing them; prev (or NULL)
 * is the version r corrects, whose resources get new versions (a vital no longer given: its
 * Observation entered-in-error). Stores the ids on r's row.
 */
bool homecare_record_fhir_write(struct error *err, struct op *op, const struct homecare_record *r,
                                const struct homecare_record *prev);
/** After signing r: the Composition's next version, final and attested by the author. */
bool homecare_record_fhir_sign(struct error *err, struct op *op, const struct homecare_record *r);
/* ---- timeline: the team timeline of a patient (timeline*.c) ---------------------------------- */

#include <jansson.h>
#include <stdint.h>

#include "dicom/render.h"

enum {
    TIMELINE_TEXT_MAX = 4000,      /* code points of a post */
    TIMELINE_MENTIONS_MAX = 20,    /* mentions in one post */
    TIMELINE_ATTACHMENTS_MAX = 10, /* photos on one post */
};

/** Whether organisation org_id is on patient_id's care team with a consent in force (the access
 *  rule's reading for writes, ACCESS_TEAM_SQL), as of now. */
bool timeline_org_on_team(struct error *err, struct store_conn *conn, const char *org_id,
                          const char *patient_id, bool *on_team);
/** The patient's care team as the timeline counts it: [{id, name, members: [{id, name}]}], the
 *  organisations on the team with consent in force and their confirmed, enabled members (a new
 *  reference; NULL with err set). */
json_t *timeline_team(struct error *err, struct store_conn *conn, const char *patient_id);
/** Checks the "mentions" of a new post (each {user_id[, org_id]} or {org_id}) against team (from
 *  timeline_team) and stores them for post_id, in op's write transaction. */
bool timeline_mentions_save(struct error *err, struct op *op, const json_t *mentions,
                            const json_t *team, const char *post_id);
/** The mentions of a post: [{kind: "user"|"org", user: {id, name}|null, org: {id, name}}]. */
json_t *timeline_mentions(struct error *err, struct store_conn *conn, const char *post_id);
/** Notifies, for a new post, every organisation mentioned (or with a member mentioned), and
 *  every organisation of the team when it is urgent, only where access_org_sees; then publishes
 *  the "homecare.timeline" event to each organisation of the team. */
bool timeline_notify(struct error *err, struct op *op, const char *patient_id, const char *post_id,
                     const char *thread_id, bool urgent, const json_t *team);
/** Writes post_id as FHIR Communication (timeline_fhir.c): a new resource the first time, else
 *  its next version (after a photo is attached), in op's write transaction. */
bool timeline_sync_communication(struct error *err, struct op *op, const char *post_id);
/**
 * Posts to patient_id's team timeline as op's caller from body (the fields of POST
 * .../homecare/posts, checked here: the caller's organisation on the team), a reply when it has
 * a parent_id; saves mentions, writes the FHIR Communication and notifies; id gets the post's
 * id. key (or NULL) is the Idempotency-Key and digest what it was sent with: a repeat with the
 * same key and digest sets *repeat and id to the earlier post, changing nothing. Starts op's
 * write transaction; the caller commits.
 */
bool homecare_post_create(struct error *err, struct op *op, const char *patient_id,
                          const json_t *body, const char *key, const char *digest,
                          char id[UUID_STR_LEN], bool *repeat);
/** One thread of the timeline: post post_id of patient_id (a first post) with its replies, as
 *  GET .../homecare/posts lists it (a new reference; NULL with err set, 404 when not the
 *  patient's). */
json_t *timeline_thread(struct error *err, struct store_conn *conn, const char *patient_id,
                        const char *post_id, const json_t *team);
/** Marks post post_id of patient_id read by op's caller (a repeat changes nothing); *read (when
 *  given) gets the post's read state (a new reference). Starts op's write transaction. */
bool homecare_post_mark_read(struct error *err, struct op *op, const char *patient_id,
                             const char *post_id, json_t **read);
/** The attachments of a post: [{n, media_type, width, height, size}] (a new reference). */

/* The photo pipeline (timeline_photo.c; public for its unit tests). */
enum {
    TIMELINE_PHOTO_MAX_BYTES = 10 * 1024 * 1024, /* an upload */
    TIMELINE_PHOTO_SIDE = 1600,                  /* the long side stored */
};
/** The photo as stored from the len bytes of a JPEG or PNG: upright (EXIF orientation), at most
 *  TIMELINE_PHOTO_SIDE on its long side, encoded again as JPEG, so without any metadata. *out is
 *  malloc'd (the caller frees it). ERR_HOMECARE_TIMELINE_NOT_IMAGE for bytes that are neither,
 *  ERR_HOMECARE_TIMELINE_IMAGE_TOO_LARGE for too many pixels. */
bool timeline_photo_reduce(struct error *err, const uint8_t *data, size_t len, uint8_t **out,
                           size_t *out_len, uint32_t *width, uint32_t *height);
/** The orientation (1–8) in the data of an APP1 "Exif\0\0" segment (CIPA DC-008, TIFF IFD0 tag
 *  0x0112), or 1 when absent or unreadable; every offset is checked against n. */
int timeline_exif_orientation(const uint8_t *data, size_t n);
/** Turns RGB pixels (3 channels) upright for EXIF orientation 2–8 (mirror and/or rotate; others
 *  change nothing); px->data is replaced (ERR_NOMEM leaves it). */
bool timeline_photo_upright(struct error *err, struct dicom_rendered *px, int orientation);
json_t *timeline_attachments(struct error *err, struct store_conn *conn, const char *post_id);

/* ---- report: the monthly 訪問看護報告書 (report*.c) -------------------------------------------
 */
/** Identifies a report in the FHIR resources written for it. */
#define HOMECARE_REPORT_SYSTEM "https://tsunagu.example.jp/fhir/NamingSystem/homecare-report"

/** One version of a report, as read from homecare_reports (strings in the arena). */
struct homecare_report {
    char id[UUID_STR_LEN], report_id[UUID_STR_LEN], previous_id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN], org_id[UUID_STR_LEN], to_org_id[UUID_STR_LEN];
    char author_id[UUID_STR_LEN], month[8];
    const char *content, *vitals, *status, *reason, *sha256;
    const char *org_name, *to_org_name, *author_name;
    int version;
    int64_t signed_at;
    char composition_id[FHIR_ID_MAX + 1], docref_id[FHIR_ID_MAX + 1];
};

/** The first instant (ms) of month "YYYY-MM" (years 2000–2999) in Asia/Tokyo and of the month
 *  after; false when month is not one. */
bool report_month_range(const char *month, int64_t *from, int64_t *until);
/** Checks a month given in field (400 field or query error), and that it is not in the future
 *  (422 homecare.report_month). */
bool report_month_check(struct error *err, const char *field, const char *month, bool query);
/** The caller may write reports of patient_id: a nurse of a visiting nursing station on the care
 *  team with consent (403 homecare.report_not_station / homecare.report_profession). */
bool report_may_write(struct error *err, struct op *op, const char *patient_id);
/** Checks to_org_id as the addressee: an organisation of physicians on the patient's team with
 *  consent (422 homecare.report_addressee). */
bool report_addressee_check(struct error *err, struct op *op, const char *patient_id,
                            const char *to_org_id);
/** Checks a report's content for month (400 naming content.<field>) and returns it normalised
 *  (every field present, visits by date): a new reference, NULL with err set. */
json_t *report_content_check(struct error *err, const json_t *content, const char *month);
/** The vitals summary of the month from the station org_id's visit records of patient_id: one
 *  item per vital given, {vital, ja, unit, count, min, max, last} (a new reference). */
json_t *report_vitals(struct error *err, struct op *op, const char *patient_id, const char *org_id,
                      const char *month);
/** The draft prefilled from the month's visit records of the caller's station (a new reference):
 *  {month, to_org, to_orgs, content, vitals, records}. */
json_t *report_prefill(struct error *err, struct op *op, const char *patient_id, const char *month);
/** Reads the current version of report_id of patient_id (404 homecare.report_not_found), or,
 *  when version > 0, that version. */
bool report_load(struct error *err, struct op *op, const char *patient_id, const char *report_id,
                 int version, struct homecare_report *r);
/** What the printed report shows (report_pdf.c); every pointer borrowed, any may be NULL but r,
 *  and nothing is trusted: odd UTF-8, a content or vitals of any JSON shape, a malformed month. */
struct report_pdf_in {
    const struct homecare_report *r;
    const char *patient_name, *patient_kana, *birth_date, *address;
    const char *org_address, *org_phone, *signed_by;
    const json_t *content, *vitals;
    const char *font_path; /* NULL or "": the typesetter's defaults */
};
enum { REPORT_PDF_MAX_PAGES = 20 };
/** The report as PDF in the customary layout (別紙様式2): *pdf malloc'd (the caller frees it).
 *  ERR_HOMECARE_REPORT_FONT when no Japanese font loads, ERR_NOMEM, ERR_INTERNAL. */
bool report_pdf_render(struct error *err, const struct report_pdf_in *in, unsigned char **pdf,
                       size_t *len);
/** After signing r: writes the report into the patient's FHIR record (report_fhir.c): the
 *  Composition (LOINC 34746-8) final and attested, and the DocumentReference the record's
 *  document list shows; a correction gives both their next version. Stores the ids on r's row. */
bool report_fhir_write(struct error *err, struct op *op, struct homecare_report *r);
/* ---- alerts: vitals that alert (issue 17; alert_rules.c, alerts.c) --------------------------- */

enum { HOMECARE_VITALS = 10 /* the entries of homecare_vitals */ };

/** A built-in profile: a level per vital ({low, high}, NAN: none) in the order of
 *  homecare_vitals, and the trend rules (weight rising by weight_rise_kg within
 *  weight_rise_days, NAN: none; SpO2 spo2_drop points below the patient's baseline). */
struct alert_profile {
    const char *code, *ja, *en;
    double levels[HOMECARE_VITALS][2];
    double weight_rise_kg;
    int weight_rise_days;
    double spo2_drop;
};
/** 高齢者標準, 心不全, COPD; ends with a NULL code. */
extern const struct alert_profile homecare_alert_profiles[];
const struct alert_profile *homecare_alert_profile_find(const char *code);
/** The index of vital name in homecare_vitals, or -1. */
int homecare_vital_index(const char *name);

/** A patient's settings: the profile with the physician's adjustments laid over it. */
struct alert_settings {
    const struct alert_profile *profile;
    double low[HOMECARE_VITALS], high[HOMECARE_VITALS];
    bool adjusted[HOMECARE_VITALS], trends_adjusted;
    double weight_rise_kg, spo2_drop;
    int weight_rise_days;
    char set_by[UUID_STR_LEN], set_by_name[128];
    int64_t set_at; /* 0: never set (the default profile) */
};
/** The settings of patient_id (the first profile when none were set). */
bool homecare_alert_settings_load(struct error *err, struct store_conn *conn,
                                  const char *patient_id, struct alert_settings *s);
/** Checks a body of PUT .../homecare/alert-settings. */
bool homecare_alert_settings_check(struct error *err, const json_t *body);
json_t *homecare_alert_settings_json(const struct alert_settings *s);

/** What one value broke: rule "low"/"high" (limit the level) or "rise"/"drop" (limit the
 *  change allowed, baseline the value it is measured from). */
struct alert_finding {
    int vital;
    double value;
    const char *rule;
    double limit, baseline;
};
/** Judges value of vital against the levels of s: 1 and *out when it is out of range, else 0. */
int homecare_alert_levels(const struct alert_settings *s, int vital, double value,
                          struct alert_finding *out);
/** Where values to judge come from: a visit record (id its record_id) or a vitals entry (entry;
 *  id the entry's), measured at measured_at, content JSON with "vitals". */
struct alert_source {
    const char *patient_id, *id;
    bool entry;
    int64_t measured_at;
    const char *content;
};
/** Judges the vitals of src (just written) and raises an alert for each value out of range (as
 *  homecare_alerts_raise). In op's write transaction. */
bool homecare_alerts_raise_from(struct error *err, struct op *op, const struct alert_source *src);
/** The minutes before an unacknowledged alert of organisation org_id escalates (default 15). */
bool homecare_alert_escalate_minutes(struct error *err, struct store_conn *conn, const char *org_id,
                                     int *minutes);
/** The sweep of alerts (module sweep): each open alert past its next escalation goes one step
 *  on — to the on-call shift's backup clinician, then to the responsible organisation's
 *  administrators — with its step, notification, audit record and live event. */
bool homecare_alerts_escalate(struct error *err, struct op *op);
/** Judges the vitals of visit record r (its current version, just written) and raises an alert
 *  for each value out of range: stored with its steps, told to the team's physicians (inbox) and
 *  published on "homecare.alert". In op's write transaction. */
bool homecare_alerts_raise(struct error *err, struct op *op, const struct homecare_record *r);
/** One alert of patient_id with its steps (a new reference), or NULL with err set (404). */
json_t *homecare_alert_json(struct error *err, struct store_conn *conn, const char *patient_id,
                            const char *alert_id);
/** Adds "steps" (the alert's life, oldest first) to alert (which has its "id"). */
bool homecare_alert_steps_add(struct error *err, struct store_conn *conn, json_t *alert);
/** Acknowledges open alert alert_id of patient_id as op's caller (a physician or nurse of an
 *  organisation on the team) with body {action, note}; tells the team live. Starts op's write
 *  transaction. */
bool homecare_alert_acknowledge(struct error *err, struct op *op, const char *patient_id,
                                const char *alert_id, const json_t *body);

/* ---- demo: the demo region's home care (demo.c) ------------------------------------------- */
/** Loads the home-care patients' conditions, schedules, records and timeline (module demo_load). */
bool homecare_demo_load(struct error *err, struct op *op);

#endif
