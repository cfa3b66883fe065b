// SPDX-License-Identifier: Apache-2.0
// Sharing rules (issue 17, docs/api/sharing.md): the API's shapes, and this feature's messages
// (i18n/ja.json, en.json), merged into the catalog.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

declare module '../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
}

export interface Label {
  code: string;
  ja: string;
  en: string;
}

export interface Vocabulary {
  kinds: Label[];
  roles: Label[];
  severities: Label[];
  timings: Label[];
  weekdays: Label[];
  professions: Label[];
  org_types: Label[];
}

export interface Named {
  id: string;
  name: string | null;
}

export type Recipient = { role: string } | { org: Named; user: Named | null };

export interface Rule {
  id: string;
  scope: 'region' | 'patient';
  kind: string;
  condition: { professions: string[]; severities: string[]; org_types: string[] };
  recipients: Recipient[];
  timing: string;
  at: string | null;
  weekday: string | null;
  note: string | null;
  created_by: Named | null;
  created_at: string;
}

export interface PatientRules {
  items: Rule[];
  region: Rule[];
}

export interface PreviewItem {
  rule_id: string;
  scope: 'region' | 'patient';
  role: string | null;
  timing: string;
  due_at: string | null;
  org: Named;
  user: Named | null;
  outcome: string;
}

export interface Delivery {
  id: string;
  rule: { id: string; scope: 'region' | 'patient'; note: string | null };
  event: string;
  ref_id: string | null;
  by: Named | null;
  org: Named;
  user: Named | null;
  timing: string;
  outcome: string;
  due_at: string | null;
  sent_at: string | null;
  created_at: string;
}

/** The body of a new rule. */
export interface RuleBody {
  kind: string;
  recipients: ({ role: string } | { org_id: string; user_id?: string })[];
  timing: string;
  at?: string;
  weekday?: string;
  note?: string;
}
