// SPDX-License-Identifier: Apache-2.0
// The capacity board `#/board`: every organisation's free beds, emergency acceptance and
// freshness, kept current by the `directory.status` event stream (a changed organisation is read
// again and its row replaced in place, briefly highlighted). The stream closes when the page is
// left; EventSource reconnects by itself.
import { api, getAll, listen, seg } from '../../../api';
import { liveStatus, loadInto, pageTitle } from '../../../common';
import { h, replace, table, td } from '../../../dom';
import { codeLabel, t, tCode } from '../../../i18n';
import { hashOf, onLeave } from '../../../router';
import { directoryCodes } from '../api';
import type { DirCodes, DirEntry, DirHit } from '../types';
import { emergencyText, freshness } from './directoryCommon';

interface BoardRow {
  id: string;
  name: string;
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
    type: hit.type,
    beds: hit.beds,
    emergency: hit.emergency,
    updatedAt: hit.freshness.updated_at,
    stale: hit.freshness.stale,
  };
}

function fromEntry(entry: DirEntry): BoardRow {
  const fields = Object.values(entry.status).filter((f) => f && f.updated_at);
  const newest = fields.reduce<(typeof fields)[number] | null>(
    (best, f) => (!best || (f.updated_at ?? '') > (best.updated_at ?? '') ? f : best),
    null,
  );
  return {
    id: entry.org.id,
    name: entry.org.name,
    type: entry.org.type,
    beds: entry.status.beds?.value ?? null,
    emergency: entry.status.emergency?.value ?? null,
    updatedAt: newest?.updated_at ?? null,
    stale: newest ? newest.stale : true,
  };
}

function boardRow(codes: DirCodes, row: BoardRow): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'board-row', 'data-org-id': row.id },
    h('th', { scope: 'row' }, h('a', { href: hashOf(['directory', 'orgs', row.id]) }, row.name), h('div', { class: 'small muted' }, tCode('orgtype', row.type))),
    codes.bed_kinds.map((kind) =>
      h(
        'td',
        { class: 'num', testid: `board-beds-${kind.code}` },
        row.beds && typeof row.beds[kind.code] === 'number' ? String(row.beds[kind.code]) : '—',
      ),
    ),
    td(h('span', { testid: 'board-emergency' }, emergencyText(codes, row.emergency))),
    td(freshness(row.updatedAt, row.stale)),
  );
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
  const rows = new Map<string, HTMLTableRowElement>();
  const trs = hits.map((hit) => {
    const tr = boardRow(codes, fromHit(hit));
    rows.set(hit.id, tr);
    return tr;
  });
  const headers = [
    t('board.org'),
    ...codes.bed_kinds.map((kind) => codeLabel(codes.bed_kinds, kind.code)),
    t('dir.emergency'),
    t('board.freshness'),
  ];
  replace(body, h('p', { class: 'small muted' }, t('board.hint')), table('board', headers, trs));

  const refreshOrg = async (orgId: string): Promise<void> => {
    const old = rows.get(orgId);
    if (!old) return;
    try {
      const entry = await api.get<DirEntry>(`/api/directory/orgs/${seg(orgId)}`);
      const tr = boardRow(codes, fromEntry(entry));
      tr.classList.add('flash');
      tr.dataset.updated = 'true';
      rows.get(orgId)?.replaceWith(tr);
      rows.set(orgId, tr);
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
