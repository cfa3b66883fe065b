// SPDX-License-Identifier: Apache-2.0
// Referral figures (実績) `#/stats?org=&from=&to=`: counts per month as bar charts, 紹介率 and
// 逆紹介率 as lines, the table of every number, median times, top partners, the definitions the
// server sends (docs/api/referral-stats.md), a CSV download and, for the organisation's admins,
// the monthly first-visit count (初診患者数) that is the rates' denominator. Other features' figures
// (registerStatsSection) are tabs beside them: `#/stats/<section>`.
import { api, buildPath } from '../../../api';
import { attempt, errorBox, loadInto, notice, pageTitle, showError } from '../../../common';
import { field, h, option, replace, table, td } from '../../../dom';
import { t, tCode, type MessageKey } from '../../../i18n';
import { loadOrgs } from '../../../orgsCache';
import { go, hashOf, type Route } from '../../../router';
import { currentMe, isNetworkAdmin } from '../../../session';
import { statsSections } from '../extensions';
import { barChart, formatMonth, lineChart, type ChartSeries } from './statsChart';

interface Medians {
  sent_to_accepted: number | null;
  sent_to_seen: number | null;
  seen_to_replied: number | null;
}

interface StatsMonth {
  month: string;
  received: number;
  sent: number;
  reverse_sent: number;
  reverse_received: number;
  referred_patients: number;
  reverse_patients: number;
  first_visits: number | null;
  referral_rate: number | null;
  reverse_rate: number | null;
  median_hours: Medians;
}

interface Partner {
  org: { id: string; name: string };
  count: number;
  referrals: number;
  reverse: number;
}

interface Stats {
  org: { id: string; code: string; name: string; type: string };
  from: string;
  to: string;
  months: StatsMonth[];
  partners: { referring: Partner[]; receiving: Partner[] };
  definitions: Record<string, string>;
}

type CountKey = 'received' | 'sent' | 'reverse_sent' | 'reverse_received' | 'referred_patients' | 'reverse_patients';
const COUNTS: CountKey[] = ['received', 'sent', 'reverse_sent', 'reverse_received', 'referred_patients', 'reverse_patients'];
const MEDIANS: (keyof Medians)[] = ['sent_to_accepted', 'sent_to_seen', 'seen_to_replied'];
const NONE = '—';

/** A median time in hours as days and hours: 171.8 → "7日4時間", 5.5 → "5.5時間", 0.4 → "24分". */
export function duration(hours: number | null): string {
  if (hours === null) return NONE;
  if (hours < 1) return t('stats.minutes', { n: String(Math.round(hours * 60)) });
  if (hours < 24) return t('stats.hours', { n: String(Math.round(hours * 10) / 10) });
  const days = Math.floor(hours / 24);
  const rest = Math.round(hours - days * 24);
  if (rest === 24) return t('stats.days', { n: String(days + 1) });
  return rest === 0 ? t('stats.days', { n: String(days) }) : t('stats.days_hours', { d: String(days), h: String(rest) });
}

function percent(value: number | null): string {
  return value === null ? NONE : t('stats.percent', { value: value.toFixed(1) });
}

function thisMonth(): string {
  const now = new Date(Date.now() + 9 * 3600 * 1000); // Asia/Tokyo, no daylight saving time
  return now.toISOString().slice(0, 7);
}

function charts(stats: Stats): HTMLElement {
  const months = stats.months.map((m) => m.month);
  const series = (key: CountKey, cls: string): ChartSeries => ({
    name: t(`stats.${key}` as MessageKey),
    cls,
    values: stats.months.map((m) => m[key]),
  });
  const counts = [series('received', 's1'), series('sent', 's2'), series('reverse_sent', 's3'), series('reverse_received', 's4')];
  const rates: ChartSeries[] = [
    { name: t('stats.referral_rate'), cls: 's1', values: stats.months.map((m) => m.referral_rate) },
    { name: t('stats.reverse_rate'), cls: 's2', values: stats.months.map((m) => m.reverse_rate) },
  ];
  const legend = (list: ChartSeries[]): HTMLElement =>
    h('ul', { class: 'chart-legend' }, list.map((x) => h('li', null, h('span', { class: `swatch ${x.cls}`, 'aria-hidden': 'true' }), x.name)));
  const figure = (title: string, chart: SVGSVGElement, list: ChartSeries[]): HTMLElement =>
    h('figure', { class: 'stats-figure' }, h('figcaption', null, title), chart, legend(list));
  return h(
    'div',
    { class: 'stats-charts' },
    figure(
      t('stats.counts_chart'),
      barChart({ title: t('stats.counts_chart'), months, series: counts, testid: 'stats-counts-chart', format: String, none: NONE }),
      counts,
    ),
    figure(
      t('stats.rates_chart'),
      lineChart({ title: t('stats.rates_chart'), months, series: rates, testid: 'stats-rates-chart', format: (v) => percent(v), none: NONE }),
      rates,
    ),
  );
}

