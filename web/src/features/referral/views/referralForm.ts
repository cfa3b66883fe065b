// SPDX-License-Identifier: Apache-2.0
// Writing a referral `#/referrals/new?patient=<id>`: kind, target organisation (from the
// directory, with its live capacity) and department, urgency, purpose and the letter prefilled
// from the shared record; a preview, then 署名して送信. The POST carries one Idempotency-Key for
// the form's lifetime, so a double click or a retry creates one referral.
import { api, ApiError, newIdempotencyKey, seg } from '../../../api';
import { busy, clearError, errorBox, loadInto, pageTitle, showError } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { conceptText, search, type CodeableConcept } from '../../../fhir';
import { fhirTime, formatDate } from '../../../format';
import { codeLabel, t } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import { currentMe, currentMembership } from '../../../session';
import type { Patient } from '../../patients/types';
import { directoryCodes } from '../../directory/api';
import type { DirCodes } from '../../directory/types';
import { sexLabel } from '../../patients/views/patientFormat';
import { URGENCIES, referralCodes } from '../api';
import type { Letter, LetterDocument, LetterImaging, Referral, ReferralCodes } from '../types';
import { codeText, emptyLetter, errorField, normalLetter, referralError } from './referralCommon';
import { letterEditor } from './referralLetterForm';
import { letterView } from './referralLetterView';
import { orgPicker } from './referralPicker';
import { showSafety } from '../../booking/views/safety';

export interface Draft {
  letter: Letter;
  /** prefilled, unavailable (no draft route or no record) or failed. */
  state: 'prefilled' | 'unavailable' | 'failed';
}

/** GET /api/patients/{id}/referral-draft (with reverseOf: the reverse referral's draft, from the
 *  reply to that referral); an empty letter when there is none (404) or it fails. */
export async function loadDraft(patientId: string, reverseOf?: string): Promise<Draft> {
  try {
    const query = reverseOf ? `?reverse_of=${encodeURIComponent(reverseOf)}` : '';
    const answer = await api.get<{ letter: Partial<Letter> }>(`/api/patients/${seg(patientId)}/referral-draft${query}`);
    return { letter: normalLetter(answer.letter), state: 'prefilled' };
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    return { letter: emptyLetter(), state: missing ? 'unavailable' : 'failed' };
  }
}

export function draftNote(draft: Draft): HTMLElement {
  const key =
    draft.state === 'prefilled' ? 'referral.draft_prefilled' : draft.state === 'failed' ? 'referral.draft_failed' : 'referral.draft_empty';
  return h('p', { class: 'hint', testid: 'ref-draft-state', 'data-state': draft.state }, t(key));
}

/** The patient's documents that may be attached (none when they cannot be read). */
export async function patientDocuments(patientId: string): Promise<LetterDocument[]> {
  try {
    const docs = await search('DocumentReference', { patient: patientId, _sort: '-date' });
    return docs
      .filter((d) => d.id && d.status !== 'entered-in-error')
      .map((d) => {
        const type = conceptText(d.type as CodeableConcept | undefined);
        const description = (d.description as string | undefined) ?? '';
        const date = (d.date as string | undefined) ?? '';
        const when = Number.isNaN(fhirTime(date)) ? '' : ` (${date.slice(0, 10)})`;
        return { reference: `DocumentReference/${d.id}`, title: `${type || description || d.id}${when}` };
      });
  } catch {
    return [];
  }
}

interface PatientStudy {
  study_uid: string;
  study_date: string | null;
  modalities: string[];
  description: string;
  org: { id: string; name: string };
}

/** The patient's studies one may see, to attach to the letter (none when they cannot be read). */
export async function patientStudies(patientId: string): Promise<LetterImaging[]> {
  try {
    const page = await api.get<{ items: PatientStudy[] }>(`/api/patients/${seg(patientId)}/studies?limit=100`);
    return page.items.map((s) => ({
      study_uid: s.study_uid,
      date: s.study_date ?? '',
      modality: s.modalities.join('/'),
      description: s.description,
      org_name: s.org.name,
    }));
  } catch {
    return [];
  }
}

