# SPDX-License-Identifier: Apache-2.0
"""Images for the team timeline's tests (test_homecare_timeline.py, the authorisation matrix and
the bad-input cases), made by hand so that no imaging library is needed: a baseline JPEG, an
APP1 Exif segment with a fictional GPS position, a PNG."""
import struct
import zlib


def exif_with_gps(orientation):
    """An APP1 Exif segment (big-endian TIFF): IFD0 with Make, Orientation and a GPS IFD with a
    fictional position."""
    def entry(tag, typ, count, value):
        return struct.pack(">HHI", tag, typ, count) + value

    make = b"FictionalCam\0"
    # offsets are from the start of the TIFF header
    ifd0_at, n0 = 8, 3
    make_at = ifd0_at + 2 + n0 * 12 + 4
    gps_at = make_at + len(make) + (len(make) & 1)
    n_gps = 2
    lat_at = gps_at + 2 + n_gps * 12 + 4
    ifd0 = struct.pack(">H", n0) + entry(0x010F, 2, len(make), struct.pack(">I", make_at)) + \
        entry(0x0112, 3, 1, struct.pack(">HH", orientation, 0)) + \
        entry(0x8825, 4, 1, struct.pack(">I", gps_at)) + struct.pack(">I", 0)
    gps = struct.pack(">H", n_gps) + entry(0x0001, 2, 2, b"N\0\0\0") + \
        entry(0x0002, 5, 3, struct.pack(">I", lat_at)) + struct.pack(">I", 0)
    lat = struct.pack(">6I", 35, 1, 41, 1, 2759, 100)  # 35°41'27.59"
    tiff = b"MM\0*" + struct.pack(">I", ifd0_at) + ifd0 + make + b"\0" * (len(make) & 1) + \
        gps + lat
    data = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(data) + 2) + data, lat


def grey_jpeg(width, height, app1=b""):
    """A baseline greyscale JPEG of mid grey (every block's DC difference and AC are 0), with
    one-symbol Huffman tables: a few lines, and libjpeg reads it."""
    def segment(marker, payload):
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    dqt = segment(0xDB, b"\x00" + b"\x01" * 64)
    sof = segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    one = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1: symbol 0
    dht = segment(0xC4, b"\x00" + one + b"\x10" + one)
    sos = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    blocks = -(-width // 8) * -(-height // 8)
    bits = blocks * 2  # DC category 0 ("0"), then EOB ("0")
    data = b"\x00" * (bits // 8) + (bytes([0xFF >> (bits % 8)]) if bits % 8 else b"")
    return b"\xff\xd8" + app1 + dqt + sof + dht + sos + data + b"\xff\xd9"


def png(width, height):
    raw = b"".join(b"\x00" + b"\xc0\x40\x40" * width for _ in range(height))

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + \
            struct.pack(">I", zlib.crc32(kind + payload))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0)) + \
        chunk(b"tEXt", b"Comment\0FictionalCam") + chunk(b"IDAT", zlib.compress(raw)) + \
        chunk(b"IEND", b"")
