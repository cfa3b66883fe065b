// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section: 訪問看護報告書, the monthly report from the nursing station to the physician.
// The section's own path picks the screen: the list (`report`), a new report for a month from
// its prefill (`report/new/<YYYY-MM>`), a report (`report/<id>`), its draft's form
// (`report/<id>/edit`) and a correction (`report/<id>/correct`). What may be written is the
// server's answer (the list's may_write, and every write's refusal); the list follows the
// homecare.report events, reading itself again through the API.
import { attempt, errorBox, liveStatus, loadInto } from '../../../common';
import { h, replace, table, td } from '../../../dom';
import { formatDateTime, todayTokyo } from '../../../format';
import { lang, t } from '../../../i18n';
import type { Patient } from '../../patients/types';
import { currentMe } from '../../../session';
import { homecareStream } from '../api';
import { lastMonth, monthLabel, reportApi, type Report, type ReportList } from './reportData';
import { renderReportForm } from './reportForm';
import { renderReportView, statusBadge } from './reportView';
import type { SectionContext } from './room';

export function renderReports(panel: HTMLElement, patient: Patient, context: SectionContext): void {
  const [first, second] = context.path;
  const go = (path: string[]): void => context.open('report', path);
  if (first === 'new' && second) {
    void renderReportForm(panel, patient, { mode: 'new', month: second, go });
  } else if (first && (second === 'edit' || second === 'correct')) {
    void renderReportForm(panel, patient, { mode: second, reportId: first, go });
  } else if (first) {
    void renderReportView(panel, patient, first, go);
  } else {
    renderList(panel, patient, context, go);
  }
}

function row(report: Report, go: (path: string[]) => void): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'report-item', 'data-id': report.id, 'data-month': report.month },
    td(h('strong', null, monthLabel(report.month, lang()))),
    td(report.org.name),
    td(report.to_org.name),
    td(statusBadge(report)),
    td(report.signed_at ? formatDateTime(report.signed_at) : '—'),
    td(
      h(
        'button',
        { type: 'button', class: 'secondary small', testid: 'report-open', onclick: () => go([report.id]) },
        t('homecare.report_open'),
      ),
    ),
  );
}

/** The month picker and 作成, for a nurse of the station (the server said may_write). */
function createBar(list: ReportList, go: (path: string[]) => void): HTMLElement {
  const today = todayTokyo();
  const month = h('input', {
    type: 'month',
    name: 'month',
    value: lastMonth(today),
    max: today.slice(0, 7),
    required: true,
    testid: 'report-month',
  });
  const errors = errorBox();
  const button = h('button', { type: 'submit', testid: 'report-create' }, t('homecare.report_create'));
  const form = h(
    'form',
    { class: 'report-create row', testid: 'report-create-form' },
    h('label', { class: 'field' }, t('homecare.report_month'), month),
    button,
    errors,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(button, errors, async () => {
      // a report of this month by this station already exists: open it rather than a second
      const existing = list.items.find((r) => r.month === month.value && r.org.id === currentMe()?.org_id);
      if (existing) go([existing.id]);
      else go(['new', month.value]);
    });
  });
  return form;
}

function renderList(panel: HTMLElement, patient: Patient, context: SectionContext, go: (path: string[]) => void): void {
  const live = liveStatus('report-live', {
    connecting: 'homecare.report_live_connecting',
    live: 'homecare.report_live',
    reconnecting: 'homecare.report_live_lost',
  });
  const body = h('div', { class: 'report-list', testid: 'report-list' });
  const load = async (): Promise<void> => {
    const list = await loadInto(body, () => reportApi.list(patient.id));
    if (!list) return;
    const headers = [
      t('homecare.report_col_month'),
      t('homecare.report_col_station'),
      t('homecare.report_col_to'),
      t('homecare.report_col_status'),
      t('homecare.report_col_signed'),
      '',
    ];
    replace(
      body,
      list.may_write ? createBar(list, go) : null,
      list.items.length
        ? table('reports', headers, list.items.map((r) => row(r, go)))
        : h('p', { class: 'empty', testid: 'report-none' }, t('homecare.report_none')),
    );
  };
  replace(
    panel,
    h(
      'section',
      { class: 'homecare-report', testid: 'homecare-report' },
      h('h2', null, t('homecare.report_title')),
      h('p', { class: 'muted small' }, t('homecare.report_intro')),
      live.line,
      body,
    ),
  );
  // the stream's state (data-state on a hidden element) told by the status line in words
  const state = h('span', { hidden: true });
  new MutationObserver(() => {
    if (state.dataset.state === 'open' || state.dataset.state === 'error') live.onState(state.dataset.state);
  }).observe(state, { attributes: true, attributeFilter: ['data-state'] });
  homecareStream(['homecare.report'], () => void load(), context.onLeave, state);
  void load();
}
