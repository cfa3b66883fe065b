// SPDX-License-Identifier: Apache-2.0
// One 訪問看護報告書, read-only: its status, who wrote and signed it, to whom it went, the PDF, the
// month's visits, the texts and the vitals, and every version (a correction keeps the earlier
// ones readable). Its author edits or signs a draft; the station corrects a signed report with a
// reason. Whether the caller may do so is what the list's may_write said; the server refuses
// anything else.
import { attempt, badge, errorBox, loadInto, notice } from '../../../common';
import { dlRow, h, replace, table, td } from '../../../dom';
import { formatDate, formatDateTime } from '../../../format';
import { lang, t } from '../../../i18n';
import type { Patient } from '../../patients/types';
import { currentMe } from '../../../session';
import {
  monthLabel,
  pdfPath,
  reportApi,
  visitKinds,
  type Report,
  type ReportVersion,
  type VisitKind,
  type VitalSummary,
} from './reportData';

export function statusBadge(report: ReportVersion): HTMLElement {
  if (report.status === 'signed') return badge(t('homecare.report_status_signed'), 'ok');
  if (report.version > 1)
    return badge(t('homecare.report_status_correcting', { version: report.version }), 'warn');
  return badge(t('homecare.report_status_draft'), 'muted');
}

export function kindLabel(kinds: VisitKind[], code: string): string {
  const kind = kinds.find((k) => k.code === code);
  return kind ? (lang() === 'ja' ? kind.ja : kind.en) : code;
}

/** A UCUM unit as people read it (mm[Hg] → mmHg, Cel → ℃). */
export function unitLabel(unit: string | undefined): string {
  const labels: Record<string, string> = { 'mm[Hg]': 'mmHg', Cel: '℃', '/min': '/分', '{score}': '' };
  return unit === undefined ? '' : (labels[unit] ?? unit);
}

export function vitalsTable(vitals: VitalSummary[]): HTMLElement {
  if (!vitals.length) return h('p', { class: 'muted', testid: 'report-vitals-none' }, t('homecare.report_vitals_none'));
  const headers = [
    t('homecare.report_vital_item'),
    t('homecare.report_vital_count'),
    t('homecare.report_vital_min'),
    t('homecare.report_vital_max'),
    t('homecare.report_vital_last'),
  ];
  const rows = vitals.map((v) =>
    h(
      'tr',
      { testid: 'report-vital', 'data-vital': v.vital },
      td(unitLabel(v.unit) ? `${v.ja} (${unitLabel(v.unit)})` : v.ja),
      td(v.count),
      td(v.min),
      td(v.max),
      td(v.last),
    ),
  );
  return table('report-vitals', headers, rows);
}

function textPart(title: string, text: string, testid: string): HTMLElement {
  return h(
    'section',
    { class: 'report-part', testid },
    h('h4', null, title),
    h('p', { class: 'report-text' }, text || t('homecare.report_empty_text')),
  );
}

function contentView(version: ReportVersion, kinds: VisitKind[]): HTMLElement {
  const visits = version.content.visits;
  return h(
    'div',
    { class: 'report-content', testid: 'report-content', 'data-version': version.version },
    h(
      'section',
      { class: 'report-part', testid: 'report-visits' },
      h('h4', null, t('homecare.report_visits')),
      visits.length
        ? h(
            'ul',
            { class: 'report-visit-list' },
            visits.map((v) => h('li', { testid: 'report-visit' }, `${formatDate(v.date)} ${kindLabel(kinds, v.kind)}`)),
          )
        : h('p', { class: 'muted' }, t('homecare.report_no_visits')),
      h('p', { class: 'small' }, t('homecare.report_visit_count', { count: visits.length })),
    ),
    textPart(t('homecare.report_condition'), version.content.condition, 'report-condition'),
    textPart(t('homecare.report_care_given'), version.content.care_given, 'report-care-given'),
    textPart(t('homecare.report_home_care'), version.content.home_care, 'report-home-care'),
    textPart(t('homecare.report_remarks'), version.content.remarks, 'report-remarks'),
    h('section', { class: 'report-part' }, h('h4', null, t('homecare.report_vitals')), vitalsTable(version.vitals)),
  );
}

function meta(version: ReportVersion): HTMLElement {
  return h(
    'dl',
    { class: 'report-meta', testid: 'report-meta' },
    dlRow(t('homecare.report_meta_station'), version.org.name),
    dlRow(t('homecare.report_meta_author'), version.author.name),
    dlRow(t('homecare.report_meta_to'), version.to_org.name),
    version.signed_at && version.signed_by
      ? dlRow(
          t('homecare.report_meta_signed'),
          t('homecare.report_meta_signed_value', { name: version.signed_by.name, at: formatDateTime(version.signed_at) }),
        )
      : null,
    version.content_sha256
      ? dlRow(t('homecare.report_meta_sha'), h('code', { class: 'report-sha', testid: 'report-sha' }, version.content_sha256))
      : null,
    version.correction_reason ? dlRow(t('homecare.report_meta_reason'), version.correction_reason) : null,
  );
}

