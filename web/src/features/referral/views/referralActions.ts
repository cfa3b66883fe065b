// SPDX-License-Identifier: Apache-2.0
// The forms of the referral page, one for each action the server lists in `actions` for the
// current user: accept, decline, redirect, schedule, seen, reply (返書), reverse (逆紹介), close,
// cancel. Each POSTs /api/referrals/<id>/<action>; a redirect or a reverse referral opens the
// new referral.
import { api, newIdempotencyKey, seg } from '../../../api';
import { busy, clearError, errorBox, loading, showError } from '../../../common';
import { field, h, replace, type Child } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import { go, hashOf } from '../../../router';
import { currentMe } from '../../../session';
import type { DirCodes } from '../../directory/types';
import type { Referral, ReferralCodes } from '../types';
import {
  draftNote,
  loadDraft,
  patientDocuments,
  purposeSelect,
  urgencyChoice,
} from './referralForm';
import { errorField, referralError } from './referralCommon';
import { letterEditor } from './referralLetterForm';
import { orgPicker } from './referralPicker';

export interface ActionContext {
  dirCodes: DirCodes;
  codes: ReferralCodes;
  /** Reads the referral again and shows it (after this user's own step). */
  reload: () => void;
}

const ORDER = ['accept', 'schedule', 'seen', 'reply', 'reverse', 'close', 'redirect', 'decline', 'cancel'];
const OPEN = new Set(['schedule', 'reply', 'redirect']);
const DANGER = new Set(['decline', 'cancel']);

function note(testid: string, required = false): HTMLTextAreaElement {
  return h('textarea', { rows: 2, maxlength: 2000, required, testid });
}

/** `2026-12-01T10:30` (Tokyo wall clock) → `2026-12-01T10:30:00+09:00`. */
export function tokyoRfc3339(local: string): string {
  if (!local) return '';
  return `${local.length === 16 ? `${local}:00` : local}+09:00`;
}

interface Spec {
  controls: Child;
  /** The body to send, or a message when the form is not complete. */
  body: () => Record<string, unknown> | string;
  /** The field a server error names → its control. */
  fields?: Record<string, HTMLElement>;
  /** Answers with a new referral to open instead of reloading. */
  creates?: boolean;
}

function optionalNote(area: HTMLTextAreaElement): Record<string, string> {
  const text = area.value.trim();
  return text ? { note: text } : {};
}

function noteSpec(action: string, ref: Referral): Spec {
  const area = note(`ref-${action}-note`);
  if (!(ref.early_actions ?? []).includes(action)) {
    return { controls: field(t('referral.note'), area), body: () => optionalNote(area), fields: { note: area } };
  }
  // before the appointment's day: the step needs a reason, kept in the timeline
  const reason = note(`ref-${action}-early-reason`, true);
  return {
    controls: [
      h('p', { class: 'hint warn', testid: `ref-${action}-early` }, t('referral.early_hint')),
      field(t('referral.early_reason'), reason),
      field(t('referral.note'), area),
    ],
    body: () => (reason.value.trim() ? { reason: reason.value.trim(), ...optionalNote(area) } : t('referral.reason_needed')),
    fields: { note: area, reason },
  };
}

function reasonSpec(action: string): Spec {
  const area = note(`ref-${action}-reason`, true);
  return {
    controls: field(t(action === 'decline' ? 'referral.decline_reason' : 'referral.cancel_reason'), area),
    body: () => (area.value.trim() ? { reason: area.value.trim() } : t('referral.reason_needed')),
    fields: { reason: area },
  };
}

function scheduleSpec(ref: Referral): Spec {
  const when = h('input', { type: 'datetime-local', required: true, testid: 'ref-schedule-at' });
  if (ref.scheduled_for) when.value = localValue(ref.scheduled_for);
  const area = note('ref-schedule-note');
  return {
    controls: [field(t('referral.appointment_at'), when, t('referral.appointment_hint')), field(t('referral.note'), area)],
    body: () => (when.value ? { appointment_at: tokyoRfc3339(when.value), ...optionalNote(area) } : t('referral.appointment_needed')),
    fields: { appointment_at: when },
  };
}

/** An ISO instant as a datetime-local value in Tokyo time. */
function localValue(iso: string): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return '';
  return new Date(instant.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}

function replySpec(): Spec {
  const parts = ['diagnosis', 'findings', 'treatment', 'plan', 'remarks'] as const;
  const areas = parts.map((part) => h('textarea', { rows: part === 'remarks' ? 2 : 3, maxlength: 8000, testid: `ref-reply-${part}` }));
  return {
    controls: parts.map((part, i) => field(t(`reply.${part}`), areas[i] as HTMLTextAreaElement)),
    body: () => {
      const reply = Object.fromEntries(parts.map((part, i) => [part, (areas[i] as HTMLTextAreaElement).value.trim()]));
      return Object.values(reply).some((v) => v !== '') ? { reply } : t('referral.reply_needed');
    },
    fields: { reply: areas[0] as HTMLElement, ...Object.fromEntries(parts.map((part, i) => [`reply.${part}`, areas[i] as HTMLElement])) },
  };
}

