// SPDX-License-Identifier: Apache-2.0
// The parts of a visit record's form, chosen by its kind's form (docs/api/homecare.md "Forms"):
// SOAP, 訪問看護記録書II, 訪問薬剤管理指導, 訪問リハ with the Barthel Index, 介護; and the vitals
// block every form has. Each control is named by its path in the request body
// (`content.vitals.spo2`), so that the server's refusal is shown beside it (showFieldError).
import { field, h, option, uniqueId } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import type { RecordForm, VitalName } from './recordsApi';

type FieldType = 'text' | 'date' | 'adherence' | 'drugs' | 'adl';

interface FieldSpec {
  name: string;
  type: FieldType;
}

const text = (name: string): FieldSpec => ({ name, type: 'text' });

export const FORM_FIELDS: Record<RecordForm, FieldSpec[]> = {
  soap: [text('subjective'), text('objective'), text('assessment'), text('plan')],
  nursing: [text('observation'), text('care_given'), text('instructions'), { name: 'next_visit', type: 'date' }, text('next_visit_note')],
  pharmacy: [
    { name: 'adherence', type: 'adherence' },
    text('adherence_note'),
    { name: 'remaining_drugs', type: 'drugs' },
    text('side_effects'),
    text('proposals'),
  ],
  rehab: [text('function'), { name: 'adl', type: 'adl' }, text('goals')],
  care: [text('meals'), text('excretion'), text('bathing'), text('changes')],
};

export function fieldLabel(name: string): string {
  return t(`homecare.records_field_${name}` as MessageKey);
}

/** The Barthel Index: its ten items and the scores each allows (Mahoney & Barthel 1965). */
export const BARTHEL: { item: string; scores: number[] }[] = [
  { item: 'feeding', scores: [0, 5, 10] },
  { item: 'transfers', scores: [0, 5, 10, 15] },
  { item: 'grooming', scores: [0, 5] },
  { item: 'toilet_use', scores: [0, 5, 10] },
  { item: 'bathing', scores: [0, 5] },
  { item: 'mobility', scores: [0, 5, 10, 15] },
  { item: 'stairs', scores: [0, 5, 10] },
  { item: 'dressing', scores: [0, 5, 10] },
  { item: 'bowels', scores: [0, 5, 10] },
  { item: 'bladder', scores: [0, 5, 10] },
];

export function adlLabel(item: string): string {
  return t(`homecare.records_adl_${item}` as MessageKey);
}

export interface VitalSpec {
  name: VitalName;
  unit: string;
  /** decimal: a number with decimals (temperature, weight); integer: whole numbers; scale: a list */
  input: 'decimal' | 'integer' | 'scale';
  step?: string;
  scale?: { value: number; label: string }[];
}

const JCS = [0, 1, 2, 3, 10, 20, 30, 100, 200, 300];

function jcsLabel(value: number): string {
  if (value === 0) return t('homecare.records_jcs_0');
  const grade = value < 10 ? 'I' : value < 100 ? 'II' : 'III';
  return `${grade}-${value}`;
}

export const VITALS: VitalSpec[] = [
  { name: 'bp_systolic', unit: 'mmHg', input: 'integer' },
  { name: 'bp_diastolic', unit: 'mmHg', input: 'integer' },
  { name: 'pulse', unit: 'homecare.records_unit_per_min', input: 'integer' },
  { name: 'spo2', unit: '%', input: 'integer' },
  { name: 'temperature', unit: '℃', input: 'decimal', step: '0.1' },
  { name: 'respiratory_rate', unit: 'homecare.records_unit_per_min', input: 'integer' },
  { name: 'weight', unit: 'kg', input: 'decimal', step: '0.1' },
  { name: 'blood_glucose', unit: 'mg/dL', input: 'integer' },
  { name: 'pain_nrs', unit: '', input: 'scale', scale: Array.from({ length: 11 }, (_, i) => ({ value: i, label: String(i) })) },
  { name: 'jcs', unit: '', input: 'scale', scale: JCS.map((value) => ({ value, label: jcsLabel(value) })) },
];

export function vitalLabel(name: string): string {
  return t(`homecare.records_vital_${name}` as MessageKey);
}

export function vitalUnit(spec: VitalSpec): string {
  return spec.unit.startsWith('homecare.') ? t(spec.unit as MessageKey) : spec.unit;
}

/** A control with its label, and the unit after it. */
function withUnit(label: string, control: HTMLInputElement | HTMLSelectElement, unit: string): HTMLElement {
  if (!control.id) control.id = uniqueId('f');
  return h(
    'div',
    { class: 'field homecare-vital' },
    h('label', { for: control.id }, label),
    h('div', { class: 'homecare-unit-row' }, control, unit ? h('span', { class: 'homecare-unit' }, unit) : null),
  );
}

