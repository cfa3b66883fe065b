/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the team timeline's photo pipeline (homecare/timeline_photo.c): our EXIF
 * orientation reader, then decoding (libjpeg-turbo, libpng), turning upright, reducing and
 * encoding again, on untrusted uploads. */
#include <stdint.h>
#include <stdlib.h>

#include "homecare/homecare_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int o = timeline_exif_orientation(data, size);
    if (o < 1 || o > 8)
        abort(); /* the reader answers an orientation, 1 when it cannot tell */
    struct error err = {0};
    uint8_t *out = NULL;
    size_t out_len = 0;
    uint32_t w = 0, h = 0;
    if (timeline_photo_reduce(&err, data, size, &out, &out_len, &w, &h)) {
        if (!out || out_len < 4 || out[0] != 0xFF || out[1] != 0xD8 || w == 0 || h == 0 ||
            w > TIMELINE_PHOTO_SIDE || h > TIMELINE_PHOTO_SIDE)
            abort(); /* what is stored is a JPEG within the size */
    } else if (err.code == ERR_NONE) {
        abort(); /* a refusal says why */
    }
    free(out);
    return 0;
}
