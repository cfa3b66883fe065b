/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_DICOM_H
#define TSUNAGU_DICOM_DICOM_H

/*
 * The DICOM parser: bytes in, a tree of elements out (PS3.5, PS3.10). No store, no HTTP.
 *
 * A parsed file points into the caller's buffer (values are never copied): the buffer must
 * outlive the struct dicom_file. Only a deflated file (1.2.840.10008.1.2.1.99) is inflated into
 * a buffer the dicom_file owns; every offset then refers to that inflated buffer
 * (dicom_file.data), whose first dicom_file.dataset_offset bytes are the original preamble and
 * File Meta.
 *
 * Every length and the nesting depth are checked against struct dicom_limits before use; no
 * read goes past the buffer. Errors are ERR_DICOM_INVALID with a detail that names the byte
 * offset and the tag, e.g. "offset 1234, tag (0010,0010): length 4294967280 exceeds the 512
 * bytes left".
 *
 * In short:
 *
 *     struct error err = {0};
 *     struct dicom_file *f;
 *     if (!dicom_parse(&err, bytes, len, NULL, &f))
 *         return false;                          // err: ERR_DICOM_INVALID, offset and tag
 *     char *name = dicom_get_string(&f->dataset, DICOM_TAG_PATIENT_NAME, 0);  // UTF-8
 *     char study[65];
 *     bool ok = dicom_get_uid(&f->dataset, DICOM_TAG_STUDY_INSTANCE_UID, study) &&
 *               dicom_uid_valid(study);
 *     struct strbuf json = {0};
 *     dicom_to_json(&err, &f->dataset, NULL, &json);  // PS3.18 F.2
 *     free(name);
 *     dicom_free(f);                             // then the caller's bytes may go
 *
 * A parsed file is read-only and may be read from several threads at once.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/strbuf.h"

/* ---- tags ---------------------------------------------------------------------------------- */

/** A tag as (group << 16) | element. */
#define DICOM_TAG(group, element) ((uint32_t)(((uint32_t)(group) << 16) | (uint16_t)(element)))
#define DICOM_TAG_GROUP(tag) ((uint16_t)((tag) >> 16))
#define DICOM_TAG_ELEMENT(tag) ((uint16_t)((tag)&0xFFFFu))
/** A private tag has an odd group (PS3.5 §7.8). */
#define DICOM_TAG_IS_PRIVATE(tag) ((DICOM_TAG_GROUP(tag) & 1u) != 0)

/** The length of an element or item of undefined length (PS3.5 §7.1.1). */
#define DICOM_UNDEFINED_LENGTH 0xFFFFFFFFu

