/* SPDX-License-Identifier: Apache-2.0 */
/* Writing Part 10 with edits, deflate, big endian, frames of encapsulated pixel data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dicom/dicom.h"
#include "dicom_build.h"

static struct dicom_file *parse_ok(const char *data, size_t len)
{
    struct error err = {0};
    struct dicom_file *f = NULL;
    if (!dicom_parse(&err, (const uint8_t *)data, len, NULL, &f))
        fail_msg("parse failed: %s", err.detail);
    return f;
}

static void body(struct strbuf *b, const char *charset)
{
    estr(b, 0x0008, 0x0005, "CS", charset);
    estr(b, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7");
    estr(b, 0x0008, 0x0018, "UI", "1.2.392.200036.9999.1.1");
    estr(b, 0x0010, 0x0010, "PN", "Doe^Jane");
    estr(b, 0x0019, 0x0010, "LO", "ACME 1.0");
    eelem(b, 0x0019, 0x1003, "UN", "\x7f\x00\x01\xff\x80\x81", 6);
    estr(b, 0x0020, 0x000D, "UI", "1.2.392.200036.9999.2");
}

static void new_uids_and_a_japanese_name(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    body(&b, "\\ISO 2022 IR 87");
    struct dicom_file *f = parse_ok(b.buf, b.len);
    const struct dicom_edit edits[] = {
        {DICOM_TAG_STUDY_INSTANCE_UID, DICOM_VR_NONE, "2.25.1234"},
        {DICOM_TAG_SOP_INSTANCE_UID, DICOM_VR_NONE, "2.25.99"},
        {DICOM_TAG_PATIENT_NAME, DICOM_VR_NONE, "Yamada^Hanako=山田^花子=やまだ^はなこ"},
        {DICOM_TAG_PATIENT_ID, DICOM_VR_LO, "DEMO-1"}, /* added */
    };
    struct strbuf out = {0};
    struct error err = {0};
    assert_true(dicom_write_part10(&err, f, edits, 4, &out));
    struct dicom_file *g = parse_ok(out.buf, out.len);
    assert_string_equal(g->sop_instance_uid, "2.25.99");
    char uid[65];
    assert_true(dicom_get_uid(&g->meta, DICOM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID, uid));
    assert_string_equal(uid, "2.25.99");
    assert_true(dicom_get_uid(&g->dataset, DICOM_TAG_STUDY_INSTANCE_UID, uid));
    assert_string_equal(uid, "2.25.1234");
    char *name = dicom_get_string(&g->dataset, DICOM_TAG_PATIENT_NAME, 0);
    assert_string_equal(name, "Yamada^Hanako=山田^花子=やまだ^はなこ");
    free(name);
    char *id = dicom_get_string(&g->dataset, DICOM_TAG_PATIENT_ID, 0);
    assert_string_equal(id, "DEMO-1");
    free(id);
    /* the private element, byte for byte */
    const struct dicom_element *a = dicom_find(&f->dataset, DICOM_TAG(0x0019, 0x1003));
    const struct dicom_element *c = dicom_find(&g->dataset, DICOM_TAG(0x0019, 0x1003));
    assert_int_equal(c->value_length, 6);
    assert_memory_equal(a->value, c->value, 6);
    dicom_free(g);
    strbuf_release(&out);
    /* refusals leave out untouched */
    const struct dicom_edit bad_uid = {DICOM_TAG_STUDY_INSTANCE_UID, DICOM_VR_NONE, "1.2.x"};
    assert_false(dicom_write_part10(&err, f, &bad_uid, 1, &out));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    assert_int_equal(out.len, 0);
    error_clear(&err);
    const struct dicom_edit too_long = {DICOM_TAG(0x0008, 0x0060), DICOM_VR_CS,
                                        "THIS IS FAR TOO LONG FOR A CS"};
    assert_false(dicom_write_part10(&err, f, &too_long, 1, &out));
    assert_int_equal(out.len, 0);
    strbuf_release(&out);
    dicom_free(f);
    strbuf_release(&b);
}

