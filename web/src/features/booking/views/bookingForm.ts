// SPDX-License-Identifier: Apache-2.0
// The 共同利用検査 tab of the patient page: the patient's shared-equipment bookings with their
// status and report (kept current by the "booking" event stream), and 「共同利用検査を予約」:
// equipment, hospital, a day of the next 14 and a free slot of that day with its preparation,
// the examination and the clinical question. The request carries an Idempotency-Key, so a
// double submission books once.
import { api, newIdempotencyKey, seg } from '../../../api';
import { attempt, errorBox, loadInto, notice, openDialog } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { todayTokyo } from '../../../format';
import { codeLabel, t } from '../../../i18n';
import { currentMe } from '../../../session';
import type { Patient } from '../../patients/types';
import { directoryCodes } from '../../directory/api';
import type { DirCodes, DirHit } from '../../directory/types';
import type { TabContext } from '../../patients/extensions';
import { loadSlots } from '../api';
import type { Booking, BookingPage, Slot } from '../types';
import { bookingList, liveBookings, refreshInto } from './bookingCommon';
import { checklistBox, loadChecklists, showSafety, type ChecklistBox } from './safety';
import { dayButtons, pickDay, slotClock, slotDayRange, slotsByDay } from './slotDays';

/** The free slots of one day, each option `10:00–10:30 みなみ総合病院`. */
function slotOptions(select: HTMLSelectElement, slots: Slot[], anyFree: boolean): void {
  replace(
    select,
    option('', anyFree ? t('common.choose') : t('booking.no_free_slots'), true),
    slots.map((s) => option(s.id, `${slotClock(s)} ${s.org.name ?? ''}`)),
  );
}

interface BookingFields {
  equipment: HTMLSelectElement;
  hospital: HTMLSelectElement;
  days: HTMLElement;
  slot: HTMLSelectElement;
  preparation: HTMLElement;
  exam: HTMLInputElement;
  question: HTMLTextAreaElement;
  notes: HTMLTextAreaElement;
}

function bookingFields(codes: DirCodes): BookingFields {
  return {
    equipment: h('select', { required: true, testid: 'booking-equipment' }, codes.equipment.map((c) => option(c.code, codeLabel(codes.equipment, c.code), c.code === 'ct'))),
    hospital: h('select', { testid: 'booking-hospital' }),
    days: h('div', { testid: 'booking-days' }),
    slot: h('select', { required: true, testid: 'booking-slot' }),
    preparation: h('p', { class: 'small muted pre', testid: 'booking-preparation' }),
    exam: h('input', { required: true, maxlength: 200, placeholder: t('booking.exam_placeholder'), testid: 'booking-exam-input' }),
    question: h('textarea', { required: true, maxlength: 2000, rows: 3, testid: 'booking-question' }),
    notes: h('textarea', { maxlength: 2000, rows: 2, testid: 'booking-notes' }),
  };
}

/**
 * Keeps hospital, day and slot choices in step with the equipment and hospital chosen; the day
 * stays while it has free slots.
 */
function wireChoices(f: BookingFields, slotChanged: (slot: Slot | undefined) => void): () => Promise<void> {
  let slots: Slot[] = [];
  let day: string | null = null;
  const own = currentMe()?.org_id;
  const showPreparation = (): void => {
    const chosen = slots.find((s) => s.id === f.slot.value);
    f.preparation.textContent = chosen?.preparation ? `${t('equipment.preparation')}: ${chosen.preparation}` : '';
    slotChanged(chosen);
  };
  const showDay = (chosen: string): void => {
    day = chosen;
    const days = slotDayRange();
    const byDay = slotsByDay(slots);
    replace(f.days, dayButtons(days, byDay, chosen, showDay));
    slotOptions(f.slot, byDay.get(chosen) ?? [], slots.length > 0);
    showPreparation();
  };
  let generation = 0;
  const loadFree = async (): Promise<void> => {
    const mine = ++generation;
    f.slot.disabled = true;
    f.slot.dataset.loading = 'true';
    const found = await loadSlots({ equipment: f.equipment.value, org_id: f.hospital.value, available: 'true', from: todayTokyo() });
    if (mine !== generation) return; // a later choice is loading; its answer counts
    slots = found.filter((s) => s.org.id !== own);
    showDay(pickDay(slotDayRange(), slotsByDay(slots), day));
    f.slot.disabled = false;
    delete f.slot.dataset.loading;
  };
  const loadHospitals = async (): Promise<void> => {
    const hits = await api.get<{ items: DirHit[] }>('/api/directory/search', { equipment: f.equipment.value, shared: 'true', limit: 100 });
    replace(f.hospital, option('', t('equipment.any_hospital'), true), hits.items.filter((hit) => hit.id !== own).map((hit) => option(hit.id, hit.name)));
    await loadFree();
  };
  f.equipment.addEventListener('change', () => void loadHospitals());
  f.hospital.addEventListener('change', () => void loadFree());
  f.slot.addEventListener('change', showPreparation);
  return loadHospitals;
}

