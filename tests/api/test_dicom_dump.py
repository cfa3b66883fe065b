# SPDX-License-Identifier: Apache-2.0
"""`tsunagu dicom dump` against pydicom and DCMTK on every sample file Debian's python3-pydicom
ships (test_files/ with dicomdirtests/, charset_files/).

For each file: pydicom's Dataset.to_json_dict() (same bulk-data threshold) and our JSON must
agree on tags, VRs, strings, numbers, person names, sequences and inline binary; `dcmdump`'s
tags and values must agree with ours too. A file pydicom cannot read, or one that is broken on
purpose, must make our parser fail cleanly with dicom.invalid. Every other difference is named
below with the reason; no file is skipped."""
import base64
import functools
import json
import math
import re
import struct
import subprocess
from pathlib import Path

import pytest

import helpers

import pydicom  # Debian's python3-pydicom (2.3), in /usr/lib/python3/dist-packages
from pydicom.errors import InvalidDicomError

# pydicom warns about the odd sample files it reads anyway (that is what they are for)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

DATA = Path(pydicom.__file__).parent / "data"
FILES = sorted(p for d in ("test_files", "charset_files") for p in (DATA / d).rglob("*")
               if p.is_file())
# Bulk data: ours counts value bytes, pydicom counts base64 characters; with a multiple of 3
# bytes the two thresholds split values the same way (n > 3k bytes <=> base64 > 4k chars).
BULK_BYTES = 96
BULK_BASE64 = BULK_BYTES // 3 * 4

# Files that are not DICOM (pydicom refuses them too): our parser must say dicom.invalid.
NOT_DICOM_SUFFIXES = {".txt", ".json", ".dump", ".gz"}
NOT_DICOM_NAMES = {"README"}
# Data sets without preamble and File Meta: pydicom needs force=True for them.
NO_PREAMBLE = {"ExplVR_BigEndNoMeta.dcm", "ExplVR_LitEndNoMeta.dcm", "no_meta.dcm", "rtstruct.dcm"}
# Broken on purpose, which pydicom reads anyway (it reads what is there); we refuse lying
# lengths and truncation (issue 14: "truncated files and lying lengths" fail), as dcmdump
# does for all but DICOMDIR-nooffset.
BROKEN = {
    "MR_truncated.dcm": "pixel data cut short: its length says 8192, the file has 8130",
    "rtplan_truncated.dcm": "truncated inside a sequence item",
    "no_meta.dcm": "starts one byte off: the first 'element' (0820,0500) claims 173 MB",
    "DICOMDIR-nooffset": "its last item's length (248) runs 24 bytes past the sequence and the "
                         "end of the file",
}
# dcmdump cannot read it: its File Meta says explicit VR, its data set is implicit VR. pydicom
# and we notice that from the first element and read it (pydicom warns).
DCMDUMP_UNREADABLE = {"SC_rgb_jpeg.dcm": "transfer syntax says explicit VR, data set is implicit"}


def read_pydicom(path):
    force = path.name in NO_PREAMBLE
    return pydicom.dcmread(str(path), force=force)


@functools.lru_cache(maxsize=None)
def dump(path, threshold=BULK_BYTES):
    """Cached: the file-by-file test and the rule-usage test read the same dumps."""
    return helpers.run_cli("dicom", "dump", path, "--bulk-threshold", threshold)


def expected_status(path):
    if path.suffix in NOT_DICOM_SUFFIXES or path.name in NOT_DICOM_NAMES:
        return "not DICOM"
    if path.name in BROKEN:
        return "broken"
    return "ok"


# ---- the JSON model, both sides brought to one form ------------------------------------------

STRING_VRS = {"AE", "AS", "CS", "DA", "DT", "LO", "LT", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}


def norm_string(vr, v):
    if v is None:
        return None
    v = str(v).rstrip("\0 ")
    if vr == "AE":
        v = v.strip()
    return v or None


def norm_pn(v):
    if v is None or v == "":
        return None
    if isinstance(v, str):
        v = dict(zip(("Alphabetic", "Ideographic", "Phonetic"), v.split("=")))
    out = {k: g.rstrip(" ") for k, g in v.items() if g and g.rstrip(" ")}
    return out or None


