// SPDX-License-Identifier: Apache-2.0
// The form that changes an organisation's live status. Only the fields that differ from what was
// loaded are sent (PATCH), so each keeps its own "who and when"; of the beds only the kinds changed.
import { field, h, option } from '../../../dom';
import { codeLabel, t } from '../../../i18n';
import type { Beds, DirCodes, DirEntry, Restriction } from '../types';
import { reportsOf } from './directoryCommon';

export type StatusPatch = Record<string, unknown>;

function numberInput(testid: string, value: number | undefined, name: string): HTMLInputElement {
  return h('input', {
    name, // the field a refusal names (common.ts showFieldError)
    type: 'number',
    min: 0,
    max: 9999,
    step: 1,
    inputmode: 'numeric',
    testid,
    value: value === undefined ? '' : String(value),
  });
}

function restrictionRow(r: Restriction | null): HTMLElement {
  const text = h('input', { type: 'text', testid: 'dir-restriction-text', value: r?.text ?? '', 'aria-label': t('dir.restriction_text') });
  const until = h('input', { type: 'date', name: 'restrictions[].until', testid: 'dir-restriction-until', value: r?.until ?? '', 'aria-label': t('dir.restriction_until') });
  const row = h('div', { class: 'row', testid: 'dir-restriction' }, text, until);
  row.appendChild(
    h('button', { type: 'button', class: 'secondary small', onclick: () => row.remove() }, t('common.remove')),
  );
  return row;
}

function readRestrictions(box: HTMLElement): Restriction[] {
  const out: Restriction[] = [];
  for (const row of Array.from(box.querySelectorAll<HTMLElement>('[data-testid="dir-restriction"]'))) {
    const text = (row.querySelector('[data-testid="dir-restriction-text"]') as HTMLInputElement).value.trim();
    const until = (row.querySelector('[data-testid="dir-restriction-until"]') as HTMLInputElement).value;
    if (text) out.push(until ? { text, until } : { text });
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function statusForm(
  codes: DirCodes,
  entry: DirEntry,
  errors: HTMLElement,
  save: (patch: StatusPatch, button: HTMLButtonElement) => Promise<void>,
): HTMLElement {
  const s = entry.status;
  // Only what organisations of this type report (the server's type definitions).
  const reported = reportsOf(codes, entry.org.type);
  const shows = (name: string): boolean => reported.fields.includes(name);
  const beds: Beds = s.beds?.value ?? {};
  const bedKinds = shows('beds') ? codes.bed_kinds.filter((kind) => reported.bed_kinds.includes(kind.code)) : [];
  const bedInputs = bedKinds.map((kind) => ({
    kind: kind.code,
    input: numberInput(`dir-beds-${kind.code}`, beds[kind.code], `beds.${kind.code}`),
  }));
  const emergency = h(
    'select',
    { testid: 'dir-emergency-edit' },
    s.emergency ? null : option('', t('common.choose'), true),
    codes.emergency.map((c) => option(c.code, codeLabel(codes.emergency, c.code), c.code === s.emergency?.value)),
  );
  const note = h('input', { type: 'text', testid: 'dir-emergency-note', value: s.emergency_note?.value ?? '' });
  const homecare = numberInput('dir-homecare', s.homecare_new_this_month?.value, 'homecare_new_this_month');
  const specialists = h('textarea', { testid: 'dir-specialists', rows: 3 });
  specialists.value = (s.specialists_today?.value ?? []).join('\n');
  const restrictions = h('div', { class: 'stack' }, (s.restrictions?.value ?? []).map((r) => restrictionRow(r)));
  const addRestriction = h(
    'button',
    { type: 'button', class: 'secondary small', testid: 'dir-restriction-add', onclick: () => restrictions.appendChild(restrictionRow(null)) },
    t('dir.restriction_add'),
  );
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'dir-status-save' }, t('common.save'));
  const unchanged = h('p', { class: 'muted', testid: 'dir-unchanged', hidden: true }, t('dir.unchanged'));

  const patch = (): StatusPatch => {
    const out: StatusPatch = {};
    const changedBeds: Beds = {};
    for (const { kind, input } of bedInputs) {
      if (input.value === '') continue;
      const n = Number(input.value);
      if (n !== beds[kind]) changedBeds[kind] = n;
    }
    if (Object.keys(changedBeds).length) out.beds = changedBeds;
    if (emergency.value && emergency.value !== s.emergency?.value) out.emergency = emergency.value;
    if (note.value.trim() !== (s.emergency_note?.value ?? '')) out.emergency_note = note.value.trim();
    if (homecare.value !== '' && Number(homecare.value) !== s.homecare_new_this_month?.value)
      out.homecare_new_this_month = Number(homecare.value);
    const names = specialists.value.split('\n').map((x) => x.trim()).filter(Boolean);
    if (!same(names, s.specialists_today?.value ?? [])) out.specialists_today = names;
    const rs = readRestrictions(restrictions);
    if (!same(rs, (s.restrictions?.value ?? []).map((r) => (r.until ? { text: r.text, until: r.until } : { text: r.text }))))
      out.restrictions = rs;
    return out;
  };

  const form = h(
    'form',
    { class: 'card stack', testid: 'dir-status-form' },
    h('h2', null, t('dir.edit_status')),
    errors,
    bedInputs.length
      ? h(
          'fieldset',
          null,
          h('legend', null, t('dir.free_beds')),
          h('div', { class: 'grid3' }, bedInputs.map(({ kind, input }) => field(codeLabel(codes.bed_kinds, kind), input))),
        )
      : null,
    shows('emergency') || shows('emergency_note')
      ? h(
          'div',
          { class: 'grid2' },
          shows('emergency') ? field(t('dir.emergency'), emergency) : null,
          shows('emergency_note') ? field(t('dir.emergency_note'), note) : null,
        )
      : null,
    shows('homecare_new_this_month') || shows('specialists_today')
      ? h(
          'div',
          { class: 'grid2' },
          shows('homecare_new_this_month') ? field(t('dir.homecare_new'), homecare) : null,
          shows('specialists_today') ? field(t('dir.specialists'), specialists, t('dir.one_per_line')) : null,
        )
      : null,
    shows('restrictions') ? h('fieldset', null, h('legend', null, t('dir.restrictions')), restrictions, addRestriction) : null,
    unchanged,
    h('div', { class: 'row end' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = patch();
    unchanged.hidden = Object.keys(body).length > 0;
    if (!unchanged.hidden) return;
    void save(body, submit);
  });
  return form;
}
