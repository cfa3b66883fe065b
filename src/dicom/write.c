/* SPDX-License-Identifier: Apache-2.0 */
/* Writing Part 10 (PS3.10 §7.1): a new File Meta, the data set copied byte for byte except the
 * edited elements, which are encoded in the data set's transfer syntax and character set. */
#include "dicom_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Our Implementation Class UID (a UUID-derived UID, PS3.5 §B.2) and version name. */
#define IMPLEMENTATION_CLASS_UID "2.25.286268449541076637600915018919147333244"
#define IMPLEMENTATION_VERSION "TSUNAGU_0_1"

static void put16(struct strbuf *out, uint16_t v, bool be)
{
    uint8_t b[2] = {be ? (uint8_t)(v >> 8) : (uint8_t)v, be ? (uint8_t)v : (uint8_t)(v >> 8)};
    strbuf_append(out, (const char *)b, 2);
}

static void put32(struct strbuf *out, uint32_t v, bool be)
{
    put16(out, be ? (uint16_t)(v >> 16) : (uint16_t)v, be);
    put16(out, be ? (uint16_t)v : (uint16_t)(v >> 16), be);
}

/* One element with a defined-length value (already padded to even length). */
static void put_element(struct strbuf *out, enum dicom_encoding enc, uint32_t tag, enum dicom_vr vr,
                        const void *value, size_t len)
{
    bool be = enc == DICOM_EXPLICIT_BE;
    put16(out, DICOM_TAG_GROUP(tag), be);
    put16(out, DICOM_TAG_ELEMENT(tag), be);
    if (enc == DICOM_IMPLICIT_LE) {
        put32(out, (uint32_t)len, false);
    } else {
        const char *name = dicom_vr_name(vr);
        strbuf_append(out, name, 2);
        if (dicom_vr_long_length(vr)) {
            put16(out, 0, be);
            put32(out, (uint32_t)len, be);
        } else {
            put16(out, (uint16_t)len, be);
        }
    }
    strbuf_append(out, value, len);
}

/* The longest value a text VR may hold, in bytes (PS3.5 Table 6.2-1; PN per group, so 3×). */
static size_t max_length(enum dicom_vr vr)
{
    switch (vr) {
    case DICOM_VR_AE:
    case DICOM_VR_CS:
    case DICOM_VR_SH:
    case DICOM_VR_DS:
        return 16;
    case DICOM_VR_AS:
        return 4;
    case DICOM_VR_DA:
        return 8;
    case DICOM_VR_DT:
        return 26;
    case DICOM_VR_IS:
        return 12;
    case DICOM_VR_TM:
        return 14;
    case DICOM_VR_LO:
    case DICOM_VR_UI:
        return 64;
    case DICOM_VR_PN:
        return 3 * 64 + 2;
    case DICOM_VR_ST:
        return 1024;
    case DICOM_VR_LT:
        return 10240;
    default:
        return 0xFFFE; /* UC UR UT: the short explicit length is not used */
    }
}

/* The iconv name to encode non-ASCII text for a Specific Character Set, or NULL. */
static const char *encoder_for(const char *charset)
{
    static const struct {
        const char *term, *iconv_name;
    } map[] = {
        {"ISO_IR 192", "UTF-8"},      {"ISO 2022 IR 87", "ISO-2022-JP"},
        {"ISO_IR 100", "ISO-8859-1"}, {"ISO_IR 101", "ISO-8859-2"},
        {"ISO_IR 109", "ISO-8859-3"}, {"ISO_IR 110", "ISO-8859-4"},
        {"ISO_IR 144", "ISO-8859-5"}, {"ISO_IR 127", "ISO-8859-6"},
        {"ISO_IR 126", "ISO-8859-7"}, {"ISO_IR 138", "ISO-8859-8"},
        {"ISO_IR 148", "ISO-8859-9"}, {"ISO_IR 203", "ISO-8859-15"},
        {"GB18030", "GB18030"},       {"GBK", "GBK"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strstr(charset ? charset : "", map[i].term))
            return map[i].iconv_name;
    return NULL;
}

/* UTF-8 text in the data set's character set. ISO-2022-JP returns to ASCII before every ASCII
 * character, so '^' and '=' in names find the initial code element as PS3.5 §6.1.2.5.3 asks. */
static bool encode_text(struct error *err, const char *charset, uint32_t tag, const char *text,
                        struct strbuf *out)
{
    bool ascii = true;
    for (const char *p = text; *p; p++)
        ascii &= (unsigned char)*p < 0x80;
    if (ascii) {
        strbuf_puts(out, text);
        return true;
    }
    const char *name = encoder_for(charset);
    iconv_t cd = name ? iconv_open(name, "UTF-8") : (iconv_t)-1;
    if (cd == (iconv_t)-1)
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (%04X,%04X): non-ASCII text needs a Specific Character Set that "
                         "holds it (the data set's is \"%s\")",
                         DICOM_TAG_GROUP(tag), DICOM_TAG_ELEMENT(tag), charset ? charset : "");
    char buf[1024];
    char *src = (char *)text, *dst = buf;
    size_t left = strlen(text), room = sizeof(buf);
    bool ok = iconv(cd, &src, &left, &dst, &room) != (size_t)-1 &&
              iconv(cd, NULL, NULL, &dst, &room) != (size_t)-1;
    iconv_close(cd);
    if (!ok)
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (%04X,%04X): the text does not fit the character set \"%s\"",
                         DICOM_TAG_GROUP(tag), DICOM_TAG_ELEMENT(tag), charset);
    strbuf_append(out, buf, (size_t)(dst - buf));
    return true;
}

