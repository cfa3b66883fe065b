/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the DICOM upper layer as an SCP reads it — a stream of PDUs (A-ASSOCIATE-RQ,
 * P-DATA-TF with PDVs, release, abort), the DIMSE command sets inside the PDVs, and the answers
 * written from what was parsed (A-ASSOCIATE-AC, C-STORE/C-ECHO-RSP, the Part 10 wrapping). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/dimse.h"
#include "dicom/ul.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void associate(const uint8_t *body, size_t len)
{
    static struct ul_associate a;
    struct error err = {0};
    if (!ul_associate_rq_parse(&err, body, len, &a))
        return;
    for (int i = 0; i < a.context_count; i++) {
        struct ul_context *c = &a.contexts[i];
        if (c->transfer_syntax_count == 0)
            abort(); /* the parser promises one */
        c->result = i % 2 ? UL_CONTEXT_ACCEPTED : UL_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED;
        memcpy(c->accepted_transfer_syntax, c->transfer_syntaxes[0], 65);
    }
    struct strbuf out = {0};
    ul_associate_ac_write(&a, 16384, "1.2.3", "FUZZ", &out);
    strbuf_release(&out);
}

static void pdata(const uint8_t *body, size_t len)
{
    struct error err = {0};
    struct ul_pdv pdv;
    size_t pos = 0;
    while (ul_pdata_next(&err, body, len, &pos, &pdv)) {
        if (pdv.data + pdv.len > body + len)
            abort(); /* never past the PDU */
        struct strbuf out = {0};
        struct dimse_command c;
        struct error cerr = {0};
        if (pdv.command && dimse_command_parse(&cerr, pdv.data, pdv.len, &c)) {
            dimse_response_write(&c, DIMSE_SUCCESS, NULL, &out);
            struct dimse_part10_meta m = {"1.2.840.10008.1.2",
                                          c.affected_sop_class,
                                          c.affected_sop_instance,
                                          "1.2.3",
                                          "FUZZ",
                                          "AE"};
            dimse_part10_wrap(&m, pdv.data, pdv.len, &out);
        }
        strbuf_release(&out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;
    while (size - pos >= UL_PDU_HEADER_LENGTH) {
        struct error err = {0};
        enum ul_pdu_type type;
        uint32_t len;
        if (!ul_pdu_header_parse(&err, data + pos, 65536, &type, &len) ||
            len > size - pos - UL_PDU_HEADER_LENGTH)
            break;
        const uint8_t *body = data + pos + UL_PDU_HEADER_LENGTH;
        if (type == UL_PDU_ASSOCIATE_RQ)
            associate(body, len);
        else if (type == UL_PDU_P_DATA_TF)
            pdata(body, len);
        pos += UL_PDU_HEADER_LENGTH + len;
    }
    return 0;
}
