/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: a line of the audit log as the indexer and `audit verify` read it
 * (src/audit/line.c). A line that parses is written again and must read back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_int.h"
#include "core/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct audit_line a, b;
    if (!audit_line_parse((const char *)data, size, &a))
        return 0;
    struct audit_stamp st = {.seq = a.seq};
    if (strlen(a.time) >= sizeof(st.time) || strlen(a.prev) >= sizeof(st.prev) ||
        strlen(a.hash) >= sizeof(st.hash)) {
        audit_line_free(&a);
        return 0; /* a stamp holds only what the writer makes */
    }
    strcpy(st.time, a.time);
    strcpy(st.prev, a.prev);
    strcpy(st.hash, a.hash);
    struct strbuf sb = {0};
    audit_line_format(&sb, &a.rec, &st, a.txn);
    if (!audit_line_parse(sb.buf, sb.len - 1, &b)) /* without its newline */
        abort();
    const struct audit_record *x = &a.rec, *y = &b.rec;
    if (a.seq != b.seq || a.txn != b.txn || !same(a.time, b.time) || !same(a.prev, b.prev) ||
        !same(a.hash, b.hash) || x->action != y->action || x->outcome != y->outcome ||
        !same(x->event_id, y->event_id) || !same(x->user_id, y->user_id) ||
        !same(x->user_login, y->user_login) || !same(x->org_id, y->org_id) ||
        !same(x->client, y->client) || !same(x->patient_id, y->patient_id) ||
        !same(x->object_type, y->object_type) || !same(x->object_id, y->object_id) ||
        !same(x->request_id, y->request_id) || !same(x->detail, y->detail))
        abort();
    audit_line_free(&a);
    audit_line_free(&b);
    strbuf_release(&sb);
    return 0;
}
