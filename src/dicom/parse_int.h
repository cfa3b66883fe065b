/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_PARSE_INT_H
#define TSUNAGU_DICOM_PARSE_INT_H

/* The parser's state, shared by parse.c (data sets), file.c (Part 10) and tree.c (lists). */

#include "dicom_int.h"

struct parser {
    struct error *err;
    const uint8_t *data;
    size_t len;
    struct dicom_limits lim;
    size_t count;        /* elements, items and fragments so far */
    uint16_t only_group; /* when not 0, stop at the first element of another group */
    struct arena *arena;
    struct dicom_file *file;
};

/** Sets ERR_DICOM_INVALID "offset N, tag (gggg,eeee): why"; returns false. */
bool parse_fail(struct parser *p, size_t offset, uint32_t tag, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Parses the elements of [pos, end) into ds (or up to an item delimitation item when
 *  until_item_delimiter); *next is the position after the data set (and its delimiter). */
bool parse_dataset(struct parser *p, struct dicom_dataset *ds, size_t pos, size_t end,
                   enum dicom_encoding enc, int depth, bool until_item_delimiter, size_t *next);

/* Growable lists while a data set or sequence is read, moved into the arena when done. */
struct elem_list {
    struct dicom_element *v;
    size_t n, cap;
    bool unsorted;
};
struct item_list {
    struct dicom_dataset *v;
    size_t n, cap;
};
bool elem_list_push(struct parser *p, struct elem_list *l, const struct dicom_element *el);
/** Moves the elements into ds (sorted by tag); releases the list. */
bool elem_list_finish(struct parser *p, struct elem_list *l, struct dicom_dataset *ds);
void elem_list_release(struct elem_list *l);
/** A new zeroed item at the end of the list, or NULL (ERR_NOMEM set). The pointer is valid
 *  until the next push. */
struct dicom_dataset *item_list_push(struct parser *p, struct item_list *l);
bool item_list_finish(struct parser *p, struct item_list *l, struct dicom_element *el);
void item_list_release(struct item_list *l);

/** After parsing: charsets (inherited by items, PS3.5 §7.5.3), the implicit-VR ambiguous VRs
 *  (US or SS by Pixel Representation; LUT Data US or OW) and the parent links. */
void tree_finish(struct parser *p, struct dicom_dataset *ds, const char *charset,
                 int pixel_representation);

#endif
