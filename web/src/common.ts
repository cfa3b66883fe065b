// SPDX-License-Identifier: Apache-2.0
// Pieces shared by the screens: error boxes, busy buttons, the language switch, badges.
import { ApiError, errorMessage, listen, type StreamState } from './api';
import { h, replace, uniqueId, type Child } from './dom';
import { lang, setLang, t, type MessageKey } from './i18n';
import { onLeave, rerender, type LeaveHook } from './router';

export function errorBox(): HTMLDivElement {
  const box = h('div', { class: 'alert error', role: 'alert', testid: 'error' });
  box.hidden = true;
  return box;
}

export function showError(box: HTMLElement, message: string): void {
  box.textContent = message;
  box.hidden = false;
}

export function clearError(box: HTMLElement): void {
  box.textContent = '';
  box.hidden = true;
}

export function notice(message: string, testid = 'notice'): HTMLDivElement {
  return h('div', { class: 'alert success', role: 'status', testid }, message);
}

/** Disables a button while `work` runs, so a double tap does not send twice. */
export async function busy(button: HTMLButtonElement, work: () => Promise<void>): Promise<void> {
  if (button.disabled) return;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/**
 * The control of a form that a problem's `field` names: the one whose name is the field, or for
 * an item of a list (`restrictions[1].until`) the second of those named `restrictions[].until`.
 */
function fieldControl(form: ParentNode, field: string): HTMLElement | null {
  const named = (name: string): HTMLElement[] =>
    Array.from(form.querySelectorAll<HTMLElement>('[name]')).filter((el) => el.getAttribute('name') === name);
  const exact = named(field);
  if (exact.length) return exact[0];
  const index = /\[(\d+)\]/.exec(field);
  return index ? (named(field.replace(/\[\d+\]/, '[]'))[Number(index[1])] ?? null) : null;
}

/** Removes the messages showFieldError put beside the controls of form. */
export function clearFieldErrors(form: ParentNode): void {
  for (const el of Array.from(form.querySelectorAll('[data-testid="field-error"]'))) el.remove();
  for (const el of Array.from(form.querySelectorAll('[data-field-invalid]'))) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('data-field-invalid');
  }
}

/**
 * Shows an API refusal beside the control of the field it names (ApiError with problem.field),
 * marks the control invalid and focuses it. False when the field has no control in form.
 */
export function showFieldError(form: ParentNode, error: unknown): boolean {
  const problem = error instanceof ApiError ? error.problem : null;
  const control = problem?.field ? fieldControl(form, problem.field) : null;
  if (!control || !problem?.field) return false;
  const detail = problem.detail ?? '';
  const marker = `(${problem.field}: `;
  const at = detail.indexOf(marker);
  // beside the field, its name goes: "title (why)" of the detail "title (field: why)"; the
  // server writes why in the request's language, and Japanese reads it as a second sentence
  const title = problem.title ?? '';
  const why = at >= 0 ? detail.slice(at + marker.length).replace(/\)$/, '') : '';
  // a detail naming the field alone ("title (end)"): beside it, the title says it all
  const bare = at < 0 && title !== '' && detail.endsWith(`(${problem.field})`);
  const message =
    at < 0 ? (bare ? title : errorMessage(error)) : lang() === 'ja' && title.endsWith('。') ? `${title}${why}。` : `${title} (${why})`;
  if (!control.id) control.id = uniqueId('f');
  const note = h('p', { class: 'field-error', role: 'alert', testid: 'field-error', id: `${control.id}-error` }, message);
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('data-field-invalid', '');
  control.setAttribute('aria-errormessage', note.id);
  control.insertAdjacentElement('afterend', note);
  control.focus();
  return true;
}

/**
 * Runs an API call for a button and shows a failure: beside the field it names when the
 * button's form has a control of that name (showFieldError), else in `errors`.
 */
export async function attempt(
  button: HTMLButtonElement,
  errors: HTMLElement,
  work: () => Promise<void>,
): Promise<void> {
  clearError(errors);
  const form = button.form ?? errors.closest('form');
  if (form) clearFieldErrors(form);
  await busy(button, async () => {
    try {
      await work();
    } catch (error) {
      if (!form || !showFieldError(form, error)) showError(errors, errorMessage(error));
    }
  });
}

export function langButton(): HTMLButtonElement {
  const next = lang() === 'ja' ? 'en' : 'ja';
  return h(
    'button',
    {
      type: 'button',
      class: 'lang-switch',
      testid: 'lang-switch',
      lang: next,
      'aria-label': t('header.language'),
      onclick: () => {
        setLang(next);
        rerender();
      },
    },
    next === 'en' ? 'English' : '日本語',
  );
}

