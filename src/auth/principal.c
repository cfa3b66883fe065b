/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "core/text.h"

static const char sql_user[] =
    "SELECT login, name, profession, network_admin, disabled FROM users WHERE id = ?";
static const char sql_membership[] =
    "SELECT m.org_id, m.role, m.pending IS NOT NULL FROM memberships m "
    "JOIN orgs o ON o.id = m.org_id "
    "WHERE m.user_id = ? ORDER BY (m.org_id = ?) DESC, m.created_at, o.code LIMIT 1";

bool auth_principal_load(struct error *err, struct store_conn *conn, const char *user_id_in,
                         const char *org_id_in, struct principal *out)
{
    /* Callers pass out->user_id (session fallback): copy before out is overwritten. */
    char user_id[UUID_STR_LEN], org_id[UUID_STR_LEN];
    text_copy(user_id, sizeof(user_id), user_id_in);
    text_copy(org_id, sizeof(org_id), org_id_in);
    struct store_stmt *s = store_query(err, conn, sql_user, "t", user_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW || store_int(s, 4)) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_UNAUTHENTICATED, "user unavailable");
    }
    text_copy(out->user_id, sizeof(out->user_id), user_id);
    text_copy(out->login, sizeof(out->login), store_text(s, 0));
    text_copy(out->name, sizeof(out->name), store_text(s, 1));
    text_copy(out->profession, sizeof(out->profession), store_text(s, 2));
    out->network_admin = store_int(s, 3) != 0;
    store_done(s);

    out->org_id[0] = out->org_role[0] = '\0';
    out->pending = false;
    s = store_query(err, conn, sql_membership, "tt", user_id, org_id);
    if (!s)
        return false;
    r = store_step(err, s);
    if (r == STORE_ROW) {
        text_copy(out->org_id, sizeof(out->org_id), store_text(s, 0));
        text_copy(out->org_role, sizeof(out->org_role), store_text(s, 1));
        out->pending = store_int(s, 2) != 0;
    }
    store_done(s);
    return r != STORE_FAIL;
}

static const char sql_required[] =
    "SELECT (SELECT COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id "
    "        WHERE m.user_id = ? AND o.totp_required = 1),"
    "       (SELECT value FROM policy WHERE key = 'totp_professions')";

bool auth_totp_required(struct error *err, struct store_conn *conn, const char *user_id,
                        const char *profession, bool *required)
{
    struct store_stmt *s = store_query(err, conn, sql_required, "t", user_id);
    if (!s)
        return false;
    *required = false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        const char *list = store_text(s, 1);
        *required = store_int(s, 0) > 0;
        if (list && profession && *profession) {
            /* the policy value is a comma-separated list of profession codes */
            size_t n = strlen(profession);
            for (const char *p = list; *p;) {
                const char *end = strchr(p, ',');
                size_t len = end ? (size_t)(end - p) : strlen(p);
                if (len == n && strncmp(p, profession, n) == 0)
                    *required = true;
                p += len + (end ? 1 : 0);
            }
        }
    }
    store_done(s);
    return r != STORE_FAIL;
}
