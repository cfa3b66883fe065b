// SPDX-License-Identifier: Apache-2.0
// The 文書 section of the 記録 tab: DocumentReferences, newest first, and an in-browser view of a
// PDF (or image) in an <iframe> on /fhir/Binary/<id> — same origin only; the server lets its own
// pages frame the raw Binary and nothing else. A document without a PDF is shown from its FHIR
// Composition: each section's title and narrative, as plain text (the XHTML is never parsed into
// the page or inserted).
// Withdrawn (entered-in-error) documents stay in the list, struck through with their reason.
import { empty, loadInto } from '../../../common';
import { h, replace } from '../../../dom';
import {
  conceptText,
  isEnteredInError,
  read,
  referenceId,
  sameOriginPath,
  type CodeableConcept,
  type Reference,
  type Resource,
} from '../../../fhir';
import { t } from '../../../i18n';
import type { Patient } from '../types';
import { searchRecord } from './recordSearch';
import { entryClass, withdrawnNote } from './recordChange';
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

/** The Composition a document is the rendering of: its attachment url or context.related. */
function compositionOf(doc: Resource): string {
  const url = attachmentOf(doc)?.url ?? '';
  if (/^Composition\/[A-Za-z0-9\-.]{1,64}$/.test(url)) return referenceId(url);
  const context = doc.context as { related?: Reference[] } | undefined;
  const related = (context?.related ?? []).find((r) => r.reference?.startsWith('Composition/'));
  return referenceId(related?.reference);
}

const BLOCK_TAG = /^(p|div|li|tr|h[1-6]|table|ul|ol|pre|br|blockquote)$/i;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The text of a narrative's XHTML, with line breaks where its blocks and <br> are. The markup is
 * read as a string, never parsed into a DOM (so nothing in it loads, runs or renders); comments,
 * <script> and <style> are dropped, tags are dropped, entities are decoded, and the caller shows
 * the result with textContent.
 */
export function narrativeText(xhtml: string): string {
  const token = /<!--[\s\S]*?-->|<(script|style)\b[\s\S]*?<\/\1\s*>|<\/?([A-Za-z][\w:.-]*)[^>]*>|[^<]+|</gi;
  let text = '';
  for (const match of xhtml.matchAll(token)) {
    const [whole, , tag] = match;
    if (whole.startsWith('<!--') || match[1]) continue;
    if (tag) {
      if (BLOCK_TAG.test(tag)) text += '\n';
      continue;
    }
    text += decodeEntities(whole.replace(/\s+/g, ' '));
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

interface Section {
  title?: string;
  text?: { div?: string };
  section?: Section[];
}

function sectionView(section: Section, depth: number): HTMLElement {
  const text = section.text?.div ? narrativeText(section.text.div) : '';
  return h(
    'section',
    { class: 'doc-section', testid: 'doc-section' },
    h(depth === 0 ? 'h4' : 'h5', { testid: 'doc-section-title' }, section.title ?? ''),
    text ? h('p', { class: 'doc-section-text', testid: 'doc-section-text' }, text) : null,
    (section.section ?? []).map((s) => sectionView(s, depth + 1)),
  );
}

/** The sections of Composition id, loaded into a container. */
function compositionView(id: string): HTMLElement {
  const body = h('div', { class: 'doc-composition', testid: 'doc-composition' });
  void loadInto(body, () => guarded(() => read('Composition', id))).then((composition) => {
    if (!composition) return;
    const sections = (composition.section as Section[] | undefined) ?? [];
    replace(
      body,
      h('h4', { class: 'visually-hidden' }, t('record.doc_sections')),
      sections.length
        ? sections.map((s) => sectionView(s, 0))
        : h('p', { class: 'empty', testid: 'doc-no-sections' }, t('record.doc_no_sections')),
    );
  });
  return body;
}

function viewer(doc: Resource, close: () => void): HTMLElement {
  const attachment = attachmentOf(doc);
  const path = attachmentPath(attachment);
  const viewable = path !== null && VIEWABLE.test(attachment?.contentType ?? '');
  const composition = viewable ? '' : compositionOf(doc);
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
        path && !composition
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
      : composition
        ? compositionView(composition)
        : h('p', { class: 'empty', testid: 'doc-not-viewable' }, t('record.doc_not_viewable')),
  );
}

function docItem(doc: Resource, open: (doc: Resource) => void): HTMLLIElement {
  const date = itemDate(doc, doc.date as string | undefined, attachmentOf(doc)?.creation);
  const org = docOrg(doc);
  const description = doc.description as string | undefined;
  return h(
    'li',
    { class: entryClass('record-item doc', doc), testid: 'document', 'data-id': doc.id ?? '' },
    h(
      'div',
      { class: 'record-main' },
      h('strong', { testid: 'document-type' }, docTitle(doc)),
      org ? h('small', null, org) : null,
      isEnteredInError(doc)
        ? null
        : h(
            'button',
            { type: 'button', class: 'secondary small', testid: 'doc-open', onclick: () => open(doc) },
            t('record.doc_open'),
          ),
    ),
    withdrawnNote(doc),
    description && description !== docTitle(doc) ? h('p', { class: 'note' }, description) : null,
    sourceLine(doc, date),
  );
}

export async function renderDocuments(body: HTMLElement, patient: Patient): Promise<void> {
  const list = await loadInto(body, () =>
    guarded(() => searchRecord('DocumentReference', patient, { _sort: '-date' })),
  );
  if (!list) return;
  const docs = [...list.filter((d) => !isEnteredInError(d)), ...list.filter(isEnteredInError)];
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
