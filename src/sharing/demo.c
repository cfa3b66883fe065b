/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's sharing rules (issue 17): the network office's defaults, the five examples of
 * the issue, and one rule of the team of 佐藤 一郎 (the visiting nurses hear of his medication
 * changes at once: they manage his medicines at home). Written through the module's own checks,
 * acting as the demo users. */
#include <stdio.h>

#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "sharing_int.h"

#define DAY_MS 86400000LL

static const char *const region_rules[] = {
    "{\"kind\": \"vitals_abnormal\", \"recipients\": [{\"role\": \"oncall_physician\"}, "
    "{\"role\": \"care_manager\"}], \"timing\": \"immediate\", \"note\": "
    "\"バイタル異常はオンコール医とケアマネジャーへ即時\"}",
    "{\"kind\": \"visit_record\", \"recipients\": [{\"role\": \"care_manager\"}], \"timing\": "
    "\"daily\", \"at\": \"18:00\", \"note\": \"訪問記録はケアマネジャーへ毎日18時にまとめて\"}",
    "{\"kind\": \"medication_change\", \"recipients\": [{\"role\": \"pharmacy\"}], \"timing\": "
    "\"immediate\", \"note\": \"処方・服薬の変更は薬局へ即時\"}",
    "{\"kind\": \"admission\", \"recipients\": [{\"role\": \"whole_team\"}], \"timing\": "
    "\"immediate\", \"note\": \"入院はチーム全員へ即時\"}",
    "{\"kind\": \"discharge\", \"recipients\": [{\"role\": \"whole_team\"}], \"timing\": "
    "\"immediate\", \"note\": \"退院はチーム全員へ即時\"}",
    "{\"kind\": \"death\", \"recipients\": [{\"role\": \"whole_team\"}, {\"role\": "
    "\"municipal_support\"}], \"timing\": \"immediate\", \"note\": "
    "\"死亡はチーム全員と地域包括支援センターへ\"}",
    "{\"kind\": \"end_of_care\", \"recipients\": [{\"role\": \"whole_team\"}, {\"role\": "
    "\"municipal_support\"}], \"timing\": \"immediate\", \"note\": "
    "\"在宅療養の終了はチーム全員と地域包括支援センターへ\"}",
};

static bool add(struct error *err, struct op *op, const char *text, const char *patient_id)
{
    json_t *body = json_loads(text, 0, NULL);
    struct sharing_rule r;
    const char *note = NULL;
    bool ok = body ? sharing_rule_parse(err, op, body, patient_id, &r, &note) &&
                         sharing_rule_save(err, op, &r, note, true)
                   : error_set(err, ERR_INTERNAL, "demo sharing rule: bad JSON");
    json_decref(body);
    return ok;
}

bool sharing_demo_load(struct error *err, struct op *op)
{
    int64_t load = op->now_ms;
    struct principal was = op->principal;
    demo_act(op, "jimukyoku", "minami-city", load - 30 * DAY_MS);
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof region_rules / sizeof region_rules[0]; i++)
        ok = add(err, op, region_rules[i], NULL);
    char patient[UUID_STR_LEN], vns[UUID_STR_LEN];
    demo_clinical_uuid(patient, "patient", "1");
    demo_clinical_uuid(vns, "org", "minami-vns");
    char text[512];
    snprintf(text, sizeof text,
             "{\"kind\": \"medication_change\", \"recipients\": [{\"org_id\": \"%s\"}], "
             "\"timing\": \"immediate\", \"note\": "
             "\"服薬管理は訪問看護が行うため、処方変更は訪問看護ステーションにも即時\"}",
             vns);
    if (ok) {
        demo_act(op, "aoba.tanaka", "aoba-homecare", load - 20 * DAY_MS);
        ok = add(err, op, text, patient);
    }
    op->principal = was;
    op->now_ms = load;
    return ok;
}
