// SPDX-License-Identifier: Apache-2.0
// The 同意 (consent) tab: history including withdrawn consents, recording a new consent,
// withdrawing one with a reason.
import { api, seg } from '../../../api';
import { attempt, badge, empty, errorBox, loadInto, showError } from '../../../common';
import { field, h, replace, uniqueId } from '../../../dom';
import { formatDate, formatDateTime, todayTokyo } from '../../../format';
import { t, tCode } from '../../../i18n';
import { loadOrgs } from '../../../orgsCache';
import { currentMe } from '../../../session';
import type { List, Org } from '../../../types';
import type { Consent, Patient, PersonRef } from '../types';

function personName(person: PersonRef): string {
  if (!person) return '';
  return typeof person === 'string' ? person : person.name;
}

export async function renderConsents(panel: HTMLElement, patient: Patient): Promise<void> {
  const loaded = await loadInto(panel, () =>
    Promise.all([
      api.get<List<Consent>>(`/api/patients/${seg(patient.id)}/consents`).then((l) => l.items),
      loadOrgs(),
    ]),
  );
  if (!loaded) return;
  const [consents, orgs] = loaded;
  const reload = (): void => void renderConsents(panel, patient);
  replace(
    panel,
    h('h2', { class: 'visually-hidden' }, t('tab.consents')),
    newConsentForm(patient, orgs, reload),
    consents.length === 0
      ? empty(t('consent.none'), 'consents-empty')
      : h('ol', { class: 'cards', testid: 'consent-list' }, consents.map((c) => consentCard(patient, c, consents, reload))),
  );
}

function consentCard(patient: Patient, consent: Consent, all: Consent[], reload: () => void): HTMLElement {
  const active = consent.status === 'active';
  const card = h(
    'li',
    { class: `card consent ${active ? '' : 'withdrawn'}`, testid: 'consent', 'data-status': consent.status },
    h(
      'div',
      { class: 'card-head' },
      active ? badge(t('consent.status.active'), 'ok') : badge(t('consent.status.withdrawn'), 'muted'),
      h('strong', null, formatDate(consent.consented_on)),
      h('span', null, tCode('consent.method', consent.method)),
    ),
    h(
      'ul',
      { class: 'chips', 'aria-label': t('consent.orgs') },
      consent.orgs.map((org) => h('li', { class: 'chip' }, org.name)),
    ),
    consent.note ? h('p', { class: 'note' }, consent.note) : null,
    h(
      'p',
      { class: 'meta' },
      t('consent.recorded', {
        name: personName(consent.recorded_by),
        time: formatDateTime(consent.recorded_at),
      }),
    ),
    active
      ? null
      : h(
          'p',
          { class: 'meta withdrawn-info', testid: 'consent-withdrawn-info' },
          t('consent.withdrawn_info', {
            name: personName(consent.withdrawn_by),
            time: formatDateTime(consent.withdrawn_at),
          }),
          consent.withdraw_reason ? ` ${t('consent.reason')}: ${consent.withdraw_reason}` : '',
        ),
  );
  if (active) card.append(withdrawControl(patient, consent, withdrawEffect(patient, consent, all), reload));
  return card;
}

/** What withdrawing consent will do, said before it is confirmed (issue 13, item 6): which
 *  organisations lose the record, and that the registering organisations keep only the
 *  demographics and the consent tab, so that a new consent can be recorded. */
function withdrawEffect(patient: Patient, consent: Consent, all: Consent[]): HTMLElement {
  const stillNamed = new Set(
    all.filter((c) => c.id !== consent.id && c.status === 'active').flatMap((c) => c.orgs.map((o) => o.id)),
  );
  const losing = consent.orgs.filter((o) => !stillNamed.has(o.id)).map((o) => o.name);
  const registrars = [...new Set(patient.local_ids.map((l) => l.org_name))].join('、');
  const lines: string[] = [];
  if (stillNamed.size === 0) lines.push(t('consent.withdraw_last'));
  if (losing.length > 0) lines.push(t('consent.withdraw_losing', { orgs: losing.join('、') }));
  else lines.push(t('consent.withdraw_nobody_loses'));
  if (registrars) lines.push(t('consent.withdraw_registrar', { orgs: registrars }));
  return h(
    'div',
    { class: 'alert warn', role: 'note', testid: 'withdraw-effect' },
    lines.map((line) => h('p', null, line)),
  );
}

