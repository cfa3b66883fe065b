// SPDX-License-Identifier: Apache-2.0
// Correcting the record (issue 13, item 5): the organisation that recorded an entry may correct it
// (a new version), withdraw it as entered in error, or stop a prescription; each change carries
// its reason (the change-reason extension on meta) and goes to the server as a FHIR update with
// If-Match. Withdrawn entries are never hidden: they are shown struck through with their reason.
import { attempt, errorBox, openDialog } from '../../../common';
import { field, h } from '../../../dom';
import {
  CHANGE_REASON_URL,
  changeReason,
  isEnteredInError,
  sourceOrgId,
  update,
  type Resource,
} from '../../../fhir';
import { todayTokyo } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import { currentMe, mayWrite } from '../../../session';

const HL7 = 'http://terminology.hl7.org/CodeSystem';

/** One field of an entry that the correction form offers. */
export interface Editable {
  label: MessageKey;
  testid: string;
  get: (resource: Resource) => string;
  set: (resource: Resource, value: string) => void;
}

export interface ChangeOptions {
  kind: string; // the write matrix's kind of record
  emergency: boolean;
  editable: Editable[];
  stoppable?: boolean;
  saved: () => void;
}

function withReason(resource: Resource, reason: string): Resource {
  const copy = structuredClone(resource);
  const kept = (copy.meta?.extension ?? []).filter((e) => e.url !== CHANGE_REASON_URL);
  copy.meta = { ...copy.meta, extension: [...kept, { url: CHANGE_REASON_URL, valueString: reason }] };
  return copy;
}

/** entered-in-error the way the resource type says it. */
function markWithdrawn(resource: Resource): void {
  const system = {
    AllergyIntolerance: `${HL7}/allergyintolerance-verification`,
    Condition: `${HL7}/condition-ver-status`,
  }[resource.resourceType];
  if (system) resource.verificationStatus = { coding: [{ system, code: 'entered-in-error' }] };
  else resource.status = 'entered-in-error';
}

/** Whether the user may change this entry: not withdrawn, recorded by the current organisation,
 *  of a kind the profession may write (the server decides again). */
export function mayChange(resource: Resource, options: ChangeOptions): boolean {
  const org = currentMe()?.org_id ?? '';
  return (
    !options.emergency &&
    mayWrite(options.kind) &&
    !isEnteredInError(resource) &&
    org !== '' &&
    sourceOrgId(resource) === org
  );
}

/** The line under a withdrawn entry: that it was withdrawn, and why. */
export function withdrawnNote(resource: Resource): HTMLElement | null {
  if (!isEnteredInError(resource)) return null;
  const reason = changeReason(resource) || t('record.withdrawn_no_reason');
  return h('p', { class: 'record-withdrawn-reason', testid: 'withdrawn-reason' }, t('record.withdrawn_reason', { reason }));
}

/** The class of an entry's element: struck through when withdrawn. */
export function entryClass(base: string, resource: Resource): string {
  return isEnteredInError(resource) ? `${base} withdrawn` : base;
}

/**
 * A dialog with controls and a required reason; on submit applies the change to a copy of the
 * resource, PUTs it with the reason and calls saved().
 */
function changeDialog(options: {
  resource: Resource;
  title: MessageKey;
  testid: string;
  reasonLabel: MessageKey;
  controls: HTMLElement[];
  apply: (copy: Resource, reason: string) => string; // a problem to show, or ''
  saved: () => void;
}): void {
  const errors = errorBox();
  const reason = h('textarea', { rows: 2, maxlength: 500, required: true, testid: `${options.testid}-reason` });
  const submit = h('button', { type: 'submit', class: 'primary', testid: `${options.testid}-submit` }, t('common.save'));
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('common.cancel'));
  const form = h(
    'form',
    { class: 'stack', testid: `${options.testid}-form` },
    errors,
    h('div', { class: 'grid2' }, options.controls, field(t(options.reasonLabel), reason)),
    h('div', { class: 'row end' }, cancel, submit),
  );
  const dialog = openDialog(t(options.title), form, `${options.testid}-dialog`);
  cancel.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    const copy = structuredClone(options.resource);
    const problem = text ? options.apply(copy, text) : t('record.reason_needed');
    if (problem) {
      errors.textContent = problem;
      errors.hidden = false;
      return;
    }
    void attempt(submit, errors, async () => {
      await update(withReason(copy, text));
      dialog.close();
      options.saved();
    });
  });
}

