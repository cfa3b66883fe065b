// SPDX-License-Identifier: Apache-2.0
// Hand entry for organisations without an EHR feed: an allergy, a problem, a medication or a lab
// result, each POSTed to /fhir as a FHIR R4 resource. The browser checks the form first; the
// server's OperationOutcome diagnostics are shown as they come and mark the fields they name.
import { attempt, errorBox, openDialog } from '../../../common';
import { field, h, option } from '../../../dom';
import { FhirError, RECORD_CATEGORY, create, type Resource } from '../../../fhir';
import { todayTokyo } from '../../../format';
import { lang, t, type MessageKey } from '../../../i18n';
import type { Patient } from '../types';

const HL7 = 'http://terminology.hl7.org/CodeSystem';
const ICD10 = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full';
const YJ = 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code';
const JLAC10 = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
const UCUM = 'http://unitsofmeasure.org';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Form controls by the FHIRPath prefix the server names in OperationOutcome.issue.expression. */
type FieldMap = [prefix: string, control: Control][];

function markInvalid(fields: FieldMap, error: unknown): void {
  for (const [, control] of fields) control.removeAttribute('aria-invalid');
  if (!(error instanceof FhirError)) return;
  for (const expression of error.expressions) {
    const hit = fields.find(([prefix]) => expression.startsWith(prefix));
    if (hit) hit[1].setAttribute('aria-invalid', 'true');
  }
}

function patientRef(patient: Patient): { reference: string } {
  return { reference: `Patient/${patient.id}` };
}

function dateInput(testid: string, required: boolean, value = ''): HTMLInputElement {
  return h('input', { type: 'date', required, max: todayTokyo(), value, testid });
}

function choices(testid: string, prefix: string, values: string[], required: boolean): HTMLSelectElement {
  return h(
    'select',
    { testid, required },
    option('', t('common.choose'), true),
    values.map((v) => option(v, t(`${prefix}.${v}` as MessageKey))),
  );
}

/**
 * Opens a dialog with `controls` laid out in a grid; on a valid submit POSTs build() to /fhir/type,
 * closes and calls saved().
 */
function resourceDialog(options: {
  title: MessageKey;
  testid: string;
  type: string;
  controls: HTMLElement[];
  fields: FieldMap;
  check?: () => string;
  build: () => Resource;
  saved: () => void;
}): void {
  const errors = errorBox();
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', testid: `${options.testid}-submit` },
    t('common.save'),
  );
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('common.cancel'));
  const form = h(
    'form',
    { class: 'stack', testid: `${options.testid}-form` },
    errors,
    h('div', { class: 'grid2' }, options.controls),
    h('div', { class: 'row end' }, cancel, submit),
  );
  const dialog = openDialog(t(options.title), form, `${options.testid}-dialog`);
  cancel.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = options.check?.() ?? '';
    if (problem) {
      errors.textContent = problem;
      errors.hidden = false;
      return;
    }
    void attempt(submit, errors, async () => {
      try {
        await create(options.type, options.build());
      } catch (error) {
        markInvalid(options.fields, error);
        throw error;
      }
      dialog.close();
      options.saved();
    });
  });
}

// ---- アレルギー ----

