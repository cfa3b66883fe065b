// SPDX-License-Identifier: Apache-2.0
// The editable 診療情報提供書: free-text parts, lists (diagnoses, prescriptions, allergies, labs)
// with rows to add and remove, and the attachments as checkboxes. Shared by the referral form and
// the reverse referral (逆紹介) form; mark() points at the field a server error names.
import { field, h, uniqueId } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import type { Letter, LetterDocument, LetterImaging } from '../types';

type Row = Record<string, string>;

interface Column {
  key: string;
  label: MessageKey;
  maxlength: number;
  placeholder?: string;
  pattern?: string;
}

interface ListEditor {
  root: HTMLElement;
  value: () => Row[];
}

function listEditor(testid: string, title: MessageKey, columns: Column[], initial: Row[], add: MessageKey): ListEditor {
  const rows = h('ul', { class: 'letter-rows plain-list', testid: `${testid}-rows` });
  const addRow = (values: Row): void => {
    const inputs = columns.map((c) =>
      h('input', {
        value: values[c.key] ?? '',
        maxlength: c.maxlength,
        placeholder: c.placeholder,
        pattern: c.pattern,
        'aria-label': t(c.label),
        testid: `${testid}-${c.key}`,
        'data-key': c.key,
      }),
    );
    const li = h('li', { class: `letter-row cols-${columns.length}`, testid: `${testid}-row` }, inputs);
    li.append(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          testid: `${testid}-remove`,
          'aria-label': t('letter.remove_row'),
          onclick: () => li.remove(),
        },
        t('common.remove'),
      ),
    );
    rows.append(li);
  };
  initial.forEach(addRow);
  const headId = uniqueId('lh');
  const root = h(
    'fieldset',
    { class: 'letter-fieldset', testid, 'aria-labelledby': headId },
    h('legend', { id: headId }, t(title)),
    h('div', { class: `letter-row-head cols-${columns.length}`, 'aria-hidden': 'true' }, columns.map((c) => h('span', null, t(c.label))), h('span')),
    rows,
    h(
      'button',
      { type: 'button', class: 'secondary small', testid: `${testid}-add`, onclick: () => addRow({}) },
      t(add),
    ),
  );
  const value = (): Row[] =>
    Array.from(rows.querySelectorAll('li')).flatMap((li) => {
      const row: Row = {};
      li.querySelectorAll('input').forEach((input) => {
        row[input.dataset.key ?? ''] = input.value.trim();
      });
      return Object.values(row).some((v) => v !== '') ? [row] : [];
    });
  return { root, value };
}

interface Checks<T> {
  root: HTMLElement;
  value: () => T[];
}

function checkList<T>(testid: string, items: { item: T; label: string; checked: boolean }[]): Checks<T> {
  const boxes = items.map(({ item, label, checked }) => {
    const box = h('input', { type: 'checkbox', checked, testid: `${testid}-check` });
    const uid = (item as unknown as Attachment).img?.study_uid;
    if (uid) box.dataset.studyUid = uid;
    return { item, box, label: h('label', { class: 'check' }, box, ` ${label}`) };
  });
  const root = h(
    'fieldset',
    { class: 'letter-fieldset', testid },
    h('legend', null, t('letter.documents')),
    boxes.length
      ? h('div', { class: 'checklist' }, boxes.map((b) => b.label))
      : h('p', { class: 'muted' }, t('letter.no_documents')),
  );
  return { root, value: () => boxes.filter((b) => b.box.checked).map((b) => b.item) };
}

export interface LetterEditor {
  root: HTMLElement;
  value: () => Letter;
  /** Marks the control of a field path (`letter.purpose_text`, `diagnoses[0].text`); false if unknown. */
  mark: (path: string) => boolean;
  clearMarks: () => void;
  /** Shows or hides 今後の方針・依頼事項 (kept out of the letter while hidden). */
  showFollowUp: (on: boolean) => void;
}

export interface LetterOptions {
  /** The 今後の方針・依頼事項 part of a reverse referral shown from the start. */
  followUp: boolean;
  /** Documents of the patient that may be attached besides those the draft names. */
  documents: LetterDocument[];
  /** The hint under the purpose (default: what the referral asks of the receiving organisation). */
  purposeHint?: MessageKey;
  /** The patient's studies one may see, which may be attached (shared with the receiver). */
  studies?: LetterImaging[];
}

/** A study as the letter names it: 画像: 2026-10-01 CT 胸部CT（みなみ総合病院）. */
export function studyLabel(img: LetterImaging): string {
  const parts = [img.date ?? '', img.modality ?? '', img.description || (img.date ? '' : img.study_uid)].filter((p) => p !== '');
  return `${t('letter.imaging_item')}: ${parts.join(' ')}${img.org_name ? `（${img.org_name}）` : ''}`;
}

function textarea(testid: string, value: string, rows = 4, required = false): HTMLTextAreaElement {
  return h('textarea', { rows, maxlength: 8000, required, value, testid });
}

type Attachment = { doc?: LetterDocument; img?: LetterImaging };

