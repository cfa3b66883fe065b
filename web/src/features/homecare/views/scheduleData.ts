// SPDX-License-Identifier: Apache-2.0
// The shapes of the shared visit schedule (docs/api/homecare.md "Shared visit schedule") and the
// few reads the schedule screens share: the kinds of visit (once per page load), the week, the
// staff of the user's organisation on the patient's team, and the dates of a week in Asia/Tokyo.
import { api, readOnce, seg } from '../../../api';
import { lang } from '../../../i18n';
import { currentMe, currentMembership } from '../../../session';
import type { TeamMember } from '../../patients/types';
import type { IdName } from '../types';

export interface VisitKind {
  code: string;
  ja: string;
  en: string;
  form: string;
  professions: string[];
  org_types: string[];
  nursing: boolean;
}

/** A flag of the week: overlap (with: the other visit), in_hospital (encounter) or gap. */
export interface VisitFlag {
  type: string;
  with?: string;
  encounter?: string;
  visit_id?: string;
}

export interface Visit {
  id: string;
  plan_id: string | null;
  kind: { code: string; ja: string | null; en: string | null; nursing: boolean };
  org: IdName;
  staff: IdName | null;
  date: string;
  start: string;
  end: string;
  starts_at: string;
  ends_at: string;
  status: 'planned' | 'cancelled';
  note: string;
  cancel_reason: string | null;
  flags: VisitFlag[];
}

export interface GapFlag {
  type: 'gap';
  plan_id: string;
  from: string;
  to: string;
  days: number;
  gap_days: number;
}

export interface Week {
  week_start: string;
  week_end: string;
  visits: Visit[];
  flags: (VisitFlag | GapFlag)[];
}

/** The kinds of visit, read once per page load. */
export const visitKinds = readOnce(async () => (await api.get<{ items: VisitKind[] }>('/api/homecare/visit-kinds')).items);

/** The kind's name in the current language (the server's table names both). */
export function kindName(kind: { code: string; ja: string | null; en: string | null }, kinds: VisitKind[] = []): string {
  const known = kinds.find((k) => k.code === kind.code);
  const ja = kind.ja ?? known?.ja ?? kind.code;
  const en = kind.en ?? known?.en ?? ja;
  return lang() === 'ja' ? ja : en;
}

/** The kinds the user's current organisation provides (its type is in the kind's org_types):
 *  what its forms offer. The server checks again (homecare.schedule_kind_org). */
export function ownKinds(kinds: VisitKind[]): VisitKind[] {
  const type = currentMembership()?.org_type;
  return type ? kinds.filter((k) => k.org_types.includes(type)) : [];
}

export function weekOf(patientId: string, week: string): Promise<Week> {
  return api.get<Week>(`/api/patients/${seg(patientId)}/homecare/schedule`, { week });
}

/** The people the forms offer as staff: oneself and the members of one's organisation on the
 *  patient's care team (the server checks that the staff member is of the organisation). */
export async function ownStaff(patientId: string): Promise<IdName[]> {
  const me = currentMe();
  const list: IdName[] = me ? [{ id: me.user.id, name: me.user.name }] : [];
  try {
    const team = await api.get<{ items: TeamMember[] }>(`/api/patients/${seg(patientId)}/team`);
    for (const member of team.items) {
      if (member.org_id !== me?.org_id || !member.user_id || !member.user_name) continue;
      if (!list.some((p) => p.id === member.user_id)) list.push({ id: member.user_id, name: member.user_name });
    }
  } catch {
    // The team list is only a convenience for the picker: oneself is always offered.
  }
  return list;
}

// ---- dates of the Tokyo calendar (UTC+9 all year) ----

const DAY_MS = 86_400_000;

function utcOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function addDays(date: string, days: number): string {
  return new Date(utcOf(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the week containing date. */
export function mondayOf(date: string): string {
  const weekday = (new Date(utcOf(date)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(date, -weekday);
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function isDate(value: string | undefined): value is string {
  return value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(utcOf(value));
}
