// SPDX-License-Identifier: Apache-2.0
// The facility search `#/directory`: filters on what organisations can do and how much room they
// have now, optionally sorted by distance from the current organisation.
import { api, errorMessage } from '../../../api';
import { attempt, empty, errorBox, loadInto, pageTitle, showError } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { codeLabel, t, tCode } from '../../../i18n';
import { hashOf } from '../../../router';
import { currentMe } from '../../../session';
import { directoryCodes } from '../api';
import type { DirCode, DirCodes, DirHit } from '../types';
import { bedsText, distanceText, emergencyText, freshness, reports } from './directoryCommon';

function codeSelect(testid: string, list: DirCode[], anyLabel: string): HTMLSelectElement {
  return h(
    'select',
    { testid },
    option('', anyLabel, true),
    list.map((c) => option(c.code, codeLabel(list, c.code))),
  );
}

interface Filters {
  form: HTMLFormElement;
  query: () => Record<string, string | undefined>;
}

function filters(codes: DirCodes): Filters {
  const any = t('dir.any');
  const fn = codeSelect('dir-function', codes.functions, any);
  const dept = codeSelect('dir-department', codes.departments, any);
  const equip = codeSelect('dir-equipment', codes.equipment, any);
  const shared = h('input', { type: 'checkbox', testid: 'dir-shared' });
  const service = codeSelect('dir-service', codes.services, any);
  const available = codeSelect('dir-available', codes.bed_kinds, any);
  const emergency = codeSelect('dir-emergency', codes.emergency, any);
  const orgId = currentMe()?.org_id ?? '';
  const near = h(
    'select',
    { testid: 'dir-near' },
    // Nearest first by default (from one's own organisation), as the README's tour says.
    option('', t('dir.near_none'), !orgId),
    orgId ? option('org', t('dir.near_my_org'), true) : null,
  );
  const q = h('input', { type: 'search', testid: 'dir-q', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'dir-search' }, t('dir.search'));
  const form = h(
    'form',
    { class: 'card stack', testid: 'dir-filters' },
    h(
      'div',
      { class: 'grid3' },
      field(t('dir.function'), fn),
      field(t('dir.department'), dept),
      field(t('dir.service'), service),
      h(
        'div',
        null,
        field(t('dir.equipment'), equip),
        h('label', { class: 'check' }, shared, t('dir.shared_only')),
      ),
      field(t('dir.available'), available),
      field(t('dir.emergency'), emergency),
      field(t('dir.near'), near),
      field(t('dir.q'), q),
    ),
    h('div', { class: 'row end' }, submit),
  );
  const query = (): Record<string, string | undefined> => ({
    function: fn.value,
    department: dept.value,
    equipment: equip.value,
    shared: shared.checked ? 'true' : undefined,
    service: service.value,
    available: available.value,
    emergency: emergency.value,
    near_org: near.value === 'org' ? orgId : undefined,
    q: q.value.trim(),
  });
  return { form, query };
}

function hitCard(codes: DirCodes, hit: DirHit): HTMLElement {
  const distance = distanceText(hit.distance_km);
  const showBeds = reports(codes, hit.type, 'beds');
  const showEmergency = reports(codes, hit.type, 'emergency');
  return h(
    'li',
    { class: 'card dir-hit', testid: 'dir-hit', 'data-org-id': hit.id },
    h(
      'div',
      { class: 'row' },
      h('a', { href: hashOf(['directory', 'orgs', hit.id]), testid: 'dir-hit-name' }, h('strong', null, hit.name)),
      h('span', { class: 'muted' }, tCode('orgtype', hit.type)),
      hit.medical_function ? h('span', { class: 'muted' }, codeLabel(codes.functions, hit.medical_function)) : null,
      distance ? h('span', { class: 'nowrap', testid: 'dir-hit-distance' }, distance) : null,
    ),
    // Only what organisations of this type report: no empty bed figures for a pharmacy.
    showBeds || showEmergency
      ? h(
          'div',
          { class: 'row' },
          showBeds ? h('span', { testid: 'dir-hit-beds' }, t('dir.free_beds'), ': ', bedsText(codes, hit.beds)) : null,
          showEmergency
            ? h('span', { testid: 'dir-hit-emergency' }, t('dir.emergency'), ': ', emergencyText(codes, hit.emergency))
            : null,
        )
      : null,
    showBeds || showEmergency ? freshness(hit.freshness.updated_at, hit.freshness.stale) : null,
  );
}

export async function renderDirectory(main: HTMLElement): Promise<void> {
  const body = h('div', { class: 'stack' });
  replace(main, pageTitle(t('dir.title'), h('a', { href: '#/board', class: 'button secondary small' }, t('nav.board'))), body);
  const codes = await loadInto(body, directoryCodes);
  if (!codes) return;
  const errors = errorBox();
  const results = h('section', { testid: 'dir-results', 'aria-live': 'polite' });
  const { form, query } = filters(codes);
  const submit = form.querySelector('button[type=submit]') as HTMLButtonElement;
  const run = (): Promise<void> =>
    attempt(submit, errors, async () => {
      const q = query();
      const answer = await api.get<{ items: DirHit[] }>('/api/directory/search', { ...q, limit: 100 });
      replace(
        results,
        h('h2', null, t('dir.results', { count: answer.items.length })),
        answer.items.length === 0
          ? empty(t('dir.no_results'), 'dir-empty')
          : h('ul', { class: 'stack plain-list' }, answer.items.map((hit) => hitCard(codes, hit))),
      );
      results.dataset.loaded = JSON.stringify(q);
    });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  replace(body, form, errors, results);
  try {
    await run();
  } catch (error) {
    showError(errors, errorMessage(error));
  }
}