def norm_number(vr, v):
    if v is None or v == "":
        return None
    if vr == "IS":
        try:
            return int(str(v).strip())
        except ValueError:
            return str(v)
    if vr == "DS":
        try:
            return float(str(v).strip())
        except ValueError:
            return str(v)
    return v


def norm_element(e):
    vr = e["vr"]
    if "BulkDataURI" in e:
        return {"vr": vr, "BulkDataURI": True}
    if "InlineBinary" in e:
        b = e["InlineBinary"]
        return {"vr": vr, "InlineBinary": base64.b64decode(b[0] if isinstance(b, list) else b)}
    values = e.get("Value") or []
    if vr == "SQ":
        values = [norm_dataset(item or {}) for item in values]
    elif vr == "PN":
        values = [norm_pn(v) for v in values]
    elif vr in ("DS", "IS"):
        values = [norm_number(vr, v) for v in values]
    elif vr in STRING_VRS:
        values = [norm_string(vr, v) for v in values]
    if vr != "SQ" and all(v is None for v in values):
        values = []
    return {"vr": vr, "Value": values} if values else {"vr": vr}


def norm_dataset(d):
    return {tag.upper(): norm_element(e) for tag, e in d.items()}


def same_number(a, b, vr):
    if vr == "FL" and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        # both sides print a 32-bit float; compare them as 32-bit floats
        return struct.pack("<f", a) == struct.pack("<f", b)
    if isinstance(a, float) or isinstance(b, float) or vr in ("FL", "FD", "DS", "OF", "OD"):
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            return a == b
        if math.isnan(a) and math.isnan(b):
            return True
        tol = 1e-6 if vr == "FL" else 1e-12
        return a == b or abs(a - b) <= tol * max(abs(a), abs(b))
    return a == b


def compare(ours, theirs, path=""):
    """The differences between two normalised data sets, as (path, what) pairs."""
    diffs = []
    for tag in sorted(set(ours) | set(theirs)):
        p = f"{path}{tag}"
        if tag not in ours:
            diffs.append((p, "missing in ours"))
            continue
        if tag not in theirs:
            diffs.append((p, "only in ours"))
            continue
        a, b = ours[tag], theirs[tag]
        if a["vr"] != b["vr"]:
            diffs.append((p, f"VR {a['vr']} vs {b['vr']}"))
            continue
        keys = (set(a) | set(b)) - {"vr"}
        if set(a) != set(b):
            diffs.append((p, f"value kinds {sorted(set(a) - {'vr'})} vs {sorted(set(b) - {'vr'})}"))
            continue
        for k in keys:
            va, vb = a[k], b[k]
            if k != "Value":
                if va != vb:
                    diffs.append((p, f"{k} differs"))
                continue
            if len(va) != len(vb):
                diffs.append((p, f"{len(va)} values vs {len(vb)}: {va!r:.120} vs {vb!r:.120}"))
                continue
            for i, (x, y) in enumerate(zip(va, vb)):
                if a["vr"] == "SQ":
                    diffs += compare(x, y, f"{p}[{i}].")
                elif not same_number(x, y, a["vr"]):
                    diffs.append((p, f"value {i}: {x!r:.120} vs {y!r:.120}"))
    return diffs


@functools.lru_cache(maxsize=None)
def pydicom_json(path):
    ds = read_pydicom(path)
    # suppress_invalid_tags: an element pydicom cannot convert (badVR.dcm's IS "1A") is left
    # out of its JSON instead of failing the whole file; EXCEPTIONS names each one
    return ds.to_json_dict(bulk_data_threshold=BULK_BASE64,
                           bulk_data_element_handler=lambda elem: "BULK",
                           suppress_invalid_tags=True)


# ---- dcmdump (DCMTK) ------------------------------------------------------------------------

DCMDUMP_LINE = re.compile(r"^( *)\(([0-9a-f]{4}),([0-9a-f]{4})\) (\w\w) (.*)$")


