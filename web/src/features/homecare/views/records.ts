// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section: the visit records (訪問記録): the list, one record with its versions,
// and the form by profession with its draft kept in the browser while offline.
// Paths: [] the list, ['new'] a new record, ['draft', id] a draft kept in this browser,
// [record id] the record, [record id, 'correct'] its correction. Opening the section sends the
// drafts left unsent, and so does the connection's return while it is shown.
import { api, type Query } from '../../../api';
import { empty, errorBox, loadInto, showError } from '../../../common';
import { h, replace, table, td, tdTime, tdWrap } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import type { Patient } from '../../patients/types';
import { homecareStream } from '../api';
import { kindName, kindsOfMyProfession, recordsPath, visitKinds, type VisitKind, type VisitRecord } from './recordsApi';
import { deleteDraft, draftsOf, onDraftsChanged, sendAllUnsent, sendDraft, startOutbox, type RecordDraft } from './recordsDrafts';
import { renderRecordForm } from './recordsForm';
import { loadForCorrection, renderRecordView, statusBadge, visitTime } from './recordsView';
import { tokyoInstant } from './recordsValues';
import type { SectionContext } from './room';

export function renderRecords(panel: HTMLElement, patient: Patient, context: SectionContext): void {
  startOutbox();
  void sendAllUnsent(patient.id);
  const [first, second] = context.path;
  if (first === 'new') void renderRecordForm(panel, patient, context, { kind: second });
  else if (first === 'draft' && second) void renderRecordForm(panel, patient, context, { draftId: second });
  else if (first && second === 'correct') void renderCorrection(panel, patient, context, first);
  else if (first) void renderRecordView(panel, patient, context, first);
  else void renderList(panel, patient, context);
}

async function renderCorrection(panel: HTMLElement, patient: Patient, context: SectionContext, recordId: string): Promise<void> {
  const record = await loadForCorrection(panel, patient, recordId);
  if (record) await renderRecordForm(panel, patient, context, { correct: record });
}

function draftTime(draft: RecordDraft): string {
  const start = draft.values.visit_start?.[0];
  const end = draft.values.visit_end?.[0];
  return start && end ? visitTime({ visit_start: tokyoInstant(start), visit_end: tokyoInstant(end) }) : '';
}

function button(label: string, testid: string, classes: string, action: (button: HTMLButtonElement) => void): HTMLButtonElement {
  const el = h('button', { type: 'button', class: classes, testid }, label);
  el.addEventListener('click', () => action(el));
  return el;
}

/** One draft kept in this browser: 未送信 or 書きかけ, what it is, and what can be done with it. */
function draftRow(patient: Patient, context: SectionContext, kinds: VisitKind[], draft: RecordDraft): HTMLElement {
  const unsent = draft.state === 'unsent';
  const state = unsent
    ? h('span', { class: 'badge danger', testid: 'rec-draft-unsent' }, t('homecare.records_unsent'))
    : h('span', { class: 'badge muted' }, t('homecare.records_local_draft'));
  const resend = (el: HTMLButtonElement): void => {
    el.disabled = true;
    void sendDraft(patient.id, draft.id);
  };
  const discard = (): void => {
    if (window.confirm(t('homecare.records_discard_confirm'))) deleteDraft(draft);
  };
  return h(
    'li',
    { class: 'homecare-draft', testid: 'rec-draft', 'data-state': draft.state, 'data-draft-id': draft.id },
    h(
      'div',
      { class: 'homecare-draft-head' },
      state,
      ' ',
      h('strong', null, kindName(kinds, draft.kind)),
      draft.record_id ? ` ${t('homecare.records_correction')}` : '',
      ' ',
      h('span', null, draftTime(draft)),
      h('span', { class: 'small muted' }, ` ${t('homecare.records_kept_locally', { time: formatDateTime(draft.saved_at) })}`),
    ),
    draft.error ? h('p', { class: 'small', testid: 'rec-draft-error' }, draft.error) : null,
    h(
      'div',
      { class: 'actions' },
      unsent ? button(t('homecare.records_resend'), 'rec-draft-resend', 'primary small', resend) : null,
      button(t('homecare.records_open'), 'rec-draft-open', 'secondary small', () => context.open('records', ['draft', draft.id])),
      button(t('homecare.records_discard'), 'rec-draft-discard', 'danger secondary small', discard),
    ),
  );
}

