// SPDX-License-Identifier: Apache-2.0
// One visit record, read-only: its current version (the form's fields, the vitals, 申し送り),
// every earlier version readable with its correction reason, and the author's signature; the
// way to a correction. The server decides who signs and who corrects, and says why not.
import { errorMessage } from '../../../api';
import { attempt, badge, errorBox, loadInto, showError } from '../../../common';
import { dlRow, h, replace, type Child } from '../../../dom';
import { formatDate, formatDateTime } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import { currentMe } from '../../../session';
import type { Patient } from '../../patients/types';
import { kindName, kindsOfMyProfession, readRecord, signRecord, visitKinds, type RecordContent, type VisitKind, type VisitRecord } from './recordsApi';
import { BARTHEL, FORM_FIELDS, VITALS, adlLabel, fieldLabel, vitalLabel, vitalUnit } from './recordsFields';
import type { SectionContext } from './room';

export function statusBadge(status: string): HTMLElement {
  return badge(status === 'signed' ? t('homecare.records_status_signed') : t('homecare.records_status_draft'), status === 'signed' ? 'ok' : 'warn');
}

/** The visit's day and times: `2026年12月7日 10:00–10:45`. */
export function visitTime(record: { visit_start: string; visit_end: string }): string {
  const start = formatDateTime(record.visit_start);
  const end = formatDateTime(record.visit_end);
  const sameDay = start.slice(0, start.lastIndexOf(' ')) === end.slice(0, end.lastIndexOf(' '));
  return `${start}–${sameDay ? end.slice(end.lastIndexOf(' ') + 1) : end}`;
}

function vitalsList(vitals: RecordContent['vitals']): Child {
  const given = VITALS.filter((spec) => vitals?.[spec.name] !== undefined && vitals?.[spec.name] !== null);
  if (!given.length) return null;
  return h(
    'dl',
    { class: 'homecare-vitals-list', testid: 'rec-view-vitals' },
    given.map((spec) => dlRow(vitalLabel(spec.name), h('span', { testid: `rec-view-vital-${spec.name}` }, `${vitals?.[spec.name]} ${vitalUnit(spec)}`.trim()))),
  );
}

function adlTable(adl: Record<string, number>): Child {
  return h(
    'dl',
    { class: 'homecare-vitals-list', testid: 'rec-view-adl' },
    BARTHEL.map(({ item }) => dlRow(adlLabel(item), String(adl[item] ?? '—'))),
    dlRow(t('homecare.records_adl_total'), h('strong', { testid: 'rec-view-adl-total' }, `${adl.total ?? '—'} / 100`)),
  );
}

function fieldValue(name: string, value: unknown): Child {
  if (name === 'adl' && value && typeof value === 'object') return adlTable(value as Record<string, number>);
  if (name === 'remaining_drugs' && Array.isArray(value))
    return h('ul', { class: 'homecare-drugs' }, (value as { drug: string; count: number }[]).map((d) => h('li', null, `${d.drug}: ${d.count}`)));
  if (name === 'adherence') return t(`homecare.records_adherence_${String(value)}` as MessageKey);
  if (name === 'next_visit') return formatDate(String(value));
  return h('span', { class: 'homecare-pre' }, String(value));
}

/** The fields of one version as read-only text. */
export function versionContent(record: VisitRecord): HTMLElement {
  const content = record.content ?? {};
  const fields = (FORM_FIELDS[record.form] ?? []).filter((spec) => content[spec.name] !== undefined && content[spec.name] !== null);
  return h(
    'div',
    { class: 'homecare-record-content', testid: 'rec-view-content' },
    h('dl', { class: 'homecare-record-fields' }, fields.map((spec) => dlRow(fieldLabel(spec.name), fieldValue(spec.name, content[spec.name])))),
    vitalsList(content.vitals),
    record.handover
      ? h('div', { class: 'homecare-handover', testid: 'rec-view-handover' },
          h('h3', null, t('homecare.records_handover')),
          h('p', { class: 'homecare-pre' }, record.handover))
      : null,
  );
}

