// SPDX-License-Identifier: Apache-2.0
// カンファレンス (`#/conferences?from=&until=`): the conferences the current organisation organises
// or takes part in, soonest first (the patient named only where the access rule lets the user see
// it), the user's own open action items with 完了, and scheduling a conference without a patient
// (症例検討会). Conferences about a patient are scheduled from the patient's カンファレンス tab.
import { api, seg } from '../../../api';
import { attempt, badge, empty, errorBox, loadInto, pageTitle } from '../../../common';
import { field, h, replace, table, td, tdWrap } from '../../../dom';
import { formatDate, formatDateTime, todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import type { CodeLabel } from '../../../i18n';
import type { List } from '../../../types';
import { kindLabel, loadConferences, loadKinds } from '../api';
import type { ActionItem, ConferenceSummary } from '../types';
import { openScheduleForm } from './scheduleForm';

const DAY_MS = 86_400_000;

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const isDate = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);

export function statusBadge(c: { status: string; minutes_shared_at: string | null }): HTMLElement {
  if (c.status === 'cancelled') return badge(t('conference.status_cancelled'), 'muted');
  if (c.minutes_shared_at) return badge(t('conference.status_shared'), 'ok');
  return badge(t('conference.status_scheduled'), 'info');
}

/** One row of a list of conferences; withPatient: show the patient column. */
export function conferenceRow(c: ConferenceSummary, kinds: CodeLabel[], withPatient: boolean): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'conference', 'data-conference-id': c.id, 'data-status': c.status },
    td(h('span', { class: 'nowrap' }, formatDateTime(c.starts_at))),
    td(kindLabel(kinds, c.kind)),
    tdWrap(h('a', { href: hashOf(['conferences', c.id]), testid: 'conference-link' }, c.title)),
    withPatient ? td(c.patient ? h('a', { href: hashOf(['patients', c.patient.id]) }, c.patient.name) : c.has_patient ? h('span', { class: 'muted' }, t('conference.patient_hidden_short')) : h('span', { class: 'muted' }, t('conference.no_patient'))) : null,
    td(c.organiser.name),
    td(statusBadge(c)),
  );
}

export function conferenceTable(items: ConferenceSummary[], kinds: CodeLabel[], withPatient: boolean): HTMLElement {
  const headers = [t('conference.col_when'), t('conference.col_kind'), t('conference.col_title'), ...(withPatient ? [t('conference.col_patient')] : []), t('conference.col_organiser'), t('conference.col_status')];
  return items.length === 0 ? empty(t('conference.list_empty'), 'conferences-empty') : table('conferences', headers, items.map((c) => conferenceRow(c, kinds, withPatient)));
}

function actionRow(item: ActionItem, reload: () => void): HTMLTableRowElement {
  const errors = errorBox();
  const done = h('button', { type: 'button', class: 'secondary small', testid: 'my-action-done' }, t('conference.action_done'));
  done.addEventListener('click', () => void attempt(done, errors, async () => {
    await api.post(`/api/conferences/${seg(item.conference?.id ?? '')}/action-items/${seg(item.id)}/done`);
    reload();
  }));
  return h(
    'tr',
    { testid: 'my-action', 'data-action-id': item.id },
    td(formatDate(item.due_date)),
    tdWrap(item.text),
    tdWrap(item.conference ? h('a', { href: hashOf(['conferences', item.conference.id]) }, item.conference.title ?? '') : ''),
    td(done, errors),
  );
}

async function myActions(section: HTMLElement): Promise<void> {
  const reload = (): void => void myActions(section);
  const items = await loadInto(section, async () => (await api.get<List<ActionItem>>('/api/conference-action-items')).items);
  if (!items) return;
  replace(
    section,
    h('h2', null, t('conference.my_actions')),
    items.length === 0
      ? empty(t('conference.my_actions_empty'), 'my-actions-empty')
      : table('my-actions', [t('conference.action_due'), t('conference.action_text'), t('conference.col_title'), ''], items.map((i) => actionRow(i, reload))),
  );
}

export async function renderConferences(main: HTMLElement, route: Route): Promise<void> {
  const today = todayTokyo();
  const from = isDate(route.query.get('from')) ? (route.query.get('from') as string) : shiftDate(today, -30);
  const until = isDate(route.query.get('until')) ? (route.query.get('until') as string) : shiftDate(today, 120);
  const schedule = h('button', { type: 'button', class: 'primary', testid: 'conference-schedule' }, t('conference.schedule_teaching'));
  schedule.addEventListener('click', () => void openScheduleForm(null, (c) => go(hashOf(['conferences', c.id]))));
  const fromInput = h('input', { type: 'date', name: 'from', value: from, testid: 'conferences-from' });
  const untilInput = h('input', { type: 'date', name: 'until', value: until, testid: 'conferences-until' });
  const filters = h('form', { class: 'filters row' }, field(t('conference.filter_from'), fromInput), field(t('conference.filter_until'), untilInput), h('button', { type: 'submit', class: 'secondary' }, t('conference.filter_show')));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    go(hashOf(['conferences'], { from: fromInput.value, until: untilInput.value }));
  });
  const actions = h('section', { class: 'stack', testid: 'my-actions-section' });
  const list = h('section', { class: 'stack', testid: 'conferences-section' });
  replace(main, pageTitle(t('conference.title'), schedule), h('p', { class: 'small muted' }, t('conference.list_hint')), actions, h('h2', null, t('conference.list_title')), filters, list);
  void myActions(actions);
  const data = await loadInto(list, () => Promise.all([loadConferences(from, until), loadKinds()]));
  if (data) replace(list, conferenceTable(data[0], data[1], true));
}