export function openAllergyForm(patient: Patient, saved: () => void): void {
  const substance = h('input', { required: true, maxlength: 200, testid: 'allergy-substance' });
  const categories = ['medication', 'food', 'environment', 'biologic'];
  const category = choices('allergy-category', 'record.allergy_category', categories, true);
  const criticalities = ['low', 'high', 'unable-to-assess'];
  const criticality = choices('allergy-criticality', 'record.criticality', criticalities, false);
  const manifestation = h('input', { maxlength: 200, testid: 'allergy-manifestation' });
  const note = h('textarea', { rows: 2, maxlength: 1000, testid: 'allergy-note' });
  resourceDialog({
    title: 'record.add_allergy',
    testid: 'allergy',
    type: 'AllergyIntolerance',
    controls: [
      field(t('record.allergy_substance'), substance),
      field(t('record.allergy_category_label'), category),
      field(t('record.criticality_label'), criticality),
      field(t('record.manifestation'), manifestation, t('record.manifestation_hint')),
      field(t('record.note'), note),
    ],
    fields: [
      ['AllergyIntolerance.code', substance],
      ['AllergyIntolerance.category', category],
      ['AllergyIntolerance.criticality', criticality],
      ['AllergyIntolerance.reaction[0].manifestation', manifestation],
      ['AllergyIntolerance.reaction', manifestation],
      ['AllergyIntolerance.note', note],
    ],
    build: () => ({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ system: `${HL7}/allergyintolerance-clinical`, code: 'active' }] },
      verificationStatus: { coding: [{ system: `${HL7}/allergyintolerance-verification`, code: 'confirmed' }] },
      category: [category.value],
      ...(criticality.value ? { criticality: criticality.value } : {}),
      code: { text: substance.value.trim() },
      patient: patientRef(patient),
      recordedDate: new Date().toISOString(),
      ...(manifestation.value.trim()
        ? {
            reaction: [
              {
                manifestation: [{ text: manifestation.value.trim() }],
              },
            ],
          }
        : {}),
      ...(note.value.trim() ? { note: [{ text: note.value.trim() }] } : {}),
    }),
    saved,
  });
}

// ---- 傷病名 ----

export function openConditionForm(patient: Patient, saved: () => void): void {
  const name = h('input', { required: true, maxlength: 200, testid: 'condition-name-input' });
  const icd = h('input', {
    maxlength: 8,
    pattern: '[A-Za-z][0-9]{2}(\\.?[0-9A-Za-z]{1,4})?',
    autocomplete: 'off',
    testid: 'condition-icd',
  });
  const onset = dateInput('condition-onset', false);
  const active = h('input', { type: 'checkbox', checked: true, testid: 'condition-active' });
  const infection = h('input', { type: 'checkbox', testid: 'condition-infection' });
  const box = (control: HTMLInputElement, label: MessageKey): HTMLElement =>
    h('label', { class: 'check' }, control, ` ${t(label)}`);
  resourceDialog({
    title: 'record.add_condition',
    testid: 'condition',
    type: 'Condition',
    controls: [
      field(t('record.condition_name'), name),
      field(t('record.icd10'), icd, t('record.icd10_hint')),
      field(t('record.onset'), onset),
      h(
        'div',
        { class: 'field' },
        box(active, 'record.condition_active'),
        box(infection, 'record.condition_infection'),
      ),
    ],
    fields: [
      ['Condition.code.coding', icd],
      ['Condition.code', name],
      ['Condition.onset', onset],
    ],
    build: () => {
      const code = icd.value.trim().toUpperCase();
      const categories: Resource['category'] = [
        { coding: [{ system: `${HL7}/condition-category`, code: 'problem-list-item' }] },
        ...(infection.checked ? [{ coding: [{ system: RECORD_CATEGORY, code: 'infection' }] }] : []),
      ];
      return {
        resourceType: 'Condition',
        clinicalStatus: {
          coding: [{ system: `${HL7}/condition-clinical`, code: active.checked ? 'active' : 'resolved' }],
        },
        verificationStatus: { coding: [{ system: `${HL7}/condition-ver-status`, code: 'confirmed' }] },
        category: categories,
        code: { text: name.value.trim(), ...(code ? { coding: [{ system: ICD10, code }] } : {}) },
        subject: patientRef(patient),
        ...(onset.value ? { onsetDateTime: onset.value } : {}),
        recordedDate: new Date().toISOString(),
      };
    },
    saved,
  });
}

// ---- 処方 ----