/* The length of the longest of the '\\'-separated values (the limits are per value). */
static size_t longest_value(enum dicom_vr vr, const struct strbuf *value)
{
    if (vr == DICOM_VR_LT || vr == DICOM_VR_ST || vr == DICOM_VR_UT || vr == DICOM_VR_UR)
        return value->len;
    size_t longest = 0, start = 0;
    for (size_t i = 0; i <= value->len; i++)
        if (i == value->len || value->buf[i] == '\\') {
            if (i - start > longest)
                longest = i - start;
            start = i + 1;
        }
    return longest;
}

static bool edit_value(struct error *err, const char *charset, const struct dicom_edit *e,
                       enum dicom_vr vr, struct strbuf *value)
{
    if (!dicom_vr_is_string(vr))
        return error_set(err, ERR_DICOM_INVALID, "tag (%04X,%04X): only text values can be set",
                         DICOM_TAG_GROUP(e->tag), DICOM_TAG_ELEMENT(e->tag));
    bool text = vr == DICOM_VR_SH || vr == DICOM_VR_LO || vr == DICOM_VR_ST || vr == DICOM_VR_LT ||
                vr == DICOM_VR_UC || vr == DICOM_VR_UT || vr == DICOM_VR_PN;
    if (!encode_text(err, text ? charset : "", e->tag, e->value, value))
        return false;
    if (vr == DICOM_VR_UI) {
        char uid[65];
        snprintf(uid, sizeof(uid), "%s", e->value);
        if (strlen(e->value) > 64 || !dicom_uid_valid(uid))
            return error_set(err, ERR_DICOM_INVALID, "tag (%04X,%04X): \"%.64s\" is not a UID",
                             DICOM_TAG_GROUP(e->tag), DICOM_TAG_ELEMENT(e->tag), e->value);
    }
    size_t longest = longest_value(vr, value);
    if (longest > max_length(vr))
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (%04X,%04X): %zu bytes is too long for VR %s (at most %zu)",
                         DICOM_TAG_GROUP(e->tag), DICOM_TAG_ELEMENT(e->tag), longest,
                         dicom_vr_name(vr), max_length(vr));
    if (value->len % 2) /* PS3.5 §7.1: even length; UI pads with NUL, text with a space */
        strbuf_append(value, vr == DICOM_VR_UI ? "\0" : " ", 1);
    return true;
}

/* Writes an edited element (or nothing for a deletion). */
static bool put_edit(struct error *err, struct strbuf *out, const struct dicom_dataset *ds,
                     const char *charset, const struct dicom_edit *e,
                     const struct dicom_element *old)
{
    if (!e->value)
        return true;
    enum dicom_vr vr = e->vr != DICOM_VR_NONE ? e->vr : old ? old->vr : dicom_dict_vr(e->tag);
    struct strbuf value = {0};
    strbuf_append(&value, "", 0);
    bool ok = edit_value(err, charset, e, vr, &value);
    if (ok)
        put_element(out, ds->encoding, e->tag, vr, value.buf, value.len);
    strbuf_release(&value);
    return ok;
}

