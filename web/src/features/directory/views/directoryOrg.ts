// SPDX-License-Identifier: Apache-2.0
// An organisation's directory page `#/directory/orgs/<id>`: its profile, its live status with
// who changed each field and when, the history of its ICU/HCU free beds, and (for its editors)
// the form that changes the status.
import { api, seg } from '../../../api';
import { attempt, empty, errorBox, loadInto, notice, pageTitle } from '../../../common';
import { dlRow, h, replace, type Child } from '../../../dom';
import { formatDate, formatDateTime } from '../../../format';
import { codeLabel, t } from '../../../i18n';
import { directoryCodes } from '../api';
import type { Beds, DirCodes, DirEntry, DirProfile, Restriction, StatusField } from '../types';
import { bedsText, emergencyText, freshness, reports, reportsOf } from './directoryCommon';
import { statusForm } from './statusForm';

function profileCard(codes: DirCodes, p: DirProfile | null): HTMLElement {
  if (!p) return h('section', { class: 'card', testid: 'dir-profile' }, empty(t('dir.no_profile')));
  const list = (items: string[], codeList: DirCodes['departments']): string =>
    items.length ? items.map((c) => codeLabel(codeList, c)).join('、') : '—';
  const equipment = p.equipment.length
    ? h(
        'ul',
        { class: 'plain-list' },
        p.equipment.map((e) =>
          h(
            'li',
            { testid: 'dir-equipment-item' },
            codeLabel(codes.equipment, e.code),
            e.shared_use ? [' ', h('span', { class: 'badge ok' }, t('dir.shared_use'))] : null,
          ),
        ),
      )
    : '—';
  const contact = [
    p.liaison_phone && `${t('dir.phone')} ${p.liaison_phone}`,
    p.liaison_fax && `${t('dir.fax')} ${p.liaison_fax}`,
    p.liaison_email && `${t('dir.email')} ${p.liaison_email}`,
    p.liaison_hours && `${t('dir.hours')} ${p.liaison_hours}`,
  ].filter(Boolean) as string[];
  return h(
    'section',
    { class: 'card', testid: 'dir-profile' },
    h('h2', null, t('dir.profile')),
    h(
      'dl',
      { class: 'dl' },
      dlRow(t('dir.function'), codeLabel(codes.functions, p.medical_function) || '—'),
      dlRow(t('dir.department'), list(p.departments, codes.departments)),
      dlRow(t('dir.equipment'), equipment),
      dlRow(t('dir.service'), list(p.services, codes.services)),
      dlRow(t('dir.liaison'), contact.length ? contact.map((line) => h('div', null, line)) : '—'),
      dlRow(t('dir.notes'), p.acceptance_notes || '—'),
    ),
  );
}

function statusRow(label: string, testid: string, f: StatusField | undefined, value: Child): Child[] {
  return dlRow(
    label,
    h('span', { testid }, f ? value : '—'),
    f
      ? h(
          'div',
          { class: 'small muted' },
          freshness(f.updated_at, f.stale),
          f.updated_by?.name ? ` ${t('dir.updated_by', { name: f.updated_by.name })}` : '',
        )
      : null,
  );
}

function restrictionsText(items: Restriction[]): string {
  if (items.length === 0) return t('dir.none');
  return items
    .map((r) => (r.until ? `${r.text}(${t('dir.until', { date: formatDate(r.until) })})` : r.text))
    .join('、');
}

function statusCard(codes: DirCodes, entry: DirEntry): HTMLElement | null {
  const s = entry.status;
  // Only the fields organisations of this type report (the server's type definitions).
  const shows = (name: string): boolean => reports(codes, entry.org.type, name);
  if (reportsOf(codes, entry.org.type).fields.length === 0) return null;
  const rows: Child[] = [
    shows('beds') ? statusRow(t('dir.free_beds'), 'dir-status-beds', s.beds, bedsText(codes, s.beds?.value)) : null,
    shows('emergency')
      ? statusRow(t('dir.emergency'), 'dir-status-emergency', s.emergency, emergencyText(codes, s.emergency?.value))
      : null,
    shows('emergency_note')
      ? statusRow(t('dir.emergency_note'), 'dir-status-emergency-note', s.emergency_note, s.emergency_note?.value || '—')
      : null,
    shows('homecare_new_this_month')
      ? statusRow(
          t('dir.homecare_new'),
          'dir-status-homecare',
          s.homecare_new_this_month,
          String(s.homecare_new_this_month?.value ?? ''),
        )
      : null,
    shows('specialists_today')
      ? statusRow(
          t('dir.specialists'),
          'dir-status-specialists',
          s.specialists_today,
          s.specialists_today?.value.length ? s.specialists_today.value.join('、') : t('dir.none'),
        )
      : null,
    shows('restrictions')
      ? statusRow(t('dir.restrictions'), 'dir-status-restrictions', s.restrictions, restrictionsText(s.restrictions?.value ?? []))
      : null,
  ];
  return h('section', { class: 'card', testid: 'dir-status' }, h('h2', null, t('dir.status')), h('dl', { class: 'dl' }, rows));
}

