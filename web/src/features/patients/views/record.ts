// SPDX-License-Identifier: Apache-2.0
// The 記録 tab of the patient page: the six items of the shared record (傷病名, アレルギー, 感染症,
// 薬剤禁忌, 検査, 処方) and the documents, read from /fhir. Every section loads on its own, so a
// refused search (e.g. Observation under emergency access) leaves the others working. Every item
// shows the organisation that recorded it and its clinical date.
import { badge, empty, loadInto } from '../../../common';
import { h, replace, table, td, tdWrap, type Child } from '../../../dom';
import {
  conceptText,
  firstCode,
  hasCoding,
  isEnteredInError,
  RECORD_CATEGORY,
  sourceOrg,
  type CodeableConcept,
  type Reference,
  type Resource,
} from '../../../fhir';
import { fhirTime, formatFhirDate } from '../../../format';
import { mayWrite } from '../../../session';
import { t, tCode, type MessageKey } from '../../../i18n';
import type { TabContext } from '../extensions';
import type { Patient } from '../types';
import { searchRecord } from './recordSearch';
import { guarded, itemDate, sourceCell, sourceLine } from './recordCommon';
import { entryActions, entryClass, withdrawnNote, type Editable } from './recordChange';
import { renderDocuments } from './recordDocs';
import { openAllergyForm, openConditionForm, openLabForm, openMedicationForm } from './recordForms';
import { renderLabs } from './recordLabs';

const FLAG_CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';
const ACTIVE_CONDITION = new Set(['active', 'recurrence', 'relapse']);

interface Section {
  root: HTMLElement;
  body: HTMLElement;
}

function section(id: string, title: MessageKey, action?: HTMLButtonElement): Section {
  const headingId = `record-${id}-title`;
  const body = h('div', { class: 'record-body', testid: `record-${id}-body` });
  const root = h(
    'section',
    { class: 'card record-section', testid: `record-${id}`, 'aria-labelledby': headingId },
    h('div', { class: 'record-head' }, h('h2', { id: headingId }, t(title)), action ?? null),
    body,
  );
  return { root, body };
}

function addButton(testid: string, label: MessageKey, open: () => void): HTMLButtonElement {
  return h('button', { type: 'button', class: 'secondary small', testid, onclick: open }, t(label));
}

function itemList(testid: string, items: HTMLElement[]): HTMLUListElement {
  return h('ul', { class: 'record-list', testid }, items);
}

/** Items past the current ones, folded under a summary that says how many there are. */
function folded(label: MessageKey, testid: string, items: HTMLElement[]): HTMLElement | null {
  if (items.length === 0) return null;
  return h(
    'details',
    { class: 'record-fold', testid },
    h('summary', null, t(label, { count: items.length })),
    itemList(`${testid}-list`, items),
  );
}

/** Withdrawn (entered-in-error) entries: kept, struck through, outside every count above. */
function withdrawnFold(testid: string, items: HTMLElement[]): HTMLElement | null {
  return folded('record.withdrawn_count', `${testid}-withdrawn`, items);
}

/** What an entry's change buttons need: whether the view is read-only, and how to refresh. */
interface ItemContext {
  emergency: boolean;
  reload: () => void;
}

function byDateDesc<T>(items: T[], date: (item: T) => string | undefined): T[] {
  const key = (item: T): number => {
    const time = fhirTime(date(item));
    return Number.isNaN(time) ? 0 : time;
  };
  return [...items].sort((a, b) => key(b) - key(a));
}