export function openMedicationForm(patient: Patient, saved: () => void): void {
  const drug = h('input', { required: true, maxlength: 200, testid: 'medication-drug' });
  const yj = h('input', { maxlength: 12, pattern: '[0-9A-Za-z]{12}', autocomplete: 'off', testid: 'medication-yj' });
  const dose = h('input', { required: true, maxlength: 300, testid: 'medication-dose' });
  const start = dateInput('medication-start', true, todayTokyo());
  resourceDialog({
    title: 'record.add_medication',
    testid: 'medication',
    type: 'MedicationRequest',
    controls: [
      field(t('record.med_name'), drug),
      field(t('record.yj'), yj, t('record.yj_hint')),
      field(t('record.med_dosage'), dose, t('record.dose_hint')),
      field(t('record.med_start'), start),
    ],
    fields: [
      ['MedicationRequest.medicationCodeableConcept.coding', yj],
      ['MedicationRequest.medication', drug],
      ['MedicationRequest.dosageInstruction', dose],
      ['MedicationRequest.authoredOn', start],
    ],
    build: () => {
      const code = yj.value.trim().toUpperCase();
      return {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: {
          text: drug.value.trim(),
          ...(code ? { coding: [{ system: YJ, code, display: drug.value.trim() }] } : {}),
        },
        subject: patientRef(patient),
        authoredOn: start.value,
        dosageInstruction: [
          { text: dose.value.trim(), timing: { repeat: { boundsPeriod: { start: start.value } } } },
        ],
      };
    },
    saved,
  });
}

// ---- 検査 ----

interface CommonLab {
  id: string;
  code: string;
  display: string;
  en: string;
  unit: string;
  ucum: string;
  min: number;
  max: number;
  range: (patient: Patient) => { low?: number; high?: number };
}

/** The common panel (the tests the record shows) with JLAC10 codes and JCCLS shared reference ranges. */
export const COMMON_LABS: CommonLab[] = [
  {
    id: 'hba1c',
    code: '3D046000001906202',
    display: 'HbA1c(NGSP)',
    en: 'HbA1c (NGSP)',
    unit: '%',
    ucum: '%',
    min: 2,
    max: 20,
    range: () => ({ low: 4.9, high: 6.0 }),
  },
  {
    id: 'egfr',
    code: '8A065000002391901',
    display: 'eGFR',
    en: 'eGFR',
    unit: 'mL/min/1.73m2',
    ucum: 'mL/min/{1.73_m2}',
    min: 0,
    max: 200,
    range: () => ({ low: 60 }),
  },
  {
    id: 'k',
    code: '3H015000002326101',
    display: 'カリウム',
    en: 'Potassium (K)',
    unit: 'mmol/L',
    ucum: 'mmol/L',
    min: 1,
    max: 10,
    range: () => ({ low: 3.6, high: 4.8 }),
  },
  {
    id: 'cr',
    code: '3C015000002327101',
    display: 'クレアチニン',
    en: 'Creatinine (Cr)',
    unit: 'mg/dL',
    ucum: 'mg/dL',
    min: 0,
    max: 30,
    range: (patient) => (patient.sex === 'male' ? { low: 0.65, high: 1.07 } : { low: 0.46, high: 0.79 }),
  },
  {
    id: 'ldl',
    code: '3F077000002327101',
    display: 'LDLコレステロール',
    en: 'LDL cholesterol',
    unit: 'mg/dL',
    ucum: 'mg/dL',
    min: 0,
    max: 1000,
    range: () => ({ low: 65, high: 163 }),
  },
  {
    id: 'ast',
    code: '3B035000002327201',
    display: 'AST',
    en: 'AST (GOT)',
    unit: 'U/L',
    ucum: 'U/L',
    min: 0,
    max: 10000,
    range: () => ({ low: 13, high: 30 }),
  },
  {
    id: 'alt',
    code: '3B045000002327201',
    display: 'ALT',
    en: 'ALT (GPT)',
    unit: 'U/L',
    ucum: 'U/L',
    min: 0,
    max: 10000,
    range: (patient) => (patient.sex === 'male' ? { low: 10, high: 42 } : { low: 7, high: 23 }),
  },
  {
    id: 'hb',
    code: '2A030000001930101',
    display: 'ヘモグロビン',
    en: 'Haemoglobin (Hb)',
    unit: 'g/dL',
    ucum: 'g/dL',
    min: 0,
    max: 30,
    range: (patient) => (patient.sex === 'male' ? { low: 13.7, high: 16.8 } : { low: 11.6, high: 14.8 }),
  },
];

