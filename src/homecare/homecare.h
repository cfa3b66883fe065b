/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HOMECARE_HOMECARE_H
#define TSUNAGU_HOMECARE_HOMECARE_H

/*
 * Home care (在宅医療の多職種連携, issue 16): the team room of a patient cared for at home. The
 * kinds of visit are one table (kinds.c) that the schedule, the visit records and the figures
 * share.
 */
#include <stdbool.h>

/** The record form a kind of visit is written in (訪問記録). */
enum homecare_form {
    HOMECARE_FORM_SOAP,    /* 訪問診療・往診: SOAP */
    HOMECARE_FORM_NURSING, /* 訪問看護: the items of 訪問看護記録書II */
    HOMECARE_FORM_PHARMACY, /* 訪問薬剤管理指導: adherence, 残薬, side effects, proposals */
    HOMECARE_FORM_REHAB,    /* 訪問リハ: function, ADL (Barthel Index), goals */
    HOMECARE_FORM_CARE,     /* 介護: meals, excretion, bathing, changes noticed */
};

/** One kind of visit. */
struct homecare_kind {
    const char *code; /* stable API code, e.g. "home_nursing" */
    const char *ja, *en;
    enum homecare_form form;
    const char *form_code;   /* "soap", "nursing", "pharmacy", "rehab", "care" */
    const char *professions; /* space-separated profession codes that make this visit */
    const char *org_types;   /* space-separated organisation types that provide it */
    bool nursing;            /* counts as a nursing visit for the gap flag */
};

/** Every kind, in the order of the UI; the list ends with a NULL code. */
extern const struct homecare_kind homecare_kinds[];

/** The kind with this code, or NULL. */
const struct homecare_kind *homecare_kind_find(const char *code);

/** Whether a profession (accounts' profession codes) makes visits of this kind. */
bool homecare_kind_profession(const struct homecare_kind *k, const char *profession);

#endif
