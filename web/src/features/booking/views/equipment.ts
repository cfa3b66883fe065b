// SPDX-License-Identifier: Apache-2.0
// The 共同利用 page `#/equipment`: free and booked slots of equipment hospitals open to shared use,
// one day at a time (day buttons for the next 14 days), with their preparation instructions; for the hospital's admins and directory editors
// 「枠を公開」; the bookings the organisation received (受付) with their steps, and those it
// ordered with their status and report. Kept current by the "booking" event stream.
import { api, seg } from '../../../api';
import { attempt, errorBox, loadInto, notice, openDialog, pageTitle } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { formatDate, todayTokyo } from '../../../format';
import { codeLabel, t } from '../../../i18n';
import { currentMe } from '../../../session';
import { directoryCodes } from '../../directory/api';
import type { DirCodes, DirEntry, DirHit } from '../../directory/types';
import { loadSlots } from '../api';
import type { BookingPage, Slot } from '../types';
import { bookingList, liveBookings, refreshInto } from './bookingCommon';
import { openChecklistEditor } from './safety';
import { dayButtons, pickDay, slotDayRange, slotsByDay } from './slotDays';

interface PageState {
  codes: DirCodes;
  orgId: string;
  sharedOwn: string[];
  canPublish: boolean;
}

async function ownEntry(orgId: string): Promise<DirEntry | null> {
  if (!orgId) return null;
  try {
    return await api.get<DirEntry>(`/api/directory/orgs/${seg(orgId)}`);
  } catch {
    return null; // no directory entry: nothing of one's own to publish
  }
}

/** Tokyo `YYYY-MM-DD` and `HH:MM` of an instant. */
function tokyoParts(iso: string): { day: string; time: string } {
  const shifted = new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString();
  return { day: shifted.slice(0, 10), time: shifted.slice(11, 16) };
}

function slotChip(slot: Slot, state: PageState, changed: () => void, errors: HTMLElement): HTMLElement {
  const { time } = tokyoParts(slot.starts_at);
  const label = slot.state === 'free' ? `${time} ${t('equipment.free')}` : `${time} ${t('equipment.booked')}`;
  const attrs = {
    class: `slot-chip ${slot.state}`,
    testid: 'slot',
    'data-slot-id': slot.id,
    'data-state': slot.state,
    title: slot.booking ? `${slot.booking.patient.name ?? ''}(${slot.booking.ordering_org.name ?? ''})` : undefined,
  };
  const own = slot.org.id === state.orgId && state.canPublish && slot.state === 'free';
  if (!own) return h('span', attrs, label);
  const button = h('button', { ...attrs, type: 'button', 'aria-label': `${label} ${t('equipment.withdraw')}` }, label);
  button.addEventListener('click', () => {
    if (!window.confirm(t('equipment.withdraw_confirm', { when: `${formatDate(tokyoParts(slot.starts_at).day)} ${time}` }))) return;
    void attempt(button, errors, async () => {
      await api.del(`/api/equipment/slots/${seg(slot.id)}`);
      changed();
    });
  });
  return button;
}

/** The slots of one day, one row per hospital, with the preparation of those hospitals. */
function dayPanel(day: string, slots: Slot[], state: PageState, changed: () => void, errors: HTMLElement): HTMLElement {
  const preparation = new Map<string, string>();
  const byOrg = new Map<string, Slot[]>();
  for (const slot of slots) {
    const label = slot.org.name ?? '';
    if (slot.preparation && !preparation.has(label)) preparation.set(label, slot.preparation);
    byOrg.set(label, [...(byOrg.get(label) ?? []), slot]);
  }
  return h(
    'div',
    { class: 'card stack', testid: 'slot-day', 'data-day': day },
    [...byOrg].map(([org, list]) =>
      h('div', { class: 'slot-row', testid: 'slot-org-row' }, h('span', { class: 'slot-org' }, org), h('div', { class: 'slot-chips' }, list.map((s) => slotChip(s, state, changed, errors)))),
    ),
    preparation.size
      ? h(
          'dl',
          { class: 'booking-facts', testid: 'slot-preparation' },
          [...preparation].map(([org, text]) => [h('dt', null, `${org} ${t('equipment.preparation')}`), h('dd', { class: 'pre' }, text)]),
        )
      : null,
  );
}

