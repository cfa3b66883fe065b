// SPDX-License-Identifier: Apache-2.0
// The visit figures (訪問実績) of an organisation, a tab of the figures page beside the referral
// figures (`#/stats/homecare?org=&month=YYYY-MM`, registered with registerStatsSection): the six
// months up to the chosen one (GET /api/homecare/figures, one read per month, each audited by the
// server) as charts — visits made by kind per month, patients under care with new and ended,
// cancellations by kind — and for the chosen month new and ended patients by referral source and
// next month's planned visits by kind; the month's table, the definitions the server sends and
// its CSV (GET /api/homecare/figures.csv).
import { api, buildPath } from '../../../api';
import { errorBox, loadInto, pageTitle, showError } from '../../../common';
import { field, h, option, replace, table } from '../../../dom';
import { lang, t } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import { currentMe } from '../../../session';
import { categoryChart, figure, monthChart, type Series } from './figuresChart';
import { kindName, visitKinds, type VisitKind } from './scheduleData';

interface ByKind {
  total: number;
  by_kind: { kind: string; ja: string; en: string; count: number }[];
}

interface BySource {
  total: number;
  by_source: { source: { id: string; name: string } | null; count: number }[];
}

export interface Figures {
  org: { id: string; code: string; name: string; type: string };
  month: string;
  next_month: string;
  made: ByKind;
  cancelled: ByKind;
  signed_records: ByKind;
  next_month_planned: ByKind;
  patients: { under_care: number; new: BySource; ended: BySource };
  definitions: Record<string, string>;
}

const MONTHS = 6;

function thisMonth(): string {
  return new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7); // Asia/Tokyo, no DST
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/** "2026-01" → "2026年1月" (ja) or "Jan 2026" (en). */
function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  if (lang() === 'ja') return `${y}年${m}月`;
  return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}

function isMonth(value: string | null): value is string {
  return value !== null && /^2\d{3}-(0[1-9]|1[0-2])$/.test(value);
}

function kindClass(kinds: VisitKind[], code: string): string {
  return `k${Math.max(kinds.findIndex((k) => k.code === code), 0) + 1}`;
}

/** One series per kind that has a count in any of the months, in the kinds' order. */
function kindSeries(months: Figures[], pick: (f: Figures) => ByKind, kinds: VisitKind[]): Series[] {
  return kinds
    .map((kind) => ({
      name: kindName(kind),
      cls: kindClass(kinds, kind.code),
      values: months.map((f) => pick(f).by_kind.find((k) => k.kind === kind.code)?.count ?? 0),
    }))
    .filter((s) => s.values.some((v) => v > 0));
}

/** The new and ended patients of the month by referral source, one bar each. */
function sourceItems(f: Figures): { name: string; value: number; cls: string }[] {
  const unknown = t('homecare.figures_source_unknown');
  return [
    ...f.patients.new.by_source.map((s) => ({ name: `${t('homecare.figures_new')}: ${s.source?.name ?? unknown}`, value: s.count, cls: 'p2' })),
    ...f.patients.ended.by_source.map((s) => ({ name: `${t('homecare.figures_ended')}: ${s.source?.name ?? unknown}`, value: s.count, cls: 'p3' })),
  ];
}

function charts(months: Figures[], kinds: VisitKind[]): HTMLElement {
  const chosen = months[months.length - 1] as Figures;
  const labels = months.map((f) => formatMonth(f.month));
  const keys = months.map((f) => f.month);
  const made = kindSeries(months, (f) => f.made, kinds);
  const cancelled = kindSeries(months, (f) => f.cancelled, kinds);
  const patients: Series[] = [
    { name: t('homecare.figures_under_care'), cls: 'p1', values: months.map((f) => f.patients.under_care) },
    { name: t('homecare.figures_new'), cls: 'p2', values: months.map((f) => f.patients.new.total) },
    { name: t('homecare.figures_ended'), cls: 'p3', values: months.map((f) => f.patients.ended.total) },
  ];
  const sources = sourceItems(chosen);
  // the kinds the organisation provides, and any other it has planned
  const provides = (code: string): boolean => kinds.find((k) => k.code === code)?.org_types.includes(chosen.org.type) ?? false;
  const planned = chosen.next_month_planned.by_kind.filter((k) => k.count > 0 || provides(k.kind)).map((k) => ({ name: kindName({ code: k.kind, ja: k.ja, en: k.en }), value: k.count, cls: kindClass(kinds, k.kind), key: k.kind }));
  const sourcesTitle = t('homecare.figures_sources_chart', { month: formatMonth(chosen.month) });
  const plannedTitle = t('homecare.figures_planned_chart', { next: formatMonth(chosen.next_month) });
  return h(
    'div',
    { class: 'figures-charts' },
    figure(t('homecare.figures_made_chart'), monthChart({ title: t('homecare.figures_made_chart'), testid: 'figures-made-chart', labels, keys, series: made, stacked: true }), made),
    figure(t('homecare.figures_patients_chart'), monthChart({ title: t('homecare.figures_patients_chart'), testid: 'figures-patients-chart', labels, keys, series: patients, stacked: false }), patients),
    figure(
      sourcesTitle,
      sources.length > 0 ? categoryChart({ title: sourcesTitle, testid: 'figures-sources-chart', items: sources }) : h('p', { class: 'empty', testid: 'figures-sources-empty' }, t('homecare.figures_no_patients_moved')),
      sources.length > 0 ? [patients[1] as Series, patients[2] as Series] : [],
    ),
    figure(t('homecare.figures_cancelled_chart'), monthChart({ title: t('homecare.figures_cancelled_chart'), testid: 'figures-cancelled-chart', labels, keys, series: cancelled, stacked: true }), cancelled),
    figure(plannedTitle, categoryChart({ title: plannedTitle, testid: 'figures-planned-chart', items: planned })),
  );
}

