/* SPDX-License-Identifier: Apache-2.0 */
/* Restart intervals in lossless JPEG, which dcmtk's compressor does not write: a stream is
 * encoded here (a small T.81 Annex H encoder in Python: selection value 1, one Huffman table of
 * 5-bit codes, RSTn markers every one or two rows) from MR_small's pixels, and must decode to
 * exactly those pixels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "pixels_fixture.h"

#define ENCODER                                                                                    \
    "import struct\n"                                                                              \
    "from pydicom.encaps import encapsulate\n"                                                     \
    "d = pydicom.dcmread(T + '/MR_small.dcm')\n"                                                   \
    "w, h = d.Columns, d.Rows\n"                                                                   \
    "v = struct.unpack('<%dH' % (w * h), d.PixelData)\n"                                           \
    "out, acc, n = bytearray(), 0, 0\n"                                                            \
    "def put(bits, count):\n"                                                                      \
    "    global acc, n\n"                                                                          \
    "    for i in range(count - 1, -1, -1):\n"                                                     \
    "        acc = acc << 1 | (bits >> i) & 1; n += 1\n"                                           \
    "        if n == 8:\n"                                                                         \
    "            out.append(acc)\n"                                                                \
    "            if acc == 0xFF: out.append(0)\n"                                                  \
    "            acc, n = 0, 0\n"                                                                  \
    "def flush():\n"                                                                               \
    "    while n: put(1, 1)\n"                                                                     \
    "seg = lambda m, b: struct.pack('>HH', m, len(b) + 2) + b\n"                                   \
    "out += b'\\xff\\xd8'\n"                                                                       \
    "out += seg(0xFFC3, struct.pack('>BHHB', 16, h, w, 1) + bytes([1, 0x11, 0]))\n"                \
    "out += seg(0xFFC4, bytes([0]) + bytes([0, 0, 0, 0, 17] + [0] * 11) + bytes(range(17)))\n"     \
    "out += seg(0xFFDD, struct.pack('>H', RI))\n"                                                  \
    "out += seg(0xFFDA, bytes([1, 1, 0, 1, 0, 0]))\n"                                              \
    "count, rst, first = 0, 0, True\n"                                                             \
    "for y in range(h):\n"                                                                         \
    "    for x in range(w):\n"                                                                     \
    "        if first: p = 32768 if x == 0 else v[y * w + x - 1]\n"                                \
    "        else: p = v[(y - 1) * w] if x == 0 else v[y * w + x - 1]\n"                           \
    "        dd = (v[y * w + x] - p) & 0xFFFF\n"                                                   \
    "        dd = dd - 65536 if dd >= 32768 else dd\n"                                             \
    "        s = 16 if dd == -32768 else abs(dd).bit_length()\n"                                   \
    "        put(s, 5)\n"                                                                          \
    "        if 0 < s < 16: put(dd if dd > 0 else dd + (1 << s) - 1, s)\n"                         \
    "        count += 1\n"                                                                         \
    "        if count == RI and not (y == h - 1 and x == w - 1):\n"                                \
    "            flush(); out += bytes([0xFF, 0xD0 + rst % 8]); rst += 1; count = 0\n"             \
    "    first = count == 0 and y < h - 1\n"                                                       \
    "flush()\n"                                                                                    \
    "out += b'\\xff\\xd9'\n"                                                                       \
    "d.PixelData = encapsulate([bytes(out)])\n"                                                    \
    "d['PixelData'].VR = 'OB'\n"                                                                   \
    "d['PixelData'].is_undefined_length = True\n"                                                  \
    "d.file_meta.TransferSyntaxUID = '1.2.840.10008.1.2.4.70'\n"                                   \
    "d.is_implicit_VR = False\n"                                                                   \
    "d.save_as(OUT)\n"

static void assert_restart_interval(int rows)
{
    char script[4096];
    snprintf(script, sizeof script, "RI = 64 * %d\n%s", rows, ENCODER);
    struct sample made, ref;
    sample_make(&made, script);
    sample_open(&ref, "MR_small.dcm");
    struct dicom_pixels a, b;
    decode_ok(&made, 0, &a);
    decode_ok(&ref, 0, &b);
    if (max_difference(&a, &b) != 0)
        fail_msg("lossless JPEG with a restart every %d rows differs", rows);
    dicom_pixels_clear(&a);
    dicom_pixels_clear(&b);
    sample_close(&made);
    sample_close(&ref);
}

static void lossless_restart_intervals(void **state)
{
    (void)state;
    assert_restart_interval(1);
    assert_restart_interval(2);
    assert_restart_interval(7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lossless_restart_intervals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
