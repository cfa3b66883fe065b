/* SPDX-License-Identifier: Apache-2.0 */
/* The write matrix: who may write which kind of clinical record (write_rules.def). */
#include <string.h>

#include "access.h"
#include "core/text.h"

const struct access_write_rule access_write_rules[] = {
#define RULE(kind, code, ja, en, professions) {kind, code, ja, en, professions},
#include "access/write_rules.def"
#undef RULE
};

bool access_may_write_kind(const struct principal *p, enum access_record_kind kind)
{
    return kind >= 0 && kind < RECORD_KIND_COUNT && !p->network_admin &&
           text_word_listed(access_write_rules[kind].professions, p->profession);
}