/* Tags the other layers use by name. dicom_dict_tag() finds any other by keyword. */
#define DICOM_TAG_TRANSFER_SYNTAX_UID DICOM_TAG(0x0002, 0x0010)
#define DICOM_TAG_MEDIA_STORAGE_SOP_CLASS_UID DICOM_TAG(0x0002, 0x0002)
#define DICOM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID DICOM_TAG(0x0002, 0x0003)
#define DICOM_TAG_SPECIFIC_CHARACTER_SET DICOM_TAG(0x0008, 0x0005)
#define DICOM_TAG_SOP_CLASS_UID DICOM_TAG(0x0008, 0x0016)
#define DICOM_TAG_SOP_INSTANCE_UID DICOM_TAG(0x0008, 0x0018)
#define DICOM_TAG_STUDY_DATE DICOM_TAG(0x0008, 0x0020)
#define DICOM_TAG_STUDY_TIME DICOM_TAG(0x0008, 0x0030)
#define DICOM_TAG_ACCESSION_NUMBER DICOM_TAG(0x0008, 0x0050)
#define DICOM_TAG_MODALITY DICOM_TAG(0x0008, 0x0060)
#define DICOM_TAG_STUDY_DESCRIPTION DICOM_TAG(0x0008, 0x1030)
#define DICOM_TAG_SERIES_DESCRIPTION DICOM_TAG(0x0008, 0x103E)
#define DICOM_TAG_PATIENT_NAME DICOM_TAG(0x0010, 0x0010)
#define DICOM_TAG_PATIENT_ID DICOM_TAG(0x0010, 0x0020)
#define DICOM_TAG_ISSUER_OF_PATIENT_ID DICOM_TAG(0x0010, 0x0021)
#define DICOM_TAG_PATIENT_BIRTH_DATE DICOM_TAG(0x0010, 0x0030)
#define DICOM_TAG_PATIENT_SEX DICOM_TAG(0x0010, 0x0040)
#define DICOM_TAG_STUDY_INSTANCE_UID DICOM_TAG(0x0020, 0x000D)
#define DICOM_TAG_SERIES_INSTANCE_UID DICOM_TAG(0x0020, 0x000E)
#define DICOM_TAG_STUDY_ID DICOM_TAG(0x0020, 0x0010)
#define DICOM_TAG_SERIES_NUMBER DICOM_TAG(0x0020, 0x0011)
#define DICOM_TAG_INSTANCE_NUMBER DICOM_TAG(0x0020, 0x0013)
#define DICOM_TAG_SAMPLES_PER_PIXEL DICOM_TAG(0x0028, 0x0002)
#define DICOM_TAG_PHOTOMETRIC_INTERPRETATION DICOM_TAG(0x0028, 0x0004)
#define DICOM_TAG_NUMBER_OF_FRAMES DICOM_TAG(0x0028, 0x0008)
#define DICOM_TAG_ROWS DICOM_TAG(0x0028, 0x0010)
#define DICOM_TAG_COLUMNS DICOM_TAG(0x0028, 0x0011)
#define DICOM_TAG_BITS_ALLOCATED DICOM_TAG(0x0028, 0x0100)
#define DICOM_TAG_BITS_STORED DICOM_TAG(0x0028, 0x0101)
#define DICOM_TAG_PIXEL_REPRESENTATION DICOM_TAG(0x0028, 0x0103)
#define DICOM_TAG_EXTENDED_OFFSET_TABLE DICOM_TAG(0x7FE0, 0x0001)
#define DICOM_TAG_EXTENDED_OFFSET_TABLE_LENGTHS DICOM_TAG(0x7FE0, 0x0002)
#define DICOM_TAG_PIXEL_DATA DICOM_TAG(0x7FE0, 0x0010)
#define DICOM_TAG_ITEM DICOM_TAG(0xFFFE, 0xE000)
#define DICOM_TAG_ITEM_DELIMITATION DICOM_TAG(0xFFFE, 0xE00D)
#define DICOM_TAG_SEQUENCE_DELIMITATION DICOM_TAG(0xFFFE, 0xE0DD)

/* ---- transfer syntaxes (PS3.5 §10, PS3.6 Annex A) ------------------------------------------ */

#define DICOM_TS_IMPLICIT_VR_LE "1.2.840.10008.1.2"
#define DICOM_TS_EXPLICIT_VR_LE "1.2.840.10008.1.2.1"
#define DICOM_TS_DEFLATED_EXPLICIT_VR_LE "1.2.840.10008.1.2.1.99"
#define DICOM_TS_EXPLICIT_VR_BE "1.2.840.10008.1.2.2"
#define DICOM_TS_RLE "1.2.840.10008.1.2.5"
#define DICOM_TS_JPEG_BASELINE "1.2.840.10008.1.2.4.50"
#define DICOM_TS_JPEG_EXTENDED "1.2.840.10008.1.2.4.51"
#define DICOM_TS_JPEG_LOSSLESS "1.2.840.10008.1.2.4.57"
#define DICOM_TS_JPEG_LOSSLESS_SV1 "1.2.840.10008.1.2.4.70"
#define DICOM_TS_JPEG_LS_LOSSLESS "1.2.840.10008.1.2.4.80"
#define DICOM_TS_JPEG_LS_NEAR_LOSSLESS "1.2.840.10008.1.2.4.81"
#define DICOM_TS_JPEG_2000_LOSSLESS "1.2.840.10008.1.2.4.90"
#define DICOM_TS_JPEG_2000 "1.2.840.10008.1.2.4.91"

