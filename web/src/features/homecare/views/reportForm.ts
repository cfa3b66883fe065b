// SPDX-License-Identifier: Apache-2.0
// The form of a 訪問看護報告書: a new report from the month's prefill (the visits, texts and vitals
// the server drew from the station's visit records), the author's draft, or a correction of a
// signed report with its reason. 下書き保存 stores the draft; 署名して送付 stores it, then signs
// and sends it. Refusals are shown beside the field they name (content.condition, reason, …).
import { attempt, clearFieldErrors, errorBox, loadInto, notice } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { lang, t } from '../../../i18n';
import type { Patient } from '../../patients/types';
import {
  monthLabel,
  reportApi,
  visitKinds,
  type Addressee,
  type Report,
  type ReportContent,
  type ReportVisit,
  type VisitKind,
  type VitalSummary,
} from './reportData';
import { kindLabel, vitalsTable } from './reportView';

export type ReportFormOptions =
  | { mode: 'new'; month: string; go: (path: string[]) => void }
  | { mode: 'edit' | 'correct'; reportId: string; go: (path: string[]) => void };

/** What the form starts from. */
interface Start {
  month: string;
  toOrg: string;
  addressees: Addressee[];
  content: ReportContent;
  vitals: VitalSummary[];
  report: Report | null;
  records: number | null;
}

const TEXTS: { key: keyof Omit<ReportContent, 'visits'>; label: Parameters<typeof t>[0] }[] = [
  { key: 'condition', label: 'homecare.report_condition' },
  { key: 'care_given', label: 'homecare.report_care_given' },
  { key: 'home_care', label: 'homecare.report_home_care' },
  { key: 'remarks', label: 'homecare.report_remarks' },
];

async function start(patient: Patient, options: ReportFormOptions): Promise<Start> {
  if (options.mode === 'new') {
    const p = await reportApi.prefill(patient.id, options.month);
    return {
      month: p.month,
      toOrg: p.to_org?.id ?? '',
      addressees: p.to_orgs,
      content: p.content,
      vitals: p.vitals,
      report: null,
      records: p.records.length,
    };
  }
  const report = await reportApi.read(patient.id, options.reportId);
  // the addressees the server accepts for the month (the prefill's content is not used)
  const p = await reportApi.prefill(patient.id, report.month);
  return {
    month: report.month,
    toOrg: report.to_org.id,
    addressees: p.to_orgs,
    content: report.content,
    vitals: report.vitals,
    report,
    records: null,
  };
}

/** The last day of month "YYYY-MM" as a date. */
function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

function visitRow(kinds: VisitKind[], visit: ReportVisit, month: string): HTMLElement {
  const date = h('input', {
    type: 'date',
    name: 'content.visits[].date',
    value: visit.date,
    min: `${month}-01`,
    max: lastDay(month),
    required: true,
    testid: 'report-visit-date',
    'aria-label': t('homecare.report_visit_date'),
  });
  const kind = h(
    'select',
    { name: 'content.visits[].kind', testid: 'report-visit-kind', 'aria-label': t('homecare.report_visit_kind') },
    kinds.map((k) => option(k.code, kindLabel(kinds, k.code), k.code === visit.kind)),
  );
  const item: HTMLElement = h(
    'li',
    { class: 'report-visit-row row', testid: 'report-visit-row' },
    date,
    kind,
    h(
      'button',
      { type: 'button', class: 'secondary small', testid: 'report-visit-remove', onclick: () => item.remove() },
      t('homecare.report_visit_remove'),
    ),
  );
  return item;
}

function visitsEditor(kinds: VisitKind[], visits: ReportVisit[], month: string): HTMLElement {
  const list = h('ol', { class: 'report-visit-rows', testid: 'report-visit-rows' }, visits.map((v) => visitRow(kinds, v, month)));
  const add = h('button', { type: 'button', class: 'secondary small', testid: 'report-visit-add' }, t('homecare.report_visit_add'));
  add.addEventListener('click', () => {
    const last = list.querySelector<HTMLInputElement>('input[type="date"]:last-of-type');
    list.append(visitRow(kinds, { date: last?.value || `${month}-01`, kind: 'home_nursing' }, month));
  });
  return h('fieldset', { class: 'report-visits' }, h('legend', null, t('homecare.report_visits')), list, add);
}