function withdrawControl(patient: Patient, consent: Consent, effect: HTMLElement, reload: () => void): HTMLElement {
  const reason = h('textarea', { required: true, rows: 2, maxlength: 1000, testid: 'withdraw-reason' });
  const errors = errorBox();
  const confirm = h('button', { type: 'submit', class: 'danger', testid: 'withdraw-confirm' }, t('consent.withdraw'));
  const form = h(
    'form',
    { class: 'stack withdraw-form' },
    h('p', { class: 'hint' }, t('consent.withdraw_warning')),
    effect,
    errors,
    field(t('consent.reason'), reason),
    h(
      'div',
      { class: 'row end' },
      h('button', { type: 'button', class: 'secondary', onclick: () => (form.hidden = true) }, t('common.cancel')),
      confirm,
    ),
  );
  form.hidden = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(confirm, errors, async () => {
      await api.post(`/api/patients/${seg(patient.id)}/consents/${seg(consent.id)}/withdraw`, {
        reason: reason.value.trim(),
      });
      reload();
    });
  });
  const open = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      testid: 'withdraw-open',
      onclick: () => {
        form.hidden = false;
        reason.focus();
      },
    },
    t('consent.withdraw_open'),
  );
  return h('div', { class: 'withdraw' }, open, form);
}

/** Checkboxes for organisations, with a filter box for long directories. */
export function orgChecklist(orgs: Org[], checked: Set<string>): {
  element: HTMLElement;
  selected: () => string[];
} {
  const boxes: HTMLInputElement[] = [];
  const items = orgs.map((org) => {
    const box = h('input', { type: 'checkbox', value: org.id, checked: checked.has(org.id), id: uniqueId('org') });
    boxes.push(box);
    return h(
      'li',
      { 'data-search': `${org.name} ${org.name_kana} ${org.code}`.toLowerCase() },
      h('label', { for: box.id, class: 'check' }, box, h('span', null, org.name), h('small', null, tCode('orgtype', org.type))),
    );
  });
  const filter = h('input', { type: 'search', placeholder: t('consent.org_filter'), testid: 'org-filter' });
  filter.addEventListener('input', () => {
    const needle = filter.value.trim().toLowerCase();
    for (const item of items) item.hidden = needle !== '' && !(item.dataset.search ?? '').includes(needle);
  });
  return {
    element: h('div', { class: 'org-checklist' }, filter, h('ul', { class: 'checklist', testid: 'org-checklist' }, items)),
    selected: () => boxes.filter((b) => b.checked).map((b) => b.value),
  };
}

function newConsentForm(patient: Patient, orgs: Org[], reload: () => void): HTMLElement {
  const me = currentMe();
  const list = orgChecklist(orgs, new Set(me?.org_id ? [me.org_id] : []));
  const written = h('input', { type: 'radio', name: 'method', value: 'written', checked: true, id: uniqueId('m') });
  const verbal = h('input', { type: 'radio', name: 'method', value: 'verbal', id: uniqueId('m') });
  const date = h('input', { type: 'date', required: true, value: todayTokyo(), max: todayTokyo(), name: 'consented_on', testid: 'consent-date' });
  const note = h('textarea', { rows: 2, maxlength: 2000, testid: 'consent-note' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'consent-submit' }, t('consent.record'));
  const form = h(
    'form',
    { class: 'stack', testid: 'consent-form' },
    errors,
    h('fieldset', null, h('legend', null, t('consent.orgs')), list.element),
    h(
      'fieldset',
      { class: 'inline' },
      h('legend', null, t('consent.method')),
      h('label', { for: written.id, class: 'check' }, written, t('consent.method.written')),
      h('label', { for: verbal.id, class: 'check' }, verbal, t('consent.method.verbal')),
    ),
    h('div', { class: 'grid2' }, field(t('consent.date'), date), field(t('consent.note'), note)),
    h('p', { class: 'hint' }, t('consent.scope_all')),
    h('div', { class: 'row end' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const orgIds = list.selected();
    if (orgIds.length === 0) {
      showError(errors, t('consent.pick_org'));
      return;
    }
    void attempt(submit, errors, async () => {
      await api.post(`/api/patients/${seg(patient.id)}/consents`, {
        org_ids: orgIds,
        scope: 'all',
        method: verbal.checked ? 'verbal' : 'written',
        consented_on: date.value,
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      });
      reload();
    });
  });
  return h(
    'details',
    { class: 'card form-card', testid: 'consent-new' },
    h('summary', null, t('consent.new')),
    form,
  );
}
