/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DEMO_DEMO_DATA_H
#define TSUNAGU_DEMO_DEMO_DATA_H

/*
 * The fictional demo region みなみ市 (Minami City): organisations, users and patients that
 * `tsunagu init --demo` loads through the store.
 *
 * Pure data: no database, no I/O, no clock, no global state. Everything is deterministic (the
 * patients come from a fixed-seed splitmix64 generator), so every run and every machine loads the
 * same region. Everything is fictional: no real people or facilities; telephone numbers use the
 * 099-555-XXXX fictional range.
 *
 * Codes (organisation type, profession, role, sex) are those of docs/api.md.
 */

#include <stdbool.h>

/** The password of every demo user; the loader marks them as not needing a password change. */
#define DEMO_PASSWORD "minami-demo-2026"

/** The number of demo patients; demo_patient_get() accepts 0 <= i < DEMO_PATIENT_COUNT. */
#define DEMO_PATIENT_COUNT 200

/** The most organisations a demo patient's consent lists. */
#define DEMO_MAX_CONSENT_ORGS 6

/** An organisation of the network. */
struct demo_org {
    const char *code;      /**< stable short code, e.g. "minami-gh" */
    const char *name;      /**< e.g. "みなみ総合病院" */
    const char *name_kana; /**< katakana reading */
    const char *type;      /**< organisation type code of docs/api.md, e.g. "acute_hospital" */
    const char *address;   /**< e.g. "みなみ市中央町1-2-3" */
    const char *phone;     /**< e.g. "099-555-0100" */
    /**
     * Whether users of the organisation must use TOTP. False everywhere in the demo, as a
     * convenience: the documented logins work with the password alone.
     */
    bool totp_required;
    /** Beds (hospitals) or residents' places (care facility); 0 for the others. */
    int beds;
    /**
     * Comma-separated facility features (ER, ICU, CT, MRI, REHAB, HOMECARE24H) or NULL; for the
     * README and for later features such as shared use of equipment (共同利用).
     */
    const char *features;
};

/** A user's membership of one organisation. */
struct demo_membership {
    const char *org_code; /**< a demo_org code */
    const char *role;     /**< "member" or "org_admin" */
};

/** A demo user; every one logs in with DEMO_PASSWORD. */
struct demo_user {
    const char *login;      /**< e.g. "gh.sato" */
    const char *name;       /**< e.g. "佐藤 健一" (family name, ASCII space, given name) */
    const char *name_kana;  /**< e.g. "サトウ ケンイチ" */
    const char *profession; /**< profession code of docs/api.md */
    bool network_admin;     /**< 事務局 (network office) */
    /** Memberships; memberships[0] is the home organisation (the current one after login). */
    struct demo_membership memberships[3];
    int membership_count;
    const char *description_ja; /**< one line for the README's login table */
    const char *description_en; /**< the same in English */
};

/** A patient's id at one organisation (診察券番号 / 患者ID). */
struct demo_local_id {
    const char *org_code;
    char local_id[24];
};

/**
 * A demo patient.
 *
 * Loading one patient:
 *   1. register the patient at local_ids[0].org_code with local_ids[0].local_id (every patient
 *      has at least one local id, and local_ids[0] is at team_org_codes[0]);
 *   2. add the other local ids, and put every organisation of team_org_codes on the care team
 *      (every organisation of local_ids is on the team);
 *   3. record one consent listing consent_org_codes (always a subset of the team), with
 *      consent_method and consented_on;
 *   4. if consent_withdrawn_for_last: withdraw that consent on withdrawn_on with withdraw_reason,
 *      then record a new consent, same method, dated withdrawn_on, listing the first
 *      consent_count - 1 organisations of consent_org_codes. The withdrawn organisation stays on
 *      the care team, so the history shows the withdrawal and that organisation no longer sees
 *      the patient.
 *
 * A few patients also have a team organisation that is not in consent_org_codes at all (consent
 * never given), which must not see the patient either. demo_patient_visible_to() tells who sees a
 * patient once loaded.
 *
 * Names are "family given" with one ASCII space, in both name and name_kana (katakana).
 * minami-city (the municipality) is never on a care team.
 */
struct demo_patient {
    char name[64];       /**< e.g. "山田 花子" */
    char name_kana[96];  /**< e.g. "ヤマダ ハナコ" */
    const char *sex;     /**< "male" or "female" (demo data uses only these two) */
    char birth_date[11]; /**< YYYY-MM-DD */
    char address[160];   /**< in みなみ市 */
    char phone[20];      /**< 099-555-XXXX */
    struct demo_local_id local_ids[4];
    int local_id_count;            /**< 1..4 */
    const char *team_org_codes[6]; /**< organisations on the care team, the registering one first */
    int team_count;                /**< 1..6 */
    const char *consent_org_codes[DEMO_MAX_CONSENT_ORGS]; /**< listed in the first consent */
    int consent_count;                                    /**< 1..6 */
    char consented_on[11];                                /**< YYYY-MM-DD */
    const char *consent_method;                           /**< "written" or "verbal" */
    /** True for about 5% of patients: the last consent organisation later withdrew (step 4). */
    bool consent_withdrawn_for_last;
    char withdrawn_on[11];       /**< YYYY-MM-DD, after consented_on; "" unless withdrawn */
    const char *withdraw_reason; /**< Japanese reason; NULL unless withdrawn */
};

/** The 12 organisations; every organisation type code of docs/api.md occurs at least once. */
extern const struct demo_org demo_orgs[];
extern const int demo_org_count;

/** The demo users (documented logins, see the README). */
extern const struct demo_user demo_users[];
extern const int demo_user_count;

/** The organisation with that code, or NULL. */
const struct demo_org *demo_org_find(const char *code);

/** The user with that login, or NULL. */
const struct demo_user *demo_user_find(const char *login);

/**
 * Fills *out with patient number i (0 <= i < DEMO_PATIENT_COUNT), deterministically: the same i
 * always gives the same patient. Patient 0 is 山田 花子 (GH-000001 at minami-gh; team and written
 * consent minami-gh and aoba-homecare only), patient 1 is 佐藤 一郎 (GH-000002, SC-0001; six
 * organisations). Out of range, *out is zeroed (local_id_count 0).
 */
void demo_patient_get(int i, struct demo_patient *out);

/**
 * Whether users of org_code see the patient once loaded: the organisation is on the care team
 * and listed in the consent in force (after any withdrawal).
 */
bool demo_patient_visible_to(const struct demo_patient *p, const char *org_code);

#endif
