// SPDX-License-Identifier: Apache-2.0
// The patient page `#/patients/<id>/<tab>`: basic facts, the header buttons and the tabs that the
// features register (tabs.ts), or only the limited view under emergency access.
import { ApiError, api, errorMessage, seg } from '../../../api';
import { errorBox, loading, showError } from '../../../common';
import { h, replace } from '../../../dom';
import { formatEraYear } from '../../../format';
import { t } from '../../../i18n';
import { hashOf, leaveScope, rerender, type LeaveScope, type Route } from '../../../router';
import { currentMembership } from '../../../session';
import {
  patientActions,
  patientLimit,
  patientTabs,
  type PatientTab,
  type TabContext,
} from '../extensions';
import type { Patient } from '../types';
import { openAddLocalId, openEditPatient } from './patientEdit';
import { birthDate, localIdList, patientAge, sexLabel } from './patientFormat';

export async function renderPatient(main: HTMLElement, route: Route): Promise<void> {
  const id = route.path[1] ?? '';
  replace(main, loading());
  let patient: Patient;
  let limited: HTMLElement | undefined;
  try {
    patient = await api.get<Patient>(`/api/patients/${seg(id)}`);
    // Seen through emergency access? Then the page is limited and says so.
    limited = await patientLimit(patient);
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
  const onlyDemographics = patient.demographics_only === true && !limited;
  const shown = limited
    ? patientTabs().filter((tab) => tab.emergency)
    : onlyDemographics
      ? patientTabs().filter((tab) => tab.id === 'consents')
      : patientTabs().filter((tab) => !tab.careTeam || patient.care_team === true);
  const wanted = shown.find((tab) => tab.id === route.path[2]) ?? (shown[0] as PatientTab);
  replace(
    main,
    limited ?? null,
    onlyDemographics
      ? h('p', { class: 'alert warn', role: 'status', testid: 'patient-demographics-only' }, t('patient.demographics_only'))
      : null,
    patient.merged_into
      ? h(
          'p',
          { class: 'alert warn', role: 'status', testid: 'patient-merged-into' },
          t('patient.merged_into'),
          ' ',
          h('a', { href: hashOf(['patients', patient.merged_into]) }, t('patient.merged_into_link')),
        )
      : null,
    patient.merged_from?.length
      ? h('p', { class: 'alert', role: 'status', testid: 'patient-merged-from' }, t('patient.merged_from', { n: patient.merged_from.length }))
      : null,
    patientHeader(patient, !limited && !onlyDemographics),
    tabs(patient, wanted, shown, { emergency: limited !== undefined }, wanted.id === route.path[2] ? route.path.slice(3) : []),
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
    patientActions().map((action) => action.render(patient)),
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

function tabs(
  patient: Patient,
  initial: PatientTab,
  shown: PatientTab[],
  context: Omit<TabContext, 'onLeave' | 'path'>,
  initialPath: string[],
): HTMLElement {
  // Each opening of a tab renders into a panel of its own, so that a tab still loading when
  // another is chosen (e.g. 同意 on arrival, then 記録 at once) fills a detached panel rather than
  // overwriting the one now shown.
  const newPanel = (): HTMLElement =>
    h('div', { class: 'tab-panel', role: 'tabpanel', testid: 'tab-panel', id: 'patient-tab-panel' });
  let panel = newPanel();
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
  let scope: LeaveScope | null = null;
  let current: PatientTab | null = null;
  const select = (tab: PatientTab, path: string[] = []): void => {
    // The open tab stays as it is: clicking it again (under emergency access it is the only one)
    // must not load and audit its record a second time.
    if (tab === current) return;
    current = tab;
    shown.forEach((other, index) => {
      const button = buttons[index] as HTMLButtonElement;
      const selected = other === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    });
    const fresh = newPanel();
    panel.replaceWith(fresh);
    panel = fresh;
    panel.setAttribute('aria-labelledby', `tab-${tab.id}`);
    panel.dataset.tab = tab.id;
    // Keep the tab in the URL without a new history entry or a re-render of the page.
    history.replaceState(null, '', hashOf(['patients', patient.id, tab.id, ...path]));
    scope?.end();
    scope = leaveScope();
    void tab.render(panel, patient, { ...context, onLeave: scope.onLeave, path });
  };
  buttons.forEach((button, index) => {
    button.addEventListener('click', () => select(shown[index] as PatientTab));
    button.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = (index + step + shown.length) % shown.length;
      (buttons[next] as HTMLButtonElement).focus();
      select(shown[next] as PatientTab);
    });
  });
  select(initial, initialPath);
  return h(
    'section',
    { class: 'tabs' },
    h('div', { class: 'tab-list', role: 'tablist', 'aria-label': t('patient.tabs') }, buttons),
    panel,
  );
}
