// SPDX-License-Identifier: Apache-2.0
// Between the record form's controls, the draft kept in the browser (what each named control
// holds) and the request body (docs/api/homecare.md "Forms"): values read, values restored, the
// body built, and a stored record's fields turned back into values for a correction.
import type { RecordBody, RecordContent, RecordForm, VisitRecord } from './recordsApi';
import { BARTHEL, FORM_FIELDS, VITALS, drugRow } from './recordsFields';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controls(form: HTMLFormElement): Control[] {
  return Array.from(form.querySelectorAll<Control>('input[name], select[name], textarea[name]'));
}

/** What every named control of the form holds. */
export function readValues(form: HTMLFormElement): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  // a list of 残薬 emptied is kept as empty, not forgotten
  if (form.querySelector('[data-testid="rec-drug-rows"]')) {
    values['content.remaining_drugs[].drug'] = [];
    values['content.remaining_drugs[].count'] = [];
  }
  for (const control of controls(form)) (values[control.name] ??= []).push(control.value);
  return values;
}

/** Puts values back into the form's controls (rows of 残薬 made as needed). */
export function restoreValues(form: HTMLFormElement, values: Record<string, string[]>): void {
  const drugs = values['content.remaining_drugs[].drug']?.length ?? 0;
  const rows = form.querySelector('[data-testid="rec-drug-rows"]');
  if (rows) {
    rows.replaceChildren();
    for (let i = 0; i < drugs; i++) rows.append(drugRow());
  }
  const seen: Record<string, number> = {};
  for (const control of controls(form)) {
    const index = seen[control.name] ?? 0;
    seen[control.name] = index + 1;
    const value = values[control.name]?.[index];
    if (value !== undefined) control.value = value;
  }
  form.querySelector('[data-testid="rec-adl"]')?.dispatchEvent(new Event('homecare-restored'));
}

const first = (values: Record<string, string[]>, name: string): string => (values[name]?.[0] ?? '').trim();

/** A number as typed: a number, or the text itself so that the server names what is wrong. */
function numberOf(text: string): number | string {
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/** `2026-12-07T10:00` (datetime-local, Tokyo) → `2026-12-07T10:00:00+09:00`. */
export function tokyoInstant(local: string): string {
  return local.length === 16 ? `${local}:00+09:00` : local;
}

function vitalsOf(values: Record<string, string[]>): Record<string, number | string> | undefined {
  const vitals: Record<string, number | string> = {};
  for (const spec of VITALS) {
    const text = first(values, `content.vitals.${spec.name}`);
    if (text !== '') vitals[spec.name] = numberOf(text);
  }
  return Object.keys(vitals).length ? vitals : undefined;
}

function adlOf(values: Record<string, string[]>): Record<string, number> | undefined {
  const adl: Record<string, number> = {};
  for (const { item } of BARTHEL) {
    const text = first(values, `content.adl.${item}`);
    if (text !== '') adl[item] = Number(text);
  }
  return Object.keys(adl).length ? adl : undefined;
}

function drugsOf(values: Record<string, string[]>): { drug: string; count: number | string }[] | undefined {
  const names = values['content.remaining_drugs[].drug'] ?? [];
  const counts = values['content.remaining_drugs[].count'] ?? [];
  const drugs = names
    .map((drug, i) => ({ drug: drug.trim(), count: (counts[i] ?? '').trim() }))
    .filter((d) => d.drug !== '' || d.count !== '')
    .map((d) => ({ drug: d.drug, count: d.count === '' ? '' : numberOf(d.count) }));
  return drugs.length ? drugs : undefined;
}

/** The form's content: the fields of its form that hold something, and the vitals. */
export function contentOf(form: RecordForm, values: Record<string, string[]>): RecordContent {
  const content: RecordContent = {};
  for (const spec of FORM_FIELDS[form]) {
    if (spec.type === 'adl') {
      const adl = adlOf(values);
      if (adl) content.adl = adl;
    } else if (spec.type === 'drugs') {
      const drugs = drugsOf(values);
      if (drugs) content[spec.name] = drugs;
    } else {
      const value = first(values, `content.${spec.name}`);
      if (value !== '') content[spec.name] = value;
    }
  }
  const vitals = vitalsOf(values);
  if (vitals) content.vitals = vitals as RecordContent['vitals'];
  return content;
}

/** The request body of a creation (kind given) or a correction (reason and base version). */
export function bodyOf(form: RecordForm, values: Record<string, string[]>, correction?: { base_version: number }): RecordBody {
  const body: RecordBody = {
    visit_start: tokyoInstant(first(values, 'visit_start')),
    visit_end: tokyoInstant(first(values, 'visit_end')),
    content: contentOf(form, values),
  };
  const handover = first(values, 'handover');
  if (handover !== '') body.handover = handover;
  if (correction) {
    body.reason = first(values, 'reason');
    body.base_version = correction.base_version;
  } else {
    body.kind = first(values, 'kind');
  }
  return body;
}

/** An instant as a datetime-local value in Tokyo (UTC+9 all year). */
export function tokyoLocal(instant: Date): string {
  return new Date(instant.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);
}

/** A stored record's fields as form values, to start a correction from. */
export function valuesOfRecord(record: VisitRecord): Record<string, string[]> {
  const values: Record<string, string[]> = {
    visit_start: [tokyoLocal(new Date(record.visit_start))],
    visit_end: [tokyoLocal(new Date(record.visit_end))],
    handover: [record.handover ?? ''],
  };
  const content = record.content ?? {};
  for (const [name, value] of Object.entries(content)) {
    if (name === 'vitals' || name === 'adl' || name === 'remaining_drugs') continue;
    if (typeof value === 'string') values[`content.${name}`] = [value];
  }
  for (const [name, value] of Object.entries(content.vitals ?? {})) values[`content.vitals.${name}`] = [String(value)];
  for (const [item, value] of Object.entries(content.adl ?? {})) values[`content.adl.${item}`] = [String(value)];
  const drugs = content.remaining_drugs ?? [];
  values['content.remaining_drugs[].drug'] = drugs.map((d) => d.drug);
  values['content.remaining_drugs[].count'] = drugs.map((d) => String(d.count));
  return values;
}
