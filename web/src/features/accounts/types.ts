// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the account screens (sessions, two-factor enrolment, API tokens) and this
// feature's messages.
import type { Fragment } from '../../i18n';
import type { Profession } from '../../types';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

export const PROFESSIONS: Profession[] = [
  'physician',
  'dentist',
  'nurse',
  'pharmacist',
  'care_manager',
  'msw',
  'therapist',
  'laboratory_technician',
  'care_worker',
  'clerk',
];

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

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
