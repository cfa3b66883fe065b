// SPDX-License-Identifier: Apache-2.0
// Shared-equipment booking (共同利用) pieces used by the 共同利用 page and the patient page: status
// badges, a booking card with its report and the steps the current user may take (confirm,
// propose another time, decline, report, accept a proposal, cancel), and the live refresh on
// "booking" events.
import { api, seg } from '../../../api';
import { attempt, badge, errorBox, liveRefresh, openDialog } from '../../../common';
import { field, h, option, replace, type Child } from '../../../dom';
import { formatDateTime, todayTokyo } from '../../../format';
import { codeLabel, t, tCode, type MessageKey } from '../../../i18n';
import { hashOf, onLeave, type LeaveHook } from '../../../router';
import type { DirCodes } from '../../directory/types';
import { loadSlots } from '../api';
import type { Booking, BookingReport } from '../types';
import { checklistAnswers, showSafety } from './safety';
import { dayButtons, pickDay, slotClock, slotDayRange, slotsByDay } from './slotDays';

/** `2026年12月1日 10:00–10:30` (Tokyo time). */
export function slotTime(slot: { starts_at: string; ends_at: string }): string {
  const end = formatDateTime(slot.ends_at);
  return `${formatDateTime(slot.starts_at)}–${end.slice(end.lastIndexOf(' ') + 1)}`;
}

const STATUS_KIND: Record<string, 'ok' | 'warn' | 'muted' | 'info'> = {
  requested: 'warn',
  proposed: 'warn',
  confirmed: 'info',
  reported: 'ok',
  declined: 'muted',
  cancelled: 'muted',
};

export function statusBadge(status: string): HTMLElement {
  const el = badge(tCode('booking.status', status), STATUS_KIND[status] ?? 'info');
  el.dataset.testid = 'booking-status';
  el.dataset.status = status;
  return el;
}

// ---- the steps ------------------------------------------------------------------------------

function textarea(testid: string, max: number, required = false, rows = 3): HTMLTextAreaElement {
  return h('textarea', { testid, maxlength: max, rows, required });
}

/** A dialog with fields and a submit button that posts body() to the booking's step. */
function stepDialog(
  booking: Booking,
  step: string,
  title: MessageKey,
  fields: Child,
  body: () => unknown,
  done: () => void,
): void {
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'booking-step-submit' }, t('booking.send'));
  const form = h('form', { class: 'stack', testid: `booking-${step}-form` }, errors, fields, h('div', { class: 'row end' }, submit));
  const dialog = openDialog(t(title), form, `booking-${step}-dialog`);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post(`/api/bookings/${seg(booking.id)}/${step}`, body());
      dialog.close();
      done();
    });
  });
}

/** Another free slot of the same equipment: a day of the next 14 first, then a time of that day. */
async function openPropose(booking: Booking, codes: DirCodes, done: () => void): Promise<void> {
  const slots = await loadSlots({ org_id: booking.slot.org.id, equipment: booking.slot.equipment, available: 'true', from: todayTokyo() });
  const days = slotDayRange();
  const byDay = slotsByDay(slots);
  const dayRow = h('div', { testid: 'booking-propose-days' });
  const select = h('select', { required: true, testid: 'booking-propose-slot' });
  const showDay = (day: string): void => {
    replace(dayRow, dayButtons(days, byDay, day, showDay));
    replace(
      select,
      option('', slots.length > 0 ? t('common.choose') : t('booking.no_free_slots'), true),
      (byDay.get(day) ?? []).map((s) => option(s.id, slotClock(s))),
    );
  };
  showDay(pickDay(days, byDay, null));
  const note = textarea('booking-propose-note', 500);
  stepDialog(
    booking,
    'propose',
    'booking.action.propose',
    [
      h('p', null, `${codeLabel(codes.equipment, booking.slot.equipment)} — ${slotTime(booking.slot)}`),
      dayRow,
      field(t('booking.new_time'), select),
      field(t('booking.note'), note),
    ],
    () => ({ slot_id: select.value, note: note.value.trim() }),
    done,
  );
}