function versionsList(record: VisitRecord): Child {
  const versions = record.versions ?? [];
  if (versions.length < 2) return null;
  const items = [...versions].reverse().map((v) => {
    const body = h('div', { class: 'homecare-version-body', testid: 'rec-version-body' });
    body.hidden = true;
    const toggle = h('button', { type: 'button', class: 'secondary small', testid: 'rec-version-show', 'aria-expanded': 'false' }, t('homecare.records_version_show'));
    toggle.addEventListener('click', () => {
      body.hidden = !body.hidden;
      toggle.setAttribute('aria-expanded', String(!body.hidden));
      if (!body.hidden && !body.firstChild) replace(body, versionContent({ ...record, ...v, form: v.form ?? record.form }));
    });
    return h(
      'li',
      { class: 'homecare-version', testid: 'rec-version', 'data-version': v.version },
      h('div', { class: 'homecare-version-head' },
        h('strong', null, t('homecare.records_version_n', { n: v.version })),
        ' ', statusBadge(v.status), ' ',
        h('span', { class: 'small muted' }, `${v.author?.name ?? ''} ${formatDateTime(v.created_at)}`),
        v.version === record.version ? h('span', { class: 'small' }, ` ${t('homecare.records_version_current')}`) : toggle,
      ),
      v.correction_reason ? h('p', { class: 'small', testid: 'rec-version-reason' }, `${t('homecare.records_reason')}: ${v.correction_reason}`) : null,
      body,
    );
  });
  return h(
    'section',
    { class: 'homecare-versions' },
    h('h3', null, t('homecare.records_versions')),
    h('ol', { class: 'homecare-version-list', testid: 'rec-versions' }, items),
  );
}

function header(record: VisitRecord, kinds: VisitKind[]): HTMLElement {
  return h(
    'dl',
    { class: 'homecare-record-head' },
    dlRow(t('homecare.records_visit'), h('span', { testid: 'rec-view-time' }, visitTime(record))),
    dlRow(t('homecare.records_org_author'), `${record.org.name}（${record.author.name}）`),
    dlRow(
      t('homecare.records_status'),
      h('span', { testid: 'rec-view-status', 'data-status': record.status }, statusBadge(record.status)),
      ' ',
      t('homecare.records_version_n', { n: record.version }),
    ),
    record.signed_at ? dlRow(t('homecare.records_signed_at'), formatDateTime(record.signed_at)) : null,
    record.correction_reason ? dlRow(t('homecare.records_reason'), h('span', { testid: 'rec-view-reason' }, record.correction_reason)) : null,
    dlRow(t('homecare.records_kind'), kindName(kinds, record.kind)),
  );
}

export async function renderRecordView(panel: HTMLElement, patient: Patient, context: SectionContext, recordId: string): Promise<void> {
  const loaded = await loadInto(panel, () => Promise.all([readRecord(patient.id, recordId), visitKinds()]));
  if (!loaded) return;
  const [record, kinds] = loaded;
  const errors = errorBox();
  const actions: HTMLElement[] = [];
  if (record.status === 'draft' && record.author.id === currentMe()?.user.id) {
    const sign = h('button', { type: 'button', class: 'primary', testid: 'rec-sign' }, t('homecare.records_sign'));
    sign.addEventListener('click', () =>
      void attempt(sign, errors, async () => {
        await signRecord(patient.id, record.id);
        await renderRecordView(panel, patient, context, recordId);
      }),
    );
    actions.push(sign);
  }
  // the organisation that made the visit corrects it (the server decides again)
  if (record.org.id === currentMe()?.org_id && kindsOfMyProfession(kinds).some((k) => k.code === record.kind)) {
    const open = (): void => context.open('records', [record.id, 'correct']);
    actions.push(h('button', { type: 'button', class: 'secondary', testid: 'rec-correct', onclick: open }, t('homecare.records_correct')));
  }
  replace(
    panel,
    h('div', { class: 'card-title' },
      h('h2', null, `${kindName(kinds, record.kind)} ${t('homecare.records_record')}`),
      h('button', { type: 'button', class: 'secondary small', testid: 'rec-back', onclick: () => context.open('records') }, t('homecare.records_back_list')),
    ),
    h('article', { class: 'homecare-record', testid: 'rec-view', 'data-record-id': record.id, 'data-status': record.status, 'data-version': record.version },
      header(record, kinds), versionContent(record), errors, h('div', { class: 'actions homecare-actions' }, actions), versionsList(record)),
  );
}

/** Opens the correction form of a record (its current version). */
export async function loadForCorrection(panel: HTMLElement, patient: Patient, recordId: string): Promise<VisitRecord | undefined> {
  try {
    return await readRecord(patient.id, recordId);
  } catch (error) {
    const box = errorBox();
    showError(box, errorMessage(error));
    replace(panel, box);
    return undefined;
  }
}
