/* SPDX-License-Identifier: Apache-2.0 */
#include "step.h"

#include <string.h>

static const struct notify_step *row(struct notify_steps steps, size_t i)
{
    return (const struct notify_step *)((const char *)steps.rows + i * steps.stride);
}

static bool listed(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool for_variant(const struct notify_step *s, const char *variant)
{
    return !variant || !s->variant || strcmp(s->variant, variant) == 0;
}

static bool of_party(const struct notify_step *s, const struct principal *p,
                     const struct notify_case *c)
{
    bool opener = strcmp(p->org_id, c->opener_org) == 0;
    bool receiver = strcmp(p->org_id, c->receiver_org) == 0;
    return ((s->party & NOTIFY_OPENER) && opener) || ((s->party & NOTIFY_RECEIVER) && receiver);
}

const struct notify_step *notify_step_find(struct notify_steps steps, const char *action,
                                           const char *variant)
{
    for (size_t i = 0; i < steps.count; i++)
        if (strcmp(row(steps, i)->action, action) == 0 && for_variant(row(steps, i), variant))
            return row(steps, i);
    return NULL;
}

bool notify_step_check(struct error *err, const struct notify_step *s, const struct principal *p,
                       const struct notify_case *c, const struct notify_step_errors *e)
{
    if (!of_party(s, p, c))
        return error_set(err, e->wrong_party, "%s: %s only", s->action,
                         s->party == NOTIFY_OPENER ? e->opener : e->receiver);
    if (s->may && !s->may(p))
        return error_set(err, e->not_allowed, "%s", p->profession);
    if (!listed(s->from, c->status))
        return error_set(err, e->wrong_state, "%s→%s", c->status, s->action);
    return true;
}

json_t *notify_step_actions(struct notify_steps steps, const struct principal *p,
                            const struct notify_case *c)
{
    json_t *out = json_array();
    for (size_t i = 0; i < steps.count && !p->network_admin; i++) {
        const struct notify_step *s = row(steps, i);
        if (for_variant(s, c->variant) && listed(s->from, c->status) && of_party(s, p, c) &&
            (!s->may || s->may(p)))
            json_array_append_new(out, json_string(s->action));
    }
    return out;
}
