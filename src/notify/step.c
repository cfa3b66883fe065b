/* SPDX-License-Identifier: Apache-2.0 */
#include "step.h"

#include <string.h>

#include "core/clock.h"

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
    if (notify_step_early(s, c) && !(c->reason && c->reason[0]))
        return error_set(err, e->too_early, "reason");
    return true;
}

/* The first instant (UTC ms) of the Asia/Tokyo calendar day of at (JST is UTC+9, no DST). */
static int64_t tokyo_day_start(int64_t at)
{
    const int64_t day = 24LL * 3600 * 1000, offset = 9LL * 3600 * 1000;
    int64_t local = at + offset;
    int64_t days = local / day - (local % day < 0);
    return days * day - offset;
}

bool notify_step_early(const struct notify_step *s, const struct notify_case *c)
{
    return s->from_appointment_day && c->appointment_at > 0 &&
           clock_now_ms() < tokyo_day_start(c->appointment_at);
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

json_t *notify_step_early_actions(struct notify_steps steps, const struct principal *p,
                                  const struct notify_case *c)
{
    json_t *actions = notify_step_actions(steps, p, c);
    json_t *out = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a)
    {
        const struct notify_step *s = notify_step_find(steps, json_string_value(a), c->variant);
        if (s && notify_step_early(s, c))
            json_array_append(out, a);
    }
    json_decref(actions);
    return out;
}