function redirectSpec(ref: Referral, context: ActionContext): Spec {
  const picker = orgPicker(context.dirCodes, currentMe()?.org_id ?? '', 'ref-redirect-target');
  const area = note('ref-redirect-note');
  return {
    controls: [h('p', { class: 'hint' }, t('referral.redirect_hint', { org: ref.to_org.name ?? '' })), picker.root, field(t('referral.note'), area)],
    body: () => {
      const target = picker.picked();
      if (!target) return t('referral.target_needed');
      return { to_org_id: target.id, to_department: picker.department.value, ...optionalNote(area) };
    },
    fields: { to_org_id: picker.root, to_department: picker.department },
    creates: true,
  };
}

function reverseSpec(ref: Referral, context: ActionContext): Spec {
  const urgency = urgencyChoice('ref-reverse-urgency');
  const purpose = purposeSelect(context.codes, 'follow_up');
  const slot = h('div', { class: 'stack', testid: 'ref-reverse-letter' }, loading());
  let editor: ReturnType<typeof letterEditor> | null = null;
  void Promise.all([loadDraft(ref.patient.id, ref.id), patientDocuments(ref.patient.id)]).then(([draft, documents]) => {
    editor = letterEditor(draft.letter, { followUp: true, documents, purposeHint: 'letter.reverse_purpose_hint' });
    replace(slot, draftNote(draft), editor.root);
  });
  return {
    controls: [
      h('p', { class: 'hint' }, t('referral.reverse_hint', { org: ref.from_org.name ?? '' })),
      h('div', { class: 'grid2' }, urgency.root, field(t('referral.purpose'), purpose)),
      slot,
    ],
    body: () => (editor ? { urgency: urgency.value(), purpose: purpose.value, letter: editor.value() } : t('common.loading')),
    fields: { urgency: urgency.root, purpose, letter: slot },
    creates: true,
  };
}

function specFor(action: string, ref: Referral, context: ActionContext): Spec | null {
  switch (action) {
    case 'accept':
    case 'seen':
    case 'close':
      return noteSpec(action, ref);
    case 'decline':
    case 'cancel':
      return reasonSpec(action);
    case 'schedule':
      return scheduleSpec(ref);
    case 'reply':
      return replySpec();
    case 'redirect':
      return redirectSpec(ref, context);
    case 'reverse':
      return reverseSpec(ref, context);
    default:
      return null;
  }
}

function actionForm(action: string, ref: Referral, context: ActionContext): HTMLElement | null {
  const spec = specFor(action, ref, context);
  if (!spec) return null;
  const errors = errorBox();
  const key = newIdempotencyKey();
  const submit = h(
    'button',
    { type: 'submit', class: DANGER.has(action) ? 'danger' : 'primary', testid: `ref-${action}-submit` },
    t(`referral.do.${action}` as MessageKey),
  );
  const form = h('form', { class: 'stack', testid: `ref-${action}-form` }, errors, spec.controls, h('div', { class: 'row end' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(errors);
    for (const control of Object.values(spec.fields ?? {})) control.removeAttribute('aria-invalid');
    const body = spec.body();
    if (typeof body === 'string') {
      showError(errors, body);
      return;
    }
    void busy(submit, async () => {
      try {
        const answer = await api.post<Referral>(`/api/referrals/${seg(ref.id)}/${action}`, body, {
          headers: spec.creates ? { 'Idempotency-Key': key } : undefined,
        });
        if (spec.creates && answer?.id && answer.id !== ref.id) go(hashOf(['referrals', answer.id]));
        else context.reload();
      } catch (error) {
        showError(errors, referralError(error));
        const path = errorField(error);
        const control = spec.fields?.[path] ?? spec.fields?.[path.split(/[.[]/, 1)[0] ?? ''];
        control?.setAttribute('aria-invalid', 'true');
      }
    });
  });
  return h(
    'details',
    { class: `card form-card ref-action action-${action}`, testid: `ref-action-${action}`, open: OPEN.has(action) || action === 'accept' },
    h('summary', null, t(`referral.action.${action}` as MessageKey)),
    form,
  );
}

/** The forms for the actions the server offers now, in workflow order; null when there are none. */
export function actionPanel(ref: Referral, context: ActionContext): HTMLElement | null {
  const forms = ORDER.filter((action) => ref.actions.includes(action))
    .map((action) => actionForm(action, ref, context))
    .filter((form): form is HTMLElement => form !== null);
  if (forms.length === 0) return null;
  return h(
    'section',
    { class: 'stack ref-actions', testid: 'ref-actions', 'aria-label': t('referral.actions') },
    h('h2', null, t('referral.actions')),
    forms,
  );
}
