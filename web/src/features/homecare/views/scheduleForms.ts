// SPDX-License-Identifier: Apache-2.0
// The forms of the 訪問予定 section for the user's own organisation: a one-off visit, a weekly
// plan, changing a visit (date, time, staff) and cancelling it with a reason. Each is a dialog;
// the server decides (its refusal is shown by the field it names, or above the form, e.g. 403
// homecare.schedule_not_own with its message).
import { api, seg } from '../../../api';
import { formDialog as sharedFormDialog } from '../../../common';
import { field, h, option, type Child } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import type { IdName } from '../types';
import { WEEKDAYS, kindName, type Visit, type VisitKind } from './scheduleData';

export interface FormContext {
  patientId: string;
  kinds: VisitKind[];
  staff: IdName[];
  /** The day a new visit or plan starts on by default. */
  date: string;
  /** After a success: read the week again. */
  saved: () => void;
}

/** A dialog with a form of the schedule (common.ts formDialog). */
function formDialog(title: MessageKey, testid: string, controls: Child[], send: () => Promise<void>, saved: () => void): void {
  sharedFormDialog(title, testid, controls, send, { saved, className: 'schedule-form' });
}

function kindSelect(kinds: VisitKind[], testid: string): HTMLSelectElement {
  return h('select', { name: 'kind', required: true, testid }, kinds.map((k, i) => option(k.code, kindName(k), i === 0)));
}

function staffSelect(staff: IdName[], testid: string, selected: string | null): HTMLSelectElement {
  return h(
    'select',
    { name: 'staff_user_id', testid },
    option('', t('homecare.schedule_no_staff'), selected === null),
    staff.map((p) => option(p.id, p.name, p.id === selected)),
  );
}

function input(name: string, type: string, testid: string, value = '', extra: Record<string, unknown> = {}): HTMLInputElement {
  return h('input', { name, type, testid, value, ...extra });
}

function timeInputs(prefix: string, start: string, end: string): [HTMLInputElement, HTMLInputElement] {
  return [input('start', 'time', `${prefix}-start`, start, { required: true, step: 60 }), input('end', 'time', `${prefix}-end`, end, { required: true, step: 60 })];
}

/** 訪問を追加: a one-off visit. */
export function openVisitForm(ctx: FormContext): void {
  const kind = kindSelect(ctx.kinds, 'visit-kind');
  const date = input('date', 'date', 'visit-date', ctx.date, { required: true });
  const [start, end] = timeInputs('visit', '10:00', '10:30');
  const staff = staffSelect(ctx.staff, 'visit-staff', ctx.staff[0]?.id ?? null);
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 1000, testid: 'visit-note' });
  const controls = h(
    'div',
    { class: 'grid2' },
    field(t('homecare.schedule_kind'), kind),
    field(t('homecare.schedule_date'), date),
    field(t('homecare.schedule_start'), start),
    field(t('homecare.schedule_end'), end),
    field(t('homecare.schedule_staff'), staff),
    field(t('homecare.schedule_note'), note),
  );
  formDialog('homecare.schedule_add_visit', 'visit', [controls], async () => {
    await api.post(`/api/patients/${seg(ctx.patientId)}/homecare/visits`, {
      kind: kind.value,
      date: date.value,
      start: start.value,
      end: end.value,
      staff_user_id: staff.value || undefined,
      note: note.value.trim() || undefined,
    });
  }, ctx.saved);
}

function weekdayBoxes(): { box: HTMLElement; checked: () => string[] } {
  const boxes = WEEKDAYS.map((day, i) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', value: day, name: i === 0 ? 'weekdays' : null, testid: `plan-weekday-${day}` }), t(`homecare.weekday_${day}` as MessageKey)),
  );
  const box = h('fieldset', { class: 'schedule-weekdays' }, h('legend', null, t('homecare.schedule_weekdays')), boxes);
  const checked = (): string[] => Array.from(box.querySelectorAll<HTMLInputElement>('input:checked')).map((b) => b.value);
  return { box, checked };
}

/** "2026-12-24, 2026-12-31" (commas, spaces or lines) → the dates. */
function dateList(text: string): string[] {
  return text.split(/[\s,、]+/).filter((s) => s !== '');
}

/** 定期訪問を登録: a weekly plan. */
export function openPlanForm(ctx: FormContext): void {
  const kind = kindSelect(ctx.kinds, 'plan-kind');
  const weekdays = weekdayBoxes();
  const [start, end] = timeInputs('plan', '10:00', '10:30');
  const first = input('first_date', 'date', 'plan-first-date', ctx.date, { required: true });
  const last = input('end_date', 'date', 'plan-end-date');
  const exceptions = h('textarea', { name: 'exceptions', rows: 2, testid: 'plan-exceptions', placeholder: 'YYYY-MM-DD' });
  const gap = input('gap_days', 'number', 'plan-gap-days', '', { min: 1, max: 60, step: 1, inputmode: 'numeric' });
  const staff = staffSelect(ctx.staff, 'plan-staff', ctx.staff[0]?.id ?? null);
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 1000, testid: 'plan-note' });
  const controls = [
    h('div', { class: 'grid2' }, field(t('homecare.schedule_kind'), kind), field(t('homecare.schedule_staff'), staff)),
    weekdays.box,
    h(
      'div',
      { class: 'grid2' },
      field(t('homecare.schedule_start'), start),
      field(t('homecare.schedule_end'), end),
      field(t('homecare.schedule_first_date'), first),
      field(t('homecare.schedule_end_date'), last, t('homecare.schedule_end_date_hint')),
      field(t('homecare.schedule_exceptions'), exceptions, t('homecare.schedule_exceptions_hint')),
      field(t('homecare.schedule_gap_days'), gap, t('homecare.schedule_gap_days_hint')),
    ),
    field(t('homecare.schedule_note'), note),
  ];
  formDialog('homecare.schedule_add_plan', 'plan', controls, async () => {
    await api.post(`/api/patients/${seg(ctx.patientId)}/homecare/plans`, {
      kind: kind.value,
      weekdays: weekdays.checked(),
      start: start.value,
      end: end.value,
      first_date: first.value,
      end_date: last.value || undefined,
      exceptions: dateList(exceptions.value),
      gap_days: gap.value === '' ? undefined : Number(gap.value),
      staff_user_id: staff.value || undefined,
      note: note.value.trim() || undefined,
    });
  }, ctx.saved);
}

