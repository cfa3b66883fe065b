/* SPDX-License-Identifier: Apache-2.0 */
/* Plausible values in clinical resources (core/plausible.h): which element of which resource is
 * what kind of field. Runs after the structural validation, so formats are already right. */
#include <stdio.h>
#include <string.h>

#include "core/plausible.h"
#include "fhir/validate.h"

struct value_rule {
    const char *type;
    const char *path; /* member names joined by '.'; "name[]" walks each item of an array */
    enum plausible_kind kind;
    bool text; /* DOSE: the path is text with doses written in it ("1回2錠") */
};

/* Period ends take their period's start (the sibling "start") as the start. */
static const struct value_rule value_rules[] = {
    {"Observation", "effectiveDateTime", PLAUSIBLE_EVENT_DATE, false},
    {"Observation", "effectiveInstant", PLAUSIBLE_EVENT_DATE, false},
    {"Observation", "effectivePeriod.start", PLAUSIBLE_EVENT_DATE, false},
    {"Observation", "effectivePeriod.end", PLAUSIBLE_PERIOD_END, false},
    {"Observation", "issued", PLAUSIBLE_EVENT_DATE, false},
    {"Condition", "onsetDateTime", PLAUSIBLE_EVENT_DATE, false},
    {"Condition", "onsetPeriod.start", PLAUSIBLE_EVENT_DATE, false},
    {"Condition", "abatementDateTime", PLAUSIBLE_EVENT_DATE, false},
    {"Condition", "recordedDate", PLAUSIBLE_EVENT_DATE, false},
    {"AllergyIntolerance", "onsetDateTime", PLAUSIBLE_EVENT_DATE, false},
    {"AllergyIntolerance", "recordedDate", PLAUSIBLE_EVENT_DATE, false},
    {"AllergyIntolerance", "lastOccurrence", PLAUSIBLE_EVENT_DATE, false},
    {"AllergyIntolerance", "reaction[].onset", PLAUSIBLE_EVENT_DATE, false},
    {"MedicationRequest", "authoredOn", PLAUSIBLE_EVENT_DATE, false},
    {"MedicationRequest", "dosageInstruction[].timing.repeat.boundsPeriod.start",
     PLAUSIBLE_PLAN_START, false},
    {"MedicationRequest", "dosageInstruction[].timing.repeat.boundsPeriod.end",
     PLAUSIBLE_PERIOD_END, false},
    {"MedicationRequest", "dispenseRequest.validityPeriod.start", PLAUSIBLE_PLAN_START, false},
    {"MedicationRequest", "dispenseRequest.validityPeriod.end", PLAUSIBLE_PERIOD_END, false},
    {"MedicationRequest", "dosageInstruction[].doseAndRate[].doseQuantity", PLAUSIBLE_DOSE, false},
    {"MedicationRequest", "dosageInstruction[].text", PLAUSIBLE_DOSE, true},
    {"MedicationStatement", "effectiveDateTime", PLAUSIBLE_EVENT_DATE, false},
    {"MedicationStatement", "effectivePeriod.start", PLAUSIBLE_EVENT_DATE, false},
    {"MedicationStatement", "dateAsserted", PLAUSIBLE_EVENT_DATE, false},
    {"MedicationStatement", "dosage[].doseAndRate[].doseQuantity", PLAUSIBLE_DOSE, false},
    {"MedicationStatement", "dosage[].text", PLAUSIBLE_DOSE, true},
};

struct value_walk {
    struct error *err;
    const struct value_rule *rule;
    const char *birth_date;
    char path[200];
};

static const char *check_value(const struct value_walk *w, const json_t *parent, const json_t *v,
                               char why[96])
{
    const struct value_rule *r = w->rule;
    if (r->kind == PLAUSIBLE_DOSE && r->text)
        return json_is_string(v) ? plausible_dose_text(json_string_value(v), why) : NULL;
    if (r->kind == PLAUSIBLE_DOSE) {
        const json_t *value = json_object_get(v, "value");
        const char *unit = json_string_value(json_object_get(v, "unit"));
        if (!unit)
            unit = json_string_value(json_object_get(v, "code"));
        return json_is_number(value)
                   ? plausible_number(PLAUSIBLE_DOSE, json_number_value(value), unit, NULL, why)
                   : NULL;
    }
    if (!json_is_string(v))
        return NULL;
    struct plausible_ctx ctx = {.birth_date = w->birth_date};
    if (r->kind == PLAUSIBLE_PERIOD_END)
        ctx.start = json_string_value(json_object_get(parent, "start"));
    if (r->kind == PLAUSIBLE_PERIOD_END && !ctx.start)
        return NULL; /* an end without a start may well be past */
    return plausible_date(r->kind, json_string_value(v), &ctx, why);
}

/* Walks the rest of the rule's path from obj; path is the FHIRPath so far. */
static bool walk(struct value_walk *w, const json_t *obj, const char *rest)
{
    const char *dot = strchr(rest, '.');
    size_t n = dot ? (size_t)(dot - rest) : strlen(rest);
    bool each = n > 2 && rest[n - 2] == '[' && rest[n - 1] == ']';
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(each ? n - 2 : n), rest);
    const json_t *v = json_object_get(obj, name);
    size_t mark = strlen(w->path), count = each ? json_array_size(v) : 1;
    for (size_t i = 0; v && i < count; i++) {
        const json_t *item = each ? json_array_get(v, i) : v;
        if (each)
            snprintf(w->path + mark, sizeof w->path - mark, ".%s[%zu]", name, i);
        else
            snprintf(w->path + mark, sizeof w->path - mark, ".%s", name);
        char why[96];
        const char *bad = NULL;
        if (dot && !walk(w, item, dot + 1))
            return false;
        if (!dot)
            bad = check_value(w, obj, item, why);
        if (bad)
            return error_set(w->err, ERR_FHIR_RANGE, "%s: %s", w->path, bad);
    }
    w->path[mark] = '\0';
    return true;
}

bool fhir_validate_values(struct error *err, const json_t *resource, const char *birth_date)
{
    const char *type = json_string_value(json_object_get(resource, "resourceType"));
    for (size_t i = 0; type && i < sizeof value_rules / sizeof value_rules[0]; i++) {
        if (strcmp(value_rules[i].type, type) != 0)
            continue;
        struct value_walk w = {err, &value_rules[i], birth_date, ""};
        snprintf(w.path, sizeof w.path, "%s", type);
        if (!walk(&w, resource, value_rules[i].path))
            return false;
    }
    return true;
}