export async function renderRecord(panel: HTMLElement, patient: Patient, context: TabContext): Promise<void> {
  // Under emergency access the view is read-only and holds the emergency items only; otherwise
  // only the forms the user's profession may submit are offered (the write matrix).
  const add = (
    testid: string,
    label: MessageKey,
    kind: string,
    open: () => void,
  ): HTMLButtonElement | undefined =>
    context.emergency || !mayWrite(kind) ? undefined : addButton(testid, label, open);
  const reloadConditions = (): void =>
    void loadConditions(conditions.body, infections.body, patient, { emergency: context.emergency, reload: reloadConditions });
  const reloadAllergies = (): void =>
    void loadAllergies(allergies.body, patient, { emergency: context.emergency, reload: reloadAllergies });
  const reloadMeds = (): void =>
    void loadMedications(meds.body, patient, { emergency: context.emergency, reload: reloadMeds });
  const conditions = section(
    'conditions',
    'record.conditions',
    add('add-condition', 'record.add_condition', 'diagnosis', () => openConditionForm(patient, reloadConditions)),
  );
  const allergies = section(
    'allergies',
    'record.allergies',
    add('add-allergy', 'record.add_allergy', 'allergy', () => openAllergyForm(patient, reloadAllergies)),
  );
  const infections = section('infections', 'record.infections');
  const contraindications = section('contraindications', 'record.contraindications');
  const labs = section(
    'labs',
    'record.labs',
    add('add-lab', 'record.add_lab', 'lab', () =>
      openLabForm(patient, () => void renderLabs(labs.body, patient)),
    ),
  );
  const meds = section(
    'medications',
    'record.medications',
    add('add-medication', 'record.add_medication', 'prescription', () => openMedicationForm(patient, reloadMeds)),
  );
  const docs = section('documents', 'record.documents');
  replace(
    panel,
    h('h2', { class: 'visually-hidden' }, t('tab.record')),
    h(
      'div',
      { class: 'record', testid: 'record' },
      [conditions, allergies, infections, contraindications, labs, meds, docs].map((s) => s.root),
    ),
  );
  await Promise.all([
    loadConditions(conditions.body, infections.body, patient, { emergency: context.emergency, reload: reloadConditions }),
    loadAllergies(allergies.body, patient, { emergency: context.emergency, reload: reloadAllergies }),
    loadFlags(contraindications.body, patient),
    context.emergency ? emergencyNotShown(labs.body) : renderLabs(labs.body, patient),
    loadMedications(meds.body, patient, { emergency: context.emergency, reload: reloadMeds }),
    renderDocuments(docs.body, patient),
  ]);
}

/** Lab results are not part of the emergency view: say so rather than show an empty list. */
function emergencyNotShown(body: HTMLElement): void {
  replace(body, h('p', { class: 'muted', testid: 'record-emergency-not-shown' }, t('record.emergency_not_shown')));
}

// ---- 傷病名 and 感染症 (one search, two sections) ----

function clinicalStatus(resource: Resource): string {
  return firstCode(resource.clinicalStatus as CodeableConcept | undefined);
}

function conditionDate(c: Resource): string | undefined {
  const onsetPeriod = c.onsetPeriod as { start?: string } | undefined;
  return itemDate(c, c.onsetDateTime as string | undefined, onsetPeriod?.start, c.recordedDate as string | undefined);
}

const CONDITION_FIELDS: Editable[] = [
  {
    label: 'record.condition_name',
    testid: 'correct-condition-name',
    get: (c) => conceptText(c.code as CodeableConcept | undefined),
    set: (c, value) => {
      c.code = { ...(c.code as CodeableConcept | undefined), text: value };
    },
  },
];

function conditionItem(c: Resource, context: ItemContext): HTMLLIElement {
  const code = c.code as CodeableConcept | undefined;
  const status = clinicalStatus(c);
  const icd = code?.coding?.find((coding) => /ICD10|icd-10/i.test(coding.system ?? ''))?.code;
  return h(
    'li',
    { class: entryClass('record-item', c), testid: 'condition', 'data-id': c.id ?? '' },
    h(
      'div',
      { class: 'record-main' },
      h('strong', { testid: 'condition-name' }, conceptText(code) || t('record.unnamed')),
      icd ? h('small', { class: 'muted code' }, icd) : null,
      status && !isEnteredInError(c)
        ? badge(tCode('record.status', status), ACTIVE_CONDITION.has(status) ? 'warn' : 'muted')
        : null,
      entryActions(c, { kind: 'diagnosis', editable: CONDITION_FIELDS, emergency: context.emergency, saved: context.reload }),
    ),
    withdrawnNote(c),
    sourceLine(c, conditionDate(c)),
  );
}