/** How a data set is encoded on the wire. */
enum dicom_encoding {
    DICOM_IMPLICIT_LE,
    DICOM_EXPLICIT_LE,
    DICOM_EXPLICIT_BE,
};

/* ---- value representations (PS3.5 §6.2) ---------------------------------------------------- */

/** A VR as its two characters, e.g. DICOM_VR_PN == ('P' << 8 | 'N'). DICOM_VR_NONE for items
 *  and delimiters. */
#define DICOM_VR_CODE(a, b) (((unsigned)(a) << 8) | (unsigned)(b))
enum dicom_vr {
    DICOM_VR_NONE = 0,
    DICOM_VR_AE = DICOM_VR_CODE('A', 'E'),
    DICOM_VR_AS = DICOM_VR_CODE('A', 'S'),
    DICOM_VR_AT = DICOM_VR_CODE('A', 'T'),
    DICOM_VR_CS = DICOM_VR_CODE('C', 'S'),
    DICOM_VR_DA = DICOM_VR_CODE('D', 'A'),
    DICOM_VR_DS = DICOM_VR_CODE('D', 'S'),
    DICOM_VR_DT = DICOM_VR_CODE('D', 'T'),
    DICOM_VR_FD = DICOM_VR_CODE('F', 'D'),
    DICOM_VR_FL = DICOM_VR_CODE('F', 'L'),
    DICOM_VR_IS = DICOM_VR_CODE('I', 'S'),
    DICOM_VR_LO = DICOM_VR_CODE('L', 'O'),
    DICOM_VR_LT = DICOM_VR_CODE('L', 'T'),
    DICOM_VR_OB = DICOM_VR_CODE('O', 'B'),
    DICOM_VR_OD = DICOM_VR_CODE('O', 'D'),
    DICOM_VR_OF = DICOM_VR_CODE('O', 'F'),
    DICOM_VR_OL = DICOM_VR_CODE('O', 'L'),
    DICOM_VR_OV = DICOM_VR_CODE('O', 'V'),
    DICOM_VR_OW = DICOM_VR_CODE('O', 'W'),
    DICOM_VR_PN = DICOM_VR_CODE('P', 'N'),
    DICOM_VR_SH = DICOM_VR_CODE('S', 'H'),
    DICOM_VR_SL = DICOM_VR_CODE('S', 'L'),
    DICOM_VR_SQ = DICOM_VR_CODE('S', 'Q'),
    DICOM_VR_SS = DICOM_VR_CODE('S', 'S'),
    DICOM_VR_ST = DICOM_VR_CODE('S', 'T'),
    DICOM_VR_SV = DICOM_VR_CODE('S', 'V'),
    DICOM_VR_TM = DICOM_VR_CODE('T', 'M'),
    DICOM_VR_UC = DICOM_VR_CODE('U', 'C'),
    DICOM_VR_UI = DICOM_VR_CODE('U', 'I'),
    DICOM_VR_UL = DICOM_VR_CODE('U', 'L'),
    DICOM_VR_UN = DICOM_VR_CODE('U', 'N'),
    DICOM_VR_UR = DICOM_VR_CODE('U', 'R'),
    DICOM_VR_US = DICOM_VR_CODE('U', 'S'),
    DICOM_VR_UT = DICOM_VR_CODE('U', 'T'),
    DICOM_VR_UV = DICOM_VR_CODE('U', 'V'),
};