function documentChoices(initial: Letter, extra: LetterDocument[], studies: LetterImaging[]): Checks<Attachment> {
  const seen = new Set(initial.documents.map((d) => d.reference));
  const seenStudies = new Set(initial.imaging.map((i) => i.study_uid));
  const docs: { item: Attachment; label: string; checked: boolean }[] = [
    ...initial.documents.map((doc) => ({ item: { doc }, label: doc.title || doc.reference, checked: true })),
    ...extra
      .filter((doc) => !seen.has(doc.reference))
      .map((doc) => ({ item: { doc }, label: doc.title || doc.reference, checked: false })),
    ...initial.imaging.map((img) => ({ item: { img }, label: studyLabel(img), checked: true })),
    ...studies
      .filter((img) => !seenStudies.has(img.study_uid))
      .map((img) => ({ item: { img }, label: studyLabel(img), checked: false })),
  ];
  return checkList('letter-documents', docs);
}

export function letterEditor(initial: Letter, options: LetterOptions): LetterEditor {
  const purpose = textarea('letter-purpose-text', initial.purpose_text, 3, true);
  const complaint = h('input', { maxlength: 1000, value: initial.chief_complaint, testid: 'letter-chief-complaint' });
  const diagnoses = listEditor(
    'letter-diagnoses',
    'letter.diagnoses',
    [
      { key: 'text', label: 'letter.diagnosis_text', maxlength: 200 },
      { key: 'code', label: 'letter.diagnosis_code', maxlength: 20, placeholder: 'E11.9' },
      { key: 'onset', label: 'letter.diagnosis_onset', maxlength: 10, placeholder: 'YYYY-MM-DD', pattern: '\\d{4}-\\d{2}-\\d{2}' },
    ],
    initial.diagnoses as unknown as Row[],
    'letter.add_diagnosis',
  );
  const history = textarea('letter-history', initial.history);
  const course = textarea('letter-course', initial.course, 6);
  const medications = listEditor(
    'letter-medications',
    'letter.medications',
    [{ key: 'text', label: 'letter.medication_text', maxlength: 300 }],
    initial.medications as unknown as Row[],
    'letter.add_medication',
  );
  const allergies = listEditor(
    'letter-allergies',
    'letter.allergies',
    [
      { key: 'text', label: 'letter.allergy_text', maxlength: 200 },
      { key: 'reaction', label: 'letter.allergy_reaction', maxlength: 200 },
    ],
    initial.allergies as unknown as Row[],
    'letter.add_allergy',
  );
  const labs = listEditor(
    'letter-labs',
    'letter.labs',
    [
      { key: 'text', label: 'letter.lab_text', maxlength: 200 },
      { key: 'value', label: 'letter.lab_value', maxlength: 100 },
      { key: 'date', label: 'letter.lab_date', maxlength: 10, placeholder: 'YYYY-MM-DD', pattern: '\\d{4}-\\d{2}-\\d{2}' },
    ],
    initial.labs as unknown as Row[],
    'letter.add_lab',
  );
  const attachments = documentChoices(initial, options.documents, options.studies ?? []);
  const followUp = textarea('letter-follow-up', initial.follow_up);
  const followUpField = field(t('letter.follow_up'), followUp, t('letter.follow_up_hint'));
  followUpField.hidden = !options.followUp;
  const remarks = textarea('letter-remarks', initial.remarks, 3);

  const controls: Record<string, HTMLElement> = {
    purpose_text: purpose,
    chief_complaint: complaint,
    diagnoses: diagnoses.root,
    history,
    course,
    medications: medications.root,
    allergies: allergies.root,
    labs: labs.root,
    documents: attachments.root,
    imaging: attachments.root,
    follow_up: followUp,
    remarks,
  };
  const root = h(
    'div',
    { class: 'stack', testid: 'letter-form' },
    field(t('letter.purpose_text'), purpose, t(options.purposeHint ?? 'letter.purpose_hint')),
    field(t('letter.chief_complaint'), complaint),
    diagnoses.root,
    field(t('letter.history'), history),
    field(t('letter.course'), course),
    medications.root,
    allergies.root,
    labs.root,
    attachments.root,
    followUpField,
    field(t('letter.remarks'), remarks),
  );
  const value = (): Letter => {
    const chosen = attachments.value();
    return {
      purpose_text: purpose.value.trim(),
      chief_complaint: complaint.value.trim(),
      diagnoses: diagnoses.value().map((r) => ({ text: r.text ?? '', code: r.code ?? '', onset: r.onset ?? '' })),
      history: history.value.trim(),
      course: course.value.trim(),
      medications: medications.value().map((r) => ({ text: r.text ?? '' })),
      allergies: allergies.value().map((r) => ({ text: r.text ?? '', reaction: r.reaction ?? '' })),
      labs: labs.value().map((r) => ({ text: r.text ?? '', value: r.value ?? '', date: r.date ?? '' })),
      documents: chosen.flatMap((c) => (c.doc ? [c.doc] : [])),
      imaging: chosen.flatMap((c) => (c.img ? [c.img] : [])),
      follow_up: followUpField.hidden ? '' : followUp.value.trim(),
      remarks: remarks.value.trim(),
    };
  };
  const clearMarks = (): void => {
    for (const control of Object.values(controls)) control.removeAttribute('aria-invalid');
  };
  const mark = (path: string): boolean => {
    const name = path.replace(/^letter\./, '').split(/[.[]/, 1)[0] ?? '';
    const control = controls[name];
    if (!control) return false;
    control.setAttribute('aria-invalid', 'true');
    control.scrollIntoView({ block: 'center' });
    if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) control.focus();
    return true;
  };
  const showFollowUp = (on: boolean): void => {
    followUpField.hidden = !on;
  };
  return { root, value, mark, clearMarks, showFollowUp };
}
