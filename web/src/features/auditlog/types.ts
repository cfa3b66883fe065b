// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the audit trail (GET /api/audit), and this feature's messages.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

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
  user_name: string | null;
  org_name: string | null;
  /** null where the reader's organisation may not see the patient, and for the network office */
  patient_name: string | null;
  patient_name_kana: string | null;
  /** made through an emergency (break-the-glass) grant */
  emergency: boolean;
}

/** Who opened a patient's record: GET /api/patients/{id}/access-log. */
export interface AccessRecord {
  seq: number;
  time: string;
  event_id: string;
  action: AuditAction;
  object_type: string | null;
  emergency: boolean;
  org: { id: string; name: string | null } | null;
  user: { name: string; profession: string | null } | null;
}

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
