// SPDX-License-Identifier: Apache-2.0
// Who is logged in, in which organisation, and what they may see.
import { setCsrfToken } from './api';
import type { Me, Membership } from './types';

let me: Me | null = null;

export function currentMe(): Me | null {
  return me;
}

export function setMe(next: Me | null, csrfToken?: string): void {
  me = next;
  setCsrfToken(csrfToken ?? next?.csrf_token ?? '');
}

export function currentMembership(): Membership | null {
  if (!me) return null;
  return me.memberships.find((m) => m.org_id === me?.org_id) ?? null;
}

export function isNetworkAdmin(): boolean {
  return me?.user.network_admin === true;
}

/** The current membership waits for its organisation's administrator to confirm it (the
 *  network office created or reset the account): no patient data, no administration. */
export function isPending(): boolean {
  return (currentMembership()?.pending ?? null) !== null;
}

export function isOrgAdmin(): boolean {
  return currentMembership()?.role === 'org_admin' && !isPending();
}

export function isAnyAdmin(): boolean {
  return isNetworkAdmin() || isOrgAdmin();
}

/** Patients are seen through a current organisation; network admins only manage accounts. */
export function canSeePatients(): boolean {
  return currentMembership() !== null && !isNetworkAdmin() && !isPending();
}

/** Whether the current user's profession may write a clinical record of kind (the server's
 *  write matrix, src/access/write_rules.def; the server decides again on every write). */
export function mayWrite(kind: string): boolean {
  return currentMe()?.may_write?.includes(kind) ?? false;
}