export function urgencyChoice(name: string, initial = 'routine'): { root: HTMLElement; value: () => string } {
  const radios = URGENCIES.map((code) =>
    h('input', { type: 'radio', name, value: code, checked: code === initial, testid: `ref-urgency-${code}` }),
  );
  const root = h(
    'fieldset',
    { class: 'inline', testid: 'ref-urgency-choice' },
    h('legend', null, t('referral.urgency')),
    radios.map((radio) =>
      h('label', { class: `check urgency-${radio.value}` }, radio, ` ${codeText('urgency', radio.value)}`),
    ),
  );
  return { root, value: () => radios.find((r) => r.checked)?.value ?? 'routine' };
}

export function purposeSelect(codes: ReferralCodes, initial = ''): HTMLSelectElement {
  return h(
    'select',
    { required: true, testid: 'ref-purpose' },
    option('', t('common.choose'), initial === ''),
    codes.purposes.map((p) => option(p.code, codeText('purpose', p.code, codes.purposes), p.code === initial)),
  );
}

function kindChoice(onChange: (kind: string) => void): { root: HTMLElement; value: () => string } {
  const radios = ['referral', 'reverse'].map((kind) =>
    h('input', { type: 'radio', name: 'ref-kind', value: kind, checked: kind === 'referral', testid: `ref-kind-${kind}` }),
  );
  for (const radio of radios) radio.addEventListener('change', () => onChange(radio.value));
  const root = h(
    'fieldset',
    { class: 'inline', testid: 'ref-kind' },
    h('legend', null, t('referral.kind')),
    radios.map((radio) => h('label', { class: 'check' }, radio, ` ${codeText('kind', radio.value)}`)),
  );
  return { root, value: () => radios.find((r) => r.checked)?.value ?? 'referral' };
}

function patientLine(patient: Patient): HTMLElement {
  return h(
    'p',
    { class: 'card ref-patient', testid: 'ref-form-patient' },
    h('strong', null, patient.name),
    ` (${patient.name_kana}) ${formatDate(patient.birth_date)} ${sexLabel(patient)}`,
  );
}

export async function renderReferralForm(main: HTMLElement, route: Route): Promise<void> {
  const patientId = route.query.get('patient') ?? '';
  const body = h('div', { class: 'stack' });
  const back = h('a', { href: hashOf(['patients', patientId, 'referrals']), class: 'button secondary small' }, t('referral.back_to_patient'));
  replace(main, pageTitle(t('referral.new_title'), back), body);
  const loaded = await loadInto(body, () =>
    Promise.all([
      api.get<Patient>(`/api/patients/${seg(patientId)}`),
      directoryCodes(),
      referralCodes(),
      loadDraft(patientId),
      patientDocuments(patientId),
      patientStudies(patientId),
    ]),
  );
  if (!loaded) return;
  const [patient, dirCodes, codes, draft, documents, studies] = loaded;
  replace(body, referralForm(patient, dirCodes, codes, draft, documents, studies));
}

