// SPDX-License-Identifier: Apache-2.0
// What other features add to the patient screens: tabs of the patient page, buttons in its header,
// a limited view (emergency access) with its banner, and buttons of the search page. Registered
// by the features' routes.ts; the screens themselves know none of them.
import type { MessageKey } from '../../i18n';
import { orderedList } from '../../registry';
import type { LeaveHook } from '../../router';
import type { Patient } from './types';

/** How the page is seen: under emergency access only the emergency view, read-only. */
export interface TabContext {
  emergency: boolean;
  /** Runs a hook when the tab is left (another tab or another page), e.g. to close an EventSource. */
  onLeave: LeaveHook;
  /** The URL's segments after the tab's id when the page opened on this tab
   *  (`#/patients/<id>/<tab>/<section>`: a tab's own sections), else []. */
  path: string[];
}

export type TabRender = (panel: HTMLElement, patient: Patient, context: TabContext) => void | Promise<void>;

export interface PatientTab {
  /** In the URL and the test ids: `#/patients/<id>/<tab id>`, `tab-<tab id>`. */
  id: string;
  label: MessageKey;
  /** Place among the tabs, from left to right; the first one shown opens by default. */
  order: number;
  render: TabRender;
  /** Shown under emergency (break-the-glass) access, which opens the emergency view only. */
  emergency?: boolean;
  /** Shown only to the patient's care team with consent in force (`care_team` of the patient
   *  as the server answers it), not through a record share or an emergency grant. */
  careTeam?: boolean;
}

/** A button or link in the header of the patient page (not under limited access). */
export interface PatientAction {
  /** Place among the buttons, from left to right. */
  order: number;
  /** The button for this patient, or null when it does not apply. */
  render: (patient: Patient) => HTMLElement | null;
}

/** A button or link beside the title of the patient search page. */
export interface SearchAction {
  order: number;
  /** The button, or null when it does not apply to the current user. */
  render: () => HTMLElement | null;
}

/**
 * Tells whether the page is seen through limited access: then it returns a banner to show above
 * it, and the page shows only the tabs marked `emergency` and no header buttons.
 */
export type PatientLimit = (patient: Patient) => Promise<HTMLElement | undefined>;

const tabs = orderedList<PatientTab>();
const actions = orderedList<PatientAction>();
const searchActions = orderedList<SearchAction>();
const limits: PatientLimit[] = [];

export function registerPatientTab(tab: PatientTab): void {
  if (tabs.items().some((other) => other.id === tab.id)) throw new Error(`patient tab ${tab.id} is registered twice`);
  tabs.add(tab);
}

export const registerPatientAction = actions.add;
export const registerSearchAction = searchActions.add;

export function registerPatientLimit(limit: PatientLimit): void {
  limits.push(limit);
}

export const patientTabs = tabs.items;
export const patientActions = actions.items;
export const searchPageActions = searchActions.items;

/** The banner of the first limited view that applies, if any. */
export async function patientLimit(patient: Patient): Promise<HTMLElement | undefined> {
  for (const limit of limits) {
    const banner = await limit(patient);
    if (banner) return banner;
  }
  return undefined;
}
