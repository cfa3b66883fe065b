/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_CODES_H
#define TSUNAGU_CORE_CODES_H

/* Code lists with their Japanese and English labels (GLOSSARY.md): a feature writes each list
 * once, as an X-macro of X(code, ja, en) lines, and CODES_LIST makes the labelled list and the
 * list of bare codes from it. The lists are static data; nothing here allocates. */

#include <stdbool.h>

/** A code with its Japanese and English labels. Lists end with a NULL code. */
struct code_label {
    const char *code;
    const char *ja;
    const char *en;
};

#define CODES_LABEL(c, ja, en) {c, ja, en},
#define CODES_CODE(c, ja, en) c,
/** Defines `const struct code_label name[]` and `const char *const codes[]` (NULL-terminated)
 *  from the X-macro list X. */
#define CODES_LIST(name, codes, X)                                                                 \
    const struct code_label name[] = {X(CODES_LABEL){NULL, NULL, NULL}};                           \
    const char *const codes[] = {X(CODES_CODE) NULL};

/** The label of code in list (Japanese or English), or code itself when it is not listed. */
const char *codes_label(const struct code_label *list, const char *code, bool japanese);
/** Whether code is one of the NULL-terminated codes (false for NULL). */
bool codes_known(const char *const *codes, const char *code);

#endif
