// SPDX-License-Identifier: Apache-2.0
// The capacity board `#/board`: every organisation's free beds, emergency acceptance and
// freshness, kept current by the `directory.status` event stream (a changed organisation is read
// again and its row replaced in place, briefly highlighted). The stream closes when the page is
// left; EventSource reconnects by itself.
import { api, getAll, listen, seg } from '../../../api';
import { liveStatus, loadInto, pageTitle } from '../../../common';
import { h, option, replace, table, td } from '../../../dom';
import { codeLabel, t, tCode } from '../../../i18n';
import { hashOf, onLeave } from '../../../router';
import { directoryCodes } from '../api';
import type { DirCodes, DirEntry, DirHit } from '../types';
import { emergencyText, freshness, reportsOf } from './directoryCommon';

interface BoardRow {
  id: string;
  name: string;
  nameKana: string;
  type: string;
  beds: Record<string, number> | null;
  emergency: string | null;
  updatedAt: string | null;
  stale: boolean;
}

function fromHit(hit: DirHit): BoardRow {
  return {
    id: hit.id,
    name: hit.name,
    nameKana: hit.name_kana,
    type: hit.type,
    beds: hit.beds,
    emergency: hit.emergency,
    updatedAt: hit.freshness.updated_at,
    stale: hit.freshness.stale,
  };
}

function fromEntry(entry: DirEntry, nameKana: string): BoardRow {
  const fields = Object.values(entry.status).filter((f) => f && f.updated_at);
  const newest = fields.reduce<(typeof fields)[number] | null>(
    (best, f) => (!best || (f.updated_at ?? '') > (best.updated_at ?? '') ? f : best),
    null,
  );
  return {
    id: entry.org.id,
    name: entry.org.name,
    nameKana,
    type: entry.org.type,
    beds: entry.status.beds?.value ?? null,
    emergency: entry.status.emergency?.value ?? null,
    updatedAt: newest?.updated_at ?? null,
    stale: newest ? newest.stale : true,
  };
}

/** A cell for what organisations of this type do not report: empty, and left out of the cards. */
function notReported(): HTMLTableCellElement {
  return h('td', { class: 'not-reported' });
}

function boardRow(codes: DirCodes, row: BoardRow): HTMLTableRowElement {
  const reported = reportsOf(codes, row.type);
  const bedKinds = reported.fields.includes('beds') ? reported.bed_kinds : [];
  // The board shows beds and emergency acceptance: how fresh they are, where there are any.
  const onBoard = bedKinds.length > 0 || reported.fields.includes('emergency');
  return h(
    'tr',
    { testid: 'board-row', 'data-org-id': row.id },
    h('th', { scope: 'row' }, h('a', { href: hashOf(['directory', 'orgs', row.id]) }, row.name), h('div', { class: 'small muted' }, tCode('orgtype', row.type))),
    codes.bed_kinds.map((kind) =>
      bedKinds.includes(kind.code)
        ? h(
            'td',
            { class: 'num', testid: `board-beds-${kind.code}` },
            row.beds && typeof row.beds[kind.code] === 'number' ? String(row.beds[kind.code]) : '—',
          )
        : notReported(),
    ),
    reported.fields.includes('emergency')
      ? td(h('span', { testid: 'board-emergency' }, emergencyText(codes, row.emergency)))
      : notReported(),
    onBoard ? td(freshness(row.updatedAt, row.stale)) : notReported(),
  );
}

/** A column to sort by: the organisation's name, free beds of a kind, emergency, freshness. */
type SortKey = string;

const EMERGENCY_ORDER: Record<string, number> = { yes: 0, conditional: 1, no: 2 };

/**
 * How the rows compare for a column: a number (smaller first) or null for "nothing to compare"
 * (not reported, never reported), which always goes last.
 */
function sortValue(codes: DirCodes, row: BoardRow, key: SortKey): number | string | null {
  if (key === 'name') return row.nameKana || row.name;
  const reported = reportsOf(codes, row.type);
  if (key === 'emergency') {
    if (!reported.fields.includes('emergency') || !row.emergency) return null;
    return EMERGENCY_ORDER[row.emergency] ?? 3;
  }
  if (key === 'freshness') {
    const onBoard = reported.fields.includes('beds') || reported.fields.includes('emergency');
    if (!onBoard || !row.updatedAt) return null;
    return -new Date(row.updatedAt).getTime();
  }
  const kind = key.slice('beds:'.length);
  if (!reported.fields.includes('beds') || !reported.bed_kinds.includes(kind)) return null;
  const n = row.beds?.[kind];
  return typeof n === 'number' ? -n : null;
}