/* Where an element's encoding ends (after its sequence delimitation item, if any). */
static size_t element_end(const struct dicom_element *el)
{
    size_t end = el->value_offset + el->value_length;
    return el->length == DICOM_UNDEFINED_LENGTH ? end + 8 : end;
}

static const struct dicom_edit *edit_for(const struct dicom_edit *edits, size_t n, uint32_t tag)
{
    for (size_t i = 0; i < n; i++)
        if (edits[i].tag == tag)
            return &edits[i];
    return NULL;
}

static bool group_edited(const struct dicom_edit *edits, size_t n, uint16_t group)
{
    for (size_t i = 0; i < n; i++)
        if (DICOM_TAG_GROUP(edits[i].tag) == group)
            return true;
    return false;
}

struct uid_map {
    dicom_uid_map_fn fn;
    void *ctx;
};

/* The new value of a UI element the map changes (padded), or false when it keeps it. */
static bool mapped_uid(const struct uid_map *m, const struct dicom_element *el,
                       struct strbuf *value)
{
    if (!m->fn || el->vr != DICOM_VR_UI || el->items || !el->value)
        return false;
    char *all = dicom_element_string(NULL, el, DICOM_ALL_VALUES);
    if (!all)
        return false;
    bool changed = false;
    for (char *v = all, *next; v; v = next) {
        next = strchr(v, '\\');
        if (next)
            *next++ = 0;
        const char *r = m->fn(m->ctx, el->tag, v);
        changed |= r && strcmp(r, v) != 0;
        strbuf_puts(value, r ? r : v);
        if (next)
            strbuf_append(value, "\\", 1);
    }
    free(all);
    if (value->len % 2)
        strbuf_append(value, "\0", 1);
    return changed;
}

/* True when the map changes a UID somewhere in ds (private elements are left alone). */
static bool subtree_changes(const struct uid_map *m, const struct dicom_dataset *ds)
{
    for (size_t i = 0; i < ds->count; i++) {
        const struct dicom_element *el = &ds->elements[i];
        if (DICOM_TAG_IS_PRIVATE(el->tag))
            continue;
        struct strbuf v = {0};
        bool changed = mapped_uid(m, el, &v);
        strbuf_release(&v);
        for (size_t k = 0; !changed && k < el->item_count; k++)
            changed = subtree_changes(m, &el->items[k]);
        if (changed)
            return true;
    }
    return false;
}

static void put_mapped(struct strbuf *out, const struct dicom_file *f,
                       const struct dicom_dataset *ds, const struct dicom_element *el,
                       const struct uid_map *m);

static void put_tag_length(struct strbuf *out, uint32_t tag, uint32_t length, bool be)
{
    put16(out, DICOM_TAG_GROUP(tag), be);
    put16(out, DICOM_TAG_ELEMENT(tag), be);
    put32(out, length, be);
}

/* A sequence whose items change, rewritten with undefined lengths (PS3.5 §7.5.2). Items that
 * were sent in implicit VR inside an explicit data set keep that form under a UN header. */
static void put_sequence_mapped(struct strbuf *out, const struct dicom_file *f,
                                const struct dicom_dataset *ds, const struct dicom_element *el,
                                const struct uid_map *m)
{
    bool be = ds->encoding == DICOM_EXPLICIT_BE;
    bool un = ds->encoding != DICOM_IMPLICIT_LE && el->items[0].encoding == DICOM_IMPLICIT_LE;
    bool item_be = be && !un;
    put16(out, DICOM_TAG_GROUP(el->tag), be);
    put16(out, DICOM_TAG_ELEMENT(el->tag), be);
    if (ds->encoding != DICOM_IMPLICIT_LE) {
        strbuf_append(out, un ? "UN" : "SQ", 2);
        put16(out, 0, be);
    }
    put32(out, DICOM_UNDEFINED_LENGTH, be);
    for (size_t k = 0; k < el->item_count; k++) {
        const struct dicom_dataset *item = &el->items[k];
        put_tag_length(out, DICOM_TAG_ITEM, DICOM_UNDEFINED_LENGTH, item_be);
        for (size_t i = 0; i < item->count; i++)
            put_mapped(out, f, item, &item->elements[i], m);
        put_tag_length(out, DICOM_TAG_ITEM_DELIMITATION, 0, item_be);
    }
    put_tag_length(out, DICOM_TAG_SEQUENCE_DELIMITATION, 0, item_be);
}

