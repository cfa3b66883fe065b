// SPDX-License-Identifier: Apache-2.0
// The visit-record drafts kept in the browser (the one piece of patient data the issue asks the
// browser to keep: reception in a patient's home is poor). A draft is stored in localStorage on
// every change of its form, under the user, the patient and an id made by the client. Submitting
// freezes its body and gives it an Idempotency-Key, once: it is then "unsent" until the server
// answers 200/201, and is sent again with the same key (online event, opening the section, the
// 再送信 button), so that a record is never lost nor stored twice. Only the server's answer deletes
// it. A refusal (4xx) sends it back to the form with the error.
import { ApiError, api, errorMessage, newIdempotencyKey } from '../../../api';
import { currentMe } from '../../../session';
import type { Problem } from '../../../types';
import { recordsPath, signRecord, type RecordBody, type VisitRecord } from './recordsApi';

const PREFIX = 'tsunagu.homecare.record-draft';

export interface RecordDraft {
  id: string;
  user: string;
  patient: string;
  /** The record corrected, or null for a new record. */
  record_id: string | null;
  base_version: number | null;
  kind: string;
  /** What the form's controls hold (by name; a repeated name keeps every value in order). */
  values: Record<string, string[]>;
  /** The request body, frozen when the draft was submitted. */
  body: RecordBody | null;
  /** Sign the record once the server has stored it. */
  sign: boolean;
  /** Made once, at the first submission, and kept with the draft. */
  key: string | null;
  state: 'editing' | 'unsent';
  /** The server's refusal of the last submission, shown by the form. */
  problem: Problem | null;
  error: string | null;
  saved_at: string;
}

export type SendResult =
  | { kind: 'sent'; record: VisitRecord; signError: unknown }
  | { kind: 'unsent'; error: unknown }
  | { kind: 'refused'; error: ApiError }
  | { kind: 'gone' };

function storageKey(user: string, patient: string, id: string): string {
  return `${PREFIX}.${user}.${patient}.${id}`;
}

export function currentUserId(): string {
  return currentMe()?.user.id ?? '';
}

export function newDraft(patient: string, kind: string, correction?: { record_id: string; base_version: number }): RecordDraft {
  return {
    id: newIdempotencyKey(),
    user: currentUserId(),
    patient,
    record_id: correction?.record_id ?? null,
    base_version: correction?.base_version ?? null,
    kind,
    values: {},
    body: null,
    sign: false,
    key: null,
    state: 'editing',
    problem: null,
    error: null,
    saved_at: new Date().toISOString(),
  };
}

const listeners = new Set<() => void>();

/** Calls changed after any draft of this browser is saved, sent or deleted; returns the remover. */
export function onDraftsChanged(changed: () => void): () => void {
  listeners.add(changed);
  return () => listeners.delete(changed);
}

const sentListeners = new Set<(id: string, record: VisitRecord) => void>();

/** Calls sent(draft id, record) when the server has stored a draft; returns the remover. */
export function onDraftSent(sent: (id: string, record: VisitRecord) => void): () => void {
  sentListeners.add(sent);
  return () => sentListeners.delete(sent);
}

function notify(): void {
  for (const listener of Array.from(listeners)) listener();
}

export function saveDraft(draft: RecordDraft, quiet = false): void {
  draft.saved_at = new Date().toISOString();
  try {
    localStorage.setItem(storageKey(draft.user, draft.patient, draft.id), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the form still holds the text
  }
  if (!quiet) notify();
}

export function deleteDraft(draft: RecordDraft): void {
  localStorage.removeItem(storageKey(draft.user, draft.patient, draft.id));
  notify();
}

export function loadDraft(patient: string, id: string): RecordDraft | null {
  const text = localStorage.getItem(storageKey(currentUserId(), patient, id));
  if (!text) return null;
  try {
    return JSON.parse(text) as RecordDraft;
  } catch {
    return null;
  }
}

/** The current user's drafts of the patient, the most recently saved first. */
export function draftsOf(patient: string): RecordDraft[] {
  const prefix = `${PREFIX}.${currentUserId()}.${patient}.`;
  const drafts: RecordDraft[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith(prefix)) continue;
    const draft = loadDraft(patient, key.slice(prefix.length));
    if (draft) drafts.push(draft);
  }
  return drafts.sort((a, b) => b.saved_at.localeCompare(a.saved_at));
}