export function openBookingDialog(patient: Patient, codes: DirCodes, booked: (b: Booking) => void): void {
  const f = bookingFields(codes);
  const errors = errorBox();
  // the patient's allergies, contraindications and (with contrast) eGFR, as the exam is typed;
  // the examining hospital's checklist for the slot chosen
  const safety = h('div', { testid: 'booking-safety' });
  const checks = h('div');
  let checklist: ChecklistBox | null = null;
  let chosenSlot: Slot | undefined;
  let lists: Promise<Map<string, string[]>> | null = null;
  let listsOrg = '';
  let examShown: string | null = null;
  const showChecks = async (): Promise<void> => {
    if (!chosenSlot) {
      checklist = null;
      replace(checks);
      return;
    }
    if (listsOrg !== chosenSlot.org.id) {
      listsOrg = chosenSlot.org.id;
      lists = loadChecklists(listsOrg).catch(() => new Map());
    }
    const slot = chosenSlot;
    const box = checklistBox(await (lists as Promise<Map<string, string[]>>), slot.equipment, f.exam.value);
    if (slot !== chosenSlot) return;
    checklist = box;
    replace(checks, box.root);
  };
  const examChanged = (): void => {
    const exam = f.exam.value.trim();
    if (exam === examShown) return;
    examShown = exam;
    void showSafety(safety, patient.id, exam);
    void showChecks();
  };
  // one read of the record per pause in typing, not per key (each read is audited)
  let pause: number | undefined;
  f.exam.addEventListener('input', () => {
    window.clearTimeout(pause);
    pause = window.setTimeout(examChanged, 400);
  });
  f.exam.addEventListener('change', examChanged);
  examChanged();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'booking-submit' }, t('booking.submit'));
  const form = h(
    'form',
    { class: 'stack', testid: 'booking-form' },
    errors,
    h('p', null, `${t('booking.patient')}: ${patient.name}`),
    h('div', { class: 'grid2' }, field(t('equipment.equipment'), f.equipment), field(t('equipment.hospital'), f.hospital)),
    f.days,
    field(t('booking.slot'), f.slot),
    f.preparation,
    field(t('booking.exam'), f.exam),
    safety,
    checks,
    field(t('booking.question'), f.question),
    field(t('booking.notes'), f.notes),
    h('div', { class: 'row end' }, submit),
  );
  const dialog = openDialog(t('booking.new'), form, 'booking-dialog');
  void wireChoices(f, (slot) => {
    chosenSlot = slot;
    void showChecks();
  })().catch(() => undefined);
  // One key per distinct request: a repeated submission of the same order books once; a changed
  // order (e.g. another slot after "slot taken") is a new request.
  let sent = '';
  let key = newIdempotencyKey();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      slot_id: f.slot.value,
      exam: f.exam.value.trim(),
      clinical_question: f.question.value.trim(),
      order_notes: f.notes.value.trim(),
      checklist: checklist?.value() ?? [],
    };
    const text = JSON.stringify(body);
    if (sent && text !== sent) key = newIdempotencyKey();
    sent = text;
    void attempt(submit, errors, async () => {
      // The Idempotency-Key makes a repeated submission book once.
      const b = await api.post<Booking>(`/api/patients/${seg(patient.id)}/bookings`, body, { headers: { 'Idempotency-Key': key } });
      dialog.close();
      booked(b);
    });
  });
}

export async function renderPatientBookings(panel: HTMLElement, patient: Patient, context: TabContext): Promise<void> {
  const codes = await loadInto(panel, directoryCodes);
  if (!codes) return;
  const list = h('div', { testid: 'patient-bookings' });
  const flash = h('div');
  const refresh = (): Promise<void> =>
    refreshInto(list, async () => {
      const page = await api.get<BookingPage>(`/api/patients/${seg(patient.id)}/bookings`, { limit: 100 });
      return bookingList(page.items, codes, 'patient', 'booking.none', () => void refresh());
    });
  const start = context.emergency
    ? null
    : h('button', {
        type: 'button',
        class: 'primary',
        testid: 'booking-new',
        onclick: () =>
          openBookingDialog(patient, codes, () => {
            replace(flash, notice(t('booking.booked'), 'booking-done'));
            void refresh();
          }),
      }, t('booking.new'));
  const live = liveBookings(() => void refresh(), context.onLeave);
  replace(panel, h('div', { class: 'row' }, h('h2', null, t('booking.title')), start, live), flash, list);
  await refresh();
}
