// SPDX-License-Identifier: Apache-2.0
// The upload panel of a CD: drop a folder or a zip (or choose one), watch the progress bar, read
// a result per file and the summary. A folder is packed into a zip here (zip.ts), so both take
// the same way to the server; the server stores every file the way STOW-RS does.
import { errorMessage } from '../../../api';
import { badge, errorBox, showError, clearError } from '../../../common';
import { h, replace, table, td, tdWrap } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import { importPath, uploadZip } from '../api';
import type { FileStatus, ImportFile, ImportResult } from '../types';
import { packZip, type PackFile } from '../zip';

/** Where the panel sends, and what to do once an import is done. */
export interface UploadOptions {
  patientId?: string;
  done: (result: ImportResult) => void;
}

const STATUS_KIND: Record<FileStatus, 'ok' | 'warn' | 'muted' | 'info'> = {
  stored: 'ok',
  duplicate: 'info',
  failed: 'warn',
  skipped: 'muted',
};

function isZip(file: File): boolean {
  return /\.zip$/i.test(file.name) || file.type === 'application/zip' || file.type === 'application/x-zip-compressed';
}

/* ---- reading a dropped folder (File and Directory Entries API) ---- */

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every file under entry, with its path from the dropped folder (readEntries gives batches). */
async function walk(entry: FileSystemEntry, into: PackFile[]): Promise<void> {
  if (entry.isFile) {
    into.push({ path: entry.fullPath.replace(/^\//, ''), file: await entryFile(entry as FileSystemFileEntry) });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
    for (const child of batch) await walk(child, into);
  }
}

/** What was dropped: one zip file, or the entries of folders (and loose files). Read while the
 *  drop event runs: a DataTransfer is emptied once it returns. */
function dropped(data: DataTransfer): { zip?: File; entries: FileSystemEntry[] } {
  const entries = Array.from(data.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  const only = data.files.length === 1 ? data.files[0] : undefined;
  if (only && isZip(only) && entries.every((e) => e.isFile)) return { zip: only, entries: [] };
  return { entries };
}

/** The files of `<input webkitdirectory>`, with their paths inside the chosen folder. */
function chosenFolder(input: HTMLInputElement): PackFile[] {
  return Array.from(input.files ?? []).map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/* ---- the result ---- */

function summaryLine(result: ImportResult): HTMLElement {
  const s = result.summary;
  const waiting = result.studies.filter((study) => study.state === 'waiting').length;
  return h(
    'div',
    { class: 'import-summary', testid: 'imaging-summary', role: 'status' },
    h(
      'p',
      null,
      h('strong', null, t('imaging.summary', { stored: s.stored, duplicates: s.duplicates, failed: s.failed, skipped: s.skipped })),
      result.dicomdir ? h('span', { class: 'muted small dicomdir-note' }, t('imaging.with_dicomdir')) : null,
    ),
    waiting > 0
      ? h(
          'p',
          { class: 'alert warn', testid: 'imaging-summary-waiting' },
          t('imaging.summary_waiting', { n: waiting }),
          ' ',
          h('a', { href: '#/imaging/unmatched' }, t('imaging.open_queue')),
        )
      : null,
  );
}

function fileRow(file: ImportFile): HTMLTableRowElement {
  const note = file.warning ?? (file.reason ? { reason: file.reason, detail: file.detail } : null);
  return h(
    'tr',
    { testid: 'imaging-result-row', 'data-status': file.status, 'data-code': file.warning?.code ?? file.code ?? '' },
    tdWrap(h('span', { class: 'mono' }, file.name)),
    td(badge(t(`imaging.status.${file.status}` as MessageKey), file.warning ? 'warn' : STATUS_KIND[file.status])),
    tdWrap(note ? note.reason : '', note?.detail ? h('span', { class: 'muted small' }, ` (${note.detail})`) : null),
  );
}

function resultView(result: ImportResult): HTMLElement {
  return h(
    'div',
    { class: 'stack', testid: 'imaging-result' },
    summaryLine(result),
    result.files.length
      ? table('imaging-results', [t('imaging.file'), t('imaging.result'), t('imaging.note')], result.files.map(fileRow))
      : null,
  );
}

/* ---- the panel ---- */

/** A way to the panel's work: a zip to send, or files of a folder to pack first. */
type Run = (work: () => Promise<Blob | null>) => Promise<void>;
type Pack = (files: PackFile[]) => Promise<Blob | null>;

/** The drop zone with its two pickers (a zip file, a folder: `<input webkitdirectory>`). */
function dropZone(options: UploadOptions, run: Run, packFolder: Pack): HTMLElement {
  const zipInput = h('input', { type: 'file', accept: '.zip,application/zip', testid: 'imaging-zip-input', class: 'visually-hidden' });
  zipInput.addEventListener('change', () => {
    const file = zipInput.files?.[0];
    zipInput.value = '';
    if (file) void run(async () => file);
  });
  const folderInput = h('input', { type: 'file', multiple: true, testid: 'imaging-folder-input', class: 'visually-hidden' });
  folderInput.setAttribute('webkitdirectory', '');
  folderInput.addEventListener('change', () => {
    const files = chosenFolder(folderInput);
    folderInput.value = '';
    void run(() => packFolder(files));
  });
  const drop = h(
    'div',
    { class: 'drop-zone', testid: 'imaging-drop', tabindex: 0 },
    h('p', null, t(options.patientId ? 'imaging.drop_patient' : 'imaging.drop_org')),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', testid: 'imaging-choose-zip', onclick: () => zipInput.click() }, t('imaging.choose_zip')),
      h('button', { type: 'button', testid: 'imaging-choose-folder', onclick: () => folderInput.click() }, t('imaging.choose_folder')),
    ),
    zipInput,
    folderInput,
  );
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    if (!event.dataTransfer) return;
    const what = dropped(event.dataTransfer);
    void run(async () => {
      if (what.zip) return what.zip;
      const files: PackFile[] = [];
      for (const entry of what.entries) await walk(entry, files);
      return packFolder(files);
    });
  });
  return drop;
}

export function uploadPanel(options: UploadOptions): HTMLElement {
  const progress = h('progress', { max: 1, value: 0, testid: 'imaging-progress', 'aria-label': t('imaging.progress') });
  const phase = h('span', { class: 'small muted', testid: 'imaging-phase', 'aria-live': 'polite' });
  const progressRow = h('div', { class: 'import-progress', hidden: true }, progress, phase);
  const errors = errorBox();
  const result = h('div', { testid: 'imaging-result-area' });
  let running = false;

  const showPhase = (key: MessageKey, fraction?: number): void => {
    progressRow.hidden = false;
    phase.textContent = t(key);
    if (fraction === undefined) progress.removeAttribute('value');
    else progress.value = fraction;
  };

  const send = async (zip: Blob): Promise<void> => {
    showPhase('imaging.phase_uploading', 0);
    const answer = await uploadZip(importPath(options.patientId), zip, (sent, total) => {
      progress.value = total > 0 ? sent / total : 0;
      if (sent >= total) showPhase('imaging.phase_processing');
    });
    progress.value = 1;
    phase.textContent = t('imaging.phase_done');
    replace(result, resultView(answer));
    options.done(answer);
  };

  const run = async (work: () => Promise<Blob | null>): Promise<void> => {
    if (running) return;
    running = true;
    panel.setAttribute('aria-busy', 'true');
    clearError(errors);
    replace(result);
    try {
      const zip = await work();
      if (zip) await send(zip);
    } catch (error) {
      progressRow.hidden = true;
      showError(errors, error instanceof Error && error.message === 'too_large' ? t('imaging.folder_too_large') : errorMessage(error));
    } finally {
      running = false;
      panel.removeAttribute('aria-busy');
    }
  };

  const packFolder = async (files: PackFile[]): Promise<Blob | null> => {
    if (files.length === 0) {
      showError(errors, t('imaging.nothing_chosen'));
      return null;
    }
    showPhase('imaging.phase_packing', 0);
    return packZip(files, (done, total) => (progress.value = done / total));
  };

  const drop = dropZone(options, run, packFolder);

  const panel = h(
    'section',
    { class: 'card import-panel', testid: 'imaging-upload' },
    h('h2', { class: 'card-title' }, t('imaging.upload_title')),
    h('p', { class: 'hint' }, t(options.patientId ? 'imaging.upload_hint_patient' : 'imaging.upload_hint_org')),
    drop,
    progressRow,
    errors,
    result,
  );
  return panel;
}