export function loading(): HTMLParagraphElement {
  return h('p', { class: 'muted loading', testid: 'loading', role: 'status' }, t('common.loading'));
}

export function empty(message: string, testid = 'empty'): HTMLParagraphElement {
  return h('p', { class: 'empty', testid }, message);
}

export function badge(text: string, kind: 'ok' | 'warn' | 'muted' | 'info' = 'info'): HTMLSpanElement {
  return h('span', { class: `badge ${kind}` }, text);
}

export function pageTitle(text: string, ...actions: Child[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('h1', null, text), h('div', { class: 'actions' }, actions));
}

/** Loads data into `target`, showing "loading" and then either the result or the error. */
export async function load<T>(
  target: HTMLElement,
  fetcher: () => Promise<T>,
  show: (data: T) => Child,
): Promise<void> {
  replace(target, loading());
  try {
    const data = await fetcher();
    replace(target, show(data));
  } catch (error) {
    const box = errorBox();
    showError(box, errorMessage(error));
    replace(target, box);
  }
}

export interface FormDialogOptions {
  /** Called after send succeeded and the dialog closed (e.g. to reload the page's data). */
  saved?: () => void;
  submitLabel?: MessageKey;
  /** The form's class beside "stack" (a feature's field widths). */
  className?: string;
}

/** A dialog with a form: submit runs send; a refusal is shown (by its field when the server names
 *  one), success closes the dialog and calls saved. */
export function formDialog(title: MessageKey, testid: string, controls: Child[], send: () => Promise<void>, options: FormDialogOptions = {}): void {
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: `${testid}-submit` }, t(options.submitLabel ?? 'common.save'));
  const cancel = h('button', { type: 'button', class: 'secondary', testid: `${testid}-close` }, t('common.cancel'));
  const form = h('form', { class: `stack ${options.className ?? ''}`.trim(), testid: `${testid}-form`, novalidate: true }, errors, controls, h('div', { class: 'row end' }, cancel, submit));
  const dialog = openDialog(t(title), form, `${testid}-dialog`);
  cancel.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await send();
      dialog.close();
      options.saved?.();
    });
  });
}

/** A `<dialog>` with a title and content; closed by its own close button or Escape. */
export function openDialog(title: string, content: Child, testid: string): HTMLDialogElement {
  const dialog = h(
    'dialog',
    { class: 'dialog', testid, 'aria-label': title },
    h(
      'div',
      { class: 'dialog-head' },
      h('h2', null, title),
      h(
        'button',
        {
          type: 'button',
          class: 'icon',
          'aria-label': t('common.close'),
          onclick: () => dialog.close(),
        },
        '×',
      ),
    ),
    h('div', { class: 'dialog-body' }, content),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * Shows a spinner in panel while load runs. On failure shows the error in the panel instead and
 * returns undefined, so the caller simply stops.
 */
export async function loadInto<T>(panel: HTMLElement, load: () => Promise<T>): Promise<T | undefined> {
  replace(panel, loading());
  try {
    return await load();
  } catch (error) {
    const box = errorBox();
    showError(box, errorMessage(error));
    replace(panel, box);
    return undefined;
  }
}

export interface LiveTexts {
  connecting: MessageKey;
  live: MessageKey;
  reconnecting: MessageKey;
}

/**
 * A status line that says whether a page's event stream is live (`data-state` open or error, for
 * the tests), and the handler that keeps it current.
 */
export function liveStatus(testid: string, texts: LiveTexts): { line: HTMLElement; onState: (state: StreamState) => void } {
  const line = h('p', { class: 'small muted', testid, role: 'status' }, t(texts.connecting));
  const onState = (state: StreamState): void => {
    line.textContent = t(state === 'open' ? texts.live : texts.reconnecting);
    line.dataset.state = state;
  };
  return { line, onState };
}

/**
 * Calls refresh on every event of topic for the current organisation (and after a stretch the
 * stream lost) until the page, or the tab of leave, is left or the returned status line (which
 * says whether the stream is live) is no longer shown.
 */
export function liveRefresh(testid: string, topic: string, texts: LiveTexts, refresh: () => void, leave: LeaveHook = onLeave): HTMLElement {
  const { line, onState } = liveStatus(testid, texts);
  const onEvent = (): void => {
    if (!line.isConnected) {
      close();
      return;
    }
    refresh();
  };
  const close = listen(topic, { onEvent, onReset: onEvent, onState });
  leave(close);
  return line;
}
