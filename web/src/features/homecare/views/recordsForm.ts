// SPDX-License-Identifier: Apache-2.0
// The visit-record form, at the bedside: the kinds of visit the user's profession makes, the form
// of the chosen kind with the vitals and 申し送り, or a correction of a stored record with its
// reason. Every change is kept in the browser (recordsDrafts.ts); submitting sends the draft with
// its Idempotency-Key, and while the connection is lost the draft stays, marked 未送信, and is
// sent again when it returns.
import { ApiError } from '../../../api';
import { clearError, clearFieldErrors, empty, errorBox, loadInto, showError, showFieldError } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import { hashOf } from '../../../router';
import type { Patient } from '../../patients/types';
import { kindName, kindsOfMyProfession, visitKinds, type RecordForm, type VisitKind, type VisitRecord } from './recordsApi';
import {
  deleteDraft,
  loadDraft,
  newDraft,
  onDraftSent,
  onDraftsChanged,
  saveDraft,
  sendDraft,
  submitDraft,
  type RecordDraft,
  type SendResult,
} from './recordsDrafts';
import { formFields, vitalsBlock } from './recordsFields';
import { bodyOf, readValues, restoreValues, tokyoLocal, valuesOfRecord } from './recordsValues';
import type { SectionContext } from './room';

export interface RecordFormOptions {
  /** Reopen a draft kept in this browser. */
  draftId?: string;
  /** Correct this record (its current version). */
  correct?: VisitRecord;
  /** A new record of this kind (when the user's profession makes it), e.g. from the schedule. */
  kind?: string;
}

/** The draft the form opens on: a kept one, a correction, or a new record of the first kind. */
function startingDraft(patient: Patient, mine: VisitKind[], options: RecordFormOptions): RecordDraft | null {
  if (options.draftId) return loadDraft(patient.id, options.draftId);
  const record = options.correct;
  if (record) {
    const draft = newDraft(patient.id, record.kind, { record_id: record.id, base_version: record.version });
    draft.values = valuesOfRecord(record);
    return draft;
  }
  const kind = mine.find((k) => k.code === options.kind) ?? mine[0];
  if (!kind) return null;
  const draft = newDraft(patient.id, kind.code);
  const now = new Date();
  draft.values = { visit_start: [tokyoLocal(new Date(now.getTime() - 30 * 60_000))], visit_end: [tokyoLocal(now)] };
  return draft;
}

export async function renderRecordForm(panel: HTMLElement, patient: Patient, context: SectionContext, options: RecordFormOptions): Promise<void> {
  const kinds = await loadInto(panel, () => visitKinds());
  if (!kinds) return;
  const mine = kindsOfMyProfession(kinds);
  const draft = startingDraft(patient, mine, options);
  if (!draft) {
    const message = options.draftId ? t('homecare.records_draft_gone') : t('homecare.records_no_kinds');
    replace(panel, empty(message, 'rec-form-unavailable'), backButton(context));
    return;
  }
  new RecordFormView(panel, patient, context, kinds, mine, draft).show();
}

function backButton(context: SectionContext): HTMLElement {
  return h('button', { type: 'button', class: 'secondary', testid: 'rec-back', onclick: () => context.open('records') }, t('homecare.records_back'));
}

class RecordFormView {
  private readonly form = h('form', { class: 'homecare-record-form', testid: 'rec-form', novalidate: true });
  private readonly controls = h('fieldset', { class: 'homecare-plain' });
  private readonly formBox = h('div');
  private readonly banner = h('div', { class: 'alert warn homecare-unsent', role: 'status', testid: 'rec-unsent-banner' });
  private readonly errors = errorBox();
  private readonly kindSelect: HTMLSelectElement;
  private readonly submitButtons: HTMLButtonElement[];
  /** A request for this draft is on its way (the banner waits for its outcome). */
  private sending = false;

  constructor(
    private readonly panel: HTMLElement,
    private readonly patient: Patient,
    private readonly context: SectionContext,
    private readonly kinds: VisitKind[],
    mine: VisitKind[],
    private draft: RecordDraft,
  ) {
    const choices = mine.some((k) => k.code === draft.kind) ? mine : [...mine, ...kinds.filter((k) => k.code === draft.kind)];
    this.kindSelect = h(
      'select',
      { name: 'kind', testid: 'rec-kind', disabled: draft.record_id !== null },
      choices.map((k) => option(k.code, kindName(kinds, k.code), k.code === draft.kind)),
    );
    this.submitButtons = [
      h('button', { type: 'button', class: 'secondary', testid: 'rec-save', onclick: () => void this.submit(false) }, t('homecare.records_save_draft')),
      h('button', { type: 'button', class: 'primary', testid: 'rec-save-sign', onclick: () => void this.submit(true) }, t('homecare.records_save_sign')),
    ];
  }

  private formOf(code: string): RecordForm {
    return this.kinds.find((k) => k.code === code)?.form ?? 'soap';
  }