function monthTable(f: Figures): HTMLElement {
  const rows = f.made.by_kind.map((k, i) =>
    h(
      'tr',
      { testid: 'figures-row', 'data-kind': k.kind },
      h('th', { scope: 'row' }, kindName({ code: k.kind, ja: k.ja, en: k.en })),
      h('td', { class: 'num', 'data-field': 'made' }, String(k.count)),
      h('td', { class: 'num', 'data-field': 'signed_records' }, String(f.signed_records.by_kind[i]?.count ?? 0)),
      h('td', { class: 'num', 'data-field': 'cancelled' }, String(f.cancelled.by_kind[i]?.count ?? 0)),
      h('td', { class: 'num', 'data-field': 'next_month_planned' }, String(f.next_month_planned.by_kind[i]?.count ?? 0)),
    ),
  );
  rows.push(
    h(
      'tr',
      { testid: 'figures-total', class: 'total' },
      h('th', { scope: 'row' }, t('homecare.figures_total')),
      [f.made, f.signed_records, f.cancelled, f.next_month_planned].map((x) => h('td', { class: 'num' }, String(x.total))),
    ),
  );
  const headers = [t('homecare.figures_kind'), t('homecare.figures_made'), t('homecare.figures_signed'), t('homecare.figures_cancelled'), t('homecare.figures_planned', { next: formatMonth(f.next_month) })];
  const facts = h(
    'dl',
    { class: 'fact figures-patients', testid: 'figures-patients' },
    [
      [t('homecare.figures_under_care'), f.patients.under_care, 'under_care'],
      [t('homecare.figures_new'), f.patients.new.total, 'new'],
      [t('homecare.figures_ended'), f.patients.ended.total, 'ended'],
    ].map(([label, value, key]) => h('div', { 'data-field': String(key) }, h('dt', null, String(label)), h('dd', null, String(value)))),
  );
  return h('section', null, h('h2', null, t('homecare.figures_table', { month: formatMonth(f.month) })), facts, table('figures-table', headers, rows));
}

function definitions(f: Figures): HTMLElement {
  return h(
    'details',
    { class: 'card stats-definitions', testid: 'figures-definitions' },
    h('summary', null, t('homecare.figures_definitions')),
    h('ul', null, Object.entries(f.definitions).map(([key, text]) => h('li', { 'data-key': key }, text))),
  );
}

function orgChoices(): { id: string; name: string }[] {
  return (currentMe()?.memberships ?? []).map((m) => ({ id: m.org_id, name: m.org_name }));
}

function choiceForm(route: Route, month: string, orgId: string | null): HTMLElement {
  const monthInput = h('input', { type: 'month', name: 'month', value: month, testid: 'figures-month', max: addMonths(thisMonth(), 1) });
  const orgs = orgChoices();
  const org = orgs.length > 1 ? h('select', { name: 'org', testid: 'figures-org' }, orgs.map((o) => option(o.id, o.name, o.id === orgId))) : null;
  const errors = errorBox();
  const form = h('form', { class: 'card row stats-range', testid: 'figures-range' }, org ? field(t('homecare.figures_org'), org) : null, field(t('homecare.figures_month'), monthInput), h('button', { type: 'submit', class: 'primary', testid: 'figures-show' }, t('homecare.figures_show')), errors);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!isMonth(monthInput.value)) {
      showError(errors, t('homecare.figures_month_invalid'));
      return;
    }
    go(hashOf(['stats', 'homecare'], { org: org?.value ?? (route.query.get('org') || undefined), month: monthInput.value }));
  });
  return form;
}

export async function renderFigures(panel: HTMLElement, route: Route): Promise<void> {
  const asked = route.query.get('month');
  const month = isMonth(asked) ? asked : thisMonth();
  const orgId = route.query.get('org') || null;
  const actions = h('div', { class: 'row' });
  const results = h('div', { class: 'stack', testid: 'figures-results' });
  replace(panel, pageTitle(t('homecare.figures_title'), actions), h('div', { class: 'stack', testid: 'figures-page' }, choiceForm(route, month, orgId), results));
  const wanted = Array.from({ length: MONTHS }, (_, i) => addMonths(month, i - MONTHS + 1));
  const loaded = await loadInto(results, () =>
    Promise.all([Promise.all(wanted.map((m) => api.get<Figures>('/api/homecare/figures', { org_id: orgId ?? undefined, month: m }))), visitKinds()]),
  );
  if (!loaded) return;
  const [months, kinds] = loaded;
  const chosen = months[months.length - 1] as Figures;
  const csv = buildPath('/api/homecare/figures.csv', { org_id: chosen.org.id, month: chosen.month });
  replace(actions, h('a', { href: csv, class: 'button secondary', download: '', testid: 'figures-csv' }, t('homecare.figures_csv')));
  replace(
    results,
    h('p', { class: 'stats-org', testid: 'figures-org-name' }, chosen.org.name, ' ', h('span', { class: 'muted' }, `${formatMonth(wanted[0] as string)} – ${formatMonth(month)}`)),
    month >= thisMonth() ? h('p', { class: 'small muted' }, t('homecare.figures_partial')) : null,
    charts(months, kinds),
    monthTable(chosen),
    definitions(chosen),
  );
  results.dataset.loaded = 'true';
}
