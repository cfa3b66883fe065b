// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the imaging module (studies, the reconciliation queue, the CD import) and this
// feature's messages.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

declare module '../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
}

/** A study of GET /api/patients/{id}/studies (dates as YYYY-MM-DD, null when unknown). */
export interface Study {
  study_uid: string;
  study_date: string | null;
  study_time: string;
  modalities: string[];
  description: string;
  accession_number: string;
  org: { id: string; name: string | null };
  number_of_series: number;
  number_of_instances: number;
  received_at: string | null;
}

/** The patient as the DICOM files name it (shown as text, never as markup). */
export interface DicomPatient {
  patient_id: string;
  issuer: string;
  name: string;
  name_alphabetic: string;
  name_ideographic: string;
  name_phonetic: string;
  birth_date: string | null;
  sex: string;
}

/** A study of the reconciliation queue (GET /api/imaging/reconciliation). */
export interface QueuedStudy {
  study_uid: string;
  state: 'waiting' | 'rejected';
  dicom_patient: DicomPatient;
  study_date: string | null;
  study_time: string;
  accession_number: string;
  description: string;
  modalities: string[];
  number_of_series: number;
  number_of_instances: number;
  received_at: string | null;
  reject_reason: string | null;
}

export type FileStatus = 'stored' | 'duplicate' | 'failed' | 'skipped';

/** A reason or warning: an error code of the server with its message in the request's language. */
export interface Reason {
  code: string;
  reason: string;
  detail?: string;
}

/** One file of an import's answer. */
export interface ImportFile extends Partial<Reason> {
  name: string;
  status: FileStatus;
  study_uid?: string;
  sop_instance_uid?: string;
  warning?: Reason;
  from_dicomdir?: boolean;
}

export interface ImportResult {
  dicomdir: boolean;
  summary: { stored: number; duplicates: number; failed: number; skipped: number };
  studies: { study_uid: string; state: 'linked' | 'waiting' | 'stored'; instances: number; this_patient?: boolean }[];
  files: ImportFile[];
}
