// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the facility directory (GET /api/directory/…), and this feature's messages.
import type { CodeLabel, Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

export type DirCode = CodeLabel;

/** What an organisation of a type reports on its live status (status field names, bed kinds). */
export interface TypeReports {
  fields: string[];
  bed_kinds: string[];
}

export interface DirCodes {
  /** By organisation type: the status fields and bed kinds it reports (the server's definition). */
  org_types: Record<string, TypeReports>;
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

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
