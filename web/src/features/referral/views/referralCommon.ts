// SPDX-License-Identifier: Apache-2.0
// Pieces shared by the referral screens (紹介・逆紹介): the answer shapes of /api/referrals, the
// code lists and their labels, status and urgency badges, the error messages of the workflow and
// the referral event stream.
import { ApiError, api, errorMessage, readOnce } from '../../../api';
import { h } from '../../../dom';
import { lang, t, tCode, type MessageKey } from '../../../i18n';
import { onLeave, type LeaveHook } from '../../../router';

export interface Named {
  id: string;
  name: string | null;
}

export interface LetterDiagnosis {
  text: string;
  code: string;
  onset: string;
}

export interface LetterAllergy {
  text: string;
  reaction: string;
}

export interface LetterLab {
  text: string;
  value: string;
  date: string;
}

export interface LetterDocument {
  reference: string;
  title: string;
}

export interface LetterImaging {
  study_uid: string;
  description: string;
}

/** The 診療情報提供書 as stored in referrals.letter. */
export interface Letter {
  purpose_text: string;
  chief_complaint: string;
  diagnoses: LetterDiagnosis[];
  history: string;
  course: string;
  medications: { text: string }[];
  allergies: LetterAllergy[];
  labs: LetterLab[];
  documents: LetterDocument[];
  imaging: LetterImaging[];
  follow_up: string;
  remarks: string;
  record_shared?: boolean;
  share_expires_at?: string | null;
}

export interface Reply {
  diagnosis: string;
  findings: string;
  treatment: string;
  plan: string;
  remarks: string;
}

export interface ReferralSummary {
  id: string;
  kind: 'referral' | 'reverse';
  status: string;
  urgency: string;
  purpose: string;
  patient: { id: string; name: string; name_kana: string; birth_date: string; sex: string };
  from_org: Named;
  from_user: Named;
  to_org: Named;
  to_department: string;
  sent_at: string;
  updated_at: string;
  scheduled_for: string | null;
}

export interface TimelineEntry {
  kind: string;
  at: string;
  user: Named | null;
  org: Named | null;
  detail: Record<string, unknown>;
}

export interface Referral extends ReferralSummary {
  parent_id: string | null;
  redirected_to: string | null;
  letter: Letter;
  letter_sha256: string;
  signed_at: string;
  accepted_at: string | null;
  seen_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  decline_reason: string | null;
  reply: Reply | null;
  reply_by: Named | null;
  share: { record_shared: boolean; expires_at: string | null; ended_at: string | null; end_reason: string | null };
  children: { id: string; kind: string; status: string; to_org: Named; sent_at: string }[];
  timeline: TimelineEntry[];
  actions: string[];
  fhir: { service_request: string | null; task: string | null; composition: string | null };
}

export interface ReferralList {
  items: ReferralSummary[];
  next_cursor?: string | null;
  counts: Record<string, number>;
}

export const STATUSES = ['sent', 'accepted', 'scheduled', 'seen', 'replied', 'closed', 'declined', 'redirected', 'cancelled'];
export const URGENCIES = ['emergency', 'urgent', 'routine'];
const PURPOSES = ['workup', 'admission', 'surgery', 'specialist', 'rehabilitation', 'home_transition', 'follow_up', 'consultation', 'other'];

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

// ---- code lists ----

interface CodeLabel {
  code: string;
  ja?: string;
  en?: string;
}

export interface ReferralCodes {
  purposes: CodeLabel[];
  urgencies: CodeLabel[];
  statuses: CodeLabel[];
}

function codeList(value: unknown, fallback: string[]): CodeLabel[] {
  if (!Array.isArray(value) || value.length === 0) return fallback.map((code) => ({ code }));
  return value
    .map((item) => (typeof item === 'string' ? { code: item } : (item as CodeLabel)))
    .filter((item) => item && typeof item.code === 'string');
}

/** GET /api/referral-codes once per page load (the built-in lists when it cannot be read). */
export const referralCodes = readOnce(() =>
  api
    .get<Record<string, unknown>>('/api/referral-codes')
    .catch(() => ({}) as Record<string, unknown>)
    .then(
      (raw): ReferralCodes => ({
        purposes: codeList(raw.purposes, PURPOSES),
        urgencies: codeList(raw.urgencies, URGENCIES),
        statuses: codeList(raw.statuses, STATUSES),
      }),
    ),
);

/** A code's label: our catalog first, then the server's label, then the code. */
export function codeText(prefix: 'purpose' | 'urgency' | 'status' | 'event' | 'kind', code: string, list?: CodeLabel[]): string {
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

// ---- real time ----

/**
 * Listens to the `referral` topic of /api/events while the page is shown: calls changed(id) for
 * each event, and changed('') after a reset (events were missed). Closed when the page is left
 * (or, with a tab's leave hook, the tab).
 */
export function referralStream(changed: (referralId: string) => void, state?: HTMLElement, leave: LeaveHook = onLeave): void {
  let source: EventSource | null = new EventSource('/api/events?topics=referral');
  leave(() => {
    source?.close();
    source = null;
  });
  source.addEventListener('open', () => {
    if (state) state.dataset.state = 'open';
  });
  source.addEventListener('error', () => {
    if (state) state.dataset.state = 'error';
  });
  source.addEventListener('referral', (event) => {
    try {
      const data = JSON.parse((event as MessageEvent<string>).data) as { referral_id?: string };
      if (data.referral_id) changed(data.referral_id);
    } catch {
      // A malformed event is ignored.
    }
  });
  source.addEventListener('reset', () => changed(''));
}