function pdfLink(patient: Patient, report: Report, version: ReportVersion, testid: string, label: string): HTMLElement {
  const current = version.version === report.version;
  return h(
    'a',
    {
      href: pdfPath(patient.id, report.id, current ? undefined : version.version),
      target: '_blank',
      rel: 'noopener',
      class: 'button secondary small',
      testid,
    },
    label,
  );
}

/** The writer's actions: the author's draft is edited or signed; a signed report is corrected. */
function actions(
  patient: Patient,
  report: Report,
  reload: (message: HTMLElement) => void,
  go: (path: string[]) => void,
): HTMLElement {
  const errors = errorBox();
  const me = currentMe();
  const ownDraft = report.status === 'draft' && report.author.id === me?.user.id;
  const ownStation = report.org.id === me?.org_id;
  const sign = h('button', { type: 'button', testid: 'report-sign' }, t('homecare.report_sign'));
  sign.addEventListener('click', () => {
    void attempt(sign, errors, async () => {
      const signed = await reportApi.sign(patient.id, report.id);
      reload(notice(t('homecare.report_signed_sent', { org: signed.to_org.name }), 'report-sent'));
    });
  });
  return h(
    'div',
    { class: 'report-actions' },
    h(
      'div',
      { class: 'row' },
      ownDraft
        ? [
            h(
              'button',
              { type: 'button', class: 'secondary', testid: 'report-edit', onclick: () => go([report.id, 'edit']) },
              t('homecare.report_edit'),
            ),
            sign,
          ]
        : null,
      report.status === 'signed' && ownStation
        ? h(
            'button',
            { type: 'button', class: 'secondary', testid: 'report-correct', onclick: () => go([report.id, 'correct']) },
            t('homecare.report_correct'),
          )
        : null,
    ),
    errors,
  );
}

function versionsList(patient: Patient, report: Report, show: (v: ReportVersion) => void): HTMLElement {
  const versions = report.versions ?? [];
  return h(
    'section',
    { class: 'report-versions', testid: 'report-versions' },
    h('h3', null, t('homecare.report_versions')),
    h(
      'ol',
      null,
      versions.map((v) =>
        h(
          'li',
          { testid: 'report-version', 'data-version': v.version },
          h('strong', null, t('homecare.report_version', { version: v.version })),
          ' ',
          statusBadge(v),
          v.signed_at ? h('small', null, ` ${formatDateTime(v.signed_at)}`) : null,
          v.correction_reason ? h('p', { class: 'small' }, v.correction_reason) : null,
          h(
            'div',
            { class: 'row' },
            h(
              'button',
              { type: 'button', class: 'secondary small', testid: 'report-version-show', onclick: () => show(v) },
              t('homecare.report_version_show'),
            ),
            pdfLink(patient, report, v, 'report-version-pdf', t('homecare.report_pdf_version')),
          ),
        ),
      ),
    ),
  );
}

export async function renderReportView(
  panel: HTMLElement,
  patient: Patient,
  reportId: string,
  go: (path: string[]) => void,
): Promise<void> {
  const body = h('div', { class: 'homecare-report', testid: 'report-view' });
  replace(panel, body);
  const load = async (message?: HTMLElement): Promise<void> => {
    const data = await loadInto(body, async () => Promise.all([reportApi.read(patient.id, reportId), visitKinds()]));
    if (!data) return;
    const [report, kinds] = data;
    const shown = h('div', { class: 'report-shown' }, meta(report), contentView(report, kinds));
    const show = (v: ReportVersion): void => replace(shown, meta(v), contentView(v, kinds));
    replace(
      body,
      h(
        'div',
        { class: 'record-head' },
        h('h2', { testid: 'report-heading' }, `${t('homecare.report_title')} ${monthLabel(report.month, lang())}`),
        h(
          'div',
          { class: 'row' },
          statusBadge(report),
          pdfLink(patient, report, report, 'report-pdf', t('homecare.report_pdf')),
          h('button', { type: 'button', class: 'secondary small', testid: 'report-back', onclick: () => go([]) }, t('homecare.report_back')),
        ),
      ),
      message ?? null,
      actions(patient, report, (next) => void load(next), go),
      shown,
      versionsList(patient, report, show),
    );
  };
  await load();
}
