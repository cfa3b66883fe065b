// SPDX-License-Identifier: Apache-2.0
// Private iCalendar links (RFC 5545 feeds, docs/api/homecare.md "iCalendar feeds"): make one (its
// address is shown once, with a copy button and the warning that anyone holding it can read the
// calendar), list one's links and revoke them. The patient's schedule in the 訪問予定 section,
// one's own visits on the day list.
import { api, errorMessage, seg } from '../../../api';
import { attempt, errorBox, showError } from '../../../common';
import { field, h, replace, table, td, tdTime } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';

interface IcalLink {
  id: string;
  scope: 'staff' | 'patient';
  patient_id: string | null;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

interface IcalCreated extends IcalLink {
  token: string;
  url: string;
}

/** The panel for the patient's feed (patientId given) or the user's own visits. */
export function icalPanel(patientId: string | null): HTMLElement {
  const list = h('div', { testid: 'ical-links' });
  const shown = h('div', { 'aria-live': 'polite' });
  const errors = errorBox();
  const label = h('input', { name: 'label', maxlength: 200, testid: 'ical-label' });
  const create = h('button', { type: 'submit', class: 'primary', testid: 'ical-create' }, t('homecare.ical_create'));
  const form = h('form', { class: 'row ical-form' }, field(t('homecare.ical_label'), label), create);
  const reload = async (): Promise<void> => {
    const answer = await api.get<{ items: IcalLink[] }>('/api/homecare/ical-links');
    const mine = answer.items.filter((l) => !l.revoked_at && (patientId ? l.patient_id === patientId : l.scope === 'staff'));
    replace(list, linkTable(mine, reload, errors));
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(create, errors, async () => {
      const path = patientId ? `/api/patients/${seg(patientId)}/homecare/ical-links` : '/api/homecare/ical-links';
      const link = await api.post<IcalCreated>(path, { label: label.value.trim() || undefined });
      label.value = '';
      replace(shown, createdLink(link));
      await reload();
    });
  });
  void reload().catch((error: unknown) => showError(errors, errorMessage(error)));
  return h(
    'details',
    { class: 'card ical-panel', testid: 'ical-panel' },
    h('summary', { testid: 'ical-open' }, t(patientId ? 'homecare.ical_title_patient' : 'homecare.ical_title_staff')),
    h('p', { class: 'small muted' }, t(patientId ? 'homecare.ical_about_patient' : 'homecare.ical_about_staff')),
    form,
    errors,
    shown,
    list,
  );
}

/** The new link's address, once: a read-only field, a copy button and the warning. */
function createdLink(link: IcalCreated): HTMLElement {
  const url = new URL(link.url, location.origin).href;
  const address = h('input', { type: 'text', readonly: true, value: url, testid: 'ical-url', 'aria-label': t('homecare.ical_url') });
  const status = h('span', { class: 'small', role: 'status' });
  const copy = h('button', { type: 'button', class: 'secondary', testid: 'ical-copy' }, t('homecare.ical_copy'));
  copy.addEventListener('click', () => {
    address.select();
    const done = (): void => {
      status.textContent = t('homecare.ical_copied');
    };
    if (navigator.clipboard) void navigator.clipboard.writeText(url).then(done, () => (status.textContent = t('homecare.ical_copy_by_hand')));
    else status.textContent = t('homecare.ical_copy_by_hand');
  });
  return h(
    'div',
    { class: 'alert warn stack ical-created', testid: 'ical-created' },
    h('strong', null, t('homecare.ical_once')),
    h('p', null, t('homecare.ical_warning')),
    h('div', { class: 'row' }, address, copy, status),
  );
}

function linkTable(links: IcalLink[], reload: () => Promise<void>, errors: HTMLElement): HTMLElement {
  if (links.length === 0) return h('p', { class: 'empty', testid: 'ical-links-empty' }, t('homecare.ical_none'));
  const rows = links.map((link) => {
    const revoke = h('button', { type: 'button', class: 'secondary small', testid: 'ical-revoke' }, t('homecare.ical_revoke'));
    revoke.addEventListener('click', () => {
      void attempt(revoke, errors, async () => {
        await api.del(`/api/homecare/ical-links/${seg(link.id)}`);
        await reload();
      });
    });
    return h('tr', { testid: 'ical-link', 'data-link-id': link.id }, td(link.label || t('homecare.ical_no_label')), tdTime(formatDateTime(link.created_at)), td(revoke));
  });
  return h('div', null, h('p', { class: 'small', testid: 'ical-count' }, t('homecare.ical_live', { n: String(links.length) })), table('ical-table', [t('homecare.ical_label'), t('homecare.ical_created'), ''], rows));
}
