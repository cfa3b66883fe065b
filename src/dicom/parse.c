/* SPDX-License-Identifier: Apache-2.0 */
/* The data set parser (PS3.5 §7): elements, sequences, items, encapsulated pixel data. Every
 * length is checked against the bytes left before it is used; nesting is capped. */
#include "parse_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool parse_fail(struct parser *p, size_t offset, uint32_t tag, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return error_set(p->err, ERR_DICOM_INVALID, "offset %zu, tag (%04X,%04X): %s", offset,
                     DICOM_TAG_GROUP(tag), DICOM_TAG_ELEMENT(tag), why);
}

static bool count_one(struct parser *p, size_t offset, uint32_t tag)
{
    if (++p->count > p->lim.max_elements)
        return parse_fail(p, offset, tag, "more than %zu elements, items and fragments",
                          p->lim.max_elements);
    return true;
}

/* Reads the header at pos (bounded by end) into el: tag, VR, length, header length. */
static bool read_header(struct parser *p, size_t pos, size_t end, enum dicom_encoding enc,
                        struct dicom_element *el)
{
    bool be = enc == DICOM_EXPLICIT_BE;
    const uint8_t *b = p->data + pos;
    size_t left = end - pos;
    if (left < 8) {
        uint32_t tag = left >= 4 ? DICOM_TAG(dicom_u16(b, be), dicom_u16(b + 2, be)) : 0;
        return parse_fail(p, pos, tag, "element header truncated: %zu bytes left", left);
    }
    memset(el, 0, sizeof(*el));
    el->tag = DICOM_TAG(dicom_u16(b, be), dicom_u16(b + 2, be));
    el->offset = pos;
    if (DICOM_TAG_GROUP(el->tag) == 0xFFFE || enc == DICOM_IMPLICIT_LE) {
        /* items and delimiters carry no VR in any syntax (PS3.5 §7.5) */
        el->vr = DICOM_TAG_GROUP(el->tag) == 0xFFFE ? DICOM_VR_NONE : dicom_dict_vr(el->tag);
        el->vr_from_dictionary = true;
        el->length = dicom_u32(b + 4, be);
        el->header_length = 8;
        return true;
    }
    el->vr = dicom_vr_from_chars((char)b[4], (char)b[5]);
    if (el->vr == DICOM_VR_NONE)
        return parse_fail(p, pos, el->tag, "unknown VR bytes 0x%02X 0x%02X", b[4], b[5]);
    if (!dicom_vr_long_length(el->vr)) {
        el->length = dicom_u16(b + 6, be);
        el->header_length = 8;
        return true;
    }
    if (left < 12)
        return parse_fail(p, pos, el->tag, "element header truncated: %zu bytes left", left);
    el->length = dicom_u32(b + 8, be);
    el->header_length = 12;
    return true;
}

/* Checks that a defined length fits in [value, end). */
static bool check_length(struct parser *p, const struct dicom_element *el, size_t end)
{
    size_t value = el->offset + el->header_length;
    if (value > end || el->length > end - value)
        return parse_fail(p, el->offset, el->tag, "length %" PRIu32 " exceeds the %zu bytes left",
                          el->length, value > end ? (size_t)0 : end - value);
    return true;
}

/* Encapsulated pixel data (PS3.5 §A.4): a Basic Offset Table item, fragment items, then the
 * sequence delimitation item. */
