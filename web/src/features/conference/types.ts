// SPDX-License-Identifier: Apache-2.0
// Case conferences (カンファレンス): the messages, one fragment per part (i18n/<part>/{ja,en}.json
// beside the notices' i18n/{ja,en}.json), and the shapes of the API's answers
// (docs/api/conference.md).
import type { CodeLabel, Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';
import type detailEn from './i18n/detail/en.json';
import type detailJa from './i18n/detail/ja.json';
import type listEn from './i18n/list/en.json';
import type listJa from './i18n/list/ja.json';

declare module '../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
  interface Messages extends Fragment<typeof listJa, typeof listEn> {}
  interface Messages extends Fragment<typeof detailJa, typeof detailEn> {}
}

export interface IdName {
  id: string;
  name: string;
}

export type Status = 'scheduled' | 'cancelled';

/** A conference as the list gives it. */
export interface ConferenceSummary {
  id: string;
  kind: CodeLabel;
  title: string;
  starts_at: string;
  ends_at: string;
  place: string;
  status: Status;
  organiser: IdName;
  minutes_shared_at: string | null;
  has_patient: boolean;
  patient_visible: boolean;
  patient: IdName | null;
}

export interface Participant extends IdName {
  people: (IdName & { org_id: string })[];
}

export interface Material {
  id: string;
  resource_type: string;
  resource_id: string;
  note: string;
  added_by: IdName | null;
  added_at: string;
  /** The resource as stored now, or null when it was deleted since. */
  resource: Record<string, unknown> | null;
}

export interface Minutes {
  version: number;
  text: string;
  by: IdName | null;
  org: IdName | null;
  at: string;
}

export interface ActionItem {
  id: string;
  text: string;
  owner: IdName;
  owner_org_id: string;
  due_date: string;
  done_at: string | null;
  conference_id?: string | null;
  /** In the owner's own list (GET /api/conference-action-items). */
  conference?: IdName & { title?: string };
  patient_id?: string | null;
}

/** A conference (GET /api/conferences/{cid}); the patient's parts only when patient_visible. */
export interface Conference extends Omit<ConferenceSummary, 'patient'> {
  cancel_reason: string | null;
  created_at: string;
  participants: Participant[];
  patient?: IdName | null;
  agenda?: string;
  materials?: Material[];
  minutes?: Minutes | null;
  minutes_versions?: Minutes[];
  action_items?: ActionItem[];
}
