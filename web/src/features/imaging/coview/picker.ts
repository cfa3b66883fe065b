// SPDX-License-Identifier: Apache-2.0
// Whom to invite to a consultation: the patient's care team (GET /api/patients/{id}/team, through
// the access rule), each member named by a consent in force, as a person or as a whole
// organisation. The server checks the access rule again for the one invited (422 otherwise).
import { api, errorMessage, seg } from '../../../api';
import { h, option, replace } from '../../../dom';
import { t } from '../../../i18n';
import { currentMe } from '../../../session';
import { coviewApi } from './api';

interface TeamMember {
  org_id: string;
  org_name: string;
  user_id: string | null;
  user_name: string | null;
  consent_in_force: boolean;
}

/** The choices: value "org|user" (user empty for the whole organisation) and a label. */
async function choices(patientId: string): Promise<[string, string][]> {
  const team = await api.get<{ items: TeamMember[] }>(`/api/patients/${seg(patientId)}/team`);
  const me = currentMe()?.user.id;
  const out = new Map<string, string>();
  for (const m of team.items.filter((x) => x.consent_in_force)) {
    if (m.user_id && m.user_id !== me) out.set(`${m.org_id}|${m.user_id}`, t('coview.invitee_person', { name: m.user_name ?? '', org: m.org_name }));
  }
  for (const m of team.items.filter((x) => x.consent_in_force)) {
    out.set(`${m.org_id}|`, t('coview.invitee_org', { org: m.org_name }));
  }
  return [...out.entries()];
}

/** The invitation form of session sid about patientId. */
export function invitePicker(sid: string, patientId: string): HTMLElement {
  const select = h('select', { testid: 'coview-invitee', 'aria-label': t('coview.invitee') });
  const result = h('p', { class: 'coview-invite-result', testid: 'coview-invite-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'secondary', testid: 'coview-invite', disabled: true }, t('coview.invite'));
  const form = h('form', { class: 'coview-invite-form' }, select, button, result);
  choices(patientId)
    .then((list) => {
      if (list.length === 0) {
        replace(result, t('coview.invitee_none'));
        return;
      }
      replace(select, option('', t('coview.invitee_choose')), ...list.map(([value, label]) => option(value, label)));
      button.disabled = false;
    })
    .catch((error) => replace(result, errorMessage(error)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [org, user] = select.value.split('|');
    if (!org) return;
    button.disabled = true;
    coviewApi
      .invite(sid, org, user || null)
      .then(() => replace(result, t('coview.invited', { who: select.selectedOptions[0]?.textContent ?? '' })))
      .catch((error) => replace(result, errorMessage(error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return form;
}