interface HistoryItem {
  field: string;
  value: Beds;
  updated_at: string;
  updated_by: { id: string; name: string | null } | null;
}

const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** A step chart of ICU/HCU free beds over the recorded changes. */
function icuChart(points: { at: number; n: number }[]): Element | null {
  if (points.length < 2) return null;
  const w = 600, hgt = 120, pad = 24;
  const t0 = points[0].at, t1 = Math.max(points[points.length - 1].at, t0 + 1);
  const max = Math.max(1, ...points.map((p) => p.n));
  const x = (at: number): number => pad + ((at - t0) / (t1 - t0)) * (w - 2 * pad);
  const y = (n: number): number => hgt - pad - (n / max) * (hgt - 2 * pad);
  let d = `M${x(points[0].at)},${y(points[0].n)}`;
  for (let i = 1; i < points.length; i++) d += ` H${x(points[i].at)} V${y(points[i].n)}`;
  const svg = svgEl('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'dir-chart', role: 'img', 'aria-label': t('dir.history_icu') });
  svg.appendChild(svgEl('line', { x1: pad, y1: hgt - pad, x2: w - pad, y2: hgt - pad, stroke: 'currentColor', 'stroke-opacity': 0.3 }));
  svg.appendChild(svgEl('path', { d, fill: 'none', stroke: 'currentColor', 'stroke-width': 2 }));
  const label = svgEl('text', { x: 2, y: y(max) + 4, 'font-size': 12, fill: 'currentColor' });
  label.textContent = String(max);
  svg.appendChild(label);
  return svg;
}

async function historySection(orgId: string): Promise<HTMLElement> {
  const section = h('section', { class: 'card', testid: 'dir-history' }, h('h2', null, t('dir.history_icu')));
  const box = h('div');
  section.appendChild(box);
  const answer = await loadInto(box, () =>
    api.get<{ items: HistoryItem[] }>(`/api/directory/orgs/${seg(orgId)}/history`, { field: 'beds', limit: 100 }),
  );
  if (!answer) return section;
  const rows = answer.items.filter((item) => typeof item.value?.icu_hcu === 'number');
  if (rows.length === 0) {
    replace(box, empty(t('dir.no_history')));
    return section;
  }
  const chart = icuChart(rows.map((r) => ({ at: new Date(r.updated_at).getTime(), n: r.value.icu_hcu })));
  replace(
    box,
    chart,
    h(
      'ul',
      { class: 'plain-list small' },
      rows
        .slice(-10)
        .reverse()
        .map((r) =>
          h(
            'li',
            { testid: 'dir-history-item' },
            `${formatDateTime(r.updated_at)}  ICU/HCU ${r.value.icu_hcu}`,
            r.updated_by?.name ? `(${r.updated_by.name})` : '',
          ),
        ),
    ),
  );
  return section;
}

export async function renderDirectoryOrg(main: HTMLElement, orgId: string, message?: string): Promise<void> {
  const body = h('div', { class: 'stack' });
  replace(main, h('p', null, h('a', { href: '#/directory' }, t('dir.back'))), body);
  const loaded = await loadInto(body, async () =>
    Promise.all([directoryCodes(), api.get<DirEntry>(`/api/directory/orgs/${seg(orgId)}`)]),
  );
  if (!loaded) return;
  const [codes, entry] = loaded;
  const status = statusCard(codes, entry);
  const saved = h('div', null, message ? notice(message, 'dir-saved') : null);
  const reported = reportsOf(codes, entry.org.type);
  let form: HTMLElement | null = null;
  if (entry.can_edit && reported.fields.length > 0) {
    const errors = errorBox();
    form = statusForm(codes, entry, errors, async (patch, button) => {
      await attempt(button, errors, async () => {
        await api.patch<DirEntry>(`/api/directory/orgs/${seg(orgId)}/status`, patch);
        void renderDirectoryOrg(main, orgId, t('dir.saved'));
      });
    });
  }
  replace(
    body,
    pageTitle(entry.org.name),
    saved,
    status ? h('div', { class: 'grid2' }, profileCard(codes, entry.profile), status) : profileCard(codes, entry.profile),
    form,
    reported.bed_kinds.includes('icu_hcu') ? await historySection(orgId) : null,
  );
  body.dataset.loaded = 'true';
}
