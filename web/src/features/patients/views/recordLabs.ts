// SPDX-License-Identifier: Apache-2.0
// The 検査 section of the 記録 tab: laboratory Observations grouped by test, a table of the latest
// result of each test with H/L against its reference range, and a trend chart for every test with
// several numeric results; then the vital signs (category vital-signs, e.g. from home-care visit
// records) the same way, in a table and charts of their own.
import { empty, loadInto } from '../../../common';
import { h, replace, table, td, tdWrap } from '../../../dom';
import {
  conceptText,
  isEnteredInError,
  type CodeableConcept,
  type Quantity,
  type Resource,
} from '../../../fhir';
import { decimalsOf, fhirTime, formatFhirDate, formatLabValue, formatUnit } from '../../../format';
import { t } from '../../../i18n';
import type { Patient } from '../types';
import { searchRecord } from './recordSearch';
import { labChart, type LabPoint } from './labChart';
import { withdrawnNote } from './recordChange';
import { guarded, itemDate, sourceCell, sourceLine } from './recordCommon';

interface Range {
  low?: Quantity;
  high?: Quantity;
  text?: string;
}

interface LabResult {
  resource: Resource;
  date: string | undefined;
  time: number;
  value: number | undefined;
  text: string;
  unit: string;
  low: number | undefined;
  high: number | undefined;
  rangeText: string;
  flag: '' | 'H' | 'L';
}

interface LabGroup {
  key: string;
  name: string;
  results: LabResult[]; // oldest first
}

const HIGH_CODES = new Set(['H', 'HH', 'HU', '>']);
const LOW_CODES = new Set(['L', 'LL', 'LU', '<']);

function flagOf(r: Resource, value: number | undefined, low?: number, high?: number): '' | 'H' | 'L' {
  const interpretation = (r.interpretation as CodeableConcept[] | undefined) ?? [];
  for (const concept of interpretation) {
    for (const coding of concept.coding ?? []) {
      if (coding.code && HIGH_CODES.has(coding.code)) return 'H';
      if (coding.code && LOW_CODES.has(coding.code)) return 'L';
    }
  }
  if (value === undefined) return '';
  if (high !== undefined && value > high) return 'H';
  if (low !== undefined && value < low) return 'L';
  return '';
}

function rangeText(range: Range | undefined, unit: string): string {
  if (!range) return '';
  if (range.text) return range.text;
  const low = range.low?.value;
  const high = range.high?.value;
  if (low === undefined && high === undefined) return '';
  return `${low ?? ''}–${high ?? ''} ${unit}`.trim();
}

function labResult(r: Resource): LabResult {
  const quantity = r.valueQuantity as Quantity | undefined;
  const range = ((r.referenceRange as Range[] | undefined) ?? [])[0];
  const unit = formatUnit(quantity?.unit ?? quantity?.code ?? '');
  const value = typeof quantity?.value === 'number' ? quantity.value : undefined;
  const low = range?.low?.value;
  const high = range?.high?.value;
  const effectivePeriod = r.effectivePeriod as { start?: string } | undefined;
  const effective = (r.effectiveDateTime as string | undefined) ?? effectivePeriod?.start;
  const date = itemDate(r, effective, r.issued as string | undefined);
  const text =
    value !== undefined
      ? `${value}`
      : ((r.valueString as string | undefined) ?? conceptText(r.valueCodeableConcept as CodeableConcept | undefined));
  return {
    resource: r,
    date,
    time: fhirTime(date),
    value,
    text,
    unit,
    low,
    high,
    rangeText: rangeText(range, unit),
    flag: flagOf(r, value, low, high),
  };
}

function groupKey(code: CodeableConcept | undefined): string {
  const coding = code?.coding?.find((c) => c.code);
  if (coding) return `${coding.system ?? ''}|${coding.code}`;
  return `text|${conceptText(code)}`;
}

export function groupLabs(observations: Resource[]): LabGroup[] {
  const groups = new Map<string, LabGroup>();
  for (const r of observations) {
    const code = r.code as CodeableConcept | undefined;
    const key = groupKey(code);
    let group = groups.get(key);
    if (!group) {
      group = { key, name: conceptText(code) || t('record.unnamed'), results: [] };
      groups.set(key, group);
    }
    group.results.push(labResult(r));
  }
  for (const group of groups.values()) {
    group.results.sort((a, b) => (a.time || 0) - (b.time || 0));
    // every value with the test's precision, as its results and reference range show it
    const decimals = decimalsOf(group.results.flatMap((r) => [r.value, r.low, r.high]));
    for (const r of group.results) {
      if (r.value !== undefined) r.text = formatLabValue(r.value, decimals);
      const range = ((r.resource.referenceRange as Range[] | undefined) ?? [])[0];
      if (range && !range.text && (r.low !== undefined || r.high !== undefined)) {
        const bound = (v: number | undefined): string => (v === undefined ? '' : formatLabValue(v, decimals));
        r.rangeText = `${bound(r.low)}–${bound(r.high)} ${r.unit}`.trim();
      }
    }
  }
  return [...groups.values()];
}

