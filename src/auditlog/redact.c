/* SPDX-License-Identifier: Apache-2.0 */
/* The audit view for the network office: the details of records with the patient data hidden. */
#include <string.h>

#include "auditlog_int.h"
#include "core/strbuf.h"

/* ---- what the network office sees --------------------------------------------------------
 * The office reviews the whole region's audit without reading patient data: in a record's
 * detail, search terms (names, kana, birth dates, FHIR query values) and free text (an emergency
 * access's reason, a review's comment) are hidden. An organisation's administrators see them. */

static const char HIDDEN[] = "…";

/* A FHIR query as audited ("name=%E5%B1%B1&birthdate=1941-04-12"), its values hidden; an
 * "emergency access <grant>; " prefix is kept. */
static const char *hide_query_values(struct request *req, const char *detail)
{
    struct strbuf sb = {0};
    const char *q = detail, *semi = strstr(detail, "; ");
    if (strncmp(detail, "emergency access ", 17) == 0 && semi) {
        strbuf_append(&sb, detail, (size_t)(semi + 2 - detail));
        q = semi + 2;
    }
    while (*q) {
        size_t pair = strcspn(q, "&"), key = strcspn(q, "=&");
        strbuf_append(&sb, q, key);
        if (key < pair)
            strbuf_printf(&sb, "=%s", HIDDEN);
        q += pair;
        if (*q == '&')
            strbuf_puts(&sb, "&"), q++;
    }
    const char *out = arena_strdup(req->op.arena, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    return out;
}

const char *auditlog_detail_redacted(struct request *req, const char *event, const char *detail)
{
    if (!detail)
        return NULL;
    if (strcmp(event, "emergency_search") == 0) { /* keep only how many were found */
        const char *results = strstr(detail, "results=");
        return arena_printf(req->op.arena, "emergency search name=%s name_kana=%s birth_date=%s %s",
                            HIDDEN, HIDDEN, HIDDEN, results ? results : "");
    }
    if (strncmp(event, "fhir_", 5) == 0 && strchr(detail, '='))
        return hide_query_values(req, detail);
    if (strcmp(event, "emergency.start") == 0 || strcmp(event, "emergency.reuse") == 0 ||
        strcmp(event, "emergency.review") == 0) { /* "…: <reason or comment>" */
        const char *colon = strstr(detail, ": ");
        return colon
                   ? arena_printf(req->op.arena, "%.*s: %s", (int)(colon - detail), detail, HIDDEN)
                   : detail;
    }
    return detail;
}

bool auditlog_detail_emergency(const char *detail)
{
    return detail && strncmp(detail, "emergency access ", 17) == 0;
}
