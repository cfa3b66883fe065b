/* SPDX-License-Identifier: Apache-2.0 */
/* The upper layer PDUs (dicom/ul.c) and DIMSE command sets (dicom/dimse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dicom/dimse.h"
#include "dicom/ul.h"

static void put(struct strbuf *b, const void *p, size_t n)
{
    strbuf_append(b, p, n);
}

static void item(struct strbuf *b, uint8_t type, const char *v, size_t n)
{
    uint8_t h[4] = {type, 0, (uint8_t)(n >> 8), (uint8_t)n};
    put(b, h, 4);
    put(b, v, n);
}

/* An A-ASSOCIATE-RQ body with one context (id 1: CT storage, two transfer syntaxes). */
static struct strbuf rq_body(const char *calling, uint8_t context_id)
{
    struct strbuf b = {0};
    uint8_t fixed[68] = {0, 1};
    memset(fixed + 4, ' ', 32);
    memcpy(fixed + 4, "TSUNAGU", 7);
    memcpy(fixed + 20, calling, strlen(calling));
    put(&b, fixed, sizeof fixed);
    item(&b, 0x10, UL_APPLICATION_CONTEXT, strlen(UL_APPLICATION_CONTEXT));
    struct strbuf pc = {0};
    uint8_t head[4] = {context_id, 0, 0, 0};
    put(&pc, head, 4);
    item(&pc, 0x30, "1.2.840.10008.5.1.4.1.1.2", 25);
    item(&pc, 0x40, "1.2.840.10008.1.2.1", 19);
    item(&pc, 0x40, "1.2.840.10008.1.2\0", 18); /* a trailing NUL is tolerated */
    item(&b, 0x20, pc.buf, pc.len);
    strbuf_release(&pc);
    struct strbuf ui = {0};
    item(&ui, 0x51, "\x00\x00\x40\x00", 4);
    item(&ui, 0x52, "1.2.3.4", 7);
    item(&ui, 0x55, "TESTSCU", 7);
    item(&b, 0x50, ui.buf, ui.len);
    strbuf_release(&ui);
    return b;
}

static void associate_rq_parses(void **state)
{
    (void)state;
    struct strbuf b = rq_body("  MODALITY1 ", 1);
    static struct ul_associate a;
    struct error err = {0};
    assert_true(ul_associate_rq_parse(&err, (const uint8_t *)b.buf, b.len, &a));
    assert_string_equal(a.called_ae, "TSUNAGU");
    assert_string_equal(a.calling_ae, "MODALITY1");
    assert_int_equal(a.context_count, 1);
    assert_int_equal(a.contexts[0].transfer_syntax_count, 2);
    assert_string_equal(a.contexts[0].transfer_syntaxes[1], "1.2.840.10008.1.2");
    assert_int_equal(a.max_pdu_length, 16384);
    assert_string_equal(a.implementation_version, "TESTSCU");
    /* the AC echoes the AE titles and answers the context */
    a.contexts[0].result = UL_CONTEXT_ACCEPTED;
    strcpy(a.contexts[0].accepted_transfer_syntax, "1.2.840.10008.1.2.1");
    struct strbuf ac = {0};
    ul_associate_ac_write(&a, 65536, "1.2.3", "X", &ac);
    assert_int_equal((uint8_t)ac.buf[0], UL_PDU_ASSOCIATE_AC);
    enum ul_pdu_type type;
    uint32_t len;
    assert_true(ul_pdu_header_parse(&err, (const uint8_t *)ac.buf, 1 << 20, &type, &len));
    assert_int_equal(len, ac.len - 6);
    assert_memory_equal(ac.buf + 6 + 20, "MODALITY1       ", 16);
    strbuf_release(&ac);
    strbuf_release(&b);
}

static void every_truncation_is_refused(void **state)
{
    (void)state;
    struct strbuf b = rq_body("SCU", 1);
    static struct ul_associate a;
    for (size_t n = 0; n < b.len; n++) {
        struct error err = {0};
        /* a cut inside an item is an error; a cut between items may still be a valid RQ only
         * when what remains has an application context and a presentation context */
        bool ok = ul_associate_rq_parse(&err, (const uint8_t *)b.buf, n, &a);
        assert_true(ok == false || n >= 68);
        if (!ok)
            assert_int_equal(err.code, ERR_DICOM_INVALID);
    }
    strbuf_release(&b);
}

