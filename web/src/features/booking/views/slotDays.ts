// SPDX-License-Identifier: Apache-2.0
// The published examination slots of the next 14 days, one day at a time: a row of day buttons
// (「11/24(火) 空き12」; a day without any slot is disabled, a day with only booked slots marked
// 「空きなし」). Used by the 共同利用 page and by the booking form of the patient page.
import { h } from '../../../dom';
import { formatDate, formatDayShort, todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import type { Slot } from '../types';

/** How many days the slot lists cover, today first (the API's default range). */
export const SLOT_DAYS = 14;

/** Tokyo `YYYY-MM-DD` of an instant. */
export function tokyoDay(iso: string): string {
  return new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** `10:00–10:30`: the Tokyo clock times of a slot. */
export function slotClock(slot: { starts_at: string; ends_at: string }): string {
  const clock = (iso: string): string => new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString().slice(11, 16);
  return `${clock(slot.starts_at)}–${clock(slot.ends_at)}`;
}

/** The days shown: today (Tokyo) and the 13 after it. */
export function slotDayRange(first: string = todayTokyo()): string[] {
  const [y, m, d] = first.split('-').map(Number) as [number, number, number];
  return Array.from({ length: SLOT_DAYS }, (_, i) => new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10));
}

/** Slots by their Tokyo day, in the order given. */
export function slotsByDay(slots: Slot[]): Map<string, Slot[]> {
  const days = new Map<string, Slot[]>();
  for (const slot of slots) {
    const day = tokyoDay(slot.starts_at);
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  return days;
}

const freeCount = (slots: Slot[] | undefined): number => (slots ?? []).filter((s) => s.state === 'free').length;

/**
 * The day to show: the one shown before while it still has slots (a refresh or another filter
 * does not jump away), else the first day with a free slot, else the first with any slot.
 */
export function pickDay(days: string[], byDay: Map<string, Slot[]>, previous: string | null): string {
  if (previous && byDay.has(previous)) return previous;
  return days.find((day) => freeCount(byDay.get(day)) > 0) ?? days.find((day) => byDay.has(day)) ?? days[0] ?? '';
}

/** The row of day buttons; `choose` is called with the day clicked. */
export function dayButtons(days: string[], byDay: Map<string, Slot[]>, selected: string, choose: (day: string) => void): HTMLElement {
  return h(
    'div',
    { class: 'day-tabs', role: 'group', 'aria-label': t('equipment.days'), testid: 'day-tabs' },
    days.map((day) => {
      const free = freeCount(byDay.get(day));
      return h(
        'button',
        {
          type: 'button',
          class: free ? 'day-tab' : 'day-tab full',
          testid: 'day-tab',
          'data-day': day,
          'data-free': String(free),
          'aria-pressed': String(day === selected),
          title: formatDate(day),
          disabled: !byDay.has(day),
          onclick: () => choose(day),
        },
        h('span', { class: 'day-tab-date' }, formatDayShort(day)),
        h('span', { class: 'day-tab-count' }, free ? t('equipment.day_free', { n: free }) : t('equipment.day_full')),
      );
    }),
  );
}
