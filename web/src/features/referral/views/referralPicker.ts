// SPDX-License-Identifier: Apache-2.0
// Choosing where a referral goes: a facility search (free text and department) whose candidates
// show their live capacity (free beds per kind, emergency acceptance, freshness), then the
// department, limited to those the chosen organisation lists in the directory.
import { api, errorMessage, seg } from '../../../api';
import { empty, errorBox, showError, clearError } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { codeLabel, t, tCode } from '../../../i18n';
import { bedsText, emergencyText, freshness } from '../../directory/views/directoryCommon';
import type { DirCodes, DirEntry, DirHit } from '../../directory/types';

export interface PickedOrg {
  id: string;
  name: string;
  departments: string[];
}

export interface OrgPicker {
  root: HTMLElement;
  department: HTMLSelectElement;
  /** The field of the department select (for marking an error). */
  departmentField: HTMLElement;
  picked: () => PickedOrg | null;
}

function hitItem(codes: DirCodes, hit: DirHit, pick: (hit: DirHit) => void): HTMLLIElement {
  return h(
    'li',
    { class: 'card target-hit', testid: 'ref-target-hit', 'data-org-id': hit.id },
    h(
      'div',
      { class: 'row' },
      h('strong', { testid: 'ref-target-name' }, hit.name),
      h('span', { class: 'muted' }, tCode('orgtype', hit.type)),
      h(
        'button',
        { type: 'button', class: 'secondary small', testid: 'ref-target-pick', onclick: () => pick(hit) },
        t('referral.pick'),
      ),
    ),
    h(
      'div',
      { class: 'row small' },
      h('span', { testid: 'ref-target-beds' }, t('dir.free_beds'), ': ', bedsText(codes, hit.beds)),
      h('span', { testid: 'ref-target-emergency' }, t('dir.emergency'), ': ', emergencyText(codes, hit.emergency)),
      freshness(hit.freshness.updated_at, hit.freshness.stale),
    ),
  );
}

/** Hospitals and clinics take referrals (a physician receives them); others are not offered. */
const RECEIVING_TYPES = new Set([
  'advanced_acute_hospital',
  'acute_hospital',
  'recovery_hospital',
  'chronic_hospital',
  'clinic',
  'home_care_clinic',
]);

/** The departments the organisation lists (any department when it lists none). */
function fillDepartments(select: HTMLSelectElement, codes: DirCodes, accepted: string[], wanted: string): void {
  const list = accepted.length ? accepted : codes.departments.map((d) => d.code);
  replace(
    select,
    option('', t('referral.department_none'), true),
    list.map((code) => option(code, codeLabel(codes.departments, code), code === wanted)),
  );
}

export function orgPicker(codes: DirCodes, excludeOrg: string, testid = 'ref-target'): OrgPicker {
  let chosen: PickedOrg | null = null;
  const errors = errorBox();
  const q = h('input', { type: 'search', autocomplete: 'off', testid: 'ref-target-q' });
  const deptFilter = h(
    'select',
    { testid: 'ref-target-dept-filter' },
    option('', t('dir.any'), true),
    codes.departments.map((d) => option(d.code, codeLabel(codes.departments, d.code))),
  );
  const search = h('button', { type: 'button', class: 'secondary', testid: 'ref-target-search' }, t('dir.search'));
  const results = h('ul', { class: 'stack plain-list target-results', testid: 'ref-target-results', 'aria-live': 'polite' });
  const chosenBox = h('div', { class: 'alert success', testid: 'ref-target-chosen', role: 'status' });
  chosenBox.hidden = true;
  const department = h('select', { testid: 'ref-department', disabled: true }, option('', t('referral.pick_org_first'), true));
  const departmentField = field(t('referral.department'), department);
  const finder = h(
    'div',
    { class: 'stack' },
    h('div', { class: 'grid3' }, field(t('referral.target_q'), q), field(t('dir.department'), deptFilter), h('div', { class: 'field end' }, search)),
    results,
  );

  const pick = async (hit: DirHit): Promise<void> => {
    clearError(errors);
    let accepted: string[] = [];
    try {
      const entry = await api.get<DirEntry>(`/api/directory/orgs/${seg(hit.id)}`);
      accepted = entry.profile?.departments ?? [];
    } catch (error) {
      showError(errors, errorMessage(error));
      return;
    }
    chosen = { id: hit.id, name: hit.name, departments: accepted };
    department.disabled = false;
    fillDepartments(department, codes, accepted, deptFilter.value);
    replace(
      chosenBox,
      h('span', null, t('referral.target_chosen'), ' ', h('strong', { testid: 'ref-target-chosen-name' }, hit.name)),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          testid: 'ref-target-change',
          onclick: () => {
            chosen = null;
            chosenBox.hidden = true;
            finder.hidden = false;
            department.disabled = true;
            replace(department, option('', t('referral.pick_org_first'), true));
          },
        },
        t('referral.change'),
      ),
    );
    chosenBox.dataset.orgId = hit.id;
    chosenBox.hidden = false;
    finder.hidden = true;
    department.focus();
  };

  const run = async (): Promise<void> => {
    clearError(errors);
    search.disabled = true;
    try {
      const query = { q: q.value.trim(), department: deptFilter.value, limit: 30 };
      const answer = await api.get<{ items: DirHit[] }>('/api/directory/search', query);
      const hits = answer.items.filter((hit) => hit.id !== excludeOrg && RECEIVING_TYPES.has(hit.type));
      replace(
        results,
        hits.length === 0
          ? h('li', null, empty(t('dir.no_results'), 'ref-target-empty'))
          : hits.map((hit) => hitItem(codes, hit, (picked) => void pick(picked))),
      );
      results.dataset.loaded = JSON.stringify(query);
    } catch (error) {
      showError(errors, errorMessage(error));
    } finally {
      search.disabled = false;
    }
  };
  search.addEventListener('click', () => void run());
  q.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void run();
    }
  });
  deptFilter.addEventListener('change', () => void run());
  void run();

  const root = h(
    'fieldset',
    { class: 'stack target-picker', testid },
    h('legend', null, t('referral.target')),
    errors,
    chosenBox,
    finder,
    departmentField,
  );
  return { root, department, departmentField, picked: () => chosen };
}