function referralForm(
  patient: Patient,
  dirCodes: DirCodes,
  codes: ReferralCodes,
  draft: Draft,
  documents: LetterDocument[],
  studies: LetterImaging[],
): HTMLElement {
  const key = newIdempotencyKey();
  const errors = errorBox();
  const editor = letterEditor(draft.letter, { followUp: false, documents, studies });
  const kind = kindChoice((value) => editor.showFollowUp(value === 'reverse'));
  const urgency = urgencyChoice('ref-urgency');
  const purpose = purposeSelect(codes);
  const picker = orgPicker(dirCodes, currentMe()?.org_id ?? '');
  const physician = currentMe()?.user.profession === 'physician';
  const previewButton = h('button', { type: 'submit', class: 'primary', testid: 'ref-preview' }, t('referral.preview'));
  // the patient's high-criticality allergies and contraindications, before the letter is written
  const safety = h('div', { testid: 'ref-safety' });
  void showSafety(safety, patient.id);
  const form = h(
    'form',
    { class: 'stack', testid: 'ref-form' },
    h('section', { class: 'card stack' }, h('div', { class: 'grid3' }, kind.root, urgency.root, field(t('referral.purpose'), purpose))),
    h('section', { class: 'card stack' }, picker.root),
    safety,
    h('section', { class: 'card stack' }, h('h2', null, t('letter.title')), draftNote(draft), editor.root),
    h('div', { class: 'row end' }, previewButton),
  );
  const preview = h('section', { class: 'stack', testid: 'ref-preview-pane' });
  preview.hidden = true;

  const controls: Record<string, HTMLElement> = {
    to_org_id: picker.root,
    to_department: picker.department,
    urgency: urgency.root,
    purpose,
    kind: kind.root,
  };
  const clearMarks = (): void => {
    editor.clearMarks();
    for (const control of Object.values(controls)) control.removeAttribute('aria-invalid');
  };
  /** Marks the field an error names and scrolls to it; false if no field of the form has that name. */
  const markField = (path: string): boolean => {
    if (!path) return false;
    const control = controls[path.split(/[.[]/, 1)[0] ?? ''];
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.scrollIntoView({ block: 'center' });
      return true;
    }
    return editor.mark(path);
  };
  /**
   * Brings the message and the field it flags into view, below the sticky header (html's
   * scroll-padding-top): the message first, then the field if it is not wholly on screen.
   */
  const revealError = (): void => {
    errors.scrollIntoView({ block: 'start' });
    const flagged = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!flagged) return;
    const box = flagged.getBoundingClientRect();
    if (box.bottom > window.innerHeight || box.top < 0) flagged.scrollIntoView({ block: 'nearest' });
  };
  const edit = (): void => {
    preview.hidden = true;
    form.hidden = false;
  };
  const body = (): Record<string, unknown> => {
    const target = picker.picked();
    return {
      kind: kind.value(),
      to_org_id: target?.id ?? '',
      to_department: picker.department.value,
      urgency: urgency.value(),
      purpose: purpose.value,
      letter: editor.value(),
    };
  };

  const send = h('button', { type: 'button', class: 'primary', testid: 'ref-send' }, t('referral.sign_and_send'));
  send.addEventListener('click', () => {
    clearError(errors);
    void busy(send, async () => {
      try {
        const created = await api.post<Referral>(`/api/patients/${seg(patient.id)}/referrals`, body(), {
          headers: { 'Idempotency-Key': key },
        });
        go(hashOf(['referrals', created.id]));
      } catch (error) {
        showError(errors, referralError(error));
        const path = errorField(error);
        if (path) edit();
        markField(path);
        revealError();
      }
    });
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(errors);
    clearMarks();
    const target = picker.picked();
    if (!target) {
      showError(errors, t('referral.target_needed'));
      markField('to_org_id');
      revealError();
      return;
    }
    const data = body();
    const letter = data.letter as Letter;
    const head = {
      kind: kind.value(),
      toOrg: target.name,
      toDepartment: codeLabel(dirCodes.departments, picker.department.value),
      fromOrg: currentMembership()?.org_name ?? '',
      fromUser: currentMe()?.user.name ?? '',
      patient,
      date: null,
    };
    replace(
      preview,
      h(
        'div',
        { class: 'card row', testid: 'ref-preview-summary' },
        h('span', null, `${t('referral.kind')}: ${codeText('kind', kind.value())}`),
        h('span', null, `${t('referral.urgency')}: ${codeText('urgency', urgency.value())}`),
        h('span', null, `${t('referral.purpose')}: ${codeText('purpose', purpose.value, codes.purposes)}`),
      ),
      letterView(letter, head, sexLabel(patient)),
      h('p', { class: 'hint' }, t('referral.sign_note')),
      h(
        'div',
        { class: 'row end' },
        h('button', { type: 'button', class: 'secondary', testid: 'ref-edit', onclick: edit }, t('referral.back_to_edit')),
        send,
      ),
    );
    form.hidden = true;
    preview.hidden = false;
    preview.scrollIntoView({ block: 'start' });
  });

  return h(
    'div',
    { class: 'stack', testid: 'ref-new' },
    patientLine(patient),
    physician ? null : h('div', { class: 'alert warn', testid: 'ref-not-physician' }, t('referral.physician_only')),
    errors,
    form,
    preview,
  );
}