  show(): void {
    const draft = this.draft;
    const heading = draft.record_id ? t('homecare.records_correct_title') : t('homecare.records_new_title');
    const reason = draft.record_id
      ? field(
          t('homecare.records_reason'),
          h('textarea', { name: 'reason', testid: 'rec-reason', rows: 2, maxlength: 500, required: true }),
          t('homecare.records_reason_hint'),
        )
      : null;
    replace(
      this.controls,
      h('div', { class: 'homecare-form-row' },
        field(t('homecare.records_kind'), this.kindSelect),
        field(t('homecare.records_visit_start'), h('input', { type: 'datetime-local', name: 'visit_start', testid: 'rec-visit-start' })),
        field(t('homecare.records_visit_end'), h('input', { type: 'datetime-local', name: 'visit_end', testid: 'rec-visit-end' })),
      ),
      this.formBox,
      vitalsBlock(),
      field(t('homecare.records_handover'), h('textarea', { name: 'handover', testid: 'rec-handover', rows: 3, maxlength: 4000 }), t('homecare.records_handover_hint')),
      reason,
    );
    replace(this.formBox, formFields(this.formOf(draft.kind)));
    const saved = h('p', { class: 'small muted', testid: 'rec-draft-saved', 'aria-live': 'polite' });
    replace(this.form, this.banner, saved, this.controls, this.errors, h('div', { class: 'actions homecare-actions' }, this.submitButtons,
      h('button', { type: 'button', class: 'secondary', testid: 'rec-back', onclick: () => this.context.open('records') }, t('homecare.records_back')),
      h('button', { type: 'button', class: 'danger secondary', testid: 'rec-discard', onclick: () => this.discard() }, t('homecare.records_discard')),
    ));
    restoreValues(this.form, draft.values);
    this.form.addEventListener('input', () => this.keep());
    this.form.addEventListener('change', () => this.keep());
    this.kindSelect.addEventListener('change', () => {
      replace(this.formBox, formFields(this.formOf(this.kindSelect.value)));
      restoreValues(this.form, this.draft.values);
    });
    replace(this.panel, h('div', { class: 'card-title' }, h('h2', null, heading)), this.form);
    this.context.onLeave(onDraftSent((id, record) => {
      if (id === this.draft.id) this.context.open('records', [record.id]);
    }));
    this.context.onLeave(onDraftsChanged(() => this.refreshFromStore()));
    this.showState();
    if (draft.state === 'editing' && draft.problem) this.showRefusal(new ApiError(draft.problem.status ?? 400, draft.problem, draft.error ?? ''));
  }

  /** Keeps what the form holds in the browser, on every change (not while it waits to be sent). */
  private keep(): void {
    if (this.draft.state !== 'editing') return;
    const first = !loadDraft(this.patient.id, this.draft.id);
    this.draft = { ...this.draft, kind: this.kindSelect.value, values: { ...this.draft.values, ...readValues(this.form) } };
    saveDraft(this.draft, true);
    if (first) history.replaceState(null, '', hashOf(['patients', this.patient.id, 'homecare', 'records', 'draft', this.draft.id]));
    const state = this.form.querySelector('[data-testid="rec-draft-saved"]');
    if (state) state.textContent = t('homecare.records_kept_locally', { time: formatDateTime(this.draft.saved_at) });
  }

  /** Another part of the page (the online handler, the list) sent or refused this draft. */
  private refreshFromStore(): void {
    if (this.sending) return; // send() shows the outcome of its own request
    const stored = loadDraft(this.patient.id, this.draft.id);
    if (!stored || (stored.state === this.draft.state && stored.error === this.draft.error)) return;
    this.draft = stored;
    this.showState();
    if (stored.state === 'editing' && stored.problem) this.showRefusal(new ApiError(stored.problem.status ?? 400, stored.problem, stored.error ?? ''));
  }

  private showState(): void {
    const unsent = this.draft.state === 'unsent';
    this.controls.disabled = unsent;
    this.form.dataset.state = this.draft.state;
    this.form.dataset.sending = String(this.sending);
    for (const button of this.submitButtons) button.hidden = unsent;
    this.banner.hidden = !unsent;
    if (unsent && this.sending) {
      replace(this.banner, h('span', { testid: 'rec-sending' }, t('homecare.records_sending')));
    } else if (unsent) {
      replace(
        this.banner,
        h('strong', null, t('homecare.records_unsent')),
        ' ',
        t('homecare.records_unsent_explain'),
        this.draft.error ? h('span', { class: 'small homecare-unsent-why', testid: 'rec-unsent-error' }, ` (${this.draft.error})`) : null,
        ' ',
        h('button', { type: 'button', class: 'primary small', testid: 'rec-resend', onclick: () => void this.send() }, t('homecare.records_resend')),
      );
    }
  }

  private showRefusal(error: ApiError): void {
    clearFieldErrors(this.form);
    if (!showFieldError(this.form, error)) showError(this.errors, error.message || t('error.unexpected'));
  }

  private async submit(sign: boolean): Promise<void> {
    clearError(this.errors);
    clearFieldErrors(this.form);
    const values = readValues(this.form);
    const form = this.formOf(this.kindSelect.value);
    const correction = this.draft.base_version !== null ? { base_version: this.draft.base_version } : undefined;
    this.draft = submitDraft({ ...this.draft, kind: this.kindSelect.value, values: { ...this.draft.values, ...values } }, bodyOf(form, values, correction), sign);
    history.replaceState(null, '', hashOf(['patients', this.patient.id, 'homecare', 'records', 'draft', this.draft.id]));
    this.showState();
    await this.send();
  }

  private async send(): Promise<void> {
    this.sending = true;
    this.showState();
    let result: SendResult;
    try {
      result = await sendDraft(this.patient.id, this.draft.id);
    } finally {
      this.sending = false;
    }
    // 'sent' opens the record (onDraftSent)
    if (result.kind === 'gone') this.context.open('records');
    if (result.kind !== 'unsent' && result.kind !== 'refused') return;
    this.draft = loadDraft(this.patient.id, this.draft.id) ?? this.draft;
    this.showState();
    if (result.kind === 'refused') this.showRefusal(result.error);
  }

  private discard(): void {
    if (!window.confirm(t('homecare.records_discard_confirm'))) return;
    deleteDraft(this.draft);
    this.context.open('records');
  }
}