function conditionList(list: Resource[], kind: 'conditions' | 'infections', context: ItemContext): Child {
  if (list.length === 0) return empty(t(`record.no_${kind}`), `record-${kind}-empty`);
  const sorted = byDateDesc(list, conditionDate);
  const kept = sorted.filter((c) => !isEnteredInError(c));
  const active = kept.filter((c) => ACTIVE_CONDITION.has(clinicalStatus(c)));
  const others = kept.filter((c) => !ACTIVE_CONDITION.has(clinicalStatus(c)));
  const item = (c: Resource): HTMLLIElement => conditionItem(c, context);
  return [
    active.length
      ? itemList(`${kind}-active`, active.map(item))
      : empty(t('record.no_active'), `record-${kind}-none-active`),
    folded('record.inactive_count', `${kind}-inactive`, others.map(item)),
    withdrawnFold(kind, sorted.filter(isEnteredInError).map(item)),
  ];
}

async function loadConditions(
  problems: HTMLElement,
  infections: HTMLElement,
  patient: Patient,
  context: ItemContext,
): Promise<void> {
  const found = searchRecord('Condition', patient, { _count: 200 });
  // Both panels wait on the same search; each shows the outcome on its own.
  const isInfection = (c: Resource): boolean =>
    hasCoding(c.category as CodeableConcept[] | undefined, RECORD_CATEGORY, 'infection');
  await Promise.all([
    loadInto(problems, () => guarded(() => found)).then((list) => {
      if (list) replace(problems, conditionList(list.filter((c) => !isInfection(c)), 'conditions', context));
    }),
    loadInto(infections, () => guarded(() => found)).then((list) => {
      if (list) replace(infections, conditionList(list.filter(isInfection), 'infections', context));
    }),
  ]);
}

// ---- アレルギー ----

interface Reaction {
  severity?: string;
  manifestation?: CodeableConcept[];
  description?: string;
}

export function isSevereAllergy(a: Resource): boolean {
  if (isEnteredInError(a)) return false; // a withdrawn entry warns of nothing
  const reactions = (a.reaction as Reaction[] | undefined) ?? [];
  return a.criticality === 'high' || reactions.some((r) => r.severity === 'severe');
}

const ALLERGY_FIELDS: Editable[] = [
  {
    label: 'record.allergy_substance',
    testid: 'correct-allergy-substance',
    get: (a) => conceptText(a.code as CodeableConcept | undefined),
    set: (a, value) => {
      a.code = { ...(a.code as CodeableConcept | undefined), text: value };
    },
  },
];

function allergyItem(a: Resource, context: ItemContext): HTMLLIElement {
  const severe = isSevereAllergy(a);
  const reactions = (a.reaction as Reaction[] | undefined) ?? [];
  const categories = (a.category as string[] | undefined) ?? [];
  const notes = ((a.note as { text?: string }[] | undefined) ?? []).map((n) => n.text ?? '').filter(Boolean);
  const status = firstCode(a.clinicalStatus as CodeableConcept | undefined);
  const criticality = a.criticality as string | undefined;
  const date = itemDate(a, a.onsetDateTime as string | undefined, a.recordedDate as string | undefined);
  return h(
    'li',
    {
      class: entryClass(severe ? 'record-item severe' : 'record-item', a),
      testid: 'allergy',
      'data-severe': String(severe),
      'data-id': a.id ?? '',
    },
    h(
      'div',
      { class: 'record-main' },
      severe
        ? h('span', { class: 'severe-mark', testid: 'allergy-severe', role: 'img', 'aria-label': t('record.severe') },
            h('span', { 'aria-hidden': 'true' }, '⚠'), h('span', null, t('record.severe')))
        : null,
      h('strong', { testid: 'allergy-name' }, conceptText(a.code as CodeableConcept | undefined) || t('record.unnamed')),
      categories.map((c) => badge(tCode('record.allergy_category', c), 'muted')),
      criticality ? h('small', null, t('record.criticality', { value: tCode('record.criticality', criticality) })) : null,
      status && status !== 'active' && !isEnteredInError(a) ? badge(tCode('record.status', status), 'muted') : null,
      entryActions(a, { kind: 'allergy', editable: ALLERGY_FIELDS, emergency: context.emergency, saved: context.reload }),
    ),
    withdrawnNote(a),
    reactions.length
      ? h(
          'ul',
          { class: 'reactions' },
          reactions.map((r) =>
            h(
              'li',
              null,
              // one scale of danger: the allergy's criticality (危険度), not the reaction's severity
              [...(r.manifestation ?? []).map(conceptText), r.description ?? ''].filter(Boolean).join('、'),
            ),
          ),
        )
      : null,
    notes.length ? h('p', { class: 'note' }, notes.join(' ')) : null,
    sourceLine(a, date),
  );
}

