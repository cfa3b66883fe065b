/* SPDX-License-Identifier: Apache-2.0 */
/* Temporary stubs: the API compiles and links while the parser is written. */
#include "dicom.h"

#include <stdlib.h>

enum dicom_vr dicom_dict_vr(uint32_t tag)
{
    return DICOM_VR_UN;
}
const char *dicom_dict_keyword(uint32_t tag)
{
    return NULL;
}
bool dicom_dict_tag(const char *keyword, uint32_t *tag)
{
    return false;
}
bool dicom_parse(struct error *err, const uint8_t *data, size_t len,
                 const struct dicom_limits *limits, struct dicom_file **out)
{
    *out = NULL;
    return error_set(err, ERR_DICOM_INVALID, "not implemented yet");
}
bool dicom_parse_dataset(struct error *err, const uint8_t *data, size_t len,
                         const char *transfer_syntax, const struct dicom_limits *limits,
                         struct dicom_file **out)
{
    *out = NULL;
    return error_set(err, ERR_DICOM_INVALID, "not implemented yet");
}
void dicom_free(struct dicom_file *file) {}
bool dicom_transfer_syntax_encoding(const char *uid, enum dicom_encoding *encoding, bool *deflated)
{
    return false;
}
bool dicom_transfer_syntax_is_encapsulated(const char *uid)
{
    return false;
}
const struct dicom_element *dicom_find(const struct dicom_dataset *ds, uint32_t tag)
{
    return NULL;
}
const struct dicom_element *dicom_dataset_at(const struct dicom_dataset *ds, size_t i)
{
    return NULL;
}
size_t dicom_item_count(const struct dicom_element *el)
{
    return 0;
}
const struct dicom_dataset *dicom_item_at(const struct dicom_element *el, size_t i)
{
    return NULL;
}
size_t dicom_fragment_count(const struct dicom_element *el)
{
    return 0;
}
const struct dicom_fragment *dicom_fragment_at(const struct dicom_element *el, size_t i)
{
    return NULL;
}
bool dicom_frame_locate(struct error *err, const struct dicom_dataset *ds, size_t index,
                        struct dicom_frame *out)
{
    return error_set(err, ERR_DICOM_INVALID, "not implemented yet");
}
char *dicom_get_string(const struct dicom_dataset *ds, uint32_t tag, int index)
{
    return NULL;
}
char *dicom_element_string(const struct dicom_dataset *ds, const struct dicom_element *el,
                           int index)
{
    return NULL;
}
size_t dicom_value_count(const struct dicom_element *el)
{
    return 0;
}
bool dicom_get_int(const struct dicom_dataset *ds, uint32_t tag, int index, int64_t *out)
{
    return false;
}
bool dicom_get_double(const struct dicom_dataset *ds, uint32_t tag, int index, double *out)
{
    return false;
}
bool dicom_get_uid(const struct dicom_dataset *ds, uint32_t tag, char out[65])
{
    return false;
}
bool dicom_uid_valid(const char *s)
{
    return false;
}
void dicom_charset_decode(const char *charset, enum dicom_vr vr, const uint8_t *bytes, size_t len,
                          struct strbuf *out)
{
}
bool dicom_to_json(struct error *err, const struct dicom_dataset *ds,
                   const struct dicom_json_options *opts, struct strbuf *out)
{
    return error_set(err, ERR_INTERNAL, "not implemented yet");
}
bool dicom_write_part10(struct error *err, const struct dicom_file *file,
                        const struct dicom_edit *edits, size_t edit_count, struct strbuf *out)
{
    return error_set(err, ERR_INTERNAL, "not implemented yet");
}
