// SPDX-License-Identifier: Apache-2.0
// JSON shapes of referrals (/api/referrals) and their letters, and this feature's messages.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

export interface Named {
  id: string;
  name: string | null;
}

export interface LetterDiagnosis {
  text: string;
  code: string;
  onset: string;
}

export interface LetterAllergy {
  text: string;
  reaction: string;
}

export interface LetterLab {
  text: string;
  value: string;
  date: string;
}

export interface LetterDocument {
  reference: string;
  title: string;
}

/** A study of the archive attached to the letter (shared with the receiver while the referral
 *  lasts); the server fills in the date, modality and organisation. */
export interface LetterImaging {
  study_uid: string;
  description: string;
  date?: string;
  modality?: string;
  org_name?: string;
}

export type { SharedStudy } from '../../types';

/** The 診療情報提供書 as stored in referrals.letter. */
export interface Letter {
  purpose_text: string;
  chief_complaint: string;
  diagnoses: LetterDiagnosis[];
  history: string;
  course: string;
  medications: { text: string }[];
  allergies: LetterAllergy[];
  labs: LetterLab[];
  documents: LetterDocument[];
  imaging: LetterImaging[];
  follow_up: string;
  remarks: string;
  record_shared?: boolean;
  share_expires_at?: string | null;
}

export interface Reply {
  diagnosis: string;
  findings: string;
  treatment: string;
  plan: string;
  remarks: string;
}

export interface ReferralSummary {
  id: string;
  kind: 'referral' | 'reverse';
  status: string;
  urgency: string;
  purpose: string;
  patient: { id: string; name: string; name_kana: string; birth_date: string; sex: string };
  from_org: Named;
  from_user: Named;
  to_org: Named;
  to_department: string;
  sent_at: string;
  updated_at: string;
  scheduled_for: string | null;
}

export interface TimelineEntry {
  kind: string;
  at: string;
  user: Named | null;
  org: Named | null;
  detail: Record<string, unknown>;
}

export interface Referral extends ReferralSummary {
  parent_id: string | null;
  redirected_to: string | null;
  letter: Letter;
  letter_sha256: string;
  signed_at: string;
  accepted_at: string | null;
  seen_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  decline_reason: string | null;
  reply: Reply | null;
  reply_by: Named | null;
  share: { record_shared: boolean; expires_at: string | null; ended_at: string | null; end_reason: string | null };
  children: { id: string; kind: string; status: string; to_org: Named; sent_at: string }[];
  timeline: TimelineEntry[];
  actions: string[];
  /** Of the actions, those that need a reason now (before the appointment's day). */
  early_actions?: string[];
  fhir: { service_request: string | null; task: string | null; composition: string | null };
}

export interface ReferralList {
  items: ReferralSummary[];
  next_cursor?: string | null;
  counts: Record<string, number>;
}

export interface ReferralCode {
  code: string;
  ja?: string;
  en?: string;
}

export interface ReferralCodes {
  purposes: ReferralCode[];
  urgencies: ReferralCode[];
  statuses: ReferralCode[];
}

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