function monthsTable(stats: Stats): HTMLElement {
  const headers = [
    t('stats.month'),
    ...COUNTS.map((k) => t(`stats.${k}` as MessageKey)),
    t('stats.first_visits'),
    t('stats.referral_rate'),
    t('stats.reverse_rate'),
    ...MEDIANS.map((k) => t(`stats.${k}` as MessageKey)),
  ];
  const cell = (name: string, text: string): HTMLTableCellElement => h('td', { class: 'num', 'data-field': name }, text);
  const rows = stats.months.map((m) =>
    h(
      'tr',
      { testid: 'stats-row', 'data-month': m.month },
      h('th', { scope: 'row' }, formatMonth(m.month)),
      COUNTS.map((k) => cell(k, String(m[k]))),
      cell('first_visits', m.first_visits === null ? NONE : String(m.first_visits)),
      cell('referral_rate', percent(m.referral_rate)),
      cell('reverse_rate', percent(m.reverse_rate)),
      MEDIANS.map((k) => cell(k, duration(m.median_hours[k]))),
    ),
  );
  return h('section', null, h('h2', null, t('stats.table')), h('p', { class: 'small muted' }, t('stats.median_note')), table('stats-table', headers, rows));
}

function partnersTable(testid: string, title: string, list: Partner[]): HTMLElement {
  const rows = list.map((p) =>
    h('tr', { testid: `${testid}-row` }, td(p.org.name), h('td', { class: 'num' }, String(p.count)), h('td', { class: 'num' }, String(p.referrals)), h('td', { class: 'num' }, String(p.reverse))),
  );
  return h(
    'div',
    null,
    h('h3', null, title),
    list.length === 0
      ? h('p', { class: 'empty', testid: `${testid}-empty` }, t('stats.no_partners'))
      : table(testid, [t('stats.org'), t('stats.partner_count'), t('stats.partner_referrals'), t('stats.partner_reverse')], rows),
  );
}

function definitions(stats: Stats): HTMLElement {
  return h(
    'details',
    { class: 'card stats-definitions', testid: 'stats-definitions', open: true },
    h('summary', null, t('stats.definitions')),
    h('dl', null, Object.entries(stats.definitions).map(([key, text]) => [h('dt', null, tCode('stats', key)), h('dd', null, text)])),
  );
}

/** The organisation's admins (and the network admin) enter 初診患者数 for a month. */
function firstVisitsForm(stats: Stats, reload: (message: string) => Promise<void>, message: string): HTMLElement {
  const current = thisMonth();
  const months = stats.months.map((m) => m.month).filter((m) => m <= current).reverse();
  const missing = stats.months.filter((m) => m.month <= current && m.first_visits === null).pop();
  const month = h('select', { testid: 'stats-fv-month' }, months.map((m) => option(m, formatMonth(m), m === (missing?.month ?? months[0]))));
  const count = h('input', { type: 'number', min: '0', max: '1000000', step: '1', required: true, testid: 'stats-fv-count', inputmode: 'numeric' });
  const fill = (): void => {
    const known = stats.months.find((m) => m.month === month.value)?.first_visits;
    count.value = known === null || known === undefined ? '' : String(known);
  };
  fill();
  month.addEventListener('change', fill);
  const save = h('button', { type: 'submit', class: 'primary', testid: 'stats-fv-save' }, t('common.save'));
  const errors = errorBox();
  const status = h('div', { 'aria-live': 'polite' }, message ? notice(message, 'stats-fv-saved') : null);
  const form = h(
    'form',
    { class: 'card stack', testid: 'stats-fv-form' },
    h('h2', null, t('stats.first_visits_form')),
    h('p', { class: 'small muted' }, t('stats.first_visits_hint')),
    h('div', { class: 'row' }, field(t('stats.month'), month), field(t('stats.count'), count), save),
    errors,
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(save, errors, async () => {
      await api.put('/api/referral-stats/first-visits', { org_id: stats.org.id, month: month.value, count: Number(count.value) });
      await reload(t('stats.saved', { month: formatMonth(month.value) }));
    });
  });
  return form;
}

interface RangeForm {
  form: HTMLFormElement;
}