/** Text as the test search compares it: NFKC, lower case, katakana as hiragana. */
function searchable(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/**
 * A search box that narrows the test select to the tests whose name (Japanese or English), short
 * name or JLAC10 code contains what is typed; one match left is chosen.
 */
function labSearch(select: HTMLSelectElement): HTMLInputElement {
  const input = h('input', {
    type: 'search',
    testid: 'lab-test-q',
    autocomplete: 'off',
    placeholder: t('record.lab_search'),
    'aria-label': t('record.lab_search'),
  });
  input.addEventListener('input', () => {
    const wanted = searchable(input.value.trim());
    const shown: HTMLOptionElement[] = [];
    for (const opt of Array.from(select.options)) {
      if (!opt.value) continue;
      const lab = COMMON_LABS.find((l) => l.id === opt.value);
      const text = lab ? searchable(`${lab.display} ${lab.en} ${lab.id} ${lab.code}`) : '';
      const match = !wanted || text.includes(wanted);
      opt.hidden = !match;
      opt.disabled = !match;
      if (match) shown.push(opt);
    }
    const only = shown.length === 1 ? shown[0] : undefined;
    if (only && select.value !== only.value) {
      select.value = only.value;
      select.dispatchEvent(new Event('change'));
    } else if (select.selectedOptions[0]?.disabled) {
      select.value = '';
      select.dispatchEvent(new Event('change'));
    }
    select.dataset.shown = String(shown.length);
  });
  return input;
}

function quantity(value: number, lab: CommonLab): { value: number; unit: string; system: string; code: string } {
  return { value, unit: lab.unit, system: UCUM, code: lab.ucum };
}

export function openLabForm(patient: Patient, saved: () => void): void {
  const test = h(
    'select',
    { required: true, testid: 'lab-test' },
    option('', t('common.choose'), true),
    COMMON_LABS.map((lab) => option(lab.id, `${lang() === 'ja' ? lab.display : lab.en} (${lab.unit})`)),
  );
  const value = h('input', {
    type: 'number',
    required: true,
    step: 'any',
    inputmode: 'decimal',
    testid: 'lab-value-input',
  });
  const unit = h('span', { class: 'muted', testid: 'lab-unit' });
  const date = dateInput('lab-date', true, todayTokyo());
  const chosen = (): CommonLab | undefined => COMMON_LABS.find((lab) => lab.id === test.value);
  test.addEventListener('change', () => {
    const lab = chosen();
    unit.textContent = lab ? lab.unit : '';
    value.min = lab ? String(lab.min) : '';
    value.max = lab ? String(lab.max) : '';
  });
  const valueField = field(t('record.lab_value'), value);
  valueField.append(unit);
  const testField = field(t('record.lab_test'), test);
  testField.insertBefore(labSearch(test), test);
  resourceDialog({
    title: 'record.add_lab',
    testid: 'lab',
    type: 'Observation',
    controls: [
      testField,
      valueField,
      field(t('record.lab_date'), date),
    ],
    fields: [
      ['Observation.code', test],
      ['Observation.value', value],
      ['Observation.effective', date],
    ],
    build: () => {
      const lab = chosen() as CommonLab;
      const range = lab.range(patient);
      return {
        resourceType: 'Observation',
        status: 'final',
        category: [{ coding: [{ system: `${HL7}/observation-category`, code: 'laboratory' }] }],
        code: { coding: [{ system: JLAC10, code: lab.code, display: lab.display }], text: lab.display },
        subject: patientRef(patient),
        effectiveDateTime: date.value,
        valueQuantity: quantity(Number(value.value), lab),
        referenceRange: [
          {
            ...(range.low !== undefined ? { low: quantity(range.low, lab) } : {}),
            ...(range.high !== undefined ? { high: quantity(range.high, lab) } : {}),
          },
        ],
      };
    },
    saved,
  });
}