/**
 * The day buttons and the slots of the chosen day. `chosen` outlives a reload of the slots (live
 * refresh, filters, withdrawal), so the page stays on the day the user looks at.
 */
function slotDays(slots: Slot[], chosen: { day: string | null }, state: PageState, changed: () => void, errors: HTMLElement): HTMLElement {
  if (slots.length === 0) return h('p', { class: 'empty', testid: 'slots-empty' }, t('equipment.no_slots'));
  const days = slotDayRange();
  const byDay = slotsByDay(slots);
  const root = h('div', { class: 'stack', testid: 'slot-days' });
  const show = (day: string): void => {
    chosen.day = day;
    replace(
      root,
      dayButtons(days, byDay, day, show),
      byDay.has(day) ? dayPanel(day, byDay.get(day) ?? [], state, changed, errors) : h('p', { class: 'empty', testid: 'slots-empty' }, t('equipment.no_slots_day')),
    );
  };
  show(pickDay(days, byDay, chosen.day));
  return root;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The slots of one day from start to end, every `minutes`, as RFC 3339 with +09:00. */
export function daySlots(day: string, start: string, end: string, minutes: number): { starts_at: string; ends_at: string }[] {
  const toMin = (v: string): number => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5));
  const at = (m: number): string => `${day}T${pad(Math.floor(m / 60))}:${pad(m % 60)}:00+09:00`;
  const out = [];
  for (let m = toMin(start); m + minutes <= toMin(end); m += minutes) out.push({ starts_at: at(m), ends_at: at(m + minutes) });
  return out;
}

function openPublish(state: PageState, published: () => void): void {
  const equipment = h('select', { required: true, testid: 'publish-equipment' }, state.sharedOwn.map((c) => option(c, codeLabel(state.codes.equipment, c))));
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = h('input', { type: 'date', required: true, min: todayTokyo(tomorrow), value: todayTokyo(tomorrow), testid: 'publish-date' });
  const start = h('input', { type: 'time', required: true, value: '09:00', step: 300, testid: 'publish-start' });
  const end = h('input', { type: 'time', required: true, value: '16:00', step: 300, testid: 'publish-end' });
  const minutes = h('select', { testid: 'publish-minutes' }, [15, 20, 30, 45, 60].map((m) => option(String(m), String(m), m === 30)));
  const preparation = h('textarea', { rows: 3, maxlength: 1000, testid: 'publish-preparation' });
  const note = h('input', { maxlength: 500, testid: 'publish-note' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'publish-submit' }, t('equipment.publish'));
  const form = h(
    'form',
    { class: 'stack', testid: 'publish-form' },
    errors,
    h('div', { class: 'grid2' }, field(t('equipment.equipment'), equipment), field(t('equipment.date'), day), field(t('equipment.start_time'), start), field(t('equipment.end_time'), end), field(t('equipment.minutes'), minutes)),
    field(t('equipment.preparation'), preparation),
    field(t('equipment.slot_note'), note),
    h('div', { class: 'row end' }, submit),
  );
  const dialog = openDialog(t('equipment.publish_title'), form, 'publish-dialog');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      const slots = daySlots(day.value, start.value, end.value, Number(minutes.value));
      if (slots.length === 0) throw new Error(t('equipment.no_times'));
      await api.post('/api/equipment/slots', { equipment: equipment.value, preparation: preparation.value.trim(), note: note.value.trim(), slots });
      dialog.close();
      published();
    });
  });
}

interface SlotFilters {
  form: HTMLFormElement;
  query: () => Record<string, string>;
}

