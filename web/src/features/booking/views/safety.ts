// SPDX-License-Identifier: Apache-2.0
// What must be seen before an examination (issue 13, item 4): the patient's high-criticality
// allergies and contraindications and, for an examination with contrast, the latest eGFR with its
// date (a warning under 45), from GET /api/patients/{id}/safety-summary (access-checked and
// audited by the server); and the checklist the examining hospital sets per kind of examination.
// Used by the booking form, the hospital's booking card and the referral form.
import { api, ApiError, seg } from '../../../api';
import { attempt, errorBox, openDialog } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { formatDate } from '../../../format';
import { t } from '../../../i18n';

export interface SafetySummary {
  allergies: { text: string; criticality: string; reaction: string }[];
  contraindications: { text: string; category: string; since: string }[];
  contrast: boolean;
  egfr: { value: number; unit: string; date: string; low: boolean; threshold: number } | null;
}

/** Whether an examination's text names contrast medium (as the server decides it). */
export function usesContrast(exam: string): boolean {
  return /造影|contrast/i.test(exam);
}

export function loadSafety(patientId: string, exam = ''): Promise<SafetySummary> {
  return api.get<SafetySummary>(`/api/patients/${seg(patientId)}/safety-summary`, exam ? { exam } : {});
}

function egfrLine(egfr: NonNullable<SafetySummary['egfr']>): HTMLElement {
  // eGFR to one decimal, as the laboratory reports it
  const value = `eGFR ${egfr.value.toFixed(1)} ${egfr.unit}(${formatDate(egfr.date)})`;
  return h(
    'li',
    { class: egfr.low ? 'safety-warn' : '', testid: 'safety-egfr', 'data-low': egfr.low ? 'true' : 'false' },
    egfr.low ? `${value} — ${t('safety.egfr_low', { threshold: String(egfr.threshold) })}` : value,
  );
}

/** The summary as a list of warnings (nothing to warn of: a quiet line). */
export function safetyView(s: SafetySummary): HTMLElement {
  const items = [
    ...s.allergies.map((a) =>
      h('li', { class: 'safety-warn', testid: 'safety-allergy' }, `${t('safety.allergy')}: ${a.text}${a.reaction ? `(${a.reaction})` : ''}`),
    ),
    ...s.contraindications.map((c) => h('li', { class: 'safety-warn', testid: 'safety-contraindication' }, `${t('safety.contraindication')}: ${c.text}`)),
    s.egfr ? egfrLine(s.egfr) : null,
    s.contrast && !s.egfr ? h('li', { testid: 'safety-egfr-none' }, t('safety.egfr_none')) : null,
  ].filter((item): item is HTMLLIElement => item !== null);
  return h(
    'section',
    { class: `safety ${items.length ? 'alert warn' : ''}`, testid: 'safety-summary', role: items.length ? 'alert' : undefined },
    h('strong', null, t('safety.title')),
    items.length ? h('ul', { class: 'plain-list' }, items) : h('p', { class: 'muted' }, t('safety.none')),
  );
}

/** Loads the summary into target (a note when it may not be read or fails). */
export async function showSafety(target: HTMLElement, patientId: string, exam = ''): Promise<void> {
  try {
    replace(target, safetyView(await loadSafety(patientId, exam)));
  } catch (error) {
    const hidden = error instanceof ApiError && (error.status === 404 || error.status === 403);
    replace(target, h('p', { class: 'muted small', testid: 'safety-unavailable' }, t(hidden ? 'safety.not_shared' : 'safety.failed')));
  }
}

/** The checklists of an organisation, by kind (an equipment code, or contrast). */
export async function loadChecklists(orgId: string): Promise<Map<string, string[]>> {
  const answer = await api.get<{ items: { kind: string; items: string[] }[] }>('/api/equipment/checklists', { org_id: orgId });
  return new Map(answer.items.map((i) => [i.kind, i.items]));
}

export interface ChecklistBox {
  root: HTMLElement;
  /** The items ticked. */
  value: () => string[];
}

/** Checkboxes for the items of the examination (equipment, and contrast when it uses it). */
export function checklistBox(lists: Map<string, string[]>, equipment: string, exam: string): ChecklistBox {
  const items = [...(lists.get(equipment) ?? []), ...(usesContrast(exam) ? (lists.get('contrast') ?? []) : [])];
  const boxes = items.map((item) => ({ item, box: h('input', { type: 'checkbox', testid: 'booking-check' }) }));
  const root = items.length
    ? h(
        'fieldset',
        { class: 'checklist', testid: 'booking-checklist' },
        h('legend', null, t('safety.checklist')),
        boxes.map(({ item, box }) => h('label', { class: 'check' }, box, ` ${item}`)),
      )
    : h('div', { testid: 'booking-checklist-none' });
  return { root, value: () => boxes.filter((b) => b.box.checked).map((b) => b.item) };
}

/** The checklist as the booking answered it. */
export function checklistAnswers(answers: { item: string; checked: boolean }[] | undefined): HTMLElement | null {
  if (!answers || answers.length === 0) return null;
  return h(
    'ul',
    { class: 'plain-list small', testid: 'booking-checklist-answers' },
    answers.map((a) => h('li', { 'data-checked': a.checked ? 'true' : 'false' }, `${a.checked ? '☑' : '☐'} ${a.item}${a.checked ? '' : ` — ${t('safety.unchecked')}`}`)),
  );
}

/** The hospital's admins and directory editors set the checklist of each kind of examination of
 *  their shared equipment (and of contrast): one item per line. */
export async function openChecklistEditor(orgId: string, kinds: { code: string; label: string }[]): Promise<void> {
  const lists = await loadChecklists(orgId);
  const kind = h('select', { testid: 'checklist-kind' }, kinds.map((k) => option(k.code, k.label)));
  const items = h('textarea', { rows: 4, testid: 'checklist-items' });
  const show = (): void => {
    items.value = (lists.get(kind.value) ?? []).join('\n');
  };
  kind.addEventListener('change', show);
  show();
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'checklist-save' }, t('common.save'));
  const form = h('form', { class: 'stack', testid: 'checklist-form' }, errors, field(t('safety.checklist_kind'), kind), field(t('safety.checklist_items'), items, t('safety.checklist_hint')), h('div', { class: 'row end' }, submit));
  const dialog = openDialog(t('safety.checklist_title'), form, 'checklist-dialog');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const list = items.value.split('\n').map((line) => line.trim()).filter(Boolean);
    void attempt(submit, errors, async () => {
      await api.put(`/api/equipment/checklists/${seg(kind.value)}`, { items: list });
      dialog.close();
    });
  });
}
