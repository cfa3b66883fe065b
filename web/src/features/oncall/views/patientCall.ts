// SPDX-License-Identifier: Apache-2.0
// The patient page's 連絡先 tab: 今すぐ連絡する先 — for every organisation of the care team with
// consent, its phone and who is on call now (primary and backup), each number a tel: link that
// dials in one tap; an organisation that declared itself unavailable says so and lists its backup
// partners with theirs. Below, the patient's dependence (人工呼吸器・在宅酸素・透析) that the
// network office's disaster view counts, set by the care team (the server decides).
import { api, seg } from '../../../api';
import { attempt, badge, empty, errorBox, loadInto, notice } from '../../../common';
import { h, replace } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t, tCode, type MessageKey } from '../../../i18n';
import type { Patient } from '../../patients/types';
import type { TabContext } from '../../patients/extensions';
import type { List } from '../../../types';
import type { CallOrg, Dependence, OnCallPerson } from '../types';
import { telLink } from './phone';

function onCallLine(role: 'primary' | 'backup', who: OnCallPerson | null): HTMLElement | null {
  if (!who) return null;
  const profession = tCode('profession', who.profession);
  return h(
    'li',
    { class: 'oncall-call-person', testid: `call-${role}`, 'data-user-id': who.id },
    h('span', { class: 'muted' }, t(`oncall.role_${role}` as MessageKey)),
    ' ',
    h('strong', null, who.name),
    profession ? ` (${profession})` : '',
    ' ',
    telLink(who.phone, `call-${role}-tel`),
  );
}

function orgCard(org: CallOrg, partner = false): HTMLElement {
  const d = org.declaration;
  return h(
    'section',
    { class: `card oncall-call-org${d ? ' declared' : ''}`, testid: partner ? 'call-partner' : 'call-org', 'data-org-id': org.id },
    h('h3', { class: 'card-title' }, org.name, d ? [' ', badge(t('oncall.call_declared'), 'warn')] : null),
    h('p', null, t('oncall.call_org_phone'), ' ', telLink(org.phone, 'call-org-tel') ?? h('span', { class: 'muted' }, '—')),
    org.on_call.found
      ? h('ul', { class: 'plain-list' }, onCallLine('primary', org.on_call.primary), onCallLine('backup', org.on_call.backup))
      : h('p', { class: 'muted', testid: 'call-nobody' }, t('oncall.call_nobody')),
    d
      ? h(
          'div',
          { class: 'stack', testid: 'call-declaration' },
          h('p', { class: 'alert warn' }, t('oncall.call_declaration', { reason: t(`oncall.reason_${d.reason}` as MessageKey), until: formatDateTime(d.planned_end_at) })),
          (org.partners ?? []).length === 0 ? h('p', { class: 'muted' }, t('oncall.call_no_partner')) : (org.partners ?? []).map((p) => orgCard(p, true)),
        )
      : null,
  );
}

function dependenceForm(patient: Patient, current: Dependence): HTMLElement {
  const errors = errorBox();
  const done = h('div');
  const box = (name: 'ventilator' | 'oxygen' | 'dialysis'): HTMLElement =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name, checked: current[name], testid: `dependence-${name}` }), t(`oncall.dependence_${name}` as MessageKey));
  const note = h('input', { type: 'text', name: 'note', maxlength: 200, value: current.note ?? '', testid: 'dependence-note' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'dependence-save' }, t('common.save'));
  const setBy = current.set_at ? h('p', { class: 'small muted', testid: 'dependence-set' }, t('oncall.dependence_set_by', { name: current.set_by?.name ?? '', at: formatDateTime(current.set_at) })) : null;
  const form = h(
    'form',
    { class: 'stack', testid: 'dependence-form', novalidate: true },
    h('fieldset', { class: 'oncall-dependence' }, h('legend', null, t('oncall.dependence_legend')), box('ventilator'), box('oxygen'), box('dialysis')),
    h('div', { class: 'field' }, h('label', { for: 'dependence-note' }, t('oncall.dependence_note')), note),
    errors,
    done,
    h('div', { class: 'row' }, submit),
    setBy,
  );
  note.id = 'dependence-note';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    replace(done);
    const checked = (name: string): boolean => (form.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.checked ?? false);
    void attempt(submit, errors, async () => {
      await api.put(`/api/patients/${seg(patient.id)}/oncall/dependence`, {
        ventilator: checked('ventilator'),
        oxygen: checked('oxygen'),
        dialysis: checked('dialysis'),
        note: note.value.trim() || undefined,
      });
      replace(done, notice(t('oncall.dependence_saved'), 'dependence-saved'));
    });
  });
  return h('section', { class: 'card', testid: 'dependence' }, h('h2', { class: 'card-title' }, t('oncall.dependence_title')), h('p', { class: 'small muted' }, t('oncall.dependence_hint')), form);
}

export async function renderPatientCall(panel: HTMLElement, patient: Patient, _context: TabContext): Promise<void> {
  const path = `/api/patients/${seg(patient.id)}/oncall`;
  const orgs = await loadInto(panel, async () => (await api.get<List<CallOrg>>(path)).items);
  if (!orgs) return;
  const call = h(
    'section',
    { class: 'stack', testid: 'call-now', 'aria-labelledby': 'call-now-title' },
    h('h2', { id: 'call-now-title' }, t('oncall.call_title')),
    h('p', { class: 'small muted' }, t('oncall.call_hint')),
    orgs.length === 0 ? empty(t('oncall.call_empty'), 'call-empty') : h('div', { class: 'oncall-call-grid' }, orgs.map((o) => orgCard(o))),
  );
  const dep = h('div');
  replace(panel, h('div', { class: 'stack' }, call, dep));
  // the dependence is clinical: a record share may see the team's phones but not this (404 then)
  const current = await loadInto(dep, () => api.get<Dependence>(`${path}/dependence`));
  if (current) replace(dep, dependenceForm(patient, current));
}
