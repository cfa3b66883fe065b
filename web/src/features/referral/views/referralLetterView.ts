// SPDX-License-Identifier: Apache-2.0
// The 診療情報提供書 read-only, in the customary order: addressee and sender, patient, purpose,
// complaint, diagnoses, history, course, prescriptions, allergies, labs, attachments, remarks.
// Used by the referral page and by the preview before signing.
import { h, table, td, tdWrap, type Child } from '../../../dom';
import { formatDate, formatDateTime } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import type { Letter } from '../types';
import { studyLabel } from './referralLetterForm';

export interface LetterHead {
  kind: string;
  toOrg: string;
  toDepartment: string;
  fromOrg: string;
  fromUser: string;
  patient: { name: string; name_kana: string; birth_date: string; sex: string };
  date: string | null;
}

function part(id: string, title: MessageKey, body: Child, present = true): HTMLElement {
  return h(
    'section',
    { class: 'letter-part', testid: `letter-${id}` },
    h('h3', null, t(title)),
    present ? body : h('p', { class: 'muted' }, t('letter.none')),
  );
}

function prose(text: string): HTMLElement {
  return h('p', { class: 'letter-text' }, text);
}

function headBlock(head: LetterHead, sexLabel: string): HTMLElement {
  return h(
    'div',
    { class: 'letter-head' },
    h(
      'div',
      { class: 'letter-to' },
      h('p', { testid: 'letter-to' }, t('letter.to', { org: `${head.toOrg}${head.toDepartment ? ` ${head.toDepartment}` : ''}` })),
    ),
    h(
      'div',
      { class: 'letter-from' },
      head.date ? h('p', { testid: 'letter-date' }, formatDateTime(head.date)) : null,
      h('p', { testid: 'letter-from' }, head.fromOrg),
      head.fromUser ? h('p', null, t('letter.signed_by', { name: head.fromUser })) : null,
    ),
    h(
      'dl',
      { class: 'dl letter-patient', testid: 'letter-patient' },
      h('dt', null, t('letter.patient')),
      h('dd', null, `${head.patient.name}(${head.patient.name_kana})`),
      h('dt', null, t('patient.birth_date')),
      h('dd', null, `${formatDate(head.patient.birth_date)} ${sexLabel}`.trim()),
    ),
  );
}

export function letterView(letter: Letter, head: LetterHead, sexLabel: string): HTMLElement {
  const reverse = head.kind === 'reverse';
  return h(
    'article',
    { class: 'card letter', testid: 'letter' },
    h('h2', { class: 'letter-title' }, t(reverse ? 'letter.title_reverse' : 'letter.title')),
    headBlock(head, sexLabel),
    part('purpose', 'letter.purpose_text', prose(letter.purpose_text), letter.purpose_text !== ''),
    part('complaint', 'letter.chief_complaint', prose(letter.chief_complaint), letter.chief_complaint !== ''),
    part(
      'diagnoses',
      'letter.diagnoses',
      h(
        'ol',
        { class: 'letter-list' },
        letter.diagnoses.map((d) =>
          h(
            'li',
            null,
            h('strong', null, d.text),
            d.code ? h('small', { class: 'muted code' }, ` ${d.code}`) : null,
            d.onset ? h('small', { class: 'muted' }, ` ${t('letter.onset_on', { date: formatDate(d.onset) })}`) : null,
          ),
        ),
      ),
      letter.diagnoses.length > 0,
    ),
    part('history', 'letter.history', prose(letter.history), letter.history !== ''),
    part('course', 'letter.course', prose(letter.course), letter.course !== ''),
    part(
      'medications',
      'letter.medications',
      h('ul', { class: 'letter-list' }, letter.medications.map((m) => h('li', null, m.text))),
      letter.medications.length > 0,
    ),
    part(
      'allergies',
      'letter.allergies',
      h(
        'ul',
        { class: 'letter-list' },
        letter.allergies.map((a) => h('li', null, a.text, a.reaction ? ` (${a.reaction})` : '')),
      ),
      letter.allergies.length > 0,
    ),
    part(
      'labs',
      'letter.labs',
      table(
        'letter-labs',
        [t('letter.lab_text'), t('letter.lab_value'), t('letter.lab_date')],
        letter.labs.map((l) => h('tr', null, tdWrap(l.text), td(l.value), td(formatDate(l.date)))),
      ),
      letter.labs.length > 0,
    ),
    part(
      'documents',
      'letter.documents',
      h(
        'ul',
        { class: 'letter-list' },
        letter.documents.map((d) => h('li', null, d.title || d.reference)),
        letter.imaging.map((i) =>
          h(
            'li',
            { testid: 'letter-study' },
            i.study_uid
              ? h('a', { href: `#/imaging/view/${encodeURIComponent(i.study_uid)}`, testid: 'letter-study-link' }, studyLabel(i))
              : studyLabel(i),
          ),
        ),
      ),
      letter.documents.length + letter.imaging.length > 0,
    ),
    reverse || letter.follow_up
      ? part('follow-up', 'letter.follow_up', prose(letter.follow_up), letter.follow_up !== '')
      : null,
    part('remarks', 'letter.remarks', prose(letter.remarks), letter.remarks !== ''),
  );
}