/** "PN" for DICOM_VR_PN; "" for DICOM_VR_NONE. Static storage. */
const char *dicom_vr_name(enum dicom_vr vr);
/** The VR of two characters, or DICOM_VR_NONE when they name no VR. */
enum dicom_vr dicom_vr_from_chars(char a, char b);
/** True for VRs whose value is text (AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT). */
bool dicom_vr_is_string(enum dicom_vr vr);
/** True for OB OD OF OL OV OW UN: the VRs the JSON model sends as InlineBinary/BulkDataURI. */
bool dicom_vr_is_binary(enum dicom_vr vr);

/* ---- the data dictionary (PS3.6, generated: src/dicom/dict_table.c) ------------------------ */

/** The VR of a standard tag, following the repeating groups (50xx, 60xx, gggg,00xx); for a tag
 *  with several VRs (US or SS) the first. DICOM_VR_UN for unknown and private tags, except
 *  group lengths (UL) and private creators (gggg,0010-00FF: LO). */
enum dicom_vr dicom_dict_vr(uint32_t tag);
/** The keyword, e.g. "PatientName", or NULL when the tag is not in the dictionary. */
const char *dicom_dict_keyword(uint32_t tag);
/** The tag of a keyword; false when unknown. */
bool dicom_dict_tag(const char *keyword, uint32_t *tag);

/* ---- the parsed tree ----------------------------------------------------------------------- */

struct dicom_dataset;
struct dicom_file;

/** One fragment of encapsulated pixel data (PS3.5 §A.4). */
struct dicom_fragment {
    size_t offset;       /* byte offset of the fragment's value in dicom_file.data */
    size_t length;       /* its length in bytes */
    const uint8_t *data; /* == file data + offset */
};

/** One data element. Every pointer points into dicom_file.data or the file's arena. */
struct dicom_element {
    uint32_t tag;
    enum dicom_vr vr;     /* explicit VR as read, or from the dictionary (implicit VR) */
    uint32_t length;      /* the length field as read; DICOM_UNDEFINED_LENGTH if undefined */
    size_t offset;        /* byte offset of the element's header (its tag) */
    size_t header_length; /* bytes of tag, VR and length field: offset + header_length is the
                             value's offset */
    size_t value_offset;  /* byte offset of the value */
    size_t value_length;  /* bytes of the value; for an undefined length, the bytes up to (not
                             including) the sequence delimitation item */
    const uint8_t *value; /* == file data + value_offset (NULL when value_length is 0); for SQ
                             and encapsulated pixel data, the raw encoded items */

    /* VR SQ: the items, in order. */
    struct dicom_dataset *items;
    size_t item_count;

    /* Encapsulated pixel data (undefined length, PS3.5 §A.4): the fragments after the Basic
     * Offset Table item, and that table (its value; length 0 when empty). */
    bool encapsulated;
    struct dicom_fragment *fragments;
    size_t fragment_count;
    struct dicom_fragment basic_offset_table;

    /* The VR was not on the wire: implicit VR, or UN replaced by the dictionary's VR for a
     * standard tag (as pydicom and DCMTK do) or LO for a private creator. */
    bool vr_from_dictionary;
};

/** A data set: the top level, the File Meta group or one sequence item. */
struct dicom_dataset {
    struct dicom_element *elements; /* in ascending tag order as read */
    size_t count;
    enum dicom_encoding encoding; /* how its values' bytes are ordered */
    /* The Specific Character Set (0008,0005) in force: this data set's own, else the enclosing
     * one's (PS3.5 §7.5.3); "" means the default repertoire. */
    const char *charset;
    size_t offset; /* byte offset of the first element (the item's value) */
    size_t length; /* bytes it spans */
    int depth;     /* 0 at the top level, 1 inside a first-level sequence item, … */
    const struct dicom_file *file;
    const struct dicom_element *parent; /* the sequence holding this item; NULL at the top */
    /* the data set holding that sequence (NULL at the top): with parent, the path to any
     * element, e.g. for a BulkDataURI (the item's index is this - parent->items) */
    const struct dicom_dataset *parent_dataset;
};

