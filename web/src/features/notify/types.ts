// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the notifications (GET /api/notifications), and this feature's messages.
import type { Fragment } from '../../i18n';
import type { Profession } from '../../types';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

export interface AppNotification {
  id: string;
  kind: string;
  patient: { id: string; name: string | null } | null;
  ref_id: string | null;
  summary: {
    user_name?: string;
    org_name?: string;
    profession?: Profession;
    reason?: string;
    expires_at?: string;
    /** kind "referral": the step and the referral it concerns. */
    event?: string;
    referral_id?: string;
    from_org_name?: string;
    to_org_name?: string;
    by_user_name?: string;
    kind?: string;
    /** kind "account_reset": whose password was reset, by whom. */
    login?: string;
    name?: string;
    by_org_name?: string | null;
    by_network_office?: boolean;
  };
  created_at: string;
  read_at: string | null;
  read_by: { id: string; name: string } | null;
}

export interface NotificationList {
  items: AppNotification[];
  unread: number;
}

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
