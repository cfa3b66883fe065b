// SPDX-License-Identifier: Apache-2.0
// The patient page `#/patients/<id>/<tab>`: basic facts and tabs for consent, care team, the
// clinical record (記録) and the features still to come.
import { ApiError, api, errorMessage, seg } from '../../../api';
import { h, replace } from '../../../dom';
import { formatEraYear } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import { hashOf, leaveScope, rerender, type LeaveHook, type LeaveScope, type Route } from '../../../router';
import { canUseEmergency, currentMembership } from '../../../session';
import type { EmergencyGrant, Patient } from '../../../types';
import { errorBox, loading, showError } from '../../../common';
import { renderPatientBookings } from '../../booking/views/bookingForm';
import { renderConsents } from './consents';
import { activeGrant, emergencyBanner } from '../../emergency/views/emergency';
import { renderRecord } from './record';
import { openAddLocalId, openEditPatient } from './patientEdit';
import { birthDate, localIdList, patientAge, sexLabel } from './patientFormat';
import { newReferralHash, renderPatientReferrals } from '../../referral/views/patientReferrals';
import { renderTeam } from './team';

/** How the page is seen: under emergency access only the emergency view, read-only. */
export interface TabContext {
  emergency: boolean;
  /** Runs a hook when the tab is left (another tab or another page), e.g. to close an EventSource. */
  onLeave: LeaveHook;
}

type TabRender = (panel: HTMLElement, patient: Patient, context: TabContext) => void | Promise<void>;

interface Tab {
  id: string;
  label: MessageKey;
  render: TabRender;
  /** Shown under emergency (break-the-glass) access, which opens the emergency view only. */
  emergency?: boolean;
}

function comingSoon(panel: HTMLElement): void {
  replace(panel, h('p', { class: 'empty', testid: 'coming-soon' }, t('patient.coming_soon')));
}

const TABS: Tab[] = [
  { id: 'consents', label: 'tab.consents', render: renderConsents },
  { id: 'team', label: 'tab.team', render: renderTeam },
  { id: 'record', label: 'tab.record', render: renderRecord, emergency: true },
  { id: 'referrals', label: 'tab.referrals', render: renderPatientReferrals },
  { id: 'bookings', label: 'tab.bookings', render: renderPatientBookings },
  { id: 'images', label: 'tab.images', render: comingSoon },
  { id: 'homecare', label: 'tab.homecare', render: comingSoon },
];

export async function renderPatient(main: HTMLElement, route: Route): Promise<void> {
  const id = route.path[1] ?? '';
  replace(main, loading());
  let patient: Patient;
  let grant: EmergencyGrant | undefined;
  try {
    patient = await api.get<Patient>(`/api/patients/${seg(id)}`);
    // Seen through emergency access? Then the page is limited and says so.
    if (canUseEmergency()) grant = await activeGrant(patient.id).catch(() => undefined);
  } catch (error) {
    // 404 means "no such patient" or "not yours to see": the answer is the same on purpose.
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      replace(main, noAccess());
    } else {
      const box = errorBox();
      showError(box, errorMessage(error));
      replace(main, box);
    }
    return;
  }
  const shown = grant ? TABS.filter((tab) => tab.emergency) : TABS;
  const wanted = shown.find((tab) => tab.id === route.path[2]) ?? (shown[0] as Tab);
  replace(
    main,
    grant ? emergencyBanner(grant, rerender) : null,
    patientHeader(patient, !grant),
    tabs(patient, wanted, shown, { emergency: grant !== undefined }),
  );
}

function noAccess(): HTMLElement {
  return h(
    'section',
    { class: 'notfound', testid: 'patient-not-found' },
    h('h1', null, t('patient.not_found')),
    h('p', null, t('patient.not_found_text')),
    h('p', null, h('a', { href: '#/patients', class: 'button secondary' }, t('patient.back_to_search'))),
  );
}

function fact(label: string, value: HTMLElement | string, testid: string): HTMLElement {
  return h('div', { class: 'fact' }, h('dt', null, label), h('dd', { testid }, value));
}

function headerActions(patient: Patient): HTMLElement {
  const membership = currentMembership();
  const hasLocalId = patient.local_ids.some((l) => l.org_id === membership?.org_id);
  return h(
    'div',
    { class: 'row' },
    membership && !hasLocalId
      ? h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            testid: 'patient-add-local-id',
            onclick: () => openAddLocalId(patient, membership.org_name, rerender),
          },
          t('patient.add_local_id'),
        )
      : null,
    h('a', { href: newReferralHash(patient), class: 'button secondary small', testid: 'patient-new-referral' }, t('referral.create')),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        testid: 'patient-edit',
        onclick: () => openEditPatient(patient, rerender),
      },
      t('patient.edit'),
    ),
  );
}

function patientHeader(patient: Patient, editable: boolean): HTMLElement {
  const era = formatEraYear(patient.birth_date);
  return h(
    'section',
    { class: 'patient-head', testid: 'patient-header', 'data-patient-id': patient.id },
    h(
      'div',
      { class: 'patient-head-top' },
      h('a', { href: '#/patients', class: 'back' }, t('patient.back_to_search')),
      editable ? headerActions(patient) : null,
    ),
    h(
      'div',
      { class: 'patient-names' },
      h('h1', { testid: 'patient-name' }, patient.name),
      h('p', { class: 'kana', testid: 'patient-kana' }, patient.name_kana),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact(t('patient.sex'), sexLabel(patient), 'patient-sex'),
      fact(t('patient.age'), patientAge(patient), 'patient-age'),
      fact(
        t('patient.birth_date'),
        era ? `${birthDate(patient)}(${era})` : birthDate(patient),
        'patient-birth-date',
      ),
      fact(t('patient.local_ids'), localIdList(patient.local_ids), 'patient-local-ids'),
      patient.address ? fact(t('patient.address'), patient.address, 'patient-address') : null,
      patient.phone ? fact(t('patient.phone'), patient.phone, 'patient-phone') : null,
    ),
  );
}

function tabs(patient: Patient, initial: Tab, shown: Tab[], context: Omit<TabContext, 'onLeave'>): HTMLElement {
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', testid: 'tab-panel' });
  const buttons = shown.map((tab) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: 'tab',
        id: `tab-${tab.id}`,
        testid: `tab-${tab.id}`,
        'aria-controls': 'patient-tab-panel',
      },
      t(tab.label),
    ),
  );
  panel.id = 'patient-tab-panel';
  let scope: LeaveScope | null = null;
  const select = (tab: Tab): void => {
    shown.forEach((other, index) => {
      const button = buttons[index] as HTMLButtonElement;
      const selected = other === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', `tab-${tab.id}`);
    panel.dataset.tab = tab.id;
    // Keep the tab in the URL without a new history entry or a re-render of the page.
    history.replaceState(null, '', hashOf(['patients', patient.id, tab.id]));
    scope?.end();
    scope = leaveScope();
    void tab.render(panel, patient, { ...context, onLeave: scope.onLeave });
  };
  buttons.forEach((button, index) => {
    button.addEventListener('click', () => select(shown[index] as Tab));
    button.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = (index + step + shown.length) % shown.length;
      (buttons[next] as HTMLButtonElement).focus();
      select(shown[next] as Tab);
    });
  });
  select(initial);
  return h(
    'section',
    { class: 'tabs' },
    h('div', { class: 'tab-list', role: 'tablist', 'aria-label': t('patient.tabs') }, buttons),
    panel,
  );
}
