// SPDX-License-Identifier: Apache-2.0
// The organisation directory (GET /api/orgs), fetched once per page load and shared by forms.
import { getAll } from './api';
import type { Org } from './types';

let cached: Promise<Org[]> | null = null;

export function loadOrgs(refresh = false): Promise<Org[]> {
  if (!cached || refresh) {
    cached = getAll<Org>('/api/orgs');
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

export function forgetOrgs(): void {
  cached = null;
}
