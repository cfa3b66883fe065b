// SPDX-License-Identifier: Apache-2.0
// The organisation directory (GET /api/orgs), fetched once per page load and shared by forms.
import { api } from '../api';
import type { List, Org } from '../types';

let cached: Promise<Org[]> | null = null;

export function loadOrgs(refresh = false): Promise<Org[]> {
  if (!cached || refresh) {
    cached = api.get<List<Org>>('/api/orgs', { limit: 100 }).then((list) => list.items);
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

export function forgetOrgs(): void {
  cached = null;
}
