// SPDX-License-Identifier: Apache-2.0
// The monthly 訪問看護報告書: its shapes as the API answers them, and the calls the section makes
// (docs/api/homecare.md, "Monthly nursing report").
import { api, readOnce, seg } from '../../../api';
import type { IdName } from '../types';

export interface ReportVisit {
  date: string;
  kind: string;
}

export interface ReportContent {
  visits: ReportVisit[];
  condition: string;
  care_given: string;
  home_care: string;
  remarks: string;
}

export interface VitalSummary {
  vital: string;
  ja: string;
  unit?: string;
  count: number;
  min: number;
  max: number;
  last: number;
}

export interface ReportVersion {
  id: string;
  version: number;
  previous_id: string | null;
  month: string;
  org: IdName;
  to_org: IdName;
  author: IdName;
  content: ReportContent;
  vitals: VitalSummary[];
  status: 'draft' | 'signed';
  correction_reason: string | null;
  content_sha256: string | null;
  signed_at: string | null;
  signed_by: IdName | null;
  created_at: string;
  updated_at: string;
}

/** A report: its current version's fields, with every version when read one by one. */
export interface Report extends ReportVersion {
  version_id: string;
  versions?: ReportVersion[];
}

export interface ReportList {
  items: Report[];
  may_write: boolean;
}

export interface Addressee extends IdName {
  type: string;
}

export interface Prefill {
  month: string;
  to_org: Addressee | null;
  to_orgs: Addressee[];
  content: ReportContent;
  vitals: VitalSummary[];
  records: string[];
}

export interface VisitKind {
  code: string;
  ja: string;
  en: string;
}

export function reportsPath(patientId: string, ...rest: string[]): string {
  return [`/api/patients/${seg(patientId)}/homecare/reports`, ...rest.map(seg)].join('/');
}

export function pdfPath(patientId: string, reportId: string, version?: number): string {
  const path = `${reportsPath(patientId, reportId)}/report.pdf`;
  return version ? `${path}?version=${version}` : path;
}

export const reportApi = {
  list: (patientId: string) => api.get<ReportList>(reportsPath(patientId)),
  read: (patientId: string, id: string) => api.get<Report>(reportsPath(patientId, id)),
  prefill: (patientId: string, month: string) => api.get<Prefill>(reportsPath(patientId, 'prefill'), { month }),
  create: (patientId: string, body: { month: string; to_org_id: string; content: ReportContent }) =>
    api.post<Report>(reportsPath(patientId), body),
  update: (patientId: string, id: string, body: { to_org_id: string; content: ReportContent; base_version: number }) =>
    api.patch<Report>(reportsPath(patientId, id), body),
  sign: (patientId: string, id: string) => api.post<Report>(`${reportsPath(patientId, id)}/sign`),
  correct: (
    patientId: string,
    id: string,
    body: { reason: string; to_org_id: string; content: ReportContent; base_version: number },
  ) => api.post<Report>(`${reportsPath(patientId, id)}/corrections`, body),
};

/** The kinds of visit (a code list, the same for everyone), read once. */
export const visitKinds = readOnce(async () => (await api.get<{ items: VisitKind[] }>('/api/homecare/visit-kinds')).items);

/** "2026-11" as 2026年11月 (or November 2026). */
export function monthLabel(month: string, lang: string): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  if (lang === 'ja') return `${y}年${m}月`;
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en', { year: 'numeric', month: 'long', timeZone: 'UTC' });
}

/** The month before today's (Asia/Tokyo): the month a report is usually written for. */
export function lastMonth(today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
