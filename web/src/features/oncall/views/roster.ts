// SPDX-License-Identifier: Apache-2.0
// 当番表 (`#/oncall?week=<any day of the week>`): the current organisation's on-call shifts of a
// Monday-to-Sunday week in Asia/Tokyo, each with its primary and backup and their phones (tel:
// links), the swaps made, and who is on call now. The administrator adds and cancels shifts; the
// one holding a role (or the administrator) hands it over. The server decides every write.
import { api } from '../../../api';
import { badge, empty, loadInto, pageTitle } from '../../../common';
import { h, replace, table, td, tdWrap } from '../../../dom';
import { formatDate, formatDateTime, todayTokyo } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import { currentMembership, isOrgAdmin } from '../../../session';
import { loadMembers, loadShifts } from '../api';
import type { IdName, OnCallNow, Shift } from '../types';
import { addDays, isDate, mondayOf, tokyoMidnight } from './dates';
import { telLink } from './phone';
import { openCancelShift, openShiftForm, openSwapForm, swappableRoles } from './rosterForms';

function person(who: IdName | null, phone: string | null, testid: string): HTMLElement {
  if (!who) return h('span', { class: 'muted' }, t('oncall.roster_no_backup'));
  return h('span', { class: 'oncall-person', testid, 'data-user-id': who.id }, h('span', { class: 'oncall-name' }, who.name), ' ', telLink(phone, `${testid}-tel`));
}

function swapsText(shift: Shift): HTMLElement | null {
  if (shift.swaps.length === 0) return null;
  return h(
    'ul',
    { class: 'plain-list small muted', testid: 'shift-swaps' },
    shift.swaps.map((s) =>
      h('li', null, t('oncall.swap_line', { role: t(`oncall.role_${s.role}` as MessageKey), from: s.from?.name ?? '', to: s.to?.name ?? '', at: formatDateTime(s.at) }), s.reason ? ` (${s.reason})` : ''),
    ),
  );
}

function shiftRow(shift: Shift, now: number, actions: { swap: (s: Shift) => void; cancel: (s: Shift) => void }): HTMLTableRowElement {
  const current = Date.parse(shift.starts_at) <= now && now < Date.parse(shift.ends_at);
  const ended = Date.parse(shift.ends_at) <= now;
  const buttons = ended
    ? []
    : [
        swappableRoles(shift).length > 0 ? h('button', { type: 'button', class: 'secondary small', testid: 'shift-swap', onclick: () => actions.swap(shift) }, t('oncall.swap')) : null,
        isOrgAdmin() ? h('button', { type: 'button', class: 'secondary small danger', testid: 'shift-cancel', onclick: () => actions.cancel(shift) }, t('oncall.cancel')) : null,
      ];
  return h(
    'tr',
    { testid: 'shift', 'data-shift-id': shift.id, class: current ? 'oncall-current' : null },
    td(h('span', { class: 'nowrap' }, formatDateTime(shift.starts_at)), ' – ', h('span', { class: 'nowrap' }, formatDateTime(shift.ends_at)), current ? [' ', badge(t('oncall.roster_now'), 'ok')] : null),
    td(person(shift.primary, shift.phone, 'shift-primary')),
    td(person(shift.backup, shift.backup_phone, 'shift-backup')),
    tdWrap(shift.note ?? '', swapsText(shift)),
    td(h('div', { class: 'row' }, buttons)),
  );
}

function nowCard(now: OnCallNow): HTMLElement {
  if (!now.found || !now.primary) return h('section', { class: 'card', testid: 'oncall-now', 'data-found': 'false' }, h('p', null, t('oncall.now_nobody')));
  return h(
    'section',
    { class: 'card oncall-now', testid: 'oncall-now', 'data-found': 'true' },
    h('h2', { class: 'card-title' }, t('oncall.now_title')),
    h('p', null, t('oncall.role_primary'), ': ', person(now.primary, now.primary.phone, 'now-primary')),
    now.backup ? h('p', null, t('oncall.role_backup'), ': ', person(now.backup, now.backup.phone, 'now-backup')) : null,
    h('p', { class: 'small muted' }, t('oncall.now_until', { at: formatDateTime(now.ends_at) })),
  );
}

export async function renderRoster(main: HTMLElement, route: Route): Promise<void> {
  const org = currentMembership();
  if (!org) return;
  const asked = route.query.get('week');
  const monday = mondayOf(isDate(asked) ? asked : todayTokyo());
  const weekHash = (d: string): string => hashOf(['oncall'], { week: d });
  const body = h('div', { class: 'stack', testid: 'roster-body' });
  const add = isOrgAdmin() ? h('button', { type: 'button', class: 'primary', testid: 'shift-add' }, t('oncall.roster_add')) : null;
  replace(
    main,
    pageTitle(t('oncall.roster_title', { org: org.org_name }), add, h('a', { class: 'button secondary', href: '#/oncall/backup', testid: 'to-backup' }, t('oncall.backup_title'))),
    h(
      'nav',
      { class: 'row oncall-week', 'aria-label': t('oncall.roster_week_nav') },
      h('a', { class: 'button secondary', href: weekHash(addDays(monday, -7)), testid: 'week-prev' }, t('oncall.roster_prev')),
      h('strong', { testid: 'week-label', 'data-monday': monday }, t('oncall.roster_week', { from: formatDate(monday), to: formatDate(addDays(monday, 6)) })),
      h('a', { class: 'button secondary', href: weekHash(addDays(monday, 7)), testid: 'week-next' }, t('oncall.roster_next')),
      h('a', { class: 'button secondary', href: '#/oncall', testid: 'week-this' }, t('oncall.roster_this_week')),
    ),
    body,
  );
  const reload = (): void => go(weekHash(monday));
  const data = await loadInto(body, async () => {
    const shifts = await loadShifts(tokyoMidnight(monday), tokyoMidnight(addDays(monday, 7)));
    const [now, members] = await Promise.all([api.get<OnCallNow>('/api/oncall/now'), loadMembers(org.org_id, shifts)]);
    return { shifts, now, members };
  });
  if (!data) return;
  const { shifts, now, members } = data;
  add?.addEventListener('click', () => {
    const start = new Date(Date.parse(`${monday > todayTokyo() ? monday : todayTokyo()}T18:00:00+09:00`));
    openShiftForm(members, start, reload);
  });
  const actions = { swap: (s: Shift) => openSwapForm(s, members, reload), cancel: (s: Shift) => openCancelShift(s, reload) };
  const headers = [t('oncall.roster_when'), t('oncall.role_primary'), t('oncall.role_backup'), t('oncall.roster_note'), ''];
  replace(
    body,
    nowCard(now),
    shifts.length === 0
      ? empty(t('oncall.roster_empty'), 'roster-empty')
      : table('roster', headers, shifts.map((s) => shiftRow(s, Date.now(), actions))),
  );
}