@functools.lru_cache(maxsize=None)
def dcmdump_elements(path):
    """(path, VR, value text) of every element of the data set (not the File Meta) as dcmdump
    prints it: +L the whole value, -Un UIDs as numbers, +U8 text converted to UTF-8 (DCMTK's own
    character set support, through iconv). Returns (elements, converted)."""
    r = subprocess.run(["dcmdump", "+L", "-Un", "+U8", "-q", str(path)], capture_output=True,
                       timeout=120)
    converted = r.returncode == 0
    if not converted:  # DCMTK could not convert: its raw bytes, compared where they are ASCII
        r = subprocess.run(["dcmdump", "+L", "-Un", "-q", str(path)], capture_output=True,
                           timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    text = r.stdout.decode("utf-8" if converted else "latin-1", errors="replace")
    body = text.split("# Dicom-Data-Set", 1)[1]
    out = []
    stack = []  # (depth, path of the sequence, item count so far)
    for line in body.splitlines():
        m = DCMDUMP_LINE.match(line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        tag = (m.group(2) + m.group(3)).upper()
        vr, rest = m.group(4), m.group(5)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if tag == "FFFEE000":
            if stack and stack[-1][0] == depth - 1:
                d, p, n = stack[-1]
                stack[-1] = (d, p, n + 1)
            continue
        if tag.startswith("FFFEE0"):
            continue
        prefix = ""
        if stack:
            d, p, n = stack[-1]
            prefix = f"{p}[{n - 1}]."
        value = rest.rsplit("#", 1)[0].rstrip()
        out.append((prefix + tag, vr, value))
        if vr == "SQ":
            stack.append((depth, prefix + tag, 0))
        elif value.startswith("(PixelSequence"):
            stack.append((depth, prefix + tag + "#fragments", 0))
    return [e for e in out if "#fragments" not in e[0]], converted


def flatten(dataset, prefix=""):
    """Our normalised JSON as {path: element} for every element at every depth."""
    out = {}
    for tag, e in dataset.items():
        out[prefix + tag] = e
        if e["vr"] == "SQ":
            for i, item in enumerate(e.get("Value", [])):
                out.update(flatten(item, f"{prefix}{tag}[{i}]."))
    return out


def dcmdump_values(vr, value):
    """The values of dcmdump's value text, or None when it is not comparable as text."""
    if value.startswith("(no value available)"):
        return []
    if value.startswith("[") and value.endswith("]"):
        return [v.rstrip("\0 ") for v in value[1:-1].split("\\")]
    if vr in ("US", "SS", "UL", "SL", "FL", "FD", "SV", "UV"):
        return value.split("\\")
    return None


def compare_dcmdump(ours, path):
    flat = flatten(ours)
    diffs = []
    elements, converted = dcmdump_elements(path)
    for p, vr, value in elements:
        if converted and p.endswith("00080005"):
            continue  # +U8 rewrites (or adds) Specific Character Set as ISO_IR 192
        e = flat.get(p)
        if e is None:
            diffs.append((p, "in dcmdump, not in ours"))
            continue
        if e["vr"] != vr:
            diffs.append((p, f"VR {e['vr']} vs dcmdump's {vr}"))
            continue
        theirs = dcmdump_values(vr, value)
        if theirs is None or vr in ("SQ", "AT") or "\x1b" in value or (
                not converted and any(ord(c) > 127 for c in value)):
            continue  # binary, sequences; text DCMTK could not convert: pydicom checks those
        mine = e.get("Value", [])
        if vr == "PN":
            mine = ["=".join(v.get(k, "") for k in ("Alphabetic", "Ideographic", "Phonetic"))
                    .rstrip("=") if v else None for v in mine]
            theirs = [v.rstrip("= ") for v in theirs]
        if [x for x in theirs if x not in ("", None)] == [] and mine == []:
            continue
        if len(mine) != len(theirs):
            diffs.append((p, f"{len(mine)} values vs dcmdump's {len(theirs)}"))
            continue
        for i, (x, y) in enumerate(zip(mine, theirs)):
            if vr in ("DS", "IS", "US", "SS", "UL", "SL", "FL", "FD", "SV", "UV"):
                try:
                    same = x is None and y.strip() == "" or math.isclose(
                        float(x), float(y), rel_tol=1e-5, abs_tol=1e-30)
                except (TypeError, ValueError):
                    same = str(x) == y.strip()
            else:
                same = (x or "") == y
            if not same:
                diffs.append((p, f"value {i}: {x!r:.80} vs dcmdump's {y!r:.80}"))
    return diffs


# ---- the differences we accept, each with its reason ----------------------------------------
# A rule: (name, why, predicate(file name, path, message, ours, theirs)) where ours/theirs are
# the normalised elements (None when absent). Any difference no rule explains fails the test.

def _tag(path):
    return int(path.rsplit(".", 1)[-1][:8], 16)


def _private_dictionary_vr(name, path, msg, ours, theirs, flat_theirs):
    """pydicom's VR for a private tag comes from its private dictionary, under the creator."""
    tag = _tag(path)
    if not ((tag >> 16) & 1 and ours and theirs and ours["vr"] == "UN" != theirs["vr"]):
        return False
    creator_path = path[:-8] + f"{tag >> 16:04X}00{(tag >> 8) & 0xFF:02X}"
    creator = (flat_theirs.get(creator_path) or {}).get("Value", [None])[0]
    try:
        return creator and pydicom.datadict.private_dictionary_VR(tag, creator) == theirs["vr"]
    except KeyError:
        return False


def _un_to_dictionary_vr(name, path, msg, ours, theirs):
    tag = _tag(path)
    if not (ours and theirs and theirs["vr"] == "UN"):
        return False
    if (tag >> 16) & 1:
        return ours["vr"] == "LO" and 0x10 <= (tag & 0xFFFF) <= 0xFF
    return pydicom.datadict.dictionary_VR(tag) == ours["vr"]


PYDICOM_RULES = [
    ("pydicom's private dictionary",
     "pydicom gives known private tags of implicit-VR data sets the VR of its own private "
     "dictionary (pydicom/_private_dict.py); without one the VR is unknown and we send UN, "
     "which PS3.18 F.2.7 allows and which loses nothing (InlineBinary holds the bytes)",
     _private_dictionary_vr),
    ("badVR.dcm NumberOfFrames",
     "(0028,0008) IS holds '1A', which pydicom's to_json_dict cannot convert (it drops the "
     "element); we keep the text as a string",
     lambda name, path, msg, ours, theirs, flat: name == "badVR.dcm" and path == "00280008"
     and msg == "only in ours" and ours["Value"] == ["1A"]),
]

DCMDUMP_RULES = [
    ("DCMTK's 'up'",
     "DCMTK prints the DICOMDIR offsets (0004,1200/1202/1400/1420/1504) with its internal VR "
     "'up' (unsigned pointer); it is UL on the wire and in PS3.6",
     lambda name, path, msg, ours, vr: vr == "up" and ours["vr"] == "UL"),
    ("encapsulated pixel data as OW",
     "the file's explicit VR says OW for encapsulated pixel data; DCMTK always reports OB "
     "(PS3.5 A.4), pydicom and we keep the VR that was sent",
     lambda name, path, msg, ours, vr: path.endswith("7FE00010") and vr == "OB"
     and ours["vr"] == "OW"),
    ("UN of a known tag",
     "the element was sent as UN but its tag is known: we take the dictionary's VR (LO for a "
     "private creator) as PS3.5 6.2.2 permits and pydicom does; DCMTK keeps UN",
     lambda name, path, msg, ours, vr: vr == "UN" and _un_to_dictionary_vr(
         name, path, msg, ours, {"vr": "UN"})),
]


def explained(rules, name, path, msg, ours, theirs, *context):
    return any(rule(name, path, msg, ours, theirs, *context) for _, _, rule in rules)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_dump_matches_pydicom_and_dcmdump(path):
    status = expected_status(path)
    r = dump(path)
    if status != "ok":
        # pydicom refuses it too (not DICOM), or it is broken on purpose: a clean refusal
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert "dicom.invalid" in r.stderr and "offset" in r.stderr, r.stderr
        assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
        if status == "not DICOM":
            with pytest.raises(InvalidDicomError):
                pydicom.dcmread(str(path))
        return
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    ours = norm_dataset(json.loads(r.stdout))
    theirs = norm_dataset(pydicom_json(path))
    flat_ours, flat_theirs = flatten(ours), flatten(theirs)
    unexplained = [(p, m) for p, m in compare(ours, theirs)
                   if not explained(PYDICOM_RULES, path.name, p, m, flat_ours.get(p),
                                    flat_theirs.get(p), flat_theirs)]
    assert unexplained == [], f"{path.name} differs from pydicom: {unexplained[:10]}"
    if path.name in DCMDUMP_UNREADABLE:
        r = subprocess.run(["dcmdump", "-q", str(path)], capture_output=True)
        assert r.returncode != 0  # still unreadable for DCMTK: the reason above holds
        return
    unexplained = [(p, m) for p, m in compare_dcmdump(ours, path)
                   if not explained(DCMDUMP_RULES, path.name, p, m, flat_ours.get(p),
                                    m.rsplit(" ", 1)[-1] if m.startswith("VR ") else None)]
    assert unexplained == [], f"{path.name} differs from dcmdump: {unexplained[:10]}"


def test_every_rule_is_used():
    """A rule no file needs any more is stale: remove it rather than let it hide a bug."""
    used = set()
    for path in FILES:
        if expected_status(path) != "ok":
            continue
        r = dump(path)
        ours = norm_dataset(json.loads(r.stdout))
        theirs = norm_dataset(pydicom_json(path))
        fo, ft = flatten(ours), flatten(theirs)
        for p, m in compare(ours, theirs):
            used |= {n for n, _, rule in PYDICOM_RULES
                     if rule(path.name, p, m, fo.get(p), ft.get(p), ft)}
        if path.name not in DCMDUMP_UNREADABLE:
            for p, m in compare_dcmdump(ours, path):
                vr = m.rsplit(" ", 1)[-1] if m.startswith("VR ") else None
                used |= {n for n, _, rule in DCMDUMP_RULES
                         if rule(path.name, p, m, fo.get(p), vr)}
    assert used == {n for n, _, _ in PYDICOM_RULES + DCMDUMP_RULES}


def test_yamada_hanako_japanese_person_name():
    """chrH31/chrH32 (ISO 2022 IR 87, IR 13): the three component groups exactly."""
    r = dump(DATA / "charset_files" / "chrH31.dcm")
    name = json.loads(r.stdout)["00100010"]["Value"][0]
    assert name == {"Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎",
                    "Phonetic": "やまだ^たろう"}
    r = dump(DATA / "charset_files" / "chrH32.dcm")
    name = json.loads(r.stdout)["00100010"]["Value"][0]
    assert name == {"Alphabetic": "ﾔﾏﾀﾞ^ﾀﾛｳ", "Ideographic": "山田^太郎",
                    "Phonetic": "やまだ^たろう"}


def test_bulk_threshold_gives_uri_with_byte_range():
    path = DATA / "test_files" / "CT_small.dcm"
    r = dump(path, threshold=1024)
    pixel = json.loads(r.stdout)["7FE00010"]
    uri = pixel["BulkDataURI"]
    m = re.fullmatch(re.escape(str(path)) + r"\?offset=(\d+)&length=(\d+)", uri)
    assert m, uri
    offset, length = int(m.group(1)), int(m.group(2))
    ds = pydicom.dcmread(str(path))
    assert path.read_bytes()[offset:offset + length] == ds.PixelData
    r = helpers.run_cli("dicom", "dump", path)  # no threshold: everything inline
    assert "InlineBinary" in json.loads(r.stdout)["7FE00010"]


def test_usage_errors():
    r = helpers.run_cli("dicom", "dump")
    assert r.returncode == 2
    r = helpers.run_cli("dicom", "dump", "/nonexistent/file.dcm")
    assert r.returncode == 1 and "cannot open" in r.stderr
    r = helpers.run_cli("dicom", "dump", DATA / "test_files" / "CT_small.dcm",
                        "--bulk-threshold", "-5")
    assert r.returncode == 2
    r = helpers.run_cli("dicom", "frames")
    assert r.returncode == 2
    r = helpers.run_cli("dicom")
    assert r.returncode == 2 and "dicom frames FILE" in r.stdout
    r = helpers.run_cli("dicom", "frames", DATA / "test_files" / "rtplan.dcm")  # no pixel data
    assert r.returncode == 1 and "no pixel data (7FE0,0010)" in r.stderr


# ---- bad input at the command line ------------------------------------------------------------

def _part10(body, syntax=b"1.2.840.10008.1.2.1\0"):
    meta = struct.pack("<HH2sH", 2, 0x10, b"UI", len(syntax)) + syntax
    return (b"\0" * 128 + b"DICM" + struct.pack("<HH2sHI", 2, 0, b"UL", 4, len(meta)) + meta
            + body)


@pytest.mark.parametrize("case", ["huge length", "10,000 deep", "lying item", "not DICOM"])
def test_bad_files_fail_cleanly(tmp_path, case):
    if case == "huge length":
        # (0010,0010) UT with a length field of 0xFFFFFFF0
        body = struct.pack("<HH2sHI", 0x10, 0x10, b"UT", 0, 0xFFFFFFF0) + b"Yamada"
        want = (rf"offset {len(_part10(b''))}, tag \(0010,0010\): "
                r"length 4294967280 exceeds the 6 bytes left")
    elif case == "10,000 deep":
        sq = struct.pack("<HH2sHI", 0x40, 0xA730, b"SQ", 0, 0xFFFFFFFF)
        it = struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF)
        end = struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
        body = (sq + it) * 10000 + end * 10000
        want = r"tag \(0040,A730\): sequences nested deeper than 64"
    elif case == "lying item":
        item = struct.pack("<HH2sH", 8, 0x1155, b"UI", 8) + b"1.2.3.4\0"
        body = (struct.pack("<HH2sHI", 8, 0x1140, b"SQ", 0, 8 + len(item))
                + struct.pack("<HHI", 0xFFFE, 0xE000, len(item) + 100) + item)
        want = r"tag \(FFFE,E000\): length 116 exceeds the 16 bytes left"
    else:
        body = None
        want = r"offset 0, tag \(683C,6D74\): length \d+ exceeds"
    path = tmp_path / "bad.dcm"
    path.write_bytes(_part10(body) if body is not None else b"<html>not an image</html>")
    r = dump(path)
    assert r.returncode == 1, r.stderr
    assert "dicom.invalid" in r.stderr and re.search(want, r.stderr), r.stderr
    assert r.stdout == ""


def test_named_files_exist():
    """Every file an exception list names is still shipped (a stale name would hide nothing)."""
    names = {p.name for p in FILES}
    for listed in (BROKEN, NO_PREAMBLE, DCMDUMP_UNREADABLE):
        assert set(listed) <= names, set(listed) - names


# ---- frames ---------------------------------------------------------------------------------

# Pixel data whose frames cannot be told: no Rows, Columns or Bits Allocated to size them.
FRAMES_UNKNOWN = {"meta_missing_tsyntax.dcm": "no Rows/Columns/Bits Allocated",
                  "nested_priv_SQ.dcm": "no Rows/Columns/Bits Allocated"}


def _pydicom_frames(ds, name):
    # badVR.dcm's Number of Frames is "1A": we read it as one frame, as for an empty value
    n = 1 if name == "badVR.dcm" else int(ds.get("NumberOfFrames", 1) or 1)
    if ds.file_meta.get("TransferSyntaxUID") and ds.file_meta.TransferSyntaxUID.is_compressed:
        return list(pydicom.encaps.generate_pixel_data_frame(ds.PixelData, n))
    # native: the frame size from the image (the value may carry padding past the last frame)
    per_pixel = 2 if ds.get("PhotometricInterpretation") == "YBR_FULL_422" else ds.get(
        "SamplesPerPixel", 1)
    size = ds.Rows * ds.Columns * per_pixel * ds.BitsAllocated // 8
    return [ds.PixelData[i * size:(i + 1) * size] for i in range(n)]


FRAME_FILES = [p for p in FILES if expected_status(p) == "ok" and p.suffix in (".dcm", "")
               and "PixelData" in read_pydicom(p)]


@pytest.mark.parametrize("path", FRAME_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_frames_match_pydicom(path):
    """`tsunagu dicom frames` (dicom_frame_locate): each frame's bytes, native or encapsulated
    (Basic/Extended Offset Table, one fragment per frame, or codestream markers), are the
    frames pydicom yields."""
    r = helpers.run_cli("dicom", "frames", path)
    if path.name in FRAMES_UNKNOWN:
        assert r.returncode == 1 and "dicom.invalid" in r.stderr, r.stderr
        return
    assert r.returncode == 0, r.stderr
    ds = read_pydicom(path)
    theirs = _pydicom_frames(ds, path.name)
    ours = [json.loads(line) for line in r.stdout.splitlines()]
    assert [f["frame"] for f in ours] == list(range(1, len(theirs) + 1))
    raw = path.read_bytes()
    deflated = ds.file_meta.get("TransferSyntaxUID") == "1.2.840.10008.1.2.1.99"
    for f, want in zip(ours, theirs):
        if deflated:  # offsets refer to the inflated data set
            assert sum(n for _, n in f["ranges"]) == len(want)
            continue
        got = b"".join(raw[o:o + n] for o, n in f["ranges"])
        assert got == want, f"{path.name} frame {f['frame']}"