/** A parsed Part 10 file (or bare data set). */
struct dicom_file {
    const uint8_t *data; /* the bytes every offset refers to (see the top of this header) */
    size_t len;
    bool has_preamble;            /* the 128-byte preamble and "DICM" were present */
    size_t dataset_offset;        /* where the main data set starts in data */
    struct dicom_dataset meta;    /* group 0002 (count 0 when the file has none) */
    struct dicom_dataset dataset; /* the main data set */
    /* NUL-terminated, padding removed. transfer_syntax: the File Meta's (0002,0010), the one
     * given to dicom_parse_dataset, or the UID of the encoding found in a file without File
     * Meta. The SOP UIDs: the data set's (0008,0016/0018), else the File Meta's Media Storage
     * ones, else "". None is validated: see dicom_uid_valid. */
    char transfer_syntax[65];
    char sop_class_uid[65];
    char sop_instance_uid[65];
    const char *charset; /* the top level's Specific Character Set, e.g.
                            "ISO 2022 IR 6\\ISO 2022 IR 87"; "" when absent */
    bool deflated;       /* data is an inflated copy */
    void *priv;          /* the parser's own (arena, inflated buffer) */
};

/** Limits checked before any length or depth is used. Zero fields take the defaults. */
struct dicom_limits {
    int max_depth;       /* sequence nesting; default 64, at most 512 (the parser recurses) */
    size_t max_elements; /* elements, items and fragments in all; default 4,000,000 */
    size_t max_inflated; /* bytes a deflated data set may inflate to; default 1 GiB */
};

/**
 * Parses a DICOM file: a Part 10 file (preamble, "DICM", File Meta, data set) or, as files
 * without a preamble occur in the wild, File Meta without preamble, or a bare data set (its
 * encoding guessed: implicit or explicit VR little endian, or explicit big endian).
 * data must stay valid and unchanged until dicom_free (it is not copied; a deflated data set is
 * inflated into memory the file owns). limits may be NULL (defaults).
 * Returns false with ERR_DICOM_INVALID (detail: offset and tag) or ERR_NOMEM; *out is then NULL.
 */
bool dicom_parse(struct error *err, const uint8_t *data, size_t len,
                 const struct dicom_limits *limits, struct dicom_file **out);

/**
 * Parses a bare data set (no preamble, no File Meta) in the given transfer syntax UID (e.g. from
 * a DIMSE presentation context). The result's meta is empty and transfer_syntax is the given one.
 */
bool dicom_parse_dataset(struct error *err, const uint8_t *data, size_t len,
                         const char *transfer_syntax, const struct dicom_limits *limits,
                         struct dicom_file **out);

/** Frees a parsed file and everything it owns (not the caller's buffer). NULL is ignored. */
void dicom_free(struct dicom_file *file);

/** The encoding of a transfer syntax UID; false when it is not known to be DICOM (then
 *  *encoding is explicit LE, which every other standard syntax uses). *deflated is set for
 *  1.2.840.10008.1.2.1.99. Either out pointer may be NULL. */
bool dicom_transfer_syntax_encoding(const char *uid, enum dicom_encoding *encoding, bool *deflated);
/** True when pixel data in this transfer syntax is encapsulated (compressed). */
bool dicom_transfer_syntax_is_encapsulated(const char *uid);

/* ---- finding and iterating ----------------------------------------------------------------- */

/** The element with this tag directly in ds (binary search), or NULL. */
const struct dicom_element *dicom_find(const struct dicom_dataset *ds, uint32_t tag);
/** The i-th element of ds (0-based), NULL past the end. */
const struct dicom_element *dicom_dataset_at(const struct dicom_dataset *ds, size_t i);
/** The number of items of a sequence element (0 for other VRs). */
size_t dicom_item_count(const struct dicom_element *el);
/** The i-th item of a sequence, NULL past the end. */
const struct dicom_dataset *dicom_item_at(const struct dicom_element *el, size_t i);
/** The number of fragments of encapsulated pixel data (0 when not encapsulated). */
size_t dicom_fragment_count(const struct dicom_element *el);
/** The i-th fragment, NULL past the end. */
const struct dicom_fragment *dicom_fragment_at(const struct dicom_element *el, size_t i);

