// SPDX-License-Identifier: Apache-2.0
// The 文書 section of the 記録 tab: DocumentReferences, newest first, and an in-browser view of a
// PDF (or image) in an <iframe> on /fhir/Binary/<id> — same origin only; the server lets its own
// pages frame the raw Binary and nothing else.
import { empty, loadInto } from '../../../common';
import { h, replace } from '../../../dom';
import {
  conceptText,
  sameOriginPath,
  search,
  type CodeableConcept,
  type Reference,
  type Resource,
} from '../../../fhir';
import { t } from '../../../i18n';
import type { Patient } from '../types';
import { guarded, itemDate, sourceLine } from './recordCommon';

interface Attachment {
  contentType?: string;
  url?: string;
  title?: string;
  creation?: string;
}

const VIEWABLE = /^(application\/pdf|image\/(png|jpeg|gif|webp))\b/i;

function attachmentOf(doc: Resource): Attachment | undefined {
  const content = (doc.content as { attachment?: Attachment }[] | undefined) ?? [];
  return content.find((c) => c.attachment?.url && VIEWABLE.test(c.attachment.contentType ?? ''))?.attachment ??
    content.find((c) => c.attachment?.url)?.attachment;
}

/** The same-origin path of an attachment url ("Binary/<id>" is relative to /fhir/). */
export function attachmentPath(attachment: Attachment | undefined): string | null {
  if (!attachment?.url) return null;
  return sameOriginPath(attachment.url);
}

function docTitle(doc: Resource): string {
  const type = conceptText(doc.type as CodeableConcept | undefined);
  return type || (doc.description as string | undefined) || attachmentOf(doc)?.title || t('record.unnamed');
}

function docOrg(doc: Resource): string {
  const custodian = doc.custodian as Reference | undefined;
  const authors = (doc.author as Reference[] | undefined) ?? [];
  return custodian?.display ?? authors.find((a) => a.display)?.display ?? '';
}

function viewer(doc: Resource, close: () => void): HTMLElement {
  const attachment = attachmentOf(doc);
  const path = attachmentPath(attachment);
  const viewable = path !== null && VIEWABLE.test(attachment?.contentType ?? '');
  const title = docTitle(doc);
  return h(
    'section',
    { class: 'doc-viewer', testid: 'doc-viewer', 'aria-label': t('record.doc_viewer', { title }) },
    h(
      'div',
      { class: 'record-head' },
      h('h3', null, title),
      h(
        'div',
        { class: 'row' },
        path
          ? h(
              'a',
              { href: path, target: '_blank', rel: 'noopener', class: 'button secondary small', testid: 'doc-new-tab' },
              t('record.doc_open_tab'),
            )
          : null,
        h(
          'button',
          { type: 'button', class: 'secondary small', testid: 'doc-close', onclick: close },
          t('common.close'),
        ),
      ),
    ),
    viewable
      ? h('iframe', { src: path, title, class: 'doc-frame', testid: 'doc-frame', referrerpolicy: 'no-referrer' })
      : h('p', { class: 'empty', testid: 'doc-not-viewable' }, t('record.doc_not_viewable')),
  );
}

function docItem(doc: Resource, open: (doc: Resource) => void): HTMLLIElement {
  const date = itemDate(doc, doc.date as string | undefined, attachmentOf(doc)?.creation);
  const org = docOrg(doc);
  const description = doc.description as string | undefined;
  return h(
    'li',
    { class: 'record-item doc', testid: 'document', 'data-id': doc.id ?? '' },
    h(
      'div',
      { class: 'record-main' },
      h('strong', { testid: 'document-type' }, docTitle(doc)),
      org ? h('small', null, org) : null,
      h(
        'button',
        { type: 'button', class: 'secondary small', testid: 'doc-open', onclick: () => open(doc) },
        t('record.doc_open'),
      ),
    ),
    description && description !== docTitle(doc) ? h('p', { class: 'note' }, description) : null,
    sourceLine(doc, date),
  );
}

export async function renderDocuments(body: HTMLElement, patient: Patient): Promise<void> {
  const list = await loadInto(body, () =>
    guarded(() => search('DocumentReference', { patient: patient.id, _sort: '-date' })),
  );
  if (!list) return;
  const docs = list.filter((d) => d.status !== 'entered-in-error');
  if (docs.length === 0) {
    replace(body, empty(t('record.no_documents'), 'record-documents-empty'));
    return;
  }
  const slot = h('div', { class: 'doc-slot' });
  const open = (doc: Resource): void => {
    replace(slot, viewer(doc, () => replace(slot)));
    slot.scrollIntoView({ block: 'nearest' });
  };
  replace(body, h('ul', { class: 'record-list', testid: 'documents' }, docs.map((d) => docItem(d, open))), slot);
}
