// SPDX-License-Identifier: Apache-2.0
// The 共有ルール tab of a patient: the patient's rules (add, delete) with the region's in force,
// the preview ("if this happened now") and the log of what the rules delivered.
import { api, seg } from '../../../api';
import { attempt, errorBox, loadInto, notice, showError } from '../../../common';
import { h, replace, table, td, tdTime } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import type { Patient, TeamMember } from '../../patients/types';
import type { Delivery, PatientRules, PreviewItem, Vocabulary } from '../types';
import { label, outcomeText, rulesTable, ruleForm, select, vocabulary } from './common';

function who(org: { name: string | null; id: string }, user: { name: string | null } | null): string {
  return user ? `${org.name ?? org.id}(${user.name ?? ''})` : (org.name ?? org.id);
}

function previewBox(v: Vocabulary, patient: Patient): HTMLElement {
  const kind = select('kind', v.kinds.map((k) => [k.code, label(v.kinds, k.code)]), 'sharing-preview-kind');
  const severity = select(
    'severity',
    [['', t('sharing.severity_none')], ...v.severities.map((s): [string, string] => [s.code, label(v.severities, s.code)])],
    'sharing-preview-severity',
  );
  const result = h('div', { testid: 'sharing-preview-result' });
  const errors = errorBox();
  const button = h('button', { type: 'submit', testid: 'sharing-preview' }, t('sharing.preview'));
  const form = h(
    'form',
    { class: 'inline-form' },
    h('div', { class: 'field' }, h('label', null, t('sharing.field_kind'), kind)),
    h('div', { class: 'field' }, h('label', null, t('sharing.field_severity'), severity)),
    button,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void attempt(button, errors, async () => {
      const body: Record<string, string> = { kind: kind.value };
      if (severity.value) body.severity = severity.value;
      const answer = await api.post<{ items: PreviewItem[] }>(`/api/patients/${seg(patient.id)}/sharing/preview`, body);
      replace(
        result,
        answer.items.length
          ? table(
              'sharing-preview-table',
              [t('sharing.col_recipient'), t('sharing.col_rule'), t('sharing.col_outcome')],
              answer.items.map((i) =>
                h(
                  'tr',
                  null,
                  td(who(i.org, i.user)),
                  td(t(i.scope === 'region' ? 'sharing.scope_region' : 'sharing.scope_patient'), ' ', label(v.roles, i.role)),
                  td(outcomeText(i.outcome), i.due_at ? ` (${t('sharing.due', { when: formatDateTime(i.due_at) })})` : ''),
                ),
              ),
            )
          : h('p', { class: 'muted' }, t('sharing.preview_empty')),
      );
    });
  });
  return h('section', { testid: 'sharing-preview-box' }, h('h3', null, t('sharing.preview_title')),
    h('p', { class: 'hint' }, t('sharing.preview_hint')), errors, form, result);
}

function deliveriesTable(v: Vocabulary, items: Delivery[]): HTMLElement {
  if (!items.length) return h('p', { class: 'muted', testid: 'sharing-deliveries-empty' }, t('sharing.deliveries_empty'));
  return table(
    'sharing-deliveries',
    [t('sharing.col_when'), t('sharing.col_kind'), t('sharing.col_recipient'), t('sharing.col_rule'), t('sharing.col_outcome')],
    items.map((d) =>
      h(
        'tr',
        null,
        tdTime(formatDateTime(d.created_at)),
        td(label(v.kinds, d.event)),
        td(who(d.org, d.user)),
        td(t(d.rule.scope === 'region' ? 'sharing.scope_region' : 'sharing.scope_patient')),
        td(outcomeText(d.outcome), d.due_at && d.outcome === 'queued' ? ` (${t('sharing.due', { when: formatDateTime(d.due_at) })})` : ''),
      ),
    ),
  );
}

export async function renderSharing(panel: HTMLElement, patient: Patient): Promise<void> {
  const base = `/api/patients/${seg(patient.id)}/sharing`;
  const data = await loadInto(panel, () =>
    Promise.all([
      vocabulary(),
      api.get<PatientRules>(`${base}/rules`),
      api.get<{ items: TeamMember[] }>(`/api/patients/${seg(patient.id)}/team`),
      api.get<{ items: Delivery[] }>(`${base}/deliveries`),
    ]),
  );
  if (!data) return;
  const [v, rules, team, log] = data;
  const rerender = (): Promise<void> => renderSharing(panel, patient);
  const errors = errorBox();
  const orgs = new Map<string, string>();
  for (const m of team.items) if (m.consent_in_force) orgs.set(m.org_id, m.org_name);
  const form = ruleForm(v, Array.from(orgs.entries()));
  const add = h('button', { type: 'submit', testid: 'sharing-add' }, t('sharing.add'));
  const addForm = h('form', { class: 'stack', testid: 'sharing-add-form' }, form.controls, add);
  addForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void attempt(add, errors, async () => {
      const body = form.body();
      if (!body) return showError(errors, t('sharing.need_recipient'));
      await api.post(`${base}/rules`, body);
      await rerender();
      panel.prepend(notice(t('sharing.added')));
    });
  });
  const onDelete = (rule: { id: string }, button: HTMLButtonElement): void => {
    if (!window.confirm(t('sharing.delete_confirm'))) return;
    void attempt(button, errors, async () => {
      await api.del(`${base}/rules/${seg(rule.id)}`);
      await rerender();
    });
  };
  replace(
    panel,
    h('h2', null, t('sharing.patient_rules')),
    errors,
    rulesTable('sharing-patient-rules', v, rules.items, onDelete),
    h('details', null, h('summary', null, t('sharing.add_title')), addForm),
    h('h3', null, t('sharing.region_rules')),
    rulesTable('sharing-region-rules', v, rules.region),
    previewBox(v, patient),
    h('h3', null, t('sharing.deliveries_title')),
    deliveriesTable(v, log.items),
  );
}
