// SPDX-License-Identifier: Apache-2.0
// JSON shapes of shared-equipment slots and bookings, and this feature's messages.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';
import type { SharedStudy } from '../../types';

export interface Named {
  id: string;
  name: string | null;
}

export interface Slot {
  id: string;
  org: Named;
  equipment: string;
  starts_at: string;
  ends_at: string;
  preparation: string;
  note: string;
  state: 'free' | 'booked';
  bookable: boolean;
  booking: { id: string; status: string; ordering_org: Named; patient: Named } | null;
}

export interface BookingReport {
  findings: string;
  impression: string;
}

export interface Booking {
  id: string;
  status: string;
  patient: { id: string; name: string; name_kana: string; birth_date: string; sex: string };
  slot: Omit<Slot, 'state' | 'bookable' | 'booking'>;
  ordering_org: Named;
  ordering_user: Named;
  exam: string;
  clinical_question: string;
  created_at: string;
  updated_at: string;
  reported_at: string | null;
  report: BookingReport | null;
  actions: string[];
  /** Of the actions, those that need a reason now (before the examination's day). */
  early_actions?: string[];
  /** The examining hospital's checklist as the booking answered it. */
  checklist?: { item: string; checked: boolean }[];
  // the full booking only
  order_notes?: string;
  previous_slot?: { id: string; starts_at: string; ends_at: string } | null;
  proposal_note?: string | null;
  decline_reason?: string | null;
  cancel_reason?: string | null;
  reported_by?: Named | null;
  record_shared?: boolean;
  /** The AccessionNumber the examining hospital gives its modality (links the images). */
  accession_number?: string;
  /** The examination's studies shared back with the report (the full booking only). */
  shared_studies?: BookingStudy[];
}

export type BookingStudy = SharedStudy;

export interface BookingPage {
  items: Booking[];
  next_cursor: string | null;
  counts?: Record<string, number>;
}

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
