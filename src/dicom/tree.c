/* SPDX-License-Identifier: Apache-2.0 */
/* The parsed tree: building lists into the arena, the finishing pass, finding and iterating. */
#include "parse_int.h"

#include <stdlib.h>
#include <string.h>

bool elem_list_push(struct parser *p, struct elem_list *l, const struct dicom_element *el)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        struct dicom_element *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return error_set(p->err, ERR_NOMEM, "data set elements");
        l->v = v;
        l->cap = cap;
    }
    if (l->n && l->v[l->n - 1].tag >= el->tag)
        l->unsorted = true;
    l->v[l->n++] = *el;
    return true;
}

static int by_tag_then_offset(const void *a, const void *b)
{
    const struct dicom_element *x = a, *y = b;
    if (x->tag != y->tag)
        return x->tag < y->tag ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

bool elem_list_finish(struct parser *p, struct elem_list *l, struct dicom_dataset *ds)
{
    if (l->unsorted)
        qsort(l->v, l->n, sizeof(*l->v), by_tag_then_offset);
    ds->count = l->n;
    if (l->n) {
        ds->elements = arena_alloc(p->arena, l->n * sizeof(*l->v));
        memcpy(ds->elements, l->v, l->n * sizeof(*l->v));
    }
    elem_list_release(l);
    return true;
}

void elem_list_release(struct elem_list *l)
{
    free(l->v);
    memset(l, 0, sizeof(*l));
}

struct dicom_dataset *item_list_push(struct parser *p, struct item_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        struct dicom_dataset *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            error_set(p->err, ERR_NOMEM, "sequence items");
            return NULL;
        }
        l->v = v;
        l->cap = cap;
    }
    memset(&l->v[l->n], 0, sizeof(l->v[0]));
    return &l->v[l->n++];
}

bool item_list_finish(struct parser *p, struct item_list *l, struct dicom_element *el)
{
    el->item_count = l->n;
    if (l->n) {
        el->items = arena_alloc(p->arena, l->n * sizeof(*l->v));
        memcpy(el->items, l->v, l->n * sizeof(*l->v));
    }
    item_list_release(l);
    return true;
}

void item_list_release(struct item_list *l)
{
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* The implicit-VR choices PS3.5 leaves to the data set (PS3.5 §A.1, PS3.3 C.7.6.3.1.4). */
static void resolve_ambiguous_vr(struct dicom_dataset *ds, struct dicom_element *el,
                                 int pixel_representation)
{
    if (DICOM_TAG_IS_PRIVATE(el->tag))
        return;
    const struct dict_entry *e = dicom_dict_lookup(el->tag);
    if (!e)
        return;
    if (e->flags & DICT_US_OR_SS)
        el->vr = pixel_representation > 0 ? DICOM_VR_SS : DICOM_VR_US;
    else if (e->flags & DICT_US_OR_OW) {
        int64_t entries = 0;
        bool one = dicom_get_int(ds, DICOM_TAG(0x0028, 0x3002), 0, &entries) && entries == 1;
        el->vr = one ? DICOM_VR_US : DICOM_VR_OW;
    }
}

void tree_finish(struct parser *p, struct dicom_dataset *ds, const char *charset,
                 int pixel_representation)
{
    const struct dicom_element *cs = dicom_find(ds, DICOM_TAG_SPECIFIC_CHARACTER_SET);
    if (cs && !cs->items) {
        size_t n = cs->value_length;
        const uint8_t *v = cs->value ? dicom_trim(DICOM_VR_CS, cs->value, &n) : NULL;
        charset = v ? arena_strndup(p->arena, (const char *)v, n) : "";
    }
    ds->charset = charset ? charset : "";
    int64_t pr;
    if (dicom_get_int(ds, DICOM_TAG_PIXEL_REPRESENTATION, 0, &pr))
        pixel_representation = (int)pr;
    for (size_t i = 0; i < ds->count; i++) {
        struct dicom_element *el = &ds->elements[i];
        if (el->encapsulated && el->vr_from_dictionary)
            el->vr = DICOM_VR_OB; /* PS3.5 §A.4 */
        else if (el->vr_from_dictionary && !el->items)
            resolve_ambiguous_vr(ds, el, pixel_representation);
        for (size_t k = 0; k < el->item_count; k++) {
            el->items[k].parent = el;
            el->items[k].parent_dataset = ds;
            el->items[k].file = p->file;
            tree_finish(p, &el->items[k], ds->charset, pixel_representation);
        }
    }
}

const struct dicom_element *dicom_find(const struct dicom_dataset *ds, uint32_t tag)
{
    if (!ds)
        return NULL;
    size_t lo = 0, hi = ds->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t t = ds->elements[mid].tag;
        if (t == tag)
            return &ds->elements[mid];
        if (t < tag)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct dicom_element *dicom_dataset_at(const struct dicom_dataset *ds, size_t i)
{
    return ds && i < ds->count ? &ds->elements[i] : NULL;
}

size_t dicom_item_count(const struct dicom_element *el)
{
    return el ? el->item_count : 0;
}

const struct dicom_dataset *dicom_item_at(const struct dicom_element *el, size_t i)
{
    return el && i < el->item_count ? &el->items[i] : NULL;
}

size_t dicom_fragment_count(const struct dicom_element *el)
{
    return el ? el->fragment_count : 0;
}

const struct dicom_fragment *dicom_fragment_at(const struct dicom_element *el, size_t i)
{
    return el && i < el->fragment_count ? &el->fragments[i] : NULL;
}
