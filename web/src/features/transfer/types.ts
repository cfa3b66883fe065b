// SPDX-License-Identifier: Apache-2.0
// Emergency transfers (救急画像送信) as the API answers them (docs/api/transfers.md), and this
// feature's messages.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';
import type { SharedStudy } from '../../types';

export interface Named {
  id: string;
  name: string | null;
}

export type TransferStudy = SharedStudy;

export interface TransferSummary {
  problems: { text: string; code: string; onset: string }[];
  medications: { text: string }[];
  allergies: { text: string; reaction: string }[];
}

export interface Transfer {
  id: string;
  status: 'sent' | 'accepted' | 'closed';
  open: boolean;
  patient: { id: string; name: string; name_kana: string; birth_date: string; sex: string };
  from_org: Named;
  from_user: Named;
  to_org: Named;
  note: string;
  consent_free: boolean;
  reason: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  closed_at: string | null;
  close_reason: string | null;
  number_of_studies: number;
  actions: string[];
  review_closed_at?: string | null;
  review_comment?: string | null;
  review_closed_by?: Named | null;
  // the full transfer only
  summary?: TransferSummary | null;
  studies?: TransferStudy[];
}

export interface TransferPage {
  items: Transfer[];
  next_cursor: string | null;
}

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
