// SPDX-License-Identifier: Apache-2.0
// Dates as the people of the region read them: in Asia/Tokyo, relative to today, so that a test
// passes on any date.
const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" in Asia/Tokyo, `days` after today (negative: before). */
export function tokyoDate(days = 0) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date(Date.now() + days * DAY_MS));
}

/** The parts of a Tokyo date, for the Japanese text a page shows ("2026年12月1日"). */
export function tokyoDateParts(date) {
  const [year, month, day] = date.split('-').map(Number);
  return { year, month, day, japanese: `${year}年${month}月${day}日` };
}
