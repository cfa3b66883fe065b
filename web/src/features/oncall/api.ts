// SPDX-License-Identifier: Apache-2.0
// The on-call API's reads shared by the screens (docs/api/oncall.md).
import { api, getAll } from '../../api';
import { isOrgAdmin, currentMe } from '../../session';
import type { List, User } from '../../types';
import type { Declaration, IdName, Partnership, Shift } from './types';

/** The shifts overlapping [from, to) (ISO instants). */
export async function loadShifts(from: string, to: string): Promise<Shift[]> {
  return (await api.get<List<Shift>>('/api/oncall/shifts', { from, to })).items;
}

export async function loadPartners(): Promise<Partnership[]> {
  return (await api.get<List<Partnership>>('/api/oncall/partners')).items;
}

/** The organisation's own declarations, the one in force first. */
export async function loadDeclarations(): Promise<Declaration[]> {
  return (await api.get<List<Declaration>>('/api/oncall/declarations')).items;
}

/**
 * The people a form may name: for the administrator, the organisation's confirmed members
 * (GET /api/users, administrators only); for a member, oneself and the people of the shifts shown
 * (the server checks membership either way).
 */
export async function loadMembers(orgId: string, shifts: Shift[]): Promise<IdName[]> {
  const people = new Map<string, IdName>();
  if (isOrgAdmin()) {
    const users = await getAll<User>('/api/users', { org_id: orgId });
    for (const u of users) {
      const m = u.memberships.find((x) => x.org_id === orgId);
      if (!u.disabled && m && m.pending === null) people.set(u.id, { id: u.id, name: u.name });
    }
  } else {
    const me = currentMe()?.user;
    if (me) people.set(me.id, { id: me.id, name: me.name });
    for (const s of shifts) for (const p of [s.primary, s.backup]) if (p) people.set(p.id, p);
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name, 'ja'));
}