function openStep(booking: Booking, action: string, codes: DirCodes, done: () => void): void {
  if (action === 'confirm') {
    const note = textarea('booking-confirm-note', 500);
    stepDialog(booking, 'confirm', 'booking.action.confirm', field(t('booking.note'), note), () => ({ note: note.value.trim() }), done);
  } else if (action === 'propose') {
    void openPropose(booking, codes, done);
  } else if (action === 'decline') {
    const reason = textarea('booking-decline-reason', 500, true);
    stepDialog(booking, 'decline', 'booking.action.decline', field(t('booking.reason'), reason), () => ({ reason: reason.value.trim() }), done);
  } else if (action === 'cancel') {
    const reason = textarea('booking-cancel-reason', 500);
    stepDialog(booking, 'cancel', 'booking.action.cancel', field(t('booking.reason_optional'), reason), () => ({ reason: reason.value.trim() }), done);
  } else if (action === 'report') {
    const findings = textarea('booking-findings', 8000, false, 6);
    const impression = textarea('booking-impression', 2000, true);
    // before the examination's day the report needs a reason, kept in the timeline
    const early = (booking.early_actions ?? []).includes('report');
    const reason = textarea('booking-early-reason', 500, true);
    stepDialog(
      booking,
      'report',
      'booking.action.report',
      [
        h('p', null, `${booking.patient.name} — ${booking.exam}`),
        early ? [h('p', { class: 'hint warn', testid: 'booking-report-early' }, t('booking.early_hint')), field(t('booking.early_reason'), reason)] : null,
        field(t('booking.findings'), findings),
        field(t('booking.impression'), impression),
      ],
      () => ({ findings: findings.value.trim(), impression: impression.value.trim(), ...(early ? { reason: reason.value.trim() } : {}) }),
      done,
    );
  }
}

function actionButtons(booking: Booking, codes: DirCodes, errors: HTMLElement, done: () => void): HTMLElement | null {
  if (booking.actions.length === 0) return null;
  return h(
    'div',
    { class: 'row' },
    booking.actions.map((action) => {
      const button = h(
        'button',
        { type: 'button', class: action === 'decline' || action === 'cancel' ? 'secondary small' : 'primary small', testid: `booking-${action}` },
        tCode('booking.action', action),
      );
      button.addEventListener('click', () => {
        if (action !== 'accept_proposal') {
          openStep(booking, action, codes, done);
          return;
        }
        void attempt(button, errors, async () => {
          await api.post(`/api/bookings/${seg(booking.id)}/accept-proposal`);
          done();
        });
      });
      return button;
    }),
  );
}

export function reportBlock(report: BookingReport): HTMLElement {
  return h(
    'div',
    { class: 'booking-report', testid: 'booking-report' },
    h('h3', null, t('booking.report')),
    report.findings ? h('p', { class: 'pre', testid: 'booking-findings-text' }, h('strong', null, `${t('booking.findings')}: `), report.findings) : null,
    h('p', { class: 'pre', testid: 'booking-impression-text' }, h('strong', null, `${t('booking.impression')}: `), report.impression),
  );
}

/** The examination's images shared back with the report, each opening the viewer. */
function cardStudies(booking: Booking): HTMLElement {
  const target = h('div', { class: 'booking-studies', testid: 'booking-studies' });
  void (async () => {
    try {
      const full = await api.get<Booking>(`/api/bookings/${seg(booking.id)}`);
      const studies = (full.shared_studies ?? []).filter((s) => s.active);
      replace(
        target,
        h('h3', null, t('booking.images')),
        studies.length === 0
          ? h('p', { class: 'muted small', testid: 'booking-no-studies' }, t('booking.images_none'))
          : h(
              'ul',
              { class: 'plain-list' },
              studies.map((s) =>
                h(
                  'li',
                  { testid: 'booking-study' },
                  h(
                    'a',
                    { href: `#/imaging/view/${encodeURIComponent(s.study_uid)}`, testid: 'booking-study-link' },
                    [s.date, s.modality, s.description].filter((x) => x).join(' '),
                  ),
                  ` ${t('booking.images_count', { n: s.number_of_instances })}`,
                ),
              ),
            ),
      );
    } catch {
      replace(target);
    }
  })();
  return target;
}

