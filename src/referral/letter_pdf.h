/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_REFERRAL_LETTER_PDF_H
#define TSUNAGU_REFERRAL_LETTER_PDF_H

/* The printable referral letter (診療情報提供書) in the customary A4 layout, as PDF bytes.
 * Transport-free: no HTTP, no store. The caller resolves every label and name; the renderer only
 * lays out text. It trusts nothing it is given: any string may be NULL, empty, very long or
 * odd UTF-8 (invalid bytes become U+FFFD, control characters are dropped), the letter may be any
 * JSON value, and the output is capped in pages and bytes. Thread-safe: fonts are loaded once
 * per path and shared. The typesetting is the shared layer typeset/typeset.h (font files tried
 * when none is configured: TYPESET_FONT_DEFAULTS). */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/** The most pages a letter gets; text beyond them is cut with a note. */
enum { LETTER_PDF_MAX_PAGES = 40 };

/** What goes on the letter. Every string is borrowed for the call and may be NULL. */
struct letter_pdf_in {
    const char *font_path; /* a TrueType/OpenType file (.ttf/.otf/.ttc); NULL or "": defaults */
    bool reverse;          /* a reverse referral (逆紹介): other greeting */
    const char *date;      /* "YYYY-MM-DD" (Asia/Tokyo), shown as 2026年11月22日 */
    /* the patient */
    const char *patient_name, *patient_kana;
    const char *patient_sex;        /* label: "女", "男", … */
    const char *patient_birth_date; /* "YYYY-MM-DD" */
    int patient_age;                /* years, or -1 when unknown */
    /* the sender and the addressee */
    const char *from_org_name, *from_org_address, *from_org_phone, *signer_name;
    const char *to_org_name, *to_department; /* department label ("循環器内科") or "" */
    const char *urgency, *purpose;           /* labels ("通常", "精査") */
    /** The LETTER object of the referral contract (purpose_text, diagnoses, …, record_shared,
     *  share_expires_at). Borrowed; anything but an object is treated as an empty letter. */
    const json_t *letter;
};

/**
 * Renders the letter. On success *pdf receives malloc'd bytes (the caller frees them) and *len
 * their length. Fails with ERR_LETTER_FONT when no usable Japanese font file is found, ERR_NOMEM
 * when memory or the output cap runs out, ERR_INTERNAL when cairo fails; *pdf is then NULL.
 */
bool letter_pdf_render(struct error *err, const struct letter_pdf_in *in, unsigned char **pdf,
                       size_t *len);

/** Loads the font of path (NULL or "": the defaults) now, so that a missing font shows at start;
 *  ERR_LETTER_FONT if none loads. */
bool letter_pdf_font_ready(struct error *err, const char *font_path);

/** Formats "YYYY-MM-DD…" as "2026年11月22日" into out (cap bytes); copies s when it is not a
 *  date. */
void letter_pdf_date_ja(const char *s, char *out, size_t cap);

#endif