/** The content as the form holds it now. */
function readContent(form: HTMLFormElement): ReportContent {
  const rows = Array.from(form.querySelectorAll<HTMLElement>('[data-testid="report-visit-row"]'));
  const text = (key: string): string => form.querySelector<HTMLTextAreaElement>(`textarea[name="content.${key}"]`)?.value ?? '';
  return {
    visits: rows.map((row) => ({
      date: row.querySelector<HTMLInputElement>('input')?.value ?? '',
      kind: row.querySelector<HTMLSelectElement>('select')?.value ?? '',
    })),
    condition: text('condition'),
    care_given: text('care_given'),
    home_care: text('home_care'),
    remarks: text('remarks'),
  };
}

function heading(options: ReportFormOptions, month: string): string {
  const label = monthLabel(month, lang());
  if (options.mode === 'new') return t('homecare.report_form_new', { month: label });
  return t(options.mode === 'edit' ? 'homecare.report_form_edit' : 'homecare.report_form_correct', { month: label });
}

/** Stores the form: a new draft, the draft edited, or a correction; returns the report. */
async function store(patient: Patient, options: ReportFormOptions, s: Start, form: HTMLFormElement): Promise<Report> {
  const content = readContent(form);
  const toOrg = form.querySelector<HTMLSelectElement>('select[name="to_org_id"]')?.value ?? '';
  if (options.mode === 'new') return reportApi.create(patient.id, { month: s.month, to_org_id: toOrg, content });
  const base = s.report?.version ?? 1;
  if (options.mode === 'edit') return reportApi.update(patient.id, options.reportId, { to_org_id: toOrg, content, base_version: base });
  const reason = form.querySelector<HTMLTextAreaElement>('textarea[name="reason"]')?.value ?? '';
  return reportApi.correct(patient.id, options.reportId, { reason, to_org_id: toOrg, content, base_version: base });
}

function buildForm(patient: Patient, options: ReportFormOptions, s: Start, kinds: VisitKind[]): HTMLFormElement {
  const errors = errorBox();
  const to = h(
    'select',
    { name: 'to_org_id', required: true, testid: 'report-to' },
    s.addressees.map((o) => option(o.id, o.name, o.id === s.toOrg)),
  );
  const save = h('button', { type: 'submit', class: 'secondary', testid: 'report-save' }, t('homecare.report_save'));
  const sign = h('button', { type: 'button', testid: 'report-form-sign' }, t('homecare.report_sign'));
  const form: HTMLFormElement = h(
    'form',
    { class: 'report-form', testid: 'report-form', novalidate: true },
    h('h2', { testid: 'report-form-heading' }, heading(options, s.month)),
    s.records !== null ? notice(t('homecare.report_prefilled', { count: s.records }), 'report-prefilled') : null,
    s.addressees.length
      ? field(t('homecare.report_to'), to)
      : h('p', { class: 'alert error', testid: 'report-no-addressee' }, t('homecare.report_no_addressee')),
    visitsEditor(kinds, s.content.visits, s.month),
    TEXTS.map(({ key, label }) =>
      field(t(label), h('textarea', { name: `content.${key}`, rows: 5, testid: `report-${key.replace('_', '-')}` }, s.content[key])),
    ),
    h('section', { class: 'report-part' }, h('h4', null, t('homecare.report_vitals')), vitalsTable(s.vitals)),
    h('p', { class: 'hint' }, t('homecare.report_vitals_note')),
    options.mode === 'correct'
      ? field(
          t('homecare.report_reason'),
          h('textarea', { name: 'reason', rows: 2, required: true, testid: 'report-reason' }),
          t('homecare.report_reason_hint'),
        )
      : null,
    errors,
    h(
      'div',
      { class: 'row report-form-actions' },
      save,
      sign,
      h('button', { type: 'button', class: 'secondary', testid: 'report-form-cancel', onclick: () => options.go(options.mode === 'new' ? [] : [options.reportId]) }, t('homecare.report_cancel')),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(save, errors, async () => {
      const report = await store(patient, options, s, form);
      options.go([report.id]);
    });
  });
  sign.addEventListener('click', () => {
    clearFieldErrors(form);
    void attempt(sign, errors, async () => {
      const report = await store(patient, options, s, form);
      // stored: whatever the signature's answer, the report's page is where it goes on (a
      // refused signature leaves a draft there, with its 署名して送付)
      try {
        await reportApi.sign(patient.id, report.id);
      } finally {
        options.go([report.id]);
      }
    });
  });
  return form;
}

export async function renderReportForm(panel: HTMLElement, patient: Patient, options: ReportFormOptions): Promise<void> {
  const body = h('div', { class: 'homecare-report', testid: 'report-form-panel' });
  replace(panel, body);
  const data = await loadInto(body, () => Promise.all([start(patient, options), visitKinds()]));
  if (!data) return;
  const [s, kinds] = data;
  replace(body, buildForm(patient, options, s, kinds));
}
