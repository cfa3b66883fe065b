/* SPDX-License-Identifier: Apache-2.0 */
/* What makes a vital alert (issue 17): the built-in profiles of thresholds and trend rules
 * (高齢者標準, 心不全, COPD), a patient's settings (a profile and the physician's adjustments,
 * table homecare_alert_settings) and the judgement of one value against them and against the
 * patient's earlier values. No HTTP here: alerts.c raises and routes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "homecare_int.h"

#define NONE NAN

/* Levels in the order of homecare_vitals: bp_systolic, bp_diastolic, pulse, spo2, temperature,
 * respiratory_rate, weight, blood_glucose, pain_nrs, jcs. JCS above 3 is a digit-II (刺激で覚醒)
 * or worse. */
const struct alert_profile homecare_alert_profiles[] = {
    {"elderly",
     "高齢者標準",
     "Older adult (standard)",
     {{90, 180},
      {NONE, 110},
      {50, 120},
      {90, NONE},
      {35.0, 38.0},
      {10, 25},
      {NONE, NONE},
      {70, 300},
      {NONE, 7},
      {NONE, 3}},
     NONE,
     3,
     4},
    {"heart_failure",
     "心不全",
     "Heart failure",
     {{85, 170},
      {NONE, 100},
      {50, 110},
      {92, NONE},
      {35.0, 38.0},
      {10, 24},
      {NONE, NONE},
      {70, 300},
      {NONE, 7},
      {NONE, 3}},
     2.0,
     3,
     4},
    {"copd",
     "COPD",
     "COPD",
     {{90, 180},
      {NONE, 110},
      {50, 120},
      {88, NONE},
      {35.0, 38.0},
      {10, 28},
      {NONE, NONE},
      {70, 300},
      {NONE, 7},
      {NONE, 3}},
     NONE,
     3,
     4},
    {NULL, NULL, NULL, {{0, 0}}, NONE, 0, NONE},
};

const struct alert_profile *homecare_alert_profile_find(const char *code)
{
    for (const struct alert_profile *p = homecare_alert_profiles; code && p->code; p++)
        if (strcmp(p->code, code) == 0)
            return p;
    return NULL;
}

int homecare_vital_index(const char *name)
{
    for (int i = 0; name && homecare_vitals[i].name; i++)
        if (strcmp(homecare_vitals[i].name, name) == 0)
            return i;
    return -1;
}

/* ---- a patient's settings -------------------------------------------------------------------- */

static void from_profile(struct alert_settings *s, const struct alert_profile *p)
{
    memset(s, 0, sizeof *s);
    s->profile = p;
    for (int i = 0; i < HOMECARE_VITALS; i++) {
        s->low[i] = p->levels[i][0];
        s->high[i] = p->levels[i][1];
    }
    s->weight_rise_kg = p->weight_rise_kg;
    s->weight_rise_days = p->weight_rise_days;
    s->spo2_drop = p->spo2_drop;
}

static double number_or(const json_t *obj, const char *key, double fallback)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : json_is_null(v) ? NONE : fallback;
}

/* Lays the physician's adjustments (as stored, checked on the way in) over the profile. */
static void apply_overrides(struct alert_settings *s, const json_t *o)
{
    const char *name;
    const json_t *level;
    json_object_foreach((json_t *)json_object_get(o, "levels"), name, level)
    {
        int i = homecare_vital_index(name);
        if (i < 0)
            continue;
        s->low[i] = number_or(level, "low", s->low[i]);
        s->high[i] = number_or(level, "high", s->high[i]);
        s->adjusted[i] = true;
    }
    s->weight_rise_kg = number_or(o, "weight_rise_kg", s->weight_rise_kg);
    s->weight_rise_days = (int)number_or(o, "weight_rise_days", s->weight_rise_days);
    s->spo2_drop = number_or(o, "spo2_drop", s->spo2_drop);
    s->trends_adjusted = json_object_get(o, "weight_rise_kg") ||
                         json_object_get(o, "weight_rise_days") || json_object_get(o, "spo2_drop");
}

bool homecare_alert_settings_load(struct error *err, struct store_conn *conn,
                                  const char *patient_id, struct alert_settings *s)
{
    struct store_stmt *st = store_query(
        err, conn,
        "SELECT a.profile, a.overrides, a.set_by, u.name, a.set_at FROM homecare_alert_settings a "
        "JOIN users u ON u.id = a.set_by WHERE a.patient_id = ?",
        "t", patient_id);
    if (!st)
        return false;
    enum store_step_result r = store_step(err, st);
    const struct alert_profile *p =
        r == STORE_ROW ? homecare_alert_profile_find(store_text(st, 0)) : NULL;
    from_profile(s, p ? p : &homecare_alert_profiles[0]);
    if (r == STORE_ROW) {
        json_t *o = json_loads(store_text(st, 1), 0, NULL);
        apply_overrides(s, o);
        json_decref(o);
        text_copy(s->set_by, sizeof s->set_by, store_text(st, 2));
        text_copy(s->set_by_name, sizeof s->set_by_name, store_text(st, 3));
        s->set_at = store_int(st, 4);
    }
    store_done(st);
    return r != STORE_FAIL;
}

/* ---- checking an adjustment ------------------------------------------------------------------ */

