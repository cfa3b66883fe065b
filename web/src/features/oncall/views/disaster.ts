// SPDX-License-Identifier: Apache-2.0
// The network office's disaster view (`#/oncall/disaster`, network administrators): each
// organisation under a declaration, its home-care patients counted by dependence, and per backup
// partner how many of them it covers with its phone. Counts only: the office may open no patient.
import { api } from '../../../api';
import { empty, loadInto, pageTitle } from '../../../common';
import { h, replace, table, td } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import type { List } from '../../../types';
import type { Counts, DisasterItem } from '../types';
import { telLink } from './phone';

function countCells(c: Counts): HTMLTableCellElement[] {
  return [td(String(c.patients)), td(String(c.ventilator)), td(String(c.oxygen)), td(String(c.dialysis))];
}

function countHeaders(): string[] {
  return [t('oncall.disaster_patients'), t('oncall.dependence_ventilator'), t('oncall.dependence_oxygen'), t('oncall.dependence_dialysis')];
}

function itemCard(item: DisasterItem): HTMLElement {
  const partners = item.partners.map((p) =>
    h('tr', { testid: 'disaster-partner', 'data-org-id': p.id }, td(h('strong', null, p.name)), td(telLink(p.phone, 'disaster-partner-tel')), countCells(p.covers)),
  );
  return h(
    'section',
    { class: 'card stack', testid: 'disaster-org', 'data-org-id': item.org.id },
    h('h2', { class: 'card-title' }, item.org.name),
    h('p', { class: 'alert warn' }, t('oncall.disaster_line', { reason: t(`oncall.reason_${item.reason}`), from: formatDateTime(item.started_at), until: formatDateTime(item.planned_end_at) })),
    item.note ? h('p', null, item.note) : null,
    table('disaster-counts', countHeaders(), [h('tr', { testid: 'disaster-home-care' }, countCells(item.home_care))]),
    h('h3', null, t('oncall.disaster_partners')),
    partners.length === 0
      ? h('p', { class: 'alert error', testid: 'disaster-no-partner' }, t('oncall.disaster_no_partner'))
      : table('disaster-partners', [t('oncall.partner_org'), t('oncall.call_org_phone'), ...countHeaders()], partners),
  );
}

export async function renderDisaster(main: HTMLElement): Promise<void> {
  const body = h('div', { class: 'stack', testid: 'disaster-body' });
  replace(main, pageTitle(t('oncall.disaster_title')), h('p', { class: 'small muted' }, t('oncall.disaster_hint')), body);
  const items = await loadInto(body, async () => (await api.get<List<DisasterItem>>('/api/oncall/disaster')).items);
  if (!items) return;
  replace(body, items.length === 0 ? empty(t('oncall.disaster_empty'), 'disaster-empty') : items.map(itemCard));
}
