// SPDX-License-Identifier: Apache-2.0
// Pieces shared by the facility directory screens (and the referral and booking forms that show
// organisations): bed and emergency summaries, distances and the freshness of a report.
import { badge } from '../../../common';
import { h } from '../../../dom';
import { formatDateTime } from '../../../format';
import { codeLabel, t } from '../../../i18n';
import type { Beds, DirCodes, TypeReports } from '../types';

/** What organisations of this type report (nothing for a type the server does not know). */
export function reportsOf(codes: DirCodes, type: string): TypeReports {
  return codes.org_types[type] ?? { fields: [], bed_kinds: [] };
}

/** Whether organisations of this type report the status field (beds, emergency, …). */
export function reports(codes: DirCodes, type: string, field: string): boolean {
  return reportsOf(codes, type).fields.includes(field);
}

/** Free beds by kind, in the order of the code list: `一般 8 / ICU・HCU 1`. */
export function bedsText(codes: DirCodes, beds: Beds | null | undefined): string {
  if (!beds) return '—';
  const parts = codes.bed_kinds
    .filter((kind) => typeof beds[kind.code] === 'number')
    .map((kind) => `${codeLabel(codes.bed_kinds, kind.code)} ${beds[kind.code]}`);
  return parts.length ? parts.join(' / ') : '—';
}

/** `3分前`, `2時間前`, `1日前` (or `just now`). */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const minutes = Math.max(0, Math.floor((now - then) / 60_000));
  if (minutes < 1) return t('dir.ago_now');
  if (minutes < 60) return t('dir.ago_minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('dir.ago_hours', { n: hours });
  return t('dir.ago_days', { n: Math.floor(hours / 24) });
}

/** `更新: 3分前` with the exact time as a tooltip, and a 古い情報 badge when stale. */
export function freshness(updatedAt: string | null | undefined, stale: boolean): HTMLElement {
  return h(
    'span',
    { class: 'freshness', testid: 'freshness', 'data-stale': String(stale) },
    updatedAt
      ? h('span', { title: formatDateTime(updatedAt) }, t('dir.updated', { when: relativeTime(updatedAt) }))
      : h('span', { class: 'muted' }, t('dir.never_updated')),
    stale ? [' ', badge(t('dir.stale'), 'warn')] : null,
  );
}

/** The emergency answer as text with a mark, so it never rests on colour alone. */
export function emergencyText(codes: DirCodes, value: string | null | undefined): string {
  if (!value) return '—';
  const mark = value === 'yes' ? '○' : value === 'conditional' ? '△' : value === 'no' ? '×' : '';
  return `${mark} ${codeLabel(codes.emergency, value)}`.trim();
}

/** `1.2 km` (one decimal), or nothing. */
export function distanceText(km: number | null | undefined): string {
  if (km === null || km === undefined) return '';
  return t('dir.km', { km: km.toFixed(1) });
}

