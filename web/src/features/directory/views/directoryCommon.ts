// SPDX-License-Identifier: Apache-2.0
// Pieces shared by the facility directory screens: the answer shapes, the code lists with their
// labels, bed and emergency summaries and the freshness of a report.
import { api, readOnce } from '../../../api';
import { h, type Child } from '../../../dom';
import { formatDateTime } from '../../../format';
import { codeLabel, t, type CodeLabel } from '../../../i18n';
import { badge } from '../../../common';

export type DirCode = CodeLabel;

export interface DirCodes {
  functions: DirCode[];
  departments: DirCode[];
  equipment: DirCode[];
  services: DirCode[];
  bed_kinds: DirCode[];
  emergency: DirCode[];
}

export type Beds = Record<string, number>;

export interface DirHit {
  id: string;
  code: string;
  name: string;
  name_kana: string;
  type: string;
  medical_function: string | null;
  beds: Beds | null;
  emergency: string | null;
  distance_km: number | null;
  freshness: { updated_at: string | null; stale: boolean };
}

export interface Who {
  id: string;
  name: string | null;
}

export interface StatusField<T = unknown> {
  value: T;
  updated_at: string | null;
  updated_by: Who | null;
  stale: boolean;
}

export interface Restriction {
  text: string;
  until?: string | null;
}

export interface DirStatus {
  beds?: StatusField<Beds>;
  emergency?: StatusField<string>;
  emergency_note?: StatusField<string>;
  homecare_new_this_month?: StatusField<number>;
  specialists_today?: StatusField<string[]>;
  restrictions?: StatusField<Restriction[]>;
}

export interface DirProfile {
  medical_function: string | null;
  departments: string[];
  equipment: { code: string; shared_use?: boolean }[];
  services: string[];
  latitude: number | null;
  longitude: number | null;
  liaison_phone: string;
  liaison_fax: string;
  liaison_email: string;
  liaison_hours: string;
  acceptance_notes: string;
}

export interface DirEntry {
  org: { id: string; code: string; name: string; type: string };
  profile: DirProfile | null;
  status: DirStatus;
  editors: Who[];
  can_edit: boolean;
  stale_after_seconds: number;
}

/** The code lists, read once per page load. */
export const directoryCodes = readOnce(() => api.get<DirCodes>('/api/directory/codes'));

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

/** A definition list row. */
export function dlRow(term: string, ...value: Child[]): Child[] {
  return [h('dt', null, term), h('dd', null, value)];
}