function openCorrection(resource: Resource, options: ChangeOptions): void {
  const inputs = options.editable.map((e) => {
    const input = h('input', { required: true, maxlength: 300, value: e.get(resource), testid: e.testid });
    return { e, input };
  });
  changeDialog({
    resource,
    title: 'record.correct_title',
    testid: 'correct',
    reasonLabel: 'record.correct_reason',
    controls: inputs.map(({ e, input }) => field(t(e.label), input)),
    apply: (copy) => {
      for (const { e, input } of inputs) e.set(copy, input.value.trim());
      return '';
    },
    saved: options.saved,
  });
}

function openWithdrawal(resource: Resource, options: ChangeOptions): void {
  changeDialog({
    resource,
    title: 'record.withdraw_title',
    testid: 'withdraw',
    reasonLabel: 'record.withdraw_reason',
    controls: [h('p', { class: 'muted' }, t('record.withdraw_text'))],
    apply: (copy) => {
      markWithdrawn(copy);
      return '';
    },
    saved: options.saved,
  });
}

interface Dosage {
  timing?: { repeat?: { boundsPeriod?: { start?: string; end?: string } } };
  [key: string]: unknown;
}

/** The latest start date a prescription states ("" if none). */
function startOf(resource: Resource): string {
  const dosages = (resource.dosageInstruction as Dosage[] | undefined) ?? [];
  const dates = [resource.authoredOn as string | undefined, ...dosages.map((d) => d.timing?.repeat?.boundsPeriod?.start)]
    .filter((d): d is string => typeof d === 'string' && d.length >= 10)
    .map((d) => d.slice(0, 10));
  return dates.sort().at(-1) ?? '';
}

function openStop(resource: Resource, options: ChangeOptions): void {
  const start = startOf(resource);
  const today = todayTokyo();
  const end = h('input', { type: 'date', required: true, value: today, max: today, min: start, testid: 'stop-date' });
  changeDialog({
    resource,
    title: 'record.stop_title',
    testid: 'stop',
    reasonLabel: 'record.stop_reason',
    controls: [field(t('record.stop_date'), end)],
    apply: (copy, reason) => {
      if (!end.value) return t('record.stop_date_needed');
      if (start && end.value < start) return t('record.stop_before_start', { start });
      if (end.value > today) return t('record.stop_in_future');
      const dosages = (copy.dosageInstruction as Dosage[] | undefined) ?? [];
      copy.dosageInstruction = (dosages.length ? dosages : [{}]).map((d) => ({
        ...d,
        timing: { ...d.timing, repeat: { ...d.timing?.repeat, boundsPeriod: { ...d.timing?.repeat?.boundsPeriod, end: end.value } } },
      }));
      copy.status = 'stopped';
      copy.statusReason = { text: reason };
      return '';
    },
    saved: options.saved,
  });
}

function actionButton(testid: string, label: MessageKey, open: () => void): HTMLButtonElement {
  return h('button', { type: 'button', class: 'secondary small', testid, onclick: open }, t(label));
}

/** The buttons that change an entry (訂正, 中止, 取り消し), or null when the user may not. */
export function entryActions(resource: Resource, options: ChangeOptions): HTMLElement | null {
  if (!mayChange(resource, options)) return null;
  return h(
    'span',
    { class: 'record-actions', testid: 'record-actions' },
    options.editable.length
      ? actionButton('entry-correct', 'record.correct', () => openCorrection(resource, options))
      : null,
    options.stoppable && resource.status === 'active'
      ? actionButton('entry-stop', 'record.stop', () => openStop(resource, options))
      : null,
    actionButton('entry-withdraw', 'record.withdraw', () => openWithdrawal(resource, options)),
  );
}