function compareRows(codes: DirCodes, key: SortKey, descending: boolean) {
  return (a: BoardRow, b: BoardRow): number => {
    const x = sortValue(codes, a, key);
    const y = sortValue(codes, b, key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'string' ? x.localeCompare(String(y), 'ja') : x - (y as number);
    return (descending ? -order : order) || a.nameKana.localeCompare(b.nameKana, 'ja');
  };
}

/** The sort choices, in the order of the columns. */
function sortChoices(codes: DirCodes): { key: SortKey; label: string }[] {
  return [
    { key: 'name', label: t('board.sort_name') },
    ...codes.bed_kinds.map((kind) => ({
      key: `beds:${kind.code}`,
      label: t('board.sort_beds', { kind: codeLabel(codes.bed_kinds, kind.code) }),
    })),
    { key: 'emergency', label: t('board.sort_emergency') },
    { key: 'freshness', label: t('board.sort_freshness') },
  ];
}

export async function renderBoard(main: HTMLElement): Promise<void> {
  const body = h('div', { class: 'stack' });
  const live = liveStatus('board-live', { connecting: 'board.connecting', live: 'board.live', reconnecting: 'board.reconnecting' });
  replace(main, pageTitle(t('board.title'), live.line), body);
  let close: (() => void) | null = null;
  let left = false;
  onLeave(() => {
    left = true;
    close?.();
  });
  const loaded = await loadInto(body, () =>
    Promise.all([directoryCodes(), getAll<DirHit>('/api/directory/search', { limit: 100 })]),
  );
  if (!loaded || left) return;
  const [codes, hits] = loaded;
  const data = new Map<string, BoardRow>();
  const rows = new Map<string, HTMLTableRowElement>();
  for (const hit of hits) {
    const row = fromHit(hit);
    data.set(hit.id, row);
    rows.set(hit.id, boardRow(codes, row));
  }
  const headers = [
    t('board.org'),
    ...codes.bed_kinds.map((kind) => codeLabel(codes.bed_kinds, kind.code)),
    t('dir.emergency'),
    t('board.freshness'),
  ];
  const choices = sortChoices(codes);
  const wrap = table('board', headers, [...rows.values()]);
  const tbody = wrap.querySelector('tbody') as HTMLTableSectionElement;
  const ths = Array.from(wrap.querySelectorAll<HTMLTableCellElement>('thead th'));
  const select = h(
    'select',
    { testid: 'board-sort', 'aria-label': t('board.sort') },
    choices.map((choice) => option(choice.key, choice.label)),
  );
  let sort = { key: 'name', descending: false };
  const applySort = (): void => {
    const ordered = [...data.values()].sort(compareRows(codes, sort.key, sort.descending));
    for (const row of ordered) {
      const tr = rows.get(row.id);
      if (tr) tbody.appendChild(tr);
    }
    select.value = sort.key;
    ths.forEach((th, index) => {
      const active = choices[index]?.key === sort.key;
      if (active) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    tbody.dataset.sort = sort.key;
  };
  // A header is a button that sorts by its column; pressing it again reverses the order.
  ths.forEach((th, index) => {
    const choice = choices[index];
    if (!choice) return;
    const text = th.textContent ?? '';
    replace(
      th,
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          testid: `board-sort-${choice.key.replace(':', '-')}`,
          title: choice.label,
          onclick: () => {
            sort = { key: choice.key, descending: sort.key === choice.key ? !sort.descending : false };
            applySort();
          },
        },
        text,
      ),
    );
  });
  select.addEventListener('change', () => {
    sort = { key: select.value, descending: false };
    applySort();
  });
  applySort();
  replace(
    body,
    h('div', { class: 'row board-tools' }, h('p', { class: 'small muted' }, t('board.hint')), h('label', { class: 'board-sort' }, t('board.sort'), select)),
    wrap,
  );

  const refreshOrg = async (orgId: string): Promise<void> => {
    const old = data.get(orgId);
    if (!old) return;
    try {
      const entry = await api.get<DirEntry>(`/api/directory/orgs/${seg(orgId)}`);
      const row = fromEntry(entry, old.nameKana);
      const tr = boardRow(codes, row);
      tr.classList.add('flash');
      tr.dataset.updated = 'true';
      rows.get(orgId)?.replaceWith(tr);
      rows.set(orgId, tr);
      data.set(orgId, row);
      applySort();
      window.setTimeout(() => tr.classList.remove('flash'), 2000);
    } catch {
      // The row keeps its last known values; the next event or a reload brings it up to date.
    }
  };
  close = listen('directory.status', {
    onEvent: (data) => {
      const orgId = (data as { org_id?: unknown } | null)?.org_id;
      if (typeof orgId === 'string' && orgId) void refreshOrg(orgId);
    },
    onReset: () => {
      for (const id of rows.keys()) void refreshOrg(id);
    },
    onState: live.onState,
  });
}
