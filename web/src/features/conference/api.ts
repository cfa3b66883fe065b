// SPDX-License-Identifier: Apache-2.0
// The conference API's reads shared by the screens (docs/api/conference.md).
import { api, readOnce, seg } from '../../api';
import { codeLabel, type CodeLabel } from '../../i18n';
import { currentMembership } from '../../session';
import type { List } from '../../types';
import type { Conference, ConferenceSummary } from './types';

/** The kinds (退院前カンファレンス, サービス担当者会議, 症例検討会) with their labels, read once. */
export const loadKinds = readOnce(async () => (await api.get<List<CodeLabel>>('/api/conference-kinds')).items);

export function kindLabel(kinds: CodeLabel[], kind: CodeLabel): string {
  return codeLabel(kinds, kind.code) || kind.code;
}

export async function loadConferences(from?: string, until?: string): Promise<ConferenceSummary[]> {
  return (await api.get<List<ConferenceSummary>>('/api/conferences', { from, until })).items;
}

export function loadConference(id: string): Promise<Conference> {
  return api.get<Conference>(`/api/conferences/${seg(id)}`);
}

/** Whether the current organisation organises the conference (its side writes the minutes). */
export function organises(c: { organiser: { id: string } }): boolean {
  return currentMembership()?.org_id === c.organiser.id;
}
