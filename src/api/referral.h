/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_API_REFERRAL_H
#define TSUNAGU_API_REFERRAL_H

#include "api.h"

/* Code lists of referrals (referral_codes.c) with their labels, and NULL-terminated code arrays
 * for jsonv "allowed". */
extern const struct code_label referral_purposes[];
extern const struct code_label referral_urgencies[];
extern const struct code_label referral_statuses[];
extern const char *const referral_purpose_codes[];
extern const char *const referral_urgency_codes[];
extern const char *const referral_status_codes[];

/** The label of code in list (ja when japanese, else en), or code itself when unknown. */
const char *referral_label(const struct code_label *list, const char *code, bool japanese);

#endif
