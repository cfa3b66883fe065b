// SPDX-License-Identifier: Apache-2.0
// On-call and backup (issue 17): the messages, one fragment per part (i18n/<part>/{ja,en}.json
// beside the notices' i18n/{ja,en}.json), and the shapes of the API's answers
// (docs/api/oncall.md).
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';
import type backupEn from './i18n/backup/en.json';
import type backupJa from './i18n/backup/ja.json';
import type callEn from './i18n/call/en.json';
import type callJa from './i18n/call/ja.json';
import type rosterEn from './i18n/roster/en.json';
import type rosterJa from './i18n/roster/ja.json';

declare module '../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
  interface Messages extends Fragment<typeof rosterJa, typeof rosterEn> {}
  interface Messages extends Fragment<typeof callJa, typeof callEn> {}
  interface Messages extends Fragment<typeof backupJa, typeof backupEn> {}
}

export interface IdName {
  id: string;
  name: string;
}

export type Role = 'primary' | 'backup';

export interface Swap {
  role: Role;
  from: IdName | null;
  to: IdName | null;
  reason: string | null;
  at: string;
}

/** A shift of the roster (GET /api/oncall/shifts). */
export interface Shift {
  id: string;
  starts_at: string;
  ends_at: string;
  phone: string;
  backup_phone: string | null;
  primary: IdName;
  backup: IdName | null;
  note: string | null;
  swaps: Swap[];
}

export interface OnCallPerson extends IdName {
  profession: string | null;
  phone: string | null;
}

/** Who is on call at an instant (GET /api/oncall/now, and per organisation for a patient). */
export interface OnCallNow {
  found: boolean;
  shift_id: string | null;
  starts_at: string | null;
  ends_at: string | null;
  primary: OnCallPerson | null;
  backup: OnCallPerson | null;
}

export type Reason = 'disaster' | 'illness' | 'other';

export interface Declaration {
  id: string;
  reason: Reason;
  started_at: string;
  planned_end_at: string;
}

/** One organisation of a patient's team (GET /api/patients/{id}/oncall). */
export interface CallOrg extends IdName {
  phone: string | null;
  on_call: OnCallNow;
  declaration: Declaration | null;
  partners?: CallOrg[];
}

export interface Dependence {
  ventilator: boolean;
  oxygen: boolean;
  dialysis: boolean;
  note: string | null;
  set_by: IdName | null;
  set_at: string | null;
}

/** A backup partnership (GET /api/oncall/partners): org named partner. */
export interface Partnership {
  id: string;
  org: IdName;
  partner: IdName;
  proposed_at: string;
  accepted_at: string | null;
  declaration_in_force: string | null;
  declared_org: string | null;
}

export interface Counts {
  patients: number;
  ventilator: number;
  oxygen: number;
  dialysis: number;
}

/** An organisation under a declaration, as the network office sees it (counts only). */
export interface DisasterItem {
  id: string;
  org: IdName;
  reason: Reason;
  note: string | null;
  started_at: string;
  planned_end_at: string;
  home_care: Counts;
  partners: (IdName & { phone: string | null; covers: Counts })[];
}

/** One of the organisation's declarations of unavailability (GET /api/oncall/declarations). */
export interface Declaration {
  id: string;
  reason: 'disaster' | 'illness' | 'other';
  note: string | null;
  started_at: string;
  planned_end_at: string;
  ended_at: string | null;
  end_reason: string | null;
  declared_by: IdName | null;
}
