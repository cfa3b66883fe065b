// SPDX-License-Identifier: Apache-2.0
// JSON shapes of emergency (break-the-glass) access, and this feature's messages.
import type { Fragment } from '../../i18n';
import type { Profession, Sex } from '../../types';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

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

/** A record of what an emergency access opened: GET /api/emergency/{gid}/opened. */
export interface EmergencyOpened {
  seq: number;
  time: string;
  event_id: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  /** Who read, for an emergency image share (another organisation's user). */
  org?: { id: string; name: string | null };
  user_login?: string | null;
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

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