function rangeForm(route: Route, stats: Stats | null, orgs: { id: string; name: string }[]): RangeForm {
  const from = h('input', { type: 'month', testid: 'stats-from', value: stats?.from ?? route.query.get('from') ?? '' });
  const to = h('input', { type: 'month', testid: 'stats-to', value: stats?.to ?? route.query.get('to') ?? '' });
  const orgId = stats?.org.id ?? route.query.get('org') ?? '';
  const org =
    orgs.length > 1 ? h('select', { testid: 'stats-org' }, orgs.map((o) => option(o.id, o.name, o.id === orgId))) : null;
  const errors = errorBox();
  const form = h(
    'form',
    { class: 'card row stats-range', testid: 'stats-range' },
    org ? field(t('stats.org'), org) : null,
    field(t('stats.from'), from),
    field(t('stats.to'), to),
    h('button', { type: 'submit', class: 'primary', testid: 'stats-show' }, t('stats.show')),
    errors,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (from.value && to.value && from.value > to.value) {
      showError(errors, t('stats.range_invalid'));
      return;
    }
    go(hashOf(['stats'], { org: org?.value ?? (route.query.get('org') || undefined), from: from.value, to: to.value }));
  });
  return { form };
}

async function orgChoices(): Promise<{ id: string; name: string }[]> {
  const me = currentMe();
  if (isNetworkAdmin()) return (await loadOrgs()).map((o) => ({ id: o.id, name: o.name }));
  return (me?.memberships ?? []).map((m) => ({ id: m.org_id, name: m.org_name }));
}

function mayEnter(stats: Stats): boolean {
  const me = currentMe();
  return isNetworkAdmin() || (me?.memberships ?? []).some((m) => m.org_id === stats.org.id && m.role === 'org_admin');
}

async function renderReferralFigures(main: HTMLElement, route: Route): Promise<void> {
  const body = h('div', { class: 'stack', testid: 'stats-page' });
  const actions = h('div', { class: 'row' });
  replace(main, pageTitle(t('stats.title'), actions), body);
  const query = { org_id: route.query.get('org') || undefined, from: route.query.get('from') || undefined, to: route.query.get('to') || undefined };
  const orgs = await orgChoices().catch(() => []);
  const results = h('div', { class: 'stack' });
  const show = async (message = ''): Promise<void> => {
    const stats = await loadInto(results, () => api.get<Stats>('/api/referral-stats', query));
    if (!stats) return;
    query.org_id = stats.org.id;
    const csv = buildPath('/api/referral-stats.csv', { org_id: stats.org.id, from: stats.from, to: stats.to });
    replace(actions, h('a', { href: csv, class: 'button secondary', download: '', testid: 'stats-csv' }, t('stats.csv')));
    replace(
      results,
      h('p', { class: 'stats-org', testid: 'stats-org-name' }, stats.org.name, ' ', h('span', { class: 'muted' }, `${stats.from} – ${stats.to}`)),
      stats.to >= thisMonth() ? h('p', { class: 'small muted' }, t('stats.partial_month')) : null,
      charts(stats),
      monthsTable(stats),
      h('section', { class: 'stats-partners' }, h('h2', null, t('stats.partners')), h('div', { class: 'grid2' }, partnersTable('stats-referring', t('stats.referring'), stats.partners.referring), partnersTable('stats-receiving', t('stats.receiving'), stats.partners.receiving))),
      mayEnter(stats) ? firstVisitsForm(stats, show, message) : null,
      definitions(stats),
    );
    replace(body, rangeForm(route, stats, orgs).form, results);
  };
  replace(body, rangeForm(route, null, orgs).form, results);
  await show();
}

/** The figures page: the referral figures, and the sections other features add as tabs beside
 *  them (`#/stats/<id>`); without any, the referral figures alone as before. */
export async function renderStats(main: HTMLElement, route: Route): Promise<void> {
  const sections = statsSections();
  if (sections.length === 0) {
    await renderReferralFigures(main, route);
    return;
  }
  const current = sections.find((s) => s.id === route.path[1]) ?? null;
  const tab = (id: string, hash: string, label: string, selected: boolean): HTMLElement =>
    h('a', { href: hash, class: 'tab', testid: `stats-section-${id}`, 'aria-current': selected ? 'page' : null }, label);
  const panel = h('div', { class: 'stats-section', testid: 'stats-section', 'data-section': current?.id ?? 'referrals' });
  replace(
    main,
    h(
      'nav',
      { class: 'tab-list stats-sections', 'aria-label': t('stats.sections') },
      tab('referrals', hashOf(['stats']), t('stats.section_referrals'), current === null),
      sections.map((s) => tab(s.id, hashOf(['stats', s.id]), t(s.label), s === current)),
    ),
    panel,
  );
  if (current) await current.render(panel, route);
  else await renderReferralFigures(panel, route);
}