function slotFilters(state: PageState, run: () => void): SlotFilters {
  const equipment = h('select', { testid: 'slots-equipment' }, state.codes.equipment.map((c) => option(c.code, codeLabel(state.codes.equipment, c.code), c.code === 'ct')));
  const hospital = h('select', { testid: 'slots-hospital' }, option('', t('equipment.any_hospital'), true));
  const fillHospitals = async (): Promise<void> => {
    const hits = await api.get<{ items: DirHit[] }>('/api/directory/search', { equipment: equipment.value, shared: 'true', limit: 100 });
    const keep = hospital.value;
    replace(hospital, option('', t('equipment.any_hospital'), true), hits.items.map((hit) => option(hit.id, hit.name, hit.id === keep)));
  };
  equipment.addEventListener('change', () => void fillHospitals().then(run, run));
  hospital.addEventListener('change', run);
  void fillHospitals().catch(() => undefined);
  const form = h('form', { class: 'row', testid: 'slots-filters' }, field(t('equipment.equipment'), equipment), field(t('equipment.hospital'), hospital));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  return { form, query: () => ({ equipment: equipment.value, org_id: hospital.value }) };
}

function bookingsSection(title: string, testid: string, box: 'received' | 'ordered', state: PageState): { root: HTMLElement; refresh: () => Promise<void> } {
  const list = h('div', { testid: `${testid}-list` });
  const root = h('section', { class: 'stack', testid }, h('h2', null, title), list);
  const refresh = (): Promise<void> =>
    refreshInto(list, async () => {
      const page = await api.get<BookingPage>('/api/bookings', { box, limit: 100 });
      return bookingList(page.items, state.codes, box, box === 'received' ? 'equipment.none_received' : 'equipment.none_ordered', () => void refresh());
    });
  return { root, refresh };
}

export async function renderEquipment(main: HTMLElement): Promise<void> {
  const body = h('div', { class: 'stack' });
  const head = pageTitle(t('equipment.title'));
  replace(main, head, body);
  const orgId = currentMe()?.org_id ?? '';
  const loaded = await loadInto(body, () => Promise.all([directoryCodes(), ownEntry(orgId)]));
  if (!loaded) return;
  const [codes, entry] = loaded;
  const sharedOwn = (entry?.profile?.equipment ?? []).filter((e) => e.shared_use).map((e) => e.code);
  const state: PageState = { codes, orgId, sharedOwn, canPublish: !!entry?.can_edit && sharedOwn.length > 0 };

  const errors = errorBox();
  const slotsBox = h('div', { testid: 'slots', 'aria-live': 'polite' });
  const flash = h('div');
  const chosen = { day: null as string | null };
  const loadDays = (): Promise<void> =>
    refreshInto(slotsBox, async () => slotDays(await loadSlots({ ...filters.query(), from: todayTokyo() }), chosen, state, () => void loadDays(), errors));
  const filters = slotFilters(state, () => void loadDays());
  const publish = state.canPublish
    ? h('button', {
        type: 'button',
        class: 'secondary',
        testid: 'publish-open',
        onclick: () =>
          openPublish(state, () => {
            replace(flash, notice(t('equipment.published')));
            void loadDays();
          }),
      }, t('equipment.publish'))
    : null;
  const checklists = state.canPublish
    ? h('button', {
        type: 'button',
        class: 'secondary',
        testid: 'checklist-open',
        onclick: () =>
          void openChecklistEditor(orgId, [
            ...sharedOwn.map((c) => ({ code: c, label: codeLabel(codes.equipment, c) })),
            { code: 'contrast', label: t('safety.contrast_kind') },
          ]),
      }, t('safety.checklist_title'))
    : null;
  const received = bookingsSection(t('equipment.received'), 'bookings-received-section', 'received', state);
  const ordered = bookingsSection(t('equipment.ordered'), 'bookings-ordered-section', 'ordered', state);
  const refreshAll = (): void => {
    void loadDays();
    if (sharedOwn.length > 0) void received.refresh();
    void ordered.refresh();
  };
  head.querySelector('.actions')?.append(liveBookings(refreshAll));
  replace(
    body,
    h('p', { class: 'small muted' }, t('equipment.hint')),
    sharedOwn.length > 0 ? received.root : null,
    ordered.root,
    h('section', { class: 'stack', testid: 'slots-section' }, h('div', { class: 'row' }, h('h2', null, t('equipment.free_slots')), publish, checklists), flash, filters.form, errors, slotsBox),
  );
  refreshAll();
}