static void latin1_cannot_hold_kanji(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    body(&b, "ISO_IR 100");
    struct dicom_file *f = parse_ok(b.buf, b.len);
    struct strbuf out = {0};
    struct error err = {0};
    const struct dicom_edit e = {DICOM_TAG_PATIENT_NAME, DICOM_VR_NONE, "山田^花子"};
    assert_false(dicom_write_part10(&err, f, &e, 1, &out));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    strbuf_release(&out);
    /* unless the same call declares a character set that holds them */
    const struct dicom_edit both[] = {
        {DICOM_TAG_SPECIFIC_CHARACTER_SET, DICOM_VR_NONE, "ISO 2022 IR 6\\ISO 2022 IR 87"},
        {DICOM_TAG_PATIENT_NAME, DICOM_VR_NONE, "Yamada^Hanako=山田^花子=やまだ^はなこ"},
    };
    assert_true(dicom_write_part10(&err, f, both, 2, &out));
    struct dicom_file *j = parse_ok(out.buf, out.len);
    char *jname = dicom_get_string(&j->dataset, DICOM_TAG_PATIENT_NAME, 0);
    assert_string_equal(jname, "Yamada^Hanako=山田^花子=やまだ^はなこ");
    free(jname);
    const struct dicom_element *raw = dicom_find(&j->dataset, DICOM_TAG_PATIENT_NAME);
    assert_memory_equal(raw->value, "Yamada^Hanako=\x1B$B;3ED\x1B(B^", 25);
    dicom_free(j);
    strbuf_release(&out);
    const struct dicom_edit ok = {DICOM_TAG_PATIENT_NAME, DICOM_VR_NONE, "Müller^Hans"};
    assert_true(dicom_write_part10(&err, f, &ok, 1, &out));
    struct dicom_file *g = parse_ok(out.buf, out.len);
    char *name = dicom_get_string(&g->dataset, DICOM_TAG_PATIENT_NAME, 0);
    assert_string_equal(name, "Müller^Hans");
    free(name);
    dicom_free(g);
    dicom_free(f);
    strbuf_release(&out);
    strbuf_release(&b);
}

static void deflated_data_set(void **state)
{
    (void)state;
    struct strbuf plain = {0};
    body(&plain, "ISO_IR 192");
    uint8_t packed[4096];
    z_stream zs = {0};
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)plain.buf;
    zs.avail_in = (uInt)plain.len;
    zs.next_out = packed;
    zs.avail_out = sizeof(packed);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t packed_len = sizeof(packed) - zs.avail_out;
    deflateEnd(&zs);
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_DEFLATED_EXPLICIT_VR_LE);
    strbuf_append(&b, (const char *)packed, packed_len);
    struct dicom_file *f = parse_ok(b.buf, b.len);
    assert_true(f->deflated);
    char *name = dicom_get_string(&f->dataset, DICOM_TAG_PATIENT_NAME, 0);
    assert_string_equal(name, "Doe^Jane");
    free(name);
    /* written back as explicit VR little endian */
    struct strbuf out = {0};
    struct error err = {0};
    assert_true(dicom_write_part10(&err, f, NULL, 0, &out));
    struct dicom_file *g = parse_ok(out.buf, out.len);
    assert_string_equal(g->transfer_syntax, DICOM_TS_EXPLICIT_VR_LE);
    assert_int_equal(g->dataset.count, f->dataset.count);
    dicom_free(g);
    strbuf_release(&out);
    /* a deflate bomb stops at the limit */
    struct dicom_limits lim = {.max_inflated = 64};
    struct dicom_file *h;
    assert_false(dicom_parse(&err, (const uint8_t *)b.buf, b.len, &lim, &h));
    assert_non_null(strstr(err.detail, "limit"));
    dicom_free(f);
    strbuf_release(&b);
    strbuf_release(&plain);
}

static void big_endian_without_meta(void **state)
{
    (void)state;
    /* (0028,0010) US 512 and (0010,0010) PN in explicit VR big endian, no preamble, no meta */
    static const uint8_t be[] = {0x00, 0x10, 0x00, 0x10, 'P',  'N', 0x00, 0x04, 'A',  '^',  'B',
                                 ' ',  0x00, 0x28, 0x00, 0x10, 'U', 'S',  0x00, 0x02, 0x02, 0x00};
    struct dicom_file *f = parse_ok((const char *)be, sizeof(be));
    assert_string_equal(f->transfer_syntax, DICOM_TS_EXPLICIT_VR_BE);
    int64_t rows;
    assert_true(dicom_get_int(&f->dataset, DICOM_TAG_ROWS, 0, &rows));
    assert_int_equal(rows, 512);
    dicom_free(f);
}

