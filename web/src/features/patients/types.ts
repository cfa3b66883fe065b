// SPDX-License-Identifier: Apache-2.0
// JSON shapes of patients, their consents and care teams (docs/api.md), and this feature's
// messages.
import type { Fragment } from '../../i18n';
import type { Profession, Sex } from '../../types';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

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
  /** The caller reads the patient as its care team with consent in force (consents, access
   *  history), not only through a record share or an emergency grant: the server's decision. */
  care_team?: boolean;
  /** Seen only as the registering organisation after consent was withdrawn: demographics and
   *  consents, nothing clinical (issue 13, item 6). */
  demographics_only?: boolean;
  /** Merged by the network office into this patient (its records stay under this id). */
  merged_into?: string | null;
  merged_from?: string[];
}

/** A candidate of POST /api/patients/match: all of a patient one sees; of another, only the
 *  name, reading, sex and birth date that were matched. */
export interface PatientMatch {
  offer_id: string;
  score: number;
  grade: 'certain' | 'probable' | 'possible';
  visible: boolean;
  consent_covers_org: boolean;
  patient: Pick<PatientSummary, 'name' | 'name_kana' | 'sex' | 'birth_date'> & Partial<PatientSummary>;
}

/** A pair of GET /api/patient-duplicates. */
export interface DuplicatePair {
  score: number;
  grade: 'certain' | 'probable' | 'possible';
  patients: (PatientSummary & { new_patient_reason: { reason: string; org_name: string } | null })[];
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
  /** One of the coded roles (主治医, 担当ケアマネ, 訪問看護担当 …) the team list gives with labels. */
  role_code: string | null;
  added_at: string;
  consent_in_force: boolean;
}

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