async function loadAllergies(body: HTMLElement, patient: Patient, context: ItemContext): Promise<void> {
  const list = await loadInto(body, () => guarded(() => searchRecord('AllergyIntolerance', patient)));
  if (!list) return;
  if (list.length === 0) {
    replace(body, empty(t('record.no_allergies'), 'record-allergies-empty'));
    return;
  }
  // The dangerous ones first, then the newest.
  const sorted = byDateDesc(list, (a) => itemDate(a, a.recordedDate as string | undefined));
  sorted.sort((a, b) => Number(isSevereAllergy(b)) - Number(isSevereAllergy(a)));
  const item = (a: Resource): HTMLLIElement => allergyItem(a, context);
  const kept = sorted.filter((a) => !isEnteredInError(a));
  replace(
    body,
    kept.length ? itemList('allergies', kept.map(item)) : empty(t('record.no_active')),
    withdrawnFold('allergies', sorted.filter(isEnteredInError).map(item)),
  );
}

// ---- 薬剤禁忌 ----

function flagItem(f: Resource): HTMLLIElement {
  const period = f.period as { start?: string; end?: string } | undefined;
  const status = f.status as string | undefined;
  return h(
    'li',
    { class: entryClass('record-item contraindication', f), testid: 'contraindication', 'data-id': f.id ?? '' },
    h(
      'div',
      { class: 'record-main' },
      h('strong', null, conceptText(f.code as CodeableConcept | undefined) || t('record.unnamed')),
      status && status !== 'active' ? badge(tCode('record.status', status), 'muted') : null,
    ),
    withdrawnNote(f),
    sourceLine(f, itemDate(f, period?.start)),
  );
}

async function loadFlags(body: HTMLElement, patient: Patient): Promise<void> {
  const list = await loadInto(body, () => guarded(() => searchRecord('Flag', patient)));
  if (!list) return;
  const drug = list.filter((f) => hasCoding(f.category as CodeableConcept[] | undefined, FLAG_CATEGORY, 'drug'));
  const current = drug.filter((f) => f.status !== 'inactive' && f.status !== 'entered-in-error');
  const others = drug.filter((f) => !current.includes(f) && !isEnteredInError(f));
  replace(
    body,
    drug.length === 0
      ? empty(t('record.no_contraindications'), 'record-contraindications-empty')
      : [
          current.length ? itemList('contraindications', current.map(flagItem)) : empty(t('record.no_active')),
          folded('record.inactive_count', 'contraindications-inactive', others.map(flagItem)),
          withdrawnFold('contraindications', drug.filter(isEnteredInError).map(flagItem)),
        ],
  );
}

// ---- 処方 ----

interface Dosage {
  text?: string;
  timing?: { repeat?: { boundsPeriod?: { start?: string; end?: string } } };
}

interface MedicationRow {
  resource: Resource;
  name: string;
  dosage: string;
  start: string | undefined;
  prescriber: string;
  current: boolean;
}

function medicationName(r: Resource): string {
  const concept = r.medicationCodeableConcept as CodeableConcept | undefined;
  const reference = r.medicationReference as Reference | undefined;
  return conceptText(concept) || reference?.display || t('record.unnamed');
}

function medicationRow(r: Resource): MedicationRow {
  const isRequest = r.resourceType === 'MedicationRequest';
  const dosages = ((isRequest ? r.dosageInstruction : r.dosage) as Dosage[] | undefined) ?? [];
  const bounds = dosages.find((d) => d.timing?.repeat?.boundsPeriod?.start)?.timing?.repeat?.boundsPeriod?.start;
  const period = r.effectivePeriod as { start?: string } | undefined;
  const effective = period?.start ?? (r.effectiveDateTime as string | undefined);
  const who = (isRequest ? r.requester : r.informationSource) as Reference | undefined;
  const start = isRequest
    ? ((r.authoredOn as string | undefined) ?? bounds)
    : (effective ?? bounds ?? (r.dateAsserted as string | undefined));
  return {
    resource: r,
    name: medicationName(r),
    dosage: dosages.map((d) => d.text ?? '').filter(Boolean).join(' / '),
    start,
    prescriber: who?.display || sourceOrg(r),
    current: r.status === 'active',
  };
}