static void frames_through_the_basic_offset_table(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_JPEG_BASELINE);
    estr(&b, 0x0028, 0x0008, "IS", "2");
    eheader(&b, 0x7FE0, 0x0010, "OB", 0xFFFFFFFFu);
    item(&b, 0xE000, 8); /* Basic Offset Table: frame 1 at 0, frame 2 at 24 (after two fragments) */
    b32(&b, 0);
    b32(&b, 24);
    item(&b, 0xE000, 4);
    strbuf_append(&b, "\xFF\xD8\xAA\xBB", 4);
    item(&b, 0xE000, 4);
    strbuf_append(&b, "\xCC\xDD\xFF\xD9", 4);
    item(&b, 0xE000, 4);
    strbuf_append(&b, "\xFF\xD8\xFF\xD9", 4);
    item(&b, 0xE0DD, 0);
    struct dicom_file *f = parse_ok(b.buf, b.len);
    const struct dicom_element *px = dicom_find(&f->dataset, DICOM_TAG_PIXEL_DATA);
    assert_true(px->encapsulated);
    assert_int_equal(dicom_fragment_count(px), 3);
    assert_int_equal(px->basic_offset_table.length, 8);
    struct dicom_frame fr;
    struct error err = {0};
    assert_true(dicom_frame_locate(&err, &f->dataset, 0, &fr));
    assert_int_equal(fr.first_fragment, 0);
    assert_int_equal(fr.fragment_count, 2);
    assert_true(dicom_frame_locate(&err, &f->dataset, 1, &fr));
    assert_int_equal(fr.first_fragment, 2);
    assert_int_equal(fr.fragment_count, 1);
    assert_false(dicom_frame_locate(&err, &f->dataset, 2, &fr));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    dicom_free(f);
    strbuf_release(&b);
}

static void frames_through_the_extended_offset_table_and_markers(void **state)
{
    (void)state;
    /* three frames in four fragments; the Extended Offset Table says where each starts */
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_JPEG_BASELINE);
    estr(&b, 0x0028, 0x0008, "IS", "3");
    static const uint8_t eot[24] = {0, 0, 0, 0, 0,  0, 0, 0, 24, 0, 0, 0,
                                    0, 0, 0, 0, 36, 0, 0, 0, 0,  0, 0, 0};
    eelem(&b, 0x7FE0, 0x0001, "OV", eot, sizeof(eot));
    static const uint8_t lengths[24] = {8, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,
                                        0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0};
    eelem(&b, 0x7FE0, 0x0002, "OV", lengths, sizeof(lengths));
    eheader(&b, 0x7FE0, 0x0010, "OB", 0xFFFFFFFFu);
    item(&b, 0xE000, 0); /* empty Basic Offset Table */
    static const char *const frags[] = {"\xFF\xD8\x01\x02", "\x03\x04\xFF\xD9", "\xFF\xD8\xFF\xD9",
                                        "\xFF\xD8\xFF\xD9"};
    for (int i = 0; i < 4; i++) {
        item(&b, 0xE000, 4);
        strbuf_append(&b, frags[i], 4);
    }
    item(&b, 0xE0DD, 0);
    struct dicom_file *f = parse_ok(b.buf, b.len);
    struct dicom_frame fr;
    struct error err = {0};
    size_t want[3][2] = {{0, 2}, {2, 1}, {3, 1}};
    for (size_t i = 0; i < 3; i++) {
        assert_true(dicom_frame_locate(&err, &f->dataset, i, &fr));
        assert_int_equal(fr.first_fragment, want[i][0]);
        assert_int_equal(fr.fragment_count, want[i][1]);
    }
    dicom_free(f);
    /* without any table: the JPEG start-of-image markers tell the frames apart */
    struct strbuf c = {0};
    part10_head(&c, DICOM_TS_JPEG_BASELINE);
    estr(&c, 0x0028, 0x0008, "IS", "3");
    eheader(&c, 0x7FE0, 0x0010, "OB", 0xFFFFFFFFu);
    item(&c, 0xE000, 0);
    for (int i = 0; i < 4; i++) {
        item(&c, 0xE000, 4);
        strbuf_append(&c, frags[i], 4);
    }
    item(&c, 0xE0DD, 0);
    f = parse_ok(c.buf, c.len);
    for (size_t i = 0; i < 3; i++) {
        assert_true(dicom_frame_locate(&err, &f->dataset, i, &fr));
        assert_int_equal(fr.first_fragment, want[i][0]);
        assert_int_equal(fr.fragment_count, want[i][1]);
    }
    dicom_free(f);
    strbuf_release(&b);
    strbuf_release(&c);
}

