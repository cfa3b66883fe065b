// SPDX-License-Identifier: Apache-2.0
// Pieces shared by the referral screens (紹介・逆紹介): an empty and a normalised letter, code
// labels, status and urgency badges, and the error messages of the workflow.
import { ApiError, errorMessage } from '../../../api';
import { h } from '../../../dom';
import { lang, t, tCode, type MessageKey } from '../../../i18n';
import type {
  Letter,
  LetterAllergy,
  LetterDiagnosis,
  LetterDocument,
  LetterImaging,
  LetterLab,
  Named,
  ReferralCode,
} from '../types';

export function emptyLetter(): Letter {
  return {
    purpose_text: '',
    chief_complaint: '',
    diagnoses: [],
    history: '',
    course: '',
    medications: [],
    allergies: [],
    labs: [],
    documents: [],
    imaging: [],
    follow_up: '',
    remarks: '',
  };
}

/** A letter from the server (or a draft) with every field present, whatever it left out. */
export function normalLetter(raw: Partial<Letter> | null | undefined): Letter {
  const base = emptyLetter();
  if (!raw || typeof raw !== 'object') return base;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  return {
    ...raw,
    purpose_text: text(raw.purpose_text),
    chief_complaint: text(raw.chief_complaint),
    diagnoses: list<LetterDiagnosis>(raw.diagnoses),
    history: text(raw.history),
    course: text(raw.course),
    medications: list<{ text: string }>(raw.medications),
    allergies: list<LetterAllergy>(raw.allergies),
    labs: list<LetterLab>(raw.labs),
    documents: list<LetterDocument>(raw.documents),
    imaging: list<LetterImaging>(raw.imaging),
    follow_up: text(raw.follow_up),
    remarks: text(raw.remarks),
  };
}

// ---- code labels ----

/** A code's label: our catalog first, then the server's label, then the code. */
export function codeText(prefix: 'purpose' | 'urgency' | 'status' | 'event' | 'kind', code: string, list?: ReferralCode[]): string {
  const ours = tCode(`referral.${prefix}`, code);
  if (ours !== code) return ours;
  const theirs = list?.find((c) => c.code === code);
  return (lang() === 'en' ? theirs?.en : theirs?.ja) ?? code;
}

const STATUS_TONE: Record<string, string> = {
  sent: 'warn',
  accepted: 'info',
  scheduled: 'info',
  seen: 'ok',
  replied: 'ok',
  closed: 'muted',
  declined: 'danger',
  redirected: 'muted',
  cancelled: 'muted',
};

export function statusBadge(status: string, testid = 'ref-status'): HTMLSpanElement {
  return h(
    'span',
    { class: `badge ${STATUS_TONE[status] ?? 'muted'}`, testid, 'data-status': status },
    codeText('status', status),
  );
}

/** 緊急 stands out in red with a mark, 急ぎ in amber; 通常 is quiet. */
export function urgencyBadge(urgency: string): HTMLSpanElement {
  const tone = urgency === 'emergency' ? 'danger' : urgency === 'urgent' ? 'warn' : 'muted';
  return h(
    'span',
    { class: `badge ${tone}`, testid: 'ref-urgency', 'data-urgency': urgency },
    urgency === 'emergency' ? `⚠ ${codeText('urgency', urgency)}` : codeText('urgency', urgency),
  );
}

export function kindText(kind: string): string {
  return codeText('kind', kind);
}

export function orgName(org: Named | null | undefined): string {
  return org?.name ?? '';
}

// ---- errors ----

const KNOWN_ERRORS: Record<string, MessageKey> = {
  'referral.department_not_accepted': 'referral.error.department_not_accepted',
  'referral.letter_incomplete': 'referral.error.letter_incomplete',
  'referral.signer_not_physician': 'referral.error.signer_not_physician',
  'referral.invalid_transition': 'referral.error.invalid_transition',
  'referral.wrong_party': 'referral.error.wrong_party',
  'referral.idempotency_conflict': 'referral.error.idempotency_conflict',
  'referral.not_found': 'referral.error.not_found',
  'referral.target_invalid': 'referral.error.target_invalid',
  'referral.letter_invalid': 'referral.error.letter_invalid',
  'referral.reason_required': 'referral.reason_needed',
  'referral.reply_empty': 'referral.reply_needed',
  'referral.appointment_invalid': 'referral.error.appointment_invalid',
};

const FIELD_LABELS: Record<string, MessageKey> = {
  to_org_id: 'referral.target',
  to_department: 'referral.department',
  purpose: 'referral.purpose',
  urgency: 'referral.urgency',
  reason: 'referral.reason',
  appointment_at: 'referral.appointment_at',
  reply: 'reply.title',
  'letter.purpose_text': 'letter.purpose_text',
  'letter.chief_complaint': 'letter.chief_complaint',
  'letter.diagnoses': 'letter.diagnoses',
  'letter.history': 'letter.history',
  'letter.course': 'letter.course',
  'letter.medications': 'letter.medications',
  'letter.allergies': 'letter.allergies',
  'letter.labs': 'letter.labs',
  'letter.documents': 'letter.documents',
  'letter.imaging': 'letter.documents',
  'letter.follow_up': 'letter.follow_up',
  'letter.remarks': 'letter.remarks',
};

/** The label of the form field a server path names (`letter.diagnoses[0].onset` → 傷病名). */
function fieldLabel(path: string): string {
  const top = /^(letter\.)?[a-z_]+/.exec(path)?.[0] ?? '';
  const key = FIELD_LABELS[top];
  return key ? t(key) : '';
}

/**
 * A workflow error in the user's words (our catalog for the referral codes, else the server's
 * message), with the field it concerns when the server names one.
 */
export function referralError(error: unknown): string {
  const server = errorMessage(error);
  if (!(error instanceof ApiError) || !error.code) return server;
  const key = KNOWN_ERRORS[error.code];
  const label = fieldLabel(errorField(error));
  const text = key ? t(key) : server;
  return label ? `${text} ${t('referral.error.field', { field: label })}` : text;
}

/** The field a 4xx names: `… (letter.purpose_text: empty)` → `letter.purpose_text`. */
export function errorField(error: unknown): string {
  if (!(error instanceof ApiError)) return '';
  if (error.code === 'referral.department_not_accepted') return 'to_department';
  const detail = error.problem?.detail ?? '';
  const match = /\(([A-Za-z_][A-Za-z0-9_.[\]]*)\s*:/.exec(detail) ?? /\(([A-Za-z_][A-Za-z0-9_.[\]]*)\)/.exec(detail);
  return match?.[1] ?? '';
}
