// SPDX-License-Identifier: Apache-2.0
// Small DOM helpers. Text always goes in through text nodes (never innerHTML), so data from the
// server cannot become markup.

export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, unknown>;

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'multiple']);

/** Creates an element. `testid` becomes data-testid, `class` the class list, `onX` a listener. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') {
      el.className = String(value);
    } else if (key === 'testid') {
      el.dataset.testid = String(value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (PROPERTIES.has(key)) {
      (el as unknown as Record<string, unknown>)[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces all children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let idCounter = 0;
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A label above its control; the control gets an id so the label is bound to it. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  if (!control.id) control.id = uniqueId('f');
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function option(value: string, label: string, selected = false): HTMLOptionElement {
  return h('option', { value, selected }, label);
}

/** Gives each cell of the rows the text of its column's header, shown as its label on narrow screens. */
function labelCells(headers: string[], rows: Iterable<HTMLTableRowElement>): void {
  for (const row of rows) {
    let column = 0;
    for (const cell of Array.from(row.cells)) {
      const label = headers[column] ?? '';
      if (label && !cell.dataset.label) cell.dataset.label = label;
      column += cell.colSpan || 1;
    }
  }
}

/**
 * A table wrapped so that it scrolls sideways if it must; on tablet-sized and narrower screens
 * (layout.css) each row becomes a card whose cells carry their column's name, so no column is cut
 * off. Rows added or replaced later are labelled too.
 */
export function table(
  testid: string,
  headers: string[],
  rows: HTMLTableRowElement[],
): HTMLDivElement {
  const body = h('tbody', null, rows);
  labelCells(headers, rows);
  new MutationObserver(() => labelCells(headers, body.rows)).observe(body, { childList: true });
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { testid },
      h('thead', null, h('tr', null, headers.map((text) => h('th', { scope: 'col' }, text)))),
      body,
    ),
  );
}

export function td(...children: Child[]): HTMLTableCellElement {
  return h('td', null, children);
}

/** A date-and-time cell that may break between the date and the time on narrow screens. */
export function tdTime(text: string, ...extra: Child[]): HTMLTableCellElement {
  const cut = text.lastIndexOf(' ');
  const parts = cut > 0 ? [text.slice(0, cut), text.slice(cut + 1)] : [text];
  return h('td', { class: 'time' }, parts.map((part) => h('span', null, part)), extra);
}

/** A cell whose text may wrap (long free text); other cells keep to one line. */
export function tdWrap(...children: Child[]): HTMLTableCellElement {
  return h('td', { class: 'wrap' }, children);
}

/** Turns a base64 string from UTF-8 text (for data: URLs). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A definition list row. */
export function dlRow(term: string, ...value: Child[]): Child[] {
  return [h('dt', null, term), h('dd', null, value)];
}