const DOSAGE_FIELDS: Editable[] = [
  {
    label: 'record.med_dosage',
    testid: 'correct-dosage',
    get: (r) => ((r.dosageInstruction as Dosage[] | undefined) ?? []).map((d) => d.text ?? '').join(' / '),
    set: (r, value) => {
      const dosages = (r.dosageInstruction as Dosage[] | undefined) ?? [];
      r.dosageInstruction = dosages.length
        ? dosages.map((d, i) => (i === 0 ? { ...d, text: value } : d))
        : [{ text: value }];
    },
  },
];

function medicationTable(testid: string, rows: MedicationRow[], context: ItemContext): HTMLElement {
  return table(
    testid,
    (['med_name', 'med_dosage', 'med_start', 'med_prescriber', 'source_col'] as const).map((key) => t(`record.${key}`)),
    rows.map((row) =>
      h(
        'tr',
        {
          class: entryClass('', row.resource),
          testid: 'medication',
          'data-id': row.resource.id ?? '',
          'data-type': row.resource.resourceType,
        },
        tdWrap(
          h('strong', { testid: 'medication-name' }, row.name),
          row.resource.resourceType === 'MedicationStatement'
            ? h('small', { class: 'muted' }, ` ${t('record.med_statement')}`)
            : null,
          !row.current && typeof row.resource.status === 'string'
            ? badge(tCode('record.status', row.resource.status), 'muted')
            : null,
          stopNote(row.resource),
          withdrawnNote(row.resource),
          row.resource.resourceType === 'MedicationRequest'
            ? entryActions(row.resource, {
                kind: 'prescription',
                editable: DOSAGE_FIELDS,
                stoppable: true,
                emergency: context.emergency,
                saved: context.reload,
              })
            : null,
        ),
        tdWrap(row.dosage),
        td(formatFhirDate(row.start)),
        tdWrap(row.prescriber),
        sourceCell(row.resource),
      ),
    ),
  );
}

/** When and why a stopped prescription stopped. */
function stopNote(r: Resource): HTMLElement | null {
  if (r.status !== 'stopped') return null;
  const dosages = (r.dosageInstruction as Dosage[] | undefined) ?? [];
  const end = dosages.find((d) => d.timing?.repeat?.boundsPeriod?.end)?.timing?.repeat?.boundsPeriod?.end;
  const why = conceptText(r.statusReason as CodeableConcept | undefined);
  if (!end && !why) return null;
  return h(
    'p',
    { class: 'note', testid: 'medication-stopped' },
    t('record.stopped_on', { date: end ? formatFhirDate(end) : '—', reason: why || '—' }),
  );
}

async function loadMedications(body: HTMLElement, patient: Patient, context: ItemContext): Promise<void> {
  const loaded = await loadInto(body, () =>
    guarded(() =>
      Promise.all([
        searchRecord('MedicationRequest', patient, { _count: 200 }),
        searchRecord('MedicationStatement', patient, { _count: 200 }),
      ]),
    ),
  );
  if (!loaded) return;
  const rows = byDateDesc([...loaded[0], ...loaded[1]].map(medicationRow), (row) => row.start);
  const current = rows.filter((row) => row.current);
  const others = rows.filter((row) => !row.current && !isEnteredInError(row.resource));
  const withdrawn = rows.filter((row) => isEnteredInError(row.resource));
  replace(
    body,
    rows.length === 0
      ? empty(t('record.no_medications'), 'record-medications-empty')
      : [
          current.length ? medicationTable('medications-current', current, context) : empty(t('record.no_active')),
          others.length
            ? h(
                'details',
                { class: 'record-fold', testid: 'medications-past' },
                h('summary', null, t('record.past_count', { count: others.length })),
                medicationTable('medications-past-table', others, context),
              )
            : null,
          withdrawn.length
            ? h(
                'details',
                { class: 'record-fold', testid: 'medications-withdrawn' },
                h('summary', null, t('record.withdrawn_count', { count: withdrawn.length })),
                medicationTable('medications-withdrawn-table', withdrawn, context),
              )
            : null,
        ],
  );
}
