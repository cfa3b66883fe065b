// SPDX-License-Identifier: Apache-2.0
// The visit records (訪問記録) as the API answers them (docs/api/homecare.md "Visit records"),
// and the kinds of visit the current user's profession makes.
import { api, readOnce, seg } from '../../../api';
import { lang } from '../../../i18n';
import { currentMe } from '../../../session';
import type { IdName } from '../types';

export type RecordForm = 'soap' | 'nursing' | 'pharmacy' | 'rehab' | 'care';

/** GET /api/homecare/visit-kinds: one kind of visit; professions is a space-separated list. */
export interface VisitKind {
  code: string;
  ja: string;
  en: string;
  form: RecordForm;
  professions: string;
  org_types: string;
  nursing: boolean;
}

export type Vitals = Partial<Record<VitalName, number>>;

export type VitalName =
  | 'bp_systolic'
  | 'bp_diastolic'
  | 'pulse'
  | 'spo2'
  | 'temperature'
  | 'respiratory_rate'
  | 'weight'
  | 'blood_glucose'
  | 'pain_nrs'
  | 'jcs';

/** The form's fields (`content`): free text, the vitals, the Barthel Index, the remaining drugs. */
export interface RecordContent {
  vitals?: Vitals;
  adl?: Record<string, number>;
  remaining_drugs?: { drug: string; count: number }[];
  [field: string]: unknown;
}

/** One version of a record (the list's items and the record's current fields). */
export interface VisitRecord {
  id: string;
  record_id?: string;
  version_id?: string;
  version: number;
  previous_id: string | null;
  patient_id: string;
  kind: string;
  form: RecordForm;
  org: IdName;
  author: IdName;
  visit_start: string;
  visit_end: string;
  content: RecordContent;
  handover: string | null;
  status: 'draft' | 'signed';
  correction_reason: string | null;
  content_sha256: string | null;
  signed_at: string | null;
  signed_by: IdName | string | null;
  created_at: string;
  versions?: VisitRecord[];
}

/** The body of a creation or a correction. */
export interface RecordBody {
  kind?: string;
  visit_start: string;
  visit_end: string;
  content: RecordContent;
  handover?: string;
  reason?: string;
  base_version?: number;
}

export const visitKinds = readOnce(async () => (await api.get<{ items: VisitKind[] }>('/api/homecare/visit-kinds')).items);

/** The kinds whose records the current user's profession writes. */
export function kindsOfMyProfession(kinds: VisitKind[]): VisitKind[] {
  const profession = currentMe()?.user.profession ?? '';
  return kinds.filter((kind) => kind.professions.split(' ').includes(profession));
}

export function kindName(kinds: VisitKind[], code: string): string {
  const kind = kinds.find((k) => k.code === code);
  if (!kind) return code;
  return lang() === 'ja' ? kind.ja : kind.en;
}

export function recordsPath(patientId: string, ...rest: string[]): string {
  return [`/api/patients/${seg(patientId)}/homecare/records`, ...rest.map(seg)].join('/');
}

export function readRecord(patientId: string, recordId: string): Promise<VisitRecord> {
  return api.get<VisitRecord>(recordsPath(patientId, recordId));
}

export function signRecord(patientId: string, recordId: string): Promise<VisitRecord> {
  return api.post<VisitRecord>(recordsPath(patientId, recordId, 'sign'));
}
