// SPDX-License-Identifier: Apache-2.0
// Administration: the audit log (GET /api/audit), newest first, with filters and "more".
import { api, getAll } from '../../../api';
import { attempt, empty, errorBox, loading, pageTitle } from '../../../common';
import { field, h, option, replace, table, td, tdWrap } from '../../../dom';
import { formatDateTime, tokyoLocalToIso } from '../../../format';
import { t, tCode } from '../../../i18n';
import { loadOrgs } from '../../../orgsCache';
import { currentMe, isNetworkAdmin } from '../../../session';
import type { List, Org, User } from '../../../types';
import type { AuditRecord } from '../types';

const PAGE_SIZE = 50;
const ACTIONS = ['C', 'R', 'U', 'D', 'E'] as const;

export async function renderAudit(main: HTMLElement): Promise<void> {
  const results = h('div', { testid: 'audit-results' });
  const [users, orgs] = await Promise.all([
    getAll<User>('/api/users', { org_id: isNetworkAdmin() ? '' : (currentMe()?.org_id ?? '') }).catch(() => [] as User[]),
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
    field(t('audit.from'), from),
    field(t('audit.to'), to),
    h('div', { class: 'search-buttons' }, submit),
  );
  const byPatient = (patientId: string): void => {
    patient.value = patientId;
    run();
  };
  const run = (): void =>
    void showAudit(results, orgNames, byPatient, {
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
  byPatient: (patientId: string) => void,
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
    first.map((r) => auditRow(r, orgNames, byPatient)),
  );
  const tbody = list.querySelector('tbody') as HTMLTableSectionElement;
  more.addEventListener('click', () => {
    void attempt(more, errors, async () => {
      tbody.append(...(await fetchPage()).map((r) => auditRow(r, orgNames, byPatient)));
    });
  });
  replace(results, list, errors, h('div', { class: 'more' }, more));
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined || detail === '') return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

/** Ids are long: show the start, keep the whole in the tooltip. */
function shortId(id: string | null): string {
  return id && id.length > 8 ? `${id.slice(0, 8)}…` : (id ?? '');
}

function auditRow(
  record: AuditRecord,
  orgNames: Map<string, string>,
  byPatient: (patientId: string) => void,
): HTMLTableRowElement {
  const patientId = record.patient_id;
  return h(
    'tr',
    { testid: 'audit-row', 'data-seq': record.seq },
    td(formatDateTime(record.time)),
    td(record.user_login ?? ''),
    td(record.org_id ? (orgNames.get(record.org_id) ?? shortId(record.org_id)) : ''),
    td(h('span', { class: `action action-${record.action}` }, `${record.action} ${tCode('action', record.action)}`)),
    td(String(record.outcome ?? '')),
    td(
      record.object_type ?? '',
      record.object_id ? [' ', h('code', { class: 'small', title: record.object_id }, shortId(record.object_id))] : null,
    ),
    td(
      patientId
        ? h(
            'button',
            {
              type: 'button',
              class: 'link mono small',
              title: t('audit.filter_patient', { id: patientId }),
              onclick: () => byPatient(patientId),
            },
            shortId(patientId),
          )
        : '',
    ),
    td(record.client ?? ''),
    tdWrap(h('span', { class: 'small', title: record.request_id ?? '' }, detailText(record.detail))),
  );
}
