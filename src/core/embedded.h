/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_EMBEDDED_H
#define TSUNAGU_CORE_EMBEDDED_H

/* Files compiled into the program by scripts/embed_bin.py (e.g. the demo region's DICOM
 * files): static storage, never freed. */

#include <stddef.h>

struct embedded_file {
    const char *name; /* the file's base name; NULL ends an array */
    const unsigned char *data;
    size_t len;
};

#endif