static void bad_contexts_are_refused(void **state)
{
    (void)state;
    static struct ul_associate a;
    struct error err = {0};
    struct strbuf even = rq_body("SCU", 2);
    assert_false(ul_associate_rq_parse(&err, (const uint8_t *)even.buf, even.len, &a));
    assert_non_null(strstr(err.detail, "even"));
    strbuf_release(&even);
    struct error err2 = {0};
    struct strbuf empty = rq_body("", 1);
    assert_false(ul_associate_rq_parse(&err2, (const uint8_t *)empty.buf, empty.len, &a));
    assert_non_null(strstr(err2.detail, "calling AE"));
    strbuf_release(&empty);
}

static void pdu_header_limits(void **state)
{
    (void)state;
    enum ul_pdu_type type;
    uint32_t len;
    struct error err = {0};
    const uint8_t huge[6] = {4, 0, 0xFF, 0xFF, 0xFF, 0xF0};
    assert_false(ul_pdu_header_parse(&err, huge, 1 << 20, &type, &len));
    struct error err2 = {0};
    const uint8_t unknown[6] = {8, 0, 0, 0, 0, 4};
    assert_false(ul_pdu_header_parse(&err2, unknown, 1 << 20, &type, &len));
    struct error err3 = {0};
    const uint8_t short_release[6] = {5, 0, 0, 0, 0, 2};
    assert_false(ul_pdu_header_parse(&err3, short_release, 1 << 20, &type, &len));
}

static void pdvs_iterate_and_lies_stop(void **state)
{
    (void)state;
    struct strbuf p = {0};
    ul_pdata_write(&p, 1, true, true, (const uint8_t *)"abcd", 4);
    const uint8_t *body = (const uint8_t *)p.buf + 6;
    size_t len = p.len - 6, pos = 0;
    struct ul_pdv v;
    struct error err = {0};
    assert_true(ul_pdata_next(&err, body, len, &pos, &v));
    assert_true(v.command && v.last && v.context_id == 1 && v.len == 4);
    assert_memory_equal(v.data, "abcd", 4);
    assert_false(ul_pdata_next(&err, body, len, &pos, &v));
    assert_int_equal(err.code, ERR_NONE);
    p.buf[6 + 3] = 100; /* the PDV claims more than the PDU holds */
    pos = 0;
    assert_false(ul_pdata_next(&err, body, len, &pos, &v));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    strbuf_release(&p);
}

static void command_round_trip(void **state)
{
    (void)state;
    struct dimse_command rq = {.command_field = DIMSE_C_STORE_RQ, .message_id = 42};
    strcpy(rq.affected_sop_class, "1.2.840.10008.5.1.4.1.1.2");
    strcpy(rq.affected_sop_instance, "2.25.12345");
    struct strbuf rsp = {0};
    dimse_response_write(&rq, 0xC000, "cannot read it", &rsp);
    struct dimse_command back;
    struct error err = {0};
    assert_true(dimse_command_parse(&err, (const uint8_t *)rsp.buf, rsp.len, &back));
    assert_int_equal(back.command_field, DIMSE_C_STORE_RSP);
    assert_int_equal(back.message_id_responded, 42);
    assert_int_equal(back.status, 0xC000);
    assert_int_equal(back.data_set_type, DIMSE_NO_DATA_SET);
    assert_string_equal(back.affected_sop_instance, "2.25.12345");
    /* every truncation of it is refused or still complete, never read past */
    for (size_t n = 0; n < rsp.len; n++) {
        struct error e = {0};
        struct dimse_command c;
        assert_false(dimse_command_parse(&e, (const uint8_t *)rsp.buf, n, &c));
    }
    strbuf_release(&rsp);
}

static void part10_wrap_has_file_meta(void **state)
{
    (void)state;
    struct dimse_part10_meta m = {"1.2.840.10008.1.2", "1.2.3", "1.2.3.4", "1.9", "V1", "AE1"};
    struct strbuf out = {0};
    dimse_part10_wrap(&m, (const uint8_t *)"\x10\x00\x20\x00\x02\x00\x00\x00X ", 10, &out);
    assert_memory_equal(out.buf + 128, "DICM", 4);
    uint32_t group = (uint8_t)out.buf[140] | (uint8_t)out.buf[141] << 8;
    assert_int_equal(out.len, 144 + group + 10);
    assert_int_equal(group % 2, 0);
    assert_memory_equal(out.buf + out.len - 10, "\x10\x00\x20\x00", 4);
    strbuf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(associate_rq_parses),        cmocka_unit_test(every_truncation_is_refused),
        cmocka_unit_test(bad_contexts_are_refused),   cmocka_unit_test(pdu_header_limits),
        cmocka_unit_test(pdvs_iterate_and_lies_stop), cmocka_unit_test(command_round_trip),
        cmocka_unit_test(part10_wrap_has_file_meta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