static bool parse_fragments(struct parser *p, struct dicom_element *el, size_t end,
                            enum dicom_encoding enc, size_t *next)
{
    size_t pos = el->value_offset, n = 0, cap = 0;
    struct dicom_fragment *v = NULL;
    bool first = true;
    for (;;) {
        struct dicom_element it;
        if (!read_header(p, pos, end, enc, &it))
            goto fail;
        if (it.tag == DICOM_TAG_SEQUENCE_DELIMITATION) {
            el->value_length = pos - el->value_offset;
            el->value = el->value_length ? p->data + el->value_offset : NULL;
            *next = pos + 8;
            break;
        }
        if (it.tag != DICOM_TAG_ITEM) {
            parse_fail(p, pos, it.tag, "expected a fragment item (FFFE,E000) in pixel data");
            goto fail;
        }
        if (it.length == DICOM_UNDEFINED_LENGTH) {
            parse_fail(p, pos, it.tag, "fragment of undefined length");
            goto fail;
        }
        if (!check_length(p, &it, end) || !count_one(p, pos, it.tag))
            goto fail;
        struct dicom_fragment f = {pos + 8, it.length, p->data + pos + 8};
        if (first) {
            el->basic_offset_table = f;
            first = false;
        } else {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                struct dicom_fragment *nv = realloc(v, cap * sizeof(*v));
                if (!nv) {
                    error_set(p->err, ERR_NOMEM, "pixel data fragments");
                    goto fail;
                }
                v = nv;
            }
            v[n++] = f;
        }
        pos += 8 + it.length;
    }
    el->encapsulated = true;
    el->fragment_count = n;
    if (n) {
        el->fragments = arena_alloc(p->arena, n * sizeof(*v));
        memcpy(el->fragments, v, n * sizeof(*v));
    }
    free(v);
    return true;
fail:
    free(v);
    return false;
}

/* The items of a sequence (PS3.5 §7.5): defined length (ends at value + length) or undefined
 * (ends with a sequence delimitation item before end). */
static bool parse_items(struct parser *p, struct dicom_element *el, size_t end,
                        enum dicom_encoding enc, int depth, size_t *next)
{
    bool undefined = el->length == DICOM_UNDEFINED_LENGTH;
    size_t pos = el->value_offset;
    size_t stop = undefined ? end : el->value_offset + el->length;
    struct item_list items = {0};
    for (;;) {
        if (!undefined && pos == stop)
            break;
        struct dicom_element it;
        if (!read_header(p, pos, stop, enc, &it))
            goto fail;
        if (it.tag == DICOM_TAG_SEQUENCE_DELIMITATION) {
            pos += 8;
            if (!undefined && pos != stop) {
                parse_fail(p, it.offset, it.tag, "sequence delimitation inside a defined length");
                goto fail;
            }
            break;
        }
        if (it.tag != DICOM_TAG_ITEM) {
            parse_fail(p, pos, it.tag, "expected an item (FFFE,E000) in sequence (%04X,%04X)",
                       DICOM_TAG_GROUP(el->tag), DICOM_TAG_ELEMENT(el->tag));
            goto fail;
        }
        if (depth + 1 > p->lim.max_depth) {
            parse_fail(p, pos, el->tag, "sequences nested deeper than %d", p->lim.max_depth);
            goto fail;
        }
        if (!count_one(p, pos, it.tag))
            goto fail;
        struct dicom_dataset *item = item_list_push(p, &items);
        if (!item)
            goto fail;
        bool item_undefined = it.length == DICOM_UNDEFINED_LENGTH;
        if (!item_undefined && !check_length(p, &it, stop))
            goto fail;
        size_t item_end = item_undefined ? stop : pos + 8 + it.length;
        if (!parse_dataset(p, item, pos + 8, item_end, enc, depth + 1, item_undefined, &pos))
            goto fail;
    }
    el->value_length = (undefined ? pos - 8 : pos) - el->value_offset;
    el->value = el->value_length ? p->data + el->value_offset : NULL;
    *next = pos;
    return item_list_finish(p, &items, el);
fail:
    item_list_release(&items);
    return false;
}

/* A standard tag or a private creator sent as UN in explicit VR: its VR from the dictionary
 * (PS3.5 §6.2.2 lets a reader that knows the tag use its VR). Values of 64 KiB or more stay UN:
 * they could not have been sent with a 16-bit length in their own VR. */
static bool known_vr_of_un(struct dicom_element *el)
{
    enum dicom_vr vr = dicom_dict_vr(el->tag);
    uint16_t element = DICOM_TAG_ELEMENT(el->tag);
    if (DICOM_TAG_IS_PRIVATE(el->tag) && !(element >= 0x0010 && element <= 0x00FF))
        return false;
    if (vr == DICOM_VR_UN || vr == DICOM_VR_NONE || el->length >= 0xFFFF)
        return false;
    el->vr = vr;
    return true;
}

