// SPDX-License-Identifier: Apache-2.0
// What the sharing screens share: the vocabulary (read once), labels, a rule's table and the
// form of a new rule.
import { api, readOnce } from '../../../api';
import { h, option, table, td, tdWrap, uniqueId, type Child } from '../../../dom';
import { lang, t, type MessageKey } from '../../../i18n';
import type { Label, Recipient, Rule, RuleBody, Vocabulary } from '../types';

export const vocabulary = readOnce(() => api.get<Vocabulary>('/api/sharing/vocabulary'));

export function label(list: Label[], code: string | null | undefined): string {
  const found = list.find((l) => l.code === code);
  return found ? (lang() === 'en' ? found.en : found.ja) : (code ?? '');
}

export function outcomeText(outcome: string): string {
  return t(`sharing.outcome_${outcome}` as MessageKey);
}

function recipientText(v: Vocabulary, r: Recipient): string {
  if ('role' in r) return label(v.roles, r.role);
  return r.user ? `${r.org.name ?? r.org.id}(${r.user.name ?? r.user.id})` : (r.org.name ?? r.org.id);
}

export function timingText(v: Vocabulary, rule: { timing: string; at: string | null; weekday: string | null }): string {
  const timing = label(v.timings, rule.timing);
  if (rule.timing === 'weekly')
    return t('sharing.timing_weekly', { timing, weekday: label(v.weekdays, rule.weekday), at: rule.at ?? '' });
  return rule.at ? t('sharing.timing_at', { timing, at: rule.at }) : timing;
}

function conditionText(v: Vocabulary, rule: Rule): string {
  const parts = [
    ...rule.condition.professions.map((c) => label(v.professions, c)),
    ...rule.condition.severities.map((c) => label(v.severities, c)),
    ...rule.condition.org_types.map((c) => label(v.org_types, c)),
  ];
  return parts.length ? parts.join('・') : t('sharing.condition_any');
}

/** The rules as a table; onDelete adds a delete button to each row. */
export function rulesTable(
  testid: string,
  v: Vocabulary,
  rules: Rule[],
  onDelete?: (rule: Rule, button: HTMLButtonElement) => void,
): Child {
  if (!rules.length) return h('p', { class: 'muted', testid: `${testid}-empty` }, t('sharing.none'));
  const headers = [
    t('sharing.col_kind'),
    t('sharing.col_recipients'),
    t('sharing.col_timing'),
    t('sharing.col_condition'),
    t('sharing.col_note'),
  ];
  if (onDelete) headers.push(t('sharing.col_actions'));
  return table(
    testid,
    headers,
    rules.map((rule) => {
      const button = h('button', { type: 'button', class: 'secondary', testid: 'sharing-delete' }, t('sharing.delete'));
      if (onDelete) button.addEventListener('click', () => onDelete(rule, button));
      return h(
        'tr',
        { 'data-rule': rule.id },
        td(label(v.kinds, rule.kind)),
        tdWrap(rule.recipients.map((r) => recipientText(v, r)).join('、')),
        td(timingText(v, rule)),
        tdWrap(conditionText(v, rule)),
        tdWrap(rule.note ?? ''),
        onDelete ? td(button) : null,
      );
    }),
  );
}

export function select(name: string, items: [string, string][], testid: string): HTMLSelectElement {
  return h('select', { name, testid }, items.map(([value, text]) => option(value, text)));
}

/** The controls of a new rule; orgs (id, name) adds a choice of one organisation (patient rules). */
export function ruleForm(v: Vocabulary, orgs: [string, string][] | null): { controls: Child; body: () => RuleBody | null } {
  const kind = select('kind', v.kinds.map((k) => [k.code, label(v.kinds, k.code)]), 'sharing-kind');
  const roles = v.roles.map((r) => h('input', { type: 'checkbox', value: r.code, name: 'recipients' }));
  const org = orgs
    ? select('org_id', [['', t('sharing.field_org_none')], ...orgs], 'sharing-org')
    : null;
  const timing = select('timing', v.timings.map((x) => [x.code, label(v.timings, x.code)]), 'sharing-timing');
  const at = h('input', { type: 'time', name: 'at', value: '18:00', testid: 'sharing-at' });
  const weekday = select('weekday', v.weekdays.map((x) => [x.code, label(v.weekdays, x.code)]), 'sharing-weekday');
  const note = h('input', { type: 'text', name: 'note', maxlength: 500, testid: 'sharing-note' });
  const group = uniqueId('roles');
  const sync = (): void => {
    at.disabled = timing.value === 'immediate';
    weekday.disabled = timing.value !== 'weekly';
  };
  timing.addEventListener('change', sync);
  sync();
  const controls = [
    h('div', { class: 'field' }, h('label', null, t('sharing.field_kind'), kind)),
    h(
      'fieldset',
      { class: 'field', 'aria-labelledby': group },
      h('legend', { id: group }, t('sharing.field_roles')),
      roles.map((box, i) => h('label', { class: 'check' }, box, label(v.roles, v.roles[i].code))),
    ),
    org ? h('div', { class: 'field' }, h('label', null, t('sharing.field_org'), org)) : null,
    h('div', { class: 'field' }, h('label', null, t('sharing.field_timing'), timing)),
    h('div', { class: 'field' }, h('label', null, t('sharing.field_at'), at)),
    h('div', { class: 'field' }, h('label', null, t('sharing.field_weekday'), weekday)),
    h('div', { class: 'field' }, h('label', null, t('sharing.field_note'), note)),
  ];
  const body = (): RuleBody | null => {
    const recipients: RuleBody['recipients'] = roles.filter((b) => b.checked).map((b) => ({ role: b.value }));
    if (org && org.value) recipients.push({ org_id: org.value });
    if (!recipients.length) return null;
    const out: RuleBody = { kind: kind.value, recipients, timing: timing.value };
    if (timing.value !== 'immediate') out.at = at.value;
    if (timing.value === 'weekly') out.weekday = weekday.value;
    if (note.value.trim()) out.note = note.value.trim();
    return out;
  };
  return { controls, body };
}