/* An element not edited: copied byte for byte unless the map changes a UID in it. */
static void put_mapped(struct strbuf *out, const struct dicom_file *f,
                       const struct dicom_dataset *ds, const struct dicom_element *el,
                       const struct uid_map *m)
{
    if (m->fn && !DICOM_TAG_IS_PRIVATE(el->tag)) {
        struct strbuf v = {0};
        strbuf_append(&v, "", 0);
        bool changed = mapped_uid(m, el, &v);
        if (changed)
            put_element(out, ds->encoding, el->tag, DICOM_VR_UI, v.buf, v.len);
        strbuf_release(&v);
        if (changed)
            return;
        bool items_change = false;
        for (size_t k = 0; !items_change && k < el->item_count; k++)
            items_change = subtree_changes(m, &el->items[k]);
        if (items_change) {
            put_sequence_mapped(out, f, ds, el, m);
            return;
        }
    }
    strbuf_append(out, (const char *)f->data + el->offset, element_end(el) - el->offset);
}

/* The data set: elements in tag order, edits merged in; group lengths of edited groups dropped
 * (they are retired in data sets, PS3.5 §7.2, and would be wrong). */
static bool put_dataset(struct error *err, struct strbuf *out, const struct dicom_file *f,
                        const struct dicom_edit *edits, size_t n, const struct uid_map *m)
{
    const struct dicom_dataset *ds = &f->dataset;
    /* new text is encoded in the Specific Character Set the written file will declare */
    const struct dicom_edit *cs = edit_for(edits, n, DICOM_TAG_SPECIFIC_CHARACTER_SET);
    const char *charset = cs ? (cs->value ? cs->value : "") : ds->charset;
    bool *done = calloc(n ? n : 1, sizeof(bool));
    if (!done)
        return error_set(err, ERR_NOMEM, "writing DICOM");
    bool ok = true;
    for (size_t i = 0; ok && i <= ds->count; i++) {
        uint32_t tag = i < ds->count ? ds->elements[i].tag : 0xFFFFFFFFu;
        for (size_t k = 0; ok && k < n; k++) /* additions before this element */
            if (!done[k] && edits[k].tag < tag && !dicom_find(ds, edits[k].tag)) {
                done[k] = true;
                ok = put_edit(err, out, ds, charset, &edits[k], NULL);
            }
        if (!ok || i == ds->count)
            break;
        const struct dicom_element *el = &ds->elements[i];
        const struct dicom_edit *e = edit_for(edits, n, tag);
        if (DICOM_TAG_GROUP(tag) <= 0x0002)
            continue; /* command or File Meta elements have no place in a data set (PS3.10) */
        if (e) {
            done[e - edits] = true;
            ok = put_edit(err, out, ds, charset, e, el);
        } else if (!(DICOM_TAG_ELEMENT(tag) == 0 &&
                     (m->fn || group_edited(edits, n, DICOM_TAG_GROUP(tag))))) {
            put_mapped(out, f, ds, el, m);
        }
    }
    free(done);
    return ok;
}

static void put_uid(struct strbuf *out, uint32_t tag, const char *uid)
{
    size_t n = strlen(uid);
    char buf[66];
    memcpy(buf, uid, n);
    if (n % 2)
        buf[n++] = 0;
    put_element(out, DICOM_EXPLICIT_LE, tag, DICOM_VR_UI, buf, n);
}