/** The drafts kept in this browser for the patient: unsent ones first, with 再送信. */
function draftsBlock(patient: Patient, context: SectionContext, kinds: VisitKind[]): HTMLElement | null {
  const drafts = draftsOf(patient.id).sort((a, b) => (a.state === b.state ? 0 : a.state === 'unsent' ? -1 : 1));
  if (!drafts.length) return null;
  const unsent = drafts.filter((d) => d.state === 'unsent').length;
  const banner = unsent
    ? h('div', { class: 'alert warn', role: 'status', testid: 'rec-unsent-banner' },
        h('strong', null, t('homecare.records_unsent')), ' ', t('homecare.records_unsent_count', { n: unsent }))
    : null;
  return h(
    'section',
    { class: 'homecare-drafts', testid: 'rec-drafts' },
    banner,
    h('h3', null, t('homecare.records_drafts_here')),
    h('ul', { class: 'homecare-draft-list' }, drafts.map((draft) => draftRow(patient, context, kinds, draft))),
  );
}

function recordTable(items: VisitRecord[], kinds: VisitKind[], context: SectionContext): HTMLElement {
  if (!items.length) return empty(t('homecare.records_none'), 'rec-list-empty');
  return table(
    'rec-list',
    (['visit', 'kind', 'org', 'author', 'status', 'version'] as const).map((k) => t(`homecare.records_${k}`)),
    items.map((record) =>
      h(
        'tr',
        { testid: 'rec-row', 'data-record-id': record.id, 'data-status': record.status },
        tdTime(visitTime(record)),
        td(button(kindName(kinds, record.kind), 'rec-row-open', 'link', () => context.open('records', [record.id]))),
        tdWrap(record.org.name),
        td(record.author.name),
        td(statusBadge(record.status)),
        td(`${record.version}`),
      ),
    ),
  );
}

async function renderList(panel: HTMLElement, patient: Patient, context: SectionContext): Promise<void> {
  type Page = { items: VisitRecord[]; next_cursor?: string | null };
  const read = (query: Query = {}): Promise<Page> => api.get(recordsPath(patient.id), { limit: 50, ...query });
  let refresh = (): void => {};
  homecareStream(['homecare.record'], () => refresh(), context.onLeave);
  const loaded = await loadInto(panel, () => Promise.all([read(), visitKinds()]));
  if (!loaded) return;
  const [answer, kinds] = loaded;
  const drafts = h('div', { testid: 'rec-drafts-box' });
  const list = h('div', { testid: 'rec-list-box', 'aria-live': 'polite' });
  const more = h('div');
  const errors = errorBox();
  let items = answer.items;
  const showMore = (cursor: string | null | undefined): void => {
    replace(more, cursor ? h('button', { type: 'button', class: 'secondary', testid: 'rec-more', onclick: () => void next(cursor) }, t('homecare.records_more')) : null);
  };
  const next = async (cursor: string): Promise<void> => {
    try {
      const page = await read({ cursor });
      items = [...items, ...page.items];
      replace(list, recordTable(items, kinds, context));
      showMore(page.next_cursor);
    } catch (error) {
      showError(errors, error instanceof Error ? error.message : String(error));
    }
  };
  let generation = 0;
  refresh = () => {
    const mine = ++generation;
    read().then((page) => {
      if (mine !== generation) return;
      items = page.items;
      replace(list, recordTable(items, kinds, context));
      showMore(page.next_cursor);
    }, () => {});
  };
  const showDrafts = (): void => replace(drafts, draftsBlock(patient, context, kinds));
  context.onLeave(onDraftsChanged(() => {
    showDrafts();
    refresh();
  }));
  showDrafts();
  replace(list, recordTable(items, kinds, context));
  showMore(answer.next_cursor);
  const mine = kindsOfMyProfession(kinds);
  replace(
    panel,
    h('div', { class: 'card-title' },
      h('h2', null, t('homecare.section_records')),
      mine.length ? button(t('homecare.records_new'), 'rec-new', 'primary small', () => context.open('records', ['new'])) : null,
    ),
    drafts, errors, list, more,
  );
}