function flagCell(flag: '' | 'H' | 'L'): HTMLTableCellElement {
  if (!flag) return td('');
  const label = t(flag === 'H' ? 'record.lab_high' : 'record.lab_low');
  return td(
    h(
      'span',
      { class: `lab-flag ${flag === 'H' ? 'high' : 'low'}`, testid: 'lab-flag', title: label },
      h('span', { 'aria-hidden': 'true' }, flag === 'H' ? '▲' : '▼'),
      ` ${flag}`,
      h('span', { class: 'visually-hidden' }, label),
    ),
  );
}

function latestRow(group: LabGroup): HTMLTableRowElement | null {
  const latest = group.results[group.results.length - 1];
  if (!latest) return null;
  return h(
    'tr',
    { testid: 'lab-row', 'data-test-name': group.name, 'data-flag': latest.flag },
    tdWrap(h('strong', { testid: 'lab-name' }, group.name)),
    td(h('span', { testid: 'lab-value' }, latest.text), latest.unit ? ` ${latest.unit}` : ''),
    flagCell(latest.flag),
    tdWrap(latest.rangeText),
    td(formatFhirDate(latest.date)),
    sourceCell(latest.resource),
  );
}

function chartFor(group: LabGroup): HTMLElement | null {
  const numeric = group.results.filter((r) => r.value !== undefined && !Number.isNaN(r.time));
  if (numeric.length < 2) return null;
  const latest = numeric[numeric.length - 1] as LabResult;
  const points: LabPoint[] = numeric.map((r) => ({
    time: r.time,
    label: formatFhirDate(r.date),
    value: r.value as number,
    text: r.text,
    flag: r.flag,
  }));
  return h(
    'figure',
    { class: 'lab-figure', testid: 'lab-figure' },
    h('figcaption', null, `${group.name}${latest.unit ? ` (${latest.unit})` : ''}`),
    labChart({ name: group.name, unit: latest.unit, low: latest.low, high: latest.high, points }),
  );
}

function isVital(r: Resource): boolean {
  const categories = (r.category as CodeableConcept[] | undefined) ?? [];
  return categories.some((c) => (c.coding ?? []).some((coding) => coding.code === 'vital-signs'));
}

/** The latest values' table and the trend charts of one kind of Observation (labs or vitals). */
function resultsBlock(groups: LabGroup[], kind: 'lab' | 'vital'): HTMLElement[] {
  const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name, 'ja'));
  const rows = sorted.map(latestRow).filter((row): row is HTMLTableRowElement => row !== null);
  const charts = sorted.map(chartFor).filter((chart): chart is HTMLElement => chart !== null);
  const block: HTMLElement[] = [];
  if (kind === 'vital') block.push(h('h4', { class: 'record-subheading', testid: 'vital-heading' }, t('record.vitals')));
  block.push(
    table(
      `${kind}-table`,
      [
        t(kind === 'lab' ? 'record.lab_test' : 'record.vital_item'),
        t('record.lab_value'),
        t('record.lab_flag'),
        t('record.lab_range'),
        t('record.lab_date'),
        t('record.source_col'),
      ],
      rows,
    ),
  );
  if (charts.length) block.push(h('div', { class: 'lab-charts', testid: `${kind}-charts` }, charts));
  return block;
}

export async function renderLabs(
  body: HTMLElement,
  patient: Patient,
): Promise<void> {
  const list = await loadInto(body, () =>
    guarded(() =>
      searchRecord('Observation', patient, { category: 'laboratory,vital-signs', _sort: 'date', _count: 1000 }),
    ),
  );
  if (!list) return;
  if (list.length === 0) {
    replace(body, empty(t('record.no_labs'), 'record-labs-empty'));
    return;
  }
  // Withdrawn results are neither the latest value nor a point of a trend; they are listed apart.
  const withdrawn = list.filter(isEnteredInError);
  const current = list.filter((o) => !isEnteredInError(o));
  const labs = groupLabs(current.filter((o) => !isVital(o)));
  const vitals = groupLabs(current.filter(isVital));
  replace(
    body,
    labs.length ? resultsBlock(labs, 'lab') : empty(t('record.no_labs'), 'record-labs-empty'),
    vitals.length ? resultsBlock(vitals, 'vital') : null,
    withdrawn.length ? withdrawnLabs(withdrawn) : null,
  );
}

function withdrawnLabs(list: Resource[]): HTMLElement {
  return h(
    'details',
    { class: 'record-fold', testid: 'labs-withdrawn' },
    h('summary', null, t('record.withdrawn_count', { count: list.length })),
    h(
      'ul',
      { class: 'record-list' },
      list.map((o) => {
        const q = o.valueQuantity as Quantity | undefined;
        const value = q?.value !== undefined ? `${q.value} ${q.unit ?? ''}`.trim() : '';
        return h(
          'li',
          { class: 'record-item withdrawn', testid: 'lab-withdrawn', 'data-id': o.id ?? '' },
          h('div', { class: 'record-main' }, h('strong', null, `${conceptText(o.code as CodeableConcept | undefined)} ${value}`)),
          withdrawnNote(o),
          sourceLine(o, itemDate(o, o.effectiveDateTime as string | undefined)),
        );
      }),
    ),
  );
}
