// SPDX-License-Identifier: Apache-2.0
// The referral code lists (GET /api/referral-codes, with built-in lists as a fallback) and the
// referral event stream.
import { api, listen, readOnce } from '../../api';
import { onLeave, type LeaveHook } from '../../router';
import type { ReferralCode, ReferralCodes } from './types';

export const STATUSES = ['sent', 'accepted', 'scheduled', 'seen', 'replied', 'closed', 'declined', 'redirected', 'cancelled'];
export const URGENCIES = ['emergency', 'urgent', 'routine'];
const PURPOSES = ['workup', 'admission', 'surgery', 'specialist', 'rehabilitation', 'home_transition', 'follow_up', 'consultation', 'other'];

function codeList(value: unknown, fallback: string[]): ReferralCode[] {
  if (!Array.isArray(value) || value.length === 0) return fallback.map((code) => ({ code }));
  return value
    .map((item) => (typeof item === 'string' ? { code: item } : (item as ReferralCode)))
    .filter((item) => item && typeof item.code === 'string');
}

/** GET /api/referral-codes once per page load (the built-in lists when it cannot be read). */
export const referralCodes = readOnce(() =>
  api
    .get<Record<string, unknown>>('/api/referral-codes')
    .catch(() => ({}) as Record<string, unknown>)
    .then(
      (raw): ReferralCodes => ({
        purposes: codeList(raw.purposes, PURPOSES),
        urgencies: codeList(raw.urgencies, URGENCIES),
        statuses: codeList(raw.statuses, STATUSES),
      }),
    ),
);

/**
 * Listens to the `referral` topic of /api/events while the page is shown: calls changed(id) for
 * each event, and changed('') after a reset (events were missed). Closed when the page is left
 * (or, with a tab's leave hook, the tab).
 */
export function referralStream(changed: (referralId: string) => void, state?: HTMLElement, leave: LeaveHook = onLeave): void {
  const close = listen('referral', {
    onEvent: (data) => {
      const id = (data as { referral_id?: unknown } | null)?.referral_id;
      if (typeof id === 'string' && id) changed(id);
    },
    onReset: () => changed(''),
    onState: (next) => {
      if (state) state.dataset.state = next;
    },
  });
  leave(close);
}