static bool check_bound(struct error *err, const char *vital, const char *which, const json_t *v)
{
    char field[64];
    snprintf(field, sizeof field, "levels.%s.%s", vital, which);
    if (!v)
        return true;
    double x = json_number_value(v);
    if (strcmp(vital, "jcs") == 0)
        return x >= 0 && x <= 300 ? true : error_set(err, ERR_FIELD_RANGE, "%s: 0 to 300", field);
    struct plausible_why why;
    if (plausible_number(PLAUSIBLE_VITAL, x, vital, NULL, &why))
        return plausible_error(err, ERR_FIELD_RANGE, field, &why);
    return true;
}

static bool check_levels(struct error *err, const json_t *levels)
{
    static const struct jfield fields[] = {
        {"low", JV_NUMBER, false, 0, NULL},
        {"high", JV_NUMBER, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *name;
    const json_t *level;
    json_object_foreach((json_t *)levels, name, level)
    {
        if (homecare_vital_index(name) < 0)
            return error_set(err, ERR_FIELD_VALUE, "levels.%s: not a vital", name);
        char path[64];
        snprintf(path, sizeof path, "levels.%s", name);
        if (!json_is_object(level))
            return error_set(err, ERR_FIELD_TYPE, "%s: expected an object", path);
        const json_t *lo = json_object_get(level, "low"), *hi = json_object_get(level, "high");
        if (!jsonv_check_at(err, level, fields, path) || !check_bound(err, name, "low", lo) ||
            !check_bound(err, name, "high", hi))
            return false;
        if (lo && hi && json_number_value(lo) >= json_number_value(hi))
            return error_set(err, ERR_FIELD_RANGE, "levels.%s.high: must be above low", name);
    }
    return true;
}

bool homecare_alert_settings_check(struct error *err, const json_t *body)
{
    static const struct jfield fields[] = {
        {"profile", JV_STRING, true, 40, NULL},        {"levels", JV_OBJECT, false, 0, NULL},
        {"weight_rise_kg", JV_NUMBER, false, 0, NULL}, {"weight_rise_days", JV_INT, false, 0, NULL},
        {"spo2_drop", JV_NUMBER, false, 0, NULL},      {NULL, 0, false, 0, NULL},
    };
    static const struct {
        const char *name;
        double min, max;
    } trends[] = {{"weight_rise_kg", 0.5, 10}, {"weight_rise_days", 1, 14}, {"spo2_drop", 1, 20}};
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "profile");
    if (!jsonv_check(err, body, fields))
        return false;
    if (!homecare_alert_profile_find(jsonv_str(body, "profile")))
        return error_set(err, ERR_FIELD_VALUE, "profile: one of elderly, heart_failure, copd");
    for (size_t i = 0; i < sizeof trends / sizeof trends[0]; i++) {
        const json_t *v = json_object_get(body, trends[i].name);
        double x = json_number_value(v);
        if (v && (x < trends[i].min || x > trends[i].max))
            return error_set(err, ERR_FIELD_RANGE, "%s: %g to %g", trends[i].name, trends[i].min,
                             trends[i].max);
    }
    return check_levels(err, json_object_get(body, "levels"));
}

/* ---- the settings as JSON ----------------------------------------------------------------------
 */

static json_t *time_json(int64_t ms)
{
    char iso[32];
    clock_format_iso(ms, iso);
    return json_string(iso);
}

static json_t *number_or_null(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

json_t *homecare_alert_settings_json(const struct alert_settings *s)
{
    json_t *levels = json_array();
    for (int i = 0; i < HOMECARE_VITALS; i++)
        json_array_append_new(
            levels, json_pack("{s:s, s:s, s:s?, s:o, s:o, s:b}", "vital", homecare_vitals[i].name,
                              "ja", homecare_vitals[i].ja, "unit", homecare_vitals[i].unit, "low",
                              number_or_null(s->low[i]), "high", number_or_null(s->high[i]),
                              "adjusted", s->adjusted[i]));
    return json_pack("{s:{s:s, s:s, s:s}, s:o, s:{s:o, s:i, s:o, s:b}, s:o, s:o}", "profile",
                     "code", s->profile->code, "ja", s->profile->ja, "en", s->profile->en, "levels",
                     levels, "trends", "weight_rise_kg", number_or_null(s->weight_rise_kg),
                     "weight_rise_days", s->weight_rise_days, "spo2_drop",
                     number_or_null(s->spo2_drop), "adjusted", s->trends_adjusted, "set_by",
                     s->set_by[0] ? json_pack("{s:s, s:s}", "id", s->set_by, "name", s->set_by_name)
                                  : json_null(),
                     "set_at", s->set_at ? time_json(s->set_at) : json_null());
}

/* ---- judging a value
 * ----------------------------------------------------------------------------- */

int homecare_alert_levels(const struct alert_settings *s, int vital, double value,
                          struct alert_finding *out)
{
    if (!isnan(s->low[vital]) && value < s->low[vital]) {
        *out = (struct alert_finding){vital, value, "low", s->low[vital], NONE};
        return 1;
    }
    if (!isnan(s->high[vital]) && value > s->high[vital]) {
        *out = (struct alert_finding){vital, value, "high", s->high[vital], NONE};
        return 1;
    }
    return 0;
}