/** Freezes the body, makes the key (once per draft) and marks the draft unsent. */
export function submitDraft(draft: RecordDraft, body: RecordBody, sign: boolean): RecordDraft {
  const next: RecordDraft = { ...draft, body, sign, key: draft.key ?? newIdempotencyKey(), state: 'unsent', problem: null, error: null };
  saveDraft(next);
  return next;
}

/** Whether an error leaves the draft to be sent again: no answer, the session gone, or the
 *  server unable to answer now. Any other refusal goes back to the form. */
function worthRetrying(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 401 || error.status === 408 || error.status === 429 || error.status >= 500;
}

async function sendOnce(id: string, patient: string): Promise<SendResult> {
  const draft = loadDraft(patient, id);
  if (!draft || draft.state !== 'unsent' || !draft.body || !draft.key) return { kind: 'gone' };
  let record: VisitRecord;
  try {
    const path = draft.record_id ? recordsPath(patient, draft.record_id, 'corrections') : recordsPath(patient);
    record = await api.post<VisitRecord>(path, draft.body, { headers: { 'Idempotency-Key': draft.key } });
  } catch (error) {
    if (worthRetrying(error)) {
      saveDraft({ ...draft, error: errorMessage(error) });
      return { kind: 'unsent', error };
    }
    const refusal = error as ApiError;
    saveDraft({ ...draft, state: 'editing', problem: refusal.problem, error: errorMessage(refusal) });
    return { kind: 'refused', error: refusal };
  }
  deleteDraft(draft);
  let signError: unknown = null;
  if (draft.sign && record.status !== 'signed') {
    try {
      record = await signRecord(patient, record.id);
    } catch (error) {
      signError = error;
    }
  }
  for (const listener of Array.from(sentListeners)) listener(draft.id, record);
  return { kind: 'sent', record, signError };
}

const inFlight = new Map<string, Promise<SendResult>>();

/** Sends an unsent draft (one request at a time per draft; the key makes a repeat harmless). */
export function sendDraft(patient: string, id: string): Promise<SendResult> {
  const running = inFlight.get(id);
  if (running) return running;
  const sending = sendOnce(id, patient).finally(() => inFlight.delete(id));
  inFlight.set(id, sending);
  return sending;
}

/** Sends every unsent draft of the patient; resolves to the results, in the drafts' order. */
export function sendAllUnsent(patient: string): Promise<SendResult[]> {
  return Promise.all(draftsOf(patient).filter((d) => d.state === 'unsent').map((d) => sendDraft(patient, d.id)));
}

/** The current user's unsent drafts of every patient, as (patient, draft id). */
function unsentOfUser(): { patient: string; id: string }[] {
  const prefix = `${PREFIX}.${currentUserId()}.`;
  const found: { patient: string; id: string }[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith(prefix)) continue;
    const [patient, id] = key.slice(prefix.length).split('.');
    if (!patient || !id) continue;
    if (loadDraft(patient, id)?.state === 'unsent') found.push({ patient, id });
  }
  return found;
}

let outboxStarted = false;

/**
 * From the first time the visit records are opened until the page is closed: whenever the
 * connection returns, sends the current user's unsent drafts of every patient (the nurse may
 * have gone on to another patient or section meanwhile).
 */
export function startOutbox(): void {
  if (outboxStarted) return;
  outboxStarted = true;
  window.addEventListener('online', () => {
    for (const { patient, id } of unsentOfUser()) void sendDraft(patient, id);
  });
}
