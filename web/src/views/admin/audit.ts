// SPDX-License-Identifier: Apache-2.0
// Administration: the audit log (GET /api/audit), newest first, with filters and "more".
import { api } from '../../api';
import { field, h, option, replace, table, td } from '../../dom';
import { formatDateTime, tokyoLocalToIso } from '../../format';
import { t, tCode } from '../../i18n';
import { currentMe, isNetworkAdmin } from '../../session';
import type { AuditRecord, List, Org, User } from '../../types';
import { attempt, empty, errorBox, loading, pageTitle } from '../common';
import { loadOrgs } from '../orgsCache';

const PAGE_SIZE = 50;
const ACTIONS = ['C', 'R', 'U', 'D', 'E'] as const;

export async function renderAudit(main: HTMLElement): Promise<void> {
  const results = h('div', { testid: 'audit-results' });
  const [users, orgs] = await Promise.all([
    api
      .get<List<User>>('/api/users', { org_id: isNetworkAdmin() ? '' : (currentMe()?.org_id ?? ''), limit: 100 })
      .then((l) => l.items)
      .catch(() => [] as User[]),
    loadOrgs().catch(() => [] as Org[]),
  ]);
  const orgNames = new Map(orgs.map((o) => [o.id, o.name]));
  const user = h('select', { testid: 'audit-user' }, option('', t('audit.anyone'), true), users.map((u) => option(u.id, `${u.name}(${u.login})`)));
  const patient = h('input', { testid: 'audit-patient', autocomplete: 'off', placeholder: t('audit.patient_placeholder') });
  const action = h(
    'select',
    { testid: 'audit-action' },
    option('', t('audit.any_action'), true),
    ACTIONS.map((a) => option(a, `${a}: ${tCode('action', a)}`)),
  );
  const from = h('input', { type: 'datetime-local', testid: 'audit-from' });
  const to = h('input', { type: 'datetime-local', testid: 'audit-to' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'audit-search' }, t('audit.search'));
  const form = h(
    'form',
    { class: 'filters', testid: 'audit-filters' },
    field(t('audit.user'), user),
    field(t('audit.patient'), patient),
    field(t('audit.action'), action),
    field(t('audit.from'), from, t('audit.jst')),
    field(t('audit.to'), to),
    h('div', { class: 'search-buttons' }, submit),
  );
  const run = (): void =>
    void showAudit(results, orgNames, {
      user_id: user.value,
      patient_id: patient.value.trim(),
      action: action.value,
      from: tokyoLocalToIso(from.value),
      to: tokyoLocalToIso(to.value),
    });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  replace(main, pageTitle(t('audit.title')), h('p', { class: 'muted' }, t('audit.explain')), form, results);
  run();
}

async function showAudit(
  results: HTMLElement,
  orgNames: Map<string, string>,
  filters: Record<string, string>,
): Promise<void> {
  replace(results, loading());
  const errors = errorBox();
  const more = h('button', { type: 'button', class: 'secondary', testid: 'audit-more' }, t('common.more'));
  let cursor: string | null | undefined;
  const fetchPage = async (): Promise<AuditRecord[]> => {
    const page = await api.get<List<AuditRecord>>('/api/audit', { ...filters, limit: PAGE_SIZE, cursor: cursor ?? undefined });
    cursor = page.next_cursor;
    more.hidden = !cursor;
    return page.items;
  };
  let first: AuditRecord[];
  try {
    first = await fetchPage();
  } catch (error) {
    replace(results, errors);
    errors.textContent = error instanceof Error ? error.message : String(error);
    errors.hidden = false;
    return;
  }
  if (first.length === 0) {
    replace(results, empty(t('audit.none'), 'audit-empty'));
    return;
  }
  const list = table(
    'audit-table',
    [t('audit.time'), t('audit.user'), t('audit.org'), t('audit.action'), t('audit.outcome'), t('audit.object'), t('audit.patient'), t('audit.client'), t('audit.detail')],
    first.map((r) => auditRow(r, orgNames)),
  );
  const tbody = list.querySelector('tbody') as HTMLTableSectionElement;
  more.addEventListener('click', () => {
    void attempt(more, errors, async () => {
      tbody.append(...(await fetchPage()).map((r) => auditRow(r, orgNames)));
    });
  });
  replace(results, list, errors, h('div', { class: 'more' }, more));
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined || detail === '') return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

function auditRow(record: AuditRecord, orgNames: Map<string, string>): HTMLTableRowElement {
  const object = [record.object_type, record.object_id].filter(Boolean).join(' ');
  return h(
    'tr',
    { testid: 'audit-row', 'data-seq': record.seq },
    td(h('span', { class: 'nowrap' }, formatDateTime(record.time))),
    td(record.user_login ?? ''),
    td(record.org_id ? (orgNames.get(record.org_id) ?? '') : ''),
    td(h('span', { class: `action action-${record.action}`, title: tCode('action', record.action) }, `${record.action} ${tCode('action', record.action)}`)),
    td(String(record.outcome ?? '')),
    td(h('span', { class: 'mono small' }, object)),
    td(h('span', { class: 'mono small' }, record.patient_id ?? '')),
    td(record.client ?? ''),
    td(h('span', { class: 'small', title: record.request_id ?? '' }, detailText(record.detail))),
  );
}
