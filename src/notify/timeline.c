/* SPDX-License-Identifier: Apache-2.0 */
/* The timelines of cases (case_events, migration 010). */
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "notify.h"

bool notify_timeline_append(struct error *err, struct op *op, const struct access_case_kind *kind,
                            const char *case_id, const char *event, const json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    const struct principal *p = &op->principal;
    bool ok = op_write_begin(err, op) &&
              store_exec(err, op->conn, NULL,
                         "INSERT INTO case_events (case_kind, case_id, kind, at, user_id, org_id, "
                         "detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         "tttittt", kind->name, case_id, event, op->now_ms,
                         p->user_id[0] ? p->user_id : NULL, p->org_id[0] ? p->org_id : NULL, text);
    free(text);
    return ok;
}
static json_t *event_row(struct store_stmt *s)
{
    json_t *detail = json_loads(store_text(s, 6), 0, NULL);
    return json_pack("{s:s, s:o, s:o, s:o, s:o}", "kind", store_text(s, 0), "at",
                     api_time_or_null(s, 1), "user", api_id_name(s, 2, 3), "org",
                     api_id_name(s, 4, 5), "detail", detail ? detail : json_object());
}

json_t *notify_timeline(struct error *err, struct store_conn *conn,
                        const struct access_case_kind *kind, const char *case_id)
{
    return api_rows(err,
                    store_query(err, conn,
                                "SELECT e.kind, e.at, e.user_id, u.name, e.org_id, o.name, "
                                "e.detail FROM case_events e "
                                "LEFT JOIN users u ON u.id = e.user_id "
                                "LEFT JOIN orgs o ON o.id = e.org_id "
                                "WHERE e.case_kind = ? AND e.case_id = ? ORDER BY e.at, e.id",
                                "tt", kind->name, case_id),
                    event_row);
}
