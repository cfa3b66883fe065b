/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DEMO_DEMO_CLINICAL_INT_H
#define TSUNAGU_DEMO_DEMO_CLINICAL_INT_H

/* Private to demo_clinical*.c: the generator state, the catalogues and the resource builders. */

#include <stdint.h>

#include "demo/demo_clinical.h"
#include "demo/demo_data.h"

/** The walk over one patient: where resources go, whose they are, how ids are numbered. */
struct gen {
    struct error *err;
    demo_resource_fn fn;
    void *arg;
    int index; /* patient index */
    struct demo_patient patient;
    char patient_ref[48]; /* "Patient/<uuid>" */
    int seq;              /* resources of this patient so far: the key of the next id */
    uint64_t rng;         /* splitmix64 state */
};

/** A diagnosis: Japanese name, ICD-10 (MHLW 2013) and, where known, the MEDIS exchange code. */
struct dx {
    const char *key;
    const char *name;
    const char *icd10;
    const char *medis; /* NULL when not given */
};

/** An allergen and the reaction it caused. */
struct allergen {
    const char *key;
    const char *name;
    const char *category;    /* food, medication, environment */
    const char *criticality; /* low, high */
    const char *manifestation;
    const char *severity; /* mild, moderate, severe */
};

/** A drug with its usual regimen. */
struct drug {
    const char *key;
    const char *yj;
    const char *name;
    const char *dosage; /* e.g. "1回1錠 1日1回 朝食後" */
    const char *when;   /* R4 event-timing code, e.g. "PCM" */
    int per_day;
    double dose;
    const char *unit; /* e.g. "錠" */
};

/** A laboratory test: JLAC10 code, Japanese name, UCUM unit and reference range. */
struct lab {
    const char *key;
    const char *jlac10;
    const char *name;
    const char *ucum;
    double low, high; /* high 0: no upper limit */
    int decimals;
    double male_low, male_high; /* when the range differs for men; 0 otherwise */
};

/* ---- catalogues (demo_clinical.c) ---- */
const struct dx *clinical_dx(const char *key);
const struct allergen *clinical_allergen(const char *key);
const struct drug *clinical_drug(const char *key);
const struct lab *clinical_lab_test(const char *key);
/** The login that records for an organisation (its physician, else nurse, else any member). */
const char *clinical_recorder(const char *org_code);

/* ---- generator helpers (demo_clinical.c) ---- */
int clinical_below(struct gen *g, int n); /* 0 <= result < n */
/** A new resource {"resourceType": type, "id": <next id of this patient>}; id gets a copy. */
json_t *clinical_start(struct gen *g, const char *type, char id[UUID_STR_LEN]);
/** Hands res to the callback as recorded by org_code, then releases it (even on failure). */
bool clinical_emit(struct gen *g, json_t *res, const char *org_code);
/** "YYYY-MM-DD" days after date (negative: before). */
void clinical_date_add(char out[11], const char *date, int days);
/** "YYYY-MM-DDThh:mm:00+09:00". */
void clinical_datetime(char out[32], const char *date, int hour, int minute);

json_t *clinical_coding(const char *system, const char *code, const char *display);
/** A CodeableConcept of one coding and text. */
json_t *clinical_concept(const char *system, const char *code, const char *display);
json_t *clinical_text(const char *text);
json_t *clinical_ref(const char *type, const char *id);
json_t *clinical_org_ref(const char *org_code);
json_t *clinical_patient_ref(const struct gen *g);
/** A narrative {"status": "generated", "div": "<div xmlns=…><p>text</p></div>"}. */
json_t *clinical_narrative(const char *text);

/* ---- record builders (demo_clinical.c); each emits one resource ---- */
bool clinical_condition(struct gen *g, const char *org, const struct dx *dx, const char *onset,
                        const char *abated, bool infection, char id[UUID_STR_LEN]);
bool clinical_allergy(struct gen *g, const char *org, const struct allergen *a,
                      const char *recorded);
bool clinical_flag(struct gen *g, const char *org, const char *text, const char *start);
bool clinical_prescription(struct gen *g, const char *org, const struct drug *d,
                           const char *authored, bool active, char id[UUID_STR_LEN]);
bool clinical_lab(struct gen *g, const char *org, const struct lab *t, const char *date,
                  double value);

/* ---- documents (demo_clinical_docs.c) ---- */
#define CLINICAL_DOC_ITEMS 8

/** A hospital stay and its discharge summary. */
struct admission {
    const char *org;
    const char *start, *end; /* YYYY-MM-DD */
    const char *reason;      /* 入院理由 */
    const char *course;      /* 入院経過 */
    const char *disposition; /* 退院先 */
    const char *meds_text;   /* 退院時処方 as text */
    const char *plan;        /* 今後の方針 */
    char reason_condition[UUID_STR_LEN];
    char meds[CLINICAL_DOC_ITEMS][UUID_STR_LEN]; /* 退院時処方: MedicationRequest ids */
    int med_count;
};

/** Emits Encounter, Composition (LOINC 18842-5) and a DocumentReference to it. */
bool clinical_admission(struct gen *g, const struct admission *a);

/** A referral letter (診療情報提供書, LOINC 57133-1). */
struct referral {
    const char *from_org, *to_org;
    const char *date;
    const char *purpose, *problems_text, *history, *medication_text;
    char conditions[CLINICAL_DOC_ITEMS][UUID_STR_LEN];
    int condition_count;
    char meds[CLINICAL_DOC_ITEMS][UUID_STR_LEN];
    int med_count;
};

/** Emits Composition (LOINC 57133-1) and a DocumentReference to it. */
bool clinical_referral(struct gen *g, const struct referral *r);

/* ---- stories (demo_clinical_story.c) ---- */
bool clinical_patient0(struct gen *g);
bool clinical_generated(struct gen *g);

#endif
