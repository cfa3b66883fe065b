/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the multipart/related reader of STOW-RS (http/multipart.c). The first line
 * of the input is the Content-Type header, the rest the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - data) : size;
    char *header = malloc(hlen + 1);
    if (!header)
        return 0;
    memcpy(header, data, hlen);
    header[hlen] = '\0';
    struct arena *a = arena_new();
    struct error err = {0};
    const char *boundary, *type;
    if (strlen(header) == hlen &&
        multipart_content_type(&err, a, header, "multipart/related", &boundary, &type)) {
        struct multipart_part *parts;
        size_t n;
        const uint8_t *body = nl ? nl + 1 : data + size;
        if (multipart_parse(&err, a, body, (size_t)(data + size - body), boundary, &parts, &n))
            for (size_t i = 0; i < n; i++)
                if (parts[i].data < body || parts[i].data + parts[i].len > data + size)
                    abort(); /* a part never leaves the body */
    }
    arena_free(a);
    free(header);
    return 0;
}
