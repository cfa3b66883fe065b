/* SPDX-License-Identifier: Apache-2.0 */
/* The parser's limit cases: lying lengths, deep nesting, truncation at every byte, UIDs, the
 * ISO 2022 IR 87 person name; and the ordinary paths (Part 10, sequences, fragments, frames). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/dicom.h"
#include "dicom_build.h"

static struct dicom_file *parse_ok(const struct strbuf *b)
{
    struct error err = {0};
    struct dicom_file *f = NULL;
    if (!dicom_parse(&err, (const uint8_t *)b->buf, b->len, NULL, &f))
        fail_msg("parse failed: %s", err.detail);
    return f;
}

static void parse_fails(const struct strbuf *b, const struct dicom_limits *lim, const char *want)
{
    struct error err = {0};
    struct dicom_file *f = (struct dicom_file *)1;
    assert_false(dicom_parse(&err, (const uint8_t *)b->buf, b->len, lim, &f));
    assert_null(f);
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    if (!strstr(err.detail, want))
        fail_msg("detail \"%s\" lacks \"%s\"", err.detail, want);
}

/* A small explicit VR LE file: strings, numbers, a sequence, a private tag. */
static void small_file(struct strbuf *b)
{
    part10_head(b, DICOM_TS_EXPLICIT_VR_LE);
    estr(b, 0x0008, 0x0005, "CS", "ISO_IR 100");
    estr(b, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7");
    estr(b, 0x0008, 0x0018, "UI", "1.2.392.200036.9999.1.1");
    estr(b, 0x0008, 0x0060, "CS", "OT");
    eheader(b, 0x0008, 0x1140, "SQ", 0xFFFFFFFFu);
    item(b, 0xE000, 0xFFFFFFFFu);
    estr(b, 0x0008, 0x1155, "UI", "1.2.3.4");
    item(b, 0xE00D, 0);
    item(b, 0xE0DD, 0);
    estr(b, 0x0010, 0x0010, "PN", "M\xfcller^Hans");
    estr(b, 0x0010, 0x0020, "LO", "P-0001");
    estr(b, 0x0011, 0x0010, "LO", "TSUNAGU TEST");
    eelem(b, 0x0011, 0x1001, "OB", "\x01\x02\x03\x04", 4);
    estr(b, 0x0018, 0x0050, "DS", "2.5\\-1e2");
    estr(b, 0x0020, 0x0013, "IS", " 42");
    eelem(b, 0x0028, 0x0010, "US", "\x00\x02", 2);
}

static void reads_a_small_file(void **state)
{
    (void)state;
    struct strbuf b = {0};
    small_file(&b);
    struct dicom_file *f = parse_ok(&b);
    assert_true(f->has_preamble);
    assert_string_equal(f->transfer_syntax, DICOM_TS_EXPLICIT_VR_LE);
    assert_string_equal(f->sop_instance_uid, "1.2.392.200036.9999.1.1");
    assert_string_equal(f->charset, "ISO_IR 100");
    char *name = dicom_get_string(&f->dataset, DICOM_TAG_PATIENT_NAME, 0);
    assert_string_equal(name, "Müller^Hans");
    free(name);
    int64_t rows;
    assert_true(dicom_get_int(&f->dataset, DICOM_TAG_ROWS, 0, &rows));
    assert_int_equal(rows, 512);
    int64_t instance;
    assert_true(dicom_get_int(&f->dataset, DICOM_TAG_INSTANCE_NUMBER, 0, &instance));
    assert_int_equal(instance, 42);
    double thickness;
    assert_true(dicom_get_double(&f->dataset, DICOM_TAG(0x0018, 0x0050), 1, &thickness));
    assert_true(thickness == -100.0);
    assert_false(dicom_get_double(&f->dataset, DICOM_TAG(0x0018, 0x0050), 2, &thickness));
    const struct dicom_element *seq = dicom_find(&f->dataset, DICOM_TAG(0x0008, 0x1140));
    assert_int_equal(dicom_item_count(seq), 1);
    char uid[65];
    assert_true(dicom_get_uid(dicom_item_at(seq, 0), DICOM_TAG(0x0008, 0x1155), uid));
    assert_string_equal(uid, "1.2.3.4");
    assert_ptr_equal(dicom_item_at(seq, 0)->parent, seq);
    assert_ptr_equal(dicom_item_at(seq, 0)->parent_dataset, &f->dataset);
    assert_string_equal(dicom_item_at(seq, 0)->charset, "ISO_IR 100"); /* inherited */
    const struct dicom_element *priv = dicom_find(&f->dataset, DICOM_TAG(0x0011, 0x1001));
    assert_int_equal(priv->vr, DICOM_VR_OB);
    assert_memory_equal(priv->value, "\x01\x02\x03\x04", 4);
    assert_ptr_equal(priv->value, (const uint8_t *)b.buf + priv->value_offset); /* no copy */
    dicom_free(f);
    strbuf_release(&b);
}

static void huge_length_fails_with_offset_and_tag(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    estr(&b, 0x0008, 0x0060, "CS", "OT");
    size_t at = b.len;
    eheader(&b, 0x0010, 0x0010, "UT", 0xFFFFFFF0u); /* UT: a 32-bit length */
    strbuf_append(&b, "Yamada", 6);
    char want[128];
    snprintf(want, sizeof(want),
             "offset %zu, tag (0010,0010): length 4294967280 exceeds the 6 "
             "bytes left",
             at);
    parse_fails(&b, NULL, want);
    strbuf_release(&b);
    /* the same in implicit VR, inside a sequence item */
    struct strbuf c = {0};
    part10_head(&c, DICOM_TS_IMPLICIT_VR_LE);
    b16(&c, 0x0008);
    b16(&c, 0x1140);
    b32(&c, 0xFFFFFFFFu);
    item(&c, 0xE000, 0xFFFFFFF0u);
    parse_fails(&c, NULL, "length 4294967280 exceeds");
    strbuf_release(&c);
}

static void deep_nesting_fails(void **state)
{
    (void)state;
    for (int defined = 0; defined < 2; defined++) {
        struct strbuf b = {0};
        part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
        enum { DEPTH = 10000 };
        if (!defined) {
            for (int i = 0; i < DEPTH; i++) {
                eheader(&b, 0x0040, 0xA730, "SQ", 0xFFFFFFFFu);
                item(&b, 0xE000, 0xFFFFFFFFu);
            }
            for (int i = 0; i < DEPTH; i++) {
                item(&b, 0xE00D, 0);
                item(&b, 0xE0DD, 0);
            }
        } else {
            /* defined lengths: each level 20 bytes longer than the one inside */
            size_t head = b.len;
            struct strbuf in = {0};
            for (int i = 0; i < DEPTH; i++) {
                struct strbuf out = {0};
                eheader(&out, 0x0040, 0xA730, "SQ", (uint32_t)(in.len + 8));
                item(&out, 0xE000, (uint32_t)in.len);
                strbuf_append(&out, in.buf ? in.buf : "", in.len);
                strbuf_release(&in);
                in = out;
            }
            assert_int_equal(b.len, head);
            strbuf_append(&b, in.buf, in.len);
            strbuf_release(&in);
        }
        parse_fails(&b, NULL, "nested deeper than 64");
        struct dicom_limits lim = {.max_depth = 20000, .max_elements = 600};
        parse_fails(&b, &lim, "more than 600 elements"); /* at depth 300 */
        lim.max_elements = 0;
        parse_fails(&b, &lim, "nested deeper than 512"); /* the cap */
        strbuf_release(&b);
    }
}

/* Cut the small file at every byte: each cut fails cleanly (ASan watches the reads), except
 * cuts at an element boundary of the top level, which leave a shorter valid file. */
static void truncation_at_every_byte(void **state)
{
    (void)state;
    struct strbuf b = {0};
    small_file(&b);
    struct dicom_file *whole = parse_ok(&b);
    size_t ok = 0;
    for (size_t cut = 0; cut < b.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees any over-read */
        memcpy(copy, b.buf, cut);
        struct error err = {0};
        struct dicom_file *f;
        if (dicom_parse(&err, copy, cut, NULL, &f)) {
            bool boundary = false;
            for (size_t i = 0; i < whole->dataset.count; i++)
                boundary |= whole->dataset.elements[i].offset == cut;
            if (!boundary)
                fail_msg("a cut at %zu parsed", cut);
            ok++;
            dicom_free(f);
        } else {
            assert_int_equal(err.code, ERR_DICOM_INVALID);
            assert_non_null(strstr(err.detail, "offset"));
        }
        free(copy);
    }
    assert_true(ok >= 8);
    dicom_free(whole);
    strbuf_release(&b);
}

/* A known sequence sent as UN (explicit VR): its items when they parse, its bytes otherwise. */
static void un_of_a_sequence_tag(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    struct strbuf items = {0};
    item(&items, 0xE000, 16);
    b16(&items, 0x0008);
    b16(&items, 0x1155);
    b32(&items, 8);
    strbuf_append(&items, "1.2.3.4\0", 8);
    eelem(&b, 0x0008, 0x1140, "UN", items.buf, items.len);
    eelem(&b, 0x0008, 0x1199, "UN", "not items", 10); /* ReferencedSOPSequence, garbage */
    struct dicom_file *f = parse_ok(&b);
    const struct dicom_element *seq = dicom_find(&f->dataset, DICOM_TAG(0x0008, 0x1140));
    assert_int_equal(seq->vr, DICOM_VR_SQ);
    char uid[65];
    assert_true(dicom_get_uid(dicom_item_at(seq, 0), DICOM_TAG(0x0008, 0x1155), uid));
    assert_string_equal(uid, "1.2.3.4");
    const struct dicom_element *junk = dicom_find(&f->dataset, DICOM_TAG(0x0008, 0x1199));
    assert_int_equal(junk->vr, DICOM_VR_UN);
    assert_int_equal(junk->value_length, 10);
    dicom_free(f);
    strbuf_release(&items);
    strbuf_release(&b);
}

static void uids_with_illegal_characters(void **state)
{
    (void)state;
    assert_true(dicom_uid_valid("1.2.840.10008.1.2"));
    assert_true(dicom_uid_valid("0.1"));
    assert_false(dicom_uid_valid(""));
    assert_false(dicom_uid_valid("1.2.3a"));
    assert_false(dicom_uid_valid("1..2"));
    assert_false(dicom_uid_valid("1.2."));
    assert_false(dicom_uid_valid(".1.2"));
    assert_false(dicom_uid_valid("1.02"));
    assert_false(dicom_uid_valid("1.2 "));
    assert_false(dicom_uid_valid("1.2.3<script>"));
    assert_false(
        dicom_uid_valid("1.2345678901234567890123456789012345678901234567890123456789012345"));
    /* a UID with a stray character parses (it is data), and the helper tells */
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    estr(&b, 0x0020, 0x000D, "UI", "1.2.3.x");
    struct dicom_file *f = parse_ok(&b);
    char uid[65];
    assert_true(dicom_get_uid(&f->dataset, DICOM_TAG_STUDY_INSTANCE_UID, uid));
    assert_false(dicom_uid_valid(uid));
    dicom_free(f);
    strbuf_release(&b);
}

#define JIS_YAMADA "\x1B\x24\x42\x3B\x33\x45\x44\x1B\x28\x42"
#define JIS_HANAKO "\x1B\x24\x42\x32\x56\x3B\x52\x1B\x28\x42"
#define JIS_YAMADA_KANA "\x1B\x24\x42\x24\x64\x24\x5E\x24\x40\x1B\x28\x42"
#define JIS_HANAKO_KANA "\x1B\x24\x42\x24\x4F\x24\x4A\x24\x33\x1B\x28\x42"

static void yamada_hanako_in_iso_2022_ir_87(void **state)
{
    (void)state;
    struct strbuf b = {0};
    part10_head(&b, DICOM_TS_EXPLICIT_VR_LE);
    estr(&b, 0x0008, 0x0005, "CS", "\\ISO 2022 IR 87");
    estr(&b, 0x0010, 0x0010, "PN",
         "Yamada^Hanako=" JIS_YAMADA "^" JIS_HANAKO "=" JIS_YAMADA_KANA "^" JIS_HANAKO_KANA);
    struct dicom_file *f = parse_ok(&b);
    char *name = dicom_get_string(&f->dataset, DICOM_TAG_PATIENT_NAME, 0);
    assert_string_equal(name, "Yamada^Hanako=山田^花子=やまだ^はなこ");
    free(name);
    struct strbuf json = {0};
    struct error err = {0};
    assert_true(dicom_to_json(&err, &f->dataset, NULL, &json));
    assert_non_null(strstr(json.buf, "{\"Alphabetic\":\"Yamada^Hanako\",\"Ideographic\":"
                                     "\"山田^花子\",\"Phonetic\":\"やまだ^はなこ\"}"));
    strbuf_release(&json);
    dicom_free(f);
    strbuf_release(&b);
    /* ISO 2022 IR 13 as value 1: half-width katakana in G1 */
    struct strbuf c = {0};
    part10_head(&c, DICOM_TS_EXPLICIT_VR_LE);
    estr(&c, 0x0008, 0x0005, "CS", "ISO 2022 IR 13\\ISO 2022 IR 87");
    estr(&c, 0x0010, 0x0010, "PN", "\xD4\xCF\xC0\xDE^\xCA\xC5\xBA=" JIS_YAMADA "^" JIS_HANAKO);
    f = parse_ok(&c);
    name = dicom_get_string(&f->dataset, DICOM_TAG_PATIENT_NAME, 0);
    assert_string_equal(name, "ﾔﾏﾀﾞ^ﾊﾅｺ=山田^花子");
    free(name);
    dicom_free(f);
    strbuf_release(&c);
}

static void *decode_in_thread(void *arg)
{
    struct strbuf *out = arg;
    static const uint8_t name[] = "Yamada^Hanako=" JIS_YAMADA "^" JIS_HANAKO;
    dicom_charset_decode("\\ISO 2022 IR 87", DICOM_VR_PN, name, sizeof(name) - 1, out);
    dicom_charset_decode("ISO_IR 100", DICOM_VR_PN, (const uint8_t *)"M\xfcller", 7, out);
    return NULL;
}

/* Each thread keeps its own converters and closes them when it ends (LeakSanitizer checks). */
static void charset_in_threads(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        struct strbuf out = {0};
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, decode_in_thread, &out), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
        assert_string_equal(out.buf, "Yamada^Hanako=山田^花子Müller");
        strbuf_release(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_a_small_file),
        cmocka_unit_test(huge_length_fails_with_offset_and_tag),
        cmocka_unit_test(deep_nesting_fails),
        cmocka_unit_test(truncation_at_every_byte),
        cmocka_unit_test(un_of_a_sequence_tag),
        cmocka_unit_test(uids_with_illegal_characters),
        cmocka_unit_test(yamada_hanako_in_iso_2022_ir_87),
        cmocka_unit_test(charset_in_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
