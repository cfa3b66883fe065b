// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the audit trail (GET /api/audit).

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
