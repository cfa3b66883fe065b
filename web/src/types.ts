// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the tsunagu API (docs/api.md).

export type AuthState = 'active' | 'totp_required' | 'password_change_required';
export type Sex = 'male' | 'female' | 'other' | 'unknown';
export type Role = 'member' | 'org_admin';
export type Profession =
  | 'physician'
  | 'nurse'
  | 'pharmacist'
  | 'care_manager'
  | 'msw'
  | 'therapist'
  | 'clerk';

export const PROFESSIONS: Profession[] = [
  'physician',
  'nurse',
  'pharmacist',
  'care_manager',
  'msw',
  'therapist',
  'clerk',
];

export const ORG_TYPES = [
  'advanced_acute_hospital',
  'acute_hospital',
  'recovery_hospital',
  'chronic_hospital',
  'clinic',
  'home_care_clinic',
  'visiting_nursing',
  'pharmacy',
  'care_management',
  'community_support_center',
  'care_facility',
  'municipality',
] as const;

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string;
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

export interface Session {
  id: string;
  created_at: string;
  last_seen_at: string;
  client: string;
  user_agent: string;
  current: boolean;
}

export interface TotpEnrollment {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface OrgType {
  code: string;
  ja: string;
  en: string;
}

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

export interface User {
  id: string;
  login: string;
  name: string;
  name_kana: string;
  profession: Profession;
  network_admin: boolean;
  disabled: boolean;
  totp_enabled: boolean;
  must_change_password: boolean;
  memberships: { org_id: string; org_name: string; role: Role; pending: 'created' | 'reset' | null }[];
}

export interface ApiToken {
  id: string;
  name: string;
  org_id: string;
  user_id: string;
  user_login: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface NewApiToken extends ApiToken {
  token: string;
}

export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

export interface AuditRecord {
  seq: number;
  time: string;
  event_id: string;
  action: AuditAction;
  outcome: string | number;
  user_id: string | null;
  user_login: string | null;
  org_id: string | null;
  client: string | null;
  patient_id: string | null;
  object_type: string | null;
  object_id: string | null;
  request_id: string | null;
  detail: unknown;
}

export interface LocalId {
  org_id: string;
  org_name: string;
  local_id: string;
}

export interface PatientSummary {
  id: string;
  name: string;
  name_kana: string;
  sex: Sex;
  birth_date: string;
  age: number | null;
  local_ids: LocalId[];
}

export interface Patient extends PatientSummary {
  address: string | null;
  phone: string | null;
}

export type ConsentMethod = 'written' | 'verbal';

/** withdrawn_by is not spelled out in docs/api.md: accept an object or a plain string. */
export type PersonRef = { id: string; name: string } | string | null;

export interface Consent {
  id: string;
  orgs: { id: string; name: string }[];
  scope: string;
  method: ConsentMethod;
  consented_on: string;
  note: string | null;
  recorded_by: PersonRef;
  recorded_at: string;
  status: 'active' | 'withdrawn';
  withdrawn_at: string | null;
  withdrawn_by: PersonRef;
  withdraw_reason: string | null;
}

export interface TeamMember {
  id: string;
  org_id: string;
  org_name: string;
  org_type: string;
  user_id: string | null;
  user_name: string | null;
  profession: Profession | null;
  role: string | null;
  added_at: string;
  consent_in_force: boolean;
}

/** An emergency (break-the-glass) access: GET /api/emergency/active, reviews. */
export interface EmergencyGrant {
  id: string;
  patient: { id: string; name: string; name_kana: string };
  user: { id: string; name: string; profession: Profession };
  org: { id: string; name: string };
  reason: string;
  started_at: string;
  expires_at: string;
  ended_at: string | null;
  status: 'active' | 'ended' | 'expired';
  remaining_seconds: number;
  review: { closed_at: string | null; closed_by: { id: string; name: string } | null; comment: string | null };
}

/** A candidate of POST /api/emergency/search. */
export interface EmergencyCandidate {
  id: string;
  name: string;
  name_kana: string;
  birth_date: string;
  sex: Sex;
  accessible: boolean;
}

export interface AppNotification {
  id: string;
  kind: string;
  patient: { id: string; name: string | null } | null;
  ref_id: string | null;
  summary: {
    user_name?: string;
    org_name?: string;
    profession?: Profession;
    reason?: string;
    expires_at?: string;
    /** kind "referral": the step and the referral it concerns. */
    event?: string;
    referral_id?: string;
    from_org_name?: string;
    to_org_name?: string;
    by_user_name?: string;
    kind?: string;
    /** kind "account_reset": whose password was reset, by whom. */
    login?: string;
    name?: string;
    by_org_name?: string | null;
    by_network_office?: boolean;
  };
  created_at: string;
  read_at: string | null;
  read_by: { id: string; name: string } | null;
}

export interface NotificationList {
  items: AppNotification[];
  unread: number;
}
