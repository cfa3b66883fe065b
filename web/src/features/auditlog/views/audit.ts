// SPDX-License-Identifier: Apache-2.0
// Administration: the audit log (GET /api/audit), newest first, with filters, "more" and a CSV
// export. People, organisations and patients by name; what happened in the words of the catalog;
// the patients one request listed (a search) grouped on one line that unfolds.
import { api, buildPath, getAll } from '../../../api';
import { attempt, badge, empty, errorBox, loading, pageTitle } from '../../../common';
import { field, h, option, replace, table, td, tdTime, tdWrap } from '../../../dom';
import { formatDateTime, tokyoLocalToIso } from '../../../format';
import { t, tCode } from '../../../i18n';
import { currentMe, isNetworkAdmin } from '../../../session';
import type { List, User } from '../../../types';
import { detailSummary, eventLabel, objectLabel, outcomeLabel } from '../labels';
import type { AuditRecord } from '../types';

const PAGE_SIZE = 100;
const EXPORT_MAX = 10000;
const ACTIONS = ['C', 'R', 'U', 'D', 'E'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function renderAudit(main: HTMLElement): Promise<void> {
  const office = isNetworkAdmin();
  const results = h('div', { testid: 'audit-results' });
  const users = await getAll<User>('/api/users', { org_id: office ? '' : (currentMe()?.org_id ?? '') }).catch(
    () => [] as User[],
  );
  const user = h('select', { testid: 'audit-user' }, option('', t('audit.anyone'), true), users.map((u) => option(u.id, `${u.name}(${u.login})`)));
  const patient = h('input', {
    testid: 'audit-patient',
    autocomplete: 'off',
    placeholder: t(office ? 'audit.patient_placeholder_office' : 'audit.patient_placeholder'),
  });
  // a patient chosen from a record: by id, while the field shows the name
  let patientId = '';
  patient.addEventListener('input', () => (patientId = ''));
  const action = h(
    'select',
    { testid: 'audit-action' },
    option('', t('audit.any_action'), true),
    ACTIONS.map((a) => option(a, tCode('action', a))),
  );
  const from = h('input', { type: 'datetime-local', testid: 'audit-from' });
  const to = h('input', { type: 'datetime-local', testid: 'audit-to' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'audit-search' }, t('audit.search'));
  const exportLink = h('a', { class: 'button secondary', download: '', testid: 'audit-export', title: t('audit.export_hint', { max: EXPORT_MAX }) }, t('audit.export'));
  const form = h(
    'form',
    { class: 'filters', testid: 'audit-filters' },
    field(t('audit.user'), user),
    field(t('audit.patient'), patient),
    field(t('audit.action'), action),
    field(t('audit.from'), from),
    field(t('audit.to'), to),
    h('div', { class: 'search-buttons' }, submit, exportLink),
  );
  const filters = (): Record<string, string> => {
    const text = patient.value.trim();
    const byId = patientId || (office || UUID.test(text) ? text : '');
    return {
      user_id: user.value,
      patient_id: byId,
      patient: byId ? '' : text,
      action: action.value,
      from: tokyoLocalToIso(from.value),
      to: tokyoLocalToIso(to.value),
    };
  };
  const byPatient = (record: AuditRecord): void => {
    patientId = record.patient_id ?? '';
    patient.value = record.patient_name ?? patientId;
    run();
  };
  const run = (): void => {
    const chosen = filters();
    exportLink.href = buildPath('/api/audit.csv', chosen);
    void showAudit(results, byPatient, chosen);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  replace(main, pageTitle(t('audit.title')), h('p', { class: 'muted' }, t('audit.explain')), form, results);
  run();
}

async function showAudit(results: HTMLElement, byPatient: (record: AuditRecord) => void, filters: Record<string, string>): Promise<void> {
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
  const list = table('audit-table', [t('audit.time'), t('audit.user'), t('audit.action'), t('audit.patient'), t('audit.outcome'), t('audit.detail')], []);
  const grouper = rowGrouper(list.querySelector('tbody') as HTMLTableSectionElement, byPatient);
  grouper.add(first);
  more.addEventListener('click', () => {
    void attempt(more, errors, async () => grouper.add(await fetchPage()));
  });
  replace(results, list, errors, h('div', { class: 'more' }, more));
}

/** The patients one request listed, e.g. the 50 of a search page: one record each, shown as one
 *  line with their count that unfolds, also across pages of "more". */
function groupKey(record: AuditRecord): string | null {
  return record.request_id && record.patient_id && record.action === 'R' && record.outcome === 0
    ? `${record.request_id} ${record.event_id}`
    : null;
}

interface Run {
  key: string | null;
  rows: HTMLTableRowElement[];
  head: HTMLTableRowElement | null;
  count: HTMLElement | null;
  open: boolean;
}

function rowGrouper(tbody: HTMLTableSectionElement, byPatient: (record: AuditRecord) => void): { add: (records: AuditRecord[]) => void } {
  let run: Run = { key: null, rows: [], head: null, count: null, open: false };
  const startGroup = (record: AuditRecord): void => {
    const count = h('span', { testid: 'audit-group-count' });
    const toggle = h('button', { type: 'button', class: 'link small', testid: 'audit-group-toggle', 'aria-expanded': 'false' }, t('audit.group_show'));
    const current = run;
    toggle.addEventListener('click', () => {
      current.open = !current.open;
      toggle.setAttribute('aria-expanded', String(current.open));
      toggle.textContent = t(current.open ? 'audit.group_hide' : 'audit.group_show');
      for (const row of current.rows) row.hidden = !current.open;
    });
    const head = h(
      'tr',
      { testid: 'audit-group', class: 'audit-group' },
      tdTime(formatDateTime(record.time)),
      userCell(record),
      tdWrap(eventLabel(record.event_id, record.object_type, record.action)),
      tdWrap(count),
      tdWrap(outcomeLabel(record.outcome)),
      td(toggle),
    );
    current.rows[0]?.before(head);
    for (const row of current.rows) {
      row.hidden = true;
      row.classList.add('audit-member');
    }
    current.head = head;
    current.count = count;
  };
  const add = (records: AuditRecord[]): void => {
    for (const record of records) {
      const key = groupKey(record);
      const row = auditRow(record, byPatient);
      if (key !== null && key === run.key) {
        if (!run.head) startGroup(record);
        row.hidden = !run.open;
        row.classList.add('audit-member');
      } else {
        run = { key, rows: [], head: null, count: null, open: false };
      }
      run.rows.push(row);
      if (run.count) run.count.textContent = t('audit.group', { n: run.rows.length });
      tbody.append(row);
    }
  };
  return { add };
}

function userCell(record: AuditRecord): HTMLTableCellElement {
  const who = record.user_name ?? record.user_login ?? t('audit.system');
  const where = record.org_name ?? (record.user_id ? t('audit.network_office') : '');
  return tdWrap(h('div', null, who), where ? h('small', { class: 'muted' }, where) : null);
}

function patientCell(record: AuditRecord, byPatient: (record: AuditRecord) => void): HTMLTableCellElement {
  if (!record.patient_id) return td('');
  const id = record.patient_id;
  const label = record.patient_name
    ? [h('span', null, record.patient_name), h('small', { class: 'muted' }, record.patient_name_kana ?? '')]
    : isNetworkAdmin()
      ? h('code', { class: 'small', title: t('audit.office_patient') }, `${id.slice(0, 8)}…`)
      : h('span', { class: 'muted' }, t('audit.patient_hidden'));
  return tdWrap(
    h('button', { type: 'button', class: 'link patient-link', title: t('audit.filter_patient'), testid: 'audit-patient-link', onclick: () => byPatient(record) }, label),
  );
}

function technical(record: AuditRecord): HTMLElement {
  const detail = record.detail === null || record.detail === undefined ? '' : String(record.detail);
  const lines = [
    [t('audit.object'), [objectLabel(record.object_type), record.object_id ? ` ${record.object_id}` : ''].join('')],
    [t('audit.detail'), detail],
    [t('audit.login'), record.user_login ?? ''],
    [t('audit.client'), record.client ?? ''],
    [t('audit.request'), record.request_id ?? ''],
    ['event', record.event_id],
  ].filter(([, value]) => value);
  return h(
    'details',
    { class: 'technical' },
    h('summary', { class: 'small' }, t('audit.raw')),
    h('dl', { class: 'small' }, lines.map(([term, value]) => [h('dt', null, term), h('dd', { class: 'mono' }, value)])),
  );
}

function auditRow(record: AuditRecord, byPatient: (record: AuditRecord) => void): HTMLTableRowElement {
  const summary = detailSummary(record.event_id, record.outcome, record.detail);
  return h(
    'tr',
    { testid: 'audit-row', 'data-seq': record.seq },
    tdTime(formatDateTime(record.time)),
    userCell(record),
    tdWrap(
      h('span', { class: `action action-${record.action}`, testid: 'audit-event' }, eventLabel(record.event_id, record.object_type, record.action)),
      record.emergency ? [' ', badge(t('audit.emergency'), 'warn')] : null,
    ),
    patientCell(record, byPatient),
    tdWrap(h('span', { class: Number(record.outcome) === 0 ? '' : 'failed', testid: 'audit-outcome' }, outcomeLabel(record.outcome))),
    tdWrap(summary ? h('div', { testid: 'audit-summary' }, summary) : null, technical(record)),
  );
}
