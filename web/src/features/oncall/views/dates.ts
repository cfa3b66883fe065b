// SPDX-License-Identifier: Apache-2.0
// Dates and instants of the Tokyo calendar (UTC+9 all year) for the on-call screens.
import { formatDateTime } from '../../../format';

const DAY_MS = 86_400_000;

function utcOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function isDate(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(utcOf(value));
}

export function addDays(date: string, days: number): string {
  return new Date(utcOf(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the week containing date. */
export function mondayOf(date: string): string {
  return addDays(date, -((new Date(utcOf(date)).getUTCDay() + 6) % 7));
}

/** Midnight of a Tokyo date as an instant the API takes. */
export function tokyoMidnight(date: string): string {
  return `${date}T00:00:00+09:00`;
}

/** An instant as a `datetime-local` value in Tokyo time. */
export function localValue(instant: string | Date): string {
  const ms = (typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + 9 * 3_600_000;
  return new Date(ms).toISOString().slice(0, 16);
}

/** "12月7日 18:00 – 12月8日 09:00" style: both ends in Tokyo time. */
export function formatSpan(start: string, end: string): string {
  return `${formatDateTime(start)} – ${formatDateTime(end)}`;
}
