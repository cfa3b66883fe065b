/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_ONCALL_ONCALL_H
#define TSUNAGU_ONCALL_ONCALL_H

/* On-call and backup (issue 17, docs/api/oncall.md): who of an organisation carries the phone at
 * an instant. The alerts of issue 17 call oncall_now to find whom to alert and, on escalation,
 * the backup. */

#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/ids.h"
#include "store/store.h"

/** One clinician on call: the user, name, profession and the phone to call ("" when unknown). */
struct oncall_person {
    char user_id[UUID_STR_LEN];
    char name[200];
    char profession[24];
    char phone[40];
};

/** Who of an organisation is on call at an instant, from the shift in force then (the latest
 *  started when shifts overlap). found is false when no shift covers the instant; has_backup
 *  is false when the shift names no backup. */
struct oncall_answer {
    bool found, has_backup;
    char shift_id[UUID_STR_LEN];
    int64_t starts_at, ends_at;
    struct oncall_person primary, backup;
};

/**
 * Answers who of organisation org_id is on call at instant at (ms since the epoch, UTC): the
 * primary and the backup of the shift in force then, after every swap of it. Reads only; fails
 * (false, err) only when the store cannot answer.
 */
bool oncall_now(struct error *err, struct store_conn *conn, const char *org_id, int64_t at,
                struct oncall_answer *out);

#endif