static void native_frames(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    estr(&b, 0x0028, 0x0008, "IS", "2");
    eelem(&b, 0x0028, 0x0010, "US", "\x02\x00", 2); /* rows 2 */
    eelem(&b, 0x0028, 0x0011, "US", "\x03\x00", 2); /* columns 3 */
    eelem(&b, 0x0028, 0x0100, "US", "\x10\x00", 2); /* 16 bits */
    size_t at = b.len;
    eelem(&b, 0x7FE0, 0x0010, "OW", "abcdefghijklmnopqrstuvwx", 24);
    struct dicom_file *f = parse_ok(b.buf, b.len);
    struct dicom_frame fr;
    struct error err = {0};
    assert_true(dicom_frame_locate(&err, &f->dataset, 1, &fr));
    assert_int_equal(fr.offset, at + 12 + 12);
    assert_int_equal(fr.length, 12);
    assert_memory_equal(f->data + fr.offset, "mnopqrstuvwx", 12);
    assert_false(dicom_frame_locate(&err, &f->dataset, 2, &fr));
    dicom_free(f);
    strbuf_release(&b);
}

static const char *new_uid(void *ctx, uint32_t tag, const char *uid)
{
    int *calls = ctx;
    (*calls)++;
    if (strcmp(uid, "1.2.3.4") == 0)
        return "2.25.4";
    if (strcmp(uid, "1.2.392.200036.9999.1.1") == 0)
        return "2.25.11";
    return NULL;
}

static void uids_mapped_at_every_depth(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    body(&b, "ISO_IR 100");
    /* a defined-length sequence that refers to 1.2.3.4, and a private one that must stay */
    struct strbuf it = {0};
    estr(&it, 0x0008, 0x1150, "UI", "1.2.840.10008.5.1.4.1.1.7");
    estr(&it, 0x0008, 0x1155, "UI", "1.2.3.4");
    eheader(&b, 0x0008, 0x1140, "SQ", (uint32_t)it.len + 8);
    item(&b, 0xE000, (uint32_t)it.len);
    strbuf_append(&b, it.buf, it.len);
    eheader(&b, 0x0009, 0x1001, "SQ", (uint32_t)it.len + 8);
    item(&b, 0xE000, (uint32_t)it.len);
    strbuf_append(&b, it.buf, it.len);
    struct dicom_file *f = parse_ok(b.buf, b.len);
    int calls = 0;
    struct strbuf out = {0};
    struct error err = {0};
    assert_true(dicom_write_part10_mapped(&err, f, NULL, 0, new_uid, &calls, &out));
    assert_true(calls > 0);
    struct dicom_file *g = parse_ok(out.buf, out.len);
    assert_string_equal(g->sop_instance_uid, "2.25.11");
    char uid[65];
    assert_true(dicom_get_uid(&g->meta, DICOM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID, uid));
    assert_string_equal(uid, "2.25.11");
    const struct dicom_element *seq = dicom_find(&g->dataset, DICOM_TAG(0x0008, 0x1140));
    assert_int_equal(seq->length, DICOM_UNDEFINED_LENGTH); /* rewritten */
    assert_true(dicom_get_uid(dicom_item_at(seq, 0), DICOM_TAG(0x0008, 0x1155), uid));
    assert_string_equal(uid, "2.25.4");
    const struct dicom_element *priv = dicom_find(&g->dataset, DICOM_TAG(0x0009, 0x1001));
    assert_true(dicom_get_uid(dicom_item_at(priv, 0), DICOM_TAG(0x0008, 0x1155), uid));
    assert_string_equal(uid, "1.2.3.4"); /* private: byte for byte */
    dicom_free(g);
    dicom_free(f);
    strbuf_release(&out);
    strbuf_release(&it);
    strbuf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_uids_and_a_japanese_name),
        cmocka_unit_test(latin1_cannot_hold_kanji),
        cmocka_unit_test(deflated_data_set),
        cmocka_unit_test(big_endian_without_meta),
        cmocka_unit_test(frames_through_the_basic_offset_table),
        cmocka_unit_test(frames_through_the_extended_offset_table_and_markers),
        cmocka_unit_test(native_frames),
        cmocka_unit_test(uids_mapped_at_every_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
