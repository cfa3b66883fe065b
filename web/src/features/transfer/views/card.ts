// SPDX-License-Identifier: Apache-2.0
// One emergency transfer: the patient as the sender recorded it, the note, the snapshot of
// allergies, medications and problems, the images (each opening the viewer) and the steps.
import { api, seg } from '../../../api';
import { attempt, badge, errorBox } from '../../../common';
import { h, type Child } from '../../../dom';
import { formatDate, formatDateTime } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import type { Transfer, TransferStudy, TransferSummary } from '../types';

/** The viewer's route for a study (the imaging feature's contract). */
export function viewerHash(studyUid: string): string {
  return `#/imaging/view/${encodeURIComponent(studyUid)}`;
}

function statusBadge(tr: Transfer): HTMLElement {
  const status = tr.open ? tr.status : 'closed';
  return badge(t(`transfer.status.${status}` as MessageKey), status === 'sent' ? 'warn' : status === 'accepted' ? 'ok' : 'muted');
}

function part(title: MessageKey, testid: string, items: Child[]): HTMLElement {
  return h(
    'div',
    { testid },
    h('h3', null, t(title)),
    items.length ? h('ul', { class: 'plain-list' }, items) : h('p', { class: 'muted small' }, t('transfer.nothing_recorded')),
  );
}

function summaryBlock(summary: TransferSummary | null | undefined): HTMLElement {
  if (!summary) return h('p', { class: 'muted', testid: 'transfer-summary-closed' }, t('transfer.summary_closed'));
  return h(
    'section',
    { testid: 'transfer-summary' },
    h('h3', null, t('transfer.summary')),
    h(
      'div',
      { class: 'transfer-parts' },
      part(
        'transfer.allergies',
        'transfer-allergies',
        summary.allergies.map((a) => h('li', { class: 'transfer-allergy' }, a.text, a.reaction ? `(${a.reaction})` : '')),
      ),
      part('transfer.medications', 'transfer-medications', summary.medications.map((m) => h('li', null, m.text))),
      part('transfer.problems', 'transfer-problems', summary.problems.map((p) => h('li', null, p.text))),
    ),
  );
}

function studyItem(s: TransferStudy): HTMLElement {
  const text = [s.date, s.modality, s.description].filter((x) => x).join(' ');
  return h(
    'li',
    { testid: 'transfer-study', 'data-study-uid': s.study_uid },
    s.active ? h('a', { href: viewerHash(s.study_uid), testid: 'transfer-study-link' }, text || s.study_uid) : text,
    ` (${s.number_of_instances})`,
  );
}

function studiesBlock(studies: TransferStudy[] | undefined): HTMLElement {
  const list = studies ?? [];
  const active = list.filter((s) => s.active);
  return h(
    'section',
    { testid: 'transfer-studies' },
    h('h3', null, t('transfer.images')),
    list.length === 0
      ? h('p', { class: 'muted small' }, t('transfer.images_none'))
      : active.length === 0
        ? h('p', { class: 'muted small' }, t('transfer.images_ended'))
        : h('ul', { class: 'plain-list' }, active.map(studyItem)),
  );
}

function stepButtons(tr: Transfer, done: () => void): HTMLElement | null {
  if (tr.actions.length === 0) return null;
  const errors = errorBox();
  const buttons = tr.actions.map((action) => {
    const button = h(
      'button',
      { type: 'button', class: action === 'accept' ? 'primary small' : 'secondary small', testid: `transfer-${action}` },
      t(action === 'accept' ? 'transfer.accept' : 'transfer.close'),
    );
    button.addEventListener('click', () => {
      if (action === 'close' && !confirm(t('transfer.close_confirm'))) return;
      void attempt(button, errors, async () => {
        await api.post(`/api/transfers/${seg(tr.id)}/${action}`, {});
        done();
      });
    });
    return button;
  });
  return h('div', { class: 'stack' }, h('div', { class: 'row' }, buttons), errors);
}

/** The card of a full transfer (GET /api/transfers/{id}). */
export function transferCard(tr: Transfer, side: 'incoming' | 'outgoing', done: () => void): HTMLElement {
  const p = tr.patient;
  return h(
    'li',
    { class: 'card stack transfer-card', testid: 'transfer-card', 'data-transfer-id': tr.id, 'data-status': tr.status },
    h(
      'div',
      { class: 'row' },
      statusBadge(tr),
      h('strong', { testid: 'transfer-patient' }, p.name),
      h('span', null, `(${p.name_kana}) ${formatDate(p.birth_date)}`),
      badge(t(tr.consent_free ? 'transfer.consent_free' : 'transfer.with_consent'), tr.consent_free ? 'warn' : 'info'),
    ),
    h(
      'dl',
      { class: 'booking-facts' },
      h('dt', null, t(side === 'incoming' ? 'transfer.from' : 'transfer.to')),
      h('dd', { testid: 'transfer-party' }, side === 'incoming' ? `${tr.from_org.name ?? ''} ${tr.from_user.name ?? ''}` : (tr.to_org.name ?? '')),
      h('dt', null, t('transfer.sent_at')),
      h('dd', null, formatDateTime(tr.created_at)),
      h('dt', null, t('transfer.expires_at')),
      h('dd', null, formatDateTime(tr.expires_at)),
      tr.note ? [h('dt', null, t('transfer.note')), h('dd', { class: 'pre', testid: 'transfer-note' }, tr.note)] : null,
      tr.reason ? [h('dt', null, t('transfer.reason')), h('dd', { class: 'pre' }, tr.reason)] : null,
    ),
    summaryBlock(tr.summary),
    studiesBlock(tr.studies),
    stepButtons(tr, done),
  );
}