/* PS3.10 §7.1: File Meta Information, explicit VR little endian, with its group length. */
static void put_meta(struct strbuf *out, const struct dicom_file *f, const char *sop_class,
                     const char *sop_instance, const char *syntax)
{
    struct strbuf meta = {0};
    put_element(&meta, DICOM_EXPLICIT_LE, DICOM_TAG(0x0002, 0x0001), DICOM_VR_OB, "\0\1", 2);
    put_uid(&meta, DICOM_TAG_MEDIA_STORAGE_SOP_CLASS_UID, sop_class);
    put_uid(&meta, DICOM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID, sop_instance);
    put_uid(&meta, DICOM_TAG_TRANSFER_SYNTAX_UID, syntax);
    put_uid(&meta, DICOM_TAG(0x0002, 0x0012), IMPLEMENTATION_CLASS_UID);
    put_element(&meta, DICOM_EXPLICIT_LE, DICOM_TAG(0x0002, 0x0013), DICOM_VR_SH,
                IMPLEMENTATION_VERSION " ", 12);
    /* the rest of the original File Meta (source AE title, private information…) as it was */
    for (size_t i = 0; i < f->meta.count; i++) {
        const struct dicom_element *el = &f->meta.elements[i];
        if (DICOM_TAG_ELEMENT(el->tag) > 0x0013)
            strbuf_append(&meta, (const char *)f->data + el->offset, element_end(el) - el->offset);
    }
    uint8_t group_length[4] = {(uint8_t)meta.len, (uint8_t)(meta.len >> 8),
                               (uint8_t)(meta.len >> 16), (uint8_t)(meta.len >> 24)};
    put_element(out, DICOM_EXPLICIT_LE, DICOM_TAG(0x0002, 0x0000), DICOM_VR_UL, group_length, 4);
    strbuf_append(out, meta.buf, meta.len);
    strbuf_release(&meta);
}

static int by_tag(const void *a, const void *b)
{
    const struct dicom_edit *x = a, *y = b;
    return x->tag < y->tag ? -1 : x->tag > y->tag;
}

/* The UID an edit sets for tag, else the file's. */
static void uid_after_edits(const struct dicom_edit *edits, size_t n, const struct uid_map *m,
                            uint32_t tag, const char *current, char out[65])
{
    const struct dicom_edit *e = edit_for(edits, n, tag);
    const char *mapped = !e && m->fn && *current ? m->fn(m->ctx, tag, current) : NULL;
    snprintf(out, 65, "%s", e && e->value ? e->value : mapped ? mapped : current);
}

bool dicom_write_part10(struct error *err, const struct dicom_file *file,
                        const struct dicom_edit *edits, size_t edit_count, struct strbuf *out)
{
    return dicom_write_part10_mapped(err, file, edits, edit_count, NULL, NULL, out);
}

bool dicom_write_part10_mapped(struct error *err, const struct dicom_file *file,
                               const struct dicom_edit *edits, size_t edit_count,
                               dicom_uid_map_fn map, void *ctx, struct strbuf *out)
{
    const struct uid_map m = {map, ctx};
    struct dicom_edit *sorted = calloc(edit_count ? edit_count : 1, sizeof(*sorted));
    if (!sorted)
        return error_set(err, ERR_NOMEM, "writing DICOM");
    if (edit_count)
        memcpy(sorted, edits, edit_count * sizeof(*sorted));
    qsort(sorted, edit_count, sizeof(*sorted), by_tag);
    bool ok = true;
    for (size_t i = 0; ok && i < edit_count; i++) {
        uint32_t tag = sorted[i].tag;
        if ((i && sorted[i - 1].tag == tag) || DICOM_TAG_GROUP(tag) <= 0x0002 ||
            DICOM_TAG_GROUP(tag) == 0xFFFE)
            ok = error_set(err, ERR_DICOM_INVALID, "tag (%04X,%04X): cannot be edited here",
                           DICOM_TAG_GROUP(tag), DICOM_TAG_ELEMENT(tag));
    }
    char sop_class[65], sop_instance[65];
    uid_after_edits(sorted, edit_count, &m, DICOM_TAG_SOP_CLASS_UID, file->sop_class_uid,
                    sop_class);
    uid_after_edits(sorted, edit_count, &m, DICOM_TAG_SOP_INSTANCE_UID, file->sop_instance_uid,
                    sop_instance);
    const char *syntax = file->deflated ? DICOM_TS_EXPLICIT_VR_LE : file->transfer_syntax;
    if (ok && (!dicom_uid_valid(sop_class) || !dicom_uid_valid(sop_instance)))
        ok = error_set(err, ERR_DICOM_INVALID, "SOP Class or Instance UID missing or invalid");
    size_t start = out->len;
    if (ok) {
        static const uint8_t preamble[128];
        strbuf_append(out, (const char *)preamble, sizeof(preamble));
        strbuf_append(out, "DICM", 4);
        put_meta(out, file, sop_class, sop_instance, syntax);
        ok = put_dataset(err, out, file, sorted, edit_count, &m);
    }
    if (!ok && out->buf) {
        out->len = start; /* nothing half-written */
        out->buf[start] = 0;
    }
    free(sorted);
    return ok;
}
