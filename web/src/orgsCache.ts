// SPDX-License-Identifier: Apache-2.0
// The organisation directory (GET /api/orgs) and the organisation types with their labels
// (GET /api/org-types), each read once per page load and shared by the screens and forms.
import { api, getAll, readOnce } from './api';
import type { List, Org, OrgType } from './types';

/** Every organisation; refresh reads the list again (after an edit). */
export const loadOrgs = readOnce(() => getAll<Org>('/api/orgs'));

/** The organisation types in the server's order. */
export const loadOrgTypes = readOnce(async () => (await api.get<List<OrgType>>('/api/org-types')).items);