function reasonInput(testid: string): HTMLTextAreaElement {
  return h('textarea', { name: 'reason', rows: 2, maxlength: 500, required: true, testid });
}

function visitSummary(visit: Visit, kinds: VisitKind[]): HTMLElement {
  return h('p', { class: 'muted' }, `${visit.date} ${visit.start}–${visit.end} ${kindName(visit.kind, kinds)}`);
}

/** 変更: the date, times or staff of one of the organisation's visits, with a reason. */
export function openChangeForm(ctx: FormContext, visit: Visit): void {
  const date = input('date', 'date', 'change-date', visit.date, { required: true });
  const [start, end] = timeInputs('change', visit.start, visit.end);
  const staff = staffSelect(ctx.staff.some((p) => p.id === visit.staff?.id) || !visit.staff ? ctx.staff : [...ctx.staff, visit.staff], 'change-staff', visit.staff?.id ?? null);
  const reason = reasonInput('change-reason');
  const controls = [
    visitSummary(visit, ctx.kinds),
    h('div', { class: 'grid2' }, field(t('homecare.schedule_date'), date), field(t('homecare.schedule_staff'), staff), field(t('homecare.schedule_start'), start), field(t('homecare.schedule_end'), end)),
    field(t('homecare.schedule_reason'), reason),
  ];
  formDialog('homecare.schedule_change_title', 'change', controls, async () => {
    const body: Record<string, unknown> = { reason: reason.value.trim() };
    if (date.value !== visit.date) body.date = date.value;
    if (start.value !== visit.start) body.start = start.value;
    if (end.value !== visit.end) body.end = end.value;
    // the server keeps the staff when none is given: a visit's staff is changed, not removed
    if (staff.value && staff.value !== visit.staff?.id) body.staff_user_id = staff.value;
    await api.patch(`/api/patients/${seg(ctx.patientId)}/homecare/visits/${seg(visit.id)}`, body);
  }, ctx.saved);
}

/** 取消: cancels one of the organisation's visits with a reason (it stays, marked 中止). */
export function openCancelForm(ctx: FormContext, visit: Visit): void {
  const reason = reasonInput('cancel-reason');
  formDialog('homecare.schedule_cancel_title', 'cancel', [visitSummary(visit, ctx.kinds), field(t('homecare.schedule_cancel_reason'), reason)], async () => {
    await api.post(`/api/patients/${seg(ctx.patientId)}/homecare/visits/${seg(visit.id)}/cancel`, { reason: reason.value.trim() });
  }, ctx.saved);
}

/** 定期計画の変更: ends the visit's plan or gives it another staff member or gap, with a reason
 *  (the occurrences to come follow; visits already past never change). */
export function openPlanChangeForm(ctx: FormContext, visit: Visit): void {
  const planId = visit.plan_id;
  if (!planId) return;
  const last = input('end_date', 'date', 'plan-change-end-date');
  const staff = h('select', { name: 'staff_user_id', testid: 'plan-change-staff' }, option('', t('homecare.schedule_plan_unchanged'), true), ctx.staff.map((p) => option(p.id, p.name)));
  const gap = input('gap_days', 'number', 'plan-change-gap-days', '', { min: 1, max: 60, step: 1, inputmode: 'numeric' });
  const reason = reasonInput('plan-change-reason');
  const controls = [
    visitSummary(visit, ctx.kinds),
    h('p', { class: 'small muted' }, t('homecare.schedule_plan_change_about')),
    h(
      'div',
      { class: 'grid2' },
      field(t('homecare.schedule_end_date'), last, t('homecare.schedule_plan_end_hint')),
      field(t('homecare.schedule_staff'), staff),
      field(t('homecare.schedule_gap_days'), gap, t('homecare.schedule_gap_days_hint')),
    ),
    field(t('homecare.schedule_reason'), reason),
  ];
  formDialog('homecare.schedule_plan_change_title', 'plan-change', controls, async () => {
    const body: Record<string, unknown> = { reason: reason.value.trim() };
    if (last.value) body.end_date = last.value;
    if (staff.value) body.staff_user_id = staff.value;
    if (gap.value !== '') body.gap_days = Number(gap.value);
    await api.patch(`/api/patients/${seg(ctx.patientId)}/homecare/plans/${seg(planId)}`, body);
  }, ctx.saved);
}
