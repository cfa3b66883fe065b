// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the tsunagu API (docs/api.md).
import type { CodeLabel } from './i18n';

export type AuthState = 'active' | 'totp_required' | 'password_change_required';
export type Sex = 'male' | 'female' | 'other' | 'unknown';
export type Role = 'member' | 'org_admin';
export type Profession =
  | 'physician'
  | 'dentist'
  | 'nurse'
  | 'pharmacist'
  | 'care_manager'
  | 'msw'
  | 'therapist'
  | 'laboratory_technician'
  | 'care_worker'
  | 'clerk';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string;
  /** The request field a 4xx is about (`birth_date`, `consent.consented_on`, `beds.general`). */
  field?: string;
}

export interface Membership {
  org_id: string;
  org_code: string;
  org_name: string;
  org_type: string;
  role: Role;
  /** The network office created or reset the account: it waits for the organisation's
   *  administrator to confirm it. */
  pending: 'created' | 'reset' | null;
}

export interface MeUser {
  id: string;
  login: string;
  name: string;
  name_kana: string;
  profession: Profession;
  network_admin: boolean;
  totp_enabled: boolean;
}

export interface Me {
  user: MeUser;
  memberships: Membership[];
  org_id: string | null;
  state: AuthState;
  csrf_token: string;
  totp_required: boolean;
  /** The kinds of clinical record this profession may write (src/access/write_rules.def). */
  may_write: string[];
}

export interface AuthAnswer {
  state: AuthState;
  csrf_token: string;
  me: Me;
}

export interface List<T> {
  items: T[];
  next_cursor?: string | null;
}

/** GET /api/org-types: an organisation type with its labels. */
export type OrgType = CodeLabel;

export interface Org {
  id: string;
  code: string;
  name: string;
  name_kana: string;
  type: string;
  address: string;
  phone: string;
  totp_required: boolean;
}

export interface User extends MeUser {
  disabled: boolean;
  must_change_password: boolean;
  memberships: { org_id: string; org_name: string; role: Role; pending: 'created' | 'reset' | null }[];
}

/** A study shared with an organisation for a case of a feature (a referral, a shared-equipment
 *  report, an emergency transfer): the server's imaging_shares_of, one shape for all. */
export interface SharedStudy {
  study_uid: string;
  date: string;
  modality: string;
  description: string;
  org_id: string;
  org_name: string;
  number_of_instances: number;
  shared_at: string | null;
  expires_at: string | null;
  ended_at: string | null;
  consent_free: boolean;
  active: boolean;
}