/** One frame of pixel data: the fragments it spans (encapsulated), or its bytes (native). */
struct dicom_frame {
    size_t first_fragment; /* encapsulated: the frame's first fragment index */
    size_t fragment_count; /* encapsulated: how many fragments it spans (>= 1) */
    size_t offset;         /* native: byte offset of the frame in dicom_file.data */
    size_t length;         /* native: its length */
};

/**
 * Locates frame `index` (0-based) of the Pixel Data of ds, using the Extended Offset Table
 * (7FE0,0001/0002) when present, else the Basic Offset Table, else one fragment per frame
 * when there are as many fragments as frames, else (one frame) all fragments.
 * Native pixel data: the frame's offset and length from Rows, Columns, Samples per Pixel,
 * Bits Allocated. False with ERR_DICOM_INVALID when there is no pixel data, the index is out
 * of range, or the tables are inconsistent.
 */
bool dicom_frame_locate(struct error *err, const struct dicom_dataset *ds, size_t index,
                        struct dicom_frame *out);

/* ---- values -------------------------------------------------------------------------------- */

/** Pass as the value index to get all values joined by '\'. */
#define DICOM_ALL_VALUES (-1)

/**
 * The value(s) of a text element of ds as UTF-8, converted from the data set's Specific
 * Character Set (ISO 2022 code extensions included, PS3.5 §6.1); leading/trailing padding
 * removed as the VR prescribes. index: the 0-based value number, or DICOM_ALL_VALUES.
 * Bytes that do not convert become U+FFFD. Returns a malloc'd string the caller frees, or NULL
 * when the element is absent, not text, or has no such value.
 */
char *dicom_get_string(const struct dicom_dataset *ds, uint32_t tag, int index);
/** The same for an element already found (el belongs to ds). */
char *dicom_element_string(const struct dicom_dataset *ds, const struct dicom_element *el,
                           int index);
/** The number of values of an element (text: '\'-separated; binary numbers: length / size). */
size_t dicom_value_count(const struct dicom_element *el);

/** Value `index` of an integer element (US SS UL SL SV UV, IS, AT) into *out; false when
 *  absent or not an integer. */
bool dicom_get_int(const struct dicom_dataset *ds, uint32_t tag, int index, int64_t *out);
/** Value `index` of a numeric element (FL FD DS, and the integer VRs) into *out. */
bool dicom_get_double(const struct dicom_dataset *ds, uint32_t tag, int index, double *out);
/** The UID (VR UI) of ds, trailing NUL/space padding removed, into out (NUL-terminated); false
 *  when absent or longer than 64 characters. Does not validate it: see dicom_uid_valid. */
bool dicom_get_uid(const struct dicom_dataset *ds, uint32_t tag, char out[65]);
/** True when s is a valid UID (PS3.5 §9.1): 1..64 characters, digits and dots, components
 *  without leading zeros, none empty. */
bool dicom_uid_valid(const char *s);

/**
 * Converts text bytes of a value from a Specific Character Set value (as in 0008,0005, "" for
 * the default repertoire) to UTF-8, with the PS3.5 §6.1.2.5 rules (escape sequences switch code
 * elements; '^', '=', '\' and control characters go back to the initial code element for PN and
 * multi-valued text). Appends to out. Unconvertible bytes become U+FFFD.
 */
void dicom_charset_decode(const char *charset, enum dicom_vr vr, const uint8_t *bytes, size_t len,
                          struct strbuf *out);

/* ---- the DICOM JSON model (PS3.18 §F.2) ---------------------------------------------------- */