/** The patient's safety summary for the examining hospital (what the consent lets it read). */
function cardSafety(booking: Booking): HTMLElement {
  const target = h('div', { testid: 'booking-card-safety' });
  void showSafety(target, booking.patient.id, booking.exam);
  return target;
}

/** Which side the list is for: the hospital sees the patient and orderer, the clinic the hospital. */
export type CardSide = 'received' | 'ordered' | 'patient';

/** One booking: status, time, place, patient, order, report and the caller's steps. */
export function bookingCard(booking: Booking, codes: DirCodes, side: CardSide, done: () => void): HTMLElement {
  const errors = errorBox();
  const equipment = codeLabel(codes.equipment, booking.slot.equipment);
  return h(
    'li',
    { class: 'card stack booking', testid: 'booking-card', 'data-booking-id': booking.id, 'data-status': booking.status },
    h(
      'div',
      { class: 'row' },
      statusBadge(booking.status),
      h('strong', { testid: 'booking-time' }, slotTime(booking.slot)),
      h('span', null, `${equipment} — ${booking.slot.org.name ?? ''}`),
    ),
    h(
      'dl',
      { class: 'booking-facts' },
      side === 'patient'
        ? null
        : [h('dt', null, t('booking.patient')), h('dd', { testid: 'booking-patient' }, h('a', { href: hashOf(['patients', booking.patient.id, 'bookings']) }, booking.patient.name))],
      side === 'ordered' ? null : [h('dt', null, t('booking.ordering')), h('dd', null, `${booking.ordering_org.name ?? ''} ${booking.ordering_user.name ?? ''}`)],
      h('dt', null, t('booking.exam')),
      h('dd', { testid: 'booking-exam' }, booking.exam),
      h('dt', null, t('booking.question')),
      h('dd', { class: 'pre' }, booking.clinical_question),
      side === 'received' && booking.accession_number
        ? [h('dt', null, t('booking.accession')), h('dd', { testid: 'booking-accession' }, booking.accession_number)]
        : null,
    ),
    booking.status === 'proposed' ? h('p', { class: 'alert warn', testid: 'booking-proposed' }, t('booking.proposed_time', { when: slotTime(booking.slot) })) : null,
    booking.slot.preparation && booking.status !== 'reported' ? h('p', { class: 'small muted pre' }, `${t('equipment.preparation')}: ${booking.slot.preparation}`) : null,
    checklistAnswers(booking.checklist),
    side === 'received' && ['requested', 'confirmed', 'proposed'].includes(booking.status) ? cardSafety(booking) : null,
    booking.report ? reportBlock(booking.report) : null,
    booking.status === 'reported' ? cardStudies(booking) : null,
    errors,
    actionButtons(booking, codes, errors, done),
  );
}

export function bookingList(items: Booking[], codes: DirCodes, side: CardSide, emptyKey: MessageKey, done: () => void): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty', testid: `bookings-empty-${side}` }, t(emptyKey));
  return h('ul', { class: 'stack plain-list', testid: `bookings-${side}` }, items.map((b) => bookingCard(b, codes, side, done)));
}

/**
 * Calls refresh on every "booking" event of the current organisation until the page (or, with a
 * tab's leave hook, the tab) is left or the returned status element (which says whether the
 * stream is live) is no longer shown.
 */
export function liveBookings(refresh: () => void, leave: LeaveHook = onLeave): HTMLElement {
  return liveRefresh('booking-live', 'booking', { connecting: 'board.connecting', live: 'equipment.live', reconnecting: 'board.reconnecting' }, refresh, leave);
}

/** Replaces target with the result of a fresh load, keeping the old content on failure. */
export async function refreshInto(target: HTMLElement, load: () => Promise<Child>): Promise<void> {
  try {
    replace(target, await load());
  } catch {
    // The list keeps what it showed; the next event or a reload brings it up to date.
  }
}
