// SPDX-License-Identifier: Apache-2.0
// Emergency (break-the-glass) access `#/emergency`: find a patient by exact name and birth date,
// state a reason, open the patient page; and the banner the patient page shows meanwhile.
import { api, seg } from '../../../api';
import { attempt, empty, errorBox, openDialog, pageTitle } from '../../../common';
import { field, h, replace, table, td } from '../../../dom';
import { formatDate, todayTokyo } from '../../../format';
import { t, tCode } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import type { List } from '../../../types';
import type { EmergencyCandidate, EmergencyGrant } from '../types';

export function renderEmergency(main: HTMLElement, _route: Route): void {
  const results = h('section', { class: 'results', testid: 'emergency-results', 'aria-live': 'polite' });
  replace(
    main,
    pageTitle(t('emergency.title')),
    h('p', { class: 'alert warn' }, t('emergency.explain')),
    searchForm(results),
    results,
  );
}

function searchForm(results: HTMLElement): HTMLFormElement {
  const name = h('input', { required: true, autocomplete: 'off', testid: 'emergency-name' });
  const birth = h('input', {
    type: 'date',
    required: true,
    max: todayTokyo(),
    testid: 'emergency-birth-date',
  });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'emergency-search' }, t('emergency.search'));
  const errors = errorBox();
  const form = h(
    'form',
    { class: 'search-form', role: 'search', testid: 'emergency-form' },
    field(t('emergency.name'), name, t('emergency.name_hint')),
    field(t('emergency.birth_date'), birth),
    h('div', { class: 'search-buttons' }, submit),
    errors,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      const value = name.value.trim();
      const answer = await api.post<List<EmergencyCandidate>>('/api/emergency/search', {
        name: value,
        name_kana: value,
        birth_date: birth.value,
      });
      replace(results, candidates(answer.items));
    });
  });
  queueMicrotask(() => name.focus());
  return form;
}

function candidates(items: EmergencyCandidate[]): HTMLElement {
  if (items.length === 0) return empty(t('emergency.none_found'), 'emergency-none');
  return h(
    'div',
    null,
    h('h2', null, t('emergency.candidates')),
    table(
      'emergency-candidates',
      [t('patient.name'), t('patient.kana'), t('patient.sex'), t('patient.birth_date'), ''],
      items.map((c) =>
        h(
          'tr',
          { testid: 'emergency-candidate', 'data-patient-id': c.id },
          td(c.name),
          td(c.name_kana),
          td(tCode('sex', c.sex)),
          td(formatDate(c.birth_date)),
          td(
            c.accessible
              ? h(
                  'a',
                  { href: hashOf(['patients', c.id]), class: 'button secondary small' },
                  t('emergency.open_normally'),
                )
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger small',
                    testid: 'emergency-select',
                    onclick: () => openReason(c),
                  },
                  t('emergency.select'),
                ),
          ),
        ),
      ),
    ),
  );
}

function openReason(candidate: EmergencyCandidate): void {
  const reason = h('textarea', { required: true, maxlength: 1000, rows: 3, testid: 'emergency-reason' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'danger', testid: 'emergency-confirm' }, t('emergency.confirm'));
  const form = h(
    'form',
    { class: 'stack', testid: 'emergency-reason-form' },
    h('p', { class: 'alert error', testid: 'emergency-warning' }, t('emergency.warning')),
    errors,
    field(t('emergency.reason'), reason, t('emergency.reason_hint')),
    h('div', { class: 'row end' }, submit),
  );
  const dialog = openDialog(
    t('emergency.confirm_title', { name: candidate.name }),
    form,
    'emergency-reason-dialog',
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post<EmergencyGrant>(`/api/patients/${seg(candidate.id)}/emergency`, {
        reason: reason.value.trim(),
      });
      dialog.close();
      go(hashOf(['patients', candidate.id]));
    });
  });
}

function remaining(seconds: number): string {
  const s = Math.max(0, seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** The red banner of a patient page opened through emergency access, with a button to end it. */
export function emergencyBanner(grant: EmergencyGrant, onEnded: () => void): HTMLElement {
  const expires = Date.now() + grant.remaining_seconds * 1000;
  const text = h('strong', { testid: 'emergency-banner-text' });
  const update = (): void => {
    text.textContent = t('emergency.banner', {
      remaining: remaining(Math.ceil((expires - Date.now()) / 1000)),
      reason: grant.reason,
    });
  };
  update();
  const errors = errorBox();
  const end = h('button', { type: 'button', class: 'danger small', testid: 'emergency-end' }, t('emergency.end'));
  end.addEventListener('click', () => {
    if (!window.confirm(t('emergency.end_confirm'))) return;
    void attempt(end, errors, async () => {
      await api.post(`/api/emergency/${seg(grant.id)}/end`);
      onEnded();
    });
  });
  const banner = h(
    'div',
    { class: 'alert error banner emergency-banner', role: 'status', testid: 'emergency-banner' },
    h('div', { class: 'row' }, text, end),
    h('p', { class: 'hint' }, t('emergency.limited')),
    errors,
  );
  const timer = window.setInterval(() => {
    if (!banner.isConnected) {
      window.clearInterval(timer);
      return;
    }
    update();
    if (expires <= Date.now()) {
      window.clearInterval(timer);
      onEnded();
    }
  }, 10_000);
  return banner;
}