/** Makes the BulkDataURI for a binary element over the threshold: appends the URI to uri and
 *  returns true, or returns false to send the element as InlineBinary after all. */
typedef bool (*dicom_bulk_uri_fn)(void *ctx, const struct dicom_dataset *ds,
                                  const struct dicom_element *el, struct strbuf *uri);

struct dicom_json_options {
    /* binary values (OB OD OF OL OV OW UN) longer than this many bytes go through bulk_uri
     * (default 0 means: never, everything InlineBinary) */
    size_t bulk_threshold;
    dicom_bulk_uri_fn bulk_uri; /* NULL: everything InlineBinary */
    void *ctx;
    bool skip_group_lengths; /* leave out (gggg,0000) elements */
};

/**
 * Appends the DICOM JSON object of ds ({"00100010": {"vr": "PN", "Value": [...]}, ...}) to out.
 * Strings are UTF-8; PN as {"Alphabetic", "Ideographic", "Phonetic"}; DS/IS as JSON numbers
 * (text kept when it does not parse); encapsulated pixel data as a BulkDataURI or the
 * InlineBinary of its encoded items. opts may be NULL. False only on ERR_NOMEM / a callback
 * failure.
 */
bool dicom_to_json(struct error *err, const struct dicom_dataset *ds,
                   const struct dicom_json_options *opts, struct strbuf *out);

/* ---- writing Part 10 ----------------------------------------------------------------------- */

/** One change to the top level of a data set when it is written. */
struct dicom_edit {
    uint32_t tag;
    enum dicom_vr vr; /* for an added element; DICOM_VR_NONE: the dictionary's (or, when
                         replacing, the element's own) */
    /* the new value as UTF-8 text, or NULL to delete the element. Only text VRs. It is encoded
     * in the Specific Character Set the written file declares (an edit of (0008,0005) in the
     * same call sets it; values not edited are not re-encoded): ASCII always fits; kanji and
     * kana need e.g. "ISO 2022 IR 6\\ISO 2022 IR 87" or "ISO_IR 192". */
    const char *value;
};

/**
 * Writes ds of file as a new Part 10 file (preamble, File Meta with group length, the data set)
 * into out, applying edits (each tag at most once; replaced, added or deleted). The data set is
 * written in the file's transfer syntax (a deflated one is written as explicit VR little
 * endian); elements not edited, private ones included, are copied byte for byte. The File Meta
 * is rebuilt: Media Storage SOP Class/Instance UID follow the (edited) SOP Class/Instance UID.
 * False with ERR_DICOM_INVALID when an edit cannot be encoded (value too long for its VR, text
 * the charset cannot hold, a sequence tag).
 */
bool dicom_write_part10(struct error *err, const struct dicom_file *file,
                        const struct dicom_edit *edits, size_t edit_count, struct strbuf *out);

/** Gives a UID its replacement when a file is written: the new UID (valid, NUL-terminated,
 *  owned by the callee until the write returns) or NULL to keep it. Called for every UID
 *  (VR UI) at any depth, except inside private elements (kept byte for byte), and for the SOP
 * Class/Instance UIDs of the File Meta. */
typedef const char *(*dicom_uid_map_fn)(void *ctx, uint32_t tag, const char *uid);

/**
 * dicom_write_part10 that also passes every UID through map (e.g. new UIDs for a copy of a
 * study: Study, Series, SOP Instance and Frame of Reference UIDs, and the references to them in
 * sequences). A sequence in which a UID changes is rewritten with undefined lengths; everything
 * else is copied byte for byte. Group length elements of the data set are left out (retired,
 * PS3.5 §7.2). map NULL is dicom_write_part10.
 */
bool dicom_write_part10_mapped(struct error *err, const struct dicom_file *file,
                               const struct dicom_edit *edits, size_t edit_count,
                               dicom_uid_map_fn map, void *ctx, struct strbuf *out);

#endif
