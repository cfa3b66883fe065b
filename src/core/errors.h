/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_ERRORS_H
#define TSUNAGU_CORE_ERRORS_H

#include <stdbool.h>

/** Error codes, generated from errors.def (the shared layers') and every module's errors.def
 *  (modules_errors.def, which the build generates from the list of modules). */
enum error_code {
#define X(id, code, status, fhir, ja, en) id,
#include "errors.def"
#include "modules_errors.def"
#undef X
    ERR__COUNT
};

/**
 * An error, set once where it happened and passed up untouched.
 * `detail` adds context (a field name, a byte offset, a SQLite message); it is for logs and for
 * the problem's detail and never holds a secret.
 */
struct error {
    enum error_code code;
    char detail[256];
    /* The detail for Japanese readers when the place that set the error wrote one (same form,
     * "<field>: 日本語の理由"); "" otherwise, and then a Japanese reader sees only the field. */
    char detail_ja[256];
};

/** Sets err (if not NULL and not already set) and returns false, for `return error_set(...)`. */
bool error_set(struct error *err, enum error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Like error_set, with the detail written for English (detail) and Japanese (detail_ja)
 *  readers, both complete ("<field>: why"). */
bool error_set_bilingual(struct error *err, enum error_code code, const char *detail,
                         const char *detail_ja);
/** Clears err to ERR_NONE. */
void error_clear(struct error *err);

/** The stable code string, e.g. "auth.locked". */
const char *error_code_name(enum error_code code);
/** The HTTP status the code maps to. */
int error_http_status(enum error_code code);
/** The FHIR OperationOutcome issue type. */
const char *error_fhir_type(enum error_code code);
/** The human message, Japanese unless english is true. */
const char *error_message(enum error_code code, bool english);

#endif
