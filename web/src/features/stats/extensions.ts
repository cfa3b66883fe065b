// SPDX-License-Identifier: Apache-2.0
// What other features add to the figures page (実績, `#/stats`): sections of their own beside the
// referral figures, each a tab `#/stats/<id>` (e.g. home care's 訪問実績). Registered by the
// features' routes.ts; the stats page knows none of them by name.
import type { MessageKey } from '../../i18n';
import { orderedList } from '../../registry';
import type { Route } from '../../router';

export interface StatsSection {
  /** In the URL and the test ids: `#/stats/<id>`, `stats-section-<id>`. */
  id: string;
  label: MessageKey;
  /** Place among the tabs after the referral figures, from left to right. */
  order: number;
  /** Whether the current user sees the tab (the server decides again on every read). */
  show?: () => boolean;
  /** Renders the section below the tabs; route.path[1] is the id, route.query its own. */
  render: (panel: HTMLElement, route: Route) => void | Promise<void>;
}

const sections = orderedList<StatsSection>();

export function registerStatsSection(section: StatsSection): void {
  if (section.id === 'referrals' || sections.items().some((other) => other.id === section.id)) {
    throw new Error(`stats section ${section.id} is registered twice`);
  }
  sections.add(section);
}

/** The sections the current user sees, in their order. */
export function statsSections(): StatsSection[] {
  return sections.items().filter((s) => s.show?.() ?? true);
}