function vitalControl(spec: VitalSpec): HTMLElement {
  const name = `content.vitals.${spec.name}`;
  const testid = `rec-vital-${spec.name}`;
  if (spec.input === 'scale') {
    const select = h('select', { name, testid }, option('', '—'), (spec.scale ?? []).map((s) => option(String(s.value), s.label)));
    return withUnit(vitalLabel(spec.name), select, vitalUnit(spec));
  }
  const input = h('input', {
    type: 'number',
    name,
    testid,
    step: spec.step ?? '1',
    inputmode: spec.input === 'decimal' ? 'decimal' : 'numeric',
    class: 'homecare-number',
  });
  return withUnit(vitalLabel(spec.name), input, vitalUnit(spec));
}

export function vitalsBlock(): HTMLElement {
  return h(
    'fieldset',
    { class: 'homecare-fieldset', testid: 'rec-vitals' },
    h('legend', null, t('homecare.records_vitals')),
    h('div', { class: 'homecare-vitals-grid' }, VITALS.map(vitalControl)),
  );
}

function textControl(name: string): HTMLElement {
  const area = h('textarea', { name: `content.${name}`, testid: `rec-${name}`, rows: 3, maxlength: 4000 });
  return field(fieldLabel(name), area);
}

function adherenceControl(): HTMLElement {
  const select = h(
    'select',
    { name: 'content.adherence', testid: 'rec-adherence' },
    option('', '—'),
    ['good', 'partial', 'poor'].map((v) => option(v, t(`homecare.records_adherence_${v}` as MessageKey))),
  );
  return field(fieldLabel('adherence'), select);
}

/** One row of 残薬: the drug and how many are left. */
export function drugRow(): HTMLElement {
  const row = h(
    'div',
    { class: 'homecare-drug-row', testid: 'rec-drug-row' },
    h('input', {
      type: 'text',
      name: 'content.remaining_drugs[].drug',
      testid: 'rec-drug-name',
      'aria-label': t('homecare.records_drug_name'),
      placeholder: t('homecare.records_drug_name'),
      maxlength: 200,
    }),
    h('input', {
      type: 'number',
      name: 'content.remaining_drugs[].count',
      testid: 'rec-drug-count',
      'aria-label': t('homecare.records_drug_count'),
      placeholder: t('homecare.records_drug_count'),
      inputmode: 'numeric',
      step: '1',
      class: 'homecare-number',
    }),
    h('button', {
      type: 'button',
      class: 'secondary small',
      testid: 'rec-drug-remove',
      onclick: () => {
        const form = row.closest('form');
        row.remove();
        form?.dispatchEvent(new Event('input', { bubbles: true }));
      },
    }, t('homecare.records_drug_remove')),
  );
  return row;
}

function drugsControl(): HTMLElement {
  const rows = h('div', { class: 'homecare-drug-rows', testid: 'rec-drug-rows' });
  return h(
    'fieldset',
    { class: 'homecare-fieldset' },
    h('legend', null, fieldLabel('remaining_drugs')),
    rows,
    h('button', { type: 'button', class: 'secondary small', testid: 'rec-drug-add', onclick: () => rows.append(drugRow()) }, t('homecare.records_drug_add')),
  );
}

/** The Barthel Index: one choice of score per item, and the total as the items add up. */
function adlControl(): HTMLElement {
  const total = h('output', { testid: 'rec-adl-total', class: 'homecare-adl-total' }, '—');
  const selects = BARTHEL.map(({ item, scores }) =>
    h('select', { name: `content.adl.${item}`, testid: `rec-adl-${item}` }, option('', '—'), scores.map((s) => option(String(s), String(s)))),
  );
  const update = (): void => {
    const chosen = selects.filter((s) => s.value !== '');
    total.textContent = chosen.length ? `${chosen.reduce((sum, s) => sum + Number(s.value), 0)} / 100` : '—';
  };
  for (const select of selects) select.addEventListener('change', update);
  const box = h(
    'fieldset',
    { class: 'homecare-fieldset', testid: 'rec-adl' },
    h('legend', null, t('homecare.records_adl')),
    h('p', { class: 'hint' }, t('homecare.records_adl_hint')),
    h('div', { class: 'homecare-adl-grid' }, selects.map((select, i) => field(adlLabel(BARTHEL[i]?.item ?? ''), select))),
    h('p', { class: 'homecare-adl-sum' }, `${t('homecare.records_adl_total')}: `, total),
  );
  // values restored into the selects after creation fire no change: the form calls this
  box.addEventListener('homecare-restored', update);
  return box;
}

/** The fields of a form (without the vitals and the hand-over). */
export function formFields(form: RecordForm): HTMLElement {
  const parts = FORM_FIELDS[form].map((spec) => {
    switch (spec.type) {
      case 'date':
        return field(fieldLabel(spec.name), h('input', { type: 'date', name: `content.${spec.name}`, testid: `rec-${spec.name}` }));
      case 'adherence':
        return adherenceControl();
      case 'drugs':
        return drugsControl();
      case 'adl':
        return adlControl();
      default:
        return textControl(spec.name);
    }
  });
  return h('fieldset', { class: 'homecare-fieldset', testid: `rec-form-${form}` }, h('legend', null, t(`homecare.records_form_${form}` as MessageKey)), parts);
}
