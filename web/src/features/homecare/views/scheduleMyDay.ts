// SPDX-License-Identifier: Apache-2.0
// The staff member's day list `#/homecare/my-day?date=YYYY-MM-DD`: one's own visits of the day for
// the current organisation, in visit order, with the time, the patient (a link to the 在宅 tab),
// the kind and the address (GET /api/homecare/my-day); another day through the date picker; and
// the private iCalendar link to one's own visits.
import { api } from '../../../api';
import { empty, loadInto, pageTitle } from '../../../common';
import { field, h, replace } from '../../../dom';
import { formatDate, todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import { go, hashOf, onLeave, type Route } from '../../../router';
import { homecareStream } from '../api';
import { addDays, isDate, kindName, visitKinds } from './scheduleData';
import { icalPanel } from './scheduleIcal';

interface DayVisit {
  id: string;
  patient: { id: string; name: string; address: string | null };
  kind: { code: string; ja: string | null };
  start: string;
  end: string;
  starts_at: string;
  ends_at: string;
}

function dayList(items: DayVisit[], kinds: Awaited<ReturnType<typeof visitKinds>>): HTMLElement {
  if (items.length === 0) return empty(t('homecare.my_day_none'), 'my-day-empty');
  return h(
    'ol',
    { class: 'my-day-list', testid: 'my-day-list' },
    items.map((visit) =>
      h(
        'li',
        { class: 'card my-day-visit', testid: 'my-day-visit', 'data-visit-id': visit.id },
        h('p', { class: 'my-day-time' }, h('time', { datetime: visit.starts_at }, `${visit.start}–${visit.end}`)),
        h(
          'div',
          { class: 'my-day-what' },
          h('a', { href: hashOf(['patients', visit.patient.id, 'homecare', 'schedule']), class: 'my-day-patient', testid: 'my-day-patient' }, visit.patient.name),
          h('p', { class: 'my-day-kind', testid: 'my-day-kind' }, kindName({ code: visit.kind.code, ja: visit.kind.ja, en: null }, kinds)),
          h('p', { class: 'small muted my-day-address', testid: 'my-day-address' }, visit.patient.address || t('homecare.my_day_no_address')),
        ),
      ),
    ),
  );
}

export async function renderMyDay(main: HTMLElement, route: Route): Promise<void> {
  const today = todayTokyo();
  const asked = route.query.get('date') ?? undefined;
  const date = isDate(asked) ? asked : today;
  const open = (day: string): void => go(hashOf(['homecare', 'my-day'], { date: day === today ? undefined : day }));
  const picker = h('input', { type: 'date', value: date, testid: 'my-day-date', name: 'date' });
  picker.addEventListener('change', () => {
    if (isDate(picker.value)) open(picker.value);
  });
  const nav = h(
    'div',
    { class: 'row my-day-nav' },
    h('button', { type: 'button', class: 'secondary', testid: 'my-day-prev', onclick: () => open(addDays(date, -1)) }, t('homecare.my_day_prev')),
    field(t('homecare.my_day_date'), picker),
    h('button', { type: 'button', class: 'secondary', testid: 'my-day-today', onclick: () => open(today) }, t('homecare.my_day_today')),
    h('button', { type: 'button', class: 'secondary', testid: 'my-day-next', onclick: () => open(addDays(date, 1)) }, t('homecare.my_day_next')),
  );
  const list = h('div', { testid: 'my-day', 'data-date': date });
  const heading = date === today ? t('homecare.my_day_title_today') : t('homecare.my_day_title', { date: formatDate(date) });
  replace(main, pageTitle(heading), h('div', { class: 'stack' }, nav, list, icalPanel(null)));
  const read = (): Promise<[{ items: DayVisit[] }, Awaited<ReturnType<typeof visitKinds>>]> =>
    Promise.all([api.get<{ date: string; items: DayVisit[] }>('/api/homecare/my-day', { date }), visitKinds()]);
  let missed = false;
  let refresh: () => Promise<void> = async () => {
    missed = true;
  };
  // a visit added, moved or cancelled by anyone: the day is read again (events name no patient)
  homecareStream(['homecare.schedule'], () => void refresh(), onLeave, list);
  const loaded = await loadInto(list, read);
  if (!loaded) return;
  replace(list, dayList(loaded[0].items, loaded[1]));
  list.dataset.loaded = 'true';
  let generation = 0;
  refresh = async () => {
    const mine = ++generation;
    try {
      const [day, kinds] = await read();
      if (mine === generation) replace(list, dayList(day.items, kinds));
    } catch {
      // the list keeps what it showed; the next event or a reload brings it up to date
    }
  };
  if (missed) await refresh();
}
