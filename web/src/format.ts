// SPDX-License-Identifier: Apache-2.0
// Dates, times and ages as people in Japan read them: the clock is Asia/Tokyo.
import { lang } from './i18n';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: string): { y: number; m: number; d: number } | null {
  const match = DATE_RE.exec(value);
  if (!match) return null;
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

/** Midnight UTC of a calendar date, for any year (Date.UTC reads 0–99 as 1900–1999). */
function utcDate(y: number, m: number, d: number): Date {
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  return date;
}

/** `YYYY-MM-DD` → `2026年11月22日` (ja) or `22 Nov 2026` (en). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const date = parseDate(value);
  if (!date) return value;
  if (lang() === 'ja') return `${date.y}年${date.m}月${date.d}日`;
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(utcDate(date.y, date.m, date.d));
}

/** `YYYY-MM-DD` → `11/24(火)` (ja) or `Tue 24 Nov` (en): a day of the coming weeks, short. */
export function formatDayShort(value: string): string {
  const date = parseDate(value);
  if (!date) return value;
  const ja = lang() === 'ja';
  return new Intl.DateTimeFormat(ja ? 'ja-JP' : 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: ja ? 'numeric' : 'short',
    timeZone: 'UTC',
  }).format(utcDate(date.y, date.m, date.d));
}

/** The Japanese era year of a date (`昭和23年`), shown beside birth dates in Japanese. */
export function formatEraYear(value: string): string {
  const date = parseDate(value);
  if (!date || lang() !== 'ja') return '';
  try {
    return new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
      era: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(utcDate(date.y, date.m, date.d));
  } catch {
    return '';
  }
}

/**
 * Japan Standard Time is UTC+09:00 with no daylight saving, and the server reads every date in
 * it for any year. The time zone database disagrees before 1888 (local mean time, +09:18:59)
 * and for the summers of 1948–51, so Intl with timeZone 'Asia/Tokyo' would show a 10:00
 * appointment of 1800 as 10:18: the offset is applied here instead.
 */
const TOKYO_OFFSET_MS = 9 * 3_600_000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function tokyoParts(instant: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const local = new Date(instant.getTime() + TOKYO_OFFSET_MS);
  return {
    year: pad(local.getUTCFullYear(), 4),
    month: pad(local.getUTCMonth() + 1),
    day: pad(local.getUTCDate()),
    hour: pad(local.getUTCHours()),
    minute: pad(local.getUTCMinutes()),
  };
}

/** An ISO instant shown in Tokyo time: `2026年11月22日 12:00`. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return value;
  const p = tokyoParts(instant);
  const date = formatDate(`${p.year}-${p.month}-${p.day}`);
  return `${date} ${p.hour}:${p.minute}`;
}

/** Today's date in Tokyo as `YYYY-MM-DD`. */
export function todayTokyo(now: Date = new Date()): string {
  const p = tokyoParts(now);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Age in whole years on `today` (both `YYYY-MM-DD`), or null for a bad date. */
export function ageOn(birthDate: string, today: string = todayTokyo()): number | null {
  const birth = parseDate(birthDate);
  const now = parseDate(today);
  if (!birth || !now) return null;
  let age = now.y - birth.y;
  if (now.m < birth.m || (now.m === birth.m && now.d < birth.d)) age -= 1;
  return age >= 0 ? age : null;
}

/** A `datetime-local` value read as Tokyo time (no DST in Japan) → ISO UTC instant. */
export function tokyoLocalToIso(value: string): string {
  if (!value) return '';
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const instant = new Date(`${withSeconds}+09:00`);
  return Number.isNaN(instant.getTime()) ? '' : instant.toISOString().replace('.000Z', 'Z');
}

/** The Tokyo calendar date of an ISO instant: `2026年11月22日`. */
export function formatInstantDate(value: string | null | undefined): string {
  if (!value) return '';
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return value;
  const p = tokyoParts(instant);
  return formatDate(`${p.year}-${p.month}-${p.day}`);
}

/**
 * A FHIR date or dateTime as a date: `2026`, `2026-05` and `2026-05-12` as written (a partial
 * date stays partial), a dateTime as its calendar date in Tokyo.
 */
export function formatFhirDate(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}$/.test(value)) return lang() === 'ja' ? `${value}年` : value;
  const month = /^(\d{4})-(\d{2})$/.exec(value);
  if (month) {
    const [, y, m] = month;
    if (lang() === 'ja') return `${y}年${Number(m)}月`;
    return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
      utcDate(Number(y), Number(m), 1),
    );
  }
  if (DATE_RE.test(value)) return formatDate(value);
  return formatInstantDate(value);
}

/** A FHIR date or dateTime as milliseconds for sorting and charts (dates count from Tokyo midnight). */
export function fhirTime(value: string | null | undefined): number {
  if (!value) return Number.NaN;
  let text = value;
  if (/^\d{4}$/.test(text)) text += '-01-01';
  else if (/^\d{4}-\d{2}$/.test(text)) text += '-01';
  if (DATE_RE.test(text)) text += 'T00:00:00+09:00';
  return new Date(text).getTime();
}

// ---- numbers of laboratory results (issue 13, item 14) ----

/** Decimals shown in the numbers (as written, e.g. 4.9 → 1), at most 3. */
export function decimalsOf(values: (number | undefined)[]): number {
  let most = 0;
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v)) continue;
    const text = String(v);
    const point = text.indexOf('.');
    if (point >= 0 && !text.includes('e')) most = Math.max(most, text.length - point - 1);
  }
  return Math.min(most, 3);
}

/** A value with the decimals of its test: HbA1c 7 → "7.0" when the test reports 6.8, 4.9. */
export function formatLabValue(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

/** A unit as people read it: UCUM's m2 → m² (mL/min/{1.73_m2} → mL/min/1.73m²). */
export function formatUnit(unit: string): string {
  return unit.replace(/\{1\.73_m2\}/g, '1.73m²').replace(/m2\b/g, 'm²');
}