/* A defined-length UN whose tag is a sequence: its items if they parse, else its bytes as UN
 * (a writer may have sent something else under that tag; the bytes are kept, not guessed). */
static bool un_sequence(struct parser *p, struct dicom_element *el, size_t end, int depth,
                        size_t *next)
{
    size_t count = p->count;
    struct error saved = p->err ? *p->err : (struct error){0};
    if (parse_items(p, el, end, DICOM_IMPLICIT_LE, depth, next))
        return true;
    if (p->err && p->err->code == ERR_NOMEM)
        return false;
    if (p->err)
        *p->err = saved;
    p->count = count;
    el->vr = DICOM_VR_UN;
    el->vr_from_dictionary = false;
    el->items = NULL;
    el->item_count = 0;
    el->value_length = el->length;
    el->value = el->length ? p->data + el->value_offset : NULL;
    *next = el->value_offset + el->length;
    return true;
}

/* The value of el, whose header is read: plain bytes, a sequence or encapsulated pixel data. */
static bool parse_value(struct parser *p, struct dicom_element *el, size_t end,
                        enum dicom_encoding enc, int depth, size_t *next)
{
    el->value_offset = el->offset + el->header_length;
    if (el->length == DICOM_UNDEFINED_LENGTH) {
        if (el->vr == DICOM_VR_SQ)
            return parse_items(p, el, end, enc, depth, next);
        if (el->vr == DICOM_VR_UN) {
            /* PS3.5 §6.2.2: UN of undefined length holds an implicit VR LE sequence */
            el->vr = DICOM_VR_SQ;
            return parse_items(p, el, end, DICOM_IMPLICIT_LE, depth, next);
        }
        if (el->vr == DICOM_VR_OB || el->vr == DICOM_VR_OW)
            return parse_fragments(p, el, end, enc, next);
        return parse_fail(p, el->offset, el->tag, "undefined length for VR %s",
                          dicom_vr_name(el->vr));
    }
    if (!check_length(p, el, end))
        return false;
    el->value_length = el->length;
    el->value = el->length ? p->data + el->value_offset : NULL;
    *next = el->value_offset + el->length;
    if (el->vr == DICOM_VR_SQ)
        return parse_items(p, el, end, enc, depth, next);
    if (el->vr == DICOM_VR_UN && enc != DICOM_IMPLICIT_LE && known_vr_of_un(el)) {
        el->vr_from_dictionary = true;
        /* a known sequence sent as UN: its items are implicit VR LE (PS3.5 §6.2.2) */
        if (el->vr == DICOM_VR_SQ)
            return un_sequence(p, el, end, depth, next);
    }
    return true;
}

bool parse_dataset(struct parser *p, struct dicom_dataset *ds, size_t pos, size_t end,
                   enum dicom_encoding enc, int depth, bool until_item_delimiter, size_t *next)
{
    struct elem_list list = {0};
    ds->offset = pos;
    ds->encoding = enc;
    ds->depth = depth;
    ds->file = p->file;
    bool delimited = false;
    while (pos < end) {
        if (p->only_group && end - pos >= 2 && dicom_u16(p->data + pos, false) != p->only_group)
            break;
        struct dicom_element el;
        if (!read_header(p, pos, end, enc, &el))
            goto fail;
        if (el.tag == DICOM_TAG_ITEM_DELIMITATION && until_item_delimiter) {
            pos += 8;
            delimited = true;
            break;
        }
        if (DICOM_TAG_GROUP(el.tag) == 0xFFFE) {
            parse_fail(p, pos, el.tag, "unexpected item or delimiter in a data set");
            goto fail;
        }
        if (!count_one(p, pos, el.tag) || !parse_value(p, &el, end, enc, depth, &pos) ||
            !elem_list_push(p, &list, &el))
            goto fail;
    }
    if (until_item_delimiter && !delimited) {
        parse_fail(p, pos, DICOM_TAG_ITEM, "item without its delimitation item (truncated)");
        goto fail;
    }
    ds->length = pos - ds->offset;
    *next = pos;
    return elem_list_finish(p, &list, ds);
fail:
    elem_list_release(&list);
    return false;
}
