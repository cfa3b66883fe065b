// SPDX-License-Identifier: Apache-2.0
// Patient search and list (`#/patients?q=&birth_date=&local_id=`) and registering a patient.
import { api, errorMessage } from '../../../api';
import {
  attempt,
  empty,
  errorBox,
  loading,
  openDialog,
  pageTitle,
  showError,
} from '../../../common';
import { field, h, option, replace, table, td } from '../../../dom';
import { todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import { currentMembership } from '../../../session';
import type { List } from '../../../types';
import { searchPageActions } from '../extensions';
import type { Patient, PatientSummary } from '../types';
import { birthDate, localIdList, patientAge, sexLabel } from './patientFormat';
import { findMatches, matchPanel, type Registration } from './patientMatch';

const PAGE_SIZE = 50;

export function renderPatients(main: HTMLElement, route: Route): void {
  const query = {
    q: route.query.get('q') ?? '',
    birth_date: route.query.get('birth_date') ?? '',
    local_id: route.query.get('local_id') ?? '',
  };
  const results = h('section', { class: 'results', testid: 'patient-results', 'aria-live': 'polite' });
  replace(
    main,
    pageTitle(
      t('patients.title'),
      searchPageActions().map((action) => action.render()),
      h(
        'button',
        { type: 'button', class: 'primary', testid: 'patient-new', onclick: openNewPatient },
        t('patients.new'),
      ),
    ),
    searchForm(query),
    results,
  );
  void search(results, query);
}

function grow(el: HTMLElement): HTMLElement {
  el.classList.add('grow');
  return el;
}

function searchForm(query: Record<'q' | 'birth_date' | 'local_id', string>): HTMLFormElement {
  const q = h('input', {
    type: 'search',
    name: 'q',
    value: query.q,
    autocomplete: 'off',
    placeholder: t('patients.q_placeholder'),
    testid: 'search-q',
  });
  const birth = h('input', {
    type: 'date',
    name: 'birth_date',
    value: query.birth_date,
    testid: 'search-birth-date',
  });
  const localId = h('input', {
    name: 'local_id',
    value: query.local_id,
    autocomplete: 'off',
    testid: 'search-local-id',
  });
  const form = h(
    'form',
    { class: 'search-form', role: 'search', testid: 'patient-search' },
    grow(field(t('patients.q'), q)),
    field(t('patients.birth_date'), birth),
    field(t('patients.local_id'), localId),
    h(
      'div',
      { class: 'search-buttons' },
      h('button', { type: 'submit', class: 'primary', testid: 'search-submit' }, t('patients.search')),
      h(
        'button',
        { type: 'button', class: 'secondary', testid: 'search-clear', onclick: () => go('#/patients') },
        t('patients.clear'),
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(
      hashOf(['patients'], {
        q: q.value.trim(),
        birth_date: birth.value,
        local_id: localId.value.trim(),
      }),
    );
  });
  queueMicrotask(() => q.focus());
  return form;
}

async function search(
  results: HTMLElement,
  query: Record<'q' | 'birth_date' | 'local_id', string>,
): Promise<void> {
  replace(results, loading());
  const rows: HTMLTableRowElement[] = [];
  const more = h('button', { type: 'button', class: 'secondary', testid: 'patients-more' }, t('common.more'));
  const errors = errorBox();
  let cursor: string | null | undefined;

  const fetchPage = async (): Promise<PatientSummary[]> => {
    const page = await api.get<List<PatientSummary>>('/api/patients', {
      ...query,
      limit: PAGE_SIZE,
      cursor: cursor ?? undefined,
    });
    cursor = page.next_cursor;
    more.hidden = !cursor;
    return page.items;
  };

  try {
    const items = await fetchPage();
    rows.push(...items.map(patientRow));
  } catch (error) {
    showError(errors, errorMessage(error));
    replace(results, errors);
    return;
  }
  const searched = query.q || query.birth_date || query.local_id;
  if (rows.length === 0) {
    replace(results, empty(searched ? t('patients.none_found') : t('patients.none_visible'), 'patients-empty'));
  } else {
    const list = table(
      'patient-table',
      [
        t('patient.name'),
        t('patient.kana'),
        t('patient.sex'),
        t('patient.age'),
        t('patient.birth_date'),
        t('patient.local_ids'),
      ],
      rows,
    );
    const tbody = list.querySelector('tbody') as HTMLTableSectionElement;
    more.addEventListener('click', () => {
      void attempt(more, errors, async () => {
        const items = await fetchPage();
        tbody.append(...items.map(patientRow));
      });
    });
    replace(results, list, errors, h('div', { class: 'more' }, more));
  }
  // Tests (and assistive tech) can tell which search the list belongs to.
  results.dataset.loadedQ = query.q;
  results.dataset.state = 'done';
}

function patientRow(patient: PatientSummary): HTMLTableRowElement {
  const href = hashOf(['patients', patient.id]);
  const row = h(
    'tr',
    { class: 'clickable', testid: 'patient-row', 'data-patient-id': patient.id },
    td(h('a', { href, class: 'patient-link', testid: 'patient-link' }, patient.name)),
    td(patient.name_kana),
    td(sexLabel(patient)),
    td(patientAge(patient)),
    td(birthDate(patient)),
    td(localIdList(patient.local_ids)),
  );
  // The whole row is a big touch target; the name stays a real link for keyboards.
  row.addEventListener('click', (event) => {
    if ((event.target as HTMLElement).closest('a')) return;
    go(href);
  });
  return row;
}

function openNewPatient(): void {
  const membership = currentMembership();
  const name = h('input', { required: true, autocomplete: 'off', testid: 'new-name' });
  const kana = h('input', { required: true, autocomplete: 'off', testid: 'new-kana' });
  const sex = h(
    'select',
    { required: true, testid: 'new-sex' },
    option('', t('common.choose'), true),
    (['female', 'male', 'other', 'unknown'] as const).map((s) => option(s, t(`sex.${s}`))),
  );
  const birth = h('input', { type: 'date', required: true, max: todayTokyo(), name: 'birth_date', testid: 'new-birth-date' });
  const address = h('input', { autocomplete: 'off', testid: 'new-address' });
  const phone = h('input', { type: 'tel', autocomplete: 'off', name: 'phone', testid: 'new-phone' });
  const localId = h('input', { required: true, autocomplete: 'off', testid: 'new-local-id' });
  const method = h(
    'select',
    { required: true, testid: 'new-consent-method' },
    option('written', t('consent.method.written')),
    option('verbal', t('consent.method.verbal')),
  );
  const consentedOn = h('input', {
    type: 'date',
    required: true,
    value: todayTokyo(),
    max: todayTokyo(),
    name: 'consent.consented_on',
    testid: 'new-consented-on',
  });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'new-submit' }, t('patients.register'));
  const form = h(
    'form',
    { class: 'stack', testid: 'new-patient-form' },
    errors,
    h(
      'div',
      { class: 'grid2' },
      field(t('patient.name'), name, t('patients.name_hint')),
      field(t('patient.kana'), kana, t('patients.kana_hint')),
      field(t('patient.sex'), sex),
      field(t('patient.birth_date'), birth),
      field(t('patient.address'), address),
      field(t('patient.phone'), phone),
      field(t('patients.local_id_at', { org: membership?.org_name ?? '' }), localId),
    ),
    h(
      'fieldset',
      null,
      h('legend', null, t('patients.consent_legend')),
      h('p', { class: 'hint' }, t('patients.consent_text')),
      h('div', { class: 'grid2' }, field(t('consent.method'), method), field(t('consent.date'), consentedOn)),
    ),
    h('div', { class: 'row end' }, submit),
  );
  const dialog = openDialog(t('patients.new'), form, 'new-patient-dialog');
  const done = (patient: Patient): void => {
    dialog.close();
    go(hashOf(['patients', patient.id]));
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const registration: Registration = {
      name: name.value.trim(),
      name_kana: kana.value.trim(),
      sex: sex.value,
      birth_date: birth.value,
      ...(address.value.trim() ? { address: address.value.trim() } : {}),
      ...(phone.value.trim() ? { phone: phone.value.trim() } : {}),
      local_id: localId.value.trim(),
      consent: { method: method.value, consented_on: consentedOn.value, scope: 'all' },
    };
    void attempt(submit, errors, async () => {
      // 名寄せ: the same person may be registered already (at this or another organisation)
      const matches = await findMatches(registration);
      if (matches.length > 0) {
        form.querySelector('[data-testid="match-panel"]')?.remove();
        const panel = matchPanel(matches, registration, done);
        form.append(panel);
        submit.hidden = true;
        panel.scrollIntoView({ block: 'start' });
        return;
      }
      done(await api.post<Patient>('/api/patients', registration));
    });
  });
}
